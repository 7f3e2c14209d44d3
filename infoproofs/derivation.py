"""The derivation model: a ``calc``-style chain of justified steps.

A ``Derivation`` starts from an expression and adds steps, each relating the
previous expression to a new one by ``=``, ``<=``, ``>=``, ``<`` or ``>`` and
justified by a named rule (with parameters such as the convex function for
Jensen).  Like Lean's ``calc``, the conclusion is the composition of the
relations: ``=`` then ``<=`` gives ``<=``; ``<=`` then ``>=`` composes to
nothing and is rejected when the step is added.

Rule names are checked against the registry by the loader (the checking
layer), not here: this module sits below the rules and must not import them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import sympy as sp

from .notation.domains import Domain, domain_of

__all__ = ["Relation", "Step", "Derivation", "DerivationError", "compose"]


class DerivationError(ValueError):
    """A derivation is malformed; ``where`` says the file and line that built it."""

    def __init__(self, message: str, where: str | None = None):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.bare = message


class Relation(Enum):
    """How a step relates the previous expression to the new one: =, <=, >=, < or >."""

    EQ = "="
    LE = "<="
    GE = ">="
    LT = "<"
    GT = ">"

    @property
    def latex(self) -> str:
        return {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">"}[self.value]

    @property
    def direction(self) -> int:
        """-1 for <=/<, +1 for >=/>, 0 for =."""
        return {"=": 0, "<=": -1, "<": -1, ">=": 1, ">": 1}[self.value]

    @property
    def strict(self) -> bool:
        return self in (Relation.LT, Relation.GT)

    def reversed(self) -> Relation:
        return {
            Relation.EQ: Relation.EQ,
            Relation.LE: Relation.GE,
            Relation.GE: Relation.LE,
            Relation.LT: Relation.GT,
            Relation.GT: Relation.LT,
        }[self]

    @classmethod
    def parse(cls, text: str | Relation) -> Relation:
        if isinstance(text, Relation):
            return text
        aliases = {"==": "=", "≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}
        value = aliases.get(text, text)
        for rel in cls:
            if rel.value == value:
                return rel
        raise DerivationError(f"unknown relation {text!r}; use one of = <= >= < >")


def compose(first: Relation, second: Relation) -> Relation | None:
    """Relation of a chain a R1 b R2 c between a and c, or None if it says nothing."""
    if first is Relation.EQ:
        return second
    if second is Relation.EQ:
        return first
    if first.direction != second.direction:
        return None
    strict = first.strict or second.strict
    if first.direction < 0:
        return Relation.LT if strict else Relation.LE
    return Relation.GT if strict else Relation.GE


def _caller() -> str:
    """file:line of the user code that added a step (for error messages)."""
    frame = sys._getframe(1)
    # skip this module and the engine that builds derivations for the user (``derive``): the place to
    # report is the user's line that asked for it
    package = os.path.dirname(__file__)
    inside = (__file__, os.path.join(package, "engine", "derive.py"))
    while frame is not None and frame.f_code.co_filename in inside:
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


@dataclass
class Step:
    """One link of the chain: ``previous <relation> expr`` by ``rule``."""

    relation: Relation
    expr: sp.Expr
    rule: str
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    where: str = ""
    index: int = 0


# Checking and display live in higher layers (``check``, ``render``), which install themselves here
# when ``infoproofs`` is imported, so this module never imports them: one direction of imports.
HOOKS: dict[str, Callable[..., Any]] = {}


class Derivation:
    """A titled, sourced chain of steps from ``start`` to a result.

    Parameters
    ----------
    name: short identifier used on the command line (``infoproofs latex NAME``).
    title: human title.
    source: citation (paper and equation, or book and theorem).
    start: the expression the chain starts from.
    assumptions: extra relations beyond the symbols' domains (e.g. ``s1 < s2``).
    """

    def __init__(
        self,
        name: str,
        title: str,
        source: str,
        start: Any,
        assumptions: Iterable[sp.Basic] = (),
        description: str = "",
    ) -> None:
        self.where = _caller()
        if not name or not name.replace("_", "").replace("-", "").isalnum():
            raise DerivationError(f"derivation name {name!r} must be a plain identifier", self.where)
        self.name = name
        self.title = title
        self.source = source
        self.description = description
        try:
            self.start = sp.sympify(start) if not isinstance(start, sp.Basic) else start
        except (sp.SympifyError, TypeError) as exc:
            raise DerivationError(f"start expression is not a SymPy expression: {exc}", self.where) from exc
        self.assumptions: list[sp.Basic] = [sp.sympify(a) for a in assumptions]
        self.steps: list[Step] = []
        # The domain of every symbol as declared when the derivation was written.
        self.domains: dict[sp.Symbol, Domain] = {}
        self._capture(self.start, *self.assumptions)
        self.file: str = self.where.rsplit(":", 1)[0]

    # ---- building -------------------------------------------------------
    def step(self, relation: str | Relation, expr: Any, by: str, note: str = "", **params: Any) -> Derivation:
        where = _caller()
        rel = Relation.parse(relation)
        if not isinstance(by, str) or not by:
            raise DerivationError("every step needs a rule name (by=...)", where)
        if not isinstance(expr, sp.Basic):
            try:
                expr = sp.sympify(expr, strict=True)
            except (sp.SympifyError, TypeError) as exc:
                raise DerivationError(f"step expression is not a SymPy expression: {exc}", where) from exc
        if self.steps or rel is not Relation.EQ:
            if compose(self.relation, rel) is None:
                raise DerivationError(
                    f"a step with {rel.value} cannot follow a chain that is {self.relation.value}: "
                    "the composition says nothing",
                    where,
                )
        self.steps.append(Step(rel, expr, by, dict(params), note, where, len(self.steps) + 1))
        self._capture(expr, *[v for v in params.values() if isinstance(v, sp.Basic)])
        return self

    def _capture(self, *exprs: sp.Basic) -> None:
        for expr in exprs:
            for sym in expr.free_symbols:
                if isinstance(sym, sp.Symbol) and sym not in self.domains:
                    domain = domain_of(sym)
                    if domain is not None:
                        self.domains[sym] = domain

    def eq(self, expr: Any, by: str, note: str = "", **params: Any) -> Derivation:
        return self.step(Relation.EQ, expr, by, note, **params)

    def le(self, expr: Any, by: str, note: str = "", **params: Any) -> Derivation:
        return self.step(Relation.LE, expr, by, note, **params)

    def ge(self, expr: Any, by: str, note: str = "", **params: Any) -> Derivation:
        return self.step(Relation.GE, expr, by, note, **params)

    def lt(self, expr: Any, by: str, note: str = "", **params: Any) -> Derivation:
        return self.step(Relation.LT, expr, by, note, **params)

    def gt(self, expr: Any, by: str, note: str = "", **params: Any) -> Derivation:
        return self.step(Relation.GT, expr, by, note, **params)

    # ---- reading --------------------------------------------------------
    @property
    def relation(self) -> Relation:
        """The composed relation between ``start`` and ``result``."""
        rel = Relation.EQ
        for step in self.steps:
            composed = compose(rel, step.relation)
            assert composed is not None  # rejected in step()
            rel = composed
        return rel

    @property
    def result(self) -> sp.Expr:
        return self.steps[-1].expr if self.steps else self.start

    @property
    def conclusion(self) -> str:
        return f"{sp.sstr(self.start)} {self.relation.value} {sp.sstr(self.result)}"

    def pairs(self) -> list[tuple[sp.Expr, Step]]:
        """(previous expression, step) for every step."""
        found = []
        previous = self.start
        for step in self.steps:
            found.append((previous, step))
            previous = step.expr
        return found

    def free_symbols(self) -> set[sp.Symbol]:
        found = set(self.start.free_symbols)
        for step in self.steps:
            found |= step.expr.free_symbols
        for assumption in self.assumptions:
            found |= assumption.free_symbols
        return {s for s in found if isinstance(s, sp.Symbol)}

    def undeclared_symbols(self) -> list[tuple[sp.Symbol, str]]:
        """Free symbols with no declared domain, with where they first appear."""
        missing: list[tuple[sp.Symbol, str]] = []
        seen: set[sp.Symbol] = set()
        places = [(self.start, self.where)] + [(s.expr, s.where) for s in self.steps]
        for expr, where in places:
            for sym in sorted(expr.free_symbols, key=str):
                if isinstance(sym, sp.Symbol) and sym not in self.domains and sym not in seen:
                    seen.add(sym)
                    missing.append((sym, where))
        return missing

    def check(self, **options: Any) -> Any:
        """Check every step (``CheckOptions`` fields as keywords: ``examples=20``, ``use_cache=False``).

        Returns the ``DerivationResult``; in a notebook it displays with the report's badges.
        """
        return HOOKS["check"](self, **options)

    def _repr_html_(self) -> str | None:
        shown = HOOKS.get("derivation_html")
        return shown(self) if shown else None

    def _repr_latex_(self) -> str | None:
        shown = HOOKS.get("derivation_latex")
        return shown(self) if shown else None

    def __repr__(self) -> str:
        return f"Derivation({self.name!r}, {len(self.steps)} steps: {self.conclusion})"
