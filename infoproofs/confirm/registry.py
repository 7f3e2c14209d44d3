"""The experiment registry: ``@experiment`` records a runner with its derivation and typed parameters.

A registry (not an if/elif chain) keeps ``--list``, parameter validation and
dispatch in one table, so adding an experiment is one decorated function.
Nothing here imports torch: the runners import it when they are called.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context
    from .outcome import Outcome

__all__ = ["ConfirmError", "Param", "Experiment", "EXPERIMENTS", "experiment", "get_experiment", "parse_params"]


class ConfirmError(ValueError):
    """Bad input or an unusable setup: printed as one line, exit status 2."""


@dataclass(frozen=True)
class Param:
    """A parameter's default and the domain it must lie in (checked before any training starts)."""

    default: float | int
    kind: str = "positive"  # "positive" (> 0), "dimension" (integer >= 1), "open01" (0 < v < 1)

    def parse(self, name: str, text: str) -> float | int:
        try:
            value: float | int = int(text) if self.kind == "dimension" else float(text)
        except ValueError:
            want = "an integer" if self.kind == "dimension" else "a number"
            raise ConfirmError(f"parameter {name}={text!r}: expected {want}") from None
        self.validate(name, value)
        return value

    def validate(self, name: str, value: float | int) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfirmError(f"parameter {name}={value}: must be finite")
        if self.kind == "dimension" and value < 1:
            raise ConfirmError(f"parameter {name}={value}: must be an integer >= 1")
        if self.kind == "positive" and value <= 0:
            raise ConfirmError(f"parameter {name}={value}: must be > 0")
        if self.kind == "open01" and not 0 < value < 1:
            raise ConfirmError(f"parameter {name}={value}: must lie strictly between 0 and 1")

    def describe(self) -> str:
        return {"positive": "> 0", "dimension": "integer >= 1", "open01": "in (0, 1)"}[self.kind]


@dataclass(frozen=True)
class Experiment:
    """One registered experiment: what it confirms and how to run it."""

    name: str
    derivation: str | None
    title: str
    params: dict[str, Param]
    runner: Callable[[Context], Outcome]
    has_sweep: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, float | int]:
        return {k: p.default for k, p in self.params.items()}


EXPERIMENTS: dict[str, Experiment] = {}


def experiment(
    name: str,
    *,
    derivation: str | None,
    title: str,
    params: dict[str, Param],
    has_sweep: bool = False,
) -> Callable[[Callable[[Context], Outcome]], Callable[[Context], Outcome]]:
    """Register ``runner`` under ``name``; the runner receives a :class:`Context` and returns an :class:`Outcome`."""

    def wrap(runner: Callable[[Context], Outcome]) -> Callable[[Context], Outcome]:
        if name in EXPERIMENTS:
            raise RuntimeError(f"experiment {name!r} registered twice")
        EXPERIMENTS[name] = Experiment(name, derivation, title, dict(params), runner, has_sweep)
        return runner

    return wrap


def _load() -> None:
    from . import experiments  # noqa: F401 - importing registers every experiment


def get_experiment(name: str | None) -> Experiment:
    _load()
    valid = ", ".join(sorted(EXPERIMENTS))
    if not name:
        raise ConfirmError(f"name an experiment (or use --list); valid experiments: {valid}")
    if name not in EXPERIMENTS:
        raise ConfirmError(f"unknown experiment {name!r}; valid experiments: {valid}")
    return EXPERIMENTS[name]


def parse_params(exp: Experiment, items: list[str]) -> dict[str, float | int]:
    """``name=value`` overrides on top of the defaults, each checked against its domain."""
    values = exp.defaults()
    valid = ", ".join(f"{k} ({p.describe()}, default {p.default})" for k, p in exp.params.items()) or "none"
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise ConfirmError(f"malformed parameter {item!r}: write name=value; {exp.name} takes: {valid}")
        if name not in exp.params:
            raise ConfirmError(f"unknown parameter {name!r} for {exp.name}; valid parameters: {valid}")
        values[name] = exp.params[name].parse(name, text)
    return values
