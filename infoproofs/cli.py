"""The ``infoproofs`` command line.

Subcommands are registered with ``@command`` (no dispatch chain).  Exit
status is a contract: 0 when nothing is refuted (with ``--strict``: nothing
refuted or unknown), 1 when a step is refuted or the oracles disagree, 2 on
bad input.  Bad input prints one clear message and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["main", "command"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None]):
    def wrap(run: Callable[[argparse.Namespace], int]):
        _COMMANDS[name] = (help_text, configure, run)
        return run

    return wrap


class BadInput(Exception):
    pass


# ---- check -------------------------------------------------------------------


def _configure_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="derivation files or folders (default: derivations/)")
    p.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-' for stdout)")
    p.add_argument("--strict", action="store_true", help="exit 1 also when a step is unknown")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the step cache")
    p.add_argument("--examples", type=int, default=None, help="numeric points per step (default 10-40)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    p.add_argument(
        "--jobs", "-j", type=int, default=None, help="derivations checked in parallel (default: CPU count, at most 4)"
    )


@command("check", "check derivations: every step proved, confirmed, refuted or unknown", _configure_check)
def _check(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .catalog import default_catalog, load_paths
    from .check import CheckOptions, check_all
    from .render.json_report import dumps, report
    from .render.terminal import console, derivation_table, summary_line

    if args.examples is not None and args.examples < 1:
        raise BadInput("--examples must be a positive integer")
    paths = args.paths or [default_catalog()]
    derivations = load_paths(paths)
    options = CheckOptions(use_cache=not args.no_cache, examples=args.examples)
    out = console()
    err = console(stderr=True)
    started = time.perf_counter()
    results = []
    total = sum(len(d.steps) for d in derivations)
    jobs = args.jobs if args.jobs is not None else min(4, os.cpu_count() or 1)
    if jobs < 1:
        raise BadInput("--jobs must be a positive integer")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(), console=err, transient=True,
    ) as progress:
        task = progress.add_task("checking", total=total)
        results = check_all(derivations, options, jobs, lambda n: progress.advance(task, n))
    seconds = time.perf_counter() - started
    summary = report(results, seconds)["summary"]
    if not args.quiet:
        for r in results:
            out.print(derivation_table(r))
    out.print(summary_line(summary))
    if summary["internal_errors"]:
        err.print(
            f"[bold red]INTERNAL ERROR: the symbolic and numeric oracles disagree on "
            f"{summary['internal_errors']} step(s). This is a bug in infoproofs; please report it.[/]"
        )
    if args.json:
        text = dumps(results, seconds)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            try:
                Path(args.json).write_text(text + "\n")
            except OSError as exc:
                raise BadInput(f"cannot write {args.json}: {exc.strerror}") from None
    if summary["refuted"] or summary["internal_errors"]:
        return EXIT_FAILED
    if args.strict and summary["unknown"]:
        return EXIT_FAILED
    return EXIT_OK


# ---- derive ------------------------------------------------------------------


def _configure_derive(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", help='e.g. "KL(N(mu1, s1^2) || N(mu2, s2^2))" or "h(N(mu, s^2))"')
    p.add_argument("--latex", action="store_true", help="print the chain as LaTeX")
    p.add_argument("--check", action="store_true", help="also check every step")


@command("derive", "derive the closed form of a functional, step by step", _configure_derive)
def _derive(args: argparse.Namespace) -> int:
    import sympy as sp
    from rich.markup import escape

    from .engine import derive
    from .parse import parse_target
    from .render.latex import derivation_latex
    from .render.terminal import COLOURS, console

    target = parse_target(args.target)
    d = derive(target)
    if not d.steps:
        raise BadInput(f"no derivation is known for {args.target}")
    verdicts = None
    if args.check:
        from .check import CheckOptions, check_derivation

        result = check_derivation(d, CheckOptions())
        verdicts = [s.verdict for s in result.steps]
    if args.latex:
        sys.stdout.write(derivation_latex(d, verdicts))
        return EXIT_OK
    out = console()
    out.print(f"[bold]{escape(sp.sstr(d.start))}[/bold]")
    for i, step in enumerate(d.steps):
        why = step.rule + (f" ({step.note})" if step.note else "")
        verdict = f"  [{COLOURS[verdicts[i]]}]{verdicts[i]}[/]" if verdicts else ""
        out.print(f"  {step.relation.value} {escape(sp.sstr(step.expr))}")
        out.print(f"      [dim]by {escape(why)}[/dim]{verdict}")
    out.print(f"closed form: [bold]{escape(sp.sstr(d.result))}[/bold]")
    if verdicts and any(v in ("refuted", "unknown") for v in verdicts):
        return EXIT_FAILED
    return EXIT_OK


# ---- latex -------------------------------------------------------------------


def _configure_latex(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", help="a derivation name from the catalog, or a derivation file")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--standalone", action="store_true", help="a complete LaTeX document")


@command("latex", "render derivations as an align* chain with justifications", _configure_latex)
def _latex(args: argparse.Namespace) -> int:
    from .catalog import find_derivation, load_paths
    from .render.latex import derivation_latex, standalone

    path = Path(args.target)
    if args.target.endswith(".py") or path.is_dir():
        derivations = load_paths([path])
    else:
        derivations = [find_derivation(args.target)]
    body = "\n".join(derivation_latex(d) for d in derivations)
    text = standalone(body) if args.standalone else body
    if args.output:
        try:
            Path(args.output).write_text(text)
        except OSError as exc:
            raise BadInput(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


# ---- list / rules --------------------------------------------------------------


def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="derivation files or folders (default: derivations/)")


@command("list", "list the catalog with step counts and sources", _configure_list)
def _list(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .catalog import default_catalog, load_paths
    from .render.terminal import console

    derivations = load_paths(args.paths or [default_catalog()])
    table = Table(title=f"{len(derivations)} derivations, {sum(len(d.steps) for d in derivations)} steps")
    table.add_column("name", no_wrap=True, min_width=max((len(d.name) for d in derivations), default=4))
    for column in ("steps", "title", "source", "file"):
        table.add_column(column)
    for d in derivations:
        table.add_row(escape(d.name), str(len(d.steps)), escape(d.title), escape(d.source), escape(Path(d.file).name))
    console().print(table)
    return EXIT_OK


@command("rules", "list the rules a step may cite", lambda p: None)
def _rules(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .render.terminal import console
    from .rules import RULES

    table = Table(title=f"{len(RULES)} rules")
    for column in ("rule", "relations", "statement", "side conditions"):
        table.add_column(column)
    for r in RULES.values():
        table.add_row(
            escape(r.name), " ".join(x.value for x in r.relations), escape(r.statement),
            escape("; ".join(r.side_conditions)),
        )
    console().print(table)
    return EXIT_OK


# ---- confirm (PyTorch, optional) -----------------------------------------------


def _configure_confirm(p: argparse.ArgumentParser) -> None:
    from .confirm.command import configure

    configure(p)


@command("confirm", "train small models to confirm the predicted bits (needs infoproofs[torch])", _configure_confirm)
def _confirm(args: argparse.Namespace) -> int:
    from .confirm.command import run

    return run(args)


# ---- entry point ---------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="infoproofs", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"infoproofs {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, configure, run) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .catalog import InputError
    from .derivation import DerivationError
    from .parse import ParseError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (InputError, ParseError, DerivationError, BadInput) as exc:
        print(f"infoproofs {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
