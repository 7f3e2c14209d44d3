"""Time budgets for SymPy calls that can hang.

``simplify`` or ``integrate`` can run for minutes.  Signal-based timeouts
(``signal.alarm``) only work in the main thread, which breaks checkers run
from worker threads (math-verify issues #50, #55, #65).  Instead every
budgeted call runs in a long-lived forked worker process: the parent waits on
a pipe with a deadline and, if the deadline passes, kills the worker and
starts a fresh one on the next call.  This works from any thread, and the
worker keeps SymPy's caches warm between calls.

Set ``INFOPROOFS_INPROCESS=1`` to run calls in-process without a budget
(useful under a debugger; never the default).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["BudgetExceeded", "WorkerCrashed", "run_with_budget", "shutdown"]

DEFAULT_SECONDS = 10.0


class BudgetExceeded(Exception):
    """The call did not finish within its budget; the caller answers 'unknown'."""


class WorkerCrashed(RuntimeError):
    """The worker raised or died; carries the remote traceback text."""


def _serve(conn) -> None:  # pragma: no cover - runs in the child
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        fn, args, kwargs = message
        try:
            conn.send(("ok", fn(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


class _Worker:
    def __init__(self) -> None:
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.owner = os.getpid()

    def call(self, fn, args, kwargs, seconds: float):
        self.conn.send((fn, args, kwargs))
        if not self.conn.poll(seconds):
            raise BudgetExceeded(f"exceeded its {seconds:g} s budget")
        try:
            status, payload = self.conn.recv()
        except EOFError as exc:
            raise WorkerCrashed("the worker process died") from exc
        if status == "error":
            raise WorkerCrashed(payload)
        return payload

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(1)
        finally:
            self.conn.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def run_with_budget(fn: Callable[..., Any], *args: Any, seconds: float = DEFAULT_SECONDS, **kwargs: Any):
    """Run ``fn(*args, **kwargs)`` with a wall-clock budget.

    ``fn`` and its arguments must be picklable (module-level functions and
    SymPy expressions are).  Raises ``BudgetExceeded`` on timeout and
    ``WorkerCrashed`` if ``fn`` raised.
    """
    if os.environ.get("INFOPROOFS_INPROCESS") == "1":
        return fn(*args, **kwargs)
    global _worker
    with _lock:
        if _worker is not None and _worker.owner != os.getpid():
            # Inherited through fork (a parallel check): that worker belongs to the parent.
            _worker = None
        if _worker is None or not _worker.process.is_alive():
            _worker = _Worker()
        try:
            return _worker.call(fn, args, kwargs, seconds)
        except (BudgetExceeded, WorkerCrashed, OSError, EOFError) as exc:
            # A timed-out or broken worker may hold a half-sent reply: replace it.
            if not isinstance(exc, WorkerCrashed) or not _worker.process.is_alive():
                _worker.kill()
                _worker = None
            if isinstance(exc, (OSError, EOFError)):
                raise WorkerCrashed(f"worker pipe failed: {exc}") from exc
            raise


def shutdown() -> None:
    """Stop the worker (tests call this to check that nothing leaks)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.kill()
            _worker = None
