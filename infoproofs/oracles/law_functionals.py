"""Numeric evaluators of the functionals of named laws, from their definitions.

KL, cross-entropy, entropies and mutual information are evaluated as the
expectations that define them (``E_p[log p - log q]``, ...), with the
integrand written as a SymPy expression and evaluated by ``numeric_value`` at
each node, so that its error is tracked.  Laws with independent coordinates
(``IsoNormal``, ``DiagNormal``) are summed coordinate by coordinate, each
distinct coordinate once.  Nothing here uses a closed form the engine derived.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import mpmath as mp
import sympy as sp

from ..notation.distributions import DiagNormal, Distribution, IsoNormal, Normal
from ..notation.functionals import (
    KL,
    CondDiffEntropy,
    CrossEntropy,
    DiffEntropy,
    Entropy,
    Expectation,
    LogDensity,
    MutualInformation,
)
from ..notation.random_variables import LawUnknown, law_of, random_variables_in
from ..rules.tools import LogGap
from .numeric_eval import (
    InvalidParameters,
    NotEvaluable,
    OutsideDomain,
    Singular,
    accumulate,
    bind,
    bound_at,
    compiled,
    kept_at_values,
    last_error,
    lg,
    lsum,
    numeric_evaluator,
    numeric_value,
    parameter,
    unmetered,
)
from .quadrature import expect, gaussian_expectation_2d, integrand_kinks, law_kinks, tracked_quad

__all__ = ["MAX_COORDINATES", "integrand_of"]

Env = dict[sp.Symbol, mp.mpf]
MAX_COORDINATES = 10**7  # identical coordinates (IsoNormal) are summed once, times d
MAX_VECTOR = 500  # distinct coordinates (a DiagNormal of vectors) are evaluated one by one
_X = sp.Symbol("x_numeric_", real=True)
_N = sp.Symbol("n_numeric_", real=True)


def integrand_of(expr: sp.Expr, var: sp.Symbol, env: Env) -> Callable[[mp.mpf], mp.mpf]:
    """``v -> expr(var = v)``, compiled (so each value's error is known)."""
    return bind(expr, var, env)


def frozen_of(expr: sp.Expr, var: sp.Symbol, env: Env):
    """x -> the integrand's smooth continuation from the piece around x: each |g(var)| replaced by
    +-g(var) with the sign g has at x, log-densities written out first (a Laplace one holds |x - mu|).

    None when the integrand has nothing to freeze (then there are no kinks to speak of)."""
    from ..notation.functionals import LogDensity

    written = expr.replace(lambda a: isinstance(a, LogDensity) and a.var == var, lambda a: a.dist.log_density(a.var))
    absolutes = [a for a in written.atoms(sp.Abs) if var in a.free_symbols]
    if not absolutes:
        return None
    inners = [(a, bind(a.args[0], var, env)) for a in absolutes]

    def at(x: mp.mpf):
        signs = {a: (a.args[0] if inner(x) >= 0 else -a.args[0]) for a, inner in inners}
        return bind(written.xreplace(signs), var, env)

    return at


def _coordinates(dist: Distribution, env: Env) -> list[tuple[Distribution, int]] | None:
    """The independent coordinates of a law, as (law, how many times it repeats): N(m, v I_d) is one law d times."""
    if isinstance(dist, IsoNormal):
        d = numeric_value(dist.dim, env)
        if d != int(d) or d < 1:
            raise InvalidParameters("dimension is not a positive integer at this point")
        if d > MAX_COORDINATES:
            raise OutsideDomain(f"dimension {int(d)} is above the {MAX_COORDINATES} coordinates evaluated")
        return [(dist.coordinate(), int(d))]
    if isinstance(dist, DiagNormal):
        if not dist.symbolic_size:
            return [(c, 1) for c in dist.coordinates()]
        d = numeric_value(dist.dim, env)
        if d != int(d) or d < 1:
            raise InvalidParameters("dimension is not a positive integer at this point")
        if d > MAX_VECTOR:
            raise OutsideDomain(f"dimension {int(d)} is above the {MAX_VECTOR} coordinates of a vector evaluated")
        return [(dist.coordinate(sp.Integer(i)), 1) for i in range(int(d))]
    return None


def _size(coordinates: list[tuple[Distribution, int]]) -> int:
    return sum(n for _, n in coordinates)


def _aligned(*lists: list[tuple[Distribution, int]]) -> list[tuple[tuple, int]]:
    """Coordinates of several laws side by side, as (tuple of laws, multiplicity), runs merged."""
    runs = [[list(item) for item in coords] for coords in lists]
    out: dict[tuple, int] = {}
    cursors = [0] * len(runs)
    while all(c < len(r) for c, r in zip(cursors, runs)):
        take = min(r[c][1] for c, r in zip(cursors, runs))
        key = tuple(r[c][0] for c, r in zip(cursors, runs))
        out[key] = out.get(key, 0) + take
        for i, (c, r) in enumerate(zip(cursors, runs)):
            r[c][1] -= take
            if r[c][1] == 0:
                cursors[i] += 1
    return list(out.items())


def _coordinate_sum(value: Callable, *coordinate_lists: list) -> mp.mpf:
    """The sum of ``value`` over coordinates, computing each distinct tuple of coordinates once."""
    terms, errors = [], []
    for coords, n in _aligned(*coordinate_lists):
        terms.append(n * value(*coords))
        errors.append(lg(mp.mpf(n)) + last_error())
    accumulate(lsum(errors))
    return mp.fsum(terms)


@numeric_evaluator(Expectation)
def _expectation(e: Expectation, env: Env) -> mp.mpf:
    kinks = integrand_kinks(e.integrand, e.var, env)
    frozen = frozen_of(e.integrand, e.var, env) if kinks else None
    return expect(e.dist, integrand_of(e.integrand, e.var, env), env, kinks, frozen)


@numeric_evaluator(LogDensity)
def _log_density_value(e: LogDensity, env: Env) -> mp.mpf:
    support = _support_at(e.dist, env) if not isinstance(e.var, sp.Tuple) else None
    if isinstance(support, tuple):
        x = numeric_value(e.var, env)
        # a quadrature node inside [lo, hi] can land a rounding past an end computed from the parameters
        # (c + w at 40 digits, the node at mpmath's guard precision): within 2^-100 of an end (relative) is on the
        # boundary, not past it; a continuous law puts no mass on that band
        slack = [mp.ldexp(max(abs(b), mp.mpf(1)), -100) if mp.isfinite(b) else 0 for b in support]
        if not support[0] - slack[0] <= x <= support[1] + slack[1]:
            raise Singular("log-density outside the law's support (log 0)", True)
    if isinstance(e.var, sp.Symbol):
        value = bound_at(_log_density_expr(e.dist, e.var), e.var, env)(numeric_value(e.var, env))
    else:
        value = numeric_value(e.dist.log_density(e.var), env)
    accumulate(last_error())
    return value


_SUPPORTS: dict = {}


def _support_at(dist: Distribution, env: Env):
    """``_support_bounds``, kept for the next node of the same quadrature (the same parameter values).

    A log-density is evaluated at every node, and building the law's support (SymPy sets) and evaluating
    its ends cost more than the density itself.  The key holds the values *and* the precision, since the
    ends are evaluated at the working precision.
    """
    return kept_at_values(_SUPPORTS, dist, None, env, lambda: _support_bounds(dist, env), mp.mp.prec)


@functools.lru_cache(maxsize=1024)
def _log_density_expr(dist: Distribution, var: sp.Symbol) -> sp.Expr:
    """The law's log-density in ``var``, built once (SymPy construction costs more than evaluating it)."""
    return dist.log_density(var)


@numeric_evaluator(LogGap)
def _log_gap(e: LogGap, env: Env) -> mp.mpf:
    u = e.args[0]
    value = numeric_value(u - 1 - sp.log(u), env)
    accumulate(last_error())
    return value


@dataclass(frozen=True)
class Counts:
    """The integers lo, lo + 1, ..., hi (hi may be +inf): a count law's support at a point.

    Not a tuple, so that callers reading (lo, hi) intervals (``_log_density_value``) skip it.
    """

    lo: mp.mpf
    hi: mp.mpf


def _count_bounds(support, env):
    """The integers lo..hi of a count law's support, or None if it is no such set."""
    if support == sp.S.Naturals0:
        return Counts(mp.mpf(0), mp.inf)
    if isinstance(support, sp.Range) and support.step == 1:
        lo = numeric_value(support.inf, env)
        hi = mp.inf if support.sup is sp.S.Infinity else numeric_value(support.sup, env)
        return Counts(lo, hi)
    return None


def _support_bounds(dist, env):
    """The support at this point: an interval (lo, hi), a set of outcomes, Counts(lo, hi), or None."""
    if dist.is_discrete:
        try:
            return {numeric_value(value, env) for value, prob in dist.outcomes() if numeric_value(prob, env) > 0}
        except NotImplementedError:
            return _count_bounds(dist.support(), env)
    support = dist.support()
    if support == sp.S.Reals:
        return (-mp.inf, mp.inf)
    if isinstance(support, sp.Interval):
        lo = -mp.inf if support.start is sp.S.NegativeInfinity else numeric_value(support.start, env)
        hi = mp.inf if support.end is sp.S.Infinity else numeric_value(support.end, env)
        return (lo, hi)
    return None


def _nested_counts(mine, theirs):
    """Is a set of outcomes or a run of integers inside another?  None where the kinds do not compare."""
    counts_mine, counts_theirs = isinstance(mine, Counts), isinstance(theirs, Counts)
    if counts_mine and counts_theirs:
        return mine.lo >= theirs.lo and mine.hi <= theirs.hi
    if isinstance(mine, set) and counts_theirs:
        return all(v == int(v) and theirs.lo <= v <= theirs.hi for v in mine)
    if counts_mine and isinstance(theirs, set):
        if not mp.isfinite(mine.hi) or mine.hi - mine.lo + 1 > len(theirs):
            return False
        return all(mp.mpf(v) in theirs for v in range(int(mine.lo), int(mine.hi) + 1))
    return None


def _require_nested_supports(p, q, env, what):
    """KL(p || q) and H(p, q) are +oo where p puts mass outside q's support: no finite value to compare."""
    mine, theirs = _support_bounds(p, env), _support_bounds(q, env)
    if mine is None or theirs is None:
        return
    nested = _nested_counts(mine, theirs) if p.is_discrete and q.is_discrete else None
    if nested is None:
        if isinstance(mine, set) and isinstance(theirs, set):
            nested = mine <= theirs
        elif isinstance(mine, tuple) and isinstance(theirs, tuple):
            nested = mine[0] >= theirs[0] and mine[1] <= theirs[1]
        else:
            return
    if not nested:
        raise Singular(f"{what} is +oo here: the first law puts mass outside the second's support", True)


def _pair(p: Distribution, q: Distribution, env: Env, each: Callable) -> mp.mpf | None:
    coords_p, coords_q = _coordinates(p, env), _coordinates(q, env)
    if coords_p is not None and coords_q is not None:
        if _size(coords_p) != _size(coords_q):
            raise InvalidParameters("the two laws have different dimensions at this point")
        return _coordinate_sum(each, coords_p, coords_q)
    return None


@numeric_evaluator(KL)
def _kl(f: KL, env: Env) -> mp.mpf:
    p, q = f.args
    found = _pair(p, q, env, lambda a, b: numeric_value(KL(a, b), env))
    if found is not None:
        return found
    _require_nested_supports(p, q, env, "the KL divergence")
    return _expect_against(p, q, p.log_density(_X) - q.log_density(_X), env)


def _expect_against(p: Distribution, q: Distribution, integrand: sp.Expr, env: Env) -> mp.mpf:
    """E_p[integrand] for an integrand holding q's log-density: split at q's kinks, pieces by their smooth branches."""
    kinks = law_kinks(q, env)
    frozen = frozen_of(integrand, _X, env) if kinks else None
    return expect(p, integrand_of(integrand, _X, env), env, kinks, frozen)


@numeric_evaluator(CrossEntropy)
def _cross_entropy(f: CrossEntropy, env: Env) -> mp.mpf:
    p, q = f.args
    found = _pair(p, q, env, lambda a, b: numeric_value(CrossEntropy(a, b), env))
    if found is not None:
        return found
    _require_nested_supports(p, q, env, "the cross-entropy")
    return -_expect_against(p, q, q.log_density(_X), env)


@numeric_evaluator(Entropy)
def _entropy(f: Entropy, env: Env) -> mp.mpf:
    dist = f.args[0]
    return -expect(dist, integrand_of(dist.log_density(_X), _X, env), env)


def _law(target) -> Distribution:
    if isinstance(target, Distribution):
        return target
    try:
        return law_of(target)
    except LawUnknown as exc:
        raise NotEvaluable(str(exc)) from None


@numeric_evaluator(DiffEntropy)
def _diff_entropy(f: DiffEntropy, env: Env) -> mp.mpf:
    dist = _law(f.target)
    coords = _coordinates(dist, env)
    if coords is not None:
        return _coordinate_sum(lambda c: numeric_value(DiffEntropy(c), env), coords)
    return -expect(dist, integrand_of(dist.log_density(_X), _X, env), env)


def _additive_parts(y: sp.Expr, x: sp.Expr) -> tuple[Distribution, Distribution, Distribution]:
    """For Y = X + N with N independent of X: the laws of X, N and Y."""
    noise = sp.expand(y - x)
    if not random_variables_in(noise) or random_variables_in(noise) & random_variables_in(x):
        raise NotEvaluable("only additive channels Y = X + N with independent N are evaluated numerically")
    try:
        return law_of(x), law_of(noise), law_of(y)
    except LawUnknown as exc:
        raise NotEvaluable(str(exc)) from None


def _channel_integral(x_law: Distribution, n_law: Distribution, integrand: sp.Expr, env: Env) -> mp.mpf:
    """E over independent x ~ X, n ~ N of integrand(x, n) (Gaussian laws only)."""
    if not (isinstance(x_law, Normal) and isinstance(n_law, Normal)):
        raise NotEvaluable("channel integrals are evaluated for Gaussian inputs and noise only")

    def moments(law: Normal) -> tuple[mp.mpf, mp.mpf]:
        variance = parameter(law.variance, env)
        if variance <= 0:
            raise InvalidParameters("non-positive variance at this point")
        return parameter(law.mean, env), mp.sqrt(variance)

    run = compiled(integrand)
    inner = dict(env)

    def f(x: mp.mpf, n: mp.mpf) -> mp.mpf:
        inner[_X], inner[_N] = x, n
        return run(inner)

    return gaussian_expectation_2d(moments(x_law), moments(n_law), f)


def _channel_coordinates(x_law, n_law, y_law, env: Env):
    cx, cn, cy = _coordinates(x_law, env), _coordinates(n_law, env), _coordinates(y_law, env)
    if cx is None:
        return [(x_law, 1)], [(n_law, 1)], [(y_law, 1)]
    if cn is None or cy is None or not _size(cx) == _size(cn) == _size(cy):
        raise InvalidParameters("the input, the noise and the output have different dimensions")
    return cx, cn, cy


@numeric_evaluator(MutualInformation)
def _mutual_information(f: MutualInformation, env: Env) -> mp.mpf:
    """I(X; X+N) = E[log p(y|x) - log p(y)], per coordinate, by 2-D quadrature."""
    x_expr, y_expr = f.args
    cx, cn, cy = _channel_coordinates(*_additive_parts(y_expr, x_expr), env)

    def coordinate(a, b, c) -> mp.mpf:
        integrand = b.log_density(_N) - c.log_density(_X + _N)
        return _channel_integral(a, b, integrand, env)

    return _coordinate_sum(coordinate, cx, cn, cy)


@numeric_evaluator(CondDiffEntropy)
def _conditional_entropy(f: CondDiffEntropy, env: Env) -> mp.mpf:
    """h(X+N | X) = -E[log p(y|x)] with p(y|x) = p_N(y - x), by 2-D quadrature."""
    y_expr, x_expr = f.args
    x_law, n_law, y_law = _additive_parts(y_expr, x_expr)
    cx, cn, _ = _channel_coordinates(x_law, n_law, y_law, env)

    def coordinate(a, b) -> mp.mpf:
        return _channel_integral(a, b, -b.log_density(_N), env)

    return _coordinate_sum(coordinate, cx, cn)


@numeric_evaluator(sp.Integral)
def _integral(e: sp.Integral, env: Env) -> mp.mpf:
    """A definite integral by tanh-sinh quadrature over its limits (split at 0 and +-1 on infinite ones).

    Users write definitions as integrals (``int p log(p/q) dx``); the value is
    computed as written, independently of the expectation the rules read it as.
    """
    if len(e.limits) != 1 or len(e.limits[0]) != 3:
        raise NotEvaluable("only single integrals with both limits are evaluated numerically")
    x, a, b = e.limits[0]
    lo = -mp.inf if a is sp.S.NegativeInfinity else parameter(a, env)
    hi = mp.inf if b is sp.S.Infinity else parameter(b, env)
    if not lo < hi:
        raise InvalidParameters(f"the integral's limits are not increasing at this point ({lo}, {hi})")
    f = integrand_of(e.function, x, env)
    with unmetered():
        points = _mass_points(f, lo, hi)
    return tracked_quad(f, points)


def _mass_points(f: Callable[[mp.mpf], mp.mpf], lo: mp.mpf, hi: mp.mpf) -> list[mp.mpf]:
    """Breakpoints that put the integrand's mass in view, whatever its location and scale.

    |f| is scanned (at 15 digits) over every decade on both sides of 0; the
    best point is then refined at the working precision by golden-section
    search on log|f| between its neighbours, and the distances where log|f| has
    dropped by 5 and by 40 give the scale.  So N(1e12, 1e-20)'s density is
    integrated around 1e12 with pieces of width 1e-20, not missed between -1 and 1.
    """
    working = mp.mp.dps

    def size(v):
        try:
            value = abs(f(v))
            return mp.log(value) if value > 0 and mp.isfinite(value) else -mp.inf
        except (ZeroDivisionError, ValueError, OverflowError, NotEvaluable):
            return -mp.inf

    with mp.workdps(15):
        grid = [mp.mpf(0)] + [sign * mp.mpf(10) ** (k / 4) for k in range(-100, 101) for sign in (1, -1)]
        grid = [g for g in grid if lo < g < hi]
        if mp.isfinite(lo) and mp.isfinite(hi):
            grid += [lo + (hi - lo) * k / 64 for k in range(1, 64)]
        grid.sort()
        values = [(size(g), g) for g in grid]
    if not values:
        return [lo, hi]
    top, peak = max(values, key=lambda t: t[0])
    points = {lo, hi}
    if not mp.isfinite(top):
        return sorted(points, key=lambda v: (v != -mp.inf, v))
    with mp.workdps(working):
        i = grid.index(peak)
        left, right = mp.mpf(grid[max(i - 1, 0)]), mp.mpf(grid[min(i + 1, len(grid) - 1)])
        ratio = (mp.sqrt(5) - 1) / 2  # golden section, at the working precision (6-digit ratios drift)
        a, b = right - ratio * (right - left), left + ratio * (right - left)
        fa, fb = size(a), size(b)
        for _ in range(260):  # the bracket shrinks by 0.618 each time
            if right - left <= mp.mpf(10) ** (-(working - 5)) * max(abs(peak), mp.mpf(1)) or not a < b:
                break
            if fa >= fb:
                right, b, fb = b, a, fa
                a = right - ratio * (right - left)
                fa = size(a)
            else:
                left, a, fa = a, b, fb
                b = left + ratio * (right - left)
                fb = size(b)
        middle = (left + right) / 2
        if size(middle) > top:
            top, peak = size(middle), middle
        points.add(peak)
        for side in (1, -1):
            step = max(abs(peak), mp.mpf(1)) * mp.mpf(10) ** (-(working - 5))
            for drop in (5, 40):
                for _ in range(600):  # the first distance (doubling) where log|f| has fallen by `drop`
                    trial = peak + side * step
                    if not lo < trial < hi or size(trial) < top - drop:
                        break
                    step *= 2
                trial = peak + side * step
                if lo < trial < hi:
                    points.add(trial)
    return sorted(points, key=lambda v: (v != -mp.inf, v))
