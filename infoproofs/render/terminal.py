"""Terminal output with rich: a table per derivation and a summary line."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..check import DerivationResult

__all__ = ["derivation_table", "summary_line", "COLOURS"]

COLOURS = {"proved": "green", "confirmed": "cyan", "refuted": "bold red", "unknown": "yellow"}


def derivation_table(result: DerivationResult) -> Table:
    d = result.derivation
    table = Table(
        title=f"[bold]{escape(d.name)}[/bold]: {escape(d.title)}  [{COLOURS[result.verdict]}]{result.verdict}[/]",
        caption=escape(d.source),
        show_lines=False,
        expand=False,
    )
    table.add_column("#", justify="right")
    table.add_column("rel")
    table.add_column("rule")
    table.add_column("verdict")
    table.add_column("how")
    table.add_column("s", justify="right")
    for s in result.steps:
        how = s.oracles["symbolic"].get("method") or ""
        numeric = s.oracles["numeric"]
        if numeric["status"] == "passed":
            how = (how + "; " if how else "") + f"{numeric['points']} pts @ {numeric['digits']} digits"
        if s.verdict == "refuted":
            how = (
                f"counterexample {s.counterexample}: lhs={numeric.get('lhs')}, "
                f"rhs={numeric.get('rhs')}"
            )
        elif s.verdict == "unknown":
            how = s.reason
        if s.cached:
            how += " (cached)"
        verdict = s.verdict.upper() if s.internal_error else s.verdict
        # user text and values (titles, "[0,0]" matrix entries, "E[...]") must not be read as rich markup
        table.add_row(
            str(s.index), s.relation, escape(s.rule), f"[{COLOURS[s.verdict]}]{verdict}[/]", escape(how),
            f"{s.seconds:.2f}",
        )
    return table


def summary_line(summary: dict) -> str:
    parts = [f"{summary['derivations']} derivations", f"{summary['steps']} steps"]
    for verdict in ("proved", "confirmed", "refuted", "unknown"):
        parts.append(f"[{COLOURS[verdict]}]{summary[verdict]} {verdict}[/]")
    parts.append(f"{summary['seconds']:.1f} s")
    return ", ".join(parts)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)
