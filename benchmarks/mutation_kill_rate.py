"""Mutation harness: break every catalog step in every applicable way; report the kill rate.

A mutant is *killed* when the checker refutes it.  A surviving mutant is
listed with the reason: proved symbolically means it is equivalent to the
original step (the operator did not change its meaning); confirmed or
unknown means the checker failed to catch a real error, which is a bug.

Run: ``python benchmarks/mutation_kill_rate.py [PATH ...] [--select all|heavy-families] [-j N] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sympy as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("INFOPROOFS_CACHE", tempfile.mkdtemp(prefix="infoproofs-mutation-"))

from infoproofs.catalog import load_paths  # noqa: E402
from infoproofs.check import CheckOptions, check_step  # noqa: E402
from infoproofs.derivation import Step  # noqa: E402
from infoproofs.mutation import KNOWN_TRUE_MUTANTS, mutants  # noqa: E402


def _implied(d, step: Step, rhs, relation) -> bool:
    """Does the original step imply the mutant?  a R b and b R' c with R' the mutant's relation, proved.

    For a mutant ``a <= c`` of a proved ``a <= b``, it suffices that ``b <= c``
    is proved symbolically (by the sign of c - b under the same domains and
    assumptions); then the mutant is a true, weaker statement.
    """
    if step.relation.value == "=" or step.relation.direction != relation.direction:
        return False
    bridge = Step(relation, rhs, "sign of the residual", {}, "", step.where, step.index)
    return check_step(d, step.expr, bridge, CheckOptions(use_cache=False), None).verdict == "proved"


def _is_heavy(expr) -> bool:
    from infoproofs.notation.functionals import Functional

    return any(isinstance(a, Functional) for a in sp.preorder_traversal(expr))


def _cases(paths: list[str], selection: str) -> list[tuple[str, int, str]]:
    """(derivation, step index, operator) of every mutant the selection names.

    ``heavy-families`` is the set the test suite leaves out for time (steps of the families' derivations
    that still hold an expectation, each mutant a quadrature design); ``all`` is every mutant.
    """
    cases = []
    for d in load_paths(paths):
        for _previous, step in d.pairs():
            if selection == "heavy-families" and not ("families_" in d.file and _is_heavy(step.expr)):
                continue
            for kind, _rhs, _relation in mutants(step.expr, step.relation):
                cases.append((d.name, step.index, kind))
    return cases


_LOADED: dict = {}


def _judge(paths: tuple[str, ...], case: tuple[str, int, str]) -> dict:
    """Check one mutant; runs in a worker process, which loads the catalog once."""
    if paths not in _LOADED:
        _LOADED[paths] = {d.name: d for d in load_paths(list(paths))}
    name, index, kind = case
    d = _LOADED[paths][name]
    previous, step = d.pairs()[index - 1]
    _, rhs, relation = [m for m in mutants(step.expr, step.relation) if m[0] == kind][0]
    broken = Step(relation, rhs, step.rule, dict(step.params), step.note, step.where, step.index)
    started = time.perf_counter()
    result = check_step(d, previous, broken, CheckOptions(use_cache=False), None)
    seconds = time.perf_counter() - started
    verdict = result.verdict
    reason = ""
    if verdict == "refuted":
        pass
    elif verdict == "proved":
        reason = "TRUE: the mutant is proved (equivalent to, or weaker than, the original)"
    elif verdict == "confirmed" and relation.value != "=" and _implied(d, step, rhs, relation):
        reason = (
            "TRUE: weaker than the original step, which implies it (the gap between the two "
            "right-hand sides has a proved sign)"
        )
    elif verdict == "confirmed" and (d.name, step.index, kind) in KNOWN_TRUE_MUTANTS:
        reason = f"TRUE (argued, not proved): {KNOWN_TRUE_MUTANTS[(d.name, step.index, kind)]}"
    elif verdict == "confirmed" and relation.value != "=":
        reason = (
            f"STILL HOLDS at {result.oracles['numeric']['points']} sampled points: a weakened "
            "inequality that is plausibly still true, but not proved"
        )
    else:
        reason = f"NOT CAUGHT ({verdict}): {result.reason}"
    return {"derivation": name, "step": index, "operator": kind, "verdict": verdict, "reason": reason,
            "seconds": round(seconds, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "derivations")])
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--select", choices=("all", "heavy-families"), default="all",
                        help="heavy-families: only the mutants the test suite leaves out for time")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args()
    started = time.perf_counter()
    paths = tuple(args.paths)
    cases = _cases(list(paths), args.select)
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(_judge, [paths] * len(cases), cases, chunksize=1))
    else:
        results = [_judge(paths, case) for case in cases]
    total = len(results)
    killed = sum(1 for r in results if r["verdict"] == "refuted")
    survivors = [r for r in results if r["verdict"] != "refuted"]
    by_operator: dict[str, list[int]] = {}
    for r in results:
        counts = by_operator.setdefault(r["operator"], [0, 0])
        counts[1] += 1
        counts[0] += r["verdict"] == "refuted"
    seconds = time.perf_counter() - started
    print(f"{'operator':28} {'killed':>8} {'total':>8}")
    for kind, (k, n) in sorted(by_operator.items()):
        print(f"{kind:28} {k:8d} {n:8d}")
    rate = killed / total if total else 1.0
    print(f"kill rate: {killed}/{total} = {rate:.1%} in {seconds:.0f} s")
    for s in survivors:
        print(f"  survivor: {s['derivation']} step {s['step']} [{s['operator']}]: {s['reason']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"killed": killed, "total": total, "survivors": survivors,
                                               "results": results}, indent=2))
    not_equivalent = [s for s in survivors if s["reason"].startswith("NOT CAUGHT")]
    print(f"not caught (a false step confirmed or left unknown): {len(not_equivalent)}")
    return 1 if not_equivalent else 0


if __name__ == "__main__":
    sys.exit(main())
