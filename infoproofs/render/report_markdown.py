"""The Markdown report: GitHub-flavoured, to paste into an issue or a pull request.

GitHub renders ``$$ ... $$`` blocks and ``$...$`` inline math with MathJax;
tables carry the verdicts (an icon and a word, so they read without colour).
User text is escaped so that a title with ``|``, ``*`` or ``<`` neither
breaks the table nor injects HTML (GitHub passes some HTML through).
"""

from __future__ import annotations

import re

from .report_model import ReportView, SectionView, StepView, plain_number

__all__ = ["report_markdown", "escape_markdown"]

_ICONS = {"proved": "\u2714", "confirmed": "\u2248", "refuted": "\u2718", "unknown": "?", "unparsed": "\u2205",
          "unsupported": "\u2298"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$])")


def escape_markdown(text: str) -> str:
    """Text with Markdown's and HTML's active characters backslash-escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _verdict(verdict: str) -> str:
    return f"{_ICONS.get(verdict, '?')} **{verdict}**"


def _evidence(step: StepView) -> str:
    if step.verdict == "refuted" and step.counterexample:
        point = ", ".join(f"{k} = {plain_number(v)}" for k, v in step.counterexample.items())
        values = f"; lhs = {plain_number(step.lhs_value)}, rhs = {plain_number(step.rhs_value)}" \
            if step.lhs_value is not None else ""
        text = f"counterexample {point}{values}"
    elif step.verdict == "confirmed" and step.points is not None:
        text = f"{step.points} points, {step.digits} of {step.precision or 40} digits agreed"
    else:
        text = step.reason or step.how
    if step.mismatch:
        text += f"; the cited rule does not justify it (it holds by {step.justified_by})"
    return escape_markdown(text)


def _math_block(latex: str) -> str:
    # a blank line would end the block on GitHub; newlines inside the formula are not needed
    return "$$\n" + " ".join(latex.split()) + "\n$$"


def _section(section: SectionView) -> list[str]:
    out = [f'<a id="{section.anchor}"></a>', "", f"### {escape_markdown(section.name)} \u2014 {_verdict(section.verdict)}",
           "", escape_markdown(section.title), "", f"*Source:* {escape_markdown(section.source)}", ""]
    if section.assumptions:
        out += ["*Assumptions:* " + ", ".join(f"${' '.join(a.split())}$" for a in section.assumptions), ""]
    chain = [section.start_latex] if section.start_latex else []
    chain += [f"{s.relation_latex} {s.latex}" for s in section.steps if s.latex]
    if chain:
        out += [_math_block(r" \\ ".join(chain) if len(chain) == 1 else
                            r"\begin{aligned} & " + r" \\ & ".join(chain) + r" \end{aligned}"), ""]
    out += ["| # | rel | justification | verdict | evidence |", "|---:|:---:|---|---|---|"]
    for s in section.steps:
        rule = escape_markdown(s.rule) + (f" ({escape_markdown(s.note)})" if s.note else "")
        relation = f"${s.relation_latex}$" if s.relation else ""
        out.append(f"| {s.index} | {relation} | {rule} | {_verdict(s.verdict)} | {_evidence(s)} |")
    out.append("")
    return out


def report_markdown(view: ReportView) -> str:
    keys = ("proved", "confirmed", "refuted", "unknown", "unparsed", "unsupported")
    shown = [k for k in keys if view.summary.get(k) or k in keys[:4]]
    lines = [
        f"# {escape_markdown(view.title)}", "",
        f"infoproofs {view.version} \u00b7 {view.generated} \u00b7 checked in {view.seconds:.1f} s", "",
        "| derivations | steps | " + " | ".join(_verdict(k) for k in shown) + " |",
        "|---:|---:|" + "---:|" * len(shown),
        f"| {view.summary['derivations']} | {view.summary['steps']} | "
        + " | ".join(str(view.summary.get(k, 0)) for k in shown) + " |", "",
    ]
    if view.summary.get("internal_errors"):
        lines += [f"**INTERNAL ERROR:** the oracles disagree on {view.summary['internal_errors']} step(s).", ""]
    for section in view.sections:
        lines += _section(section)
    for c in view.confirm:
        if c.png is not None:
            lines += [f"*Plot {escape_markdown(c.name)}: embedded in the HTML and PDF reports.*", ""]
            continue
        status = "" if c.passed is None else (" \u2714 passed" if c.passed else " \u2718 failed")
        lines += [f"### confirm {escape_markdown(c.name)}{status}", "", "| field | value |", "|---|---|"]
        lines += [f"| {escape_markdown(k)} | {escape_markdown(v)} |" for k, v in c.rows] + [""]
    return "\n".join(lines) + "\n"
