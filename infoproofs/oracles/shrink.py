"""Shrink a failing point to a minimal counterexample, the way hypothesis shrinks.

A refuted step should read like a hypothesis failure: the simplest point that
still fails.  Starting from the failing point, each coordinate in turn is
replaced by the first *simpler* value that keeps the step failing:

1. the simple values inside its domain (0, 1, -1, 2, 1/2, ...), then
2. the nearest integers, then
3. the value rounded to 1, 2, ... 6 significant digits, then
4. points halfway towards the simplest value of the domain;

integers move towards the smallest allowed value (halving the distance),
instance seeds towards 0 (small seeds are small instances), and passes repeat
until nothing changes or the budget of re-checks is spent.  Every candidate is
re-judged at full precision, so shrinking never invents a failure.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath as mp
import sympy as sp

from ..notation.domains import Domain
from .points import POINT_DPS

__all__ = ["shrink", "complexity"]

_SIMPLE = [0, 1, -1, 2, -2, sp.Rational(1, 2), sp.Rational(-1, 2), 3, -3, 4, 5, 10, sp.Rational(1, 10)]


def _mpf(value) -> mp.mpf:
    with mp.workdps(POINT_DPS):
        return mp.mpf(sp.Float(value, POINT_DPS + 10)) if isinstance(value, sp.Basic) else mp.mpf(value)


def complexity(value: mp.mpf) -> tuple:
    """Sort key of simplicity: integers first, then fewer significant digits, then smaller magnitude."""
    if value == 0:
        return (0, 0, 0.0)
    if value == int(value):
        return (0, len(str(abs(int(value)))), float(abs(value)))
    for digits in range(1, 40):
        with mp.workdps(POINT_DPS):
            if mp.almosteq(mp.mpf(mp.nstr(value, digits)), value, rel_eps=mp.mpf(10) ** -(POINT_DPS - 5)):
                return (1, digits, float(abs(value)))
    return (2, 40, float(abs(value)))


def _anchor(domain: Domain) -> mp.mpf:
    """The simplest value of the domain: 0 or 1 when inside, else the simplest integer, else the middle."""
    for value in _SIMPLE:
        v = _mpf(value)
        if domain.contains(v):
            return v
    if domain.lo is not None and domain.hi is not None:
        return _mpf((domain.lo + domain.hi) / 2)
    if domain.lo is not None:
        return _mpf(sp.floor(domain.lo) + 1)
    return _mpf(sp.ceiling(domain.hi) - 1)


def _round_candidates(value: mp.mpf) -> list[mp.mpf]:
    """``value`` rounded to fewer significant digits, both ways, and to the nearest integers."""
    with mp.workdps(POINT_DPS):
        found = [mp.floor(value), mp.ceil(value)]
        if value != 0:
            exponent = int(mp.floor(mp.log10(abs(value))))
            for digits in range(1, 7):
                unit = mp.mpf(10) ** (exponent - digits + 1)
                found += [mp.floor(value / unit) * unit, mp.ceil(value / unit) * unit]
        return found


class _Budget:
    def __init__(self, total: int, still_fails: Callable[[dict], bool]):
        self.left = total
        self.still_fails = still_fails
        self.seen: dict[tuple, bool] = {}

    def fails(self, point: dict) -> bool:
        key = tuple(sorted((s.name, mp.nstr(v, 40)) for s, v in point.items()))
        if key not in self.seen:
            if self.left <= 0:
                return False
            self.left -= 1
            self.seen[key] = self.still_fails(point)
        return self.seen[key]


def _shrink_integer(sym, domain: Domain, current: dict, budget: _Budget) -> dict:
    if domain.sampler == "seed":
        for v in range(0, min(16, int(current[sym]))):
            trial = {**current, sym: mp.mpf(v)}
            if budget.fails(trial):
                return trial
        return current
    smallest = int(sp.floor(domain.lo)) + 1 if domain.lo is not None else 0
    value = int(current[sym])
    if value <= smallest:
        return current
    if domain.contains(mp.mpf(smallest)) and budget.fails({**current, sym: mp.mpf(smallest)}):
        return {**current, sym: mp.mpf(smallest)}
    lo, hi = smallest, value  # lo holds (or is not allowed), hi fails
    while hi - lo > 1 and budget.left > 0:
        mid = (lo + hi) // 2
        if budget.fails({**current, sym: mp.mpf(mid)}):
            hi = mid
        else:
            lo = mid
    return {**current, sym: mp.mpf(hi)}


def _shrink_real(sym, domain: Domain, current: dict, budget: _Budget) -> dict:
    value = current[sym]
    here = complexity(value)
    for simple in _SIMPLE:
        v = _mpf(simple)
        if v != value and domain.contains(v) and complexity(v) < here and budget.fails({**current, sym: v}):
            return {**current, sym: v}
    anchor = _anchor(domain)
    if budget.fails({**current, sym: anchor}):
        return {**current, sym: anchor}
    # boundary search between the anchor (holds) and the value (fails): first by scale, then by halves
    with mp.workdps(POINT_DPS):
        near, far = anchor, value
        for _ in range(60):
            if budget.left <= 0:
                break
            gap_far, gap_near = abs(far - anchor), abs(near - anchor)
            if gap_near > 0 and gap_far / gap_near > 4:
                mid = anchor + (far - anchor) * mp.sqrt(gap_near / gap_far)
            elif gap_near == 0 and gap_far > 1e-6:
                mid = anchor + (far - anchor) * mp.mpf(10) ** -6
            else:
                mid = (near + far) / 2
            if not domain.contains(mid) or mid in (near, far):
                break
            if budget.fails({**current, sym: mid}):
                far = mid
            else:
                near = mid
            if abs(far - near) <= abs(far) * mp.mpf(10) ** -6:
                break
    best = far
    for candidate in sorted(_round_candidates(far), key=complexity):
        if complexity(candidate) >= complexity(best) or not domain.contains(candidate):
            continue
        if budget.fails({**current, sym: candidate}):
            best = candidate
            break
    if best == value:
        return current
    return {**current, sym: best}


def shrink(
    point: dict[sp.Symbol, mp.mpf],
    domains: dict[sp.Symbol, Domain],
    still_fails: Callable[[dict], bool],
    budget: int,
) -> tuple[dict[sp.Symbol, mp.mpf], int]:
    """A simpler point that still fails (and the number of re-checks spent)."""
    current = dict(point)
    spend = _Budget(budget, still_fails)
    for _ in range(4):
        before = dict(current)
        for sym in sorted(current, key=lambda s: s.name):
            if spend.left <= 0:
                break
            domain = domains[sym]
            if domain.integer or domain.sampler != "scales":
                current = _shrink_integer(sym, domain, current, spend)
            else:
                current = _shrink_real(sym, domain, current, spend)
        if current == before or spend.left <= 0:
            break
    return current, budget - spend.left
