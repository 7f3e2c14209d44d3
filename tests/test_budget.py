"""The time budget cuts off a hanging call, from the main thread and from others."""

from __future__ import annotations

import threading
import time

import pytest

from infoproofs.budget import BudgetExceeded, WorkerCrashed, run_with_budget


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def _boom() -> None:
    raise ValueError("boom")


def test_result_comes_back():
    assert run_with_budget(_sleep, 0.0, seconds=10) == "done"


def test_budget_exceeded_in_main_thread():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded):
        run_with_budget(_sleep, 30.0, seconds=0.5)
    assert time.monotonic() - started < 5
    assert run_with_budget(_sleep, 0.0, seconds=10) == "done"  # a fresh worker answers


def test_budget_exceeded_outside_main_thread():
    outcome = {}

    def worker():
        try:
            run_with_budget(_sleep, 30.0, seconds=0.5)
        except BudgetExceeded:
            outcome["raised"] = True

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert outcome.get("raised")


def test_errors_are_reported_not_swallowed():
    with pytest.raises(WorkerCrashed, match="boom"):
        run_with_budget(_boom, seconds=10)


def test_shutdown_stops_the_worker_and_a_new_call_starts_another():
    from infoproofs import budget

    run_with_budget(_sleep, 0.0, seconds=10)
    process = budget._worker.process
    budget.shutdown()
    assert not process.is_alive()
    assert run_with_budget(_sleep, 0.0, seconds=10) == "done"
