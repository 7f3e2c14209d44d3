"""The family registry itself, and the Gamma and Poisson laws that set its pattern."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import DISTRIBUTIONS, DiffEntropy, Gamma, Poisson, closed_form, positive
from infoproofs.notation.expectations import tabulated_expectation

from .family_harness import X, check_entropy, check_expectation, check_moments

FAST = settings(max_examples=6, deadline=None, derandomize=True, database=None)
# shapes and rates across decades, as rationals so the laws' parameters are exact
DECADES = st.builds(lambda m, e: sp.Rational(m, 10) * sp.Rational(10) ** e, st.integers(1, 99), st.integers(-3, 3))


def test_families_registered_with_roles():
    for name, cls in DISTRIBUTIONS.items():
        if cls.param_roles is not None:
            assert len(cls.param_roles) == len(cls.param_names), name
    assert DISTRIBUTIONS["Gamma"] is Gamma and DISTRIBUTIONS["Poisson"] is Poisson


def test_tabulated_needs_the_exact_atom():
    a, b = positive("a b")
    assert tabulated_expectation(sp.log(X), X, Gamma(a, b))[0] == sp.digamma(a) - sp.log(b)
    assert tabulated_expectation(sp.log(X + 1), X, Gamma(a, b)) is None
    # the mgf only where it exists (c < b)
    assert tabulated_expectation(sp.exp(-X), X, Gamma(a, b)) is not None
    assert tabulated_expectation(sp.exp(X), X, Gamma(a, b)) is None


@FAST
@given(DECADES, DECADES)
def test_gamma_against_quadrature(a, b):
    d = Gamma(a, b)
    check_expectation(d, sp.log(X))
    check_expectation(d, sp.exp(-X / 3))
    check_moments(d)
    check_entropy(d)


def test_gamma_entropy_textbook_form():
    a, b = positive("a b")
    found = closed_form(DiffEntropy(Gamma(a, b)))
    textbook = a - sp.log(b) + sp.loggamma(a) + (1 - a) * sp.digamma(a)
    assert sp.simplify(found - textbook) == 0


@FAST
@given(st.builds(lambda m, e: sp.Rational(m, 10) * sp.Rational(10) ** e, st.integers(1, 99), st.integers(-3, 2)))
def test_poisson_against_series(lam):
    d = Poisson(lam)
    check_moments(d)


@FAST
@given(st.integers(-30, 30), st.integers(1, 40), st.integers(-30, 30))
def test_classic_tables_against_quadrature(mean10, variance10, c10):
    from infoproofs import Exponential, Laplace, Normal, Uniform

    m, v, c = sp.Rational(mean10, 10), sp.Rational(variance10, 10), sp.Rational(c10, 10)
    if c != 0:
        check_expectation(Normal(m, v), sp.exp(c * X))
    check_expectation(Normal(m, v), sp.Abs(X - c))
    check_expectation(Exponential(v), sp.log(X))
    check_expectation(Exponential(v), sp.exp(-v * X / 2))
    check_expectation(Uniform(v / 100, v / 50), sp.log(X))
    check_expectation(Uniform(v / 100, v / 50), sp.log(1 - X))
    if c != 0:
        check_expectation(Uniform(m, m + v), sp.exp(c * X))
    check_expectation(Laplace(m, v), sp.exp(X / (2 * v)))


def test_infinite_kl_when_supports_are_not_nested():
    from infoproofs import KL, Exponential, Normal, derive, real

    m = real("m")
    v, lam = positive("v lam")
    d = derive(KL(Normal(m, v), Exponential(lam)), name="t", source="t")
    assert d.steps[-1].expr == sp.oo
    # a finite value for the same divergence is never proved
    from infoproofs import Derivation

    wrong = Derivation("t2", "t", "t", KL(Normal(m, v), Exponential(lam)))
    wrong.eq(sp.Integer(3), by="supports not nested: infinite divergence")
    from infoproofs.check import CheckOptions, check_derivation

    verdicts = [s.verdict for s in check_derivation(wrong, CheckOptions(use_cache=False)).steps]
    assert verdicts[0] not in ("proved", "confirmed")
