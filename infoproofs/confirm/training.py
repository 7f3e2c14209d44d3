"""A shared Adam training loop with progress, so experiments only state their loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .context import Context

__all__ = ["train"]


def train(
    ctx: Context,
    parameters: Any,
    loss_fn: Callable[[int], Any],
    steps: int,
    lr: float,
    description: str,
    decay: bool = True,
) -> float:
    """Minimise ``loss_fn(step)`` with Adam (cosine-decayed lr); returns the last loss value."""
    import torch

    params = [p for p in parameters if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=lr * 0.02) if decay else None
    last = float("nan")
    with ctx.track(description, steps) as advance:
        for step in range(steps):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(step)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            last = float(loss.detach())
            advance(1)
    return last
