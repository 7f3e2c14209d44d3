"""The rule registry: every justification a step may cite, with its check.

A rule is registered with a decorator, like ``register_kl`` in
torch.distributions: its name (what a derivation writes in ``by=...``), a
one-line statement, its side conditions, and a check that returns a
``RuleOutcome``.  A rule whose check cannot decide says so (``unknown``);
the checker then falls back to its oracle portfolio.  A rule whose side
condition is violated (Jensen with a non-concave f, say) says ``violated``
and the step cannot be proved by it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..derivation import Relation

__all__ = ["Rule", "RuleContext", "RuleOutcome", "RULES", "rule", "get_rule", "UnknownRule"]


@dataclass
class RuleContext:
    """What a rule check sees: the two sides, the relation, and the step's parameters."""

    lhs: sp.Expr
    rhs: sp.Expr
    relation: Relation
    params: dict[str, Any] = field(default_factory=dict)
    assumptions: tuple[sp.Basic, ...] = ()


@dataclass
class RuleOutcome:
    status: str  # "proved" | "unknown" | "violated"
    detail: str = ""

    @classmethod
    def proved(cls, detail: str = "") -> RuleOutcome:
        return cls("proved", detail)

    @classmethod
    def unknown(cls, detail: str) -> RuleOutcome:
        return cls("unknown", detail)

    @classmethod
    def violated(cls, detail: str) -> RuleOutcome:
        return cls("violated", detail)


@dataclass(frozen=True)
class Rule:
    name: str
    statement: str
    side_conditions: tuple[str, ...]
    relations: tuple[Relation, ...]
    check: Callable[[RuleContext], RuleOutcome]
    params: tuple[str, ...] = ()


RULES: dict[str, Rule] = {}


class UnknownRule(KeyError):
    def __init__(self, name: str):
        close = difflib.get_close_matches(name, list(RULES), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown rule {name!r}{hint} (`infoproofs rules` lists them)")
        self.message = f"unknown rule {name!r}{hint}"

    def __str__(self) -> str:
        return self.message


def rule(
    name: str,
    statement: str,
    side_conditions: tuple[str, ...] = (),
    relations: tuple[Relation, ...] = (Relation.EQ,),
    params: tuple[str, ...] = (),
):
    """Register ``check`` under ``name``."""

    def wrap(check: Callable[[RuleContext], RuleOutcome]):
        if name in RULES:
            raise ValueError(f"rule {name!r} registered twice")
        RULES[name] = Rule(name, statement, side_conditions, relations, check, params)
        return check

    return wrap


def get_rule(name: str) -> Rule:
    try:
        return RULES[name]
    except KeyError:
        raise UnknownRule(name) from None
