"""The run context handed to every experiment: parameters, sizes, device, seeding and progress.

Experiments never parse arguments or touch the console themselves; they ask
the context, so the CLI, the tests and the benchmark drive them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .registry import ConfirmError

__all__ = ["Context", "select_device", "seed_everything"]


def select_device(name: str) -> str:
    """``cpu`` or ``cuda``; asking for cuda without a usable GPU is bad input, not a crash."""
    import torch

    if name == "cuda" and not torch.cuda.is_available():
        raise ConfirmError("--device cuda: no CUDA device is available to PyTorch here; valid devices: cpu")
    if name not in ("cpu", "cuda"):
        raise ConfirmError(f"unknown device {name!r}; valid devices: cpu, cuda")
    return name


def seed_everything(seed: int) -> None:
    """Seed torch, numpy and random so a run is reproducible, and use one CPU thread.

    The models are tiny: with several intra-op threads each step spends far
    more time synchronising than computing (measured 40x slower on 2 cores),
    and one thread also makes CPU runs bit-reproducible.
    """
    import random

    import numpy as np
    import torch

    torch.set_num_threads(1)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


@dataclass
class Context:
    params: dict[str, Any]
    quick: bool = False
    device: str = "cpu"
    seed: int = 0
    want_sweep: bool = False
    progress: Any = None  # a rich.progress.Progress, or None for silence
    _tasks: list[int] = field(default_factory=list)

    def size(self, default: int, quick: int) -> int:
        """The default-size value, or the smaller ``--quick`` one."""
        return quick if self.quick else default

    @contextmanager
    def track(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        """A progress task; yields ``advance(n)``."""
        if self.progress is None:
            yield lambda n=1: None
            return
        task = self.progress.add_task(description, total=total)
        try:
            yield lambda n=1: self.progress.advance(task, n)
        finally:
            self.progress.update(task, completed=total, visible=False)
