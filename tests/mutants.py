"""Broken variants of a step, for the soundness tests.

Each operator returns a mutated right-hand side (or relation) or ``None``
when it does not apply.  A mutant that is mathematically equivalent to the
original (e.g. flipping the sign of a zero) is not generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy as sp

from infoproofs.derivation import Relation
from infoproofs.notation import KL, CrossEntropy

Mutation = Callable[[sp.Expr], sp.Expr | None]


def flip_sign(expr: sp.Expr) -> sp.Expr | None:
    """Negate one top-level term (the whole expression if it is not a sum)."""
    if expr == 0:
        return sp.Integer(1)
    terms = sp.Add.make_args(expr)
    if len(terms) == 1:
        return -expr
    return expr - 2 * terms[-1]


def drop_half(expr: sp.Expr) -> sp.Expr | None:
    """Replace one factor 1/2 by 1 (the classic dropped-half slip)."""
    halves = [a for a in sp.preorder_traversal(expr) if a == sp.Rational(1, 2)]
    if halves:
        mutated = expr.xreplace({sp.Rational(1, 2): sp.Integer(1)})
        return mutated if mutated != expr else None
    return None


def double(expr: sp.Expr) -> sp.Expr | None:
    return None if expr == 0 else 2 * expr


def swap_divergence(expr: sp.Expr) -> sp.Expr | None:
    found = [a for a in sp.preorder_traversal(expr) if isinstance(a, (KL, CrossEntropy)) and a.args[0] != a.args[1]]
    if not found:
        return None
    target = found[0]
    return expr.xreplace({target: type(target)(target.args[1], target.args[0])})


def log_sigma_for_variance(expr: sp.Expr) -> sp.Expr | None:
    """Write log(s) where the step has log(s^2)."""
    def weaken(e):
        return sp.log(e.args[0].xreplace({p: p.base for p in e.args[0].atoms(sp.Pow) if p.exp == 2}))

    mutated = expr.replace(lambda e: isinstance(e, sp.log) and any(p.exp == 2 for p in e.args[0].atoms(sp.Pow)), weaken)
    return mutated if mutated != expr else None


OPERATORS: dict[str, Mutation] = {
    "flip sign": flip_sign,
    "drop 1/2": drop_half,
    "double": double,
    "swap KL/CE arguments": swap_divergence,
    "log s for log s^2": log_sigma_for_variance,
}


def mutants(rhs: sp.Expr, relation: Relation) -> Iterator[tuple[str, sp.Expr, Relation]]:
    for name, op in OPERATORS.items():
        mutated = op(rhs)
        if mutated is not None and mutated != rhs:
            yield name, mutated, relation
    if relation is not Relation.EQ:
        yield "reverse inequality", rhs, relation.reversed()
