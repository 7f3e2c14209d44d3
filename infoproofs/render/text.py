"""Plain-text mathematics for the terminal: SymPy's ``sstr``, with Euler's number printed as ``e``.

SymPy prints Euler's number as ``E``, which a reader of ``log(2*E*pi*s**2)/2``
easily takes for an expectation; here it is ``e``, and ``exp(1)`` stays
``e`` too.  Everything else is SymPy's own printer.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.str import StrPrinter

__all__ = ["plain"]


class _Plain(StrPrinter):
    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_ImaginaryUnit(self, expr) -> str:
        return "i"


def plain(expr: sp.Basic) -> str:
    """``expr`` as one line of plain text."""
    return _Plain().doprint(expr)
