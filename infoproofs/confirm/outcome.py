"""What an experiment returns, and the one pass/fail rule every experiment is judged by.

Keeping the rule in one function (``judge``) lets the tests feed it a
deliberately wrong prediction and watch it fail, so a test can never pass
merely because the tolerance is loose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["LN2", "Judgement", "Sweep", "Outcome", "judge"]

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Judgement:
    tolerance: float
    passed: bool
    rule: str


def judge(predicted: float, measured: float, stderr: float, rel_tol: float, n_se: float = 3.0) -> Judgement:
    """Pass when |measured - predicted| <= max(rel_tol * |predicted|, n_se * stderr).

    The relative part is the experiment's stated target (e.g. 2%); the
    standard-error part only widens it when the measurement itself is too
    noisy to resolve that target.  Units are whatever the caller uses.
    """
    if not all(math.isfinite(v) for v in (predicted, measured, stderr)):
        return Judgement(math.nan, False, "non-finite value")
    tolerance = max(rel_tol * abs(predicted), n_se * stderr)
    if rel_tol > 0:
        rule = f"|measured - predicted| <= max({rel_tol:.0%} of predicted, {n_se:g} standard errors)"
    else:
        rule = f"|measured - predicted| <= {n_se:g} standard errors"
    return Judgement(tolerance, abs(measured - predicted) <= tolerance, rule)


@dataclass
class Sweep:
    """Measured vs predicted over one swept quantity (for the plot)."""

    xlabel: str
    ylabel: str
    x: list[float]
    predicted: list[float]
    measured: list[float]
    stderr: list[float]
    curve_x: list[float] | None = None  # a dense predicted curve, when cheaper than the measured points
    curve_y: list[float] | None = None
    measured_x: list[float] | None = None  # where measured points sit on the x axis, if not at x


@dataclass
class Outcome:
    """An experiment's result in nats; ``checks`` are extra named conditions that must also hold."""

    predicted_nats: float
    measured_nats: float
    stderr_nats: float
    rel_tol: float
    n_se: float = 3.0
    checks: dict[str, bool] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    sweep: Sweep | None = None
    derivation: str | None = None  # the catalog derivation actually used, when it differs by regime

    def judgement(self) -> Judgement:
        return judge(self.predicted_nats, self.measured_nats, self.stderr_nats, self.rel_tol, self.n_se)

    @property
    def passed(self) -> bool:
        return self.judgement().passed and all(self.checks.values())
