"""LaTeX output: an ``align*`` chain, each step justified by ``\\text{...}``."""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation
from ..notation.domains import domain_of
from ..notation.matrices import random_matrices_in

__all__ = ["latex_expr", "derivation_latex", "standalone"]

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def escape_text(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def latex_expr(expr: sp.Basic) -> str:
    return sp.latex(expr, ln_notation=False)


def _assumption_line(d: Derivation) -> str:
    parts = []
    for sym in sorted(d.free_symbols(), key=lambda s: s.name):
        domain = d.domains.get(sym) or domain_of(sym)
        if domain is not None and domain.latex(sp.latex(sym)):
            parts.append(domain.latex(sp.latex(sym)))
    exprs = [d.start, *(step.expr for step in d.steps)]
    for matrix in sorted(random_matrices_in(*exprs), key=lambda m: m.name):
        parts.append(matrix.latex_domain())
    parts += [sp.latex(a) for a in d.assumptions]
    return ", ".join(parts)


def derivation_latex(d: Derivation, verdicts: list[str] | None = None) -> str:
    """The derivation as an ``align*`` block, preceded by title, source and assumptions."""
    lines = [
        f"% {d.name}: {d.title}",
        rf"\paragraph{{{escape_text(d.title)}}} {escape_text(d.source)}.",
    ]
    assumptions = _assumption_line(d)
    if assumptions:
        lines.append(rf"Assumptions: ${assumptions}$.")
    lines.append(r"\begin{align*}")
    rows = []
    for i, step in enumerate(d.steps):
        left = latex_expr(d.start) if i == 0 else ""
        why = step.rule + (f": {step.note}" if step.note else "")
        if verdicts is not None and i < len(verdicts):
            why += f" [{verdicts[i]}]"
        rows.append(rf"{left} &{step.relation.latex} {latex_expr(step.expr)} && \text{{{escape_text(why)}}}")
    lines.append(" \\\\\n".join(rows))
    lines.append(r"\end{align*}")
    return "\n".join(lines) + "\n"


def standalone(body: str) -> str:
    return (
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\usepackage[margin=2cm]{geometry}\n"
        "\\allowdisplaybreaks\n\\begin{document}\n" + body + "\\end{document}\n"
    )
