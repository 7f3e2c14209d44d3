"""The first hour of a new user (issue 8): hangs, tracebacks, clutter, citations, LaTeX, integrals, options."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp

from infoproofs import (
    KL,
    Derivation,
    DiagNormal,
    DiffEntropy,
    IsoNormal,
    Normal,
    dimension,
    positive,
    positive_vector,
    real,
    real_vector,
)
from infoproofs.check import CheckOptions, check_derivation

from .conftest import ROOT

DATA = ROOT / "tests" / "data"


def run(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infoproofs.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=timeout)


# ---- 1. no hang on symbolic sizes; loading has a budget ----------------------------------------------


def test_diagonal_normal_of_symbolic_size_builds_at_once_and_its_kl_is_a_sum():
    d = dimension("fh_d")
    started = time.perf_counter()
    q = DiagNormal(real_vector("fh_mu", d), positive_vector("fh_v", d))
    kl = KL(q, IsoNormal(0, 1, d)).doit()
    assert time.perf_counter() - started < 20
    assert isinstance(kl.args[0], sp.Sum) or any(isinstance(a, sp.Sum) for a in sp.preorder_traversal(kl))


def test_diagonal_normal_with_possibly_negative_variances_is_a_clear_error():
    d = dimension("fh_d2")
    with pytest.raises(TypeError, match="positive_vector"):
        DiagNormal(real_vector("fh_mu2", d), real_vector("fh_v2", d))


@pytest.mark.parametrize("sigint", ["default", "ignored"])
def test_a_file_that_never_finishes_loading_is_reported_with_its_line(tmp_path, sigint):
    # a background job or CI runner may start us with SIGINT ignored: the budget must still fire
    (tmp_path / "forever.py").write_text("from infoproofs import positive\ns = positive('s')\nwhile True:\n    pass\n")
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint == "ignored" else None
    done = subprocess.run([sys.executable, "-m", "infoproofs.cli", "check", str(tmp_path / "forever.py"),
                           "--load-seconds", "2"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=ignore)
    assert done.returncode == 2, done.stderr
    assert "forever.py:" in done.stderr and "loading took more than 2 s" in done.stderr
    assert "Traceback" not in done.stderr


def test_general_d_vae_kl_is_proved_in_the_catalog(catalog_by_name):
    result = check_derivation(catalog_by_name["vae_kl_regulariser_general_d"], CheckOptions())
    assert [s.verdict for s in result.steps] == ["proved"] * len(result.steps)
    assert all(s.oracles["numeric"]["status"] == "passed" for s in result.steps)


# ---- 2. derive: bad laws get a column, dimensions must match -----------------------------------------


@pytest.mark.parametrize("target,expected", [
    ("I(Z; Z+N) where Z ~ N(0, s^2 I_d), N ~ N(0, diag(t1^2, t2^2))", "column 45"),
    ("I(Z; Z+N) where Z ~ N(0), N ~ N(0, t^2 I_d)", "N takes 2 parameters"),
    ("I(Z; Z+N) where Z ~ N(0, s^2 I_d), N ~ N(0, t^2 I_k)", "different dimensions"),
    ("KL(N(mu1, s1^2) || Foo(1))", "unknown distribution or function 'Foo'"),
])
def test_bad_laws_in_derive_are_clear_errors(target, expected):
    done = run("derive", target)
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_derive_carries_law_constraints_and_where_constraints():
    done = run("derive", "h(Uniform(a, b))", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "assuming a < b" in done.stdout and "unknown" not in done.stdout
    assert run("derive", "h(N(mu, s^2)) where s > 1").returncode == 0


def test_derive_prints_the_textbook_gaussian_kl_and_e_not_E():
    done = run("derive", "KL(N(mu1, s1^2) || N(mu2, s2^2))")
    assert "(s1**2 + (mu1 - mu2)**2)/(2*s2**2)" in done.stdout and "log(s2/s1)" in done.stdout
    assert "log(2*e*pi*s**2)/2" in run("derive", "h(N(mu, s^2))").stdout


def test_derive_of_a_categorical_shows_no_piecewise():
    out = run("derive", "H(Cat(p1, p2, p3))").stdout
    assert "Piecewise" not in out and "zoo" not in out
    assert "-p1*log(p1) - p2*log(p2) - p3*log(p3)" in out


# ---- 3. --json - is JSON -------------------------------------------------------------------------


def test_json_on_stdout_is_only_json():
    done = run("check", str(DATA / "false_step.py"), "--json", "-", "-q")
    report = json.loads(done.stdout)
    assert report["summary"]["refuted"] >= 1
    assert "derivations" in done.stderr  # the summary line went to stderr


def test_an_output_in_a_missing_folder_is_rejected_before_checking(tmp_path):
    started = time.perf_counter()
    done = run("check", "derivations", "--json", str(tmp_path / "missing" / "r.json"))
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert time.perf_counter() - started < 30


# ---- 4. nothing written in the user's folder ----------------------------------------------------------


def test_checking_and_deriving_leave_the_folder_as_it_was(tmp_path):
    for name in ("false_step.py", "lemma_source.py", "lemma_user.py"):
        shutil.copy(DATA / name, tmp_path / name)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    run("check", ".", "-q", "--no-cache", cwd=tmp_path)
    run("derive", "h(N(mu, s^2))", "--check", cwd=tmp_path)
    after = sorted(p.name for p in tmp_path.rglob("*"))
    assert after == before, set(after) - set(before)


# ---- 5. citations are enforced ------------------------------------------------------------------------


def _miscited() -> Derivation:
    s = positive("fh_s")
    d = Derivation("fh_miscited", "t", source="t", start=DiffEntropy(Normal(0, s**2)))
    d.eq(sp.log(2 * sp.pi * sp.E * s**2) / 2, by="algebra")
    return d


def test_a_true_step_with_the_wrong_rule_is_flagged():
    step = check_derivation(_miscited(), CheckOptions(use_cache=False)).steps[0]
    assert step.verdict == "proved" and step.citation == "mismatch"
    assert "does not justify" in step.reason and step.justified_by


def test_strict_fails_on_a_mis_cited_step_and_json_says_so(tmp_path):
    (tmp_path / "miscited.py").write_text(
        "import sympy as sp\nfrom infoproofs import Derivation, DiffEntropy, Normal, positive\n"
        "s = positive('s')\nd = Derivation('miscited', 't', source='t', start=DiffEntropy(Normal(0, s**2)))\n"
        "d.eq(sp.log(2 * sp.pi * sp.E * s**2) / 2, by='definition of entropy')\n"
    )
    report = tmp_path / "r.json"
    assert run("check", str(tmp_path / "miscited.py"), "--json", str(report), "-q").returncode == 0
    step = json.loads(report.read_text())["derivations"][0]["steps"][0]
    assert step["citation"] == "mismatch"
    assert run("check", str(tmp_path / "miscited.py"), "--strict", "-q").returncode == 1


def test_the_catalog_cites_the_rules_that_justify_its_steps(catalog):
    from infoproofs.check import check_all

    results = check_all(catalog, CheckOptions(), jobs=1)
    wrong = [(r.derivation.name, s.index, s.rule, s.justified_by) for r in results for s in r.steps if s.mismatched]
    assert not wrong


# ---- 7. LaTeX for a paper -----------------------------------------------------------------------------


def test_latex_escapes_titles_and_typesets_notes():
    from infoproofs.catalog import find_derivation
    from infoproofs.render.latex import derivation_latex

    text = derivation_latex(find_derivation("iwae_bounds_general_K"))
    heading = "\n".join(line for line in text.split("\\begin{align*}")[0].splitlines() if not line.startswith("%"))
    assert "<=" not in heading and ">=" not in heading and "\\ge" in heading
    notes = derivation_latex(find_derivation("kl_normal"))
    assert "textasciicircum" not in notes


def test_latex_marks_a_refuted_step():
    from infoproofs.catalog import load_path
    from infoproofs.render.latex import derivation_latex

    d = load_path(DATA / "false_step.py")[0]
    result = check_derivation(d, CheckOptions(use_cache=False))
    text = derivation_latex(d, result.steps)
    assert "refuted" in text and "counterexample" in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (texlive-latex-base)")
def test_the_catalog_latex_compiles_without_overfull_lines(tmp_path):
    done = run("latex", "derivations", "--standalone", "-o", str(tmp_path / "catalog.tex"))
    assert done.returncode == 0, done.stderr
    compiled = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "catalog.tex"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = (tmp_path / "catalog.log").read_text(errors="replace")
    assert compiled.returncode == 0, log[-2000:]
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
    assert all(w <= 20 for w in widths), widths


# ---- 8. integrals and sums ----------------------------------------------------------------------------


def test_a_kl_written_as_an_integral_is_the_definition():
    m1, m2 = real("fh_m1 fh_m2")
    s1, s2 = positive("fh_s1 fh_s2")
    x = sp.Symbol("x", real=True)
    pd = sp.exp(-((x - m1) ** 2) / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
    qd = sp.exp(-((x - m2) ** 2) / (2 * s2**2)) / sp.sqrt(2 * sp.pi * s2**2)
    d = Derivation("fh_kl_integral", "t", source="t", start=KL(Normal(m1, s1**2), Normal(m2, s2**2)))
    d.eq(sp.Integral(pd * sp.log(pd / qd), (x, -sp.oo, sp.oo)), by="definition of KL divergence")
    step = check_derivation(d, CheckOptions(use_cache=False, examples=5)).steps[0]
    assert step.verdict == "proved" and step.citation == "ok", step.reason
    assert step.oracles["numeric"]["status"] == "passed"


def test_a_wrong_integral_is_refuted():
    s = positive("fh_s3")
    x = sp.Symbol("x", real=True)
    density = sp.exp(-(x**2) / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
    d = Derivation("fh_bad_integral", "t", source="t", start=sp.Integral(x**2 * density, (x, -sp.oo, sp.oo)))
    d.eq(2 * s**2, by="integral against a density")
    assert check_derivation(d, CheckOptions(use_cache=False, examples=5)).steps[0].verdict == "refuted"


# ---- 9. smaller items ---------------------------------------------------------------------------------


def test_catalog_names_are_accepted_everywhere():
    assert run("check", "kl_normal", "-q").returncode == 0
    assert run("latex", "kl_normal").returncode == 0
    bad = run("check", "no_such_derivation")
    assert bad.returncode == 2 and "no such file, folder or catalog derivation" in bad.stderr


def test_every_bad_file_in_a_folder_is_reported(tmp_path):
    for name in ("bad_rule.py", "undeclared_symbol.py", "false_step.py"):
        shutil.copy(DATA / name, tmp_path / name)
    done = run("check", str(tmp_path))
    assert done.returncode == 2
    assert "bad_rule.py" in done.stderr and "undeclared_symbol.py" in done.stderr


def test_checking_outside_a_project_says_it_checks_the_bundled_catalog(tmp_path):
    done = run("check", "-k", "kl_normal", "-q", cwd=tmp_path)
    assert done.returncode == 0 and "bundled catalog" in done.stderr


def test_the_digits_are_explained_in_one_phrase():
    out = run("check", "kl_normal").stdout
    assert re.search(r"\d+ of \d+\s+digits\s+agreed", out.replace("│", " ")), out


def test_the_catalog_cites_works_not_local_files():
    for path in (ROOT / "derivations").glob("*.py"):
        assert "shared/sources" not in path.read_text(), path


def test_list_fits_80_columns():
    done = subprocess.run([sys.executable, "-m", "infoproofs.cli", "list"], capture_output=True, text=True,
                          cwd=ROOT, env={**__import__("os").environ, "COLUMNS": "80"}, timeout=120)
    rows = [line for line in done.stdout.splitlines() if line.startswith("│")]
    assert rows and all(len(line) <= 80 for line in done.stdout.splitlines())
    assert all(re.match(r"│ \S+.*│\s+\d+ │", row) for row in rows), rows[:3]


# ---- 10. options ----------------------------------------------------------------------------------------


def test_failed_only_lists_only_what_is_not_proved():
    out = run("check", str(DATA / "false_step.py"), "--failed-only").stdout
    assert "refuted" in out and " proved " not in out


def test_k_selects_derivations_by_name():
    done = run("check", "-k", "kl_normal", "-k", "vae_kl_*", "--json", "-", "-q")
    names = {d["name"] for d in json.loads(done.stdout)["derivations"]}
    assert "kl_normal" in names and "vae_kl_regulariser" in names and "gaussian_latent_capacity" not in names
    assert run("check", "-k", "zzz_nothing").returncode == 2


def test_the_readme_example_is_complete_and_every_step_is_justified_by_its_rule(tmp_path):
    text = (ROOT / "README.md").read_text()
    code = re.search(r"This one is complete.*?```python\n(.*?)```", text, re.S).group(1)
    assert "..." not in code
    (tmp_path / "example.py").write_text(code.replace('"kl_normal"', '"kl_normal_readme"'))
    report = tmp_path / "r.json"
    done = run("check", str(tmp_path / "example.py"), "--strict", "--no-cache", "--json", str(report), "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    steps = json.loads(report.read_text())["derivations"][0]["steps"]
    assert [s["verdict"] for s in steps] == ["proved"] * 4 and all(s["citation"] == "ok" for s in steps)
