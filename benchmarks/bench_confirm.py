"""Run every ``infoproofs confirm`` experiment at its default size and tabulate predicted vs measured bits.

Usage: ``python benchmarks/bench_confirm.py [--quick] [--seed N] [EXPERIMENT ...]``.
An experiment whose catalog derivation is missing is reported as an error row.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table


def main(argv: list[str] | None = None) -> int:
    from infoproofs.catalog import InputError
    from infoproofs.confirm.command import run_experiment
    from infoproofs.confirm.outcome import LN2
    from infoproofs.confirm.registry import EXPERIMENTS, ConfirmError, _load

    _load()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiments", nargs="*", default=list(EXPERIMENTS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table(title="infoproofs confirm" + (" (--quick)" if args.quick else " (default size)"))
    for column in (
        "experiment",
        "predicted bits",
        "measured bits",
        "stderr bits",
        "tolerance bits",
        "passed",
        "seconds",
    ):
        table.add_column(column, justify="left" if column == "experiment" else "right")
    failures = 0
    for name in args.experiments:
        try:
            _, _, out, seconds, _ = run_experiment(name, seed=args.seed, quick=args.quick)
        except (ConfirmError, InputError) as exc:
            table.add_row(name, "-", "-", "-", "-", f"error: {exc}", "-")
            failures += 1
            continue
        failures += not out.passed
        table.add_row(
            name,
            f"{out.predicted_nats / LN2:.4f}",
            f"{out.measured_nats / LN2:.4f}",
            f"{out.stderr_nats / LN2:.4f}",
            f"{out.judgement().tolerance / LN2:.4f}",
            "yes" if out.passed else "NO",
            f"{seconds:.1f}",
        )
    Console(width=140).print(table)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
