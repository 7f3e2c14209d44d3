"""The JSON report, a contract other tools rely on (see the README for its schema)."""

from __future__ import annotations

import json
from typing import Any

import sympy as sp

from ..check import VERDICTS, DerivationResult

__all__ = ["report", "dumps"]


def _derivation(result: DerivationResult) -> dict[str, Any]:
    d = result.derivation
    return {
        "name": d.name,
        "title": d.title,
        "file": d.file,
        "source": d.source,
        "conclusion": f"{sp.sstr(d.start)} {d.relation.value} {sp.sstr(d.result)}",
        "verdict": result.verdict,
        "seconds": round(result.seconds, 4),
        "steps": [
            {
                "index": s.index,
                "relation": s.relation,
                "rule": s.rule,
                "verdict": s.verdict,
                "oracles": s.oracles,
                "seconds": round(s.seconds, 4),
                "counterexample": s.counterexample,
                "reason": s.reason,
                "internal_error": s.internal_error,
                "citation": s.citation,
                "justified_by": s.justified_by,
            }
            for s in result.steps
        ],
    }


def report(results: list[DerivationResult], seconds: float) -> dict[str, Any]:
    steps = [s for r in results for s in r.steps]
    summary: dict[str, Any] = {"derivations": len(results), "steps": len(steps)}
    for verdict in VERDICTS:
        summary[verdict] = sum(1 for s in steps if s.verdict == verdict)
    summary["internal_errors"] = sum(1 for s in steps if s.internal_error)
    summary["citation_mismatches"] = sum(1 for s in steps if s.citation == "mismatch")
    summary["seconds"] = round(seconds, 3)
    return {"derivations": [_derivation(r) for r in results], "summary": summary}


def dumps(results: list[DerivationResult], seconds: float) -> str:
    return json.dumps(report(results, seconds), indent=2)
