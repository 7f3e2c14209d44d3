"""Evaluate expressions with mpmath, and how far each value can be off.

The numeric oracle must not share machinery with the symbolic engine, or the
two witnesses would fail together.  So functionals are evaluated from their
*definitions* (``quadrature``, ``law_functionals``, ``instantiate``,
``random_matrices`` register their evaluators here), never from a derived
closed form.  Evaluation walks the SymPy tree directly with mpmath functions:
~100x faster than ``expr.evalf(subs=...)``, and the precision stays explicit.

Every value comes with a first-order **error estimate** (running error
analysis): the log2 of an absolute bound on how far rounding at the working
precision can have moved it.  Sums add their terms' errors, so when terms of
1e86 cancel to 1 the error says 1e86 * 2^-prec, not 2^-prec; products add
relative errors; ``log u`` turns the relative error of u into an absolute one
and ``exp u`` the other way round; quadratures add their integrands' weighted
errors and the disagreement of their two orders.  A function of an argument
whose error is as large as the argument itself is *uncertain* (error +oo), and
a logarithm or a root of such an argument near 0 raises ``Singular`` (not
exact), while the same of an exact 0 or a clearly negative number is a
genuine singularity.  The comparison of two sides (``compare``) uses the
estimate to decide, or to raise the precision.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

import mpmath as mp
import sympy as sp

__all__ = [
    "NotEvaluable", "InvalidParameters", "OutsideDomain", "NotConverged", "Singular", "numeric_value", "truth",
    "numeric_evaluator", "NUMERIC_EVALUATORS", "evaluate_side", "last_error", "accumulate", "parameter",
    "lg", "rounding", "lsum", "NEG_INF", "POS_INF", "error_frame", "clear_cache", "set_last_error", "exact_result",
    "compiled", "bind", "unmetered",
]

NEG_INF, POS_INF = float("-inf"), float("inf")


class NotEvaluable(ValueError):
    """The expression contains something this evaluator cannot compute."""


class OutsideDomain(NotEvaluable):
    """The point lies outside what the claim is about, or beyond what this oracle can evaluate.

    An outcome index past the drawn support, a dimension above the quadrature's
    reach: the point is skipped, counted neither for nor against the step, and
    the coverage report says which region was actually evaluated.
    """


class NotConverged(OutsideDomain):
    """A quadrature's two orders disagreed at this point: the point is skipped (and counted as such)."""


class InvalidParameters(NotEvaluable):
    """A law's parameters violate its constraints at this point (e.g. a negative variance).

    The expression is undefined there, like a log of a negative number; the
    numeric oracle treats that as "undefined at this point", not as "cannot
    evaluate this kind of expression".
    """


class Divergent(OutsideDomain):
    """An expectation with no finite value at this point (E_{Cauchy}[x], E x^2 under a Student t with nu <= 2).

    Skipped like any point outside the oracle's reach, but counted: a step whose sides are not numbers at
    some points of its domain is not confirmed by the points where they are (``numeric_check``).
    """


class Singular(ZeroDivisionError):
    """No real value here: a division by 0, a log of 0 or of a negative number.

    ``exact`` says whether that is certain (the argument was exactly 0, or
    negative beyond its error) or may be rounding (an argument that cancelled
    to about 0): only the first is evidence against a claim.
    """

    def __init__(self, why: str, exact: bool):
        super().__init__(why)
        self.exact = exact


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
    An evaluator returns the value; it reports its error with ``accumulate``
    (absolute, log2) and evaluates its parameters with ``parameter`` (whose
    relative errors then carry over to the result).
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


# ---- the error algebra (log2 of absolute error bounds) -------------------------------------------

_E = [NEG_INF]  # the error of the value numeric_value returned last
# Whether that value's sign is certain and its error a factor (no cancellation on the way): exp(u),
# products and powers of such values.  Then log of it has a finite error however large the factor.
_SURE = [True]


def last_error() -> float:
    """log2 of the error bound of the value ``numeric_value`` returned last."""
    return _E[0]


def set_last_error(error: float) -> None:
    """For integrands computed outside ``numeric_value`` (a Cholesky solve, say): their error."""
    _E[0] = error
    _SURE[0] = False


def lg(value) -> float:
    """An upper bound of log2 |value| read off the mpf (-oo for 0, +oo for inf/nan)."""
    t = getattr(value, "_mpf_", None)
    if t is None:
        t = abs(value)._mpf_
    if t[1]:
        return float(t[2] + t[3])
    return NEG_INF if t[2] == 0 else POS_INF


def rounding(value) -> float:
    """log2 of the rounding error of a value computed at the working precision."""
    return lg(value) - mp.mp.prec


def lsum(errors) -> float:
    """log2 of a bound on the sum of errors given as log2 (their maximum, times their count)."""
    errors = list(errors)
    top = max(errors, default=NEG_INF)
    if top in (NEG_INF, POS_INF):
        return top
    return top + math.log2(len(errors))


class _Frame:
    __slots__ = ("absolute", "relative", "exact")

    def __init__(self) -> None:
        self.absolute = NEG_INF
        self.relative = NEG_INF
        self.exact = False


_FRAMES: list[_Frame] = []


class error_frame:
    """Collects the errors an evaluator reports, for the value it returns (a context manager)."""

    def __enter__(self) -> _Frame:
        frame = _Frame()
        _FRAMES.append(frame)
        return frame

    def __exit__(self, *exc) -> None:
        _FRAMES.pop()


def accumulate(error: float) -> None:
    """Report an absolute error (log2) of the value the current evaluator is computing."""
    if _FRAMES and error > _FRAMES[-1].absolute:
        _FRAMES[-1].absolute = error


def exact_result() -> None:
    """The current evaluator's value is exact (a support size, a point mass's probability 1)."""
    if _FRAMES:
        _FRAMES[-1].exact = True


def parameter(expr: sp.Basic, env: Env) -> mp.mpf:
    """Evaluate a law's parameter; its relative error carries over to the evaluator's result."""
    value = numeric_value(expr, env)
    error = _E[0]
    if _FRAMES and error > NEG_INF:
        relative = POS_INF if value == 0 else error - lg(value)
        if relative > _FRAMES[-1].relative:
            _FRAMES[-1].relative = relative
    return value


# Work allowed for one side at one point (tree nodes evaluated): a point that needs more, a nested
# expectation over two supports of 800 values say, is skipped as beyond what the oracle evaluates.
WORK_LIMIT = 150_000
_WORK = [0]


class _Constant(sp.Dummy):
    """A placeholder for a subexpression of an integrand free of its variable (see ``bind``)."""


def _hoistable(expr: sp.Basic, var: sp.Symbol) -> bool:
    return not (expr.is_Atom or var in expr.free_symbols)


def _descend(expr: sp.Basic) -> bool:
    """Only arithmetic and elementary functions are opened: a functional, a Piecewise (whose untaken branches
    are never evaluated) or a Sum keeps its own evaluation."""
    return bool(expr.is_Add or expr.is_Mul or expr.is_Pow or type(expr) in _FUNCTIONS)


@functools.lru_cache(maxsize=4096)
def _split_constants(expr: sp.Basic, var: sp.Symbol) -> tuple[sp.Basic, tuple[tuple[_Constant, sp.Basic], ...]]:
    """``expr`` with each largest subexpression free of ``var`` replaced by a placeholder, and the pairs."""
    pairs: dict[sp.Basic, _Constant] = {}

    def walk(e: sp.Basic) -> sp.Basic:
        if _hoistable(e, var):
            if e not in pairs:
                pairs[e] = _Constant(f"c{len(pairs)}")
            return pairs[e]
        if not _descend(e):
            return e
        return e.func(*[walk(a) for a in e.args], evaluate=False)

    template = walk(expr) if _descend(expr) else expr
    return template, tuple((c, e) for e, c in pairs.items())


def bind(expr: sp.Basic, var: sp.Symbol, env: Env) -> Callable[[mp.mpf], mp.mpf]:
    """``v -> expr(var = v)`` at the point ``env``: compiled once, one dict reused for every v.

    The parts of ``expr`` free of ``var`` (log Gamma of the parameters, log(2 pi s^2)) are evaluated once,
    at the precision of the first call, not at every quadrature node: each placeholder then returns that
    value *and* the error bound its evaluation gave, so every node's error bound stays a bound.  A node
    evaluated at more digits (near an edge, where 1 - y must be formed exactly) reuses them: its result is
    rounded back to the working precision, and the constants' own errors are counted.  A call at more than
    RELOAD_BITS above their precision evaluates them again: the judge's climb from 40 to 80 digits (which
    ``bound_at`` serves from one cached closure) must not keep 40-digit constants, or its bound could not shrink.
    """
    template, constants = _split_constants(expr, var) if isinstance(var, sp.Symbol) else (expr, ())
    run = compiled(template)
    inner = dict(env)
    loaded: list[int | None] = [None]  # the precision at which the constants in ``inner`` were evaluated

    def load() -> None:
        for placeholder, part in constants:
            value = numeric_value(part, env)
            inner[placeholder] = (value, _E[0], _SURE[0])
        loaded[0] = mp.mp.prec

    def f(v: mp.mpf) -> mp.mpf:
        if constants and (loaded[0] is None or mp.mp.prec > loaded[0] + RELOAD_BITS):
            load()
        inner[var] = v
        return run(inner)

    return f


RELOAD_BITS = 64  # a node up to ~19 digits above the constants' precision (an edge node) reuses them

_BOUND: dict = {}
_BOUND_SIZE = 256


@functools.lru_cache(maxsize=1024)
def _other_symbols(expr: sp.Basic, var: sp.Basic | None) -> tuple[sp.Basic, ...]:
    return tuple(sorted((s for s in expr.free_symbols if s != var), key=sp.default_sort_key))


def kept_at_values(store: dict, expr: sp.Basic, var: sp.Basic | None, env: Env, compute: Callable[[], Any],
                   *extra: Any) -> Any:
    """``compute()``, kept in ``store`` for the next call with the same values of expr's symbols (var aside).

    The nodes of one quadrature share every parameter value, so what depends only on them is computed once
    per quadrature, not per node; ``extra`` adds to the key what else the result depends on (the precision).
    The store is emptied when full: a design's points do not repeat, a quadrature's nodes do.
    """
    try:
        key = (expr, var, *extra, tuple(env.get(s) for s in _other_symbols(expr, var)))
        hit = store.get(key)
    except TypeError:  # pragma: no cover - unhashable values
        return compute()
    if hit is None:
        if len(store) >= _BOUND_SIZE:
            store.clear()
        hit = store[key] = compute()
    return hit


def bound_at(expr: sp.Basic, var: sp.Symbol, env: Env) -> Callable[[mp.mpf], mp.mpf]:
    """``bind(expr, var, env)``, kept for the next call with the same values of expr's other symbols.

    A law's log-density evaluated node by node (``LogDensity`` inside an integrand) would otherwise
    evaluate its normalising constant at every node.
    """
    return kept_at_values(_BOUND, expr, var, env, lambda: bind(expr, var, env))


def _leaf_constant(placeholder: _Constant) -> Compiled:
    def run(env: Env) -> mp.mpf:
        value, error, sure = env[placeholder]
        _E[0] = error
        _SURE[0] = sure
        return value

    return run


class unmetered:
    """Work that is bounded by construction (a scan of an integrand) is not counted against WORK_LIMIT."""

    def __enter__(self) -> None:
        self.saved = _WORK[0]

    def __exit__(self, *exc) -> None:
        _WORK[0] = self.saved


def evaluate_side(expr: sp.Basic, env: Env) -> tuple[mp.mpf, mp.mpf]:
    """(value, absolute error bound) of one side at one point, at the current precision."""
    _WORK[0] = 0
    value = numeric_value(expr, env)
    if isinstance(value, mp.mpf):
        _resolvable(value)  # a side of size e^{1e18}: no error bound can be stated, so no comparison
    error = _E[0]
    bound = mp.mpf(0) if error == NEG_INF else (mp.inf if error == POS_INF else mp.ldexp(mp.mpf(1), int(math.ceil(error))))
    return value, bound


# ---- functions and their error propagation ------------------------------------------------------

_FUNCTIONS: dict[type, Callable] = {
    sp.log: mp.log, sp.exp: mp.exp, sp.sin: mp.sin, sp.cos: mp.cos, sp.tan: mp.tan, sp.tanh: mp.tanh,
    sp.atan: mp.atan, sp.sinh: mp.sinh, sp.cosh: mp.cosh, sp.erf: mp.erf, sp.gamma: mp.gamma,
    sp.loggamma: mp.loggamma, sp.Abs: abs, sp.sign: mp.sign, sp.factorial: mp.factorial,
    sp.polygamma: mp.polygamma, sp.digamma: mp.digamma, sp.erfc: mp.erfc, sp.asinh: mp.asinh,
    # the families' closed forms: Bessel I_nu (von Mises), the Beta function, zeta, harmonic numbers
    sp.besseli: mp.besseli, sp.beta: mp.beta, sp.zeta: mp.zeta, sp.harmonic: mp.harmonic,
}


def _log2(x: float) -> float:
    return math.log2(x) if x > 0 else NEG_INF


def _grow(u) -> float:
    """log2 of a bound on |psi(u)| + 1: how the gamma family magnifies an argument's error."""
    size = float(abs(u)) if mp.isfinite(u) else 1e300
    return _log2(math.log(size + 2) + 1 + (1 / size if size > 0 else 1e300))


# Absolute error of f(u) from the error eu of u (all log2), first order: |f'(u)| err(u).
_PROPAGATE: dict[type, Callable[[mp.mpf, float, mp.mpf], float]] = {
    sp.log: lambda u, eu, v: eu - lg(u),
    sp.exp: lambda u, eu, v: lg(v) + eu + 3,  # |v| err(u), with room for the rounding of a huge exponent
    sp.sin: lambda u, eu, v: eu,
    sp.cos: lambda u, eu, v: eu,
    sp.tan: lambda u, eu, v: eu + _log2(1 + float(min(abs(v), mp.mpf(1e150))) ** 2),
    sp.tanh: lambda u, eu, v: eu,
    sp.atan: lambda u, eu, v: eu,
    sp.asinh: lambda u, eu, v: eu,
    sp.sinh: lambda u, eu, v: eu + max(lg(v), 0.0) + 1,
    sp.cosh: lambda u, eu, v: eu + max(lg(v), 0.0) + 1,
    sp.erf: lambda u, eu, v: eu + 1,
    sp.erfc: lambda u, eu, v: eu + 1,
    sp.Abs: lambda u, eu, v: eu,
    sp.gamma: lambda u, eu, v: lg(v) + eu + _grow(u),
    sp.factorial: lambda u, eu, v: lg(v) + eu + _grow(u + 1),  # factorial(u) = Gamma(u + 1)
    sp.loggamma: lambda u, eu, v: eu + _grow(u),
    sp.digamma: lambda u, eu, v: eu + 2 * _grow(u) + 2,
}


def _apply(kind, fn, args: list, errors: list, sure: list | None = None) -> mp.mpf:
    sure = sure or [False] * len(args)
    if kind is sp.log:
        (u,), (eu,) = args, errors
        if isinstance(u, mp.mpf) and u <= 0:
            certain = eu == NEG_INF or lg(u) > eu + 1
            what = "log of 0" if u == 0 else "log of a negative number"
            raise Singular(what + ("" if certain else " (perhaps by rounding)"), certain and (u != 0 or eu == NEG_INF))
    value = fn(*args)
    error = rounding(value) if isinstance(value, (mp.mpf, mp.mpc)) else NEG_INF
    if len(args) == 1:
        (u,), (eu,) = args, errors
        if eu > NEG_INF:
            relative = eu - lg(u)
            if kind is sp.log and relative >= -1 and sure[0]:
                # a positive argument known only up to a factor (1 + rho): its log is off by log(1 + rho) at most
                spread = relative + math.log2(math.log(2)) if relative > 50 else math.log2(math.log1p(2**relative))
                error = max(error, spread + 1)
            elif kind is sp.log and relative >= -1:
                error = POS_INF  # the argument is as uncertain as it is large, its sign too: its log is a guess
            elif kind is sp.exp and eu > 0:
                error = max(error, lg(value) + (2**min(eu, 1000.0)) * math.log2(math.e) + 1)  # a factor e^delta
            elif kind is sp.sign:
                error = max(error, 1.0 if lg(u) <= eu + 1 else NEG_INF)
            else:
                propagate = _PROPAGATE.get(kind)
                spread = propagate(u, eu, value) if propagate else eu + max(lg(value), 0.0) + 2
                error = max(error, spread)
    else:
        error = max(error, max(errors, default=NEG_INF) + max(lg(value), 0.0) + 2)
    _E[0] = error
    _SURE[0] = kind is sp.exp or (kind is sp.Abs and bool(sure[0]))
    return value


_CONSTANTS = {
    sp.pi: lambda: +mp.pi, sp.E: lambda: +mp.e, sp.EulerGamma: lambda: +mp.euler, sp.I: lambda: mp.mpc(0, 1),
    sp.Catalan: lambda: +mp.catalan,
}


def _sum(values: list, errors: list, sure: list | None = None) -> mp.mpf:
    value = mp.fsum(values)
    _E[0] = max(lsum(errors), rounding(value))
    if sure and all(sure):
        # no cancellation: every term of one sign (read off the mpf tuples: sign bit, non-zero mantissa)
        signs = set()
        for v in values:
            t = getattr(v, "_mpf_", None)
            if t is None:
                signs.add(2)  # complex: no sign
            elif t[1]:
                signs.add(t[0])
        _SURE[0] = len(signs) <= 1
    else:
        _SURE[0] = False
    return value


def _product(values: list, errors: list, sure: list | None = None) -> mp.mpf:
    value = mp.fprod(values)
    _SURE[0] = bool(sure) and all(sure)
    logs = [lg(v) for v in values]
    zeros = [i for i, x in enumerate(logs) if x == NEG_INF]
    finite = [x for x in logs if x != NEG_INF]
    total = sum(finite)
    spread = NEG_INF
    for i, (e, x) in enumerate(zip(errors, logs)):
        if e == NEG_INF:
            continue
        others = [j for j in zeros if j != i]
        if others:
            continue  # another exact factor 0: first order, nothing
        rest = total - x if x != NEG_INF else total
        spread = max(spread, e + rest)
    if spread > NEG_INF:
        spread += math.log2(len(values))
    _E[0] = max(rounding(value), spread) if not math.isnan(spread) else POS_INF
    return value


# Errors are kept as float log2 values; past 2^(2^50) in size a float log2 no longer resolves the
# working precision's bits (1.96e18 + (-206) rounds to 1.96e18), so no error bound can be stated there.
_LARGEST_LOG2 = 2.0**50


def _resolvable(value: mp.mpf) -> None:
    """Refuse a side so large (or small) that its error bound cannot be represented (e^{1e18}).

    Only whole sides are refused: inside a quadrature, a huge integrand value at a node whose weight
    underflows is harmless (the product is what is summed).
    """
    if value and mp.isfinite(value) and abs(lg(value)) > _LARGEST_LOG2:
        raise OutsideDomain("a value beyond 2^(2^50) in size: its error bound cannot be represented")


def _power(base: mp.mpf, eb: float, exponent: mp.mpf, ex: float) -> mp.mpf:
    if base == 0 and exponent < 0:
        raise Singular("0 to a negative power", eb == NEG_INF)
    integer = exponent == int(exponent) if mp.isfinite(exponent) and not isinstance(exponent, mp.mpc) else False
    if isinstance(base, mp.mpf) and base < 0 and not integer and not isinstance(exponent, mp.mpc):
        certain = eb == NEG_INF or lg(base) > eb + 1
        raise Singular("a negative number to a fractional power" + ("" if certain else " (perhaps by rounding)"),
                       certain)
    value = mp.power(base, exponent)
    errors = [rounding(value)]
    lv = lg(value)
    if eb > NEG_INF:
        if base == 0:
            errors.append(eb * float(exponent) if exponent > 0 else POS_INF)
        else:
            relative = eb - lg(base)
            if relative >= -1 and not integer:
                errors.append(POS_INF)
            else:
                errors.append(lv + _log2(abs(float(exponent))) + relative + 1)
    if ex > NEG_INF and base != 0:
        errors.append(lv + _log2(abs(float(mp.log(abs(base))))) + ex + 1)
    _E[0] = max(errors)
    return value


def _power_sure(base_sure: bool, exponent_error: float) -> None:
    _SURE[0] = base_sure and exponent_error == NEG_INF


def numeric_value(expr: sp.Basic, env: Env) -> mp.mpf:
    """The value of ``expr`` at the point ``env`` (symbol -> mpf); its error is ``last_error()``.

    The expression is compiled once into a tree of closures (``compiled``) and
    the closures are run: no dispatch on the expression's type per evaluation.
    """
    return compiled(expr)(env)


Compiled = Callable[[Env], mp.mpf]


def _tick() -> None:
    _WORK[0] += 1
    if _WORK[0] > WORK_LIMIT:
        raise OutsideDomain(f"evaluating this point takes more than {WORK_LIMIT} steps")
    if not _WORK[0] & 255 and time.monotonic() > _DEADLINE[0]:
        raise OutsideDomain("the time budget ran out while this point was evaluated")


# When the point being evaluated must be abandoned (monotonic seconds); checked every 256 steps of work.
_DEADLINE = [math.inf]


class point_deadline:
    """Abandon the evaluation of a point (OutsideDomain: the point is skipped) once ``at`` has passed.

    A step's numeric budget was only checked between points, so one slow point (a heavy-tailed
    quadrature at 160 digits) could run for many times the budget.  Cooperative, so it works in any
    thread: the evaluator's own work counter looks at the clock.
    """

    def __init__(self, at: float) -> None:
        self.at = at

    def __enter__(self) -> None:
        self.saved = _DEADLINE[0]
        _DEADLINE[0] = min(self.saved, self.at)

    def __exit__(self, *exc) -> None:
        _DEADLINE[0] = self.saved


def _leaf_integer(n: int) -> Compiled:
    value = mp.mpf(n)

    def run(env: Env) -> mp.mpf:
        _E[0] = NEG_INF
        _SURE[0] = True
        return value

    return run


def _leaf_rounded(make: Callable[[], mp.mpf]) -> Compiled:
    """A constant computed at the current precision (a rational, a Float, pi), kept per precision."""
    by_precision: dict[int, tuple[mp.mpf, float]] = {}

    def run(env: Env) -> mp.mpf:
        prec = mp.mp.prec
        hit = by_precision.get(prec)
        if hit is None:
            value = make()
            hit = by_precision[prec] = (value, rounding(value))
        _E[0] = hit[1]
        _SURE[0] = True
        return hit[0]

    return run


def _leaf_symbol(symbol: sp.Symbol) -> Compiled:
    def run(env: Env) -> mp.mpf:
        try:
            value = env[symbol]
        except KeyError:
            raise NotEvaluable(f"no value for symbol {symbol}") from None
        _E[0] = NEG_INF
        _SURE[0] = True
        return value

    return run


def _children(expr: sp.Basic) -> list[Compiled]:
    return [compiled(a) for a in expr.args]


def _node_sum(parts: list[Compiled], combine) -> Compiled:
    """Evaluate the parts, then ``combine(values, errors, sure)``: sums, products, functions, extrema."""

    def run(env: Env) -> mp.mpf:
        _tick()
        values, errors, sure = [], [], []
        for part in parts:
            values.append(part(env))
            errors.append(_E[0])
            sure.append(_SURE[0])
        return combine(values, errors, sure)

    return run


def _node_power(base: Compiled, exponent: Compiled) -> Compiled:
    def run(env: Env) -> mp.mpf:
        _tick()
        b = base(env)
        eb, sure = _E[0], _SURE[0]
        x = exponent(env)
        ex = _E[0]
        value = _power(b, eb, x, ex)
        _power_sure(sure, ex)
        return value

    return run


def _node_function(kind, fn, parts: list[Compiled]) -> Compiled:
    return _node_sum(parts, lambda values, errors, sure: _apply(kind, fn, values, errors, sure))


def _node_extremum(parts: list[Compiled], pick) -> Compiled:
    def combine(values, errors, sure) -> mp.mpf:
        _E[0] = max(errors)
        _SURE[0] = all(sure)
        return pick(values)

    return _node_sum(parts, combine)


def _node_piecewise(branches: list[tuple[Compiled, sp.Basic]]) -> Compiled:
    def run(env: Env) -> mp.mpf:
        _tick()
        for value, cond in branches:
            if cond is sp.true or truth(cond, env):
                return value(env)
        raise NotEvaluable("no branch of a Piecewise applies")

    return run


def _node_functional(fn: Evaluator, expr: sp.Basic) -> Compiled:
    names = sorted(((s.name, s) for s in expr.free_symbols if isinstance(s, sp.Symbol)), key=lambda t: t[0])
    free = [s for _, s in names]

    def run(env: Env) -> mp.mpf:
        _tick()
        try:
            key = (expr, mp.mp.prec, tuple(env.get(s) for s in free))
        except TypeError:  # pragma: no cover - unhashable values
            key = None
        return _cached(fn, expr, env, key)

    return run


def _node_failing(message: str, error=NotEvaluable) -> Compiled:
    def run(env: Env) -> mp.mpf:
        raise error(message)

    return run


@functools.lru_cache(maxsize=20_000)
def compiled(expr: sp.Basic) -> Compiled:
    """``expr`` as a tree of closures that evaluate it (and its error) at a point."""
    if expr.is_Integer:
        return _leaf_integer(int(expr))
    if expr.is_Rational:
        p, q = int(expr.p), int(expr.q)
        return _leaf_rounded(lambda: mp.mpf(p) / q)
    if expr.is_Float:
        return _leaf_rounded(lambda: mp.mpf(expr))
    if isinstance(expr, _Constant):
        return _leaf_constant(expr)
    if expr.is_Symbol:
        return _leaf_symbol(expr)
    if expr in _CONSTANTS:
        return _leaf_rounded(_CONSTANTS[expr])
    if expr.is_Add:
        return _node_sum(_children(expr), _sum)
    if expr.is_Mul:
        return _node_sum(_children(expr), _product)
    if expr.is_Pow:
        return _node_power(compiled(expr.base), compiled(expr.exp))
    if expr is sp.zoo or expr is sp.nan or expr is sp.oo or expr is -sp.oo:
        return _node_failing(f"{expr} is not finite", InvalidParameters)
    fn = _evaluator_for(expr)
    if fn is not None:
        return _node_functional(fn, expr)
    kind = type(expr)
    function = _FUNCTIONS.get(kind)
    if function is not None:
        return _node_function(kind, function, _children(expr))
    if isinstance(expr, sp.Max):
        return _node_extremum(_children(expr), max)
    if isinstance(expr, sp.Min):
        return _node_extremum(_children(expr), min)
    if isinstance(expr, sp.Piecewise):
        return _node_piecewise([(compiled(value), cond) for value, cond in expr.args])
    if isinstance(expr, sp.Sum):
        return lambda env: _finite_sum(expr, env)
    return _node_failing(f"cannot evaluate {type(expr).__name__} numerically")


_CACHE: dict = {}


def clear_cache() -> None:
    _CACHE.clear()


def _cached(fn, expr: sp.Basic, env: Env, key) -> mp.mpf:
    """Functionals are costly (quadrature); consecutive steps reuse the same points.

    The value is cached with its error: the evaluator's reported absolute error,
    the rounding of the result, and its parameters' relative error carried over.
    """
    hit = _CACHE.get(key) if key is not None else None
    if hit is None:
        with error_frame() as frame:
            value = fn(expr, env)
        if frame.exact:
            error = NEG_INF
        else:
            error = max(frame.absolute, rounding(value) + 3)
            if frame.relative > NEG_INF:
                error = max(error, lg(value) + frame.relative + 3)
        if key is not None:
            if len(_CACHE) > 50_000:
                _CACHE.clear()
            _CACHE[key] = (value, error)
        _E[0] = error
        _SURE[0] = error == NEG_INF
        return value
    value, error = hit
    _E[0] = error
    _SURE[0] = error == NEG_INF
    return value


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


MAX_TERMS = 10_000
# An infinite series is summed term by term up to this many terms; one that has not settled into a
# geometric decay below the working precision by then is beyond this evaluator (OutsideDomain).
MAX_SERIES_TERMS = 5_000
_RATIO_WINDOW = 8  # consecutive term ratios that must all be below 1 before the tail is bounded
_EARLY = 200  # from this many terms on, a series whose ratios do not fall and cannot make it is abandoned
_PROBES = (2, 8, 64, 1024)  # far terms (at these multiples of the terms summed) that must be smaller still


def _finite_sum(expr: sp.Sum, env: Env) -> mp.mpf:
    """A SymPy ``Sum`` at a point: finite ranges term by term, infinite ones as a series with a tail bound.

    A multiple sum is evaluated as nested sums: SymPy lists the innermost
    limit first (its bounds may depend on the later variables), so the last
    limit is the outer loop.  Finite limits follow SymPy's (Karr's)
    convention: Sum over (k, a, b) with b < a is minus the sum over
    (k, b + 1, a - 1), so that telescoping identities hold at every point.
    """
    var, lo, hi, run = _summand(expr)
    if lo.is_infinite or hi.is_infinite:
        return _infinite_sum(run, var, lo, hi, env)
    lo_v, hi_v = numeric_value(lo, env), numeric_value(hi, env)
    if lo_v != int(lo_v) or hi_v != int(hi_v):
        raise NotEvaluable("sum bounds are not integers")
    lo_i, hi_i = int(lo_v), int(hi_v)
    sign = 1
    if hi_i < lo_i:
        lo_i, hi_i, sign = hi_i + 1, lo_i - 1, -1
    if hi_i - lo_i >= MAX_TERMS:
        raise OutsideDomain(f"a sum of {hi_i - lo_i + 1} terms is beyond the {MAX_TERMS} summed term by term")
    values, errors, sure = [], [], []
    inner = dict(env)
    for k in range(lo_i, hi_i + 1):
        inner[var] = mp.mpf(k)
        values.append(run(inner))
        errors.append(_E[0])
        sure.append(_SURE[0])
    total = _sum(values, errors, sure)
    return total if sign > 0 else -total


@functools.lru_cache(maxsize=2_000)
def _summand(expr: sp.Sum) -> tuple[sp.Symbol, sp.Expr, sp.Expr, Compiled]:
    """The outer limit (var, lo, hi) and the compiled summand (the inner sums, if any), prepared once per Sum."""
    body = expr.function
    limits = list(expr.limits)
    if len(limits) != 1:
        body = sp.Sum(body, *limits[:-1])
    var, lo, hi = limits[-1]
    return var, lo, hi, compiled(_through_gamma(body))


def _through_gamma(body: sp.Expr) -> sp.Expr:
    """A summand's binomial coefficients and factorials as Gamma functions: C(a, b) = G(a+1) / (G(b+1) G(a-b+1)).

    Why: SymPy's algebra folds a Binomial law's mass into ``binomial``, which
    this evaluator does not read, and a factorial's error propagation bounds
    the digamma at its argument u rather than at u + 1, so (n - k)! at k = n,
    where u = 0 carries a rounding-size error, would report a huge error.
    Inside a sum over 0 <= b <= a the forms are the same number; a term
    outside that range raises (a Gamma pole) rather than being given a value.
    """
    if body.has(sp.binomial):
        body = body.replace(sp.binomial, lambda a, b: sp.gamma(a + 1) / (sp.gamma(b + 1) * sp.gamma(a - b + 1)))
    if body.has(sp.factorial):
        body = body.replace(sp.factorial, lambda u: sp.gamma(u + 1))
    return body


def _infinite_sum(run: Compiled, var: sp.Symbol, lo: sp.Expr, hi: sp.Expr, env: Env) -> mp.mpf:
    """sum_{k=lo}^{hi} body(k) with an infinite limit: one series per infinite direction, 0 upwards and -1 down."""
    if lo is sp.S.Infinity or hi is sp.S.NegativeInfinity:
        raise NotEvaluable("a sum that starts at +oo or ends at -oo")
    halves = []
    if lo is sp.S.NegativeInfinity and hi is sp.S.Infinity:
        halves = [(0, 1), (-1, -1)]
    elif hi is sp.S.Infinity:
        halves = [(_integer_limit(lo, env), 1)]
    else:
        halves = [(_integer_limit(hi, env), -1)]
    values, errors, sure = [], [], []
    for start, step in halves:
        values.append(_series(run, var, start, step, env))
        errors.append(_E[0])
        sure.append(_SURE[0])
    return _sum(values, errors, sure) if len(values) > 1 else values[0]


def _integer_limit(limit: sp.Expr, env: Env) -> int:
    value = numeric_value(limit, env)
    if value != int(value):
        raise NotEvaluable("sum bounds are not integers")
    return int(value)


def _series(run: Compiled, var: sp.Symbol, start: int, step: int, env: Env) -> mp.mpf:
    """sum_{j >= 0} t(start + j step) term by term, stopped only once the terms shrink geometrically.

    Why this stop is safe: after the last term t_K the series is cut only when
    the last ``_RATIO_WINDOW`` ratios |t_{k+1} / t_k| are all at most rho < 1;
    the ratio assumed for the rest is rho' = (1 + rho) / 2, halfway to 1, so
    that ratios still creeping up towards their limit (x^k / k) are covered,
    and the tail left out, at most |t_K| rho' / (1 - rho'), must be below the
    working precision of the sum and is counted in the error.  Terms far
    beyond (``_PROBES`` times as far out) are then evaluated and must be
    smaller than t_K, which catches a late bump.  A series that never settles
    (sum 1/k^2, ratios tending to 1; a divergent one) within
    ``MAX_SERIES_TERMS`` terms raises ``OutsideDomain``: the point is skipped,
    never given a truncated value.
    """
    values, errors, sure = [], [], []
    ratios: list[mp.mpf] = []
    inner = dict(env)
    previous = None
    magnitude = mp.mpf(0)  # sum of |t_k| so far (a running sum, rounded up well within the target)
    target = mp.ldexp(mp.mpf(1), -(mp.mp.prec + 8))
    for j in range(MAX_SERIES_TERMS):
        k = start + j * step
        inner[var] = mp.mpf(k)
        value = run(inner)
        if isinstance(value, mp.mpc) or not mp.isfinite(value):
            raise OutsideDomain("a term of the series is not a finite real number")
        values.append(value)
        errors.append(_E[0])
        sure.append(_SURE[0])
        size = abs(value)
        magnitude += size
        if previous is not None:
            ratios.append(mp.mpf(0) if size == 0 else (mp.inf if previous == 0 else size / previous))
        previous = size
        if len(ratios) < _RATIO_WINDOW:
            continue
        window = ratios[-_RATIO_WINDOW:]
        rho = max(window)
        if j >= _EARLY and _hopeless(window, size, target * magnitude, MAX_SERIES_TERMS - j):
            break
        if rho >= 1:
            continue
        wide = (1 + rho) / 2
        if wide >= 1:
            continue
        tail = size * wide / (1 - wide)
        if tail <= target * magnitude or magnitude == 0:
            _check_far_terms(run, inner, var, start, step, j, size)
            total = _sum(values, errors, sure)
            _E[0] = max(_E[0], lg(tail) + 1 if tail else NEG_INF, rounding(magnitude) + 3)
            return total
    raise OutsideDomain(f"the series does not shrink geometrically to the working precision within "
                        f"{MAX_SERIES_TERMS} terms")


def _hopeless(window: list[mp.mpf], size: mp.mpf, goal: mp.mpf, left: int) -> bool:
    """Ratios that do not fall (sum 1/k^s, sum 2^k) and would need more terms than are left: give up now.

    Only then: falling ratios (a Poisson series past its mode) shrink faster
    than the current ratio says, so no prediction is made for them.
    """
    if any(later < earlier for earlier, later in zip(window, window[1:])):
        return False
    rho = window[-1]
    if rho >= 1:
        return True
    if size <= goal or rho == 0:
        return False
    return mp.log(goal / size) / mp.log(rho) > left


def _check_far_terms(run: Compiled, inner: Env, var: sp.Symbol, start: int, step: int, last: int,
                     size: mp.mpf) -> None:
    """Terms far past the cut must be no larger than the last one summed, or the tail bound is not trusted."""
    for factor in _PROBES:
        inner[var] = mp.mpf(start + (last + 1) * factor * step)
        try:
            far = run(inner)
        except (NotEvaluable, Singular, ArithmeticError, ValueError) as why:
            raise OutsideDomain(f"a far term of the series cannot be evaluated ({why})") from None
        if isinstance(far, mp.mpc) or not mp.isfinite(far) or abs(far) > size:
            raise OutsideDomain("a term far past the cut is larger than the last term summed")
