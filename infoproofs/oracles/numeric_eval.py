"""Evaluate expressions, functionals included, with mpmath at high precision.

The numeric oracle must not share machinery with the symbolic engine, or the
two witnesses would fail together.  So functionals are evaluated here from
their *definitions* by quadrature (``mpmath.quad``) over the law's support,
or by exact finite sums for discrete laws, never from a derived closed form.
Evaluation walks the SymPy tree directly with mpmath functions: this is ~100x
faster than ``expr.evalf(subs=...)`` and keeps the precision explicit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import mpmath as mp
import sympy as sp

from ..notation.distributions import (
    DiagNormal,
    Distribution,
    Exponential,
    IsoNormal,
    Laplace,
    Normal,
    Uniform,
)
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
from ..notation.random_variables import LawUnknown, RandomVariable, law_of, random_variables_in
from ..rules.tools import LogGap

__all__ = [
    "NotEvaluable", "InvalidParameters", "numeric_value", "expect", "truth", "numeric_evaluator",
    "NUMERIC_EVALUATORS", "hermite_rule",
]


class NotEvaluable(ValueError):
    """The expression contains something this evaluator cannot compute."""


class InvalidParameters(NotEvaluable):
    """A law's parameters violate its constraints at this point (e.g. a negative variance).

    The expression is undefined there, like a log of a negative number; the
    numeric oracle treats that as "undefined at this point", not as "cannot
    evaluate this kind of expression".
    """


Env = dict[sp.Symbol, mp.mpf]

Evaluator = Callable[[sp.Basic, Env], mp.mpf]
Applies = Callable[[sp.Basic], bool]

# type -> [(applies, evaluator)], tried in order: specialised evaluators (abstract laws,
# multivariate Gaussians) are registered with a predicate and come before the general one.
NUMERIC_EVALUATORS: dict[type, list[tuple[Applies | None, Evaluator]]] = {}


def numeric_evaluator(kind: type, applies: Applies | None = None):
    """Register ``fn`` for ``kind``; with ``applies``, only for the expressions it accepts.

    Extending an evaluator to new laws is a registration with a predicate, not a
    wrapper around the previous evaluator, so the order of imports does not matter.
    """

    def wrap(fn):
        entries = NUMERIC_EVALUATORS.setdefault(kind, [])
        if applies is None:
            entries.append((None, fn))
        else:
            entries.insert(0, (applies, fn))
        return fn

    return wrap


def _evaluator_for(expr: sp.Basic) -> Evaluator | None:
    for kind, entries in NUMERIC_EVALUATORS.items():
        if isinstance(expr, kind):
            for applies, fn in entries:
                if applies is None or applies(expr):
                    return fn
    return None


_FUNCTIONS: dict[type, Callable] = {
    sp.log: mp.log,
    sp.exp: mp.exp,
    sp.sin: mp.sin,
    sp.cos: mp.cos,
    sp.tan: mp.tan,
    sp.tanh: mp.tanh,
    sp.atan: mp.atan,
    sp.sinh: mp.sinh,
    sp.cosh: mp.cosh,
    sp.erf: mp.erf,
    sp.gamma: mp.gamma,
    sp.loggamma: mp.loggamma,
    sp.Abs: abs,
    sp.sign: mp.sign,
    sp.factorial: mp.factorial,
}

_CONSTANTS = {sp.pi: lambda: +mp.pi, sp.E: lambda: +mp.e, sp.EulerGamma: lambda: +mp.euler}


def numeric_value(expr: sp.Basic, env: Env) -> mp.mpf:
    """The value of ``expr`` at the point ``env`` (symbol -> mpf)."""
    if expr.is_Integer:
        return mp.mpf(int(expr))
    if expr.is_Rational:
        return mp.mpf(int(expr.p)) / int(expr.q)
    if expr.is_Float:
        return mp.mpf(expr)
    if expr in _CONSTANTS:
        return _CONSTANTS[expr]()
    if expr.is_Symbol:
        try:
            return env[expr]
        except KeyError:
            raise NotEvaluable(f"no value for symbol {expr}") from None
    if expr.is_Add:
        return mp.fsum(numeric_value(a, env) for a in expr.args)
    if expr.is_Mul:
        total = mp.mpf(1)
        for a in expr.args:
            total *= numeric_value(a, env)
        return total
    if expr.is_Pow:
        base = numeric_value(expr.base, env)
        exp = numeric_value(expr.exp, env)
        if base == 0 and exp < 0:
            raise ZeroDivisionError("0 to a negative power")
        value = mp.power(base, exp)
        return value
    if expr is sp.zoo or expr is sp.nan or expr is sp.oo or expr is -sp.oo:
        raise InvalidParameters(f"{expr} is not finite")
    fn = _evaluator_for(expr)
    if fn is not None:
        return _cached(fn, expr, env)
    fn = _FUNCTIONS.get(type(expr)) or _FUNCTIONS.get(getattr(expr, "func", None))
    if fn is not None:
        return fn(*[numeric_value(a, env) for a in expr.args])
    if isinstance(expr, (sp.Max, sp.Min)):
        values = [numeric_value(a, env) for a in expr.args]
        return max(values) if isinstance(expr, sp.Max) else min(values)
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            if cond is sp.true or truth(cond, env):
                return numeric_value(value, env)
        raise NotEvaluable("no branch of a Piecewise applies")
    if isinstance(expr, sp.Sum):
        return _finite_sum(expr, env)
    raise NotEvaluable(f"cannot evaluate {type(expr).__name__} numerically")


_CACHE: dict = {}


def _cached(fn, expr: sp.Basic, env: Env) -> mp.mpf:
    """Functionals are costly (quadrature); consecutive steps reuse the same points."""
    try:
        key = (expr, mp.mp.dps, tuple(sorted((str(s), env[s]) for s in expr.free_symbols if s in env)))
    except TypeError:
        return fn(expr, env)
    if key not in _CACHE:
        if len(_CACHE) > 50_000:
            _CACHE.clear()
        _CACHE[key] = fn(expr, env)
    return _CACHE[key]


def truth(cond: sp.Basic, env: Env) -> bool:
    if cond is sp.true:
        return True
    if cond is sp.false:
        return False
    if isinstance(cond, sp.And):
        return all(truth(c, env) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(truth(c, env) for c in cond.args)
    if isinstance(cond, sp.Not):
        return not truth(cond.args[0], env)
    if isinstance(cond, sp.Rel):
        lhs, rhs = numeric_value(cond.lhs, env), numeric_value(cond.rhs, env)
        op = cond.rel_op
        return {
            "==": lhs == rhs, "!=": lhs != rhs, "<": lhs < rhs,
            "<=": lhs <= rhs, ">": lhs > rhs, ">=": lhs >= rhs,
        }[op]
    raise NotEvaluable(f"cannot decide condition {cond}")




def _finite_sum(expr: sp.Sum, env: Env) -> mp.mpf:
    body = expr.function
    limits = list(expr.limits)
    if len(limits) != 1:
        inner = sp.Sum(body, *limits[1:])
        limits = limits[:1]
        body = inner
    var, lo, hi = limits[0]
    if lo.is_infinite or hi.is_infinite:
        raise NotEvaluable("infinite sums are not evaluated numerically")
    lo_v, hi_v = numeric_value(lo, env), numeric_value(hi, env)
    if lo_v != int(lo_v) or hi_v != int(hi_v) or hi_v - lo_v > 10_000:
        raise NotEvaluable("sum bounds are not small integers")
    total = mp.mpf(0)
    for k in range(int(lo_v), int(hi_v) + 1):
        total += numeric_value(body, {**env, var: mp.mpf(k)})
    return total


# ---- distributions -------------------------------------------------------------


def _log_density(dist: Distribution, env: Env) -> Callable[[mp.mpf], mp.mpf]:
    x = sp.Symbol("x_numeric_", real=True)
    expr = dist.log_density(x)

    def logp(value: mp.mpf) -> mp.mpf:
        return numeric_value(expr, {**env, x: value})

    return logp


def _breakpoints(dist: Distribution, env: Env) -> list:
    if isinstance(dist, Normal):
        m = numeric_value(dist.mean, env)
        s = mp.sqrt(numeric_value(dist.variance, env))
        return [-mp.inf, m - 4 * s, m, m + 4 * s, mp.inf]
    if isinstance(dist, Laplace):
        m = numeric_value(dist.args[0], env)
        b = numeric_value(dist.args[1], env)
        return [-mp.inf, m - 8 * b, m, m + 8 * b, mp.inf]
    if isinstance(dist, Exponential):
        return [0, 1 / numeric_value(dist.args[0], env), mp.inf]
    if isinstance(dist, Uniform):
        return [numeric_value(dist.args[0], env), numeric_value(dist.args[1], env)]
    raise NotEvaluable(f"no quadrature support for {type(dist).__name__}")


@functools.lru_cache(maxsize=8)
def hermite_rule(n: int, dps: int) -> tuple[tuple[mp.mpf, ...], tuple[mp.mpf, ...]]:
    """Gauss-Hermite nodes/weights for the standard normal (Golub-Welsch), at ``dps`` digits."""
    with mp.workdps(dps + 10):
        jacobi = mp.zeros(n)
        for i in range(n - 1):
            jacobi[i, i + 1] = jacobi[i + 1, i] = mp.sqrt(i + 1)
        nodes, vectors = mp.eigsy(jacobi)
        return tuple(nodes[i] for i in range(n)), tuple(vectors[0, i] ** 2 for i in range(n))


_COARSE, _FINE = 16, 28


def _agree(a: mp.mpf, b: mp.mpf) -> bool:
    scale = max(abs(a), abs(b), mp.mpf(1))
    return abs(a - b) <= scale * mp.mpf(10) ** (-(mp.mp.dps - 12))


def _gaussian_expectation(mean: mp.mpf, sd: mp.mpf, f: Callable[[mp.mpf], mp.mpf]) -> mp.mpf | None:
    """E f(mean + sd Z) by Gauss-Hermite at two orders; None if they disagree.

    Exact for polynomials of degree < 2n, which covers every log-ratio of
    Gaussians; the two-order comparison guards the non-polynomial cases.
    """
    estimates = []
    for n in (_COARSE, _FINE):
        nodes, weights = hermite_rule(n, mp.mp.dps)
        estimates.append(mp.fsum(w * f(mean + sd * z) for z, w in zip(nodes, weights)))
    return estimates[1] if _agree(*estimates) else None


def _gaussian_expectation_2d(
    a: tuple[mp.mpf, mp.mpf], b: tuple[mp.mpf, mp.mpf], f: Callable[[mp.mpf, mp.mpf], mp.mpf]
) -> mp.mpf:
    estimates = []
    for n in (6, 10):  # 2-D tensor rules grow as n^2; log-densities of Gaussians are exact at n >= 2
        nodes, weights = hermite_rule(n, mp.mp.dps)
        total = mp.mpf(0)
        for z1, w1 in zip(nodes, weights):
            x = a[0] + a[1] * z1
            total += w1 * mp.fsum(w2 * f(x, b[0] + b[1] * z2) for z2, w2 in zip(nodes, weights))
        estimates.append(total)
    if not _agree(*estimates):
        raise NotEvaluable("two-dimensional Gauss-Hermite quadrature did not converge")
    return estimates[1]


@functools.lru_cache(maxsize=8)
def _laguerre_rule(n: int, dps: int) -> tuple[tuple[mp.mpf, ...], tuple[mp.mpf, ...]]:
    """Gauss-Laguerre nodes/weights for the weight e^{-u} on [0, oo) (Golub-Welsch)."""
    with mp.workdps(dps + 10):
        jacobi = mp.zeros(n)
        for i in range(n):
            jacobi[i, i] = 2 * i + 1
            if i + 1 < n:
                jacobi[i, i + 1] = jacobi[i + 1, i] = i + 1
        nodes, vectors = mp.eigsy(jacobi)
        return tuple(nodes[i] for i in range(n)), tuple(vectors[0, i] ** 2 for i in range(n))


def _exponential_expectation(g: Callable[[mp.mpf], mp.mpf]) -> mp.mpf | None:
    """E g(U) for U ~ Exp(1) by Gauss-Laguerre at two orders; None if they disagree."""
    estimates = []
    for n in (_COARSE, _FINE):
        nodes, weights = _laguerre_rule(n, mp.mp.dps)
        estimates.append(mp.fsum(w * g(u) for u, w in zip(nodes, weights)))
    return estimates[1] if _agree(*estimates) else None


def _laplace_expectation(
    mu: mp.mpf, b: mp.mpf, f: Callable[[mp.mpf], mp.mpf], kinks
) -> mp.mpf | None:
    """E f(X), X ~ Laplace(mu, b), split at mu and at every kink of f.

    The two tails beyond the outermost breakpoints are exponential: x = hi + b u
    turns the right tail into (1/2) e^{-(hi - mu)/b} E f(hi + b U), U ~ Exp(1),
    done by Gauss-Laguerre (two orders must agree), and likewise on the left.
    Between breakpoints the integrand is smooth on a finite interval, where
    tanh-sinh quadrature converges fast.  None when the tail rules disagree.
    """
    points = sorted({mu, *kinks})
    lo, hi = points[0], points[-1]
    right = _exponential_expectation(lambda u: f(hi + b * u))
    left = _exponential_expectation(lambda u: f(lo - b * u))
    if right is None or left is None:
        return None
    total = [mp.exp(-(hi - mu) / b) * right / 2, mp.exp(-(mu - lo) / b) * left / 2]
    for a, c in zip(points, points[1:]):
        total.append(mp.quad(lambda x: mp.exp(-abs(x - mu) / b) / (2 * b) * f(x), [a, c]))
    return mp.fsum(total)


def _law_kinks(dist: Distribution, env: Env) -> list[mp.mpf]:
    """Points where a law's log-density is not smooth (quadrature must split there)."""
    if isinstance(dist, Laplace):
        return [numeric_value(dist.args[0], env)]
    return []


def _integrand_kinks(integrand: sp.Expr, var: sp.Symbol, env: Env) -> list[mp.mpf]:
    """Zeros of |a x + b| inside an integrand: the kinks of piecewise-linear terms."""
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
            found += _law_kinks(law.dist, env)
    return found


def expect(
    dist: Distribution, f: Callable[[mp.mpf], mp.mpf], env: Env, kinks: list[mp.mpf] | tuple = ()
) -> mp.mpf:
    """E_{x~dist}[f(x)] by quadrature (continuous) or an exact sum (discrete).

    Gaussian laws use Gauss-Hermite and exponential laws Gauss-Laguerre, each at
    two orders that must agree; Laplace laws use Gauss-Laguerre on the two tails
    beyond the location and the kinks of f, and tanh-sinh between them.  When the
    rules disagree (a non-smooth f) the integral is redone by tanh-sinh quadrature
    split at every known kink.
    """
    if isinstance(dist, Normal):
        mean = numeric_value(dist.mean, env)
        variance = numeric_value(dist.variance, env)
        if variance <= 0:
            raise InvalidParameters("non-positive variance at this point")
        found = _gaussian_expectation(mean, mp.sqrt(variance), f)
        if found is not None:
            return found
    if isinstance(dist, Laplace):
        mu, b = (numeric_value(a, env) for a in dist.args)
        if b <= 0:
            raise InvalidParameters("non-positive Laplace scale at this point")
        found = _laplace_expectation(mu, b, f, kinks)
        if found is not None:
            return found
    if isinstance(dist, Exponential) and all(k <= 0 for k in kinks):
        rate = numeric_value(dist.args[0], env)
        if rate <= 0:
            raise InvalidParameters("non-positive rate at this point")
        found = _exponential_expectation(lambda u: f(u / rate))
        if found is not None:
            return found
    if dist.is_discrete:
        total = mp.mpf(0)
        for value, prob in dist.outcomes():
            p = numeric_value(prob, env)
            if p < 0:
                raise InvalidParameters("negative probability at this point")
            if p != 0:
                total += p * f(numeric_value(value, env))
        return total
    logp = _log_density(dist, env)
    points = _breakpoints(dist, env)
    lo, hi = points[0], points[-1]
    points = sorted(set(points) | {k for k in kinks if lo < k < hi}, key=lambda v: (v != -mp.inf, v))
    return mp.quad(lambda x: mp.exp(logp(x)) * f(x), points)


def _coordinates(dist: Distribution, env: Env) -> list[Distribution] | None:
    if isinstance(dist, IsoNormal):
        d = numeric_value(dist.dim, env)
        if d != int(d) or d < 1:
            raise InvalidParameters("dimension is not a positive integer at this point")
        return [dist.coordinate()] * int(d)
    if isinstance(dist, DiagNormal):
        return dist.coordinates()
    return None


@numeric_evaluator(Expectation)
def _expectation(e: Expectation, env: Env) -> mp.mpf:
    kinks = _integrand_kinks(e.integrand, e.var, env)
    return expect(e.dist, lambda v: numeric_value(e.integrand, {**env, e.var: v}), env, kinks)


@numeric_evaluator(LogDensity)
def _log_density_value(e: LogDensity, env: Env) -> mp.mpf:
    return _log_density(e.dist, env)(numeric_value(e.var, env))


@numeric_evaluator(LogGap)
def _log_gap(e: LogGap, env: Env) -> mp.mpf:
    u = numeric_value(e.args[0], env)
    return u - 1 - mp.log(u)


@numeric_evaluator(KL)
def _kl(f: KL, env: Env) -> mp.mpf:
    p, q = f.args
    coords_p, coords_q = _coordinates(p, env), _coordinates(q, env)
    if coords_p is not None and coords_q is not None and len(coords_p) == len(coords_q):
        return mp.fsum(_kl(KL(a, b), env) for a, b in zip(coords_p, coords_q))
    logp, logq = _log_density(p, env), _log_density(q, env)
    return expect(p, lambda x: logp(x) - logq(x), env, _law_kinks(q, env))


@numeric_evaluator(CrossEntropy)
def _cross_entropy(f: CrossEntropy, env: Env) -> mp.mpf:
    p, q = f.args
    coords_p, coords_q = _coordinates(p, env), _coordinates(q, env)
    if coords_p is not None and coords_q is not None and len(coords_p) == len(coords_q):
        return mp.fsum(_cross_entropy(CrossEntropy(a, b), env) for a, b in zip(coords_p, coords_q))
    logq = _log_density(q, env)
    return -expect(p, logq, env, _law_kinks(q, env))


@numeric_evaluator(Entropy)
def _entropy(f: Entropy, env: Env) -> mp.mpf:
    dist = f.args[0]
    logp = _log_density(dist, env)
    return -expect(dist, logp, env)


def _law(target, env: Env) -> Distribution:
    if isinstance(target, Distribution):
        return target
    try:
        return law_of(target)
    except LawUnknown as exc:
        raise NotEvaluable(str(exc)) from None


@numeric_evaluator(DiffEntropy)
def _diff_entropy(f: DiffEntropy, env: Env) -> mp.mpf:
    dist = _law(f.target, env)
    coords = _coordinates(dist, env)
    if coords is not None:
        return mp.fsum(_diff_entropy(DiffEntropy(c), env) for c in coords)
    logp = _log_density(dist, env)
    return -expect(dist, logp, env)


def _additive_parts(y: sp.Expr, x: sp.Expr) -> tuple[Distribution, Distribution, Distribution]:
    """For Y = X + N with N independent of X: the laws of X, N and Y."""
    noise = sp.expand(y - x)
    if not random_variables_in(noise) or random_variables_in(noise) & random_variables_in(x):
        raise NotEvaluable("only additive channels Y = X + N with independent N are evaluated numerically")
    try:
        return law_of(x), law_of(noise), law_of(y)
    except LawUnknown as exc:
        raise NotEvaluable(str(exc)) from None


def _channel_integral(x_law: Distribution, n_law: Distribution, integrand, env: Env) -> mp.mpf:
    """E over independent x ~ X, n ~ N of integrand(x, n) (Gaussian laws only)."""
    if not (isinstance(x_law, Normal) and isinstance(n_law, Normal)):
        raise NotEvaluable("channel integrals are evaluated for Gaussian inputs and noise only")

    def moments(law: Normal) -> tuple[mp.mpf, mp.mpf]:
        return numeric_value(law.mean, env), mp.sqrt(numeric_value(law.variance, env))

    return _gaussian_expectation_2d(moments(x_law), moments(n_law), integrand)


@numeric_evaluator(MutualInformation)
def _mutual_information(f: MutualInformation, env: Env) -> mp.mpf:
    """I(X; X+N) = E[log p(y|x) - log p(y)], per coordinate, by 2-D quadrature."""
    x_expr, y_expr = f.args
    x_law, n_law, y_law = _additive_parts(y_expr, x_expr)
    cx, cn, cy = _coordinates(x_law, env), _coordinates(n_law, env), _coordinates(y_law, env)
    if cx is None:
        cx, cn, cy = [x_law], [n_law], [y_law]
    total = mp.mpf(0)
    per_coordinate: dict = {}  # isotropic laws repeat the same coordinate d times
    for a, b, c in zip(cx, cn, cy):
        if (a, b, c) not in per_coordinate:
            logn, logy = _log_density(b, env), _log_density(c, env)
            per_coordinate[(a, b, c)] = _channel_integral(
                a, b, lambda x, n, logn=logn, logy=logy: logn(n) - logy(x + n), env
            )
        total += per_coordinate[(a, b, c)]
    return total


@numeric_evaluator(CondDiffEntropy)
def _conditional_entropy(f: CondDiffEntropy, env: Env) -> mp.mpf:
    """h(X+N | X) = -E[log p(y|x)] with p(y|x) = p_N(y - x), by 2-D quadrature."""
    y_expr, x_expr = f.args
    x_law, n_law, _ = _additive_parts(y_expr, x_expr)
    cx, cn = _coordinates(x_law, env), _coordinates(n_law, env)
    if cx is None:
        cx, cn = [x_law], [n_law]
    total = mp.mpf(0)
    for a, b in zip(cx, cn):
        logn = _log_density(b, env)
        total += _channel_integral(a, b, lambda x, n, logn=logn: -logn(n), env)
    return total


@numeric_evaluator(RandomVariable)
def _random_variable(f: RandomVariable, env: Env) -> mp.mpf:
    raise NotEvaluable(f"the random variable {f.name} has no single numeric value")

