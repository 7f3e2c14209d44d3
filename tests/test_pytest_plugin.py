"""The pytest plugin: derivation files collected and checked as tests with ``--infoproofs``.

Why these tests: the plugin turns proofs into regression tests, so what must
hold is what a CI user relies on: stable node ids (``--lf``, ``-k``), a true
step passes, a false one fails with the counterexample and no traceback, and
without ``--infoproofs`` nothing about a normal pytest run changes.

Most runs use the ``pytester`` fixture in-process (fast: SymPy is already
imported); the whole catalog and the project's own suite run as subprocesses.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import infoproofs.catalog  # noqa: F401  imported once here, so in-process runs do not re-import SymPy rules
import infoproofs.check  # noqa: F401

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

KL_FILE = '''
import sympy as sp

from infoproofs import KL, Derivation, Normal, positive, real

mu1, mu2 = real("mu1 mu2")
s1, s2 = positive("sigma1 sigma2")
p, q = Normal(mu1, s1**2), Normal(mu2, s2**2)
closed = sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)

kl_normal = Derivation("kl_normal", "Gaussian KL", source="test", start=KL(p, q))
kl_normal.eq(closed, by="closed form")

kl_wrong = Derivation("kl_wrong", "Gaussian KL with a wrong sign", source="test", start=KL(p, q))
kl_wrong.eq(closed, by="closed form")
kl_wrong.eq(sp.log(s2 / s1) - (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2), by="algebra")
'''

GOOD_FILE = '''
from infoproofs import Derivation, real

a = real("a")
doubling = Derivation("doubling", "a + a = 2a", source="test", start=a + a)
doubling.eq(2 * a, by="algebra")
'''

UNKNOWN_FILE = '''
import sympy as sp

from infoproofs import Derivation, interval

n = interval("n", 1, 2)  # the series converges too slowly to be summed, and SymPy does not decide it
k = sp.Symbol("k", integer=True, positive=True)
zeta = Derivation("zeta", "neither oracle decides an infinite sum", source="test", start=sp.Sum(1 / k**n, (k, 1, sp.oo)))
zeta.eq(sp.zeta(n), by="algebra")
'''


def _line(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` that contains ``text``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def folder(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder with a true-and-broken KL file and a true one."""
    pytester.makepyfile(kl=KL_FILE, good=GOOD_FILE)
    return pytester


def test_node_ids(folder: pytest.Pytester) -> None:
    result = folder.runpytest("--infoproofs", "--collect-only", "-q")
    result.stdout.fnmatch_lines([
        "good.py::doubling::step1",
        "kl.py::kl_normal::step1",
        "kl.py::kl_wrong::step1",
        "kl.py::kl_wrong::step2",
    ])
    assert result.ret == 0


def test_true_passes_broken_fails_with_counterexample(folder: pytest.Pytester) -> None:
    result = folder.runpytest("--infoproofs", "-rA")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "PASSED kl.py::kl_normal::step1",
        "PASSED kl.py::kl_wrong::step1",
        "FAILED kl.py::kl_wrong::step2*",
    ])
    out = result.stdout.str()
    line = _line(folder.path / "kl.py", "kl_wrong.eq(sp.log(s2 / s1) -")
    assert f"kl_wrong step 2 (=) at kl.py:{line}: refuted" in out
    assert "rule: algebra" in out
    assert "counterexample: mu1 = " in out
    assert "lhs = " in out and "rhs = " in out
    assert "Traceback" not in out and "pytest_plugin.py" not in out and "raise InfoproofsFailure" not in out


def test_keyword_selects(folder: pytest.Pytester) -> None:
    result = folder.runpytest("--infoproofs", "-k", "kl_wrong and step2", "-rA")
    result.assert_outcomes(failed=1, deselected=3)
    result = folder.runpytest("--infoproofs", "-k", "kl_normal")
    result.assert_outcomes(passed=1, deselected=3)


def test_exitfirst_stops(folder: pytest.Pytester) -> None:
    folder.makepyfile(zz_last=GOOD_FILE.replace('"doubling"', '"doubling_again"').replace("doubling", "again"))
    result = folder.runpytest("--infoproofs", "-x")
    result.assert_outcomes(passed=3, failed=1)  # zz_last.py never runs
    assert "zz_last.py" not in result.stdout.str().split("short test summary")[0].split("FAILURES")[0]


def test_last_failed_reruns_only_the_failed(folder: pytest.Pytester) -> None:
    folder.runpytest("--infoproofs").assert_outcomes(passed=3, failed=1)
    result = folder.runpytest("--infoproofs", "--lf", "-rA")
    result.assert_outcomes(failed=1, deselected=3)
    result.stdout.fnmatch_lines(["FAILED kl.py::kl_wrong::step2*"])


def test_junitxml(folder: pytest.Pytester) -> None:
    report = folder.path / "report.xml"
    folder.runpytest("--infoproofs", f"--junitxml={report}")
    cases = {(c.get("classname"), c.get("name")): c for c in ET.parse(report).iter("testcase")}
    assert set(cases) == {
        ("good.doubling", "step1"), ("kl.kl_normal", "step1"), ("kl.kl_wrong", "step1"), ("kl.kl_wrong", "step2"),
    }
    failure = cases[("kl.kl_wrong", "step2")].find("failure")
    assert failure is not None and "counterexample" in (failure.text or "")
    assert cases[("kl.kl_normal", "step1")].find("failure") is None


def test_strict_fails_an_unknown_step(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(unknown=UNKNOWN_FILE)
    pytester.runpytest("--infoproofs").assert_outcomes(passed=1)
    result = pytester.runpytest("--infoproofs", "--infoproofs-strict")
    result.assert_outcomes(failed=1)
    line = _line(pytester.path / "unknown.py", "zeta.eq(")
    assert f"zeta step 1 (=) at unknown.py:{line}: unknown" in result.stdout.str()


def test_examples_and_no_cache_options(folder: pytest.Pytester) -> None:
    result = folder.runpytest("--infoproofs", "--infoproofs-examples", "5", "--infoproofs-no-cache", "-k", "kl_normal")
    result.assert_outcomes(passed=1, deselected=3)
    result = folder.runpytest("--infoproofs", "--infoproofs-examples", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_bad_file_is_one_failing_item(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(broken="from infoproofs import Derivation\nx = (\n", empty="# Derivation: none yet\n")
    result = pytester.runpytest("--infoproofs", "-rA")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["FAILED broken.py::load*", "FAILED empty.py::load*"])
    out = result.stdout.str()
    assert "Python syntax error" in out and "no derivations found" in out and "Traceback" not in out


def test_file_named_on_command_line_is_not_also_a_test_module(folder: pytest.Pytester) -> None:
    result = folder.runpytest("--infoproofs", "kl.py", "--collect-only", "-q")
    assert result.ret == 0
    assert [line for line in result.stdout.lines if "::" in line] == [
        "kl.py::kl_normal::step1", "kl.py::kl_wrong::step1", "kl.py::kl_wrong::step2",
    ]


def test_reportinfo_points_at_the_step(folder: pytest.Pytester) -> None:
    items, _ = folder.inline_genitems("--infoproofs")
    by_id = {item.nodeid: item for item in items}
    step_line = _line(folder.path / "kl.py", "kl_wrong.eq(sp.log(s2 / s1) -")
    path, line, name = by_id["kl.py::kl_wrong::step2"].reportinfo()
    assert (Path(path).name, line + 1, name) == ("kl.py", step_line, "kl_wrong::step2")
    assert by_id["kl.py::kl_wrong::step2"].location[:2] == ("kl.py", step_line - 1)


def test_without_the_option_nothing_is_collected_or_imported(pytester: pytest.Pytester) -> None:
    marker = pytester.path / "imported"
    pytester.makepyfile(
        kl=f"open({str(marker)!r}, 'w').close()\n" + KL_FILE,
        test_plain="def test_plain():\n    assert True\n",
    )
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    assert not marker.exists()
    # Named on the command line, the file is imported as a plain test module (pytest's own behaviour), not checked.
    assert pytester.runpytest("kl.py", "--collect-only", "-q").ret == pytest.ExitCode.NO_TESTS_COLLECTED
    # With the option, the derivation file is checked and the plain test still runs.
    result = pytester.runpytest("--infoproofs", "-rA")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["PASSED test_plain.py::test_plain"])


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, timeout=600,
    )


def test_project_suite_unaffected() -> None:
    """The same test ids with the plugin as with it blocked, and no derivation file under tests collected."""
    with_plugin = _pytest("--collect-only", "-q", "-p", "no:cacheprovider", "tests/test_budget.py", "tests/test_cli.py")
    without = _pytest(
        "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:infoproofs", "tests/test_budget.py", "tests/test_cli.py"
    )
    assert with_plugin.returncode == 0, with_plugin.stdout + with_plugin.stderr
    ids = [line for line in with_plugin.stdout.splitlines() if "::" in line]
    assert ids and ids == [line for line in without.stdout.splitlines() if "::" in line]


def test_import_infoproofs_does_not_import_pytest() -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import sys, infoproofs; print(any(m.split('.')[0] in ('pytest', '_pytest') for m in sys.modules))"],
        capture_output=True, text=True, check=True,
    )
    assert found.stdout.strip() == "False"


def test_whole_catalog_passes() -> None:
    result = _pytest("derivations/", "--infoproofs", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
