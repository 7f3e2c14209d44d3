"""Run derivation files as pytest tests: ``pytest derivations/ --infoproofs``.

Why a plugin: a derivation is a regression test for mathematics.  Collected by
pytest, each derivation becomes a node and each step an item
(``derivations/kl.py::kl_normal::step3``), so the usual tools work on proofs:
``-k kl_normal``, ``-x``, ``--lf``, ``--junitxml`` and CI dashboards.

The plugin is opt-in.  It is registered through the ``pytest11`` entry point,
so pytest loads it in every run, but without ``--infoproofs`` it only adds its
options: it collects nothing, imports no derivation file and does not even
import ``infoproofs`` (this module imports only pytest at the top, and
``import infoproofs`` never imports this module).

A step item fails when the checker refutes the step or reports an internal
error (the two oracles disagree); with ``--infoproofs-strict`` also when the
step is unknown or holds by another rule than the one it cites, the same
contract as ``infoproofs check --strict``.  Failures are reported as the
checker's findings (verdict, rule, counterexample, both sides' values), never
as a Python traceback: the traceback would point into the plugin, not at the
mathematics.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the checker is imported only when --infoproofs is given
    from infoproofs.check import CheckOptions, DerivationResult, StepResult
    from infoproofs.derivation import Derivation, Step

__all__ = ["DerivationFile", "DerivationNode", "StepItem", "LoadErrorItem", "InfoproofsFailure"]

# A file is a derivation file only if its text mentions Derivation and it is not a test module:
# a cheap look that imports nothing, so unrelated Python files keep their usual collection.
_TEST_CODE = re.compile(r"^\s*(def test_|class Test)", re.MULTILINE)


class InfoproofsFailure(Exception):
    """A step (or a file) that does not pass; its message is the whole report.

    A dedicated exception lets ``repr_failure`` recognise the checker's own
    verdicts and print them as plain text instead of a traceback.
    """


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's options; adding them is all it does without ``--infoproofs``."""
    group = parser.getgroup("infoproofs", "infoproofs: derivation files as tests")
    group.addoption(
        "--infoproofs", action="store_true", default=False,
        help="collect derivation files (*.py defining infoproofs.Derivation) and check each step as a test",
    )
    group.addoption(
        "--infoproofs-strict", action="store_true", default=False,
        help="also fail unknown steps and steps whose cited rule does not justify them",
    )
    group.addoption(
        "--infoproofs-examples", type=int, default=None, metavar="N",
        help="numeric points per step (default: the checker's own, 10-40)",
    )
    group.addoption(
        "--infoproofs-no-cache", action="store_true", default=False,
        help="ignore and do not write the infoproofs step cache",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Reject a bad ``--infoproofs-examples`` before anything is collected."""
    examples = config.getoption("infoproofs_examples")
    if examples is not None and examples < 1:
        raise pytest.UsageError("--infoproofs-examples must be a positive integer")


def _is_derivation_file(file_path: Path) -> bool:
    """Whether the plugin should take this file (a cheap text look, no import).

    The catalog's own rule (``*.py`` not starting with ``_``) plus: not a
    conftest, not a test module, and the text mentions ``Derivation``.
    """
    if file_path.suffix != ".py" or file_path.name.startswith("_") or file_path.name == "conftest.py":
        return False
    try:
        text = file_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return ("Derivation" in text or "DERIVATIONS" in text) and not _TEST_CODE.search(text)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Iterator[None] | Any:
    """Collect derivation files with the plugin instead of as Python test modules.

    A wrapper, so that when the python plugin would also take the file (it
    was named on the command line, or matches ``python_files``) its Module is
    dropped: a derivation file must not be imported twice, once as a test.
    """
    collected = yield
    if not parent.config.getoption("infoproofs") or not _is_derivation_file(file_path):
        return collected
    others = [node for node in collected if not isinstance(node, pytest.Module)]
    return [*others, DerivationFile.from_parent(parent, path=file_path)]


def _options(config: pytest.Config) -> CheckOptions:
    from infoproofs.check import CheckOptions

    return CheckOptions(
        use_cache=not config.getoption("infoproofs_no_cache"),
        examples=config.getoption("infoproofs_examples"),
    )


def _split_where(where: str, default: Path) -> tuple[Path, int]:
    """``"file:line"`` as (path, 0-based line) for ``reportinfo``; line 0 when unknown."""
    file, _, line = where.rpartition(":")
    if file and line.isdigit():
        return Path(file), int(line) - 1
    return default, 0


class DerivationFile(pytest.File):
    """A derivation file: one child node per derivation it defines."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        """Load the file with the catalog's loader; a bad file becomes one failing item."""
        from infoproofs.catalog import InputError, load_path

        try:
            derivations = load_path(self.path)
        except InputError as exc:
            yield LoadErrorItem.from_parent(self, name="load", message=str(exc))
            return
        for derivation in derivations:
            yield DerivationNode.from_parent(self, name=derivation.name, derivation=derivation)


class LoadErrorItem(pytest.Item):
    """A derivation file that does not load: fails with the loader's message, which names file and line."""

    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise InfoproofsFailure(f"cannot load derivation file: {self.message}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, InfoproofsFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: load"


class DerivationNode(pytest.Collector):
    """One derivation; it checks the whole chain once and hands each step item its result.

    Checking per derivation (not per step) is what the checker expects: a
    step's previous expression and lemmas come from the chain, and the
    result is the same one ``infoproofs check`` computes.
    """

    def __init__(self, *, derivation: Derivation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation
        self._result: DerivationResult | None = None
        self._error: BaseException | None = None

    def collect(self) -> Iterator[pytest.Item]:
        for step in self.derivation.steps:
            yield StepItem.from_parent(self, name=f"step{step.index}", step=step)

    def reportinfo(self) -> tuple[Path, int, str]:
        path, line = _split_where(self.derivation.where, self.path)
        return path, line, self.derivation.name

    def result(self) -> DerivationResult:
        """The derivation's check, run on first use and kept for the other steps (a crash too)."""
        if self._error is not None:
            raise self._error
        if self._result is None:
            from infoproofs.check import check_derivation

            try:
                self._result = check_derivation(self.derivation, _options(self.config))
            except Exception as exc:  # a checker bug: every step reports it, the check is not rerun
                self._error = exc
                raise
        return self._result


class StepItem(pytest.Item):
    """One step of a derivation, passing or failing on the checker's verdict."""

    def __init__(self, *, step: Step, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = step
        self.derivation: Derivation = step_parent(self).derivation

    def step_result(self) -> StepResult:
        result = step_parent(self).result()
        for found in result.steps:
            if found.index == self.step.index:
                return found
        raise InfoproofsFailure(f"the checker returned no result for step {self.step.index}")

    def runtest(self) -> None:
        found = self.step_result()
        self.user_properties.append(("verdict", found.verdict))
        if found.rule:
            self.user_properties.append(("rule", found.rule))
        strict = self.config.getoption("infoproofs_strict")
        failing = found.verdict == "refuted" or found.internal_error
        if strict and (found.verdict == "unknown" or found.mismatched):
            failing = True
        if failing:
            raise InfoproofsFailure(self._report(found, strict))

    def _report(self, found: StepResult, strict: bool) -> str:
        """The failure text: what the checker found, where, and by which rule."""
        verdict = "INTERNAL ERROR (the oracles disagree)" if found.internal_error else found.verdict
        if strict and found.verdict != "refuted" and not found.internal_error:
            verdict += " (fails under --infoproofs-strict)" if found.verdict == "unknown" else ""
            if found.mismatched:
                verdict = f"{found.verdict}, but the cited rule does not justify it (--infoproofs-strict)"
        lines = [
            f"{self.derivation.name} step {found.index} ({found.relation}) at {self._where()}: {verdict}",
            f"  rule: {found.rule}",
        ]
        if found.justified_by and found.mismatched:
            lines.append(f"  holds by: {found.justified_by}")
        if found.counterexample is not None:
            point = ", ".join(f"{k} = {v}" for k, v in found.counterexample.items()) or "(no free symbols)"
            lines.append(f"  counterexample: {point}")
        numeric = found.oracles.get("numeric", {})
        if "lhs" in numeric or "rhs" in numeric:
            lines.append(f"  lhs = {numeric.get('lhs')}")
            lines.append(f"  rhs = {numeric.get('rhs')}")
        if found.reason:
            lines.append(f"  reason: {found.reason}")
        if found.note:
            lines.append(f"  note: {found.note}")
        return "\n".join(lines)

    def _where(self) -> str:
        """The step's "file:line", relative to the rootdir when inside it (as pytest prints node ids)."""
        path, line = _split_where(self.step.where, self.path)
        try:
            path = path.resolve().relative_to(self.config.rootpath)
        except ValueError:
            pass
        return f"{path}:{line + 1}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        """The checker's report as plain text; only a crash of the checker itself gets a traceback."""
        if isinstance(excinfo.value, InfoproofsFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        path, line = _split_where(self.step.where, self.path)
        return path, line, f"{self.derivation.name}::step{self.step.index}"


def step_parent(item: pytest.Item) -> DerivationNode:
    """The derivation node above a step item."""
    parent = item.parent
    assert isinstance(parent, DerivationNode)
    return parent
