"""Presenting a finished run: the terminal table and the JSON record (fields fixed by the CLI contract)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .outcome import LN2, Outcome
from .registry import ConfirmError, Experiment

__all__ = ["record", "print_outcome", "write_json"]


def record(exp: Experiment, params: dict[str, Any], out: Outcome, seconds: float, device: str) -> dict[str, Any]:
    """The JSON record: every value in bits, with the verdict under the stated tolerance."""
    j = out.judgement()
    return {
        "experiment": exp.name,
        "derivation": out.derivation or exp.derivation,
        "params": params,
        "predicted_bits": out.predicted_nats / LN2,
        "measured_bits": out.measured_nats / LN2,
        "stderr_bits": out.stderr_nats / LN2,
        "tolerance_bits": j.tolerance / LN2,
        "passed": out.passed,
        "seconds": round(seconds, 3),
        "device": device,
    }


def print_outcome(
    exp: Experiment, params: dict[str, Any], out: Outcome, seconds: float, device: str, stderr: bool = False
) -> None:
    """The human-readable result (on stderr when stdout carries the JSON)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    j = out.judgement()
    console = Console(stderr=stderr)
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    source = out.derivation or exp.derivation or "identity among measured terms (no catalog derivation)"
    table = Table(title=f"confirm {exp.name} ({shown}) against {source}")
    for column in ("", "bits", "nats"):
        table.add_column(column, justify="right" if column else "left")
    for label, nats in (
        ("predicted", out.predicted_nats),
        ("measured", out.measured_nats),
        ("standard error", out.stderr_nats),
        ("|difference|", abs(out.measured_nats - out.predicted_nats)),
        ("tolerance", j.tolerance),
    ):
        table.add_row(label, f"{nats / LN2:.5f}", f"{nats:.5f}")
    console.print(table)
    console.print(f"tolerance: {j.rule}")
    for line in out.details:
        console.print(f"  {escape(line)}", highlight=False)
    for name, ok in out.checks.items():
        console.print(f"  check: {escape(name)}: {'[green]ok[/]' if ok else '[red]FAILED[/]'}")
    verdict = "[bold green]PASS[/]" if out.passed else "[bold red]FAIL[/]"
    console.print(f"{verdict} in {seconds:.1f} s on {device}")


def write_json(path: str, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2)
    if path == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        Path(path).write_text(text + "\n")
    except OSError as exc:
        raise ConfirmError(f"cannot write {path}: {exc.strerror}") from None
