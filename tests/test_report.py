"""``infoproofs report``: HTML (in a real browser), Markdown, LaTeX/PDF, Jupyter display, narrow terminals.

Why these tests: a report is what a co-author or reviewer reads instead of
the terminal, so it must say exactly what the checker said (every badge,
the counterexample of a refuted step, the reason of an unknown one), work
offline, escape user text, and compile.  The browser test loads the page in
headless Chromium, as a reader would; it is skipped only when no Chromium is
installed (``.ci/run`` installs one).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from infoproofs.check import CheckOptions, check_all
from infoproofs.cli import main
from infoproofs.render.browser import find_chromium, load_page, page_text
from infoproofs.render.report_html import BADGES, report_html
from infoproofs.render.report_markdown import report_markdown
from infoproofs.render.report_model import build_report
from infoproofs.render.report_tex import build_pdf, report_tex

MIXED = '''
import sympy as sp
from infoproofs import Derivation, DiffEntropy, Normal, positive, real

mu = real("mu")
s = positive("s")
x = positive("x")

good = Derivation("good_gaussian", "Entropy of a Gaussian <script>alert(1)</script> | a & b",
                  "Cover & Thomas (2006) Thm 8.4.1", DiffEntropy(Normal(mu, s**2)))
good.eq(sp.log(2 * sp.pi * sp.E * s**2) / 2, by="closed form")

bad = Derivation("bad_square", "A false step", "a slip", (x + 1) ** 2)
bad.eq(x**2 + 1, by="algebra")

loose = Derivation("loose_bound", "A true bound the rule does not give", "AM-GM", x + 1 / x)
loose.ge(2, by="algebra")
'''


def _png() -> bytes:
    """A valid 2x2 PNG (what `infoproofs confirm --plot` writes), built by hand to need no plotting library."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    path = folder / "mixed.py"
    path.write_text(MIXED)
    from infoproofs.catalog import load_paths

    derivations = load_paths([path])
    results = check_all(derivations, CheckOptions(use_cache=False), 1)
    record = folder / "run.json"
    record.write_text(json.dumps({"experiment": "gaussian_capacity", "predicted_bits": 1.5, "measured_bits": 1.49,
                                  "passed": True}))
    plot = folder / "sweep.png"
    plot.write_bytes(_png())
    from infoproofs.render.report_model import load_confirm

    view = build_report(results, 1.0, confirm=load_confirm([str(record), str(plot)]))
    return folder, path, results, view


def test_report_says_what_the_checker_said(mixed):
    _, _, results, view = mixed
    verdicts = {r.derivation.name: r.verdict for r in results}
    assert verdicts == {"good_gaussian": "proved", "bad_square": "refuted", "loose_bound": verdicts["loose_bound"]}
    assert verdicts["loose_bound"] in ("confirmed", "unknown", "proved")
    html, unrendered = report_html(view)
    assert unrendered == 0
    for r in results:
        assert f'id="d-{r.derivation.name}"' in html
        assert f'id="d-{r.derivation.name}-step-1"' in html
        assert f'data-verdict="{r.verdict}"' in html
    refuted = next(s for s in view.sections if s.name == "bad_square").steps[0]
    assert refuted.counterexample and "counterexample" in html
    assert html.count("<math") >= sum(len(s.steps) + 1 for s in view.sections)
    assert "data:image/png;base64," in html and "gaussian_capacity" in html  # the confirm run, embedded
    assert "\u2714 passed" in html


def test_html_is_offline_and_escapes_user_text(mixed):
    _, _, _, view = mixed
    html, _ = report_html(view)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)=["']https?:""", html) and "<link" not in html and "@import" not in html
    assert "@media print" in html
    text = page_text(html)
    assert "\\frac" not in text and "\\left" not in text


def test_markdown_has_math_and_a_verdict_table(mixed):
    _, _, _, view = mixed
    md = report_markdown(view)
    assert "$$" in md and "| # | rel | justification | verdict | evidence |" in md
    assert "\u2718 **refuted**" in md and "\u2714 **proved**" in md
    assert "counterexample" in md
    # a title holding | and < neither breaks the table nor passes HTML through
    assert "\\<script\\>" in md and "\\|" in md


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (texlive-latex-base)")
def test_tex_report_compiles(mixed, tmp_path):
    _, _, results, view = mixed
    tex, figures = report_tex(view, results)
    assert tex.startswith("\\documentclass") and "\\end{document}" in tex and figures
    target = tmp_path / "report.pdf"
    build_pdf(tex, target, figures)
    assert target.read_bytes().startswith(b"%PDF")


def test_pdf_without_pdflatex_exits_2_naming_the_package(mixed, tmp_path, monkeypatch, capsys):
    _, path, _, _ = mixed
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "pdflatex" else real_which(name))
    status = main(["report", str(path), "-o", str(tmp_path / "r.pdf"), "--no-cache"])
    assert status == 2
    err = capsys.readouterr().err
    assert "texlive-latex-base" in err and "Traceback" not in err


def test_cli_report_formats_and_exit_status(mixed, tmp_path):
    folder, path, _, _ = mixed
    for suffix in ("html", "md", "tex"):
        out = tmp_path / f"r.{suffix}"
        status = main(["report", str(path), "-o", str(out), "--confirm", str(folder / "run.json")])
        assert status == 1  # bad_square is refuted: the same exit status as `infoproofs check`
        assert out.stat().st_size > 0
    assert main(["report", str(path), "-o", str(tmp_path / "r.xyz")]) == 2
    assert main(["report", str(path), "-o", str(tmp_path / "r.html"), "--confirm", "missing.json"]) == 2


def test_report_of_a_latex_document(tmp_path):
    doc = tmp_path / "paper.md"
    doc.write_text("We use\n\n$$\nh(\\mathcal N(\\mu, \\sigma^2)) = \\frac12 \\log(2 \\pi e \\sigma^2)\n$$\n\n"
                   "and the slip $$ (a + b)^2 = a^2 + b^2 $$\n")
    out = tmp_path / "paper.html"
    status = main(["report", str(doc), "-o", str(out), "--no-cache"])
    html = out.read_text()
    assert status == 1
    assert 'data-verdict="proved"' in html and 'data-verdict="refuted"' in html


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (Debian: apt-get install chromium)")
def test_html_report_in_a_real_browser(mixed, tmp_path):
    _, _, _, view = mixed
    html, _ = report_html(view)
    page = tmp_path / "report.html"
    page.write_text(html)
    shot = tmp_path / "report.png"
    loaded = load_page(page, shot)
    assert loaded.console == [], loaded.console  # no console errors (or messages at all)
    dom = loaded.dom
    steps = sum(len(s.steps) for s in view.sections)
    assert len(re.findall(r"<tr id=\"d-[^\"]+-step-\d+\"", dom)) == steps
    # every step's formula rendered as MathML in the live DOM, and no LaTeX source left as text
    rows = re.findall(r"<tr id=\"d-[^\"]+-step-\d+\".*?</tr>", dom, flags=re.S)
    assert all("<math" in row for row in rows)
    assert "\\frac" not in page_text(dom)
    for verdict in ("proved", "refuted"):
        assert f'class="badge {verdict}"' in dom and BADGES[verdict][1] in page_text(dom)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_the_screenshot_script(mixed, tmp_path):
    if find_chromium() is None:
        pytest.skip("no Chromium installed (Debian: apt-get install chromium)")
    _, _, _, view = mixed
    page = tmp_path / "r.html"
    page.write_text(report_html(view)[0])
    run = subprocess.run([sys.executable, "-m", "infoproofs.render.browser", str(page), str(tmp_path / "r.png"),
                          "800", "600"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r.png").exists()


def test_jupyter_display(mixed):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import sympy as sp\nfrom infoproofs import Derivation, DiffEntropy, KL, Normal, positive, real\n"
            "mu = real('mu'); s = positive('s')\n"
            "d = Derivation('g', 'Gaussian entropy', 'Cover & Thomas', DiffEntropy(Normal(mu, s**2)))\n"
            "d.eq(sp.log(2 * sp.pi * sp.E * s**2) / 2, by='closed form')\nd"
        ),
        nbformat.v4.new_code_cell("d.check(use_cache=False)"),
        nbformat.v4.new_code_cell("KL(Normal(mu, s**2), Normal(0, 1))"),
    ]
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    bundles = [cell.outputs[-1]["data"] for cell in notebook.cells]
    assert "text/html" in bundles[0] and "text/latex" in bundles[0] and "not checked" in bundles[0]["text/html"]
    checked = bundles[1]["text/html"]
    assert 'class="badge proved"' in checked and "<math" in checked and "closed form" in checked
    assert "proved" in bundles[1]["text/latex"]
    assert "<math" in bundles[2]["text/html"] and "text/latex" in bundles[2]


def test_check_fits_an_80_column_terminal(mixed):
    _, path, _, _ = mixed
    run = subprocess.run([sys.executable, "-m", "infoproofs", "check", str(path), "--no-cache"],
                         capture_output=True, text=True, env={**__import__("os").environ, "COLUMNS": "80"},
                         timeout=300)
    lines = run.stdout.splitlines()[:-1]  # the summary line stays one line by design (greppable)
    assert lines and max(len(line) for line in lines) <= 80
    table_rows = [line for line in lines if line.startswith("│")]
    # compact at 80 columns: most steps on one line (the rule names here are short)
    assert len(table_rows) <= 2 * sum(1 for line in table_rows if re.match(r"│\s*\d+ │", line))


def test_list_rows_stay_on_one_line_at_80_columns():
    run = subprocess.run([sys.executable, "-m", "infoproofs", "list"], capture_output=True, text=True,
                         env={**__import__("os").environ, "COLUMNS": "80"}, timeout=300, cwd=Path(__file__).parent)
    rows = [line for line in run.stdout.splitlines() if line.startswith("│")]
    assert rows and max(len(line) for line in run.stdout.splitlines()) <= 80
    names = [line.split("│")[1].strip() for line in rows]
    assert all(names)  # no continuation lines (a continuation has an empty name cell)


def test_catalog_report_in_every_format(catalog, tmp_path):
    """The whole catalog as one document per format (the step cache, warm after test_catalog, keeps it quick)."""
    results = check_all(catalog, CheckOptions(), 2)
    view = build_report(results, 0.0)
    html, unrendered = report_html(view)
    assert unrendered == 0, "every formula of the catalog converts to MathML"
    assert len(html.encode()) < 5_000_000
    assert html.count('class="badge ') >= sum(len(r.steps) for r in results)
    md = report_markdown(view)
    assert md.count("$$") >= 2 * len(results)
    tex, figures = report_tex(view, results)
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (texlive-latex-base texlive-latex-recommended)")
    target = tmp_path / "catalog.pdf"
    build_pdf(tex, target, figures)
    assert target.read_bytes().startswith(b"%PDF")
