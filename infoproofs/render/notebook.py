"""Jupyter display: derivations, check results and functionals show as the HTML report does.

``Derivation._repr_html_`` and ``DerivationResult._repr_html_`` call the
hooks installed here, so that a notebook cell ending in ``d.check()`` shows
the same badges, MathML and evidence as ``infoproofs report --format html``
(one writer, ``render.report_html``).  ``_repr_latex_`` gives the align*
chain of ``infoproofs latex`` for front ends that prefer LaTeX (and for
nbconvert to PDF).  Everything heavy is imported when a cell is displayed,
never when ``infoproofs`` is imported.
"""

from __future__ import annotations

from typing import Any

from ..derivation import HOOKS, Derivation

__all__ = ["install"]

_STYLE_ONCE = "infoproofs-style"


def _fragment(view_sections, results_seconds: float = 0.0) -> str:
    from .report_html import _CSS, _Math, _section

    math = _Math()
    body = "".join(_section(s, math) for s in view_sections)
    # scoped in a div; the style block is the report's own (no script, no external resource)
    return f'<div class="infoproofs"><style id="{_STYLE_ONCE}">{_CSS}</style>{body}</div>'


def derivation_html(d: Derivation) -> str:
    """An unchecked derivation: its chain and justifications, without verdicts."""
    from .latex import latex_expr
    from .report_model import SectionView, StepView, anchor_of

    anchor = anchor_of("d", d.name)
    steps = [StepView(anchor_of(anchor, "step", i), i, step.relation.value, latex_expr(step.expr), step.rule,
                      step.note or "", "unchecked", "not checked yet: call .check()")
             for i, step in enumerate(d.steps, 1)]
    section = SectionView(anchor, d.name, " ".join(d.title.split()), d.source, "unchecked", latex_expr(d.start), steps)
    return _fragment([section])


def derivation_latex(d: Derivation) -> str:
    from .latex import latex_expr

    rows = [latex_expr(d.start)] + [f"&{step.relation.latex} {latex_expr(step.expr)}" for step in d.steps]
    return "$$\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$$"


def result_html(result: Any) -> str:
    from .report_model import _section

    return _fragment([_section(result)])


def result_latex(result: Any) -> str:
    from .latex import latex_expr
    from .notes import escape_text

    d = result.derivation
    rows = [latex_expr(d.start)]
    for step, checked in zip(d.steps, result.steps):
        rows.append(f"&{step.relation.latex} {latex_expr(step.expr)} && \\text{{{escape_text(checked.rule)}: {checked.verdict}}}")
    return "$$\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$$"


def functional_html(expr: Any) -> str:
    from .latex import latex_expr
    from .report_html import math_html

    return math_html(latex_expr(expr), display=True)


def _check(d: Derivation, **options: Any) -> Any:
    from ..check import CheckOptions, check_derivation

    return check_derivation(d, CheckOptions(**options))


def install() -> None:
    """Install the display and check hooks (called once by ``import infoproofs``)."""
    from ..notation.functionals import DISPLAY_HOOKS

    DISPLAY_HOOKS["html"] = functional_html
    HOOKS.update({
        "check": _check, "derivation_html": derivation_html, "derivation_latex": derivation_latex,
        "result_html": result_html, "result_latex": result_latex, "functional_html": functional_html,
    })
