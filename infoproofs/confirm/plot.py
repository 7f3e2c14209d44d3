"""The sweep plot: measured points with standard-error bars against the catalog's predicted curve."""

from __future__ import annotations

from .outcome import Sweep
from .registry import ConfirmError

__all__ = ["save_sweep_plot"]


def save_sweep_plot(path: str, title: str, sweep: Sweep) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2))
    if sweep.curve_x is not None and sweep.curve_y is not None:
        ax.plot(sweep.curve_x, sweep.curve_y, "-", color="C0", label="predicted (catalog)")
    else:
        ax.plot(sweep.x, sweep.predicted, "-o", color="C0", label="predicted (catalog)")
    mx = sweep.measured_x if sweep.measured_x is not None else sweep.x
    ax.errorbar(
        mx,
        sweep.measured,
        yerr=[3 * e for e in sweep.stderr],
        fmt="o",
        color="C3",
        capsize=3,
        label="measured (±3 s.e.)",
    )
    if min(sweep.x) > 0 and max(sweep.x) / min(sweep.x) > 50:
        ax.set_xscale("log")
    ax.set_xlabel(sweep.xlabel)
    ax.set_ylabel(sweep.ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        raise ConfirmError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        plt.close(fig)
