"""Terminal output with rich: a table per derivation and a summary line.

Every cell that holds user text or values (titles, ``[0,0]`` matrix entries,
``E[...]``) is escaped, so it is never read as rich markup.  Steps that hold
but not by the rule they cite are flagged.  At 80 columns the tables fold
their long cells instead of squeezing every column.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..check import DerivationResult, StepResult

__all__ = ["derivation_table", "summary_line", "COLOURS", "console", "step_summary", "MISMATCH"]

COLOURS = {"proved": "green", "confirmed": "cyan", "refuted": "bold red", "unknown": "yellow"}
MISMATCH = "the cited rule does not justify this step"


def step_summary(s: StepResult) -> str:
    """One phrase on how the step came out (plain text, not escaped)."""
    numeric = s.oracles["numeric"]
    symbolic = s.oracles["symbolic"]
    working = numeric.get("precision") or 40
    evidence = ""
    if numeric["status"] == "passed":
        evidence = f"{numeric['points']} pts, {numeric['digits']} of {working} digits agreed"
    if s.verdict == "refuted":
        if numeric["status"] == "refuted":
            return f"counterexample {s.counterexample}: lhs = {numeric.get('lhs')}, rhs = {numeric.get('rhs')}"
        return s.reason
    if s.verdict == "unknown":
        return s.reason
    if s.citation == "mismatch":
        how = f"{MISMATCH}; it holds by {s.justified_by}"
        if symbolic.get("status") == "violated":
            how = f"{MISMATCH}: {symbolic.get('detail')}"
        return how + (f"; {evidence}" if evidence else "")
    if s.verdict == "confirmed":
        return s.reason
    method = symbolic.get("method") or ""
    if s.citation == "ok":
        method = "by the cited rule"
    return "; ".join(part for part in (method, evidence) if part)


# Below this width the table is compact: no seconds column, a shorter rule column and short evidence,
# so that a step stays on one or two lines in an 80-column terminal instead of three or four.
NARROW = 100


def compact(how: str) -> str:
    """The evidence phrase in fewer words, still readable: "by the cited rule; ..." -> "cited rule; ..."."""
    return how.replace("by the cited rule", "cited rule")


def derivation_table(result: DerivationResult, failed_only: bool = False, width: int | None = None) -> Table | None:
    """The steps of one derivation (only those not proved, or mis-cited, with ``failed_only``).

    ``width`` is the terminal's; below ``NARROW`` columns the table is compact.
    """
    d = result.derivation
    steps = [s for s in result.steps if not failed_only or s.verdict != "proved" or s.mismatched]
    if failed_only and not steps:
        return None
    narrow = width is not None and width < NARROW
    verdict = result.verdict
    flag = " [yellow](rule mismatch)[/]" if result.mismatches else ""
    title = d.title if not narrow or len(d.title) <= width - 30 else d.title[: max(width - 31, 10)] + "\u2026"
    table = Table(
        title=f"[bold]{escape(d.name)}[/bold]: {escape(title)}  [{COLOURS[verdict]}]{verdict}[/]{flag}",
        caption=escape(d.source),
        show_lines=False,
        expand=False,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("rel", no_wrap=True)
    table.add_column("rule", overflow="fold", max_width=26 if narrow else 28)
    table.add_column("verdict", no_wrap=True)
    table.add_column("how", overflow="fold", ratio=1)
    if not narrow:
        table.add_column("s", justify="right", no_wrap=True)
    for s in steps:
        how = step_summary(s)
        if narrow:
            how = compact(how)
        if s.cached:
            how += " (cached)"
        shown = s.verdict.upper() if s.internal_error else s.verdict
        if s.mismatched:
            shown += " !"
        row = [str(s.index), s.relation, escape(s.rule), f"[{COLOURS[s.verdict]}]{shown}[/]", escape(how)]
        if not narrow:
            row.append(f"{s.seconds:.2f}")
        table.add_row(*row)
    return table


def summary_line(summary: dict) -> str:
    parts = [f"{summary['derivations']} derivations", f"{summary['steps']} steps"]
    for verdict in ("proved", "confirmed", "refuted", "unknown"):
        parts.append(f"[{COLOURS[verdict]}]{summary[verdict]} {verdict}[/]")
    if summary.get("citation_mismatches"):
        parts.append(f"[yellow]{summary['citation_mismatches']} citing a rule that does not justify them[/]")
    parts.append(f"{summary['seconds']:.1f} s")
    return ", ".join(parts)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)
