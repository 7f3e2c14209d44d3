"""Expectations under the laws of the positive half-line, each in its own scale.

* Gamma(a, b): U = b X ~ Gamma(a, 1).  The head [0, h] goes by t = u^a, which
  turns the density's u^(a-1) singularity (a < 1) into a smooth integrand;
  the rest by tanh-sinh between breakpoints around the mass (a +- k sqrt(a)).
  Large shapes need digits: log u^(a-1) and log Gamma(a) cancel to leave
  O(1), so the working precision is raised by log10(a) digits.
* Chi2(k): X = 2 U with U ~ Gamma(k/2, 1), by the Gamma scheme.
* Weibull, Pareto, LogLogistic: quantile transforms, whose quantile function is
  closed-form: E f(X) = int_0^1/2 f(Q(u)) du + int_0^1/2 f(Q(1 - v)) dv, with
  Q(1 - v) written in closed form (lambda (-log v)^(1/k), x_m v^(-1/alpha), ...)
  so that nothing is lost to 1 - v rounding near 1, however heavy the tail
  (Pareto with alpha = 0.05 puts X at v^(-20)).  Each half is integrated in
  t = -log u (or -log v) against e^-t, where the power-law endpoint
  singularities of f(Q(u)) become slowly decaying exponentials that tanh-sinh
  follows to the end (see ``quantile_expectation``).  No density is evaluated,
  so a density unbounded at 0 (Weibull or LogLogistic shapes < 1) costs
  nothing extra.  About 2000 integrand calls per expectation.
* LogNormal(mu, sigma): Gauss-Hermite in y = log x (every log-normal
  log-ratio is a polynomial in y), tanh-sinh in the standardised y otherwise.
* HalfNormal(sigma): 2 E f(sigma Z) over z >= 0: Gauss-Hermite on the even
  extension f(sigma |z|) when it is smooth (x^2 terms only), tanh-sinh on
  [0, oo) with the half-normal weight otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath as mp

from ..notation.laws_positive import Chi2, Gamma, HalfNormal, LogLogistic, LogNormal, Pareto, Weibull
from .numeric_eval import NEG_INF, Divergent, InvalidParameters, OutsideDomain, accumulate, lg, numeric_value, parameter
from .quadrature import _gaussian, _laguerre_expectation, _standard_normal_fallback, law_quadrature, tracked_quad

__all__ = ["gamma_unit_expectation", "quantile_expectation", "QUANTILE_DIGITS"]

MAX_SHAPE = mp.mpf(10) ** 12


def gamma_unit_expectation(a: mp.mpf, g, kinks=()) -> mp.mpf:
    """E g(U) for U ~ Gamma(a, 1)."""
    if a > MAX_SHAPE:
        raise OutsideDomain(f"Gamma shape {mp.nstr(a, 5)} is above {mp.nstr(MAX_SHAPE, 3)}, where quadrature is not run")
    extra = int(max(0, mp.log10(a))) + 5 if a > 1 else 0
    with mp.workdps(mp.mp.dps + extra):
        a = +a
        head = min(mp.mpf(1), a)
        log_norm = mp.loggamma(a)
        body = tracked_quad(lambda t: g(t ** (1 / a)), [0, head**a], weight=lambda t: mp.exp(-t ** (1 / a) - log_norm) / a)
        sd = mp.sqrt(a)
        points = {head, a} | {a + k * sd for k in (-8, -2, 2, 8, 40)} | {k for k in kinks if k > head}
        points = sorted(p for p in points if p >= head) + [mp.inf]
        tail = tracked_quad(g, points, weight=lambda u: mp.exp((a - 1) * mp.log(u) - u - log_norm))
        return body + tail


@law_quadrature(Gamma)
def _gamma(dist: Gamma, f, env, kinks):
    a, b = parameter(dist.shape, env), parameter(dist.rate, env)
    if a <= 0 or b <= 0:
        raise InvalidParameters("non-positive Gamma shape or rate at this point")
    return gamma_unit_expectation(a, lambda u: f(u / b), [k * b for k in kinks])


@law_quadrature(Chi2)
def _chi2(dist: Chi2, f, env, kinks):
    k = parameter(dist.df, env)
    if k <= 0:
        raise InvalidParameters("non-positive Chi2 degrees of freedom at this point")
    return gamma_unit_expectation(k / 2, lambda u: f(2 * u), [c / 2 for c in kinks])


# ---- quantile transforms ----------------------------------------------------------------

# Digits added while the quantile is formed, so that its rounding (amplified by f's condition number,
# up to 10^QUANTILE_DIGITS) stays below the working precision; f's own errors are tracked as usual.
QUANTILE_DIGITS = 10
Map = Callable[[mp.mpf], mp.mpf]
# breakpoints in t = -log u beyond log 2: the mass e^-t is spread over decades of t when f grows like a power
T_POINTS: tuple = (4, 32)
# Nodes beyond T_END count as 0: there the evaluator's error bounds overflow (x = e^(t/alpha) has an exponent
# near 10^18 at t ~ 10^18 alpha) although the weight e^-t has long made them irrelevant.  The integrand at T_END
# must be negligible (see ``_truncated``): a tail that has not died out there (f ~ x^c with c close to the tail
# index, or E X = oo) makes the point OutsideDomain rather than a guess.
T_END = mp.mpf(10) ** 6


def _t_points(cuts: list[mp.mpf]) -> list:
    start = mp.log(2)
    inner = {mp.mpf(p) for p in T_POINTS} | {c for c in cuts if mp.isfinite(c) and c > start}
    return [start, *sorted(p for p in inner if start < p < T_END), mp.inf]


def _truncated(h: Map, cuts: list[mp.mpf]) -> mp.mpf:
    """int_log2^oo h(t) e^-t dt, the nodes past T_END dropped once h(T_END) e^-T_END is below the precision.

    The dropped tail is at most T_END times the weighted integrand at T_END for every
    integrand whose weighted size decays from there on (f(Q) at most a power of x
    below the law's tail index, or a power of log x); that bound is counted in the error.
    """
    start = mp.log(2)
    if not any(mp.isfinite(c) and c > start for c in cuts):
        # int_log2^oo h(t) e^-t dt = E h(log 2 + V) / 2 with V ~ Exp(1): Gauss-Laguerre at rising orders
        # until two agree (exact for the polynomials in t that the log-ratios of Pareto laws are); tens of
        # calls where tanh-sinh takes ~1,600.  A slowly decaying h (a moment near the tail index) or one with
        # structure at another scale makes the orders disagree, and tanh-sinh below does the piece.
        found = _laguerre_expectation(lambda v: h(start + v))
        if found is not None:
            return found / 2
    value = tracked_quad(lambda t: h(t) if t <= T_END else mp.mpf(0), _t_points(cuts), weight=lambda t: mp.exp(-t))
    edge = abs(h(T_END)) * mp.exp(-T_END) * T_END
    if edge > mp.mpf(10) ** (-(mp.mp.dps + 5)) * max(abs(value), mp.mpf(1)):
        # counted as a possibly infinite expectation (``Divergent``): a step is not confirmed beside such points
        raise Divergent("the expectation's tail has not died out (it may be infinite) at this point")
    accumulate(lg(edge) if edge else NEG_INF)
    return value


def quantile_expectation(f, lower: Map, upper: Map, lower_t: Map, upper_t: Map, kinks=()) -> mp.mpf:
    """E f(X) = int_0^1/2 f(Q(u)) du + int_0^1/2 f(Q(1 - v)) dv, each half in t = -log u (or -log v).

    In t the halves are int_log2^oo f(Q(e^-t)) e^-t dt and int_log2^oo f(Q(1 - e^-t)) e^-t dt:
    a power-law endpoint singularity of f(Q(u)) (E X^2 under a Pareto with alpha = 2.1 is
    int v^(-0.95) dv) becomes a slowly decaying exponential that tanh-sinh integrates to the
    end, where in u its nodes stop at u ~ 10^-dps and miss a share u^0.05 of the mass,
    unseen by the error estimate.  ``lower(t)`` = Q(e^-t) and ``upper(t)`` = Q(1 - e^-t)
    are closed forms accurate for large t; ``lower_t(x)`` = -log F(x) and ``upper_t(x)`` =
    -log(1 - F(x)) map f's kinks into t.  Called inside the raised precision.
    """
    points = [k for k in kinks if k > 0]
    head = _truncated(lambda t: f(lower(t)), [lower_t(k) for k in points])
    tail = _truncated(lambda t: f(upper(t)), [upper_t(k) for k in points])
    return head + tail


def _positive_parameters(dist, env, what: str) -> list[mp.mpf]:
    """The law's parameters, evaluated at the precision they are used at.

    Called inside the raised precision, so that the support's end (a Pareto's x_m)
    is the very number the log-density's support check computes: Q(u) = x_m * (a
    factor >= 1) then never rounds below it.
    """
    values = [parameter(p, env) for p in dist.args]
    if any(v <= 0 for v in values):
        raise InvalidParameters(f"non-positive {what} at this point")
    return values


def _log1mexp(t: mp.mpf) -> mp.mpf:
    """log(1 - e^-t) for t >= log 2 (the range of both halves), accurate however large t is."""
    return mp.log1p(-mp.exp(-t))


@law_quadrature(Weibull)
def _weibull(dist: Weibull, f, env, kinks):
    """Q(u) = lambda (-log(1 - u))^(1/k), so Q(e^-t) = lambda (-log(1 - e^-t))^(1/k), Q(1 - e^-t) = lambda t^(1/k)."""
    with mp.workdps(mp.mp.dps + QUANTILE_DIGITS):
        k, lam = _positive_parameters(dist, env, "Weibull shape or scale")
        inv = 1 / k
        return quantile_expectation(
            f,
            lambda t: lam * mp.exp(inv * mp.log(-_log1mexp(t))),
            lambda t: lam * t**inv,
            lambda x: -mp.log(-mp.expm1(-((x / lam) ** k))),
            lambda x: (x / lam) ** k,
            kinks,
        )


@law_quadrature(Pareto)
def _pareto(dist: Pareto, f, env, kinks):
    """Q(u) = x_m (1 - u)^(-1/alpha): Q(e^-t) = x_m (1 - e^-t)^(-1/alpha), Q(1 - e^-t) = x_m e^(t/alpha)."""
    with mp.workdps(mp.mp.dps + QUANTILE_DIGITS):
        xm, alpha = _positive_parameters(dist, env, "Pareto scale or shape")
        inv = 1 / alpha

        def head(t):
            # mp.quad calls f with guard digits, where the support check's x_m is x_m at that precision:
            # Q(e^-t) is clamped to it (the true Q is >= x_m; the clamp moves it by a rounding at most)
            return max(xm * mp.exp(-inv * _log1mexp(t)), numeric_value(dist.scale, env))

        return quantile_expectation(
            f,
            head,
            lambda t: xm * mp.exp(inv * t),
            lambda x: -mp.log(-mp.expm1(alpha * mp.log(xm / x))) if x > xm else mp.inf,
            lambda x: alpha * mp.log(x / xm) if x > xm else mp.mpf(0),
            kinks,
        )


@law_quadrature(LogLogistic)
def _log_logistic(dist: LogLogistic, f, env, kinks):
    """Q(u) = alpha (u/(1 - u))^(1/beta): Q(e^-t) = alpha (e^t - 1)^(-1/beta), Q(1 - e^-t) = alpha (e^t - 1)^(1/beta)."""
    with mp.workdps(mp.mp.dps + QUANTILE_DIGITS):
        alpha, beta = _positive_parameters(dist, env, "LogLogistic scale or shape")
        inv = 1 / beta

        def log_odds(t):  # log(e^t - 1) = t + log(1 - e^-t)
            return t + _log1mexp(t)

        return quantile_expectation(
            f,
            lambda t: alpha * mp.exp(-inv * log_odds(t)),
            lambda t: alpha * mp.exp(inv * log_odds(t)),
            lambda x: mp.log1p(mp.exp(-beta * mp.log(x / alpha))),
            lambda x: mp.log1p(mp.exp(beta * mp.log(x / alpha))),
            kinks,
        )


# ---- Gaussian-based laws -------------------------------------------------------------------


@law_quadrature(LogNormal)
def _lognormal(dist: LogNormal, f, env, kinks):
    """E f(e^Y), Y ~ N(mu, sigma^2): Gauss-Hermite in y, else tanh-sinh in the standardised y."""
    mu, sigma = parameter(dist.mu, env), parameter(dist.sigma, env)
    if sigma <= 0:
        raise InvalidParameters("non-positive LogNormal sigma at this point")
    found = _gaussian(mu, sigma, lambda y: f(mp.exp(y)))
    if found is not None:
        return found
    z_kinks = [(mp.log(k) - mu) / sigma for k in kinks if k > 0]
    return _standard_normal_fallback(lambda z: f(mp.exp(mu + sigma * z)), z_kinks)


@law_quadrature(HalfNormal)
def _half_normal(dist: HalfNormal, f, env, kinks):
    """E f(sigma |Z|): Gauss-Hermite on the even extension where it is smooth, else 2 int_0^oo f(sigma z) phi(z) dz."""
    sigma = parameter(dist.scale, env)
    if sigma <= 0:
        raise InvalidParameters("non-positive HalfNormal scale at this point")
    if not kinks:
        found = _gaussian(mp.mpf(0), mp.mpf(1), lambda z: f(sigma * abs(z)))
        if found is not None:
            return found
    z_max = mp.sqrt(2 * mp.log(10) * (mp.mp.dps + 20)) + 2
    inner = sorted({mp.mpf(1), mp.mpf(4)} | {k / sigma for k in kinks if 0 < k / sigma < z_max})
    density = 2 / mp.sqrt(2 * mp.pi)
    return tracked_quad(lambda z: f(sigma * z), [mp.mpf(0), *inner, mp.inf], weight=lambda z: density * mp.exp(-z * z / 2))
