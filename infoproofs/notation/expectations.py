"""Tabulated expectations of named laws: E log X, E log(1 - X), E e^{cX}, ... with their sources.

The engine evaluates ``E_{x~p}[g(x)]`` by linearity down to atoms ``g``;
polynomial atoms come from ``Distribution.moment``, and every other atom a
closed form needs (E log X for a Gamma, E log(1 + ((X - m)/s)^2) for a Cauchy)
is registered here, next to the law, with the standard result it cites.  A
registry rather than methods on the classes, so that a result can be added
(and its citation shown in the derivation's note) without touching the law,
and so that the checker can say *which* tabulated results a step relied on.

Each entry is cross-checked by the numeric oracle, which never uses this
table: ``tests/test_families.py`` compares every entry with quadrature of the
definition at random parameters, so a wrong entry is caught there, and a
wrong entry used in a derivation makes the two oracles disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from .distributions import Distribution

__all__ = ["Tabulated", "tabulated", "tabulated_matching", "tabulated_expectation", "TABLE", "same_atom"]


@dataclass(frozen=True)
class Tabulated:
    """One registered expectation: ``value(dist, g, x)`` is E[g(X)] for the atoms it accepts, else None."""

    family: type
    name: str
    citation: str
    value: Callable[[Distribution, sp.Expr, sp.Symbol], sp.Expr | None]


TABLE: dict[type, list[Tabulated]] = {}


def same_atom(g: sp.Expr, template: sp.Expr) -> bool:
    """Is ``g`` the atom ``template`` up to expansion (log(1 + (x - m)^2/s^2) written out either way)?"""
    if g == template:
        return True
    if type(g) is not type(template) or g.func != template.func:
        return False
    try:
        return sp.expand(g - template) == 0 or sp.expand(sp.expand_log(g) - sp.expand_log(template)) == 0
    except (TypeError, ValueError, RecursionError):
        return False


def tabulated(family: type, name: str, citation: str):
    """Register ``fn(dist, x) -> (atom, value)``: E[atom(X)] = value for X ~ dist (a fixed atom such as log x).

    ``value`` None says the result does not hold for these parameters (E log X under a Uniform(a, b)
    whose a is not known to be positive).
    """

    def wrap(fn: Callable[[Distribution, sp.Symbol], tuple[sp.Expr, sp.Expr]]):
        def value(dist: Distribution, g: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
            if not isinstance(x, sp.Symbol):
                return None  # a Tuple of coordinates: only entries written for coordinates (tabulated_matching) apply
            atom, result = fn(dist, x)  # result None: the entry does not hold for these parameters
            return result if result is not None and same_atom(g, atom) else None

        TABLE.setdefault(family, []).append(Tabulated(family, name, citation, value))
        return fn

    return wrap


def tabulated_matching(family: type, name: str, citation: str):
    """Register ``fn(dist, g, x) -> value | None`` for a family of atoms (e^{c x} for every constant c).

    ``x`` is the bound variable: a symbol, or for a vector law a ``Tuple`` of coordinates, whose
    atoms (log x_i, x_i x_j) such an entry recognises itself.
    """

    def wrap(fn: Callable[[Distribution, sp.Expr, sp.Symbol], sp.Expr | None]):
        TABLE.setdefault(family, []).append(Tabulated(family, name, citation, fn))
        return fn

    return wrap


def tabulated_expectation(g: sp.Expr, x: sp.Symbol, dist: Distribution) -> tuple[sp.Expr, Tabulated] | None:
    """E[g(x)] under ``dist`` from the table, with the entry that gave it; None when no entry applies."""
    for cls in type(dist).__mro__:
        for entry in TABLE.get(cls, ()):
            found = entry.value(dist, g, x)
            if found is not None:
                return found, entry
    return None
