"""What ``infoproofs verify`` prints: a listing of claims, a summary line, and the JSON report.

The listing shows where each claim is (file:line), its label, the claim, the
verdict, the counterexample for a refuted one, and every conventional
default that was assumed for an undeclared symbol, so a reader sees what
the verdict rests on and can override it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.text import Text

from .terminal import COLOURS

__all__ = ["claims_table", "verify_report", "verify_summary_line"]

_EXTRA_COLOURS = {"unparsed": "magenta", "unsupported": "yellow"}
_VERDICTS = ("proved", "confirmed", "refuted", "unknown", "unparsed", "unsupported")


def _colour(verdict: str) -> str:
    return COLOURS.get(verdict) or _EXTRA_COLOURS.get(verdict, "white")


def _point(counterexample: dict | None) -> str:
    if not counterexample:
        return ""
    return ", ".join(f"{k} = {v}" for k, v in counterexample.items())


def claims_table(results: list) -> Group:
    """One entry per claim: where, label, verdict and the claim; then what it rests on or why it failed.

    An entry rather than a table row, so long formulas and reasons stay
    readable in an 80-column terminal or a CI log.
    """
    lines: list[Text] = []
    for r in results:
        head = Text.from_markup(f"[bold]{escape(r.file)}:{r.line}[/]  ")
        if r.label:
            head.append(f"[{r.label}]  ")
        head.append_text(Text.from_markup(f"[{_colour(r.verdict)}]{r.verdict}[/]  "))
        head.append(r.latex)
        lines.append(head)
        if r.verdict == "refuted" and r.counterexample:
            lines.append(Text(f"    counterexample: {_point(r.counterexample)}"))
        if r.verdict != "proved" and r.reason:
            lines.append(Text(f"    {r.reason}", style="dim"))
        if r.assumptions_used:
            defaults = ", ".join(f"{k} {v}" for k, v in sorted(r.assumptions_used.items()))
            lines.append(Text(f"    defaults assumed: {defaults}", style="dim"))
    return Group(*lines)


def verify_report(results: list, seconds: float) -> dict[str, Any]:
    """The JSON report: every claim with its steps, and the counts of each verdict."""
    summary: dict[str, Any] = {"claims": len(results), **{v: 0 for v in _VERDICTS}}
    for r in results:
        summary[r.verdict] += 1
    summary["internal_errors"] = sum(1 for r in results for s in r.steps if s.internal_error) + sum(
        1 for r in results if r.internal_error)
    summary["seconds"] = round(seconds, 3)
    return {"claims": [r.to_json() for r in results], "summary": summary}


def verify_summary_line(summary: dict[str, Any]) -> str:
    parts = [f"{summary['claims']} claims"]
    for verdict in _VERDICTS:
        if summary[verdict] or verdict in ("proved", "refuted"):
            parts.append(f"[{_colour(verdict)}]{summary[verdict]} {verdict}[/]")
    parts.append(f"{summary['seconds']:.1f} s")
    return ", ".join(parts)
