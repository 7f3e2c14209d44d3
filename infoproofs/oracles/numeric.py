"""The numeric oracle: hypothesis draws points, mpmath evaluates both sides.

Points are drawn strictly inside each symbol's declared domain and filtered
by the derivation's extra assumptions, so a step is never refuted (or
confirmed) outside the region where it is claimed.  Both sides are evaluated
at ``dps`` significant digits (default 40) and compared with a tolerance
scaled to their magnitude.  A failing point is shrunk by hypothesis to a
minimal counterexample, reported with both sides' values and the residual.

Hypothesis runs derandomized with no example database: checking writes
nothing to the user's folders and repeated runs give the same points (which
also lets consecutive steps share cached quadrature values).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import mpmath as mp
import sympy as sp
from hypothesis import HealthCheck, Phase, find, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from ..derivation import Relation
from ..notation.domains import Domain
from ..notation.functionals import Functional

# Hook for abstract densities (p(x, z), q(z | x), Jensen's f): importing
# ``instantiate`` registers their evaluators, which build a random finite
# instance (Dirichlet tables) from the drawn seed symbol ``omega_``; a
# counterexample is completed with that instance's description below.
# ``random_matrices`` does the same for covariance matrices of unspecified size.
from . import instantiate as _instantiate
from . import random_matrices as _random_matrices
from .numeric_eval import InvalidParameters, NotEvaluable, numeric_value, truth

__all__ = ["NumericOutcome", "numeric_check", "DEFAULT_DPS"]

DEFAULT_DPS = 40
# Digits that must agree: the working precision less a margin for quadrature.
AGREEMENT_MARGIN = 15


@dataclass
class NumericOutcome:
    status: str  # "passed" | "refuted" | "unevaluable"
    points: int = 0
    digits: int = 0
    counterexample: dict[str, float] | None = None
    lhs_value: str = ""
    rhs_value: str = ""
    residual: str = ""
    detail: str = ""
    extras: dict = field(default_factory=dict)


def _strategy(domain: Domain):
    if domain.integer:
        lo = max(int(domain.sample_lo), int(domain.lo) + 1 if domain.lo is not None else -10)
        return st.integers(min_value=lo, max_value=int(domain.sample_hi))
    return st.floats(
        min_value=domain.sample_lo,
        max_value=domain.sample_hi,
        exclude_min=True,
        exclude_max=True,
        allow_nan=False,
        allow_infinity=False,
    )


class _Undefined(ValueError):
    pass


def _value(expr: sp.Expr, env: dict) -> mp.mpf:
    try:
        value = numeric_value(expr, env)
    except (ZeroDivisionError, InvalidParameters) as exc:
        raise _Undefined(str(exc)) from None
    if isinstance(value, mp.mpc):
        if abs(value.imag) > mp.mpf(10) ** (-(mp.mp.dps - AGREEMENT_MARGIN)) * max(1, abs(value.real)):
            raise _Undefined("complex value")
        value = value.real
    if not mp.isfinite(value):
        raise _Undefined("not finite")
    return value


def _violates(lhs: mp.mpf, rhs: mp.mpf, relation: Relation) -> bool:
    scale = max(abs(lhs), abs(rhs), mp.mpf(1))
    tol = scale * mp.mpf(10) ** (-(mp.mp.dps - AGREEMENT_MARGIN))
    if relation is Relation.EQ:
        return abs(lhs - rhs) > tol
    if relation.direction < 0:
        return lhs > rhs + tol
    return lhs < rhs - tol


def _show(value: mp.mpf) -> str:
    return mp.nstr(value, 20)


def numeric_check(
    lhs: sp.Expr,
    rhs: sp.Expr,
    relation: Relation,
    domains: dict[sp.Symbol, Domain],
    assumptions: tuple[sp.Basic, ...] = (),
    *,
    examples: int | None = None,
    dps: int = DEFAULT_DPS,
    seconds: float = 20.0,
) -> NumericOutcome:
    """Search for a point inside the domains where ``lhs relation rhs`` fails."""
    symbols = set()
    for part in (lhs, rhs, *assumptions):
        symbols |= {s for s in part.free_symbols if isinstance(s, sp.Symbol)}
    missing = [s for s in symbols if s not in domains]
    if missing:
        return NumericOutcome("unevaluable", detail=f"no domain for {', '.join(map(str, missing))}")
    ordered = sorted(symbols, key=lambda s: s.name)
    heavy = any(isinstance(a, Functional) for part in (lhs, rhs) for a in sp.preorder_traversal(part))
    if examples is None:
        examples = 10 if heavy else 40

    state = {"points": 0, "undefined": 0, "deadline": time.monotonic() + seconds, "error": None}

    def fails(point: dict) -> bool:
        if time.monotonic() > state["deadline"]:
            return False
        with mp.workdps(dps):
            env = {s: mp.mpf(point[s.name]) for s in ordered}
            try:
                if not all(truth(a, env) for a in assumptions):
                    reject()
                try:
                    lv = _value(lhs, env)
                except _Undefined:
                    lv = None
                try:
                    rv = _value(rhs, env)
                except _Undefined:
                    rv = None
            except NotEvaluable as exc:
                state["error"] = str(exc)
                state["deadline"] = 0.0
                return False
            if lv is None and rv is None:
                state["undefined"] += 1
                reject()
            state["points"] += 1
            if lv is None or rv is None:
                return True
            return _violates(lv, rv, relation)

    strategy = st.fixed_dictionaries({s.name: _strategy(domains[s]) for s in ordered})
    config = settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    with mp.workdps(dps):
        try:
            found = find(strategy, fails, settings=config)
        except (NoSuchExample, Unsatisfiable):
            found = None
    if state["error"]:
        return NumericOutcome("unevaluable", state["points"], detail=state["error"])
    if found is None:
        if state["points"] == 0:
            return NumericOutcome("unevaluable", 0, detail="no point inside the domains satisfied the assumptions")
        return NumericOutcome("passed", state["points"], dps - AGREEMENT_MARGIN)
    with mp.workdps(dps):
        env = {s: mp.mpf(found[s.name]) for s in ordered}
        try:
            lv = _show(_value(lhs, env))
        except _Undefined as exc:
            lv = f"undefined ({exc})"
        try:
            rv = _show(_value(rhs, env))
        except _Undefined as exc:
            rv = f"undefined ({exc})"
        try:
            res = _show(_value(lhs, env) - _value(rhs, env))
        except _Undefined:
            res = "undefined"
    counterexample = {name: (int(v) if isinstance(v, int) else float(v)) for name, v in found.items()}
    # Hook (abstract densities): report the random finite instance behind the seed.
    from ..notation.abstract import INSTANCE

    if INSTANCE.name in found:
        for key, value in _instantiate.describe_instance(found[INSTANCE.name], dps, lhs, rhs).items():
            counterexample[f"{INSTANCE.name}: {key}"] = value
        for key, value in _random_matrices.describe_matrices(found[INSTANCE.name], found, dps, lhs, rhs).items():
            counterexample[f"{INSTANCE.name}: {key}"] = value
    return NumericOutcome(
        "refuted",
        state["points"],
        dps - AGREEMENT_MARGIN,
        counterexample,
        lv,
        rv,
        res,
        detail=f"{relation.value} fails",
    )
