"""``infoproofs audit torch|scipy``: a library's entropies, KLs, log-densities and moments against ours.

Each value a library computes in float64 is compared with infoproofs' derived
closed form and with the definition evaluated numerically (30 digits, tracked
errors), at parameters drawn by hypothesis inside each family's domain; a
disagreement comes back as a minimal counterexample.  torch and scipy are
imported only when an audit runs (``libraries.Adapter.load``).
"""

from __future__ import annotations

import time

from .compare import CheckResult, audit_check, subjects
from .libraries import (
    LIBRARIES,
    MAPS,
    Adapter,
    LawMap,
    LibraryMissing,
    NotProvided,
    infoproofs_family,
    law_map,
    library,
    make_adapter,
)
from .report import AuditReport, print_report, to_json

__all__ = [
    "Adapter", "LawMap", "LibraryMissing", "NotProvided", "LIBRARIES", "MAPS", "law_map", "library",
    "make_adapter", "infoproofs_family", "run_audit", "AuditReport", "CheckResult", "print_report", "to_json",
    "DEFAULT_EXAMPLES", "DEFAULT_WITNESSES",
]

# Draws per check, and how many of them the definition (quadrature) also witnesses.  The closed form is
# cheap at every draw, quadrature costs ~0.1-3 s.  Measured with benchmarks/bench_audit.py on two cores
# shared with other work (load 4-7): scipy ~25 s; torch ~3 min, most of it in the KLs from a Uniform,
# whose closed forms the engine derives afresh at every point (Uniform has no generic template).
DEFAULT_EXAMPLES = 4
DEFAULT_WITNESSES = 1

def _serve(adapter: Adapter, todo, queue) -> None:  # pragma: no cover - a child
    while (item := todo.get()) is not None:
        index, task = item
        try:
            queue.put((index, audit_check(adapter, *task)))
        except Exception as exc:  # noqa: BLE001  (carried to the parent, which raises it)
            queue.put((index, RuntimeError(f"audit of {task[0]} {task[1]} failed: {type(exc).__name__}: {exc}")))


def _jobs(requested: int | None) -> int:
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(2, os.cpu_count() or 1) if requested is None else requested)


def _parallel(adapter: Adapter, tasks: list[tuple], workers: int, progress) -> list[CheckResult]:
    """Run the checks in ``workers`` forked processes that take them one by one from a queue.

    Not a ``multiprocessing.Pool``: the forked children inherit the loaded
    adapter (a torch module cannot be pickled) and are not daemonic, so each
    may start the time budget's own worker process.  A family's checks are
    queued together, so a worker often reuses the templates it derived.
    """
    import multiprocessing
    from queue import Empty

    ctx = multiprocessing.get_context("fork")
    todo, queue = ctx.Queue(), ctx.Queue()
    for item in enumerate(tasks):
        todo.put(item)
    for _ in range(workers):
        todo.put(None)
    children = [ctx.Process(target=_serve, args=(adapter, todo, queue)) for _ in range(workers)]
    for child in children:
        child.start()
    found: dict[int, CheckResult] = {}
    try:
        while len(found) < len(tasks):
            try:
                index, result = queue.get(timeout=2.0)
            except Empty:
                if not any(child.is_alive() for child in children):
                    raise RuntimeError("an audit worker died before finishing its checks") from None
                continue
            if isinstance(result, Exception):
                raise result
            found[index] = result
            if progress is not None:
                progress(1, len(tasks))
    finally:
        for child in children:
            child.join(timeout=5)
            if child.is_alive():
                child.kill()
    return [found[i] for i in range(len(tasks))]


def run_audit(adapter: Adapter, family: str | None = None, examples: int = DEFAULT_EXAMPLES,
              witnesses: int = DEFAULT_WITNESSES, progress=None, jobs: int | None = 1) -> AuditReport:
    """Audit every family (or one, with ``family``) the adapter maps, and every KL pair it registers.

    With ``jobs`` > 1 (None: up to 2) the checks run in forked worker
    processes, which inherit the loaded adapter; checks of one family go to
    the same worker in a row so that its closed-form templates are reused.
    """
    started = time.perf_counter()
    todo = subjects(adapter, family)
    tasks = [(families, name, examples, min(witnesses, examples)) for families, name in todo]
    checks: list[CheckResult] = []
    workers = _jobs(jobs)
    if workers == 1 or len(tasks) < 2:
        for task in tasks:
            checks.append(audit_check(adapter, *task))
            if progress is not None:
                progress(1, len(todo))
    else:
        checks = _parallel(adapter, tasks, workers, progress)
    maps = [adapter.maps[f] for f in sorted(adapter.maps) if family is None or f == family
            or any(family in fs and f in fs for fs, _ in todo)]
    return AuditReport(adapter.name, adapter.version, maps, checks, time.perf_counter() - started, examples,
                       adapter.unmapped_kl() if family is None else [])
