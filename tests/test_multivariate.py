"""Full-covariance Gaussians: vector moments, random positive-definite instances, quadrature."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import (
    KL,
    DiffEntropy,
    MultivariateNormal,
    QuadraticForm,
    dimension,
    positive,
    real,
    real_vector,
    spd_matrix,
)
from infoproofs.derivation import Relation
from infoproofs.engine.expectation import known_expectation
from infoproofs.notation.abstract import INSTANCE
from infoproofs.notation.domains import domain_of
from infoproofs.oracles.numeric import numeric_check
from infoproofs.oracles.numeric_eval import InvalidParameters, numeric_value
from infoproofs.oracles.random_matrices import matrix_value

a, b = positive("mv_a mv_b")
c, m1, m2 = real("mv_c mv_m1 mv_m2")
x1, x2 = sp.symbols("mv_x1 mv_x2", real=True)
P = MultivariateNormal([m1, m2], [[a, c], [c, b]])

d = dimension("mv_d")
mu1, mu2 = real_vector("mv_mu1", d), real_vector("mv_mu2", d)
S1, S2 = spd_matrix("mv_S1", d), spd_matrix("mv_S2", d)
P_d, Q_d = MultivariateNormal(mu1, S1), MultivariateNormal(mu2, S2)
KL_TRACE_FORM = (
    sp.Trace(S2.I * S1) + QuadraticForm(mu2 - mu1, S2.I) - d + sp.log(sp.Determinant(S2) / sp.Determinant(S1))
) / 2


def _domains(*exprs):
    syms = {s for e in exprs for s in e.free_symbols if isinstance(s, sp.Symbol)}
    return {s: domain_of(s) for s in syms}


def test_vector_moments_are_mean_and_covariance():
    X = sp.Tuple(x1, x2)
    assert known_expectation(x1, X, P) == m1
    assert sp.expand(known_expectation(x1 * x2, X, P) - (c + m1 * m2)) == 0
    assert sp.expand(known_expectation((x1 - m1) * (x2 - m2), X, P) - c) == 0
    assert sp.expand(known_expectation((x2 - m2) ** 2, X, P) - b) == 0
    assert known_expectation(x1**3, X, P) is None  # not tabulated: left unevaluated, never guessed


def test_engine_derives_the_bivariate_kl():
    a2, b2 = positive("mv_a2 mv_b2")
    c2, n1, n2 = real("mv_c2 mv_n1 mv_n2")
    Q = MultivariateNormal([n1, n2], [[a2, c2], [c2, b2]])
    derived = KL(P, Q).doit()
    S1m, S2m = sp.Matrix([[a, c], [c, b]]), sp.Matrix([[a2, c2], [c2, b2]])
    delta = sp.Matrix([n1 - m1, n2 - m2])
    closed = ((S2m.inv() * S1m).trace() + (delta.T * S2m.inv() * delta)[0] - 2 + sp.log(S2m.det() / S1m.det())) / 2
    point = {a: 2, b: 3, c: sp.Rational(1, 2), m1: 1, m2: -1, a2: 1, b2: 4, c2: -1, n1: 0, n2: 2}
    assert abs(sp.N((derived - closed).subs(point), 30)) < 1e-25


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**20), st.integers(1, 6))
def test_random_covariances_are_symmetric_positive_definite(seed, dim):
    env = {INSTANCE: mp.mpf(seed), d: mp.mpf(dim)}
    with mp.workdps(40):
        sigma = matrix_value(S1, env)
    values = np.array(sigma.tolist(), dtype=float)
    assert values.shape == (dim, dim)
    assert np.allclose(values, values.T)
    eig = np.linalg.eigvalsh(values)
    assert eig.min() >= 0.1 * (1 - 1e-9) and eig.max() <= 10 * (1 + 1e-9)


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**20), st.integers(1, 4))
def test_quadrature_kl_matches_trace_form(seed, dim):
    """Gauss-Hermite over the definition and the matrix closed form agree at 25 digits."""
    env = {INSTANCE: mp.mpf(seed), d: mp.mpf(dim)}
    with mp.workdps(40):
        by_quadrature = numeric_value(KL(P_d, Q_d), env)
        closed = numeric_value(KL_TRACE_FORM, env)
        assert by_quadrature >= 0
        assert abs(by_quadrature - closed) <= mp.mpf(10) ** -25 * max(1, abs(closed))


def test_entropy_general_d_is_confirmed_and_a_slip_refuted():
    h = DiffEntropy(P_d)
    right = d * sp.log(2 * sp.pi * sp.E) / 2 + sp.log(sp.Determinant(S1)) / 2
    assert numeric_check(h, right, Relation.EQ, _domains(h, right)).status == "passed"
    # The common slip: log det(2 pi e Sigma) without the 1/2.
    wrong = sp.log(sp.Determinant(2 * sp.pi * sp.E * S1))
    out = numeric_check(h, wrong, Relation.EQ, _domains(h, wrong))
    assert out.status == "refuted"
    assert any(key.startswith("mv_S1[") for key in out.counterexample)
    assert "instance seed" in out.counterexample


@pytest.mark.parametrize(
    "wrong",
    [
        KL_TRACE_FORM + d / 2,  # forgot the -d
        (sp.Trace(S1.I * S2) + QuadraticForm(mu2 - mu1, S2.I) - d + sp.log(sp.Determinant(S2) / sp.Determinant(S1))) / 2,
        (sp.Trace(S2.I * S1) + QuadraticForm(mu2 - mu1, S1.I) - d + sp.log(sp.Determinant(S2) / sp.Determinant(S1))) / 2,
        (sp.Trace(S2.I * S1) + QuadraticForm(mu2 - mu1, S2.I) - d + sp.log(sp.Determinant(S1) / sp.Determinant(S2))) / 2,
    ],
    ids=["missing -d", "inverse on the wrong covariance", "Mahalanobis in S1", "determinant ratio upside down"],
)
def test_wrong_general_kl_is_refuted(wrong):
    lhs = KL(P_d, Q_d)
    assert numeric_check(lhs, wrong, Relation.EQ, _domains(lhs, wrong)).status == "refuted"


def test_trace_is_cyclic_so_that_variant_is_confirmed():
    lhs = KL(P_d, Q_d)
    cyclic = (
        sp.Trace(S1 * S2.I) + QuadraticForm(mu2 - mu1, S2.I) - d + sp.log(sp.Determinant(S2) / sp.Determinant(S1))
    ) / 2
    assert numeric_check(lhs, cyclic, Relation.EQ, _domains(lhs, cyclic)).status == "passed"


def test_indefinite_explicit_covariance_is_undefined_not_a_value():
    env = {a: mp.mpf(1), b: mp.mpf(1), c: mp.mpf(2), m1: mp.mpf(0), m2: mp.mpf(0)}
    with mp.workdps(40), pytest.raises(InvalidParameters):
        numeric_value(DiffEntropy(P), env)


def test_kl_between_a_vector_gaussian_and_another_law_is_unevaluable_not_guessed():
    from infoproofs import Normal
    from infoproofs.oracles.numeric_eval import NotEvaluable

    env = {a: mp.mpf(2), b: mp.mpf(3), c: mp.mpf(0), m1: mp.mpf(0), m2: mp.mpf(0)}
    with mp.workdps(40), pytest.raises(NotEvaluable):
        numeric_value(KL(P, Normal(m1, a)), env)


def test_a_covariance_that_is_not_a_matrix_is_a_clear_error():
    with pytest.raises(TypeError, match="covariance must be a matrix"):
        MultivariateNormal([m1, m2], a)
