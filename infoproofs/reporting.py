"""``infoproofs report``: check derivations (or verify LaTeX/Markdown claims) and write one document.

The check is the same as ``infoproofs check`` (same options, same cache, same
exit status), so a report never says more than the checker did; the
document is written in the format asked for (by ``--format``, else from the
output's suffix).  Writers live in ``render.report_*``; this module only
loads, checks, and writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["FORMATS", "write_report", "format_for", "ReportInputError"]

_DOCUMENT_SUFFIXES = (".tex", ".md", ".markdown", ".txt")
FORMATS = ("html", "md", "tex", "pdf")
_SUFFIX_FORMAT = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".tex": "tex", ".pdf": "pdf"}


class ReportInputError(ValueError):
    """Bad report input (the CLI turns it into exit status 2 and one line)."""


def format_for(requested: str | None, output: str) -> str:
    if requested:
        return requested
    found = _SUFFIX_FORMAT.get(Path(output).suffix.lower())
    if found is None:
        raise ReportInputError(f"-o {output}: say --format {'|'.join(FORMATS)} (the suffix does not tell)")
    return found


def _split(paths: list[str]) -> tuple[list[str], list[str]]:
    documents = [p for p in paths if Path(p).suffix.lower() in _DOCUMENT_SUFFIXES]
    return [p for p in paths if p not in documents], documents


def write_report(
    paths: list[str], outputs: list[tuple[str, str]], *, confirm: list[str], options, jobs: int, select: list[str] | None,
    log_base: str, load: Callable, choose: Callable, document_blocks: Callable, progress: Callable[[int], None],
) -> tuple[dict[str, int], float]:
    """Check once, render and write each (file, format) of ``outputs``; returns (summary counts, seconds checking).

    ``load``/``choose``/``document_blocks`` are the CLI's own loaders (catalog
    names, ``-k``, extraction of math blocks), so the report reads exactly what
    ``check`` and ``verify`` read.
    """
    from .check import check_all
    from .render.report_model import build_report, load_confirm

    for name in confirm:
        if not Path(name).is_file():
            raise ReportInputError(f"--confirm {name}: no such file")
    try:
        confirm_views = load_confirm(confirm)
    except (ValueError, OSError) as exc:
        raise ReportInputError(f"--confirm: {exc}") from None
    derivation_paths, documents = _split(paths)
    started = time.perf_counter()
    results = []
    if derivation_paths or not documents:
        derivations, names = load(derivation_paths)
        derivations = choose(derivations, names, select)
        results = check_all(derivations, options, jobs, progress)
    claims = []
    if documents:
        from .verify.claims import verify_blocks

        claims = verify_blocks(document_blocks(documents), log_base, (), options)
    seconds = time.perf_counter() - started
    title = "infoproofs report: " + (", ".join(Path(p).name for p in paths) if paths else "the catalog")
    if select:
        title += " (-k " + " -k ".join(select) + ")"  # a selection, not the whole of it
    view = build_report(results, seconds, claims, confirm_views, title=title)
    for output, fmt in outputs:
        _WRITERS[fmt](view, results, Path(output))
    return view.summary, seconds


_WRITERS: dict[str, Callable] = {}


def _writer(fmt: str):
    """Register the writer of one format: ``fn(view, results, target)``."""

    def wrap(fn: Callable) -> Callable:
        _WRITERS[fmt] = fn
        return fn

    return wrap


@_writer("html")
def _html(view, results, target: Path) -> None:
    from .render.report_html import report_html

    text, _ = report_html(view)
    target.write_text(text, encoding="utf-8")


@_writer("md")
def _markdown(view, results, target: Path) -> None:
    from .render.report_markdown import report_markdown

    target.write_text(report_markdown(view), encoding="utf-8")


@_writer("tex")
def _tex(view, results, target: Path) -> None:
    from .render.report_tex import report_tex

    tex, figures = report_tex(view, results)
    target.write_text(tex, encoding="utf-8")
    for name, data in figures.items():  # the figures the document includes, next to it
        (target.parent / name).write_bytes(data)


@_writer("pdf")
def _pdf(view, results, target: Path) -> None:
    from .render.report_tex import build_pdf, report_tex

    tex, figures = report_tex(view, results)
    build_pdf(tex, target, figures)
