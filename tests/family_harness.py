"""Checks every family test runs: tabulated expectations, moments and entropies against quadrature.

The engine's side (``known_expectation``, ``closed_form``) and the numeric
oracle's side (quadrature or series of the definition, ``numeric_value``)
share nothing but the law's log-density, so agreement to 20 significant
digits at random parameters is evidence that a table entry, a moment or a
derived entropy is right; disagreement names the family, the atom and both
values.
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from infoproofs import DiffEntropy, Entropy, Expectation, closed_form
from infoproofs.engine.expectation import known_expectation
from infoproofs.oracles.numeric_eval import evaluate_side

X = sp.Symbol("x", real=True)
DIGITS = 40
AGREE = 20  # significant digits the two sides must share (scaled to the values' size)


def close(engine: sp.Expr, numeric: mp.mpf, what: str) -> None:
    with mp.workdps(DIGITS):
        value = evaluate_side(engine, {})[0]
        scale = max(abs(value), abs(numeric), mp.mpf(1))
        assert abs(value - numeric) <= scale * mp.mpf(10) ** (-AGREE), (
            f"{what}: engine {mp.nstr(value, 25)} vs quadrature {mp.nstr(numeric, 25)}"
        )


def quadrature(expr: sp.Expr) -> mp.mpf:
    with mp.workdps(DIGITS):
        return evaluate_side(expr, {})[0]  # resets the per-point work budget, as the oracle does


def check_expectation(dist, g: sp.Expr) -> None:
    """The engine's E[g(X)] (moment or tabulated) equals quadrature of the definition."""
    found = known_expectation(g, X, dist)
    assert found is not None, f"no known expectation of {g} under {dist}"
    close(found, quadrature(Expectation(g, X, dist)), f"E[{g}] under {dist}")


def check_moments(dist) -> None:
    """Mean and variance as the law states them equal E X and E X^2 - (E X)^2 by quadrature."""
    mean = quadrature(Expectation(X, X, dist))
    close(dist.mean_value(), mean, f"mean of {dist}")
    with mp.workdps(DIGITS):
        second = quadrature(Expectation((X - dist.mean_value()) ** 2, X, dist))
    close(dist.variance_value(), second, f"variance of {dist}")


def check_entropy(dist) -> sp.Expr:
    """The derived closed-form entropy equals the definition by quadrature; returns the closed form."""
    kind = Entropy if dist.is_discrete else DiffEntropy
    found = closed_form(kind(dist))
    assert not found.has(kind), f"no closed form derived for {kind.__name__}({dist})"
    close(found, quadrature(kind(dist)), f"entropy of {dist}")
    return found
