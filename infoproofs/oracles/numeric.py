"""The numeric oracle: one pipeline of choose points, evaluate, compare, search, shrink.

1. **Choose** (``points``): a seeded design over the whole declared domain of
   each symbol, every decade and both bounds, filtered by the derivation's
   assumptions, so a step is never refuted (or confirmed) outside the region
   where it is claimed.
2. **Evaluate** (``numeric_eval``): both sides with mpmath, functionals from
   their *definitions* by quadrature or exact sums, never from a closed form.
3. **Compare** (``compare``): with an error estimate scaled to the terms that
   were summed, raising the precision (40, 80, 160 digits) where it cannot
   decide; strict relations need a gap that was seen, not a tie.
4. **Search** (``search``): Nelder-Mead on the claim's margin from the points
   closest to failing, for inequalities and non-smooth equalities.
5. **Shrink** (``shrink``): a failing point is simplified to a minimal
   counterexample, reported with both sides' values and the residual.

Nothing here writes to disk, and the design is deterministic: reruns give the
same points and the same verdicts.  The outcome says what was covered: the
number of points, the digits that agreed, the highest precision used, the
range each symbol was drawn over, and how many points were skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import mpmath as mp
import sympy as sp

from ..derivation import Relation
from ..notation.domains import Domain
from ..notation.functionals import Functional

# Hooks for abstract densities and matrices: importing ``instantiate`` and ``random_matrices``
# registers their evaluators, which build a random finite instance (Dirichlet tables, random
# positive-definite matrices) from the drawn seed symbol ``omega_``.
from . import instantiate as _instantiate
from . import random_matrices as _random_matrices
from .compare import Judgement, judge
from .numeric_eval import NotEvaluable, OutsideDomain, point_deadline, truth
from .points import design
from .search import directed_search
from .shrink import shrink

__all__ = ["NumericOutcome", "numeric_check", "DEFAULT_DPS", "format_value"]

DEFAULT_DPS = 40
# Points drawn per step, when not set: fewer when functionals make each evaluation a quadrature.
LIGHT_POINTS, HEAVY_POINTS = 40, 10
# Points for a cross-check of a smooth equality the symbolic oracle has already proved (light, heavy).
# A proof is the evidence there; the points look for a bug in it.  lhs - rhs is then analytic
# on each domain, so a false "proof" fails almost everywhere and the first points see it; the
# design's first points include the domain's edges.  Inequalities, kinks and claims only
# confirmed keep the full count, since there a failure can be local and the points are the evidence.
CROSS_CHECK_POINTS = {False: 16, True: 5}
# ... and the time such a cross-check of a heavy step may take: quadratures of heavy-tailed or edge-singular
# families cost seconds per point, and at parameters the oracle cannot evaluate (skipped points) nothing is
# learned for that time.  The proof stays the evidence; the cross-check is a bug search, bounded.
CROSS_CHECK_SECONDS = 6.0
# Directed-search and shrinking budgets (evaluations), light and heavy steps.
SEARCH_BUDGET = {False: 90, True: 12}
SHRINK_BUDGET = {False: 120, True: 30}
# Give up drawing when this many candidates per wanted point failed the assumptions or were skipped.
MAX_DRAWS_PER_POINT = 60
# "Confirmed" needs at least this many evaluated points (all of them, if fewer were wanted).
MIN_POINTS = 3
# Ties re-judged from the second precision on, so a gap below the first one's tolerance is seen.
PROBES = {False: 2, True: 0}
_NONSMOOTH = (sp.Min, sp.Max, sp.Abs, sp.Piecewise, sp.sign, sp.floor, sp.ceiling, sp.Heaviside)


@dataclass
class NumericOutcome:
    status: str  # "passed" | "refuted" | "unevaluable" | "inconclusive"
    points: int = 0
    digits: int = 0
    counterexample: dict[str, object] | None = None
    lhs_value: str = ""
    rhs_value: str = ""
    residual: str = ""
    detail: str = ""
    extras: dict = field(default_factory=dict)
    precision: int = 0
    coverage: dict[str, list] = field(default_factory=dict)
    searched: int = 0
    skipped: int = 0
    decided: int = 0  # points where an inequality held with a visible gap
    sample: dict | None = None  # the first evaluated point, with both sides (for symbolic refutations)
    no_region: bool = False  # no point satisfied the assumptions: the region may be empty

    def describe(self) -> str:
        """One phrase: how many points, how many digits agreed, and what was covered."""
        parts = [f"{self.points} points"]
        if self.searched:
            parts.append(f"a directed search of {self.searched} evaluations")
        text = " and ".join(parts) + f"; {self.digits} digits agreed"
        if self.precision > DEFAULT_DPS:
            text += f" (working precision up to {self.precision})"
        if self.coverage:
            text += "; covered " + ", ".join(f"{k} in [{v[0]}, {v[1]}]" for k, v in sorted(self.coverage.items()))
        if self.skipped:
            text += f"; {self.skipped} points skipped (outside what the oracle evaluates)"
        return text


def format_value(value: mp.mpf, integer: bool = False):
    """A JSON-friendly number: an int, a float that is exactly the value, or a 30-digit string."""
    if integer or (mp.isfinite(value) and value == int(value) and abs(value) < 2**53):
        return int(value)
    as_float = float(value)
    if mp.mpf(as_float) == value:
        return as_float
    return mp.nstr(value, 30)


def _show(value: mp.mpf | None, digits: int = 20) -> str:
    return "undefined" if value is None else mp.nstr(value, digits)


def _distinguishing_digits(lhs: mp.mpf | None, rhs: mp.mpf | None) -> int:
    """Enough digits that two close values print differently (20 at least)."""
    if lhs is None or rhs is None or lhs == rhs:
        return 20
    scale = max(abs(lhs), abs(rhs))
    return min(160, max(20, int(mp.ceil(mp.log10(scale / abs(lhs - rhs)))) + 4))


def _precisions(dps: int) -> tuple[int, ...]:
    return tuple(sorted({dps, max(2 * dps, 80), max(4 * dps, 160)}))


def _range_text(values: list[mp.mpf], integer: bool) -> list:
    lo, hi = min(values), max(values)
    if integer:
        return [int(lo), int(hi)]
    return [mp.nstr(lo, 3), mp.nstr(hi, 3)]


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
    proved: bool = False,
) -> NumericOutcome:
    """Search for a point inside the domains where ``lhs relation rhs`` fails.

    ``proved`` says the symbolic oracle proved the step: a smooth equality then
    gets a cross-check of ``CROSS_CHECK_POINTS`` points rather than the full
    design (see there); anything else is checked in full.
    """
    symbols: set[sp.Symbol] = set()
    for part in (lhs, rhs, *assumptions):
        symbols |= {s for s in part.free_symbols if isinstance(s, sp.Symbol)}
    missing = [s for s in symbols if s not in domains]
    if missing:
        return NumericOutcome("unevaluable", detail=f"no domain for {', '.join(map(str, missing))}")
    ordered = sorted(symbols, key=lambda s: s.name)
    heavy = any(isinstance(a, (Functional, sp.Integral)) for part in (lhs, rhs) for a in sp.preorder_traversal(part))
    full = examples if examples is not None else (HEAVY_POINTS if heavy else LIGHT_POINTS)
    wanted = full
    cross_check = proved and examples is None and not _worth_searching(lhs, rhs, relation)
    if cross_check:
        wanted = min(full, CROSS_CHECK_POINTS[heavy])
    precisions = _precisions(dps)
    deadline = time.monotonic() + (min(seconds, CROSS_CHECK_SECONDS) if cross_check and heavy else seconds)
    doms = {s: domains[s] for s in ordered}

    def judged(point: dict) -> Judgement:
        return judge(lhs, rhs, relation, point, precisions)

    evaluated: list[tuple[dict, Judgement]] = []
    skipped = inconclusive = strict_ties = draws = divergent = 0
    failing: tuple[dict, Judgement] | None = None
    timed_out = False
    try:
        # a heavy cross-check draws its points from the typical windows first, the last two from every class:
        # an extreme point (scales 1e8 apart) can take the whole budget and then be skipped, and a wrong proof
        # of an analytic identity fails at typical points as surely as at extreme ones
        typical = max(1, wanted - 2) if cross_check and heavy else max(1, wanted // 3)
        stream = design(ordered, doms, typical=typical)
        while len(evaluated) < wanted and draws < MAX_DRAWS_PER_POINT * full:
            if time.monotonic() > deadline:
                timed_out = True
                break
            point = next(stream)
            draws += 1
            try:
                with mp.workdps(dps):
                    if not all(truth(a, point) for a in assumptions):
                        continue
            except OutsideDomain:  # an assumption the oracle cannot evaluate here: the point is skipped
                skipped += 1
                continue
            with point_deadline(deadline):  # a point still running at the step's deadline is abandoned (skipped)
                j = judged(point)
            if j.status == "outside":
                skipped += 1
                divergent += j.divergent
                continue
            if j.status == "violated":
                failing = (point, j)
                break
            if j.status == "inconclusive":
                if j.singular and _exactly_undefined_on_one_side(lhs, rhs, point):
                    failing = (point, Judgement("violated", j.lhs, j.rhs, j.dps, 0,
                                                detail=j.detail.replace(", perhaps by rounding", " (exactly)")))
                    break
                inconclusive += 1
                continue
            if j.status == "tie" and relation.strict:
                if _exactly_equal(lhs, rhs, point):
                    failing = (point, Judgement("violated", j.lhs, j.rhs, j.dps, j.digits,
                                                detail="the two sides are exactly equal here"))
                    break
                strict_ties += 1
            evaluated.append((point, j))
            if not ordered:
                break  # a constant claim: one point says it all
        if failing is None and not relation.strict:
            # a gap of 1e-30 between the sides ties at 40 digits: re-judge a few ties from 80 digits on
            ties = [point for point, j in evaluated if j.status == "tie" and j.dps == precisions[0]]
            for point in ties[: PROBES[heavy]]:
                probe = judge(lhs, rhs, relation, point, precisions[1:])
                if probe.status == "violated":
                    failing = (point, probe)
                    break
        searched = 0
        if failing is None and evaluated and not timed_out and _worth_searching(lhs, rhs, relation):
            starts = _starts(evaluated, lhs, rhs, relation, heavy)

            def confirm(point: dict) -> bool:
                return judged(point).status == "violated"

            result = directed_search(
                lhs, rhs, relation, starts, doms, tuple(assumptions), confirm, SEARCH_BUDGET[heavy]
            )
            searched = result.evaluations
            if result.found is not None:
                failing = (result.found, judged(result.found))
    except NotEvaluable as exc:
        if isinstance(exc, OutsideDomain):  # pragma: no cover - judge() turns these into "outside"
            raise
        return NumericOutcome("unevaluable", len(evaluated), detail=str(exc))

    if failing is not None:
        return _refuted(
            lhs, rhs, relation, doms, tuple(assumptions), failing, len(evaluated), searched, precisions, heavy
        )

    coverage = _coverage(evaluated, doms)
    digits = min((j.digits for _, j in evaluated), default=dps - 15)
    precision = max((j.dps for _, j in evaluated), default=dps)
    sample = None
    if evaluated:
        point, j = evaluated[0]
        sample = {
            "point": {s.name: format_value(v, doms[s].integer) for s, v in point.items()},
            "lhs": _show(j.lhs), "rhs": _show(j.rhs), "tolerance": _show(j.tolerance),
        }
    common = dict(
        points=len(evaluated), digits=max(0, digits), precision=precision, coverage=coverage,
        searched=searched, skipped=skipped, sample=sample,
        decided=sum(1 for _, j in evaluated if j.status == "holds"),
    )
    if not evaluated:
        if inconclusive:
            return NumericOutcome(
                "inconclusive", detail=f"at all {inconclusive} points the sides agree only within the rounding "
                f"noise of cancelling terms, even at {precisions[-1]} digits", **common,
            )
        why = f"no point inside the domains satisfied the assumptions (of {draws} drawn)"
        empty = not skipped and not timed_out and bool(assumptions)
        if skipped:
            why = f"all {skipped} points drawn were outside what the oracle evaluates"
        if timed_out:
            why = f"the numeric budget of {seconds:g} s ran out before a point was evaluated"
        return NumericOutcome("unevaluable", detail=why, no_region=empty, **common)
    if strict_ties:
        return NumericOutcome(
            "inconclusive",
            detail=f"the sides agree within the tolerance at {strict_ties} of {len(evaluated)} points even at "
            f"{precisions[-1]} digits, so the strict inequality {relation.value} was not seen to hold",
            **common,
        )
    if ordered and len(evaluated) < min(wanted, MIN_POINTS):
        return NumericOutcome(
            "unevaluable",
            detail=f"only {len(evaluated)} point(s) could be evaluated ({skipped} skipped, {inconclusive} "
            f"inconclusive{', the time budget ran out' if timed_out else ''}): too few to confirm anything",
            **common,
        )
    if divergent:
        return NumericOutcome(
            "unevaluable",
            detail=f"at {divergent} of the points drawn an expectation has no finite value: the step is not a "
            "comparison of numbers there, so the points where it is cannot confirm it",
            **common,
        )
    outcome = NumericOutcome("passed", **common)
    notes = []
    if inconclusive:
        notes.append(f"{inconclusive} points inconclusive (cancellation beyond {precisions[-1]} digits)")
    if timed_out or len(evaluated) < wanted:
        notes.append(f"only {len(evaluated)} of the {wanted} points wanted were evaluated")
    outcome.detail = "; ".join(notes)
    return outcome


def _exact_definedness(lhs: sp.Expr, rhs: sp.Expr, point: dict) -> bool:
    """Runs in the budgeted worker: is exactly one side undefined (complex, infinite) at the point?"""

    def defined(expr: sp.Expr) -> bool:
        value = sp.simplify(expr.xreplace(point))
        return bool(value.is_finite and value.is_real) and not value.has(sp.zoo, sp.nan)

    return defined(lhs) != defined(rhs)


def _exactly_undefined_on_one_side(lhs: sp.Expr, rhs: sp.Expr, point: dict) -> bool:
    """A side undefined only after cancellation: does exact arithmetic agree that it is undefined?"""
    if any(isinstance(a, Functional) for part in (lhs, rhs) for a in sp.preorder_traversal(part)):
        return False
    from ..budget import BudgetExceeded, WorkerCrashed, run_with_budget
    from ..notation.domains import as_rational

    exact_point = {s: as_rational(v) for s, v in point.items()}
    try:
        return bool(run_with_budget(_exact_definedness, lhs, rhs, exact_point, seconds=5.0))
    except (BudgetExceeded, WorkerCrashed):
        return False


def _simple(value: sp.Rational) -> bool:
    """A value SymPy evaluates exactly at once: a small integer or a fraction with a small denominator."""
    return abs(value.p) < 10**6 and value.q < 10**6


def _exact_difference(lhs: sp.Expr, rhs: sp.Expr, point: dict) -> bool:
    """Runs in the budgeted worker: is lhs - rhs exactly 0 at the (rational) point?"""
    return sp.simplify((lhs - rhs).xreplace(point)) == 0


def _exactly_equal(lhs: sp.Expr, rhs: sp.Expr, point: dict) -> bool:
    """For a strict relation's tie: are the sides *exactly* equal at this point (then it fails)?

    The point's coordinates are exact binary numbers; SymPy evaluates the
    residual exactly there (under a time budget).  Only for expressions without
    functionals, whose values SymPy cannot compute exactly.
    """
    if any(isinstance(a, Functional) for part in (lhs, rhs) for a in sp.preorder_traversal(part)):
        return False
    from ..budget import BudgetExceeded, WorkerCrashed, run_with_budget
    from ..notation.domains import as_rational

    exact_point = {s: as_rational(v) for s, v in point.items()}
    if not all(_simple(v) for v in exact_point.values()):
        return False  # exact ties happen at simple points (0, 1, 1/2); random ones only tie by rounding
    try:
        return bool(run_with_budget(_exact_difference, lhs, rhs, exact_point, seconds=5.0))
    except (BudgetExceeded, WorkerCrashed):
        return False


def _worth_searching(lhs: sp.Expr, rhs: sp.Expr, relation: Relation) -> bool:
    """Inequalities always; equalities only with kinks (Min, Max, |.|, ...), where failure can be local."""
    if relation is not Relation.EQ:
        return True
    return any(isinstance(a, _NONSMOOTH) for part in (lhs, rhs) for a in sp.preorder_traversal(part))


def _starts(evaluated, lhs, rhs, relation, heavy: bool) -> list[dict]:
    """The evaluated points closest to failing (smallest margin), at most 3 (1 for heavy steps)."""
    scored = []
    for point, j in evaluated:
        if j.lhs is None or j.rhs is None:
            continue
        scale = max(abs(j.lhs), abs(j.rhs))
        gap = (j.lhs - j.rhs) / scale if scale else mp.mpf(0)
        if relation is Relation.EQ:
            score = -abs(gap)
        else:
            score = -gap if relation.direction < 0 else gap
        scored.append((float(score), point))
    scored.sort(key=lambda t: t[0])
    return [p for _, p in scored[: (1 if heavy else 3)]]


def _coverage(evaluated, doms: dict[sp.Symbol, Domain]) -> dict[str, list]:
    found: dict[str, list] = {}
    for sym, domain in doms.items():
        if domain.sampler == "seed":
            continue
        values = [p[sym] for p, _ in evaluated]
        if values:
            found[sym.name] = _range_text(values, domain.integer)
    seeds = [s for s, d in doms.items() if d.sampler == "seed"]
    if seeds and evaluated:
        from ..notation.abstract import INSTANCE

        if INSTANCE in doms:
            sizes: dict[str, list[int]] = {}
            for p, _ in evaluated:
                inst = _instantiate.instance(int(p[INSTANCE]), DEFAULT_DPS)
                for label, n in inst._sizes.items():
                    sizes.setdefault(label, []).append(n)
            for label, ns in sorted(sizes.items()):
                found[f"|{label}|"] = [min(ns), max(ns)]
    return found


def _refuted(lhs, rhs, relation, doms, assumptions, failing, points, searched, precisions, heavy) -> NumericOutcome:
    point, first = failing

    def still_fails(trial: dict) -> bool:
        try:
            with mp.workdps(precisions[0]):
                if not all(truth(a, trial) for a in assumptions):
                    return False
            return judge(lhs, rhs, relation, trial, precisions).status == "violated"
        except NotEvaluable:
            return False

    small, _ = shrink(point, doms, still_fails, SHRINK_BUDGET[heavy])
    j = judge(lhs, rhs, relation, small, precisions)
    if j.status != "violated":  # pragma: no cover - shrinking only accepts failing points
        small, j = point, first
    counterexample: dict[str, object] = {
        s.name: format_value(v, doms[s].integer) for s, v in sorted(small.items(), key=lambda kv: kv[0].name)
    }
    from ..notation.abstract import INSTANCE

    if INSTANCE in small:
        # the random instance behind the seed, under readable names: Sigma[0,0], |z|, p(x=0, z=1)
        seed = int(small[INSTANCE])
        values = {name: v for name, v in counterexample.items()}
        counterexample.pop(INSTANCE.name, None)
        counterexample["instance seed"] = seed
        for key, value in _instantiate.describe_instance(seed, j.dps, lhs, rhs).items():
            counterexample.setdefault(key, value)
        for key, value in _random_matrices.describe_matrices(seed, values, j.dps, lhs, rhs).items():
            counterexample.setdefault(key, value)
    residual = _show(j.residual) if j.residual is not None else "undefined"
    detail = f"{relation.value} fails" + (f" ({j.detail})" if j.detail else "")
    shown = _distinguishing_digits(j.lhs, j.rhs)
    return NumericOutcome(
        "refuted", points, max(0, j.digits), counterexample, _show(j.lhs, shown), _show(j.rhs, shown), residual,
        detail=detail, precision=j.dps, searched=searched,
    )

