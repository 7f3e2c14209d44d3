"""Expectations under the laws of the unit interval, at 30+ digits from concentrations 1e-3 to 1e6.

Beta(a, b) is split into three pieces, each in the variable that keeps it smooth
and exactly representable:

* the head [0, h0], h0 = min(1, a)/(a + b), in t = x^a: the density's x^(a-1)
  (unbounded for a < 1) becomes the constant 1/a, and x = t^(1/a) is an mpf however
  small (Beta(1e-3, 1) puts 90% of its mass below 1e-40);
* the body [h0, 1 - h1] in x itself, split at the mean +- sd (2, 8, 32, ...), the
  integrand's kinks, and with digits raised by log10(a + b) where the log-density's
  terms (a - 1) log x and log B(a, b) cancel to O(1) (the Gamma's device);
* the tail [1 - h1, 1], h1 = min(1, b)/(a + b), in s = (1 - x)^b.  Here x = 1 - y with
  y = s^(1/b) as small as 10^-400 for b = 1e-3, so x is formed at the precision that
  represents it exactly (up to EDGE_DIGITS extra digits) and the integrand is evaluated
  there.  Mass even closer to 1 is bounded in closed form, y0^b / (b B(a, b)); it is
  dropped when that is negligible, or taken as that mass times g(1) when the integrand
  is finite at 1 and agrees with its value at 1 - y0 (it is then constant to the working
  digits over the last stretch, e.g. log x, a polynomial); a point where neither holds
  (log(1 - x) under Beta(1, 1e-3), whose mean is -1000 and whose mass sits at
  1 - x ~ 10^-434) raises ``OutsideDomain``: skipped, never guessed.

Kumaraswamy(a, b) goes through Z = X^a ~ Beta(1, b) (its closed-form quantile is the
same fact): E f(X) = E f(Z^(1/a)), with 1 - X formed from 1 - Z as -expm1(log1p(-y)/a).
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath as mp

from ..notation.laws_unit import Beta, Kumaraswamy
from .numeric_eval import NEG_INF, InvalidParameters, NotEvaluable, OutsideDomain, accumulate, lg, parameter
from .quadrature import law_quadrature, tracked_quad

__all__ = ["beta_expectation", "EDGE_DIGITS", "MAX_CONCENTRATION"]

Integrand = Callable[[mp.mpf], mp.mpf]

EDGE_DIGITS = 400  # the most extra digits spent forming x = 1 - y near the upper edge
MAX_CONCENTRATION = mp.mpf(10) ** 12


def _digits_for(y: mp.mpf) -> int:
    """Extra digits that make 1 - y exact (and leave y's own digits intact): about -log10 y."""
    if y == 0:
        return EDGE_DIGITS + 1
    return max(0, int(-mp.log10(y))) + 5


def _ladder(mean: mp.mpf, sd: mp.mpf, lo: mp.mpf, hi: mp.mpf) -> list[mp.mpf]:
    """Breakpoints mean +- sd (0, 2, 8, 32, ...) inside (lo, hi): pieces on which the density is smooth and
    varies by a bounded factor, however concentrated the law (sd 3e-4 at a = b = 1e6)."""
    points = {mean}
    k = mp.mpf(2)
    while mean - k * sd > lo or mean + k * sd < hi:
        points |= {mean - k * sd, mean + k * sd}
        k *= 4
    return [p for p in points if lo < p < hi]


def beta_expectation(
    a: mp.mpf, b: mp.mpf, at_x: Integrand, at_one_minus: Integrand, kinks=(),
) -> mp.mpf:
    """E g(Z) for Z ~ Beta(a, b); ``at_x(z)`` is g(z), ``at_one_minus(y)`` is g(1 - y) with 1 - y formed exactly."""
    if a > MAX_CONCENTRATION or b > MAX_CONCENTRATION:
        raise OutsideDomain(f"Beta concentrations above {mp.nstr(MAX_CONCENTRATION, 3)} are not integrated")
    extra = int(max(0, mp.log10(a + b))) + 8
    with mp.workdps(mp.mp.dps + extra):
        a, b = +a, +b
        log_norm = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
        h0, h1 = min(mp.mpf(1), a) / (a + b), min(mp.mpf(1), b) / (a + b)
        # the tail first: a point it refuses (mass within 1e-400 of a singular end) costs no quadrature
        tail = _upper_tail(a, b, at_one_minus, h1, log_norm)
        head = tracked_quad(
            lambda t: at_x(t ** (1 / a)), [0, h0**a],
            weight=lambda t: mp.exp((b - 1) * mp.log1p(-t ** (1 / a)) - log_norm - mp.log(a)),
        )
        body = mp.mpf(0)
        if h0 < 1 - h1:
            mean = a / (a + b)
            sd = mp.sqrt(a * b / (a + b + 1)) / (a + b)
            inner = set(_ladder(mean, sd, h0, 1 - h1)) | {k for k in kinks if h0 < k < 1 - h1}
            points = [h0, *sorted(inner), 1 - h1]
            body = tracked_quad(
                at_x, points, weight=lambda x: mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x) - log_norm),
            )
        return head + body + tail


def _upper_tail(a: mp.mpf, b: mp.mpf, at_one_minus: Integrand, h1: mp.mpf, log_norm: mp.mpf) -> mp.mpf:
    """int over 1 - x in [0, h1] in s = (1 - x)^b, with the last stretch 1 - x < 10^-EDGE_DIGITS in closed form."""
    y0 = mp.mpf(10) ** (-EDGE_DIGITS)
    s0 = min(y0**b, h1**b)
    # P(1 - X < y0) <= y0^b / (b B(a, b)) * max(1, (1 - y0)^(a - 1)); the max is 1 + O(1e-390) for a <= 1e12
    log_mass = b * mp.log(y0) - mp.log(b) - log_norm
    weight = lambda s: mp.exp((a - 1) * mp.log1p(-s ** (1 / b)) - log_norm - mp.log(b))  # noqa: E731
    negligible = log_mass < -(mp.mp.dps + 20) * mp.log(10)
    try:
        near = at_one_minus(y0)
    except (NotEvaluable, ZeroDivisionError, ArithmeticError):
        near = None
    if negligible and near is not None:
        # |g| over the last stretch taken as at most |g(1 - y0)| + 1 + 1/b (a log-singularity's mean there)
        accumulate(lg(mp.exp(log_mass) * (abs(near) + 1 + 1 / b)) + 4)
        return tracked_quad(lambda s: at_one_minus(s ** (1 / b)), [s0, h1**b], weight=weight)
    try:
        at_one = at_one_minus(mp.mpf(0))
    except (NotEvaluable, ZeroDivisionError, ArithmeticError):
        at_one = None
    if near is None or at_one is None or not mp.isfinite(at_one):
        raise OutsideDomain("the integrand is singular at 1 and the law puts non-negligible mass within 1e-400 of 1")
    if abs(at_one - near) > mp.mpf(10) ** (-(mp.mp.dps - 5)) * max(1, abs(at_one)):
        raise OutsideDomain("the integrand still varies within 1e-400 of 1, where the law puts non-negligible mass")
    mass = mp.exp(log_mass)
    accumulate(max(lg(mass * abs(at_one - near)) + 4 if at_one != near else NEG_INF, lg(mass * at_one) - 300))
    inside = tracked_quad(lambda s: at_one_minus(s ** (1 / b)), [s0, h1**b], weight=weight)
    return inside + mass * at_one


def _at_precision(f: Integrand, make_x: Callable[[], mp.mpf], digits: int) -> mp.mpf:
    """f at a point formed, and evaluated, with ``digits`` extra digits; the value rounded back."""
    if digits > EDGE_DIGITS + 50:  # nodes reach 1 - x = 1e-400 (a Kumaraswamy scales it by 1/a)
        raise OutsideDomain("a point this close to 1 is not formed (more than EDGE_DIGITS extra digits)")
    with mp.workdps(mp.mp.dps + digits):
        value = f(make_x())
    return +value


def _concentrations(d, env) -> tuple[mp.mpf, mp.mpf]:
    a, b = parameter(d.args[0], env), parameter(d.args[1], env)
    if a <= 0 or b <= 0:
        raise InvalidParameters(f"non-positive {type(d).__name__} parameter at this point")
    return a, b


@law_quadrature(Beta)
def _beta(dist: Beta, f, env, kinks):
    a, b = _concentrations(dist, env)

    def at_one_minus(y: mp.mpf) -> mp.mpf:
        return _at_precision(f, lambda: 1 - y, _digits_for(y) if y != 0 else 0)

    return beta_expectation(a, b, f, at_one_minus, [k for k in kinks if 0 < k < 1])


@law_quadrature(Kumaraswamy)
def _kumaraswamy(dist: Kumaraswamy, f, env, kinks):
    """X = Z^(1/a), Z ~ Beta(1, b); x near 1 as 1 - x = -expm1(log1p(-y)/a), y = 1 - z."""
    a, b = _concentrations(dist, env)
    spread = int(abs(mp.log10(a))) + 5  # 1 - z^(1/a) ~ (1 - z)/a: digits lost or needed scale with log10 a

    def at_x(z: mp.mpf) -> mp.mpf:
        return _at_precision(f, lambda: z ** (1 / a), spread + (_digits_for(1 - z) if z > mp.mpf(1) / 2 else 0))

    def at_one_minus(y: mp.mpf) -> mp.mpf:
        if y == 0:
            return _at_precision(f, lambda: mp.mpf(1), 0)
        return _at_precision(f, lambda: mp.exp(mp.log1p(-y) / a), spread + _digits_for(y / a))

    return beta_expectation(mp.mpf(1), b, at_x, at_one_minus, [k**a for k in kinks if 0 < k < 1])
