"""Expectations under named laws by quadrature, each in the law's own scale, with error estimates.

* Normal: Gauss-Hermite in the standardised variable at rising orders
  (8, 16, 28) until two neighbours agree; 8 nodes are exact for polynomials
  of degree < 16, which covers every Gaussian log-ratio; where no pair agrees (a non-smooth integrand), tanh-sinh in
  the standardised variable, split at 0, +-4 and the integrand's kinks.
* Laplace: on each side of the location, x = mu +- b u with U ~ Exp(1),
  split at the kinks mapped to u, tanh-sinh between kinks and Gauss-Laguerre
  beyond the last one; so Laplace(1e12, 1e-12) is as easy as Laplace(0, 1).
* Exponential: the same one-sided scheme in u = rate x.
* Discrete laws: exact finite sums.  Other laws: tanh-sinh between the
  law's breakpoints.

Every integrand is a callable that evaluates a SymPy expression with
``numeric_value``, so its error is known after each call; a rule's error is
the sum of its weighted integrand errors, its rounding, and the disagreement
of its two orders.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import mpmath as mp
import numpy as np
import sympy as sp

from ..notation.distributions import Distribution, Exponential, Laplace, Normal, Uniform
from ..notation.functionals import LogDensity
from .numeric_eval import (
    NEG_INF,
    InvalidParameters,
    NotConverged,
    NotEvaluable,
    accumulate,
    last_error,
    lg,
    lsum,
    numeric_value,
    parameter,
    rounding,
    unmetered,
)

__all__ = [
    "expect", "law_quadrature", "LAW_QUADRATURE", "hermite_rule", "laguerre_rule", "rule_sum", "tracked_quad", "gaussian_expectation_2d",
    "integrand_kinks", "law_kinks",
]

Env = dict[sp.Symbol, mp.mpf]
Integrand = Callable[[mp.mpf], mp.mpf]

# Gauss rule orders tried in turn; a pair of neighbours that agree ends the climb.
_ORDERS = (8, 16, 28)


def _newton_roots(guesses, values_and_derivative, dps: int) -> list[mp.mpf]:
    """Refine float64 roots of an orthogonal polynomial to ``dps`` digits (Newton doubles the digits)."""
    roots = []
    with mp.workdps(dps + 10):
        tolerance = mp.mpf(10) ** (-(dps + 8))
        for guess in guesses:
            x = mp.mpf(float(guess))
            for _ in range(40):
                value, slope = values_and_derivative(x)
                step = value / slope
                x -= step
                if abs(step) <= tolerance * max(1, abs(x)):
                    break
            roots.append(x)
    return roots


def _hermite_e(n: int, x: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    """(He_n(x), He_{n-1}(x)) by the three-term recurrence He_{k+1} = x He_k - k He_{k-1}."""
    before, now = mp.mpf(1), x
    for k in range(1, n):
        before, now = now, x * now - k * before
    return now, before


def _laguerre(n: int, x: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    """(L_n(x), L_{n-1}(x)) by (k + 1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}."""
    before, now = mp.mpf(1), 1 - x
    for k in range(1, n):
        before, now = now, ((2 * k + 1 - x) * now - k * before) / (k + 1)
    return now, before


@functools.lru_cache(maxsize=64)
def hermite_rule(n: int, dps: int) -> tuple[tuple[mp.mpf, ...], tuple[mp.mpf, ...]]:
    """Gauss-Hermite nodes/weights for the standard normal at ``dps`` digits.

    NumPy's float64 nodes (probabilists' Hermite) refined by Newton's method on
    He_n, whose derivative is n He_{n-1}; weights n! / (n He_{n-1}(x))^2.
    Milliseconds at 160 digits, where an eigenvalue solve takes seconds.
    """
    guesses, _ = np.polynomial.hermite_e.hermegauss(n)

    def step(x):
        he_n, he_before = _hermite_e(n, x)
        return he_n, n * he_before

    nodes = _newton_roots(guesses, step, dps)
    with mp.workdps(dps + 10):
        weights = [mp.factorial(n) / (n * _hermite_e(n, x)[1]) ** 2 for x in nodes]
    return tuple(nodes), tuple(weights)


@functools.lru_cache(maxsize=64)
def laguerre_rule(n: int, dps: int) -> tuple[tuple[mp.mpf, ...], tuple[mp.mpf, ...]]:
    """Gauss-Laguerre nodes/weights for the weight e^{-u} on [0, oo) at ``dps`` digits.

    NumPy's nodes refined by Newton on L_n (x L_n' = n (L_n - L_{n-1}));
    weights x / ((n + 1) L_{n+1}(x))^2.
    """
    guesses, _ = np.polynomial.laguerre.laggauss(n)

    def step(x):
        l_n, l_before = _laguerre(n, x)
        return l_n, n * (l_n - l_before) / x

    nodes = _newton_roots(guesses, step, dps)
    with mp.workdps(dps + 10):
        weights = [x / ((n + 1) * _laguerre(n + 1, x)[0]) ** 2 for x in nodes]
    return tuple(nodes), tuple(weights)


def rule_sum(nodes, weights, f: Integrand) -> tuple[mp.mpf, float, mp.mpf]:
    """(sum of w f(node), log2 of its error, sum of |w f(node)|) for one quadrature rule."""
    terms, errors = [], []
    for z, w in zip(nodes, weights):
        value = f(z)
        terms.append(w * value)
        errors.append(lg(w) + last_error())
    total = mp.fsum(terms)
    magnitude = mp.fsum(abs(t) for t in terms)
    return total, max(lsum(errors), rounding(magnitude) + 5), magnitude


def _two_orders(estimates: list[tuple[mp.mpf, float, mp.mpf]]) -> mp.mpf | None:
    """The finer of two quadrature estimates if they agree to the working digits (less 12) of their terms.

    The error reported is the integrands' propagated error plus the two
    orders' disagreement (a bound on the coarser one's error, so generous).
    """
    (coarse, ec, mag_c), (fine, ef, mag_f) = estimates
    scale = max(mag_c, mag_f, abs(coarse), abs(fine))
    # the integrands' own propagated errors (rounding amplified by cancellation) also explain a gap
    noise = mp.ldexp(mp.mpf(1), int(math.ceil(max(ec, ef)))) * 1024 if max(ec, ef) > NEG_INF else mp.mpf(0)
    if abs(coarse - fine) > scale * mp.mpf(10) ** (-(mp.mp.dps - 12)) + noise:
        return None
    accumulate(max(ef, lg(coarse - fine) if coarse != fine else NEG_INF))
    return fine


def _ladder(rule: Callable[[int, int], tuple], g: Integrand) -> mp.mpf | None:
    """Gauss rules of rising order until two neighbours agree (see ``_two_orders``), else None.

    Most integrands here are polynomials in the standardised variable (the
    log-ratios of Gaussians; Laplace pieces with |.| frozen), exact from the
    first rung, so the first pair settles them at a third of the cost of the
    last; a smooth non-polynomial integrand climbs to the last pair.
    """
    estimates = []
    for n in _ORDERS:
        nodes, weights = rule(n, mp.mp.dps)
        estimates.append(rule_sum(nodes, weights, g))
        if len(estimates) >= 2:
            found = _two_orders(estimates[-2:])
            if found is not None:
                return found
    return None


def _gaussian(mean: mp.mpf, sd: mp.mpf, f: Integrand) -> mp.mpf | None:
    return _ladder(hermite_rule, lambda z: f(mean + sd * z))


def _laguerre_expectation(g: Integrand) -> mp.mpf | None:
    """E g(U), U ~ Exp(1), by Gauss-Laguerre orders that agree, and only if g has no feature finer than the rules.

    The smallest Gauss-Laguerre nodes sit at u ~ 0.05-0.2, so a term of g that lives on a thinner scale
    near 0 (the e^{-400 u} of a Gumbel's log-density under an Exponential of a much larger scale) is seen by
    no order: two orders then agree and the mass 1/401 it carries is lost with a tiny error claimed (the
    audit's KL(Exp(1/20) || Gumbel(0, 1/20)) came out 393.0085 at 30 digits, 393.0110 being right).
    """
    found = _ladder(laguerre_rule, g)
    if found is not None and not _smooth_at_zero(g):
        return None  # the caller's tanh-sinh, split at decades, resolves the thin scale
    return found


# Probes of g at u = 10^-k (k = 2..12): a function smooth on the rules' scale has difference quotients
# (g(u) - g(0))/u that settle as u -> 0; a term varying on a scale 1/c << 0.1 makes them drift by ~c.
_PROBES = tuple(mp.mpf(10) ** -k for k in range(2, 13))


def _smooth_at_zero(g: Integrand) -> bool:
    """Do g's difference quotients at 0 settle (within half their size, plus 1) between u = 0.01 and 1e-12?

    False (a feature finer than the Gauss rules, or g not evaluable at 0) sends the caller to its
    tanh-sinh fallback: a slower rule, never a different answer.  ~12 evaluations at 30 digits, not
    counted as work.
    """
    try:
        with unmetered(), mp.workdps(30):
            at_zero = g(mp.mpf(0))
            differences = [(u, g(u) - at_zero) for u in _PROBES]
            # only differences above 1e-8 of g count: where g is formed from x = mu + b u, u near the rounding
            # of x makes g(u) - g(0) noise (or 0), which says nothing about g's scale; a thin term large enough
            # to matter (the e^{-400 u} above) is far above it
            noise = mp.mpf(10) ** -8 * max(1, abs(at_zero))
            quotients = [d / u for u, d in differences if abs(d) > noise]
    except (ZeroDivisionError, ValueError, ArithmeticError, NotEvaluable):
        return False
    if not all(mp.isfinite(q) for q in [at_zero, *quotients]):
        return False
    if not quotients:
        return True  # g does not vary where the probes can see: nothing finer for the rules to miss
    settled = quotients[-1]
    return all(abs(q - settled) <= (abs(settled) + 1) / 2 for q in quotients)


# tanh-sinh stops refining once its error estimate is below 2^-(prec - QUAD_SLACK_BITS) per interval rather
# than mpmath's 2^-prec / 8.  The comparison of two sides at P digits tolerates 10^-(P - 15) of their size
# (``compare.MARGIN``), so the last level, which doubles the nodes to reach the final ten digits, bought
# nothing a verdict used; the estimate that is reported (and counted in the error bound) is the one reached.
QUAD_SLACK_BITS = 33


def _tanh_sinh(f: Integrand, points: list) -> tuple[mp.mpf, mp.mpf]:
    """``mpmath.quad(f, points, error=True)`` with the stopping tolerance above; mpmath's own rule object, so
    its cached nodes are shared, and its 20 guard bits for the integrand."""
    ctx = mp.mp
    rule = ctx._tanh_sinh
    prec = ctx.prec
    epsilon = ctx.ldexp(ctx.one, QUAD_SLACK_BITS - prec)
    degree = rule.guess_degree(prec)
    interval = [ctx.convert(p) for p in points]
    try:
        ctx.prec += 20
        value, error = rule.summation(f, interval, prec, epsilon, degree)
    finally:
        ctx.prec = prec
    return +value, +error


def tracked_quad(g: Integrand, points: list, weight: Integrand | None = None) -> mp.mpf:
    """``mpmath.quad`` (tanh-sinh) of ``weight * g`` that reports its own error estimate and its integrand's errors.

    The weight (a density, e^-u) is exact up to rounding, so the integrand's
    error at x is |weight(x)| times g's: where the weight vanishes in the
    tails, so does the error, however large g's own error is there (e^{sigma z}
    at z = 1e10 has a huge absolute error, and weight e^{-z^2/2} = 0).
    """
    worst = [NEG_INF]

    def watched(x):
        value = g(x)
        error = last_error()
        if weight is not None:
            w = weight(x)
            error = NEG_INF if w == 0 or error == NEG_INF else lg(w) + error
            value = w * value
            error = max(error, rounding(value))
        if error > worst[0]:
            worst[0] = error
        return value

    value, error = _tanh_sinh(watched, points)
    finite = [p for p in points if mp.isfinite(p)]
    span = (max(finite) - min(finite)) if len(finite) >= 2 else mp.mpf(1)
    # the weighted integrand errors integrate to at most worst * span on a finite interval, however small the
    # span (a Beta(1e3, 1e3)'s head piece is 2^-10966 wide with density weights of 2^2000 on it); an infinite
    # range keeps the span's floor of 1
    width = lg(span) if len(finite) == len(points) else max(lg(span), 0.0)
    accumulate(max(lg(error) + 1 if error else NEG_INF, worst[0] + width + 2, rounding(value) + 5))
    return value


Frozen = Callable[[mp.mpf], Integrand]


def _piece(g: Integrand, a: mp.mpf, c: mp.mpf, smooth: Integrand | None) -> mp.mpf:
    """int_a^c e^-u g(u) du for g smooth on (a, c).

    With ``smooth``, the integrand's continuation from this piece (its |.|
    frozen with the signs they have here: a polynomial for a Laplace
    log-ratio), the piece is a difference of two Gauss-Laguerre integrals,
    e^-a E h(a + U) - e^-c E h(c + U), exact for polynomials: tens of
    evaluations where tanh-sinh takes hundreds.  If the two orders disagree
    (a continuation that is not polynomial-like), tanh-sinh does the piece.
    """
    if smooth is not None:
        first = _laguerre_expectation(lambda v: smooth(a + v))
        second = _laguerre_expectation(lambda v: smooth(c + v)) if first is not None else None
        if first is not None and second is not None:
            return mp.exp(-a) * first - mp.exp(-c) * second
    return tracked_quad(g, [a, c], weight=lambda u: mp.exp(-u))


def _exponential_side(g: Integrand, kinks: list[mp.mpf], frozen: Callable[[mp.mpf], Integrand] | None = None) -> mp.mpf:
    """E g(U), U ~ Exp(1), split at the kinks of g (in u): pieces between them, Gauss-Laguerre beyond.

    Kinks past u_max, where e^-u is below the working precision, are dropped.
    ``frozen(u)`` gives g's smooth continuation from the piece around u (see ``_piece``).
    """
    u_max = (mp.mp.dps + 20) * mp.log(10) + 50
    edges = [mp.mpf(0)] + sorted(k for k in set(kinks) if 0 < k < u_max)
    total = [
        _piece(g, a, c, frozen((a + c) / 2) if frozen is not None else None) for a, c in zip(edges, edges[1:])
    ]
    last = edges[-1]
    tail = _laguerre_expectation(lambda v: g(last + v))
    if tail is None:
        # no pair of Gauss-Laguerre orders agreed: the integrand has structure at another scale (e^{-400 u} from a
        # Gumbel's log-density at a small scale under an Exponential of a large one).  tanh-sinh on [0, oo) in one
        # piece can miss a feature that thin and still report a tiny error, so the range is split at every decade.
        decades = [mp.mpf(10) ** k for k in range(-12, 3)]
        tail = tracked_quad(lambda v: g(last + v), [0, *decades, mp.inf], weight=lambda v: mp.exp(-v))
    total.append(mp.exp(-last) * tail)
    return mp.fsum(total)


def _laplace(mu: mp.mpf, b: mp.mpf, f: Integrand, kinks, frozen: Frozen | None = None) -> mp.mpf:
    halves = []
    for side in (1, -1):
        u_kinks = [side * (k - mu) / b for k in kinks]
        in_u = None
        if frozen is not None:
            def in_u(u, side=side):
                smooth = frozen(mu + side * b * u)
                return lambda w: smooth(mu + side * b * w)
        halves.append(_exponential_side(lambda u, side=side: f(mu + side * b * u), u_kinks, in_u) / 2)
    return mp.fsum(halves)


def _tilted_peak(g: Integrand) -> mp.mpf | None:
    """Where e^{-z^2/2} |g(z)| is largest, on a scan of every eighth of a decade out to |z| = 10^4.

    An integrand growing like e^{c z} moves the mass of E g(Z) to z = c, far outside the standard
    normal's bulk (E e^{-33 Z} lives at z = -33): tanh-sinh split only at 0 and +-4 then misses it while
    reporting a tiny error.  The scan costs ~130 evaluations at 15 digits, not counted as work.
    """
    def size(z: mp.mpf) -> mp.mpf:
        try:
            value = abs(g(z))
        except (ZeroDivisionError, ValueError, OverflowError, NotEvaluable):
            return -mp.inf
        return mp.log(value) - z * z / 2 if value > 0 and mp.isfinite(value) else -mp.inf

    with unmetered(), mp.workdps(15):
        grid = sorted([mp.mpf(0)] + [sign * mp.mpf(10) ** (k / 8) for k in range(-8, 33) for sign in (1, -1)])
        sizes = [size(z) for z in grid]
        i = max(range(len(grid)), key=lambda j: sizes[j])
        if not mp.isfinite(sizes[i]):
            return None
        # golden-section refinement between the neighbours (the scan's grid is 1.33x apart)
        left, right = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
        ratio = (mp.sqrt(5) - 1) / 2
        for _ in range(60):
            a, b = right - ratio * (right - left), left + ratio * (right - left)
            if size(a) >= size(b):
                right = b
            else:
                left = a
        return (left + right) / 2


def _standard_normal_fallback(g: Integrand, kinks: list[mp.mpf]) -> mp.mpf:
    z_max = mp.sqrt(2 * mp.log(10) * (mp.mp.dps + 20)) + 2
    inner = {mp.mpf(-4), mp.mpf(0), mp.mpf(4)} | {k for k in kinks if abs(k) < z_max}
    peak = _tilted_peak(g)
    if peak is not None and abs(peak) > 2:
        # the tilted mass sits near the peak with the Gaussian's own width: split around it
        inner |= {peak + d for d in (-32, -8, -3, -1, 0, 1, 3, 8, 32)}
    density = 1 / mp.sqrt(2 * mp.pi)
    return tracked_quad(g, [-mp.inf, *sorted(inner), mp.inf], weight=lambda z: density * mp.exp(-z * z / 2))


def law_kinks(dist: Distribution, env: Env) -> list[mp.mpf]:
    """Points where a law's log-density is not smooth (quadrature must split there)."""
    if isinstance(dist, Laplace):
        return [numeric_value(dist.args[0], env)]
    return []


def integrand_kinks(integrand: sp.Expr, var: sp.Symbol, env: Env) -> list[mp.mpf]:
    """Zeros of |a x + b| inside an integrand, and the kinks of the log-densities in it."""
    found = []
    for atom in integrand.atoms(sp.Abs):
        inner = sp.expand(atom.args[0])
        if inner.is_polynomial(var) and sp.degree(inner, var) == 1:
            slope, offset = inner.coeff(var, 1), inner.coeff(var, 0)
            try:
                found.append(-numeric_value(offset, env) / numeric_value(slope, env))
            except (NotEvaluable, ZeroDivisionError):
                continue
    for law in integrand.atoms(LogDensity):
        if law.var == var:
            found += law_kinks(law.dist, env)
    return found


def _breakpoints(dist: Distribution, env: Env) -> list:
    if isinstance(dist, Uniform):
        return [numeric_value(dist.args[0], env), numeric_value(dist.args[1], env)]
    raise NotEvaluable(f"no quadrature support for {type(dist).__name__}")


# family -> fn(dist, f, env, kinks) computing E f(X); filled by ``law_quadrature`` (the families'
# own schemes live in ``quadrature_families`` and ``series``; the laws above are handled inline).
LAW_QUADRATURE: dict[type, Callable[[Distribution, Integrand, Env, list], mp.mpf]] = {}


def law_quadrature(family: type):
    """Register the expectation scheme of a family (quantile transform, tail split, series, ...)."""

    def wrap(fn):
        LAW_QUADRATURE[family] = fn
        return fn

    return wrap


def expect(
    dist: Distribution, f: Integrand, env: Env, kinks: list[mp.mpf] | tuple = (), frozen: Frozen | None = None
) -> mp.mpf:
    """E_{x~dist}[f(x)] by quadrature (continuous) or an exact sum (discrete); errors are accumulated.

    ``frozen(x)``, when given, is f's smooth continuation from the piece between
    kinks that contains x (its absolute values frozen with their signs at x):
    it lets the pieces of Laplace and exponential laws go by Gauss-Laguerre.
    """
    for cls in type(dist).__mro__:
        scheme = LAW_QUADRATURE.get(cls)
        if scheme is not None:
            return scheme(dist, f, env, list(kinks))
    if isinstance(dist, Normal):
        mean = parameter(dist.mean, env)
        variance = parameter(dist.variance, env)
        if variance <= 0:
            raise InvalidParameters("non-positive variance at this point")
        sd = mp.sqrt(variance)
        found = _gaussian(mean, sd, f)
        if found is not None:
            return found
        return _standard_normal_fallback(lambda z: f(mean + sd * z), [(k - mean) / sd for k in kinks])
    if isinstance(dist, Laplace):
        mu, b = (parameter(a, env) for a in dist.args)
        if b <= 0:
            raise InvalidParameters("non-positive Laplace scale at this point")
        return _laplace(mu, b, f, kinks, frozen)
    if isinstance(dist, Exponential):
        rate = parameter(dist.args[0], env)
        if rate <= 0:
            raise InvalidParameters("non-positive rate at this point")
        in_u = None
        if frozen is not None:
            def in_u(u):
                smooth = frozen(u / rate)
                return lambda w: smooth(w / rate)
        return _exponential_side(lambda u: f(u / rate), [k * rate for k in kinks], in_u)
    if dist.is_discrete:
        terms, errors = [], []
        for value, prob in dist.outcomes():
            p = parameter(prob, env)
            if p < 0:
                raise InvalidParameters("negative probability at this point")
            if p != 0:
                terms.append(p * f(numeric_value(value, env)))
                errors.append(lg(p) + last_error())
        total = mp.fsum(terms)
        accumulate(max(lsum(errors), rounding(mp.fsum(abs(t) for t in terms)) + 3))
        return total
    x = sp.Symbol("x_numeric_", real=True)
    log_density = dist.log_density(x)
    points = _breakpoints(dist, env)
    lo, hi = points[0], points[-1]
    if not lo < hi:
        raise InvalidParameters(f"empty support [{lo}, {hi}] at this point")
    points = sorted(set(points) | {k for k in kinks if lo < k < hi})

    def density(v):
        return mp.exp(numeric_value(log_density, {**env, x: v}))

    return tracked_quad(f, points, weight=density)


def gaussian_expectation_2d(
    a: tuple[mp.mpf, mp.mpf], b: tuple[mp.mpf, mp.mpf], f: Callable[[mp.mpf, mp.mpf], mp.mpf]
) -> mp.mpf:
    """E f(X, N) for independent X ~ N(a0, a1^2), N ~ N(b0, b1^2) by a tensor Gauss-Hermite rule."""
    estimates = []
    for n in (6, 10):  # 2-D tensor rules grow as n^2; log-densities of Gaussians are exact at n >= 2
        nodes, weights = hermite_rule(n, mp.mp.dps)
        pairs = [(w1 * w2, a[0] + a[1] * z1, b[0] + b[1] * z2) for z1, w1 in zip(nodes, weights)
                 for z2, w2 in zip(nodes, weights)]
        estimates.append(rule_sum([(x, y) for _, x, y in pairs], [w for w, _, _ in pairs], lambda xy: f(*xy)))
    found = _two_orders(estimates)
    if found is None:
        raise NotConverged("two-dimensional Gauss-Hermite quadrature did not converge")
    return found
