"""The numeric pipeline's parts: the point design, the comparison with error estimates, the shrinker."""

from __future__ import annotations

import mpmath as mp
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from infoproofs import interval, positive, real
from infoproofs.derivation import Relation
from infoproofs.notation.domains import Domain, domain_of, exact
from infoproofs.oracles.compare import judge
from infoproofs.oracles.numeric_eval import evaluate_side
from infoproofs.oracles.points import design
from infoproofs.oracles.shrink import complexity, shrink

bounds = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


@settings(max_examples=60, deadline=None)
@given(bounds, bounds, st.booleans())
def test_every_designed_point_is_strictly_inside_the_exact_domain(lo, hi, integer):
    if lo is not None and hi is not None:
        assume(lo < hi and (not integer or hi - lo > 2))
    domain = Domain("test", lo, hi, integer=integer, sample_lo=1 if integer else -4.0, sample_hi=6 if integer else 4.0)
    s = sp.Symbol("pt_s", real=True)
    if integer:
        domain = Domain("test", lo, hi, integer=True,
                        sample_lo=int(max(lo or 0, 0)) + 1, sample_hi=int(max(lo or 0, 0)) + 3)
        if hi is not None and domain.sample_hi >= hi:
            return
    for _, point in zip(range(80), design([s], {s: domain}, typical=10)):
        assert domain.contains(point[s]), (domain, point[s])


def test_the_design_reaches_every_scale_and_both_bounds():
    s = positive("pt_pos")
    u = interval("pt_unit", 0, 1)
    points = list(zip(range(400), design([s, u], {s: domain_of(s), u: domain_of(u)}, typical=10)))
    values = [p[s] for _, p in points]
    assert min(values) < 1e-8 and max(values) > 1e8
    units = [p[u] for _, p in points]
    assert min(units) < 1e-10 and max(units) > 1 - 1e-10


def test_exact_bounds_are_kept_as_given():
    assert exact(0.1) != sp.Rational(1, 10)  # the float is not a tenth
    assert exact("0.1") == sp.Rational(1, 10)
    assert exact(1.00000000000001) > 1
    u = interval("pt_near", 0, 1.00000000000001)
    assert domain_of(u).contains(1) and not domain_of(u).contains(1.0000000000001)


@settings(max_examples=40, deadline=None)
@given(st.floats(-50, 50), st.integers(1, 60))
def test_error_estimate_covers_catastrophic_cancellation(x, k):
    """cosh(k x)^2 - sinh(k x)^2 is 1; whatever it computes to, the error bound must reach 1 or below."""
    t = sp.Symbol("pt_t", real=True)
    expr = sp.cosh(k * t) ** 2 - sp.sinh(k * t) ** 2
    with mp.workdps(40):
        value, error = evaluate_side(expr, {t: mp.mpf(x)})
        assert abs(value - 1) <= error * 2**16 + mp.mpf(10) ** -30


@settings(max_examples=40, deadline=None)
@given(st.floats(-3, 3), st.integers(1, 60))
def test_cancellation_never_refutes_a_true_identity(x, k):
    t = sp.Symbol("pt_t2", real=True)
    expr = sp.cosh(k * t) ** 2 - sp.sinh(k * t) ** 2
    assert judge(expr, sp.Integer(1), Relation.EQ, {t: mp.mpf(x)}).status in ("tie", "inconclusive")


@settings(max_examples=40, deadline=None)
@given(st.integers(20, 300), st.floats(-2, 2))
def test_a_gap_far_below_the_values_is_seen_when_the_values_are_exact(digits, x):
    """exp(-x^2 - 1e6) and twice it differ by a factor 2, though both are 1e-434295: not a tie."""
    t = sp.Symbol("pt_t3", real=True)
    f = sp.exp(-(t**2) - 10**6) * sp.Rational(10**digits + 1, 10**digits)
    assert judge(f, 2 * f, Relation.EQ, {t: mp.mpf(x)}).status == "violated"


@settings(max_examples=30, deadline=None)
@given(st.floats(1.5, 1e6), st.floats(1e-3, 1e9))
def test_shrinking_keeps_failing_and_gets_simpler(threshold, start):
    assume(start > threshold)
    s = positive("pt_shrink")
    domains = {s: domain_of(s)}
    bound = mp.mpf(threshold)

    def fails(point):
        return point[s] > bound

    small, _ = shrink({s: mp.mpf(start)}, domains, fails, 200)
    assert fails(small)
    assert complexity(small[s]) <= complexity(mp.mpf(start))
    assert small[s] <= max(mp.mpf(start), 2 * bound + 1)


def test_shrinking_a_two_dimensional_region_reaches_simple_values():
    x, y = real("pt_x pt_y")
    domains = {x: domain_of(x), y: domain_of(y)}

    def fails(point):
        return point[x] > 3 and point[y] < -1

    small, _ = shrink({x: mp.mpf("1234.567"), y: mp.mpf("-98.76")}, domains, fails, 300)
    assert small[x] == 4 and small[y] == -2
