"""The audit's results as a rich table and as JSON.

The parameter map is printed first, so that a reader who sees a discrepancy
can check at once that it is not a convention mismatch (a variance for a
scale, a rate for a scale, trials for failures).  Internal inconsistencies
(infoproofs' own two witnesses disagreeing) get a section of their own: they
are bugs in infoproofs, not in the library.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import mpmath as mp

from .compare import CheckResult, Outcome, _show
from .libraries import LawMap

__all__ = ["AuditReport", "to_json", "print_report"]


@dataclass
class AuditReport:
    library: str
    version: str
    maps: list[LawMap]
    checks: list[CheckResult]
    seconds: float
    examples: int
    unmapped_kl: list[str] = field(default_factory=list)

    @property
    def discrepancies(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "discrepancy"]

    @property
    def inconsistencies(self) -> list[tuple[CheckResult, Outcome]]:
        return [(c, o) for c in self.checks for o in c.inconsistencies]

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for c in self.checks:
            counts[c.status] = counts.get(c.status, 0) + 1
        return {
            "library": self.library, "version": self.version, "checks": len(self.checks),
            "families": len(self.maps), "kl_pairs": sum(1 for c in self.checks if c.quantity == "KL"),
            "values_compared": sum(c.compared for c in self.checks),
            "discrepancies": len(self.discrepancies), "internal_inconsistencies": len(self.inconsistencies),
            "by_status": counts, "seconds": round(self.seconds, 2), "examples": self.examples,
        }


def _num(value: Any) -> float | str | None:
    """JSON has no inf/NaN: those are strings; finite values keep 17 significant digits."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else str(v)


def _digits(value: Any, n: int = 17) -> str:
    if value is None:
        return "-"
    if isinstance(value, mp.mpf):
        return mp.nstr(value, n)
    return repr(float(value))


def _outcome_json(o: Outcome, families: tuple[str, ...]) -> dict[str, Any]:
    return {
        "parameters": [{"family": f, "values": _plain(v)} for f, v in zip(families, o.values)],
        "where": o.where or None, "library": _num(o.library),
        "closed_form": _digits(o.closed, 30) if o.closed is not None else None,
        "definition": _digits(o.definition, 30) if o.definition is not None else None,
        "reference": o.reference or None, "note": o.note or None,
    }


def _plain(values: Any) -> Any:
    if isinstance(values, (list, tuple)):
        return [_plain(v) for v in values]
    return values


def to_json(report: AuditReport) -> str:
    checks = []
    for c in report.checks:
        entry: dict[str, Any] = {
            "subject": c.subject, "families": list(c.families), "quantity": c.quantity, "status": c.status,
            "draws": c.draws, "compared": c.compared, "witnessed_by_definition": c.witnessed,
            "skipped": c.skipped, "tolerance": c.tolerance, "seconds": round(c.seconds, 3), "note": c.note or None,
        }
        if c.counterexample is not None:
            entry["counterexample"] = _outcome_json(c.counterexample, c.families)
        checks.append(entry)
    doc = {
        "summary": report.summary(),
        "map": [
            {"family": m.family, "library": m.target, "skip": dict(m.skip) or None,
             "shift": m.shift or None, "tolerance": m.tolerance, "tolerance_why": m.tolerance_why or None}
            for m in report.maps
        ],
        "checks": checks,
        "internal_inconsistencies": [
            {"subject": c.subject, "quantity": c.quantity, **_outcome_json(o, c.families)}
            for c, o in report.inconsistencies
        ],
        "not_audited_kl": report.unmapped_kl,
    }
    return json.dumps(doc, indent=2)


_STYLE = {"agree": "green", "discrepancy": "bold red", "convention": "cyan", "not provided": "dim",
          "skipped": "yellow"}


def _family_signature(family: str) -> str:
    from .libraries import infoproofs_family

    cls = infoproofs_family(family)
    names = getattr(cls, "param_names", ())
    return f"{family}({', '.join(names)})"


def print_report(report: AuditReport, out) -> None:
    """The map, the results (discrepancies with their minimal counterexample) and the summary."""
    from rich.markup import escape
    from rich.table import Table

    mapping = Table(title=f"parameter map: infoproofs -> {report.library} {report.version}", show_lines=False)
    mapping.add_column("infoproofs")
    mapping.add_column(report.library)
    mapping.add_column("notes")
    for m in report.maps:
        notes = [f"{q}: {why}" for q, why in m.skip.items()]
        if m.tolerance is not None:
            notes.append(f"tolerance {m.tolerance:g}: {m.tolerance_why}")
        mapping.add_row(escape(_family_signature(m.family)), escape(m.target), escape("; ".join(notes)))
    out.print(mapping)

    table = Table(title=f"audit of {report.library}: library (float64) vs infoproofs (30 digits)")
    for column in ("subject", "quantity", "status", "draws", "compared", "by definition", "details"):
        table.add_column(column)
    for c in report.checks:
        style = _STYLE.get(c.status, "")
        table.add_row(escape(c.subject), c.quantity, f"[{style}]{c.status}[/]", str(c.draws), str(c.compared),
                      str(c.witnessed), escape(_details(c)))
    out.print(table)
    for c, o in report.inconsistencies:
        out.print(f"[bold red]INTERNAL INCONSISTENCY (a bug in infoproofs, not in {report.library}): "
                  f"{escape(c.subject)} {c.quantity} at {escape(_params(c.families, o.values))}: closed form "
                  f"{_digits(o.closed, 25)} but the definition gives {_digits(o.definition, 25)}[/]")
    if report.unmapped_kl:
        out.print(f"[dim]KL pairs registered by {report.library} without an infoproofs counterpart (not audited): "
                  f"{escape(', '.join(report.unmapped_kl))}[/]")
    s = report.summary()
    colour = "red" if s["discrepancies"] or s["internal_inconsistencies"] else "green"
    out.print(f"[{colour}]{s['checks']} checks over {s['families']} families and {s['kl_pairs']} KL pairs, "
              f"{s['values_compared']} values compared: {s['discrepancies']} discrepancies, "
              f"{s['internal_inconsistencies']} internal inconsistencies in {s['seconds']:.1f} s[/]")


def _params(families: tuple[str, ...], values: tuple) -> str:
    return ", ".join(f"{f}{_show(tuple(v))}" for f, v in zip(families, values))


def _details(c: CheckResult) -> str:
    o = c.counterexample
    if o is None:
        return c.note
    ref = o.closed if o.closed is not None else o.definition
    where = f" at {o.where}" if o.where else ""
    gap = ""
    if o.library is not None and ref is not None and mp.isfinite(ref) and math.isfinite(o.library):
        gap = f" (diff {mp.nstr(mp.mpf(o.library) - ref, 3)})"
    return (f"minimal: {_params(c.families, o.values)}{where}: library {_digits(o.library)} vs infoproofs "
            f"{_digits(ref, 17)} [{o.reference}]{gap}")
