"""The command-line contracts: exit codes, JSON schema, LaTeX, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infoproofs.cli import main

DATA = Path(__file__).parent / "data"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "infoproofs", *args], capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    "path,fragment",
    [
        ("bad_rule.py", "unknown rule 'logarithm magic'"),
        ("undeclared_symbol.py", "undeclared symbol x"),
        ("no_derivations.py", "no derivations found"),
        ("syntax_error.py", "Python syntax error"),
        ("does_not_exist.py", "no such file or folder"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(path, fragment):
    proc = run_cli("check", str(DATA / path))
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr
    assert str(DATA / path).split("/")[-1] in proc.stderr  # names where
    assert "Traceback" not in proc.stderr + proc.stdout


def test_bad_rule_message_points_at_the_line():
    proc = run_cli("check", str(DATA / "bad_rule.py"))
    assert "bad_rule.py:7" in proc.stderr


def test_refuted_user_file_exits_1_with_counterexample(tmp_path):
    out = tmp_path / "report.json"
    proc = run_cli("check", str(DATA / "false_step.py"), "--json", str(out), "--no-cache")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    step = report["derivations"][0]["steps"][0]
    assert step["verdict"] == "refuted"
    assert set(step["counterexample"]) == {"mu", "s"}
    assert report["summary"]["refuted"] == 1


def test_json_report_has_the_contract_fields(tmp_path):
    out = tmp_path / "r.json"
    code = main(["check", str(Path(__file__).parent.parent / "derivations" / "kl.py"), "--json", str(out), "-q"])
    assert code == 0
    report = json.loads(out.read_text())
    assert set(report) == {"derivations", "summary"}
    for key in ("derivations", "steps", "proved", "confirmed", "refuted", "unknown", "seconds"):
        assert key in report["summary"]
    d = report["derivations"][0]
    for key in ("name", "title", "file", "source", "conclusion", "steps"):
        assert key in d
    for step in d["steps"]:
        for key in ("index", "relation", "rule", "verdict", "oracles", "seconds", "counterexample"):
            assert key in step
        assert step["verdict"] in ("proved", "confirmed", "refuted", "unknown")
        assert step["counterexample"] is None
    assert report["summary"]["steps"] == sum(len(x["steps"]) for x in report["derivations"])


def test_latex_standalone_document(tmp_path):
    out = tmp_path / "kl.tex"
    assert main(["latex", "kl_normal", "--standalone", "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("\\documentclass")
    assert "\\begin{align*}" in text and "\\end{document}" in text
    assert "D_{\\mathrm{KL}}" in text
    assert "by definition of KL divergence" in text


def test_latex_unknown_name_is_bad_input(capsys):
    assert main(["latex", "no_such_derivation"]) == 2
    assert "no_such_derivation: no such file, folder or catalog derivation" in capsys.readouterr().err


@pytest.mark.parametrize(
    "target,closed",
    [
        ("KL(N(mu1, s1^2) || N(mu2, s2^2))", "closed form:"),
        ("h(N(mu, s^2))", "closed form:"),
        ("I(Z; Z+N) where Z ~ N(0, s^2 I_d), N ~ N(0, t^2 I_d)", "closed form:"),
        ("H(Bernoulli(p))", "closed form:"),
    ],
)
def test_derive_prints_a_justified_chain(target, closed):
    proc = run_cli("derive", target, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert closed in proc.stdout
    assert "by definition of" in proc.stdout
    assert "refuted" not in proc.stdout and "unknown" not in proc.stdout


@pytest.mark.parametrize("target", ["KL(N(0,1) | N(1,2))", "h(Foo(1))", "I(Z; Z+M) where Z ~ N(0, 1)", "__import__('os')"])
def test_derive_bad_target_exits_2(target):
    proc = run_cli("derive", target)
    assert proc.returncode == 2
    assert "error" in proc.stderr and "Traceback" not in proc.stderr


def test_list_shows_every_derivation(catalog):
    proc = run_cli("list")
    assert proc.returncode == 0
    for d in catalog:
        assert d.name[:12] in proc.stdout


def test_import_does_not_import_torch():
    code = "import sys, infoproofs, infoproofs.cli, infoproofs.confirm.command; print('torch' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False"


def test_same_name_two_domains_each_derivation_keeps_its_own(tmp_path):
    from infoproofs.catalog import load_paths

    first, second = load_paths([DATA / "narrow_lemma.py"])
    (sym,) = first.start.free_symbols
    assert first.domains[sym].hi == 1 and second.domains[sym].hi is None


def test_lemma_cannot_be_used_outside_its_region(tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli("check", str(DATA / "narrow_lemma.py"), "--json", str(out), "--no-cache")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    lemma, misuse = report["derivations"]
    assert lemma["steps"][0]["verdict"] == "proved"
    step = misuse["steps"][0]
    assert step["verdict"] == "refuted"
    assert step["counterexample"]["u_lem"] > 1
    assert "smaller region" in step["oracles"]["symbolic"]["detail"]


def test_rod_claim_linear_in_length_is_refuted(tmp_path):
    """A mark on a rod carries ~log2(L/sigma) bits; the source's "50 L bits" and its doubling law are refuted."""
    report = tmp_path / "rod.json"
    proc = run_cli("check", str(DATA / "rod_claim.py"), "--no-cache", "--json", str(report))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = {d["name"]: d["steps"] for d in json.loads(report.read_text())["derivations"]}
    closed, linear = data["rod_claim_linear_in_length"]
    assert closed["verdict"] == "proved"  # the logarithmic closed form itself is right
    assert linear["verdict"] == "refuted" and {"L", "sigma"} <= set(linear["counterexample"])
    (doubling,) = data["rod_claim_doubling"]
    assert doubling["verdict"] == "refuted"
    # at the counterexample, doubling the rod added exactly one bit, not 50 L
    numeric = doubling["oracles"]["numeric"]
    assert float(numeric["lhs"]) == 1.0
    assert float(numeric["rhs"]) == 50 * doubling["counterexample"]["L"]
