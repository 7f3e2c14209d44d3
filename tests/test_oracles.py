"""Each oracle on its own: soundness of the numeric and symbolic witnesses."""

from __future__ import annotations

import mpmath as mp
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import KL, Bernoulli, DiffEntropy, Entropy, Laplace, Normal, positive, probability, real
from infoproofs.derivation import Relation
from infoproofs.notation.domains import domain_of
from infoproofs.oracles.numeric import numeric_check
from infoproofs.oracles.numeric_eval import numeric_value
from infoproofs.oracles.symbolic import prove_step

mu1, mu2 = real("tmu1 tmu2")
s1, s2 = positive("ts1 ts2")
p = probability("tp")


def _domains(*exprs):
    syms = set().union(*[e.free_symbols for e in exprs])
    return {s: domain_of(s) for s in syms}


@settings(max_examples=25, deadline=None)
@given(
    st.floats(-3, 3), st.floats(-3, 3), st.floats(0.1, 4), st.floats(0.1, 4)
)
def test_quadrature_kl_matches_engine_closed_form(m1, m2, v1, v2):
    """Two independent routes to KL(N||N): quadrature of the definition vs derived moments."""
    kl = KL(Normal(mu1, s1**2), Normal(mu2, s2**2))
    env = {mu1: mp.mpf(m1), mu2: mp.mpf(m2), s1: mp.mpf(v1), s2: mp.mpf(v2)}
    with mp.workdps(40):
        by_quadrature = numeric_value(kl, env)
        closed = numeric_value(kl.doit(), env)
        assert abs(by_quadrature - closed) <= mp.mpf(10) ** -25 * max(1, abs(closed))


@settings(max_examples=15, deadline=None)
@given(st.floats(-2, 2), st.floats(0.2, 3))
def test_laplace_entropy_by_quadrature(m, b):
    env = {mu1: mp.mpf(m), s1: mp.mpf(b)}
    with mp.workdps(40):
        value = numeric_value(DiffEntropy(Laplace(mu1, s1)), env)
        assert abs(value - (1 + mp.log(2 * mp.mpf(b)))) < mp.mpf(10) ** -25


def test_numeric_never_samples_outside_the_domain():
    # log(p) + log(1 - p) is real only on (0, 1); outside it the check would see complex values.
    lhs = sp.log(p) + sp.log(1 - p)
    out = numeric_check(lhs, sp.log(p * (1 - p)), Relation.EQ, _domains(lhs))
    assert out.status == "passed" and out.points >= 20


def test_numeric_refutes_with_minimal_counterexample():
    lhs = sp.log(s1**2)
    out = numeric_check(lhs, sp.log(s1), Relation.EQ, _domains(lhs))
    assert out.status == "refuted"
    assert set(out.counterexample) == {"ts1"}
    assert out.counterexample["ts1"] != 1.0  # at s = 1 both sides agree: not a counterexample


def test_numeric_respects_assumptions():
    lhs = s1 - s2
    out = numeric_check(lhs, sp.Integer(0), Relation.GE, _domains(lhs), (s2 < s1,))
    assert out.status == "passed"
    out = numeric_check(lhs, sp.Integer(0), Relation.GE, _domains(lhs))
    assert out.status == "refuted"


def test_entropy_of_bernoulli_two_routes():
    h = Entropy(Bernoulli(p))
    with mp.workdps(40):
        env = {p: mp.mpf("0.3")}
        assert abs(numeric_value(h, env) - numeric_value(h.doit(), env)) < mp.mpf(10) ** -30


def test_symbolic_does_not_prove_false_identity():
    out = prove_step(sp.log(s1**2), sp.log(s1), "=", "algebra", {}, (), {s1: (0.0, None)})
    assert out.status != "proved"


def test_symbolic_refuses_wrong_rule_for_relation():
    out = prove_step(sp.Integer(1), sp.Integer(2), "<=", "algebra", {}, (), {})
    assert out.status in ("violated", "proved")  # 1 <= 2 is true; the rule 'algebra' justifies only '='
    assert "justifies only" in out.detail or out.status == "proved"


def test_certificate_must_be_nonnegative():
    from infoproofs.rules import LogGap

    r = (s1 - s2) ** 2
    bad = prove_step(r, sp.Integer(0), ">=", "non-negativity certificate", {"certificate": -LogGap(s1)}, (), {})
    assert bad.method != "rule: non-negativity certificate"
    good = prove_step(r, sp.Integer(0), ">=", "non-negativity certificate", {"certificate": r}, (), {})
    assert good.status == "proved" and good.method == "rule: non-negativity certificate"


@settings(max_examples=12, deadline=None)
@given(st.floats(-2, 2), st.floats(0.2, 3), st.floats(-4, 4))
def test_laplace_absolute_moment_with_a_kink_away_from_the_location(m, b, c):
    """E|x - c| under Laplace(m, b) = |m - c| + b exp(-|m - c|/b): quadrature split at the kink c."""
    x = sp.Symbol("x", real=True)
    e = sp.Abs(x - mu2)
    from infoproofs import E

    env = {mu1: mp.mpf(m), s1: mp.mpf(b), mu2: mp.mpf(c)}
    with mp.workdps(40):
        value = numeric_value(E(e, x, Laplace(mu1, s1)), env)
        gap = abs(mp.mpf(m) - mp.mpf(c))
        assert abs(value - (gap + mp.mpf(b) * mp.exp(-gap / mp.mpf(b)))) < mp.mpf(10) ** -25


def test_strict_gibbs_needs_the_parameters_to_differ():
    """phi(q/p) > 0 only where q != p is known: without the assumption p < q, '>' is not proved."""
    from infoproofs import LogGap

    q = probability("tq")
    certificate = p * LogGap(q / p) + (1 - p) * LogGap((1 - q) / (1 - p))
    kl = KL(Bernoulli(p), Bernoulli(q))
    domains = {p: (0.0, 1.0), q: (0.0, 1.0)}
    params = {"certificate": certificate}
    rule = "non-negativity certificate on the domain"
    assert prove_step(kl, sp.Integer(0), ">=", rule, params, (), domains).status == "proved"
    assert prove_step(kl, sp.Integer(0), ">", rule, params, (), domains).status != "proved"
    assert prove_step(kl, sp.Integer(0), ">", rule, params, (p < q,), domains).status == "proved"
