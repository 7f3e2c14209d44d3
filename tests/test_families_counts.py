"""Laws on counts (Poisson, Geometric, Binomial): tables, moments and entropies against their series.

The engine's side (moments, the tabulated E log X! sums, derived entropies)
and the numeric side (``oracles/series.py`` summing the mass function, and the
evaluator's own summation of infinite ``Sum``s) share only the log-mass, so
agreement to 20 digits at random parameters, including p near 0 and 1 and
large rates, is evidence that both are right.  Infinite sums are also held to
known closed forms, and a series that cannot be summed must say so
(``OutsideDomain``) rather than return a truncated value.
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from infoproofs import (
    DISTRIBUTIONS,
    KL,
    Bernoulli,
    Binomial,
    Derivation,
    Entropy,
    Expectation,
    Geometric,
    Poisson,
    closed_form,
    derive,
    dimension,
    positive,
    probability,
)
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.oracles.numeric_eval import OutsideDomain, evaluate_side

from .family_harness import X, check_entropy, check_expectation, check_moments, close, quadrature

FAST = settings(max_examples=6, deadline=None, derandomize=True, database=None)
K = sp.Symbol("k", integer=True, nonnegative=True)


def _decades(lo: int, hi: int):
    """Positive rationals m/10 * 10^e: rates across decades, exact so that the laws' parameters are."""
    return st.builds(lambda m, e: sp.Rational(m, 10) * sp.Rational(10) ** e, st.integers(1, 99), st.integers(lo, hi))


# probabilities in (0, 1) near both ends and in between: 10^-e, 1 - 10^-e and m/100
PROBABILITIES = st.one_of(
    st.builds(lambda m: sp.Rational(m, 100), st.integers(1, 99)),
    st.builds(lambda e: 1 - sp.Rational(1, 10**e), st.integers(1, 12)),
    st.builds(lambda e: sp.Rational(1, 10**e), st.integers(1, 12)),
)


def _value(expr: sp.Expr, dps: int = 40) -> mp.mpf:
    with mp.workdps(dps):
        return evaluate_side(expr, {})[0]


# ---- the families' declarations ---------------------------------------------------------------

def test_registered_with_roles_and_supports():
    assert DISTRIBUTIONS["Geometric"] is Geometric and DISTRIBUTIONS["Binomial"] is Binomial
    assert Geometric.param_roles == ("probability",) and Binomial.param_roles == ("dimension", "probability")
    assert Geometric(sp.Rational(1, 3)).support() == sp.S.Naturals0
    n = dimension("n")
    assert Binomial(n, sp.Rational(1, 3)).support() == sp.Range(0, n + 1)


def test_binomial_lists_outcomes_only_for_an_explicit_small_n():
    n, p = dimension("n"), probability("p")
    assert Binomial.finite_support is False  # the class default: a symbolic number of trials
    assert Binomial(n, p).finite_support is False
    assert Binomial(5, p).finite_support is True
    assert Binomial(1000, p).finite_support is False
    with pytest.raises(NotImplementedError):
        Binomial(n, p).outcomes()
    with pytest.raises(NotImplementedError):
        Geometric(p).outcomes()
    masses = [prob for _, prob in Binomial(5, p).outcomes()]
    assert sp.expand(sp.Add(*masses)) == 1


def test_parameterisations_match_torch_and_scipy():
    """The docstrings' mappings, held to the libraries: torch counts failures, scipy's geom counts trials."""
    stats = pytest.importorskip("scipy.stats")
    torch = pytest.importorskip("torch")
    for k in (0, 1, 7):
        p = sp.Rational(3, 10)
        ours = float(Geometric(p).log_density(sp.Integer(k)))
        assert ours == pytest.approx(stats.geom(0.3, loc=-1).logpmf(k), rel=1e-12)
        assert ours == pytest.approx(float(torch.distributions.Geometric(probs=torch.tensor(0.3, dtype=torch.float64))
                                           .log_prob(torch.tensor(float(k), dtype=torch.float64))), rel=1e-12)
        ours = float(Binomial(12, p).log_density(sp.Integer(k)))
        assert ours == pytest.approx(stats.binom(12, 0.3).logpmf(k), rel=1e-12)
        lam = sp.Rational(5, 2)
        assert float(Poisson(lam).log_density(sp.Integer(k))) == pytest.approx(stats.poisson(2.5).logpmf(k), rel=1e-12)


def test_samplers_follow_the_parameterisations():
    """NumPy's geometric counts trials (the sampler subtracts 1); sample means within 6 standard errors."""
    import numpy as np

    rng = np.random.default_rng(7)
    size = 40000
    for law in (Geometric(sp.Rational(1, 4)), Binomial(30, sp.Rational(1, 5)), Poisson(sp.Rational(7, 2))):
        draws = np.asarray(law.sample({}, size, rng), dtype=float)
        mean, sd = float(law.mean_value()), float(sp.sqrt(law.variance_value()))
        assert abs(draws.mean() - mean) < 6 * sd / size**0.5, law
        assert draws.min() >= 0
    assert np.asarray(Geometric(sp.Rational(1, 2)).sample({}, 2000, rng)).min() == 0


def test_moments_from_factorial_moments():
    p, n, lam = probability("p"), dimension("n"), positive("lam")
    assert sp.simplify(Geometric(p).moment(2) - (1 - p) * (2 - p) / p**2) == 0
    assert sp.simplify(Binomial(n, p).moment(2) - (n * p * (1 - p) + n**2 * p**2)) == 0
    assert sp.expand(Poisson(lam).moment(3) - (lam**3 + 3 * lam**2 + lam)) == 0


# ---- against the series ----------------------------------------------------------------------

# a geometric law's p: from 10^-6 (Gregory's tail) through m/100 to 1 - 10^-12
GEOMETRIC_P = st.one_of(
    st.builds(lambda m: sp.Rational(m, 100), st.integers(1, 99)),
    st.builds(lambda e: 1 - sp.Rational(1, 10**e), st.integers(1, 12)),
    st.builds(lambda m, e: sp.Rational(m, 10**e), st.integers(1, 9), st.integers(3, 6)),
)


@FAST
@given(GEOMETRIC_P)
@example(sp.Rational(1, 10**6))
@example(1 - sp.Rational(1, 10**12))
def test_geometric_against_series(p):
    d = Geometric(p)
    check_moments(d)
    found = check_entropy(d)
    close((-(1 - p) * sp.log(1 - p) - p * sp.log(p)) / p, _value(found), f"textbook entropy of {d}")


@FAST
@given(st.integers(65, 3000), PROBABILITIES)
@example(3000, sp.Rational(1, 10**12))
@example(65, 1 - sp.Rational(1, 10**12))
def test_binomial_tables_against_series(n, p):
    """Large explicit n (not listed): E log X!, E log (n - X)! are the tabulated finite sums."""
    d = Binomial(n, p)
    check_moments(d)
    check_expectation(d, sp.loggamma(X + 1))
    check_expectation(d, sp.loggamma(n - X + 1))


@FAST
@given(st.integers(1, 40), PROBABILITIES)
def test_binomial_listed_against_series(n, p):
    d = Binomial(n, p)
    check_moments(d)
    check_entropy(d)


@FAST
@given(_decades(-4, 3))
@example(sp.Rational(1, 10**4))
@example(sp.Integer(2500))
def test_poisson_against_series(lam):
    d = Poisson(lam)
    check_moments(d)
    check_expectation(d, sp.loggamma(X + 1))
    check_entropy(d)


def test_symbolic_binomial_entropy_against_series():
    """The derived entropy of Binomial(n, p) (finite sums left in) at a few points, n substituted."""
    n, p = dimension("n"), probability("p")
    found = closed_form(Entropy(Binomial(n, p)))
    assert found.has(sp.Sum)
    for nv, pv in ((1, sp.Rational(1, 2)), (7, sp.Rational(1, 1000)), (300, sp.Rational(999, 1000))):
        close(found.subs({n: nv, p: pv}), quadrature(Entropy(Binomial(nv, pv))), f"H(Bin({nv}, {pv}))")


def test_series_reach():
    """10^4 trials are summed from the mode; beyond the series' reach the point is skipped, never truncated."""
    check_moments(Binomial(10**4, sp.Rational(1, 3)))
    check_moments(Binomial(10**4, sp.Rational(1, 10**9)))
    with pytest.raises(OutsideDomain):
        quadrature(Expectation(X, X, Geometric(sp.Rational(1, 10**7))))
    with pytest.raises(OutsideDomain):
        quadrature(Expectation(X, X, Binomial(20000, sp.Rational(1, 2))))


@pytest.mark.parametrize("g, smooth", [
    (sp.loggamma(X + 1), True), (sp.sqrt(X + 1), True), (sp.log(X + 1) ** 2, True),
    (sp.cos(2 * sp.pi * X), False), (sp.cos(sp.pi * X), False), (1 / (1 + (X - 300) ** 2), False),
])
def test_geometric_tail_formula_against_direct_sum(g, smooth):
    """p = 1/100 goes by Gregory's tail; the direct sum of 20000 terms (left out: below 1e-80) is the reference.

    The summands not smooth at the unit scale (Gregory's formula cannot hold
    for them) may be skipped (OutsideDomain), but never given a wrong value.
    """
    from infoproofs.oracles.numeric_eval import bind

    with mp.workdps(40):
        f = bind(g, X, {})
        p = mp.mpf(1) / 100
        direct = mp.fsum(p * (1 - p) ** k * f(mp.mpf(k)) for k in range(20000))
    try:
        found = quadrature(Expectation(g, X, Geometric(sp.Rational(1, 100))))
    except OutsideDomain:
        assert not smooth, f"E[{g}] was not summed"
        return
    assert abs(found - direct) <= mp.mpf(10) ** -30 * max(abs(direct), 1)


# ---- infinite sums in the evaluator --------------------------------------------------------------

@FAST
@given(st.builds(lambda m, e: sp.Rational(m, 10) * sp.Rational(10) ** e, st.integers(-99, 99), st.integers(-3, 2)))
@example(sp.Integer(-500))
def test_exponential_series(x):
    """sum x^k / k! = e^x: the value lies within its reported error; the error is tiny where no terms cancel."""
    with mp.workdps(40):
        try:
            value, error = evaluate_side(sp.Sum(x**K / sp.factorial(K), (K, 0, sp.oo)), {})
        except OutsideDomain:
            assert abs(x) > 100  # too many terms before they shrink
            return
        exact = mp.exp(mp.mpf(x.p) / x.q)
        assert abs(value - exact) <= error * 2**16 + mp.mpf(10) ** -38 * exact
        if x >= 0:
            assert error <= mp.mpf(10) ** -35 * exact


def test_known_series_to_30_digits():
    with mp.workdps(40):
        value = _value(sp.Sum(sp.Rational(1, 2) ** K / (K + 1), (K, 0, sp.oo)))
        assert abs(value - 2 * mp.log(2)) < mp.mpf(10) ** -30
        value = _value(sp.Sum((-1) ** K / sp.factorial(2 * K), (K, 0, sp.oo)))
        assert abs(value - mp.cos(1)) < mp.mpf(10) ** -30
        # two-sided: a theta function
        value = _value(sp.Sum(sp.exp(-(sp.Symbol("j", integer=True) - 30) ** 2),
                              (sp.Symbol("j", integer=True), -sp.oo, sp.oo)))
        assert abs(value - mp.jtheta(3, 0, mp.exp(-1))) < mp.mpf(10) ** -30


def test_slow_or_divergent_series_are_not_summed():
    """sum 1/k^2 (ratios tending to 1) cannot be cut with a geometric tail bound: no value rather than a wrong one."""
    for series in (sp.Sum(1 / K**2, (K, 1, sp.oo)), sp.Sum(sp.Integer(2) ** K, (K, 0, sp.oo)),
                   sp.Sum(sp.Integer(1), (K, 0, sp.oo))):
        with pytest.raises(OutsideDomain):
            _value(series)
    # a late bump past the cut is caught by the far terms
    with pytest.raises(OutsideDomain):
        _value(sp.Sum(sp.Rational(1, 2) ** K + K**200 / sp.Integer(10) ** 600, (K, 0, sp.oo)))


def test_finite_sum_conventions():
    assert _value(sp.Sum(K, (K, 1, 10))) == 55
    assert _value(sp.Sum(K, (K, 5, 4))) == 0
    assert _value(sp.Sum(K, (K, 5, 2))) == -7  # Karr's convention, as SymPy's doit
    j = sp.Symbol("j", integer=True)
    assert _value(sp.Sum(1, (K, 0, j), (j, 0, 2))) == 6  # the inner bound depends on the outer variable
    assert _value(sp.Sum(sp.Rational(1, 2) ** (K + j), (K, 0, sp.oo), (j, 0, sp.oo))) == pytest.approx(4, rel=1e-30)


def test_poisson_log_factorial_series_matches_the_mass_series():
    """The table's infinite Sum (summed by the evaluator) against the Poisson series (summed by ``series``)."""
    for lam in (sp.Rational(1, 1000), sp.Integer(3), sp.Integer(400), sp.Integer(2500)):
        check_expectation(Poisson(lam), sp.loggamma(X + 1))


# ---- catalog claims ----------------------------------------------------------------------------

def _verdict(start: sp.Expr, value: sp.Expr) -> str:
    d = Derivation("t", "t", "t", start)
    d.eq(value, by="closed form")
    return check_derivation(d, CheckOptions(use_cache=False)).steps[0]


def test_geometric_half_is_two_bits_not_two_nats():
    """statrs once gave H(Geom(1/2)) = 2 as if in nats; it is 2 bits = 2 log 2 nats."""
    half = Geometric(sp.Rational(1, 2))
    wrong = _verdict(Entropy(half), sp.Integer(2))
    assert wrong.verdict == "refuted"
    assert "2.0" in wrong.reason and "1.386294361" in wrong.reason
    assert _verdict(Entropy(half), 2 * sp.log(2)).verdict == "proved"


def test_kl_closed_forms_derived():
    lam1, lam2 = positive("lambda1 lambda2")
    p1, p2 = probability("p1 p2")
    n = dimension("n")
    cases = [
        (KL(Poisson(lam1), Poisson(lam2)), lam1 * sp.log(lam1 / lam2) - lam1 + lam2),
        (KL(Geometric(p1), Geometric(p2)), sp.log(p1 / p2) + (1 - p1) / p1 * sp.log((1 - p1) / (1 - p2))),
        (KL(Binomial(n, p1), Binomial(n, p2)), n * (p1 * sp.log(p1 / p2) + (1 - p1) * sp.log((1 - p1) / (1 - p2)))),
    ]
    for target, textbook in cases:
        found = closed_form(target)
        assert sp.simplify(sp.expand_log(found - textbook, force=True)) == 0, target
    assert derive(KL(Poisson(lam1), Bernoulli(p1)), name="t", source="t").steps[-1].expr == sp.oo
    assert derive(KL(Poisson(lam1), Binomial(n, p1)), name="t", source="t").steps[-1].expr == sp.oo
    # the Bernoulli law sits inside the Poisson support: finite
    assert not closed_form(KL(Bernoulli(p1), Poisson(lam1))).has(sp.oo)


@FAST
@given(_decades(-2, 1), _decades(-2, 1))
def test_kl_poisson_against_series(a, b):
    close(a * sp.log(a / b) - a + b, quadrature(KL(Poisson(a), Poisson(b))), f"KL(Poisson({a}) || Poisson({b}))")


@FAST
@given(st.builds(lambda m: sp.Rational(m, 100), st.integers(2, 99)), PROBABILITIES)
def test_kl_geometric_against_series(p1, p2):
    textbook = sp.log(p1 / p2) + (1 - p1) / p1 * sp.log((1 - p1) / (1 - p2))
    close(textbook, quadrature(KL(Geometric(p1), Geometric(p2))), f"KL(Geom({p1}) || Geom({p2}))")
