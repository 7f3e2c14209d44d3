"""Run a derivation's steps through the rule check and both oracles.

The verdict of a step combines two independent witnesses:

=====================  ==================  =========================================
symbolic               numeric             verdict
=====================  ==================  =========================================
proved                 passed/unevaluable  proved
proved                 refuted             unknown + INTERNAL ERROR (oracles disagree)
unknown / violated     passed              confirmed (a violated rule is noted)
any                    refuted             refuted, with the minimal counterexample
unknown                unevaluable         unknown, with both reasons
=====================  ==================  =========================================

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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DerivationResult:
    derivation: Derivation
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, verdict: str) -> int:
        return sum(1 for s in self.steps if s.verdict == verdict)

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


def combine(symbolic, numeric) -> tuple[str, str, bool]:
    """(verdict, reason, internal_error) from the two oracles' outcomes."""
    if numeric.status == "refuted":
        if symbolic.status == "proved":
            return (
                "unknown",
                f"INTERNAL ERROR: symbolic oracle proved the step ({symbolic.method}) but the numeric "
                f"oracle refuted it at {numeric.counterexample}; this is a bug in infoproofs",
                True,
            )
        where = f"at {numeric.counterexample}" if numeric.counterexample else "(no free symbols)"
        return "refuted", f"{numeric.detail} {where}: lhs = {numeric.lhs_value}, rhs = {numeric.rhs_value}", False
    if symbolic.status == "proved":
        return "proved", symbolic.detail, False
    if numeric.status == "passed":
        reason = f"numeric only: {numeric.points} points at {numeric.digits} digits"
        if symbolic.status == "violated":
            reason += f"; the cited rule does not apply: {symbolic.detail}"
        return "confirmed", reason, False
    return "unknown", f"symbolic: {symbolic.detail}; numeric: {numeric.detail}", False


def check_step(
    derivation: Derivation, previous: sp.Expr, step: Step, options: CheckOptions, cache: StepCache | None
) -> StepResult:
    started = time.perf_counter()
    params = _params_for_worker(step)
    assumptions = tuple(derivation.assumptions)
    domains = _domains(derivation, previous, step.expr, *assumptions)
    key = None
    if cache is not None:
        key = cache.key(previous, step.expr, step.relation.value, step.rule, params, assumptions, domains, options)
        hit = cache.get(key)
        if hit is not None:
            hit.update(index=step.index, seconds=time.perf_counter() - started, cached=True, note=step.note)
            return StepResult(**hit)
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
    )
    verdict, reason, internal = combine(symbolic, numeric)
    oracles = {
        "symbolic": {"status": symbolic.status, "method": symbolic.method, "detail": symbolic.detail},
        "numeric": {
            "status": numeric.status,
            "points": numeric.points,
            "digits": numeric.digits,
            "detail": numeric.detail,
        },
    }
    if numeric.status == "refuted":
        oracles["numeric"].update(lhs=numeric.lhs_value, rhs=numeric.rhs_value, residual=numeric.residual)
    result = StepResult(
        index=step.index,
        relation=step.relation.value,
        rule=step.rule,
        verdict=verdict,
        oracles=oracles,
        seconds=time.perf_counter() - started,
        counterexample=numeric.counterexample if verdict == "refuted" else None,
        reason=reason,
        internal_error=internal,
        note=step.note,
    )
    if cache is not None and key is not None and not internal:
        cache.put(key, result.to_json())
    return result


def check_derivation(
    derivation: Derivation,
    options: CheckOptions | None = None,
    on_step: Callable[[StepResult], None] | None = None,
) -> DerivationResult:
    options = options or CheckOptions()
    cache = StepCache() if options.use_cache else None
    started = time.perf_counter()
    result = DerivationResult(derivation)
    for previous, step in derivation.pairs():
        step_result = check_step(derivation, previous, step, options, cache)
        result.steps.append(step_result)
        if on_step is not None:
            on_step(step_result)
    result.seconds = time.perf_counter() - started
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
    if jobs <= 1 or len(derivations) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        def step_done(_step: StepResult) -> None:
            if on_progress is not None:
                on_progress(1)

        return [check_derivation(d, options, on_step=step_done) for d in derivations]
    _PARALLEL[:] = derivations
    found: dict[int, DerivationResult] = {}
    # Longest first: the files with many steps start early and the tail is short.
    order = sorted(range(len(derivations)), key=lambda i: -len(derivations[i].steps))
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
