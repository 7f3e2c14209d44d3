"""The expectation engine: linearity plus known moments instead of integration.

``sympy.integrate`` of a Gaussian log-ratio takes ~10 s and returns erf-laden
output; the same expectation is a polynomial in ``x`` whose expectation is a
combination of moments.  This module turns ``E_{x~p}[f]`` into
``sum_k c_k E[g_k]`` (linearity) and then replaces each ``E[g_k]`` by a known
value (moments of the law, or a finite sum for discrete laws).  When an atom
has no known expectation it is left unevaluated: the caller then reports
"unknown", never a guess.
"""

from __future__ import annotations

import sympy as sp

from ..notation.distributions import Distribution, Laplace
from ..notation.functionals import Expectation, LogDensity

__all__ = [
    "fresh_variable",
    "expand_log_densities",
    "split_linear",
    "apply_linearity",
    "known_expectation",
    "substitute_known_expectations",
]


def fresh_variable(*exprs: sp.Basic, base: str = "x") -> sp.Symbol:
    """A real symbol not free in ``exprs``; deterministic so that caches keyed by srepr are stable."""
    taken = set()
    for expr in exprs:
        taken |= {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    for name in [base, "u", "w", *(f"{base}_{i}" for i in range(1, 100))]:
        if name not in taken:
            return sp.Symbol(name, real=True)
    raise ValueError("could not find a fresh variable name")


def expand_log_densities(expr: sp.Expr) -> sp.Expr:
    """Replace every ``log p(x)`` by the law's explicit log-density."""
    return expr.replace(lambda e: isinstance(e, LogDensity), lambda e: e.doit())


def split_linear(integrand: sp.Expr, var: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr]]:
    """Write ``integrand`` as ``sum c_i * g_i`` with ``c_i`` free of ``var``.

    Returns (coefficient, g) pairs with like ``g`` merged; ``g == 1`` collects
    the constant part.  Logs are expanded first (sound: ``expand_log`` without
    ``force`` only splits logs whose arguments SymPy knows to be positive).
    """
    expanded = sp.expand(sp.expand_log(sp.expand(integrand)))
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(expanded):
        coeff, rest = term.as_independent(var, as_Add=False)
        groups[rest] = groups.get(rest, sp.Integer(0)) + coeff
    return [(sp.factor_terms(c), g) for g, c in groups.items() if c != 0]


def apply_linearity(expr: sp.Expr) -> sp.Expr:
    """Push every expectation through sums and constant factors."""

    def linear(e: Expectation) -> sp.Expr:
        total = sp.Integer(0)
        for coeff, g in split_linear(e.integrand, e.var):
            total += coeff * (sp.Integer(1) if g == 1 else Expectation(g, e.var, e.dist))
        return total

    return expr.replace(lambda e: isinstance(e, Expectation), linear)


def known_expectation(g: sp.Expr, var: sp.Symbol, dist: Distribution) -> sp.Expr | None:
    """E[g(var)] under ``dist`` when it is a moment, a finite sum, or a tabulated atom."""
    if dist.is_discrete:
        return sp.Add(*[prob * g.subs(var, value) for value, prob in dist.outcomes()])
    if g == var:
        return dist.moment(1)
    if g.is_Pow and g.base == var and g.exp.is_Integer and g.exp > 0:
        return dist.moment(int(g.exp))
    if isinstance(dist, Laplace):
        mu, b = dist.args
        if g in (sp.Abs(var - mu), sp.Abs(mu - var)):
            return b
        # E|x - c| = |mu - c| + b exp(-|mu - c| / b) for a constant c: integrate the
        # two exponential tails of the Laplace density on either side of c.
        if isinstance(g, sp.Abs):
            inner = sp.expand(g.args[0])
            slope = inner.coeff(var)
            offset = sp.expand(inner - slope * var)
            if slope in (1, -1) and var not in offset.free_symbols:
                delta = sp.Abs(mu + slope * offset)
                return delta + b * sp.exp(-delta / b)
    return None


def substitute_known_expectations(expr: sp.Expr) -> sp.Expr:
    """Replace each ``E[g]`` whose value is known; leave the others in place."""

    def value(e: Expectation) -> sp.Expr:
        known = known_expectation(e.integrand, e.var, e.dist)
        return e if known is None else known

    return expr.replace(lambda e: isinstance(e, Expectation), value)
