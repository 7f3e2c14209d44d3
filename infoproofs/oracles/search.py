"""Directed search for a violation, after the random points found none.

A claim that fails only on a small region (``(x - 3.1)^2 >= 1e-6``, say) is
rarely hit by random points.  So the oracle minimises the claim's *margin*
(how far the relation holds, relative to the sides' size; negative where it
fails) with Nelder-Mead (``scipy.optimize.minimize``) from the random points
closest to failing.  The search runs in unconstrained coordinates mapped onto
each domain, so every iterate stays strictly inside it:

* (lo, hi): lo + (hi - lo) / (1 + e^-u)
* (lo, oo): lo + e^u, and (-oo, hi): hi - e^u (every decade reachable)
* the real line: sinh(u)

Integer coordinates, instance seeds and outcome indices stay at the start's
values.  The margin is computed at a low precision for speed; a candidate is
accepted only after ``compare.judge`` confirms the violation at full
precision.  The number of evaluations is fixed per step (no wall-clock cut), so
the search is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath as mp
import numpy as np
import sympy as sp

from ..derivation import Relation
from ..notation.domains import Domain
from .numeric_eval import InvalidParameters, NotEvaluable, evaluate_side, truth
from .points import POINT_DPS

__all__ = ["directed_search", "SearchResult", "margin", "SEARCH_DPS"]

SEARCH_DPS = 20


@dataclass
class SearchResult:
    evaluations: int
    found: dict | None = None


class _Found(Exception):
    pass


def _to_value(domain: Domain, u: float) -> mp.mpf:
    with mp.workdps(POINT_DPS):
        u_ = mp.mpf(float(np.clip(u, -700.0, 700.0)))
        if domain.lo is not None and domain.hi is not None:
            lo, hi = mp.mpf(sp.Float(domain.lo, POINT_DPS)), mp.mpf(sp.Float(domain.hi, POINT_DPS))
            return lo + (hi - lo) / (1 + mp.exp(-u_))
        if domain.lo is not None:
            return mp.mpf(sp.Float(domain.lo, POINT_DPS)) + mp.exp(u_)
        if domain.hi is not None:
            return mp.mpf(sp.Float(domain.hi, POINT_DPS)) - mp.exp(u_)
        return mp.sinh(u_)


def _to_u(domain: Domain, value: mp.mpf) -> float:
    with mp.workdps(POINT_DPS):
        if domain.lo is not None and domain.hi is not None:
            lo, hi = mp.mpf(sp.Float(domain.lo, POINT_DPS)), mp.mpf(sp.Float(domain.hi, POINT_DPS))
            t = (value - lo) / (hi - lo)
            return float(mp.log(t / (1 - t))) if 0 < t < 1 else 0.0
        if domain.lo is not None:
            gap = value - mp.mpf(sp.Float(domain.lo, POINT_DPS))
            return float(mp.log(gap)) if gap > 0 else 0.0
        if domain.hi is not None:
            gap = mp.mpf(sp.Float(domain.hi, POINT_DPS)) - value
            return float(mp.log(gap)) if gap > 0 else 0.0
        return float(mp.asinh(value))


def margin(lhs: sp.Basic, rhs: sp.Basic, relation: Relation, env: dict, scale: float | None = None) -> float:
    """How far ``lhs relation rhs`` holds at ``env``, in units of ``scale``; < 0 where it fails.

    ``scale`` is fixed per search (the sides' size at the start), so the
    landscape keeps its shape: a small hole is a valley, not a plateau at 1.
    Without it, the margin is relative to the sides at ``env``.  For ``=`` the
    margin is minus the gap (the search looks for the largest one).  One side
    undefined counts as failing (-1); both undefined, or a point the oracle
    cannot evaluate, as far from failing (+1e6).
    """
    with mp.workdps(SEARCH_DPS):
        try:
            lv = _real(evaluate_side(lhs, env)[0])
        except (ZeroDivisionError, InvalidParameters, OverflowError, ValueError):
            lv = None
        try:
            rv = _real(evaluate_side(rhs, env)[0])
        except (ZeroDivisionError, InvalidParameters, OverflowError, ValueError):
            rv = None
    if lv is None and rv is None:
        return 1e6
    if lv is None or rv is None:
        return -1.0
    if scale is None:
        scale = float(max(abs(lv), abs(rv)))
    if scale == 0:
        scale = 1.0
    gap = (lv - rv) / mp.mpf(scale)
    if relation is Relation.EQ:
        return -float(abs(gap))
    return float(-gap if relation.direction < 0 else gap)


def _real(value) -> mp.mpf:
    if isinstance(value, mp.mpc):
        if abs(value.imag) > mp.mpf(10) ** -(SEARCH_DPS - 5) * max(1, abs(value.real)):
            raise ValueError("complex")
        value = value.real
    if not mp.isfinite(value):
        raise ValueError("not finite")
    return value


def directed_search(
    lhs: sp.Basic,
    rhs: sp.Basic,
    relation: Relation,
    starts: list[dict],
    domains: dict[sp.Symbol, Domain],
    assumptions: tuple,
    confirm: Callable[[dict], bool],
    evaluations: int,
) -> SearchResult:
    """Minimise the margin from each start; ``confirm(point)`` re-judges a candidate at full precision."""
    from scipy.optimize import minimize  # 0.3 s to import: only when a search runs, not on a warm check

    used = [0]
    if not starts:
        return SearchResult(0)
    free = [s for s in starts[0] if not domains[s].integer and domains[s].sampler == "scales"]
    if not free:
        return SearchResult(0)
    per_start = max(8, evaluations // len(starts))
    found: list[dict] = []

    def point_of(start: dict, u) -> dict:
        point = dict(start)
        for s, value in zip(free, u):
            point[s] = _to_value(domains[s], value)
        return point

    for start in starts:
        if used[0] >= evaluations:
            break
        budget = min(per_start, evaluations - used[0])
        try:
            with mp.workdps(SEARCH_DPS):
                sides = [abs(_real(evaluate_side(e, start)[0])) for e in (lhs, rhs)]
            scale = float(max(sides)) or 1.0
        except (NotEvaluable, ZeroDivisionError, InvalidParameters, OverflowError, ValueError):
            scale = 1.0

        def objective(u, start=start, scale=scale) -> float:
            if used[0] >= evaluations:
                raise _Found
            used[0] += 1
            point = point_of(start, u)
            if not all(domains[s].contains(point[s]) for s in free):
                return 1e6
            try:
                if not all(truth(a, point) for a in assumptions):
                    return 1e6
                m = margin(lhs, rhs, relation, point, scale)
            except NotEvaluable:
                return 1e6
            if m < 0 and confirm(point):
                found.append(point)
                raise _Found
            return m

        u0 = np.array([_to_u(domains[s], start[s]) for s in free])
        try:
            minimize(
                objective, u0, method="Nelder-Mead",
                options={"maxfev": budget, "initial_simplex": _simplex(u0), "xatol": 1e-10, "fatol": 1e-14},
            )
        except _Found:
            pass
        if found:
            return SearchResult(used[0], found[0])
    return SearchResult(used[0])


def _simplex(u0: np.ndarray) -> np.ndarray:
    """A first simplex of half a unit in u (a factor 1.6 in scale): the random points already span decades."""
    n = len(u0)
    simplex = np.tile(u0, (n + 1, 1))
    for i in range(n):
        simplex[i + 1, i] += 0.5
    return simplex
