"""The LaTeX report (a complete document for ``pdflatex``) and its PDF.

The chains are the ones ``infoproofs latex`` prints (``derivation_latex`` with
the check's results: each step in ``align*`` with its justification and
verdict mark, counterexamples under refuted steps), preceded by a summary
table, so the PDF and the pasted LaTeX never disagree.  Claims read from
LaTeX files are listed with their verdicts, their source shown verbatim
(it is the user's LaTeX, which may use macros of their own preamble).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .latex import derivation_latex
from .notes import escape_text
from .report_model import ReportView

__all__ = ["report_tex", "build_pdf", "PdfUnavailable", "TEX_PACKAGES"]

TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended"
_MARK = {"proved": r"$\checkmark$ proved", "confirmed": r"$\approx$ confirmed", "refuted": r"$\times$ refuted",
         "unknown": "? unknown", "unparsed": "unparsed", "unsupported": "unsupported"}


class PdfUnavailable(RuntimeError):
    """No ``pdflatex`` on this machine (the message names the packages to install)."""


def _summary(view: ReportView) -> str:
    keys = [k for k in ("proved", "confirmed", "refuted", "unknown", "unparsed", "unsupported")
            if view.summary.get(k) or k in ("proved", "confirmed", "refuted", "unknown")]
    head = " & ".join(["derivations", "steps", *(_MARK[k] for k in keys)])
    row = " & ".join(str(v) for v in [view.summary["derivations"], view.summary["steps"],
                                       *(view.summary.get(k, 0) for k in keys)])
    return ("\\begin{center}\\begin{tabular}{" + "r" * (len(keys) + 2) + "}\\hline\n" + head + r" \\ \hline"
            + "\n" + row + r" \\ \hline\end{tabular}\end{center}" + "\n")


def report_tex(view: ReportView, results: list) -> tuple[str, dict[str, bytes]]:
    """(the document, its figures by file name); ``results`` are the ``DerivationResult`` the view was built from.

    The figures (``confirm-K.png``) must sit next to the .tex when it is compiled.
    """
    body = [
        rf"\section*{{{escape_text(view.title)}}}",
        rf"\noindent infoproofs {escape_text(view.version)}, {escape_text(view.generated)}, checked in "
        rf"{view.seconds:.1f}\,s.\par",
        _summary(view),
    ]
    if view.summary.get("internal_errors"):
        body.append(rf"\noindent\textbf{{INTERNAL ERROR: the oracles disagree on {view.summary['internal_errors']} "
                    r"step(s).}\par")
    for result in results:
        body.append(derivation_latex(result.derivation, result.steps))
    claims = [s for s in view.sections if s.kind == "claim"]
    if claims:
        body.append(r"\subsection*{Claims read from documents}\begin{itemize}")
        for c in claims:
            reasons = "; ".join(s.reason for s in c.steps if s.reason)
            body.append(rf"\item \texttt{{{escape_text(c.source)}}}: {_MARK.get(c.verdict, c.verdict)}"
                        rf"\\ \texttt{{{escape_text(c.start_latex)}}}"
                        + (rf"\\ {{\small {escape_text(reasons)}}}" if reasons else ""))
        body.append(r"\end{itemize}")
    figures = []
    for c in view.confirm:
        if c.png is None:
            rows = r" \\ ".join(rf"{escape_text(k)} & {escape_text(v)}" for k, v in c.rows)
            status = "" if c.passed is None else (" (passed)" if c.passed else " (failed)")
            body.append(rf"\subsection*{{confirm {escape_text(c.name)}{status}}}"
                        rf"\begin{{tabular}}{{ll}}{rows}\end{{tabular}}")
        else:
            figures.append(c)
    files = {f"confirm-{i}.png": f.png for i, f in enumerate(figures)}
    return _document("\n\n".join(body), figures), files


def _document(body: str, figures: list) -> str:
    graphics = "\\usepackage{graphicx}\n" if figures else ""
    pictures = "".join(
        rf"\begin{{figure}}[h]\centering\includegraphics[width=0.8\linewidth]{{confirm-{i}.png}}"
        rf"\caption{{{escape_text(f.name)}}}\end{{figure}}" + "\n" for i, f in enumerate(figures)
    )
    return (
        "\\documentclass[11pt]{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n"
        "\\usepackage{amsmath,amssymb}\n\\usepackage[margin=2cm]{geometry}\n" + graphics
        + "\\allowdisplaybreaks\n\\begin{document}\n" + body + "\n" + pictures + "\\end{document}\n"
    )


def build_pdf(tex: str, target: Path, figures: dict[str, bytes] | None = None, seconds: float = 300.0) -> None:
    """Compile ``tex`` with pdflatex in a private folder and copy the PDF to ``target``.

    Runs twice only when asked by the log (no cross references today, so
    once); the log's first error is raised as a RuntimeError naming the line.
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise PdfUnavailable(f"--format pdf needs pdflatex; install it (Debian/Ubuntu: apt-get install {TEX_PACKAGES})"
                             ", or write --format tex and compile it elsewhere")
    with tempfile.TemporaryDirectory(prefix="infoproofs-pdf-") as folder:
        work = Path(folder)
        for name, data in (figures or {}).items():
            (work / name).write_bytes(data)
        (work / "report.tex").write_text(tex, encoding="utf-8")
        try:
            run = subprocess.run(
                [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                cwd=work, capture_output=True, text=True, timeout=seconds,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"pdflatex did not finish in {seconds:.0f} s") from None
        pdf = work / "report.pdf"
        if run.returncode != 0 or not pdf.exists():
            errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
            raise RuntimeError("pdflatex failed: " + ("; ".join(errors[:3]) or run.stdout[-500:]))
        shutil.copyfile(pdf, target)
