"""Run a derivation's steps through the rule check and both oracles.

The verdict of a step combines two independent witnesses:

=====================  =======================  =========================================
symbolic               numeric                  verdict
=====================  =======================  =========================================
proved                 passed/unevaluable/      proved
                       inconclusive
proved                 refuted                  unknown + INTERNAL ERROR (oracles disagree)
refuted                refuted/passed (ties)/   refuted (a counterexample from the points)
                       inconclusive
refuted                passed with a visible    unknown + INTERNAL ERROR
                       gap the other way
unknown / violated     passed                   confirmed (a violated rule is noted)
any                    refuted                  refuted, with the minimal counterexample
unknown                unevaluable/inconclusive unknown, with both reasons
=====================  =======================  =========================================

A step justified by a lemma is no stronger than the lemma: the lemma is
checked too (from any file), and a proof "by lemma" counts only as far as the
lemma's own verdict.  A lemma that is only confirmed makes its use confirmed;
a lemma that is refuted or unknown proves nothing, and the step then stands on
the numeric oracle alone.

The checker never picks a side when the oracles disagree: such a step is
reported loudly and makes ``infoproofs check`` exit non-zero.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from typing import Any

import sympy as sp

from .cache import StepCache
from .derivation import Derivation, Step
from .notation.domains import domain_of
from .oracles.numeric import numeric_check
from .oracles.symbolic import symbolic_check
from .rules.core import NO_RULE

__all__ = ["StepResult", "DerivationResult", "check_derivation", "VERDICTS", "CheckOptions"]

VERDICTS = ("proved", "confirmed", "refuted", "unknown")


@dataclass
class CheckOptions:
    symbolic_seconds: float = 20.0
    numeric_seconds: float = 30.0
    examples: int | None = None
    dps: int = 40
    use_cache: bool = True


@dataclass
class StepResult:
    index: int
    relation: str
    rule: str
    verdict: str
    oracles: dict[str, Any]
    seconds: float
    counterexample: dict[str, float] | None = None
    reason: str = ""
    internal_error: bool = False
    note: str = ""
    cached: bool = False
    # "ok": the cited rule itself proved the step; "mismatch": the step holds, but by another method
    # (or the rule's side condition fails); "unverified": only confirmed numerically, the rule's own
    # check could not decide; "none": the step cites no rule (a claim read from LaTeX); "": refuted or unknown.
    citation: str = ""
    justified_by: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def mismatched(self) -> bool:
        return self.citation == "mismatch"


@dataclass
class DerivationResult:
    derivation: Derivation
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, verdict: str) -> int:
        return sum(1 for s in self.steps if s.verdict == verdict)

    @property
    def mismatches(self) -> int:
        """Steps that hold, but not by the rule they cite."""
        return sum(1 for s in self.steps if s.mismatched)

    @property
    def verdict(self) -> str:
        """The derivation's verdict is its weakest step's."""
        for worst in ("refuted", "unknown", "confirmed"):
            if self.count(worst):
                return worst
        return "proved"

    @property
    def internal_errors(self) -> int:
        return sum(1 for s in self.steps if s.internal_error)

    def _repr_html_(self) -> str | None:
        """In a notebook: the HTML report's section for this derivation (installed by ``render.notebook``)."""
        from .derivation import HOOKS

        shown = HOOKS.get("result_html")
        return shown(self) if shown else None

    def _repr_latex_(self) -> str | None:
        from .derivation import HOOKS

        shown = HOOKS.get("result_latex")
        return shown(self) if shown else None


def _intervals(derivation: Derivation) -> dict:
    return {s: (d.lo, d.hi) for s, d in derivation.domains.items()}


def _params_for_worker(step: Step) -> dict[str, Any]:
    """Step parameters in a picklable, hashable-by-srepr form.

    A lemma becomes (start, relation, result, its domains, its assumptions):
    the rule needs the last two to check that the lemma holds wherever the
    step is claimed.
    """
    params: dict[str, Any] = {}
    for key, value in step.params.items():
        if isinstance(value, Derivation):
            params[key] = (value.start, value.relation.value, value.result, _intervals(value), tuple(value.assumptions))
        else:
            params[key] = value
    return params


def _domains(derivation: Derivation, *exprs: sp.Basic) -> dict:
    found = {}
    for expr in exprs:
        for sym in expr.free_symbols:
            if isinstance(sym, sp.Symbol):
                domain = derivation.domains.get(sym) or domain_of(sym)
                if domain is not None:
                    found[sym] = domain
    return found


@dataclass
class LemmaStanding:
    """What a step by lemma may rely on: the weakest verdict among the lemmas it cites."""

    verdict: str = "proved"
    reason: str = ""


def combine(symbolic, numeric, lemma: LemmaStanding | None = None) -> tuple[str, str, bool]:
    """(verdict, reason, internal_error) from the two oracles' outcomes."""
    lemma = lemma or LemmaStanding()
    by_lemma = symbolic.status == "proved" and symbolic.method == "rule: lemma"
    if by_lemma and lemma.verdict in ("refuted", "unknown"):
        symbolic = type(symbolic)("unknown", "", f"the cited lemma proves nothing: {lemma.reason}")
    if numeric.status == "refuted":
        where = f"at {numeric.counterexample}" if numeric.counterexample else "(no free symbols)"
        found = f"{numeric.detail} {where}: lhs = {numeric.lhs_value}, rhs = {numeric.rhs_value}"
        if symbolic.status == "proved" and by_lemma and lemma.verdict == "confirmed":
            return "refuted", f"{found}; so the lemma it cites, only confirmed, is false: {lemma.reason}", False
        if symbolic.status == "proved":
            return (
                "unknown",
                f"INTERNAL ERROR: symbolic oracle proved the step ({symbolic.method}) but the numeric "
                f"oracle refuted it at {numeric.counterexample}; this is a bug in infoproofs",
                True,
            )
        return "refuted", found, False
    if symbolic.status == "refuted":
        if numeric.status == "passed" and numeric.decided:
            return (
                "unknown",
                f"INTERNAL ERROR: symbolic oracle refuted the step ({symbolic.detail}) but the numeric oracle saw "
                f"it hold with a visible gap at {numeric.decided} points; this is a bug in infoproofs",
                True,
            )
        seen = (
            "the numeric oracle saw no gap at its tolerance" if numeric.status == "passed"
            else f"numeric: {numeric.detail}"
        )
        return "refuted", f"refuted symbolically: {symbolic.detail} ({seen})", False
    if symbolic.status == "proved" and numeric.no_region:
        return (
            "unknown",
            f"symbolic: proved ({symbolic.method}), but no point satisfies the assumptions, so the region may be "
            "empty and the proof vacuous; numeric: " + numeric.detail,
            False,
        )
    if symbolic.status == "proved":
        if by_lemma and lemma.verdict == "confirmed":
            return "confirmed", f"{symbolic.detail or 'by the lemma'}; the lemma is only confirmed: {lemma.reason}", False
        return "proved", symbolic.detail, False
    if numeric.status == "passed":
        reason = f"numeric only: {numeric.describe()}"
        if numeric.detail:
            reason += f"; {numeric.detail}"
        return "confirmed", reason, False
    return "unknown", f"symbolic: {symbolic.detail}; numeric: {numeric.detail}", False


def citation_of(rule: str, verdict: str, symbolic) -> tuple[str, str]:
    """(citation, justified_by): does the cited rule justify the step, and what did?"""
    if verdict not in ("proved", "confirmed"):
        return "", ""
    if rule == NO_RULE:  # a claim read from a paper names no rule, so there is no citation to hold it to
        return "none", symbolic.method if symbolic.status == "proved" else "numeric evidence only"
    if symbolic.status == "proved":
        if symbolic.method == f"rule: {rule}":
            return "ok", rule
        return "mismatch", symbolic.method
    if symbolic.status == "violated":
        return "mismatch", "numeric evidence only"
    return "unverified", "numeric evidence only"


def _lemmas(step: Step) -> list[Derivation]:
    return [v for v in step.params.values() if isinstance(v, Derivation)]


# Verdicts of derivations checked in this process, so a lemma used many times is checked once.
_VERDICTS: dict[tuple, tuple[str, str]] = {}
_IN_PROGRESS: set[int] = set()


def _options_key(options: CheckOptions) -> tuple:
    return (options.examples, options.dps, options.symbolic_seconds, options.numeric_seconds)


def lemma_standing(step: Step, options: CheckOptions, cache: StepCache | None) -> LemmaStanding:
    """Check every derivation the step cites and return the weakest of their verdicts."""
    order = {"proved": 0, "confirmed": 1, "unknown": 2, "refuted": 3}
    standing = LemmaStanding()
    for lemma in _lemmas(step):
        key = (id(lemma), len(lemma.steps), _options_key(options))
        if key not in _VERDICTS:
            if id(lemma) in _IN_PROGRESS:
                verdict, why = "unknown", f"lemma {lemma.name!r} is circular (it depends on itself)"
            else:
                _IN_PROGRESS.add(id(lemma))
                try:
                    result = _check_derivation(lemma, options, cache, None)
                finally:
                    _IN_PROGRESS.discard(id(lemma))
                verdict = result.verdict
                if result.internal_errors:
                    verdict = "unknown"
                why = f"lemma {lemma.name!r} ({lemma.where}) is {verdict}"
                weak = [s for s in result.steps if s.verdict != "proved"]
                if weak:
                    why += f": its step {weak[0].index} is {weak[0].verdict} ({weak[0].reason[:160]})"
            _VERDICTS[key] = (verdict, why)
        verdict, why = _VERDICTS[key]
        if order[verdict] > order[standing.verdict]:
            standing = LemmaStanding(verdict, why)
        elif not standing.reason and verdict == standing.verdict:
            standing.reason = why
    return standing


def check_step(
    derivation: Derivation, previous: sp.Expr, step: Step, options: CheckOptions, cache: StepCache | None
) -> StepResult:
    started = time.perf_counter()
    params = _params_for_worker(step)
    assumptions = tuple(derivation.assumptions)
    domains = _domains(derivation, previous, step.expr, *assumptions)
    lemma = lemma_standing(step, options, cache) if _lemmas(step) else None
    key = None
    if cache is not None:
        key = _step_key(cache, previous, step, params, assumptions, domains, options, lemma)
        hit = _hit(cache, key, step, started)
        if hit is not None:
            return hit
    interval_domains = {s: (d.lo, d.hi) for s, d in domains.items()}
    symbolic = symbolic_check(
        previous, step.expr, step.relation, step.rule, params, assumptions, interval_domains, options.symbolic_seconds
    )
    numeric = numeric_check(
        previous,
        step.expr,
        step.relation,
        domains,
        assumptions,
        examples=options.examples,
        dps=options.dps,
        seconds=options.numeric_seconds,
        proved=symbolic.status == "proved" and symbolic.method != "rule: lemma",
    )
    if symbolic.status == "refuted" and numeric.sample is None and assumptions:
        # "false everywhere on the region" refutes nothing if the assumptions leave no region at all
        symbolic.status, symbolic.detail = "unknown", (
            f"{symbolic.detail}, but no point satisfying the assumptions was found, so the region may be empty"
        )
    verdict, reason, internal = combine(symbolic, numeric, lemma)
    oracles = {
        "symbolic": {"status": symbolic.status, "method": symbolic.method, "detail": symbolic.detail},
        "numeric": {
            "status": numeric.status,
            "points": numeric.points,
            "digits": numeric.digits,
            "precision": numeric.precision,
            "coverage": numeric.coverage,
            "searched": numeric.searched,
            "skipped": numeric.skipped,
            "detail": numeric.detail,
        },
    }
    if lemma is not None:
        oracles["lemma"] = {"verdict": lemma.verdict, "detail": lemma.reason}
    if numeric.status == "refuted":
        oracles["numeric"].update(lhs=numeric.lhs_value, rhs=numeric.rhs_value, residual=numeric.residual)
    citation, justified_by = citation_of(step.rule, verdict, symbolic)
    if citation == "mismatch":
        why = symbolic.detail if symbolic.status == "violated" else f"it holds by {justified_by}"
        reason = f"the cited rule '{step.rule}' does not justify this step; {why}" + (f"; {reason}" if reason else "")
    counterexample = None
    if verdict == "refuted":
        if numeric.status == "refuted":
            counterexample = numeric.counterexample
        elif numeric.sample is not None:
            counterexample = dict(numeric.sample["point"])
            reason += f"; e.g. at {counterexample}: lhs = {numeric.sample['lhs']}, rhs = {numeric.sample['rhs']}"
        else:
            counterexample = {}
    result = StepResult(
        index=step.index,
        relation=step.relation.value,
        rule=step.rule,
        verdict=verdict,
        oracles=oracles,
        seconds=time.perf_counter() - started,
        counterexample=counterexample,
        reason=reason,
        internal_error=internal,
        note=step.note,
        citation=citation,
        justified_by=justified_by,
    )
    if cache is not None and key is not None and not internal:
        cache.put(key, result.to_json())
    return result


def _step_key(cache: StepCache, previous, step: Step, params, assumptions, domains, options, lemma) -> str:
    return cache.key(
        previous, step.expr, step.relation.value, step.rule,
        {**params, "_lemma_verdict": lemma.verdict if lemma else ""}, assumptions, domains, options,
    )


def _hit(cache: StepCache, key: str, step: Step, started: float) -> StepResult | None:
    found = cache.get(key)
    if found is None:
        return None
    found.update(index=step.index, seconds=time.perf_counter() - started, cached=True, note=step.note)
    return StepResult(**found)


def _all_cached(derivation: Derivation, options: CheckOptions, cache: StepCache) -> list[StepResult] | None:
    """Every step's result from the cache, or None if one is missing (or cites a lemma).

    A warm check answers these in the parent process, so no worker pool is
    started for a catalog that has not changed.
    """
    results = []
    assumptions = tuple(derivation.assumptions)
    for previous, step in derivation.pairs():
        if _lemmas(step):
            return None
        started = time.perf_counter()
        domains = _domains(derivation, previous, step.expr, *assumptions)
        key = _step_key(cache, previous, step, _params_for_worker(step), assumptions, domains, options, None)
        hit = _hit(cache, key, step, started)
        if hit is None:
            return None
        results.append(hit)
    return results


def check_derivation(
    derivation: Derivation,
    options: CheckOptions | None = None,
    on_step: Callable[[StepResult], None] | None = None,
) -> DerivationResult:
    options = options or CheckOptions()
    cache = StepCache() if options.use_cache else None
    return _check_derivation(derivation, options, cache, on_step)


def _check_derivation(
    derivation: Derivation,
    options: CheckOptions,
    cache: StepCache | None,
    on_step: Callable[[StepResult], None] | None,
) -> DerivationResult:
    started = time.perf_counter()
    result = DerivationResult(derivation)
    _IN_PROGRESS.add(id(derivation))
    try:
        for previous, step in derivation.pairs():
            step_result = check_step(derivation, previous, step, options, cache)
            result.steps.append(step_result)
            if on_step is not None:
                on_step(step_result)
    finally:
        _IN_PROGRESS.discard(id(derivation))
    result.seconds = time.perf_counter() - started
    verdict = "unknown" if result.internal_errors else result.verdict
    _VERDICTS[(id(derivation), len(derivation.steps), _options_key(options))] = (
        verdict, f"lemma {derivation.name!r} ({derivation.where}) is {verdict}",
    )
    return result


# The derivations of a parallel check: forked children read them from here, so
# only indices go to the workers and only step results come back.
_PARALLEL: list[Derivation] = []


def _check_one(index: int, options: CheckOptions) -> tuple[int, list[StepResult], float]:
    result = check_derivation(_PARALLEL[index], options)
    return index, result.steps, result.seconds


def check_all(
    derivations: list[Derivation],
    options: CheckOptions,
    jobs: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> list[DerivationResult]:
    """Check many derivations, in ``jobs`` forked processes when more than one.

    Derivations are independent, so they are checked in parallel; each child
    process inherits the loaded derivations through fork (nothing is pickled
    but step results) and starts its own budgeted SymPy worker.
    """
    found: dict[int, DerivationResult] = {}
    pending = list(range(len(derivations)))
    if options.use_cache and jobs > 1:
        cache = StepCache()
        pending = []
        for i, d in enumerate(derivations):
            steps = _all_cached(d, options, cache) if cache.enabled else None
            if steps is None:
                pending.append(i)
                continue
            found[i] = DerivationResult(d, steps, sum(s.seconds for s in steps))
            if on_progress is not None:
                on_progress(len(steps))
    if jobs <= 1 or len(pending) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        def step_done(_step: StepResult) -> None:
            if on_progress is not None:
                on_progress(1)

        for i in pending:
            found[i] = check_derivation(derivations[i], options, on_step=step_done)
        return [found[i] for i in range(len(derivations))]
    _PARALLEL[:] = derivations
    # Longest first: the files with many steps start early and the tail is short.
    order = sorted(pending, key=lambda i: -len(derivations[i].steps))
    # Pool workers must not be daemonic: each starts its own budgeted SymPy worker.
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_check_one, i, options) for i in order]
            for future in as_completed(futures):
                index, steps, seconds = future.result()
                found[index] = DerivationResult(derivations[index], steps, seconds)
                if on_progress is not None:
                    on_progress(len(steps))
    finally:
        _PARALLEL.clear()
    return [found[i] for i in range(len(derivations))]
