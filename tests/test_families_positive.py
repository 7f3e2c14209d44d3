"""The laws on the positive half-line: every tabulated entry, moment and derived entropy against quadrature.

Parameters are drawn across decades and into the hard regions: shapes below 1
(densities unbounded at 0), heavy tails (Pareto down to alpha = 0.05,
LogLogistic with beta < 1), tiny and huge scales.  The parameterisations
named in the docstrings are checked against scipy.stats and torch.distributions,
and two historic bugs (statrs' Pareto entropy, TFP's log-logistic entropy in
bits) must come out refuted with a counterexample.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import (
    DISTRIBUTIONS,
    Chi2,
    Derivation,
    DiffEntropy,
    HalfNormal,
    LogLogistic,
    LogNormal,
    Pareto,
    Weibull,
    closed_form,
    positive,
)
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.notation.expectations import tabulated_expectation

from .family_harness import X, check_entropy, check_expectation, check_moments

FAST = settings(max_examples=6, deadline=None, derandomize=True, database=None)


def decades(low: int, high: int):
    """Exact rationals m/10 * 10^e, e in [low, high]: parameters across decades."""
    return st.builds(lambda m, e: sp.Rational(m, 10) * sp.Rational(10) ** e, st.integers(1, 99), st.integers(low, high))


SCALES = decades(-3, 3)
SHAPES = decades(-2, 1)  # 0.01 .. 9.9: shapes well below 1 and moderately large
REAL = st.builds(lambda n: sp.Rational(n, 10), st.integers(-50, 50))

NEW = (Chi2, Weibull, LogNormal, HalfNormal, Pareto, LogLogistic)


def test_registered_with_roles_and_names():
    for cls in NEW:
        assert DISTRIBUTIONS[cls.__name__] is cls
        assert cls.param_roles is not None and len(cls.param_roles) == len(cls.param_names)
        assert cls.latex_names, cls.__name__
    assert LogNormal.param_roles == ("real", "positive")
    assert Pareto(1, 2).support() == sp.Interval(1, sp.oo)


# ---- parameterisations against scipy.stats and torch.distributions -----------------------


def _ours(dist, x: float) -> float:
    return float(sp.N(dist.log_density(X).subs(X, sp.Float(x, 30)), 20))


def test_log_densities_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    k, lam, mu, s, xm, alpha = 2.5, 1.7, 0.3, 0.8, 1.2, 3.1
    pairs = [
        (Chi2(k), stats.chi2(k)),
        (Weibull(k, lam), stats.weibull_min(c=k, scale=lam)),
        (LogNormal(mu, s), stats.lognorm(s=s, scale=math.exp(mu))),
        (HalfNormal(s), stats.halfnorm(scale=s)),
        (Pareto(xm, alpha), stats.pareto(b=alpha, scale=xm)),
        (LogLogistic(lam, k), stats.fisk(c=k, scale=lam)),
    ]
    for dist, frozen in pairs:
        for x in (1.3, 2.9, 7.0):
            assert math.isclose(_ours(dist, x), frozen.logpdf(x), rel_tol=1e-10, abs_tol=1e-12), dist


def test_log_densities_match_torch():
    torch = pytest.importorskip("torch")
    td = torch.distributions
    k, lam, mu, s, xm, alpha = 2.5, 1.7, 0.3, 0.8, 1.2, 3.1
    t = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    pairs = [
        (Chi2(k), td.Chi2(t(k))),
        (Weibull(k, lam), td.Weibull(scale=t(lam), concentration=t(k))),  # torch: scale first
        (LogNormal(mu, s), td.LogNormal(loc=t(mu), scale=t(s))),
        (HalfNormal(s), td.HalfNormal(t(s))),
        (Pareto(xm, alpha), td.Pareto(scale=t(xm), alpha=t(alpha))),
    ]
    for dist, law in pairs:
        for x in (1.3, 2.9, 7.0):
            assert math.isclose(_ours(dist, x), float(law.log_prob(t(x))), rel_tol=1e-10, abs_tol=1e-12), dist


def test_samplers_follow_the_parameterisation():
    rng = np.random.default_rng(7)
    for dist in (Chi2(3), Weibull(2, 5), LogNormal(1, sp.Rational(1, 2)), HalfNormal(3), Pareto(2, 5),
                 LogLogistic(4, 6)):
        draws = dist.sample({}, 200_000, rng)
        mean = float(sp.N(dist.mean_value()))
        sd = math.sqrt(float(sp.N(dist.variance_value())))
        assert abs(draws.mean() - mean) < 5 * sd / math.sqrt(len(draws)), dist


# ---- tables, moments and entropies against quadrature --------------------------------------


@FAST
@given(decades(-2, 3))
def test_chi2(k):
    d = Chi2(k)
    check_expectation(d, sp.log(X))
    check_expectation(d, sp.exp(-X / 5))
    check_moments(d)
    check_entropy(d)


@FAST
@given(SHAPES, SCALES)
def test_weibull(k, lam):
    d = Weibull(k, lam)
    check_expectation(d, sp.log(X))
    check_expectation(d, X**k)
    check_expectation(d, X ** (-k / 2))  # c > -k: finite although x^c is unbounded at 0
    check_moments(d)
    check_entropy(d)


@FAST
@given(REAL, decades(-2, 0))
def test_lognormal(mu, sigma):
    d = LogNormal(mu, sigma)
    check_expectation(d, sp.log(X))
    check_expectation(d, sp.log(X) ** 2)
    check_expectation(d, sp.log(X) ** 3)
    check_expectation(d, X ** sp.Rational(1, 3))
    check_moments(d)
    check_entropy(d)


@FAST
@given(REAL, decades(-1, 0))
def test_lognormal_wide(mu, sigma):
    """sigma up to 9.9: X spans hundreds of decades, where Gauss-Hermite in log x still holds."""
    d = LogNormal(mu, 10 * sigma)
    check_expectation(d, sp.log(X) ** 2)
    check_entropy(d)


@FAST
@given(SCALES)
def test_half_normal(s):
    d = HalfNormal(s)
    check_expectation(d, sp.log(X))
    check_moments(d)
    check_entropy(d)
    assert sp.simplify(d.mean_value() - s * sp.sqrt(2 / sp.pi)) == 0
    assert sp.simplify(d.moment(2) - s**2) == 0


@FAST
@given(SCALES, decades(-2, 1).filter(lambda a: a >= sp.Rational(1, 20)))
def test_pareto(xm, alpha):
    """alpha from 0.05 (no mean, tail x^-1.05) to 9.9."""
    d = Pareto(xm, alpha)
    check_expectation(d, sp.log(X))
    check_expectation(d, X ** (alpha / 2))
    check_expectation(d, X ** (-alpha))
    check_entropy(d)
    if alpha > 2:
        check_moments(d)
    else:
        assert d.variance_value() == sp.oo


@FAST
@given(decades(-1, 1))
def test_pareto_near_the_moment_edge(excess):
    """alpha = 2 + excess/100: E X^2 converges as slowly as x^(-1 - excess/100)."""
    d = Pareto(3, 2 + excess / 100)
    check_moments(d)


@FAST
@given(SCALES, decades(-2, 1))
def test_log_logistic(alpha, beta):
    d = LogLogistic(alpha, beta)
    check_expectation(d, sp.log(X))
    check_expectation(d, d.tail_atom(X))
    check_expectation(d, X ** (beta / 2))
    check_expectation(d, X ** (-beta / 3))
    check_entropy(d)
    if beta > 2:
        check_moments(d)
    else:
        assert d.variance_value() == sp.oo


def test_log_logistic_heavy_shapes():
    for beta in (sp.Rational(1, 20), sp.Rational(3, 10), sp.Rational(9, 10)):
        d = LogLogistic(sp.Rational(7, 3), beta)
        check_expectation(d, d.tail_atom(X))
        check_entropy(d)


def test_moments_honest_where_they_diverge():
    xm, a, b = positive("x_m a b")
    assert Pareto(xm, sp.Rational(1, 2)).mean_value() == sp.oo
    assert Pareto(xm, 1).mean_value() == sp.oo
    assert LogLogistic(a, sp.Rational(3, 2)).variance_value() == sp.oo
    # a symbolic shape keeps both branches: never a finite value where the moment is infinite
    assert isinstance(Pareto(xm, a).mean_value(), sp.Piecewise)
    # the power tables refuse exponents at or beyond the tail index
    assert tabulated_expectation(X**a, X, Pareto(xm, a)) is None
    assert tabulated_expectation(X**b, X, LogLogistic(a, b)) is None
    assert tabulated_expectation(X ** (-a), X, Weibull(a, b)) is None


# ---- textbook forms and historic bugs ----------------------------------------------------------


def test_entropies_textbook_forms():
    k, lam, s, xm, a, b = positive("k lam s x_m a b")
    mu = sp.Symbol("mu", real=True)
    cases = [
        (Chi2(k), k / 2 + sp.log(2 * sp.gamma(k / 2)) + (1 - k / 2) * sp.digamma(k / 2)),
        (Weibull(k, lam), sp.EulerGamma * (1 - 1 / k) + sp.log(lam / k) + 1),
        (LogNormal(mu, s), mu + sp.log(s * sp.sqrt(2 * sp.pi * sp.E))),
        (HalfNormal(s), sp.log(s * sp.sqrt(sp.pi * sp.E / 2))),
        (Pareto(xm, a), sp.log(xm / a) + 1 / a + 1),
        (LogLogistic(a, b), sp.log(a / b) + 2),
    ]
    for dist, textbook in cases:
        found = closed_form(DiffEntropy(dist))
        gap = sp.simplify(sp.expand_log(sp.expand_func(found - textbook), force=True).rewrite(sp.gamma))
        assert gap == 0 or abs(complex(sp.N(gap.subs({k: 3, lam: 2, s: 2, xm: 3, a: 2, b: 5, mu: 1})))) < 1e-25, dist


def _verdicts(dist, wrong: sp.Expr) -> list:
    """Check the one-step claim h(dist) = wrong; the numeric oracle evaluates h by quadrature of the definition."""
    d = Derivation("wrong", "a historic bug", "test", DiffEntropy(dist))
    d.eq(wrong, by="algebra")
    return check_derivation(d, CheckOptions(use_cache=False)).steps


def test_statrs_pareto_entropy_is_refuted():
    xm, a = positive("x_m a")
    for wrong in (sp.log(a / xm) + 1 / a + 1, sp.log(xm / a) - 1 / a - 1, sp.log(xm * a) + 1 / a + 1):
        last = _verdicts(Pareto(xm, a), wrong)[-1]
        assert last.verdict == "refuted", (wrong, last.verdict)
        assert last.counterexample, wrong


def test_log_logistic_entropy_in_bits_is_refuted():
    a, b = positive("a b")
    last = _verdicts(LogLogistic(a, b), (sp.log(a / b) + 2) / sp.log(2))[-1]
    assert last.verdict == "refuted" and last.counterexample
    # the same check passes the entropy in nats: the refutation is about the bits, not the checker
    assert _verdicts(LogLogistic(a, b), sp.log(a / b) + 2)[-1].verdict in ("proved", "confirmed")


def test_quadrature_refuses_an_infinite_mean():
    """E X under Pareto(1, 1/2) is +oo: the oracle skips the point rather than return a finite number."""
    from infoproofs import Expectation
    from infoproofs.oracles.numeric_eval import NotEvaluable, evaluate_side

    with mp.workdps(40), pytest.raises(NotEvaluable):
        evaluate_side(Expectation(X, X, Pareto(1, sp.Rational(1, 2))), {})
