"""The HTML report: one self-contained file that works offline.

Why these choices:

* Mathematics is converted to MathML ahead of time (latex2mathml), which
  Chromium and Firefox display natively: no CDN, no script, nothing fetched
  at view time, so a report mailed to a reviewer shows the same mathematics
  on a plane.  A formula the converter cannot read is shown as escaped LaTeX
  source in a ``<code>`` and counted (``unrendered``), never silently dropped.
* Verdicts are told apart by an icon and a word as well as a colour, so the
  report reads in greyscale print and for colour-blind readers.
* Every piece of user text (titles, sources, notes, rule names, values) goes
  through ``html.escape``; MathML comes from the converter's own serializer.
* Anchors per derivation (``#d-NAME``) and per step (``#d-NAME-step-K``) make
  a step citable in a review thread; a print stylesheet opens the folded
  details and drops the navigation.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

from .report_model import ReportView, SectionView, StepView, plain_number

__all__ = ["report_html", "math_html", "BADGES"]

# verdict -> (icon, word); the CSS colours them, the icon and word carry the meaning without colour
BADGES = {
    "proved": ("\u2714", "proved"),
    "confirmed": ("\u2248", "confirmed"),
    "refuted": ("\u2718", "refuted"),
    "unknown": ("?", "unknown"),
    "unparsed": ("\u2205", "unparsed"),
    "unsupported": ("\u2298", "unsupported"),
    "unchecked": ("\u2022", "not checked"),
}

_CSS = """
:root { --proved:#1a7f37; --confirmed:#0969da; --refuted:#cf222e; --unknown:#9a6700; --muted:#57606a; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .3rem; }
.meta, .source, .assumptions { color: var(--muted); font-size: .92rem; }
table { border-collapse: collapse; } td, th { padding: .25rem .6rem; vertical-align: top; }
.summary td, .summary th { border: 1px solid #d0d7de; text-align: right; }
.steps { width: 100%; } .steps td { border-top: 1px solid #eaeef2; }
.rel { text-align: right; white-space: nowrap; } .math { overflow-x: auto; max-width: 34rem; }
.badge { display: inline-block; border-radius: .8rem; padding: .05rem .55rem; font-size: .85rem;
         font-weight: 600; color: #fff; white-space: nowrap; }
.badge.proved { background: var(--proved); } .badge.confirmed { background: var(--confirmed); }
.badge.refuted { background: var(--refuted); } .badge.unknown { background: var(--unknown); }
.badge.unparsed, .badge.unsupported, .badge.unchecked { background: var(--muted); }
math { font-size: 1.12em; }
.why { font-size: .9rem; color: var(--muted); } .rule { font-weight: 600; }
.counterexample { border-left: 3px solid var(--refuted); padding-left: .5rem; margin: .3rem 0; }
.mismatch { color: var(--unknown); font-weight: 600; }
details { font-size: .85rem; } details pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; }
nav ul { columns: 2; font-size: .9rem; }
code.unrendered { background: #fff8c5; }
@media print {
  nav { display: none; } details { display: block; } details > * { display: block; }
  body { margin: 0; max-width: none; } .badge { border: 1px solid #000; color: #000; background: none !important; }
  h2 { page-break-after: avoid; } tr { page-break-inside: avoid; }
}
"""


class _Math:
    """LaTeX -> MathML, counting what could not be converted."""

    def __init__(self) -> None:
        from latex2mathml.converter import convert

        self._convert = convert
        self.unrendered = 0

    def __call__(self, latex: str, display: bool = False) -> str:
        if not latex:
            return ""
        try:
            return self._convert(latex, display="block" if display else "inline")
        except Exception:  # noqa: BLE001 - the converter raises many types on notation it lacks
            self.unrendered += 1
            return f'<code class="unrendered" title="not rendered">{html.escape(latex)}</code>'


def math_html(latex: str, display: bool = False) -> str:
    """One formula as MathML (or escaped LaTeX source when it cannot be converted)."""
    return _Math()(latex, display)


def _badge(verdict: str) -> str:
    icon, word = BADGES.get(verdict, ("?", verdict))
    return f'<span class="badge {html.escape(verdict)}" data-verdict="{html.escape(verdict)}">{icon} {word}</span>'


def _evidence(step: StepView) -> str:
    parts = []
    if step.verdict == "refuted" and step.counterexample:
        point = ", ".join(f"{html.escape(str(k))} = {html.escape(plain_number(v))}"
                          for k, v in step.counterexample.items())
        values = ""
        if step.lhs_value is not None:
            values = (f"<br>lhs = {html.escape(plain_number(step.lhs_value))}, "
                      f"rhs = {html.escape(plain_number(step.rhs_value))}")
        parts.append(f'<div class="counterexample">counterexample: {point}{values}</div>')
    elif step.verdict == "confirmed" and step.points is not None:
        parts.append(f'<div class="why">confirmed at {step.points} points, {step.digits} of '
                     f'{step.precision or 40} digits agreed; {html.escape(step.reason)}</div>')
    elif step.verdict in ("unknown", "unparsed", "unsupported", "refuted"):
        parts.append(f'<div class="why">{html.escape(step.reason or step.how)}</div>')
    else:
        parts.append(f'<div class="why">{html.escape(step.how)}</div>')
    if step.mismatch:
        parts.append(f'<div class="mismatch">the cited rule does not justify this step; it holds by '
                     f'{html.escape(step.justified_by)}</div>')
    if step.internal_error:
        parts.append('<div class="mismatch">INTERNAL ERROR: the two oracles disagree (a bug in infoproofs)</div>')
    return "".join(parts)


def _step_row(step: StepView, math: _Math) -> str:
    note = f' <span class="why">({html.escape(step.note)})</span>' if step.note else ""
    rule = f'<span class="rule">{html.escape(step.rule)}</span>{note}' if step.rule else note
    relation = math(step.relation_latex) if step.relation else ""
    return (
        f'<tr id="{step.anchor}" data-verdict="{html.escape(step.verdict)}"><td class="rel">{relation}</td>'
        f'<td class="math">{math(step.latex)}</td><td>{_badge(step.verdict)}</td>'
        f'<td>{rule}{_evidence(step)}<details><summary>oracles</summary>'
        f'<pre>{html.escape(step.details)}</pre></details></td></tr>'
    )


def _section(section: SectionView, math: _Math) -> str:
    assumptions = ""
    if section.assumptions:
        assumptions = ('<p class="assumptions">Assumptions: '
                       + ", ".join(math(a) for a in section.assumptions) + "</p>")
    rows = "".join(_step_row(s, math) for s in section.steps)
    start = math(section.start_latex, display=section.kind == "claim")
    return (
        f'<section id="{section.anchor}" data-verdict="{html.escape(section.verdict)}">'
        f'<h2><a href="#{section.anchor}">{html.escape(section.name)}</a> {_badge(section.verdict)}</h2>'
        f'<p>{html.escape(section.title)}</p><p class="source">{html.escape(section.source)}</p>{assumptions}'
        f'<table class="steps"><tr><td class="rel"></td><td class="math">{start}</td><td></td>'
        f'<td class="why">start</td></tr>{rows}</table></section>'
    )


def _summary(view: ReportView) -> str:
    keys = [k for k in ("proved", "confirmed", "refuted", "unknown", "unparsed", "unsupported")
            if view.summary.get(k) or k in ("proved", "confirmed", "refuted", "unknown")]
    head = "".join(f"<th>{_badge(k)}</th>" for k in keys)
    cells = "".join(f"<td>{view.summary.get(k, 0)}</td>" for k in keys)
    alarms = ""
    if view.summary.get("internal_errors"):
        alarms = (f'<p class="mismatch">INTERNAL ERROR: the oracles disagree on {view.summary["internal_errors"]} '
                  "step(s); this is a bug in infoproofs.</p>")
    return (
        f'<table class="summary"><tr><th>derivations</th><th>steps</th>{head}</tr>'
        f'<tr><td>{view.summary["derivations"]}</td><td>{view.summary["steps"]}</td>{cells}</tr></table>{alarms}'
    )


def _confirm(view: ReportView) -> Iterable[str]:
    if not view.confirm:
        return
    yield "<h2 id=\"confirm\">Trained confirmations</h2>"
    for c in view.confirm:
        if c.png is not None:
            data = base64.b64encode(c.png).decode("ascii")
            yield (f'<figure><img alt="{html.escape(c.name)}" style="max-width:100%" '
                   f'src="data:image/png;base64,{data}"><figcaption>{html.escape(c.name)}</figcaption></figure>')
            continue
        badge = ""
        if c.passed is not None:
            badge = ('<span class="badge proved">\u2714 passed</span>' if c.passed
                     else '<span class="badge refuted">\u2718 failed</span>')
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in c.rows)
        yield f"<h3>{html.escape(c.name)} {badge}</h3><table class=\"summary\">{rows}</table>"


def report_html(view: ReportView) -> tuple[str, int]:
    """(the document, how many formulas could not be converted to MathML)."""
    math = _Math()
    sections = "".join(_section(s, math) for s in view.sections)
    nav = "".join(
        f'<li><a href="#{s.anchor}">{html.escape(s.name)}</a> {_badge(s.verdict)}</li>' for s in view.sections
    )
    body = (
        f"<h1>{html.escape(view.title)}</h1>"
        f'<p class="meta">infoproofs {html.escape(view.version)} &middot; {html.escape(view.generated)} &middot; '
        f"checked in {view.seconds:.1f} s</p>{_summary(view)}<nav><ul>{nav}</ul></nav>{sections}"
        + "".join(_confirm(view))
    )
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(view.title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )
    return document, math.unrendered
