"""Dirichlet: the engine's entropy, KL and tabulated expectations against stick-breaking quadrature of the
definitions, at concentrations from 0.05 (densities unbounded at the simplex's faces) to 1e3, K in {2, 3}.

The engine's closed forms are derived once on positive symbols and evaluated at drawn points; the
numeric side is ``numeric_value`` of the functional itself (the oracle never sees the closed form).
"""

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
    CrossEntropy,
    Derivation,
    DiffEntropy,
    Dirichlet,
    Expectation,
    LogDensity,
    closed_form,
    positive,
)
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.engine.expectation import known_expectation
from infoproofs.notation.laws_simplex import Simplex
from infoproofs.oracles.numeric_eval import OutsideDomain, Singular, evaluate_side
from infoproofs.parse.target import ParseError, parse_target

FAST = settings(max_examples=10, deadline=None, derandomize=True, database=None)
DIGITS = 40
AGREE = 20  # significant digits shared (scaled to max(|value|, 1)), as in tests/family_harness.py

A = positive("a1 a2 a3")
B = positive("b1 b2 b3")
POINT = sp.Tuple(*sp.symbols("x_1:4", real=True))

# log-uniform concentrations over 0.05 .. 1e3, as exact decimals (60-digit Floats: SymPy would expand
# digamma of a large rational exactly)
CONCENTRATION = st.builds(lambda e: sp.Float(mp.nstr(mp.mpf(10) ** (mp.mpf(e) / 100), 8), 60),
                          st.integers(-130, 300))


def _sized(k: int):
    return st.lists(CONCENTRATION, min_size=k, max_size=k)


SIZES = st.sampled_from([2, 3])


def _value(expr: sp.Expr, env: dict | None = None) -> mp.mpf:
    with mp.workdps(DIGITS):
        return evaluate_side(expr, {s: mp.mpf(str(v)) for s, v in (env or {}).items()})[0]


def _close(engine: mp.mpf, numeric: mp.mpf, what: str) -> None:
    with mp.workdps(DIGITS):
        scale = max(abs(engine), abs(numeric), mp.mpf(1))
        gap = abs(engine - numeric)
    assert gap <= scale * mp.mpf(10) ** (-AGREE), (
        f"{what}: engine {mp.nstr(engine, 25)} vs quadrature {mp.nstr(numeric, 25)}"
    )


@pytest.fixture(scope="module")
def entropies() -> dict[int, sp.Expr]:
    return {k: closed_form(DiffEntropy(Dirichlet(list(A[:k])))) for k in (2, 3)}


@pytest.fixture(scope="module")
def divergences() -> dict[int, sp.Expr]:
    return {k: closed_form(KL(Dirichlet(list(A[:k])), Dirichlet(list(B[:k])))) for k in (2, 3)}


def test_closed_forms_are_derived(entropies, divergences):
    for found in (*entropies.values(), *divergences.values()):
        assert not found.atoms(DiffEntropy, KL, Expectation)
        assert found.has(sp.polygamma) and found.has(sp.loggamma)


@FAST
@given(SIZES.flatmap(_sized))
def test_entropy_against_quadrature(entropies, alphas):
    k = len(alphas)
    env = dict(zip(A, alphas))
    _close(_value(entropies[k], env), _value(DiffEntropy(Dirichlet(alphas))), f"h(Dirichlet({alphas}))")


@FAST
@given(SIZES.flatmap(lambda k: st.tuples(_sized(k), _sized(k))))
def test_kl_against_quadrature(divergences, pair):
    alphas, betas = pair
    k = len(alphas)
    env = {**dict(zip(A, alphas)), **dict(zip(B, betas))}
    _close(_value(divergences[k], env), _value(KL(Dirichlet(alphas), Dirichlet(betas))), f"KL at {pair}")


@FAST
@given(_sized(3))
def test_tabulated_log_and_moments_against_quadrature(alphas):
    """E log x_i (psi(a_i) - psi(a_0)) and E x_i, E x_i^2, E x_i x_j from the table, against quadrature."""
    law = Dirichlet(alphas)
    x1, x2, x3 = POINT
    for g in (sp.log(x1), sp.log(x3), x2, x3**2, x1 * x2):
        found = known_expectation(g, POINT, law)
        assert found is not None, g
        _close(_value(found), _value(Expectation(g, POINT, law)), f"E[{g}] under {law}")


def test_table_wants_the_exact_coordinate_atom():
    law = Dirichlet(list(A))
    x1, x2, x3 = POINT
    assert known_expectation(sp.log(x2), POINT, law) == sp.digamma(A[1]) - sp.digamma(sum(A))
    assert known_expectation(sp.log(x1 + x2), POINT, law) is None
    assert known_expectation(x1 * x2 * x3, POINT, law) is None  # degree 3: not tabulated
    assert known_expectation(sp.log(x1), sp.Tuple(x1, x2), law) is None  # a point of the wrong size


def test_two_coordinates_are_the_beta():
    """Dirichlet(a1, a2) is Beta(a1, a2) in x_1: the same entropy, both by quadrature of their definitions."""
    for a1, a2 in [("0.07", "3.5"), ("2.5", "900"), ("0.4", "0.6")]:
        a1, a2 = sp.Float(a1, 60), sp.Float(a2, 60)
        _close(_value(DiffEntropy(Dirichlet([a1, a2]))), _value(DiffEntropy(Beta(a1, a2))), f"K = 2 at {a1, a2}")


def test_cross_entropy_is_entropy_plus_kl():
    p = Dirichlet([sp.Rational(3, 10), sp.Integer(2), sp.Rational(7, 2)])
    q = Dirichlet([sp.Integer(1), sp.Rational(1, 20), sp.Integer(40)])
    with mp.workdps(DIGITS):  # the sum at the working digits, not mpmath's default 15
        _close(_value(CrossEntropy(p, q)), _value(DiffEntropy(p)) + _value(KL(p, q)), "H(p, q) = h(p) + KL(p || q)")


def test_log_density_off_the_simplex_is_log_zero():
    law = Dirichlet([sp.Rational(3, 10), sp.Integer(2), sp.Rational(7, 2)])
    inside = sp.Tuple(sp.Rational(1, 5), sp.Rational(3, 10), sp.Rational(1, 2))
    assert mp.isfinite(_value(LogDensity(law, inside)))
    for outside in [(sp.Rational(1, 5), sp.Rational(3, 10), sp.Rational(3, 5)), (-sp.Rational(1, 5), 1, sp.Rational(1, 5))]:
        with pytest.raises(Singular) as found:
            _value(LogDensity(law, sp.Tuple(*outside)))
        assert found.value.exact


def test_what_the_oracle_does_not_integrate_is_skipped():
    """A factor mixing the coordinates, or K above 4: skipped (OutsideDomain), never a guess."""
    law = Dirichlet([sp.Integer(2), sp.Integer(3), sp.Integer(4)])
    with pytest.raises(OutsideDomain):
        _value(Expectation(sp.log(POINT[0] + POINT[1]), POINT, law))
    with pytest.raises(OutsideDomain):
        _value(DiffEntropy(Dirichlet([sp.Integer(k) for k in range(1, 6)])))


def test_supports_and_sizes():
    p3, q3, q2 = Dirichlet(list(A)), Dirichlet(list(B)), Dirichlet(list(B[:2]))
    assert p3.support_within(q3) is True
    assert p3.support_within(q2) is None  # another space: undecided, so never +oo and never a closed form
    assert p3.support_within(Beta(A[0], A[1])) is None
    assert closed_form(KL(p3, q2)) == KL(p3, q2)
    assert p3.support() == Simplex(3) and p3.support() != Simplex(2)


def test_pickles_and_rebuilds():
    law = Dirichlet(list(A))
    for obj in (law, law.support(), DiffEntropy(law), KL(law, Dirichlet(list(B)))):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert obj.func(*obj.args) == obj


def test_bad_laws_are_refused():
    with pytest.raises(TypeError):
        Dirichlet([A[0]])
    with pytest.raises(ValueError):
        Dirichlet([A[0], -1])
    with pytest.raises(TypeError):
        Dirichlet(A[0])


def test_plain_notation():
    assert parse_target("h(Dirichlet(a1, a2, a3))") == DiffEntropy(Dirichlet(list(A)))
    parsed = parse_target("KL(Dir(a1,a2,a3) || Dir(b1,b2,b3))")
    assert parsed == KL(Dirichlet(list(A)), Dirichlet(list(B)))
    assert all(s.is_positive for s in parsed.free_symbols)


@pytest.mark.parametrize("text,message", [
    ("h(Dir(a1))", "at least two concentrations"),
    ("h(Dir(-1, 2))", "must be positive"),
    ("h(Dir(a, 0))", "must be positive"),
])
def test_plain_notation_bad_input(text, message):
    with pytest.raises(ParseError, match=message):
        parse_target(text)


def test_cli_derive_and_bad_input(capsys):
    from infoproofs.cli import main

    assert main(["derive", "h(Dirichlet(a1, a2, a3))"]) == 0
    out = capsys.readouterr().out
    assert "closed form:" in out and "polygamma" in out.split("closed form:")[-1]
    assert "E[log x_i]" in out  # the tabulated result the moments step used, with its source
    assert main(["derive", "h(Dir(a1))"]) != 0
    err = capsys.readouterr().err
    assert "at least two concentrations" in err and "Traceback" not in err


def _wrong_entropy(sign: int, k_used: int) -> sp.Expr:
    a0 = sum(A)
    log_beta = sum(sp.loggamma(a) for a in A) - sp.loggamma(a0)
    return log_beta + sign * (a0 - k_used) * sp.digamma(a0) - sum((a - 1) * sp.digamma(a) for a in A)


def _wrong_kl() -> sp.Expr:
    """Penny's KL with E log x_i taken as psi(a_i): the psi(a_0) dropped."""
    a0, b0 = sum(A), sum(B)
    return (sp.loggamma(a0) - sum(sp.loggamma(a) for a in A) - sp.loggamma(b0) + sum(sp.loggamma(b) for b in B)
            + sum((a - b) * sp.digamma(a) for a, b in zip(A, B)))


@pytest.mark.parametrize("start,wrong", [
    (DiffEntropy(Dirichlet(list(A))), _wrong_entropy(-1, 3)),  # the (a_0 - K) psi(a_0) term's sign flipped
    (DiffEntropy(Dirichlet(list(A))), _wrong_entropy(1, 2)),  # K - 1 for K
    (KL(Dirichlet(list(A)), Dirichlet(list(B))), _wrong_kl()),
], ids=["entropy-flipped-total", "entropy-k-minus-one", "kl-missing-psi-total"])
def test_a_wrong_closed_form_is_refuted(start, wrong):
    """Plausible slips in the textbook forms: refuted, with a counterexample."""
    d = Derivation("historic", "a claimed Dirichlet closed form", "test", start)
    d.eq(wrong, by="algebra")
    (step,) = check_derivation(d, CheckOptions(use_cache=False, examples=8)).steps
    assert step.verdict == "refuted", step.reason
    assert step.counterexample


@pytest.mark.parametrize("spelling", [r"\mathrm{Dir}", r"\operatorname{Dir}", r"\mathrm{Dirichlet}"])
def test_latex_spellings(spelling):
    from infoproofs.parse.latex import parse_chain

    chain = parse_chain(rf"h\left({spelling}(a_1, a_2, a_3)\right) = 0", ["a_1 > 0; a_2 > 0; a_3 > 0"])
    (law,) = chain.sides[0].atoms(Dirichlet)
    assert len(law.concentrations) == 3 and all(a.is_positive for a in law.concentrations)


def test_a_wrong_expected_log_is_refuted_by_quadrature():
    """E log x_1 = psi(a1) - psi(a2 + a3) (the Beta's second concentration taken for a_0): refuted; the right
    one, psi(a1) - psi(a_0), is proved or confirmed."""
    law = Dirichlet(list(A))
    start = Expectation(sp.log(POINT[0]), POINT, law)
    for claim, verdicts in [(sp.digamma(A[0]) - sp.digamma(A[1] + A[2]), ("refuted",)),
                            (sp.digamma(A[0]) - sp.digamma(sum(A)), ("proved", "confirmed"))]:
        d = Derivation("e_log", "E log x_1", "test", start)
        d.eq(claim, by="moments")
        (step,) = check_derivation(d, CheckOptions(use_cache=False, examples=8)).steps
        assert step.verdict in verdicts, (claim, step.verdict, step.reason)
        if step.verdict == "refuted":
            assert step.counterexample


def test_sampler_maps_the_concentrations_in_order():
    import numpy as np

    law = Dirichlet(list(A))
    draws = law.sample(dict(zip(A, (1.0, 2.0, 7.0))), 20000, np.random.default_rng(0))
    assert draws.shape == (20000, 3) and np.allclose(draws.sum(axis=1), 1.0)
    assert np.allclose(draws.mean(axis=0), [0.1, 0.2, 0.7], atol=0.01)
