"""``infoproofs confirm``: argument parsing and dispatch (torch imported lazily).

``configure`` and ``run`` are what ``infoproofs.cli`` calls.  Bad input is
one ``error:`` line and exit status 2; a finished experiment exits 0 when it
passes and 1 when it fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time

from .registry import ConfirmError

__all__ = ["configure", "run", "run_experiment", "TORCH_MISSING"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
TORCH_MISSING = "PyTorch is not installed; run: pip install torch==2.13.0 && pip install -e '.[torch]' (from a clone of infoproofs; the CPU build of torch, as the README says)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", nargs="?", help="experiment name (see --list)")
    p.add_argument("params", nargs="*", help="param=value overrides, e.g. d=4 t=0.5")
    p.add_argument("--list", action="store_true", help="list the experiments")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON to FILE ('-' for stdout)")
    p.add_argument("--plot", metavar="FILE.png", help="plot measured vs predicted over the experiment's sweep")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="torch device (default cpu)")
    p.add_argument("--quick", action="store_true", help="a smaller, faster run (about 10 s)")


def _list() -> int:
    from rich.console import Console
    from rich.table import Table

    from .registry import EXPERIMENTS, _load

    _load()
    table = Table(title=f"{len(EXPERIMENTS)} experiments")
    for column in ("experiment", "derivation", "parameters (defaults)", "sweep", "what it confirms"):
        table.add_column(column)
    for e in EXPERIMENTS.values():
        params = " ".join(f"{k}={p.default}" for k, p in e.params.items())
        table.add_row(e.name, e.derivation or "-", params, "yes" if e.has_sweep else "no", e.title)
    Console().print(table)
    return EXIT_OK


def run_experiment(
    name: str,
    overrides: list[str] | None = None,
    *,
    seed: int = 0,
    device: str = "cpu",
    quick: bool = False,
    want_sweep: bool = False,
    show_progress: bool = True,
):
    """Validate, seed and run one experiment; returns (experiment, params, outcome, seconds, device)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .context import Context, seed_everything, select_device
    from .registry import get_experiment, parse_params

    exp = get_experiment(name)
    params = parse_params(exp, overrides or [])
    if importlib.util.find_spec("torch") is None:
        raise ConfirmError(TORCH_MISSING)
    device = select_device(device)
    seed_everything(seed)
    started = time.perf_counter()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not show_progress,
    )
    with progress:
        ctx = Context(params, quick=quick, device=device, seed=seed, want_sweep=want_sweep, progress=progress)
        outcome = exp.runner(ctx)
    return exp, params, outcome, time.perf_counter() - started, device


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("torch") is None:
        print(f"infoproofs confirm: error: {TORCH_MISSING}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ..catalog import InputError

    try:
        if args.list:
            return _list()
        if args.plot and not args.plot.lower().endswith(".png"):
            raise ConfirmError(f"--plot {args.plot}: the plot is a PNG; give a file name ending in .png")
        exp, params, outcome, seconds, device = run_experiment(
            args.experiment,
            args.params,
            seed=args.seed,
            device=args.device,
            quick=args.quick,
            want_sweep=bool(args.plot),
        )
        from .report import print_outcome, record, write_json

        print_outcome(exp, params, outcome, seconds, device, stderr=args.json == "-")
        if args.json:
            write_json(args.json, record(exp, params, outcome, seconds, device))
        if args.plot:
            if outcome.sweep is None:
                print(f"infoproofs confirm: note: {exp.name} has no sweep; no plot written", file=sys.stderr)
            else:
                from .plot import save_sweep_plot

                save_sweep_plot(args.plot, f"{exp.name}: measured vs predicted", outcome.sweep)
    except (ConfirmError, InputError) as exc:
        print(f"infoproofs confirm: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK if outcome.passed else EXIT_FAILED
