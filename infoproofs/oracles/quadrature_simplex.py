"""Expectations under a Dirichlet by stick-breaking, each level a Beta quadrature; from definitions only.

x ~ Dirichlet(a_1, ..., a_K) is written through independent sticks
v_j ~ Beta(a_j, a_{j+1} + ... + a_K), j = 1 .. K - 1 (Connor & Mosimann 1969; KBJ ch. 49):

    x_1 = v_1,  x_j = w_1 ... w_{j-1} v_j,  x_K = w_1 ... w_{K-1},  w_j = 1 - v_j,

with v_j and w_j carried as two numbers, so that a coordinate near 0 and its stick's
complement near 0 are both exact (``beta_expectation`` hands the integrand 1 - y with
y itself exact near the upper edge).  The integrand, a SymPy expression in the bound
coordinates, is rewritten in the sticks (logs split: every v_j, w_j is positive) and
expanded; terms are grouped by their factors that depend on the sticks, and a term
whose factors each depend on one stick is the product of one-dimensional Beta
expectations (the sticks are independent: Fubini).  That covers log-densities (sums of
log x_i, the entropy's and the KL's integrands) and polynomials at K - 1 one-dimensional
quadratures per distinct factor, where nested quadrature would cost their product.  A
term that mixes sticks inside one factor (log(x_1 + x_2)) is refused (``OutsideDomain``:
the point is skipped, never guessed): nested Beta quadratures at 30 digits took ~10^5
evaluations at K = 3, past the checker's per-point work limit.

Nothing here uses a tabulated expectation or a derived closed form: E log x_i comes out
of the quadrature of log v_j and log w_j against Beta densities, so a wrong table entry
(psi(a_i) - psi(a_0)) or a wrong entropy is caught.  K is limited to ``MAX_COORDINATES``.
The log-density at a free point is evaluated from its formula only on the simplex (each
x_i > 0, sum x_i = 1 within the point's error); elsewhere it is log 0 (``Singular``), as
``law_functionals`` treats a point outside a univariate law's support.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import mpmath as mp
import sympy as sp

from ..notation.functionals import KL, CrossEntropy, DiffEntropy, Expectation, LogDensity, bound_symbols
from ..notation.laws_simplex import Dirichlet
from .numeric_eval import (
    NEG_INF,
    POS_INF,
    InvalidParameters,
    NotEvaluable,
    OutsideDomain,
    Singular,
    accumulate,
    compiled,
    error_frame,
    last_error,
    lg,
    lsum,
    numeric_evaluator,
    numeric_value,
    parameter,
    rounding,
)
from .quadrature import integrand_kinks, tracked_quad
from .quadrature_unit import beta_expectation

__all__ = ["MAX_COORDINATES", "dirichlet_expectation", "stick_symbols"]

MAX_COORDINATES = 4  # K: a separable integrand costs K - 1 Beta quadratures per distinct factor

Env = dict[sp.Symbol, mp.mpf]


@functools.lru_cache(maxsize=8)
def stick_symbols(k: int) -> tuple[tuple[sp.Symbol, ...], tuple[sp.Symbol, ...]]:
    """(v_1..v_{K-1}, w_1..w_{K-1}): positive symbols, so that log(w_1 v_2) splits soundly."""
    v = tuple(sp.Symbol(f"v_stick_{j}", positive=True) for j in range(k - 1))
    w = tuple(sp.Symbol(f"w_stick_{j}", positive=True) for j in range(k - 1))
    return v, w


def _stick_coordinates(k: int) -> list[sp.Expr]:
    v, w = stick_symbols(k)
    coords, rest = [], sp.Integer(1)
    for j in range(k - 1):
        coords.append(rest * v[j])
        rest = rest * w[j]
    coords.append(rest)
    return coords


def _levels(expr: sp.Expr, k: int) -> set[int]:
    v, w = stick_symbols(k)
    return {j for j in range(k - 1) if expr.has(v[j]) or expr.has(w[j])}


@functools.lru_cache(maxsize=256)
def _decomposed(integrand: sp.Expr, coords: tuple[sp.Symbol, ...]) -> tuple[tuple[sp.Expr, tuple], ...]:
    """The integrand in sticks, as (coefficient, parts) with coefficient free of the sticks.

    ``parts`` is a tuple of (level, factor) for a separable term (each factor depends on
    one stick), or ((None, factor),) for a term that mixes sticks in one factor (not integrated).
    """
    k = len(coords)
    inner = integrand.xreplace(dict(zip(coords, _stick_coordinates(k))))
    expanded = sp.expand(sp.expand_log(sp.expand(inner)))
    groups: dict[tuple, sp.Expr] = {}
    for term in sp.Add.make_args(expanded):
        by_level: dict[int | None, sp.Expr] = {}
        coefficient = sp.Integer(1)
        for factor in sp.Mul.make_args(term):
            levels = _levels(factor, k)
            if not levels:
                coefficient *= factor
            elif len(levels) == 1:
                (j,) = levels
                by_level[j] = by_level.get(j, sp.Integer(1)) * factor
            else:
                by_level[None] = by_level.get(None, sp.Integer(1)) * factor
        if None in by_level:  # one factor mixes sticks: the term's stick-dependent part, kept whole (refused)
            parts: tuple = ((None, sp.Mul(*by_level.values())),)
        else:
            parts = tuple(sorted(by_level.items(), key=lambda t: t[0]))
        groups[parts] = groups.get(parts, sp.Integer(0)) + coefficient
    return tuple((c, parts) for parts, c in groups.items() if c != 0)


def _positive_concentrations(dist: Dirichlet, env: Env) -> list[mp.mpf]:
    alphas = [parameter(a, env) for a in dist.concentrations]
    if any(a <= 0 for a in alphas):
        raise InvalidParameters("a non-positive Dirichlet concentration at this point")
    return alphas


def _concentrations(dist: Dirichlet, env: Env) -> list[mp.mpf]:
    """The concentrations of a law this oracle integrates over (K <= MAX_COORDINATES)."""
    k = len(dist.concentrations)
    if k > MAX_COORDINATES:
        raise OutsideDomain(f"a Dirichlet of {k} coordinates is above the {MAX_COORDINATES} this oracle integrates over")
    return _positive_concentrations(dist, env)


def _stick_laws(alphas: list[mp.mpf]) -> list[tuple[mp.mpf, mp.mpf]]:
    """(a_j, a_{j+1} + ... + a_K) for each stick."""
    return [(alphas[j], mp.fsum(alphas[j + 1:])) for j in range(len(alphas) - 1)]


def _one_stick(law: tuple[mp.mpf, mp.mpf], factor: sp.Expr, j: int, k: int, env: Env) -> tuple[mp.mpf, float]:
    """E factor(v_j, w_j) under the stick's Beta, and its error (log2)."""
    v, w = stick_symbols(k)
    run = compiled(factor)
    inner = dict(env)

    def at(value: mp.mpf, complement: mp.mpf) -> mp.mpf:
        inner[v[j]], inner[w[j]] = value, complement
        return run(inner)

    a, b = law
    kinks = _stick_kinks(factor, j, k, env)
    with error_frame() as frame:
        if max(a, b) < 1:
            value = _u_shaped(a, b, at, kinks)
        elif b < a:
            # w_j ~ Beta(b, a): the smaller concentration's edge (the one a log(w_j) or log(v_j) is singular at,
            # with mass close to it) goes to the scheme's head, where x = t^(1/c) is exact however small
            value = beta_expectation(b, a, lambda z: at(1 - z, z), lambda y: at(y, 1 - y), [1 - c for c in kinks])
        else:
            value = beta_expectation(a, b, lambda z: at(z, 1 - z), lambda y: at(1 - y, y), kinks)
    return value, frame.absolute


def _stick_kinks(factor: sp.Expr, j: int, k: int, env: Env) -> list[mp.mpf]:
    """Zeros in (0, 1) of the |a v_j + b| in a one-stick factor (w_j read as 1 - v_j), where quadrature splits."""
    if not factor.has(sp.Abs):
        return []
    v, w = stick_symbols(k)
    found = integrand_kinks(factor.xreplace({w[j]: 1 - v[j]}), v[j], env)
    return sorted({c for c in found if 0 < c < 1})


def _u_shaped(a: mp.mpf, b: mp.mpf, at: Callable[[mp.mpf, mp.mpf], mp.mpf], kinks: list[mp.mpf]) -> mp.mpf:
    """E f(v, 1 - v) for v ~ Beta(a, b) with a, b < 1: each half of (0, 1) in the variable of its own edge.

    Why not ``beta_expectation``: its upper edge's last 1e-400 is bounded in closed form, which needs
    negligible mass there, y0^b / (b B) < 10^-(digits + 20); for b < 0.17 (at 40 digits) it is not,
    and log w is unbounded there.  A density with both concentrations below 1 has no interior peak, so
    two pieces suffice: v <= 1/2 in t = v^a (density weight w^(b-1) / (a B), v = t^(1/a) exact however
    small), and w <= 1/2 in s = w^b, each by tanh-sinh (log and power endpoint singularities), split
    at the integrand's kinks mapped to t and s.
    """
    with mp.workdps(mp.mp.dps + 8):
        a, b = +a, +b
        log_norm = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
        half = mp.mpf(1) / 2
        head = tracked_quad(
            lambda t: at(t ** (1 / a), 1 - t ** (1 / a)), [0, *[c**a for c in kinks if c < half], half**a],
            weight=lambda t: mp.exp((b - 1) * mp.log1p(-t ** (1 / a)) - log_norm - mp.log(a)),
        )
        tail = tracked_quad(
            lambda s: at(1 - s ** (1 / b), s ** (1 / b)),
            [0, *sorted((1 - c) ** b for c in kinks if c > half), half**b],
            weight=lambda s: mp.exp((a - 1) * mp.log1p(-s ** (1 / b)) - log_norm - mp.log(b)),
        )
        total = head + tail
    return +total


def dirichlet_expectation(dist: Dirichlet, integrand: sp.Expr, coords: tuple[sp.Symbol, ...], env: Env) -> mp.mpf:
    """E_{x ~ dist}[integrand(x)] by stick-breaking (see the module's docstring); errors accumulated."""
    alphas = _concentrations(dist, env)
    k = len(alphas)
    if len(coords) != k:
        raise NotEvaluable(f"{len(coords)} bound coordinates for a Dirichlet of {k}")
    laws = _stick_laws(alphas)
    known: dict[tuple[int | None, sp.Expr], tuple[mp.mpf, float]] = {}
    terms, errors = [], []
    for coefficient, parts in _decomposed(integrand, tuple(coords)):
        c = numeric_value(coefficient, env)
        c_error = last_error()
        values = []
        for j, factor in parts:
            if j is None:
                # nested Beta quadratures cost the product of the levels' evaluations (~10^5 at K = 3, past the
                # per-point work limit after seconds): refused at once rather than after that time
                raise OutsideDomain(f"the integrand mixes the sticks of a Dirichlet inside one factor ({factor}); "
                                    "only sums of products of one-stick factors are integrated")
            if (j, factor) not in known:
                known[(j, factor)] = _one_stick(laws[j], factor, j, k, env)
            values.append(known[(j, factor)])
        product = c * mp.fprod(value for value, _ in values)
        sizes = [lg(value) for value, _ in values]
        # |c| sum_j err_j prod_{i != j} |E_i|, plus err(c) prod |E_i|, plus the product's rounding
        parts_error = [lg(c) + e + sum(s for i, s in enumerate(sizes) if i != n) for n, (_, e) in enumerate(values)]
        errors.append(lsum([*parts_error, c_error + sum(sizes), rounding(product) + 3]))
        terms.append(product)
    total = mp.fsum(terms)
    accumulate(max(lsum(errors) if errors else NEG_INF, rounding(mp.fsum(abs(t) for t in terms)) + 4))
    return total


def _is_dirichlet(law) -> bool:
    return isinstance(law, Dirichlet)


def _written_out(integrand: sp.Expr, coords: sp.Tuple, law: Dirichlet) -> sp.Expr:
    """log q(x) of a Dirichlet q of the same size at the bound point, written out: the point is inside the
    open simplex (the quadrature never leaves it), where the formula is log q(x)."""
    return integrand.replace(
        lambda a: isinstance(a, LogDensity) and _is_dirichlet(a.dist) and a.var == coords and a.dist.dim == law.dim,
        lambda a: a.dist.log_density(a.var),
    )


@numeric_evaluator(Expectation, applies=lambda e: _is_dirichlet(e.dist))
def _expectation(e: Expectation, env: Env) -> mp.mpf:
    coords = e.var if isinstance(e.var, sp.Tuple) else sp.Tuple(e.var)
    return dirichlet_expectation(e.dist, _written_out(e.integrand, coords, e.dist), bound_symbols(e.var), env)


def _on_simplex(point: list[mp.mpf], errors: list[float]) -> bool | None:
    """True inside the closed simplex, False outside beyond the point's error, None within it (undecided).

    A coordinate that is exactly 0 is on the boundary: the formula then takes log 0 itself (no value, for
    certain); one within its error of 0 is undecided, as is a point whose error is unbounded.
    """
    worst = max(errors)
    if worst == POS_INF:
        return None
    slack = mp.ldexp(mp.mpf(1), int(max(worst, -mp.mp.prec + 4) + 4))
    total = mp.fsum(point)
    if any(x < -slack for x in point) or abs(total - 1) > slack * len(point) + mp.ldexp(mp.mpf(1), -mp.mp.prec + 8):
        return False
    if any(abs(x) <= slack and not (x == 0 and e == NEG_INF) for x, e in zip(point, errors)):
        return None
    return True


@numeric_evaluator(LogDensity, applies=lambda e: _is_dirichlet(e.dist))
def _log_density(e: LogDensity, env: Env) -> mp.mpf:
    coords = bound_symbols(e.var)
    if len(coords) != int(e.dist.dim):
        raise NotEvaluable(f"a point of {len(coords)} coordinates for a Dirichlet of {int(e.dist.dim)}")
    _positive_concentrations(e.dist, env)
    point, errors = [], []
    for c in coords:
        point.append(numeric_value(c, env))
        errors.append(last_error())
    inside = _on_simplex(point, errors)
    if inside is False:
        raise Singular("log-density outside the simplex (log 0)", True)
    if inside is None:
        raise Singular("log-density at a point within rounding of the simplex's boundary", False)
    value = numeric_value(e.dist.log_density(e.var), env)
    accumulate(last_error())
    return value


_POINT: dict[int, sp.Tuple] = {}


def _point(k: int) -> sp.Tuple:
    if k not in _POINT:
        _POINT[k] = sp.Tuple(*[sp.Symbol(f"x_simplex_{i}", positive=True) for i in range(k)])
    return _POINT[k]


def _same_size(p, q, what: str) -> sp.Tuple:
    if not (_is_dirichlet(p) and _is_dirichlet(q)):
        raise NotEvaluable(f"{what} between a Dirichlet and another law")
    if p.dim != q.dim:
        raise NotEvaluable(f"{what} between Dirichlets of different sizes ({p.dim} and {q.dim}) is not defined")
    return _point(int(p.dim))


def _against(p: Dirichlet, integrand: Callable[[sp.Tuple], sp.Expr], env: Env, point: sp.Tuple) -> mp.mpf:
    return dirichlet_expectation(p, integrand(point), tuple(point), env)


@numeric_evaluator(KL, applies=lambda f: any(_is_dirichlet(law) for law in f.args))
def _kl(f: KL, env: Env) -> mp.mpf:
    """E_p[log p(x) - log q(x)], the definition, over p's sticks."""
    p, q = f.args
    point = _same_size(p, q, "KL")
    return _against(p, lambda x: p.log_density(x) - q.log_density(x), env, point)


@numeric_evaluator(CrossEntropy, applies=lambda f: any(_is_dirichlet(law) for law in f.args))
def _cross_entropy(f: CrossEntropy, env: Env) -> mp.mpf:
    p, q = f.args
    point = _same_size(p, q, "cross-entropy")
    return -_against(p, q.log_density, env, point)


def _target_law(target):
    """The law of h(target): the target itself, or a random variable's declared law."""
    return getattr(target, "distribution", target)


@numeric_evaluator(DiffEntropy, applies=lambda f: _is_dirichlet(_target_law(f.target)))
def _diff_entropy(f: DiffEntropy, env: Env) -> mp.mpf:
    p = _target_law(f.target)
    return -_against(p, p.log_density, env, _point(int(p.dim)))
