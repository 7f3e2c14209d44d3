"""Compare two sides at one point, with an error estimate and rising precision.

A point gets one of four judgements:

* ``holds``: the relation holds with room to spare (beyond the error estimate);
* ``violated``: it fails beyond the error estimate (or one side is undefined
  where the other is not);
* ``tie``: the sides agree within the error estimate; this passes ``=``,
  ``<=`` and ``>=`` but never ``<`` or ``>``, which need a gap that was seen;
* ``outside``: the point is outside the claim's domain or beyond the oracle's
  reach (an index past the support, a dimension too large): skipped.

The tolerance at P working digits is the sides' propagated error estimates
(``numeric_eval``: running error analysis, quadrature disagreements included)
times a safety factor, plus ``10^-(P - MARGIN)`` of the sides.  So when large
terms cancel, as in ``cosh(100 x)^2 - sinh(100 x)^2`` at x = 1 (terms ~1e86),
the residual is not mistaken for a violation: the precision is raised (40, 80,
160 digits) until the sides rise above their error.  A residual that
stays below the crude estimate even at the highest precision is trusted only
if it is *stable* between the last two precisions (a real exponentially small
gap is; rounding noise is not).  The digits reported are those that actually
agreed, relative to the sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp
import sympy as sp

from ..derivation import Relation
from .numeric_eval import Divergent, InvalidParameters, NotEvaluable, OutsideDomain, Singular, evaluate_side

__all__ = ["Judgement", "judge", "MARGIN", "PRECISIONS", "MEANINGFUL_DIGITS"]

MARGIN = 15
# Working precisions tried in turn when a comparison is not decided.
PRECISIONS = (40, 80, 160)
# A tie is accepted once the sides agree to this many digits of their own size.
MEANINGFUL_DIGITS = 10


@dataclass
class Judgement:
    status: str  # "holds" | "violated" | "tie" | "outside"
    lhs: mp.mpf | None = None
    rhs: mp.mpf | None = None
    dps: int = 0
    digits: int = 0  # digits of the sides that agreed (ties) or separated them (decided)
    detail: str = ""
    tolerance: mp.mpf | None = None
    singular: bool = False  # one side undefined after cancelling terms: an exact evaluation may decide
    divergent: bool = False  # "outside" because an expectation has no finite value here (``Divergent``)

    @property
    def residual(self) -> mp.mpf | None:
        if self.lhs is None or self.rhs is None:
            return None
        return self.lhs - self.rhs


class _Undefined(ValueError):
    """A side has no real value here; ``exact`` when that is certain (not an artefact of rounding)."""

    def __init__(self, why: str, exact: bool):
        super().__init__(why)
        self.exact = exact


# The error estimate is first order: a generous factor on top of it.
SAFETY = mp.mpf(2) ** 16


def _side(expr: sp.Basic, env: dict) -> tuple[mp.mpf, mp.mpf]:
    """(value, absolute error bound) of one side, or _Undefined."""
    try:
        value, error = evaluate_side(expr, env)
    except InvalidParameters as exc:
        raise _Undefined(str(exc), True) from None  # a law's parameter outside its range: no rounding does that
    except Singular as exc:
        raise _Undefined(str(exc), exc.exact) from None
    except ZeroDivisionError as exc:
        raise _Undefined(str(exc) or "division by zero", False) from None
    except OverflowError:
        raise _Undefined("overflow", False) from None
    if isinstance(value, mp.mpc):
        if abs(value.imag) > error * SAFETY + mp.mpf(10) ** (-(mp.mp.dps - MARGIN)) * abs(value.real):
            raise _Undefined("complex value", abs(value.imag) > error * SAFETY * 2**20)
        value = value.real
    if not mp.isfinite(value):
        raise _Undefined("not finite", False)
    return value, error


def _decide(residual: mp.mpf, relation: Relation) -> str:
    """'holds' or 'violated' for a residual lhs - rhs known to be non-zero."""
    if relation is Relation.EQ:
        return "violated"
    if relation.direction < 0:
        return "holds" if residual < 0 else "violated"
    return "holds" if residual > 0 else "violated"


def _digits(size: mp.mpf, tolerance: mp.mpf, dps: int) -> int:
    """Digits of ``size`` that the tolerance resolves: relative to the sides when they are above the
    error, else absolute (both sides are 0 to within it); at most the working digits less the margin."""
    if tolerance == 0:
        return dps - MARGIN
    reference = max(size, mp.mpf(1))  # relative for large values, absolute for those below 1
    return int(max(0, min(dps - MARGIN, mp.floor(mp.log10(reference / tolerance)))))


def _side_stable(value: mp.mpf, before: mp.mpf, error: mp.mpf) -> bool:
    """A side is trusted below the error bound only if two precisions agree on it to 6 digits.

    A side that is exactly 0 although its error bound is not (``cosh(100)^2 -
    sinh(100)^2`` at 80 digits rounds to exactly 0) is noise, not a value.
    """
    if error == 0:
        return True  # computed exactly
    if value == 0:
        return False
    return abs(value - before) <= abs(value) * mp.mpf(10) ** -6


def _stable(now: tuple, previous: tuple | None) -> bool:
    """Both sides and their (non-zero) residual agree across two precisions: a real gap, not rounding."""
    if previous is None:
        return False
    lv, rv, le, re = now
    plv, prv, _, _ = previous
    residual, before = lv - rv, plv - prv
    if residual == 0 or abs(residual - before) > abs(residual) * mp.mpf(10) ** -6:
        return False
    return _side_stable(lv, plv, le) and _side_stable(rv, prv, re)


def judge(
    lhs: sp.Basic, rhs: sp.Basic, relation: Relation, env: dict, precisions: tuple[int, ...] = PRECISIONS
) -> Judgement:
    """Judge ``lhs relation rhs`` at the point ``env`` (raises NotEvaluable for what cannot be evaluated).

    At each precision: a residual beyond the error estimate decides the point.
    Otherwise the sides agree within it; the agreement is *meaningful* when the
    error is below 1e-10 of the sides' size (at least 1), and *trusted* when the
    sides are also above the error (else they might be a tiny real gap, which a
    second precision tells apart from noise).  Strict relations never accept a
    tie: they rise to the highest precision looking for the gap.  A tie that is
    still not meaningful at the highest precision is ``inconclusive``.
    """
    previous: tuple | None = None
    previous_tolerance: mp.mpf | None = None
    previous_dps = 0
    last: Judgement | None = None
    for i, dps in enumerate(precisions):
        final = i == len(precisions) - 1
        with mp.workdps(dps):
            try:
                try:
                    lv, le = _side(lhs, env)
                    lerr = None
                except _Undefined as exc:
                    lv, le, lerr = None, mp.mpf(0), exc
                try:
                    rv, re = _side(rhs, env)
                    rerr = None
                except _Undefined as exc:
                    rv, re, rerr = None, mp.mpf(0), exc
            except OutsideDomain as exc:
                return Judgement("outside", dps=dps, detail=str(exc), divergent=isinstance(exc, Divergent))
            if lv is None and rv is None:
                return Judgement("outside", dps=dps, detail=f"both sides undefined ({lerr})")
            if lv is None or rv is None:
                # undefined on one side only: a violation, unless rounding caused it (then more digits help)
                err = lerr or rerr
                why = f"the {'left' if lv is None else 'right'} side is undefined ({err})"
                if err.exact:
                    return Judgement("violated", lv, rv, dps, detail=why)
                if final:
                    return Judgement("inconclusive", lv, rv, dps, detail=f"{why}, perhaps by rounding", singular=True)
                continue
            residual = lv - rv
            sides = max(abs(lv), abs(rv))
            tolerance = (le + re) * SAFETY + sides * mp.mpf(10) ** (-(dps - MARGIN))
            if abs(residual) > tolerance:
                return Judgement(
                    _decide(residual, relation), lv, rv, dps, _digits(abs(residual), tolerance, dps),
                    tolerance=tolerance,
                )
            if lv == 0 and rv == 0:
                if le == 0 and re == 0 and relation.strict:
                    # both computed exactly (no rounding anywhere), so 0 < 0 is simply false
                    return Judgement("violated", lv, rv, dps, dps - MARGIN, detail="both sides are exactly 0",
                                     tolerance=tolerance)
                return Judgement("tie", lv, rv, dps, dps - MARGIN, detail="both sides are exactly 0",
                                 tolerance=tolerance)
            # Stability across precisions tells a real gap from *rounding*, whose bound shrinks as the
            # digits grow; a truncation error (a quadrature that stopped early) is stable too, and its
            # bound does not shrink, so then stability proves nothing.
            shrinking = previous_tolerance is not None and tolerance <= previous_tolerance * mp.mpf(10) ** (
                -(dps - previous_dps) / 2)
            if shrinking and _stable((lv, rv, le, re), previous):
                return Judgement(_decide(residual, relation), lv, rv, dps, 6,
                                 detail="a residual below the error bound but stable across precisions",
                                 tolerance=tolerance)
            meaningful = tolerance <= max(sides, mp.mpf(1)) * mp.mpf(10) ** (-MEANINGFUL_DIGITS)
            trusted = sides >= tolerance or previous is not None
            last = Judgement("tie", lv, rv, dps, _digits(sides, tolerance, dps), tolerance=tolerance)
            if meaningful and trusted and not relation.strict:
                return last
            if final:
                if not meaningful:
                    last.status = "inconclusive"
                    last.detail = "the sides agree only within the rounding noise of cancelling terms"
                return last
            previous = (lv, rv, le, re)
            previous_tolerance, previous_dps = tolerance, dps
    assert last is not None
    return last


__all__ += ["NotEvaluable"]
