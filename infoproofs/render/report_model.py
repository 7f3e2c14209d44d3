"""One neutral model of a checked report, shared by the HTML, Markdown and LaTeX writers.

Why a model: the three formats must say the same thing (the same counts, the
same counterexample, the same reason for an unknown), so what a step *says*
is decided once here, from the ``StepResult`` the checker produced, and each
writer only decides how it *looks*.  Everything is plain strings and numbers:
user text is escaped by each writer for its own format, never here.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy as sp

from ..check import VERDICTS, DerivationResult, StepResult
from .latex import latex_expr
from .terminal import step_summary

__all__ = ["StepView", "SectionView", "ConfirmView", "ReportView", "build_report", "claim_sections", "RELATION_LATEX",
           "load_confirm"]

RELATION_LATEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">"}


@dataclass
class StepView:
    """What one step says: its mathematics, its justification, its verdict and the evidence."""

    anchor: str
    index: int
    relation: str
    latex: str
    rule: str
    note: str
    verdict: str
    how: str
    reason: str = ""
    counterexample: dict[str, Any] | None = None
    lhs_value: str | None = None
    rhs_value: str | None = None
    points: int | None = None
    digits: int | None = None
    precision: int | None = None
    mismatch: bool = False
    justified_by: str = ""
    internal_error: bool = False
    seconds: float = 0.0
    details: str = ""  # the oracles' full record, as indented JSON

    @property
    def relation_latex(self) -> str:
        return RELATION_LATEX.get(self.relation, self.relation)


@dataclass
class SectionView:
    """One derivation (or one claim read from a LaTeX file) with its steps."""

    anchor: str
    name: str
    title: str
    source: str
    verdict: str
    start_latex: str
    steps: list[StepView] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)  # LaTeX, one per assumption or domain
    file: str = ""
    seconds: float = 0.0
    kind: str = "derivation"  # or "claim"


@dataclass
class ConfirmView:
    """An ``infoproofs confirm`` run: its JSON record as rows, or a PNG plot."""

    name: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    passed: bool | None = None
    png: bytes | None = None


@dataclass
class ReportView:
    title: str
    version: str
    generated: str
    seconds: float
    summary: dict[str, float]
    sections: list[SectionView]
    confirm: list[ConfirmView] = field(default_factory=list)


_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


def anchor_of(*parts: object) -> str:
    """An HTML id from names (letters, digits, '-' and '_' only, so it is safe in every format)."""
    return "-".join(_ANCHOR.sub("-", str(p)).strip("-") or "x" for p in parts)


def _step_view(section_anchor: str, step: StepResult, latex: str, note: str) -> StepView:
    numeric = step.oracles.get("numeric", {}) if isinstance(step.oracles, dict) else {}
    passed = numeric.get("status") == "passed"
    refuted = step.verdict == "refuted" and numeric.get("status") == "refuted"
    return StepView(
        anchor=anchor_of(section_anchor, "step", step.index), index=step.index, relation=step.relation,
        latex=latex, rule=step.rule, note=note, verdict=step.verdict, how=step_summary(step), reason=step.reason,
        counterexample=step.counterexample,
        lhs_value=str(numeric.get("lhs")) if refuted and numeric.get("lhs") is not None else None,
        rhs_value=str(numeric.get("rhs")) if refuted and numeric.get("rhs") is not None else None,
        points=numeric.get("points") if passed else None, digits=numeric.get("digits") if passed else None,
        precision=numeric.get("precision") if passed else None, mismatch=step.mismatched,
        justified_by=step.justified_by, internal_error=step.internal_error, seconds=step.seconds,
        details=json.dumps(step.oracles, indent=2, default=str),
    )


def _assumption_latex(result: DerivationResult) -> list[str]:
    from .latex import _assumptions  # the same list ``infoproofs latex`` prints above the chain

    return list(_assumptions(result.derivation))


def _section(result: DerivationResult) -> SectionView:
    d = result.derivation
    anchor = anchor_of("d", d.name)
    steps = []
    for step, checked in zip(d.steps, result.steps):
        steps.append(_step_view(anchor, checked, latex_expr(step.expr), step.note or ""))
    return SectionView(
        anchor=anchor, name=d.name, title=" ".join(d.title.split()), source=d.source, verdict=result.verdict,
        start_latex=latex_expr(d.start), steps=steps, assumptions=_assumption_latex(result), file=d.file,
        seconds=result.seconds,
    )


def claim_sections(claims: list) -> list[SectionView]:
    """Claims read by ``verify`` from LaTeX or Markdown: the claim's own LaTeX, each checked step's verdict."""
    sections = []
    for i, claim in enumerate(claims, 1):
        anchor = anchor_of("claim", i, claim.label or "")
        steps = [_step_view(anchor, s, "", s.note or "") for s in claim.steps]
        title = claim.label or f"{Path(claim.file).name}:{claim.line}"
        section = SectionView(
            anchor=anchor, name=title, title=title, source=f"{claim.file}:{claim.line}", verdict=claim.verdict,
            start_latex=claim.latex, steps=steps, file=claim.file, kind="claim",
        )
        if not steps:
            section.steps = [StepView(anchor=anchor_of(anchor, "step", 1), index=1, relation=claim.relation or "",
                                      latex="", rule="", note="", verdict=claim.verdict, how=claim.reason,
                                      reason=claim.reason)]
        sections.append(section)
    return sections


def load_confirm(paths: list[str]) -> list[ConfirmView]:
    """``infoproofs confirm`` outputs: a JSON record (or a list of them) becomes a table, a PNG is embedded."""
    views = []
    for name in paths:
        path = Path(name)
        if path.suffix.lower() == ".png":
            views.append(ConfirmView(path.stem, png=path.read_bytes()))
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data if isinstance(data, list) else [data]:
            if not isinstance(record, dict):
                raise ValueError(f"{name}: a confirm record is a JSON object")
            rows = [(str(k), _short(v)) for k, v in record.items() if k not in ("passed",)]
            views.append(ConfirmView(str(record.get("experiment", path.stem)), rows, record.get("passed")))
    return views


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_short(v)}" for k, v in value.items())
    return str(value)


def build_report(results: list[DerivationResult], seconds: float, claims: list | None = None,
                 confirm: list[ConfirmView] | None = None, title: str = "infoproofs report") -> ReportView:
    from .. import __version__

    sections = [_section(r) for r in results] + claim_sections(claims or [])
    steps = [s for sec in sections for s in sec.steps]
    summary = {"derivations": len(sections), "steps": len(steps)}
    for verdict in (*VERDICTS, "unparsed", "unsupported"):
        summary[verdict] = sum(1 for s in steps if s.verdict == verdict)
    summary["internal_errors"] = sum(1 for s in steps if s.internal_error)
    summary["citation_mismatches"] = sum(1 for s in steps if s.mismatch)
    summary["seconds"] = round(seconds, 3)
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return ReportView(title, __version__, generated, seconds, summary, sections, confirm or [])


def plain_number(value: object) -> str:
    """A value as a short decimal string for a table (mpmath strings are long)."""
    try:
        return sp.sstr(sp.Float(str(value), 12))
    except (TypeError, ValueError, sp.SympifyError):
        return str(value)
