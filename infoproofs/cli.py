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
    p.add_argument(
        "paths", nargs="*",
        help="derivation files, folders or catalog names (default: ./derivations, else the bundled catalog)",
    )
    p.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-' for stdout: then all else to stderr)")
    p.add_argument(
        "--strict", action="store_true",
        help="exit 1 also when a step is unknown or cites a rule that does not justify it",
    )
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the step cache")
    p.add_argument("--examples", type=int, default=None, help="numeric points per step (default 10-40)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    p.add_argument("--failed-only", action="store_true", help="list only the steps that are not proved, or mis-cited")
    p.add_argument(
        "-k", dest="select", action="append", metavar="NAME",
        help="check only the derivations whose name contains NAME (shell patterns such as 'kl_*' too); repeatable",
    )
    p.add_argument(
        "--jobs", "-j", type=int, default=None, help="derivations checked in parallel (default: CPU count, at most 4)"
    )
    p.add_argument("--load-seconds", type=float, default=60.0, help=argparse.SUPPRESS)


def writable_output(path: str | None, what: str) -> None:
    """Reject an output path that cannot be written *before* any work is done."""
    if not path or path == "-":
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"{what} {path}: the folder {folder} does not exist")
    if target.is_dir():
        raise BadInput(f"{what} {path}: is a folder")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise BadInput(f"{what} {path}: not writable")


def write_json(text: str, path: str) -> None:
    """The JSON report to stdout (``-``) or to a file; a write that fails is bad input, not a traceback."""
    if path == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        Path(path).write_text(text + "\n")
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror}") from None


def select_derivations(derivations: list, names: set[str], patterns: list[str] | None) -> list:
    """The derivations asked for by catalog name and by ``-k``; bad input if nothing is left."""
    from fnmatch import fnmatchcase

    chosen = derivations
    if names:
        chosen = [d for d in chosen if d.name in names or Path(d.file).resolve() not in _catalog_files(derivations)]
    if patterns:
        def wanted(name: str) -> bool:
            return any(fnmatchcase(name, p) if any(c in p for c in "*?[") else p in name for p in patterns)

        chosen = [d for d in chosen if wanted(d.name)]
        if not chosen:
            raise BadInput(f"-k {' -k '.join(patterns)}: no derivation name matches")
    return chosen


def _catalog_files(derivations: list) -> set[Path]:
    from .catalog import default_catalog

    root = default_catalog().resolve()
    return {Path(d.file).resolve() for d in derivations if Path(d.file).resolve().is_relative_to(root)}


def load_targets(targets: list[str], load_seconds: float | None = None, err=None) -> tuple[list, set[str]]:
    """Load what the user named (files, folders, catalog names; nothing: the default catalog)."""
    from .catalog import bundled_catalog, default_catalog, load_paths, resolve_targets

    if not targets:
        catalog = default_catalog()
        if catalog == bundled_catalog() and err is not None:
            err.print(f"[dim]no derivations/ folder here: checking the bundled catalog at {catalog}[/]")
        return load_paths([catalog], seconds=load_seconds), set()
    paths, names = resolve_targets(targets)
    return load_paths(paths, seconds=load_seconds), names


@command("check", "check derivations: every step proved, confirmed, refuted or unknown", _configure_check)
def _check(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .check import CheckOptions, check_all
    from .render.json_report import dumps, report
    from .render.terminal import console, derivation_table, summary_line

    if args.examples is not None and args.examples < 1:
        raise BadInput("--examples must be a positive integer")
    jobs = args.jobs if args.jobs is not None else min(4, os.cpu_count() or 1)
    if jobs < 1:
        raise BadInput("--jobs must be a positive integer")
    writable_output(args.json, "--json")
    to_stdout = args.json == "-"
    out = console(stderr=to_stdout)  # when the JSON goes to stdout, everything else goes to stderr
    err = console(stderr=True)
    derivations, names = load_targets(args.paths, args.load_seconds, err)
    derivations = select_derivations(derivations, names, args.select)
    options = CheckOptions(use_cache=not args.no_cache, examples=args.examples)
    started = time.perf_counter()
    total = sum(len(d.steps) for d in derivations)
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
            table = derivation_table(r, failed_only=args.failed_only, width=out.width)
            if table is not None:
                out.print(table)
    out.print(summary_line(summary), soft_wrap=True)  # one line even in an 80-column pipe
    if summary["internal_errors"]:
        err.print(
            f"[bold red]INTERNAL ERROR: the symbolic and numeric oracles disagree on "
            f"{summary['internal_errors']} step(s). This is a bug in infoproofs; please report it.[/]"
        )
    if args.strict and summary["citation_mismatches"]:
        for r in results:
            for s in r.steps:
                if s.mismatched:
                    err.print(escape(f"--strict: {r.derivation.name} step {s.index} cites '{s.rule}', "
                                     f"which does not justify it ({s.justified_by} does)"))
    if args.json:
        write_json(dumps(results, seconds), args.json)
    if summary["refuted"] or summary["internal_errors"]:
        return EXIT_FAILED
    if args.strict and (summary["unknown"] or summary["citation_mismatches"]):
        return EXIT_FAILED
    return EXIT_OK


# ---- derive ------------------------------------------------------------------


def _configure_derive(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", help='e.g. "KL(N(mu1, s1^2) || N(mu2, s2^2))" or "h(N(mu, s^2))"')
    p.add_argument("--latex", action="store_true", help="print the chain as LaTeX")
    p.add_argument("--check", action="store_true", help="also check every step")


@command("derive", "derive the closed form of a functional, step by step", _configure_derive)
def _derive(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from .engine import derive
    from .parse import parse_target_with_assumptions
    from .render.latex import derivation_latex
    from .render.terminal import COLOURS, console
    from .render.text import plain

    target, assumptions = parse_target_with_assumptions(args.target)
    d = derive(target, assumptions=assumptions)
    if not d.steps:
        raise BadInput(f"no derivation is known for {args.target}")
    results = None
    if args.check:
        from .check import CheckOptions, check_derivation

        results = check_derivation(d, CheckOptions()).steps
    if args.latex:
        sys.stdout.write(derivation_latex(d, results))
        return EXIT_OK
    out = console()
    out.print(f"[bold]{escape(plain(d.start))}[/bold]")
    if d.assumptions:
        out.print(f"  [dim]assuming {escape(', '.join(plain(a) for a in d.assumptions))}[/dim]")
    for i, step in enumerate(d.steps):
        why = step.rule + (f" ({step.note})" if step.note else "")
        verdict = ""
        if results:
            r = results[i]
            verdict = f"  [{COLOURS[r.verdict]}]{r.verdict}[/]"
        out.print(f"  {step.relation.value} {escape(plain(step.expr))}")
        out.print(f"      [dim]by {escape(why)}[/dim]{verdict}")
        if results and results[i].verdict in ("refuted", "unknown") or results and results[i].mismatched:
            out.print(f"      [dim]{escape(results[i].reason)}[/dim]")
    out.print(f"closed form: [bold]{escape(plain(d.result))}[/bold]")
    if results and any(r.verdict in ("refuted", "unknown") for r in results):
        return EXIT_FAILED
    return EXIT_OK


# ---- latex -------------------------------------------------------------------


def _configure_latex(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", nargs="+", help="catalog names, derivation files or folders")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--standalone", action="store_true", help="a complete LaTeX document")
    p.add_argument("--check", action="store_true", help="check every step and mark its verdict")
    p.add_argument("-k", dest="select", action="append", metavar="NAME", help="only derivations whose name matches")


@command("latex", "render derivations as an align* chain with justifications", _configure_latex)
def _latex(args: argparse.Namespace) -> int:
    from .render.latex import derivation_latex, standalone

    writable_output(args.output, "-o")
    derivations, names = load_targets(args.targets)
    derivations = select_derivations(derivations, names, args.select)
    results: dict = {}
    if args.check:
        from .check import CheckOptions, check_all

        results = {id(r.derivation): r.steps for r in check_all(derivations, CheckOptions(), 1)}
    body = "\n".join(derivation_latex(d, results.get(id(d))) for d in derivations)
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

    from .render.terminal import console

    derivations, _ = load_targets(args.paths)
    out = console()
    wide = out.width >= 120
    table = Table(title=f"{len(derivations)} derivations, {sum(len(d.steps) for d in derivations)} steps")
    longest = max((len(d.name) for d in derivations), default=4)
    name_width = longest if wide else min(longest, 34)
    # narrow terminals: one line per derivation, the title cut with an ellipsis; wide ones add the source
    title_width = None if wide else max(10, out.width - name_width - 5 - 10)
    table.add_column("name", no_wrap=True, width=name_width, overflow="ellipsis")
    table.add_column("steps", justify="right", no_wrap=True, width=5)
    table.add_column("title", no_wrap=not wide, overflow="ellipsis" if not wide else "fold", width=title_width)
    if wide:
        table.add_column("source", overflow="fold", ratio=2)
        table.add_column("file", no_wrap=True)
    for d in derivations:
        row = [escape(d.name), str(len(d.steps)), escape(d.title)]
        if wide:
            row += [escape(d.source), escape(Path(d.file).name)]
        table.add_row(*row)
    out.print(table)
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


# ---- verify ------------------------------------------------------------------


def _configure_verify(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help=".tex, .md or .txt files ('-' reads standard input)")
    p.add_argument(
        "--claim", action="append", default=[], metavar="TEXT",
        help=r"a LaTeX claim, e.g. 'h(\mathcal N(\mu,\sigma^2)) = \frac12\log(2\pi e\sigma^2) where \sigma > 0'",
    )
    p.add_argument("--assume", action="append", default=[], metavar="TEXT",
                   help=r"declarations for every claim, e.g. '\sigma_1, \sigma_2 > 0; d \in \mathbb N'")
    p.add_argument("--log-base", choices=("e", "2", "10"), default="e", help=r"what a bare \log means (default e)")
    p.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-' for stdout: then all else to stderr)")
    p.add_argument("--strict", action="store_true", help="exit 1 also on unparsed, unsupported or unknown claims")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the step cache")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")


def _claim_blocks(claims: list[str]) -> list:
    """``--claim`` texts as blocks; a top-level ``where`` clause holds that claim's declarations."""
    from .verify.extract import MathBlock

    blocks = []
    for i, text in enumerate(claims, 1):
        depth, cut = 0, None
        for j, ch in enumerate(text):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if depth == 0 and text.startswith("where", j) and (j == 0 or not text[j - 1].isalnum()) \
                    and (j + 5 == len(text) or not text[j + 5].isalpha()):
                cut = j
                break
        body, declared = (text, ()) if cut is None else (text[:cut], (text[cut + 5:],))
        blocks.append(MathBlock(f"<claim {i}>", 1, 1, "claim", body, None, declared))
    return blocks


def _document_blocks(paths: list[str]) -> list:
    from .verify.extract import ExtractError, extract_blocks

    blocks = []
    for name in paths:
        if name == "-":
            text, kind = sys.stdin.read(), None
        else:
            path = Path(name)
            if not path.exists():
                raise BadInput(f"{name}: no such file")
            if path.is_dir():
                raise BadInput(f"{name}: is a folder (give the .tex, .md or .txt files)")
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise BadInput(f"{name}: cannot be read: {exc}") from None
            kind = None
        try:
            found = extract_blocks(text, name, kind)
        except ExtractError as exc:
            raise BadInput(str(exc)) from None
        if not found:
            raise BadInput(f"{name}: no math found (display blocks, or inline $...$ holding a relation)")
        blocks += found
    return blocks


@command("verify", "verify the claims and align-derivations of LaTeX, Markdown or text files", _configure_verify)
def _verify(args: argparse.Namespace) -> int:
    from .check import CheckOptions
    from .render.terminal import console
    from .render.verify_report import claims_table, verify_report, verify_summary_line
    from .verify.claims import verify_blocks

    writable_output(args.json, "--json")
    if not args.paths and not args.claim:
        raise BadInput("nothing to verify: give files ('-' for standard input) or --claim TEXT")
    blocks = _document_blocks(args.paths) + _claim_blocks(args.claim)
    to_stdout = args.json == "-"
    out = console(stderr=to_stdout)
    started = time.perf_counter()
    results = verify_blocks(blocks, args.log_base, tuple(args.assume), CheckOptions(use_cache=not args.no_cache))
    report = verify_report(results, time.perf_counter() - started)
    if not args.quiet:
        out.print(claims_table(results), soft_wrap=True)
    out.print(verify_summary_line(report["summary"]), soft_wrap=True)
    if args.json:
        import json

        write_json(json.dumps(report, indent=2, default=str), args.json)
    summary = report["summary"]
    if summary["refuted"] or summary["internal_errors"]:
        return EXIT_FAILED
    if args.strict and (summary["unparsed"] or summary["unsupported"] or summary["unknown"]):
        return EXIT_FAILED
    return EXIT_OK


# ---- report ------------------------------------------------------------------


def _configure_report(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*",
        help="derivation files, folders or catalog names, and .tex/.md/.txt documents (default: the catalog)",
    )
    p.add_argument("-o", "--output", required=True, action="append", metavar="FILE",
                   help="the document to write; repeat for several formats from one check (-o r.html -o r.pdf)")
    p.add_argument("--format", choices=("html", "md", "tex", "pdf"), default=None,
                   help="html (self-contained, offline), md (GitHub), tex (pdflatex) or pdf; default: from -o's suffix")
    p.add_argument("--confirm", action="append", default=[], metavar="FILE",
                   help="embed an `infoproofs confirm` run: its --json record or its --plot PNG (repeatable)")
    p.add_argument("--strict", action="store_true", help="exit 1 also when a step is unknown or mis-cited")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the step cache")
    p.add_argument("--examples", type=int, default=None, help="numeric points per step (default 10-40)")
    p.add_argument("-k", dest="select", action="append", metavar="NAME", help="only derivations whose name has NAME")
    p.add_argument("--jobs", "-j", type=int, default=None, help="derivations checked in parallel (default <= 4)")
    p.add_argument("--log-base", choices=("e", "2", "10"), default="e", help=r"what a bare \log means in documents")


@command("report", "check derivations or documents and write an HTML, Markdown, LaTeX or PDF report", _configure_report)
def _report(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .check import CheckOptions
    from .render.report_tex import PdfUnavailable
    from .render.terminal import console, summary_line
    from .reporting import ReportInputError, format_for, write_report

    if args.examples is not None and args.examples < 1:
        raise BadInput("--examples must be a positive integer")
    jobs = args.jobs if args.jobs is not None else min(4, os.cpu_count() or 1)
    if jobs < 1:
        raise BadInput("--jobs must be a positive integer")
    if args.format and len(args.output) > 1:
        raise BadInput("--format applies to one -o; with several, each output's suffix gives its format")
    for output in args.output:
        if output == "-":
            raise BadInput("-o -: a report is written to a file")
        writable_output(output, "-o")
    err = console(stderr=True)
    try:
        outputs = [(output, format_for(args.format, output)) for output in args.output]
        if any(fmt == "pdf" for _, fmt in outputs):
            import shutil

            if shutil.which("pdflatex") is None:
                raise PdfUnavailable("--format pdf needs pdflatex; install it (Debian/Ubuntu: apt-get install "
                                     "texlive-latex-base texlive-latex-recommended), or write --format tex")
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err,
                      transient=True) as progress:
            task = progress.add_task("checking", total=None)
            summary, _ = write_report(
                args.paths, outputs, confirm=args.confirm,
                options=CheckOptions(use_cache=not args.no_cache, examples=args.examples), jobs=jobs,
                select=args.select, log_base=args.log_base,
                load=lambda paths: load_targets(paths, None, err), choose=select_derivations,
                document_blocks=_document_blocks, progress=lambda n: progress.advance(task, n),
            )
    except (ReportInputError, PdfUnavailable) as exc:
        raise BadInput(str(exc)) from None
    except RuntimeError as exc:  # pdflatex failed on the generated document: our bug, said plainly
        raise BadInput(f"could not build the PDF: {exc}") from None
    err.print(summary_line(summary), soft_wrap=True)
    for output, fmt in outputs:
        err.print(f"wrote {output} ({fmt})")
    if summary["refuted"] or summary["internal_errors"]:
        return EXIT_FAILED
    if args.strict and (summary["unknown"] or summary["citation_mismatches"] or summary.get("unparsed")
                        or summary.get("unsupported")):
        return EXIT_FAILED
    return EXIT_OK


# ---- audit (torch / scipy, optional) --------------------------------------------


def _configure_audit(p: argparse.ArgumentParser) -> None:
    p.add_argument("library", help="the library to audit: torch or scipy")
    p.add_argument("--family", metavar="NAME", help="audit one infoproofs family (and the KL pairs it is part of)")
    p.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-' for stdout: then all else to stderr)")
    p.add_argument("--examples", type=int, default=None, help="parameter draws per check (default 4)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: up to 2)")


@command("audit", "compare torch's or scipy's entropies, KLs, densities and moments with infoproofs", _configure_audit)
def _audit(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .audit import (
        DEFAULT_EXAMPLES,
        LIBRARIES,
        LibraryMissing,
        infoproofs_family,
        make_adapter,
        print_report,
        run_audit,
        to_json,
    )
    from .render.terminal import console

    if args.library not in LIBRARIES:
        raise BadInput(f"unknown library {args.library!r}; known: {', '.join(sorted(LIBRARIES))}")
    examples = DEFAULT_EXAMPLES if args.examples is None else args.examples
    if examples < 1:
        raise BadInput("--examples must be a positive integer")
    if args.jobs is not None and args.jobs < 1:
        raise BadInput("--jobs must be a positive integer")
    writable_output(args.json, "--json")
    try:
        adapter = make_adapter(args.library)
    except LibraryMissing as exc:
        raise BadInput(str(exc)) from None
    if args.family is not None and args.family not in adapter.maps:
        why = "is not an infoproofs family" if infoproofs_family(args.family) is None else (
            f"has no counterpart in {args.library}")
        raise BadInput(f"--family {args.family} {why}; audited families: {', '.join(sorted(adapter.maps))}")
    out = console(stderr=args.json == "-")
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} checks"),
                  TimeElapsedColumn(), console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"auditing {args.library}", total=None)

        def advance(n: int, total: int) -> None:
            progress.update(task, total=total, advance=n)

        report = run_audit(adapter, args.family, examples, progress=advance, jobs=args.jobs)
    print_report(report, out)
    if args.json:
        write_json(to_json(report), args.json)
    summary = report.summary()
    if summary["internal_inconsistencies"]:
        console(stderr=True).print(
            f"[bold red]INTERNAL ERROR: infoproofs' closed form and its definition disagree on "
            f"{summary['internal_inconsistencies']} value(s). This is a bug in infoproofs; please report it.[/]"
        )
    return EXIT_FAILED if summary["discrepancies"] or summary["internal_inconsistencies"] else EXIT_OK


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
