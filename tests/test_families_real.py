"""Laws on the whole line and the circle: Cauchy, Gumbel, Logistic, Student t, von Mises.

Every table entry, the moments that exist and every derived entropy against quadrature of the
definition at random parameters (hypothesis), including the hard regions: tiny and huge scales,
locations far from 0 on the law's scale, nu in (0.1, 1) (tails x^-0.1), an e^{c x} whose mass
sits a million scales out, kappa up to 1e6.  Where SymPy would expand a numeric closed form
into an enormous exact number (digamma(5 10^5) as a harmonic sum), the closed form is derived
on symbols and both sides are evaluated at the point.  And the two historic torch bugs are
refuted by the checker with a counterexample.
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import (
    DISTRIBUTIONS,
    KL,
    Derivation,
    DiffEntropy,
    Expectation,
    Laplace,
    Normal,
    closed_form,
    positive,
    real,
)
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.engine.expectation import known_expectation
from infoproofs.notation.expectations import tabulated_expectation
from infoproofs.notation.laws_real import Cauchy, Gumbel, Logistic, StudentT, VonMises, log_quadratic
from infoproofs.oracles.numeric_eval import evaluate_side

from .family_harness import AGREE, DIGITS, X, check_entropy, check_expectation, check_moments

FAST = settings(max_examples=6, deadline=None, derandomize=True, database=None)
R = sp.Rational


def decades(low: int, high: int):
    """Positive rationals m/10 * 10^e over the decades low..high (exact, so the laws' parameters are exact)."""
    return st.builds(lambda m, e: R(m, 10) * R(10) ** e, st.integers(1, 99), st.integers(low, high))


LOCATIONS = st.builds(lambda m, e: R(m, 10) * R(10) ** e, st.integers(-99, 99), st.integers(-2, 6))
SCALES = decades(-4, 4)


def agree_at(engine: sp.Expr, numeric: sp.Expr, env: dict, what: str) -> None:
    """Both sides evaluated at one point of symbols (the closed form stays symbolic until then)."""
    with mp.workdps(DIGITS):
        a, b = evaluate_side(engine, env)[0], evaluate_side(numeric, env)[0]
        scale = max(abs(a), abs(b), mp.mpf(1))
        assert abs(a - b) <= scale * mp.mpf(10) ** (-AGREE), f"{what}: {mp.nstr(a, 25)} vs {mp.nstr(b, 25)}"


def test_registered_with_roles():
    for name, cls in (("Cauchy", Cauchy), ("Gumbel", Gumbel), ("Logistic", Logistic), ("StudentT", StudentT),
                      ("VonMises", VonMises)):
        assert DISTRIBUTIONS[name] is cls
        assert len(cls.param_roles) == len(cls.param_names)
    assert StudentT.param_names == ("df", "loc", "scale") and VonMises.param_names == ("loc", "concentration")


def test_moments_that_do_not_exist_are_not_invented():
    m = real("m")
    s, nu = positive("s nu")
    assert Cauchy(m, s).mean_value() is sp.nan and Cauchy(m, s).variance_value() is sp.oo
    assert StudentT(R(1, 2), m, s).mean_value() is sp.nan
    assert StudentT(R(3, 2), m, s).variance_value() is sp.oo
    assert StudentT(R(5), m, s).variance_value() == 5 * s**2 / 3
    assert isinstance(StudentT(nu, m, s).variance_value(), sp.Piecewise)


def test_tables_need_their_atoms():
    m = real("m")
    s, b, nu, k = positive("s b nu k")
    # a Student t's log atom only at its own centre and offset (other ones have no closed form)
    assert tabulated_expectation(sp.log(1 + (X - m) ** 2 / (nu * s**2)), X, StudentT(nu, m, s)) is not None
    assert tabulated_expectation(sp.log(1 + (X - m - 1) ** 2 / (nu * s**2)), X, StudentT(nu, m, s)) is None
    assert tabulated_expectation(sp.log(1 + (X - m) ** 2 / s**2), X, StudentT(nu, m, s)) is None
    # the Gumbel mgf only where it exists (beta c < 1)
    assert tabulated_expectation(sp.exp(-X / b), X, Gumbel(m, s)) is not None
    assert tabulated_expectation(sp.exp(X / b), X, Gumbel(m, s)) is None
    # the von Mises circular moments only for integer frequencies
    assert tabulated_expectation(sp.cos(2 * X), X, VonMises(m, k)) is not None
    assert tabulated_expectation(sp.cos(X / 2), X, VonMises(m, k)) is None
    # the softplus only at the law's own slope
    assert tabulated_expectation(sp.log(1 + sp.exp(-(X - m) / s)), X, Logistic(m, s))[0] == 1
    assert tabulated_expectation(sp.log(1 + sp.exp(-(X - m) / (2 * s))), X, Logistic(m, s)) is None
    # a quadratic that may be negative is not split into logs
    c = real("c")
    assert log_quadratic(sp.log(X**2 + c), X) is None


@FAST
@given(LOCATIONS, SCALES, st.integers(-50, 50), decades(-2, 2))
def test_cauchy_against_quadrature(m, s, shift, ratio):
    d = Cauchy(m, s)
    check_entropy(d)
    check_expectation(d, sp.log(1 + ((X - m) / s) ** 2))
    # another Cauchy's atom, as KL(Cauchy || Cauchy) needs: centre shifted by up to 5 scales, scale ratio 1e-2..1e2
    check_expectation(d, sp.log((X - m - shift * s / 10) ** 2 + (ratio * s) ** 2))


def test_cauchy_kl_closed_form():
    m1, m2 = real("m1 m2")
    s1, s2 = positive("s1 s2")
    found = closed_form(KL(Cauchy(m1, s1), Cauchy(m2, s2)))
    textbook = sp.log(((s1 + s2) ** 2 + (m1 - m2) ** 2) / (4 * s1 * s2))
    assert sp.simplify(sp.expand_log(found - textbook, force=True)) == 0


@FAST
@given(LOCATIONS, SCALES, decades(-6, 6), st.integers(1, 99))
def test_gumbel_against_quadrature(mu, beta, other, fraction):
    d = Gumbel(mu, beta)
    check_entropy(d)
    check_moments(d)
    # e^{-x/beta'} (another Gumbel's log-density): beta/beta' from 1e-6 to 1e6 moves the mass far out
    check_expectation(d, sp.exp(-X / (other * beta)))
    # e^{c x} with 0 < beta c < 1: a density times w^-(beta c), singular at the edge of the quantile variable
    check_expectation(d, sp.exp(R(fraction, 100) * X / beta))


@FAST
@given(LOCATIONS, SCALES)
def test_logistic_against_quadrature(mu, s):
    d = Logistic(mu, s)
    check_entropy(d)
    check_moments(d)
    check_expectation(d, sp.log(1 + sp.exp(-(X - mu) / s)))
    check_expectation(d, sp.log(1 + sp.exp((X - mu) / s)))
    check_expectation(d, X**4)


@FAST
@given(st.integers(1, 9), LOCATIONS, SCALES)
def test_student_t_heavy_tails(tenths, mu, sigma):
    """nu in (0.1, 1): no mean, tails x^-nu; the entropy and the log atom still exist."""
    d = StudentT(R(tenths, 10), mu, sigma)
    check_entropy(d)
    check_expectation(d, sp.log(1 + ((X - mu) / sigma) ** 2 / d.df))


@FAST
@given(decades(-1, 2), LOCATIONS, SCALES)
def test_student_t_against_quadrature(nu, mu, sigma):
    d = StudentT(nu + 4, mu, sigma)  # nu > 4: mean and variance exist, and E X^2 converges fast enough
    check_entropy(d)
    check_moments(d)
    check_expectation(d, X**2)  # the raw moment the engine uses in a KL against a Normal
    check_expectation(d, sp.log(1 + ((X - mu) / sigma) ** 2 / d.df))


@pytest.mark.parametrize("nu", ["1e-12", "1e-3", "1e6", "1e12"])
def test_student_t_extreme_degrees_of_freedom(nu):
    nu_, sigma = positive("nu sigma")
    mu = real("mu")
    d = StudentT(nu_, mu, sigma)
    env = {nu_: mp.mpf(nu), mu: mp.mpf(-3), sigma: mp.mpf("0.25")}
    agree_at(closed_form(DiffEntropy(d)), DiffEntropy(d), env, f"entropy of StudentT({nu}, -3, 0.25)")
    atom = sp.log(1 + ((X - mu) / sigma) ** 2 / nu_)
    agree_at(known_expectation(atom, X, d), Expectation(atom, X, d), env, f"E log(1 + z^2/nu) at nu = {nu}")


@FAST
@given(LOCATIONS, decades(-4, 6), st.integers(-3, 3))
def test_von_mises_against_quadrature(mu, kappa, n):
    d = VonMises(mu, kappa)
    check_entropy(d)
    check_expectation(d, sp.cos(X - mu))
    if n != 0:
        check_expectation(d, sp.cos(n * X + R(1, 3)))
    mean = Expectation(X, X, d)
    agree_at(d.mean_value(), mean, {}, f"mean of {d}")


def test_von_mises_concentration_1e6_and_beyond():
    mu = real("mu")
    kappa = positive("kappa")
    d = VonMises(mu, kappa)
    for k in ("1e6", "1e12"):
        env = {mu: mp.mpf(2), kappa: mp.mpf(k)}
        agree_at(closed_form(DiffEntropy(d)), DiffEntropy(d), env, f"entropy of VonMises(2, {k})")


def test_entropy_textbook_forms():
    m = real("m")
    s, b, nu, k = positive("s b nu k")
    forms = {
        Cauchy(m, s): sp.log(4 * sp.pi * s),
        Gumbel(m, b): sp.log(b) + sp.EulerGamma + 1,
        Logistic(m, s): sp.log(s) + 2,
        VonMises(m, k): sp.log(2 * sp.pi * sp.besseli(0, k)) - k * sp.besseli(1, k) / sp.besseli(0, k),
        StudentT(nu, m, s): (nu + 1) / 2 * (sp.digamma((nu + 1) / 2) - sp.digamma(nu / 2))
        + sp.log(sp.sqrt(nu * sp.pi)) + sp.loggamma(nu / 2) - sp.loggamma((nu + 1) / 2) + sp.log(s),
    }
    for dist, textbook in forms.items():
        assert sp.simplify(sp.expand_log(closed_form(DiffEntropy(dist)) - textbook, force=True)) == 0, dist


# ---- the historic torch bugs, refuted -------------------------------------------------------------------


def _verdict(start: sp.Expr, claimed: sp.Expr):
    d = Derivation("historic", "a historic closed form", "torch.distributions.kl (old)", start)
    d.eq(claimed, by="algebra")
    return check_derivation(d, CheckOptions(use_cache=False, examples=8)).steps[0]


def test_gumbel_normal_without_the_square_is_refuted():
    mu, m = real("mu m")
    b, s = positive("b s")
    g = sp.EulerGamma
    # torch once wrote pi beta / (12 s) (no squares) for the (pi beta)^2 / (12 s^2) term
    historic = sp.log(s * sp.sqrt(2 * sp.pi) / b) + sp.pi * b / (12 * s) + (mu + b * g - m) ** 2 / (2 * s**2) - g - 1
    step = _verdict(KL(Gumbel(mu, b), Normal(m, s**2)), historic)
    assert step.verdict == "refuted" and step.counterexample, step.reason


def test_normal_laplace_without_the_location_is_refuted():
    mu, m = real("mu m")
    b, s = positive("b s")
    # torch once computed KL(Normal || Laplace) as if the two locations were equal
    historic = sp.log(2 * b / (s * sp.sqrt(2 * sp.pi))) - sp.Rational(1, 2) + s * sp.sqrt(2 / sp.pi) / b
    step = _verdict(KL(Normal(m, s**2), Laplace(mu, b)), historic)
    assert step.verdict == "refuted" and step.counterexample, step.reason


def test_samplers_follow_the_parameterisation():
    """The samplers' explicit parameter mappings: sample means (or medians) within a few standard errors."""
    import numpy as np

    rng = np.random.default_rng(7)
    n = 20000
    mu, scale = R(3), R(2)
    gumbel = Gumbel(mu, scale).sample({}, n, rng)
    assert abs(gumbel.mean() - float(3 + 2 * sp.EulerGamma)) < 5 * float(sp.pi * 2 / sp.sqrt(6)) / n**0.5
    logistic = Logistic(mu, scale).sample({}, n, rng)
    assert abs(logistic.std() - float(sp.pi * 2 / sp.sqrt(3))) < 0.1
    cauchy = Cauchy(mu, scale).sample({}, n, rng)
    assert abs(np.median(cauchy) - 3) < 0.1 and abs(np.quantile(cauchy, 0.75) - 5) < 0.2  # quartiles m +- s
    student = StudentT(R(5), mu, scale).sample({}, n, rng)
    assert abs(student.var() - 4 * 5 / 3) < 0.5
    circle = VonMises(mu, R(4)).sample({}, n, rng)
    assert circle.min() >= 3 - np.pi and circle.max() <= 3 + np.pi and abs(circle.mean() - 3) < 0.05
