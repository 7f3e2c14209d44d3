"""Beta and Kumaraswamy: every tabulated expectation, the moments and the derived entropies against
quadrature of the definition, at concentrations from 1e-3 (densities unbounded at an edge) to 1e6."""

from __future__ import annotations

import pickle

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import (
    KL,
    Beta,
    Derivation,
    DiffEntropy,
    Expectation,
    Exponential,
    Kumaraswamy,
    Normal,
    Uniform,
    closed_form,
    positive,
)
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.notation.expectations import tabulated_expectation
from infoproofs.oracles.numeric_eval import OutsideDomain

from .family_harness import X, check_entropy, check_expectation, check_moments, quadrature

FAST = settings(max_examples=8, deadline=None, derandomize=True, database=None)


def _decade(m: int, e: int) -> sp.Float:
    """m/10 * 10^e as a 60-digit Float: SymPy expands digamma, harmonic and gamma of a large *rational*
    exactly (digamma(990000) is a sum of 989999 fractions), so large parameters are given as Floats."""
    return sp.Float(sp.Rational(m, 10) * sp.Rational(10) ** e, 60)


# concentrations across decades: 1e-3 .. 1e6 (a < 1 and b < 1 included)
DECADES = st.builds(_decade, st.integers(1, 99), st.integers(-2, 5))
# where log(1 - x) is evaluable near 1: the last 1e-400 of the interval holds negligible mass for b >= ~0.2
MODERATE = st.builds(_decade, st.integers(2, 99), st.integers(0, 5))


def test_beta_table_needs_the_exact_atom():
    a, b = positive("a b")
    assert tabulated_expectation(sp.log(X), X, Beta(a, b))[0] == sp.digamma(a) - sp.digamma(a + b)
    assert tabulated_expectation(sp.log(1 - X), X, Beta(a, b))[0] == sp.digamma(b) - sp.digamma(a + b)
    assert tabulated_expectation(sp.log(1 + X), X, Beta(a, b)) is None
    assert tabulated_expectation(sp.log(1 - X**2), X, Kumaraswamy(a, b)) is None
    assert tabulated_expectation(sp.log(1 - X**a), X, Kumaraswamy(a, b))[0] == -1 / b


@FAST
@given(DECADES, DECADES)
def test_beta_log_against_quadrature(a, b):
    check_expectation(Beta(a, b), sp.log(X))
    check_moments(Beta(a, b))


@FAST
@given(DECADES, MODERATE)
def test_beta_log1m_and_entropy_against_quadrature(a, b):
    d = Beta(a, b)
    check_expectation(d, sp.log(1 - X))
    check_entropy(d)


@FAST
@given(DECADES, DECADES)
def test_kumaraswamy_log_against_quadrature(a, b):
    check_expectation(Kumaraswamy(a, b), sp.log(X))


@FAST
@given(DECADES, MODERATE)
def test_kumaraswamy_log1m_power_moments_and_entropy(a, b):
    d = Kumaraswamy(a, b)
    check_expectation(d, sp.log(1 - X**a))
    check_moments(d)
    check_entropy(d)


@pytest.mark.parametrize(
    "a,b", [("1e-3", "1e-3"), ("1e-3", "1e6"), ("1e6", "1e-3"), ("1e6", "0.2")]
)
def test_extreme_corners(a, b):
    a, b = sp.Float(a, 60), sp.Float(b, 60)
    check_expectation(Beta(a, b), sp.log(X))
    check_expectation(Kumaraswamy(a, b), sp.log(X))
    if b >= sp.Float("0.2", 60):
        check_expectation(Beta(a, b), sp.log(1 - X))
        check_entropy(Beta(a, b))
        check_entropy(Kumaraswamy(a, b))


def test_mass_at_the_edge_is_skipped_not_guessed():
    """Beta(1, 1e-3) keeps its mass within 10^-400 of 1, where log(1 - x) cannot be formed: no value."""
    with pytest.raises(OutsideDomain):
        quadrature(Expectation(sp.log(1 - X), X, Beta(1, sp.Rational(1, 1000))))


def test_kumaraswamy_entropy_textbook_form():
    a, b = positive("a b")
    found = closed_form(DiffEntropy(Kumaraswamy(a, b)))
    textbook = (1 - 1 / b) + (1 - 1 / a) * sp.harmonic(b) - sp.log(a * b)
    assert sp.simplify(found - textbook) == 0


def _verdicts(start, claim):
    wrong = Derivation("historic", "a claimed closed form", "test", start)
    wrong.eq(claim, by="algebra")
    return check_derivation(wrong, CheckOptions(use_cache=False, examples=8)).steps


def test_historic_tfp_kumaraswamy_entropy_is_refuted():
    """TFP before PR #358 swapped a and b: (1 - 1/a) + (1 - 1/b) H_b + log a + log b."""
    a, b = positive("a b")
    historic = (1 - 1 / a) + (1 - 1 / b) * sp.harmonic(b) + sp.log(a) + sp.log(b)
    step = _verdicts(DiffEntropy(Kumaraswamy(a, b)), historic)[0]
    assert step.verdict == "refuted", step.reason
    assert step.counterexample


def test_digamma_for_harmonic_is_refuted():
    a, b = positive("a b")
    perturbed = (1 - 1 / b) + (1 - 1 / a) * sp.digamma(b) - sp.log(a * b)
    step = _verdicts(DiffEntropy(Kumaraswamy(a, b)), perturbed)[0]
    assert step.verdict == "refuted", step.reason


def test_supports_decide_nesting_with_symbolic_ends():
    a, b, u, w = positive("a b u w")
    assert Beta(a, b).support_within(Uniform(-u, 1 + w)) is True
    assert Beta(a, b).support_within(Uniform(u, 1 + w)) is False
    assert Uniform(1 / (1 + u), 1 - u / ((1 + u) * (1 + w))).support_within(Beta(a, b)) is True
    assert Exponential(u).support_within(Beta(a, b)) is False
    assert Normal(u, w).support_within(Beta(a, b)) is False
    assert closed_form(KL(Exponential(u), Beta(a, b))) == sp.oo
    support = Beta(a, b).support()  # rebuilt and unpickled as itself (the checker's workers pickle laws)
    assert pickle.loads(pickle.dumps(support)) == support and support.func(*support.args) == support


def test_kl_beta_beta_against_quadrature():
    d = KL(Beta(sp.Rational(3, 10), sp.Rational(7)), Beta(sp.Rational(25, 2), sp.Rational(2, 5)))
    found = closed_form(d)
    assert not found.has(KL)
    with mp.workdps(40):
        from .family_harness import close

        close(found, quadrature(d), "KL(Beta || Beta)")


@pytest.mark.parametrize("target", ["h(Beta(a, b))", "KL(Beta(a1,b1) || Beta(a2,b2))"])
def test_cli_derive_prints_a_closed_form(target, capsys):
    from infoproofs.cli import main

    assert main(["derive", target]) == 0
    out = capsys.readouterr().out
    assert "closed form:" in out
    closing = out.split("closed form:")[-1]
    assert "polygamma" in closing and "E_" not in closing
