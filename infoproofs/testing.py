"""Check your own implementation of a formula against the formula itself.

``assert_implements(fn, formula)`` draws points inside each symbol's declared
domain (with Hypothesis), evaluates the formula *exactly* (mpmath, 40 digits)
and compares with what ``fn`` returns in float64 (and float32 for torch), per
point, on a batch, and (torch) on gradients.  When values disagree it tests
the usual mistakes of ML code (swapped arguments of a divergence, log base,
reduction, sign, sigma vs sigma^2, log-space inputs) on the drawn points and
names the one that fits: a failing test then says *what* is wrong, not just
that two floats differ.

Nothing here evaluates user text: formulas are SymPy objects or catalog names.
``import infoproofs`` imports neither this module nor torch; torch is
imported only when ``backend="torch"`` is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from .notation.domains import POSITIVE, REAL, Domain, as_rational, domain_of

__all__ = ["assert_implements", "DIAGNOSES", "BACKENDS", "TORCH_INSTALL"]

TORCH_INSTALL = "pip install torch==2.13.0 && pip install -e '.[torch]'"
DIGITS = 40
# torch.testing.assert_close defaults: (rtol, atol) per dtype.
DEFAULT_TOLERANCE: dict[str, tuple[float, float]] = {"float64": (1e-7, 1e-7), "float32": (1.3e-6, 1e-5)}
# A candidate explanation must fit tighter than a coincidence but looser than float64 noise.
DIAGNOSIS_TOLERANCE = (1e-6, 1e-9)


# ---------------------------------------------------------------- the formula
@dataclass
class _Spec:
    """The formula as checked: closed form, how to show it, its symbols in fn's order."""

    expr: sp.Expr
    shown: sp.Basic
    symbols: tuple[sp.Symbol, ...]
    domains: tuple[Domain, ...]
    assumptions: list[sp.Basic] = field(default_factory=list)
    _compiled: dict[sp.Basic, Callable[[dict], Any]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [s.name for s in self.symbols]

    def value(self, expr: sp.Expr, point: Sequence[float]) -> float:
        """``expr`` at ``point`` to DIGITS digits, as a float; nan where it is undefined."""
        from .oracles.numeric_eval import NotEvaluable, compiled

        if expr not in self._compiled:
            self._compiled[expr] = compiled(expr)
        env = {s: mp.mpf(v) for s, v in zip(self.symbols, point)}
        try:
            with mp.workdps(DIGITS):
                found = self._compiled[expr](env)
        except (NotEvaluable, ArithmeticError, ValueError, TypeError):
            return math.nan
        if isinstance(found, mp.mpc):
            return math.nan
        return float(found)

    def allows(self, point: Sequence[float]) -> bool:
        """Does the point satisfy the derivation's extra assumptions (e.g. ``s1 < s2``)?"""
        env = {s: as_rational(v) for s, v in zip(self.symbols, point)}
        return all(bool(a.xreplace(env)) for a in self.assumptions)


def _resolve(formula: Any) -> tuple[sp.Expr, sp.Basic, dict[sp.Symbol, Domain], list[sp.Basic]]:
    """(closed form, what to show, captured domains, assumptions) for an expression, Derivation or name."""
    from .derivation import Derivation

    if isinstance(formula, str):
        from .catalog import find_derivation

        formula = find_derivation(formula)
    if isinstance(formula, Derivation):
        shown = formula.start if formula.relation.value == "=" else formula.result
        return _closed(formula.result), shown, dict(formula.domains), list(formula.assumptions)
    if isinstance(formula, sp.Basic):
        return _closed(formula), formula, {}, []
    raise TypeError(f"formula must be a SymPy expression, a Derivation or a catalog name, got {type(formula).__name__}")


def _closed(expr: sp.Basic) -> sp.Expr:
    """The closed form: functionals (KL, H, ...) evaluated by the engine."""
    from .notation.functionals import Functional

    if expr.atoms(Functional):
        expr = expr.doit()
    if expr.atoms(Functional):
        left = ", ".join(sorted(sp.sstr(f) for f in expr.atoms(Functional)))
        raise ValueError(f"no closed form for {left}: assert_implements needs a formula it can evaluate")
    return expr


def _domain(symbol: sp.Symbol, captured: dict[sp.Symbol, Domain]) -> Domain:
    found = captured.get(symbol) or domain_of(symbol)
    if found is not None:
        return found
    if symbol.is_positive:
        return POSITIVE
    if symbol.is_real:
        return REAL
    raise ValueError(f"symbol {symbol} has no domain: declare it with real(), positive(), probability() or interval()")


def _order(expr: sp.Expr, args: Sequence[sp.Symbol | str] | None) -> tuple[sp.Symbol, ...]:
    free = {s for s in expr.free_symbols}
    plain = {s for s in free if isinstance(s, sp.Symbol)}
    if plain != free:
        raise TypeError("assert_implements handles scalar symbols only (no vectors or matrices of size d)")
    if args is None:
        return tuple(sorted(plain, key=lambda s: s.name))
    by_name = {s.name: s for s in plain}
    ordered = tuple(a if isinstance(a, sp.Symbol) else by_name.get(a) or sp.Symbol(a) for a in args)
    missing = sorted(s.name for s in plain - set(ordered))
    if missing:
        raise ValueError(f"args leaves out the formula's symbols {missing}")
    return ordered


def _spec(formula: Any, args: Sequence[sp.Symbol | str] | None) -> _Spec:
    expr, shown, captured, assumptions = _resolve(formula)
    symbols = _order(expr, args)
    domains = tuple(_domain(s, captured) for s in symbols)
    return _Spec(expr, shown, symbols, domains, assumptions)


# ---------------------------------------------------------------- the points
def _draw(spec: _Spec, examples: int) -> list[tuple[float, ...]]:
    """Distinct points drawn by Hypothesis inside the domains, reproducibly."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from .strategies import parameters

    found: list[tuple[float, ...]] = []

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.tuples(*(parameters(d) for d in spec.domains)))
    def collect(point: tuple[float, ...]) -> None:
        found.append(point)

    with _hypothesis_files_in_our_cache():
        collect()
    return [p for p in dict.fromkeys(found) if spec.allows(p)]


@contextmanager
def _hypothesis_files_in_our_cache() -> Iterator[None]:
    """Hypothesis keeps files (its constants cache) in ``./.hypothesis`` even without a database.

    Checking must write nothing into the user's folders, so while we draw, its
    home is our cache directory, unless the user chose one (the environment
    variable, or ``set_hypothesis_home_dir``); theirs is left as it was.
    """
    import os

    from hypothesis import configuration

    from .cache import cache_dir

    key = "__hypothesis_home_directory"
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or getattr(configuration, key, None):
        yield
        return
    configuration.set_hypothesis_home_dir(cache_dir() / "hypothesis")
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(None)


# ---------------------------------------------------------------- backends
class _Numpy:
    """fn takes and returns NumPy scalars/arrays; checked in float64."""

    dtypes = ("float64",)
    grads = False

    def scalar(self, fn: Callable, point: Sequence[float], dtype: str) -> float:
        return _one(np.asarray(fn(*(_np_value(v, dtype) for v in point)), dtype=np.float64))

    def batch(self, fn: Callable, columns: list[np.ndarray]) -> np.ndarray:
        return np.asarray(fn(*columns), dtype=np.float64)

    def round(self, point: Sequence[float], dtype: str) -> tuple[float, ...]:
        return tuple(point)


def _np_value(v: float | int, dtype: str) -> Any:
    return v if isinstance(v, int) else getattr(np, dtype)(v)


def _one(out: np.ndarray) -> float:
    if out.size != 1:
        raise AssertionError(f"fn returned shape {out.shape} for one point; it must return one number")
    return float(out.reshape(()))


def _torch():
    """Import torch only here: ``import infoproofs`` must stay torch-free."""
    try:
        import torch
    except ImportError as exc:
        raise ImportError(f"backend='torch' needs PyTorch; install it with: {TORCH_INSTALL}") from exc
    return torch


class _Torch:
    """fn takes and returns torch tensors; checked in float64 and float32, and by autograd."""

    dtypes = ("float64", "float32")
    grads = True

    def __init__(self) -> None:
        self.torch = _torch()

    def _tensor(self, v: float | int, dtype: str, grad: bool = False):
        if isinstance(v, int):
            return v
        return self.torch.tensor(v, dtype=getattr(self.torch, dtype), requires_grad=grad)

    def scalar(self, fn: Callable, point: Sequence[float], dtype: str) -> float:
        with self.torch.no_grad():
            out = fn(*(self._tensor(v, dtype) for v in point))
        return _one(np.asarray(self.torch.as_tensor(out).detach().double().numpy()))

    def batch(self, fn: Callable, columns: list[np.ndarray]) -> np.ndarray:
        with self.torch.no_grad():
            out = fn(*(self.torch.as_tensor(c) for c in columns))
        return self.torch.as_tensor(out).detach().double().numpy()

    def round(self, point: Sequence[float], dtype: str) -> tuple[float, ...]:
        return tuple(v if isinstance(v, int) else float(getattr(np, dtype)(v)) for v in point)

    def gradient(self, fn: Callable, point: Sequence[float]) -> list[float | None]:
        """d fn / d x for each float argument (None for integer ones), by autograd in float64."""
        inputs = [self._tensor(v, "float64", grad=True) for v in point]
        wrt = [t for t in inputs if not isinstance(t, int)]
        out = fn(*inputs)
        found = iter(self.torch.autograd.grad(out, wrt, allow_unused=True))
        grads: list[float | None] = []
        for t in inputs:
            if isinstance(t, int):
                grads.append(None)
            else:
                g = next(found)
                grads.append(0.0 if g is None else float(g))
        return grads


BACKENDS: dict[str, Callable[[], Any]] = {"numpy": _Numpy, "torch": _Torch}


# ---------------------------------------------------------------- comparing
def _close(actual: float, expected: float, rtol: float, atol: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    if math.isinf(expected) or math.isinf(actual):
        return actual == expected
    return abs(actual - expected) <= atol + rtol * abs(expected)


def _fmt(spec: _Spec, point: Sequence[float]) -> str:
    return ", ".join(f"{n}={v!r}" for n, v in zip(spec.names(), point))


def _header(spec: _Spec) -> str:
    closed = sp.sstr(spec.expr)
    shown = sp.sstr(spec.shown)
    return f"fn does not implement {shown}" + ("" if shown == closed else f" = {closed}")


# ---------------------------------------------------------------- diagnoses
@dataclass
class _Case:
    """What the diagnoses see: the formula, the float64 points and fn's values there."""

    spec: _Spec
    points: list[tuple[float, ...]]
    actual: list[float]
    expected: list[float]

    def matches(self, candidate: sp.Expr) -> bool:
        """Does fn compute ``candidate`` (to DIAGNOSIS_TOLERANCE) at every point where it is defined?"""
        compared = 0
        for point, got in zip(self.points, self.actual):
            want = self.spec.value(candidate, point)
            if math.isnan(want) or math.isinf(want):
                if math.isfinite(got):
                    return False
                continue
            if not _close(got, want, *DIAGNOSIS_TOLERANCE):
                return False
            compared += 1
        return compared >= min(3, len(self.points))

    def ratio(self) -> float | None:
        """fn / formula if it is the same number at every point (None otherwise)."""
        ratios = [a / e for a, e in zip(self.actual, self.expected) if math.isfinite(a) and abs(e) > 1e-12]
        if len(ratios) < min(3, len(self.points)) or not ratios:
            return None
        first = ratios[0]
        if all(abs(r - first) <= 1e-6 * abs(first) + 1e-12 for r in ratios):
            return first
        return None


def _pairs(spec: _Spec) -> list[tuple[int, int]]:
    n = len(spec.symbols)
    return [(i, j) for i in range(n) for j in range(i + 1, n) if spec.domains[i] == spec.domains[j]]


def _swapped(case: _Case) -> str | None:
    spec = case.spec
    for i, j in _pairs(spec):
        a, b = spec.symbols[i], spec.symbols[j]
        exchange = {a: b, b: a}
        if case.matches(spec.expr.xreplace(exchange)):
            swapped = sp.sstr(spec.shown.xreplace(exchange))
            return (
                f"your function matches the formula with {a} and {b} exchanged: "
                f"it computes {swapped}; the formula is {sp.sstr(spec.shown)}"
            )
    return None


def _log_base(case: _Case) -> str | None:
    ratio = case.ratio()
    if ratio is None:
        return None
    for base, unit in ((2, "bits"), (10, "decimal digits (bans)")):
        if abs(ratio * math.log(base) - 1) < 1e-6:
            return f"fn / formula = 1/ln {base} at every point: {unit} instead of nats (log{base} where the formula uses ln)"
        if abs(ratio / math.log(base) - 1) < 1e-6:
            return f"fn / formula = ln {base} at every point: nats where {unit} were expected"
    return None


def _reduction(case: _Case) -> str | None:
    ratio = case.ratio()
    if ratio is None or ratio <= 0:
        return None
    for value, verb in ((ratio, "sums over"), (1 / ratio, "averages over")):
        n = round(value)
        if n >= 2 and abs(value - n) < 1e-6 * n:
            other = "a mean" if verb == "sums over" else "a sum"
            return f"fn / formula = {ratio:.6g} at every point: your function {verb} n={n} terms where {other} belongs"
    return None


def _sign(case: _Case) -> str | None:
    if case.matches(-case.spec.expr):
        return "your function is the negative of the formula: a loss where the formula is an objective, or vice versa"
    return None


def _sigma_power(case: _Case) -> str | None:
    spec = case.spec
    for s, domain in zip(spec.symbols, spec.domains):
        if domain.lo is None or not bool(domain.lo >= 0) or domain.integer:
            continue
        if case.matches(spec.expr.xreplace({s: sp.sqrt(s)})):
            return (
                f"your function matches the formula with {s} replaced by sqrt({s}): it treats {s} as a variance "
                f"where the formula's {s} is a standard deviation (log {s} where log {s}^2 belongs)"
            )
        if case.matches(spec.expr.xreplace({s: s**2})):
            return (
                f"your function matches the formula with {s} replaced by {s}^2: it treats {s} as a standard deviation "
                f"where the formula's {s} is a variance (log {s}^2 where log {s} belongs)"
            )
    return None


def _log_space(case: _Case) -> str | None:
    spec = case.spec
    for s, domain in zip(spec.symbols, spec.domains):
        if domain.integer:
            continue
        if case.matches(spec.expr.xreplace({s: sp.exp(s)})):
            return (
                f"your function matches the formula with {s} replaced by exp({s}): it reads {s} as a log "
                f"(log-probability, log-scale) where the formula takes {s} itself"
            )
        positive = domain.lo is not None and bool(domain.lo >= 0)
        if positive and case.matches(spec.expr.xreplace({s: sp.log(s)})):
            return (
                f"your function matches the formula with {s} replaced by log({s}): the formula's {s} is in log space "
                f"but your function takes it as a probability/scale"
            )
    return None


# Name -> test on the drawn points; the first that fits is reported.  Add one here.
DIAGNOSES: dict[str, Callable[[_Case], str | None]] = {
    "swapped arguments": _swapped,
    "log base": _log_base,
    "reduction": _reduction,
    "sign": _sign,
    "log sigma vs log sigma^2": _sigma_power,
    "log-space vs probability inputs": _log_space,
}


def diagnose(case: _Case) -> str:
    """The first diagnosis in DIAGNOSES that fits, as ``name: explanation``."""
    for name, test in DIAGNOSES.items():
        found = test(case)
        if found:
            return f"{name}: {found}"
    return "none of the known mistakes (" + ", ".join(DIAGNOSES) + ") explains it"


# ---------------------------------------------------------------- the checks
def _check_values(
    fn: Callable, spec: _Spec, backend: Any, points: list[tuple[float, ...]], tol: dict[str, tuple[float, float]]
) -> None:
    """Point by point in each dtype; a float64 failure is diagnosed."""
    for dtype in backend.dtypes:
        rounded = [backend.round(p, dtype) for p in points]
        expected = [spec.value(spec.expr, p) for p in rounded]
        actual = [_call(backend, fn, spec, p, dtype) for p in rounded]
        bad = [k for k, (a, e) in enumerate(zip(actual, expected)) if not _close(a, e, *tol[dtype])]
        if not bad:
            continue
        k = bad[0]
        lines = [
            _header(spec),
            f"{len(bad)} of {len(points)} points disagree in {dtype}; counterexample: {_fmt(spec, rounded[k])}: "
            f"fn -> {actual[k]!r}, formula -> {expected[k]!r}",
        ]
        if dtype == "float64":
            lines.append("diagnosis: " + diagnose(_Case(spec, rounded, actual, expected)))
        else:
            lines.append("diagnosis: float64 agrees; float32 loses too much precision (a stabler form, or pass rtol/atol)")
        raise AssertionError("\n".join(lines))


def _call(backend: Any, fn: Callable, spec: _Spec, point: Sequence[float], dtype: str) -> float:
    try:
        return backend.scalar(fn, point, dtype)
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(f"fn raised {exc!r} at {_fmt(spec, point)} ({dtype})") from exc


def _columns(spec: _Spec, points: list[tuple[float, ...]]) -> list[np.ndarray]:
    cols = []
    for k, domain in enumerate(spec.domains):
        dtype = np.int64 if domain.integer else np.float64
        cols.append(np.asarray([p[k] for p in points], dtype=dtype))
    return cols


def _check_batch(fn: Callable, spec: _Spec, backend: Any, points: list[tuple[float, ...]], rtol: float, atol: float) -> None:
    """One call on arrays of all the points must give the values elementwise."""
    expected = np.asarray([spec.value(spec.expr, p) for p in points])
    try:
        out = backend.batch(fn, _columns(spec, points))
    except Exception as exc:
        raise AssertionError(f"{_header(spec)}\nfn does not broadcast: called on arrays of {len(points)} points it raised {exc!r}") from exc
    n = len(points)
    if out.size == 1 and n > 1:
        total = float(out.reshape(()))
        for what, value in (("sum", expected.sum()), ("mean", expected.mean())):
            if _close(total, float(value), rtol, atol):
                raise AssertionError(
                    f"{_header(spec)}\ndiagnosis: reduction: called on a batch of {n} points fn returned one number, "
                    f"the {what} of the per-point values; return one value per point (reduction='none')"
                )
        raise AssertionError(f"{_header(spec)}\nfn returned one number {total!r} for a batch of {n} points")
    if out.shape != (n,):
        raise AssertionError(f"{_header(spec)}\nfn returned shape {out.shape} for a batch of {n} points; expected ({n},)")
    for k in range(n):
        if not _close(float(out[k]), float(expected[k]), rtol, atol):
            raise AssertionError(
                f"{_header(spec)}\nbatched call disagrees with the formula at {_fmt(spec, points[k])}: "
                f"fn -> {float(out[k])!r}, formula -> {float(expected[k])!r} (the one-point calls agree)"
            )


def _derivatives(spec: _Spec) -> list[sp.Expr | None]:
    return [None if d.integer else sp.diff(spec.expr, s) for s, d in zip(spec.symbols, spec.domains)]


def _check_grads(fn: Callable, spec: _Spec, backend: Any, points: list[tuple[float, ...]], rtol: float, atol: float) -> None:
    """torch autograd against SymPy's derivative, evaluated exactly."""
    derivatives = _derivatives(spec)
    for point in points:
        got = backend.gradient(fn, point)
        for s, d, g in zip(spec.symbols, derivatives, got):
            if d is None or g is None:
                continue
            want = spec.value(d, point)
            if math.isfinite(want) and not _close(g, want, rtol, atol):
                raise AssertionError(
                    f"{_header(spec)}\nvalues agree but the gradient does not: d/d{s} at {_fmt(spec, point)}: "
                    f"autograd -> {g!r}, d/d{s} of the formula -> {want!r} (a detach, clamp or non-differentiable branch?)"
                )


def _tolerances(rtol: float | None, atol: float | None) -> dict[str, tuple[float, float]]:
    if (rtol is None) != (atol is None):
        raise ValueError("pass both rtol and atol, or neither (as torch.testing.assert_close)")
    if rtol is None or atol is None:
        return dict(DEFAULT_TOLERANCE)
    return {dtype: (rtol, atol) for dtype in DEFAULT_TOLERANCE}


def assert_implements(
    fn: Callable[..., Any],
    formula: Any,
    *,
    args: Sequence[sp.Symbol | str] | None = None,
    backend: str = "numpy",
    grad: bool = True,
    batch: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    examples: int = 50,
) -> None:
    """Raise AssertionError, with a diagnosis, unless ``fn`` computes ``formula``.

    ``formula``: a SymPy/infoproofs expression (``KL(Normal(m1, s1**2), ...)``
    is put in closed form first), a ``Derivation`` or a catalog name (its
    result).  ``args``: the formula's symbols (or names) in the order fn takes
    them; default sorted by name.  ``backend``: ``"numpy"`` (float64) or
    ``"torch"`` (float64 and float32, plus autograd gradients when ``grad``).
    ``batch``: also call fn once on arrays of all points.  ``rtol``/``atol``:
    as in ``torch.testing.assert_close`` (defaults per dtype).  ``examples``:
    how many points Hypothesis draws inside the symbols' domains.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {sorted(BACKENDS)}")
    engine = BACKENDS[backend]()
    spec = _spec(formula, args)
    tol = _tolerances(rtol, atol)
    points = [p for p in _draw(spec, examples) if math.isfinite(spec.value(spec.expr, p))]
    if not points:
        raise ValueError(f"no point drawn in the domains of {spec.names()} where the formula is defined")
    _check_values(fn, spec, engine, points, tol)
    if batch:
        _check_batch(fn, spec, engine, points, *tol["float64"])
    if grad and engine.grads:
        _check_grads(fn, spec, engine, points, *tol["float64"])
