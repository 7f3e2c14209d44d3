"""Mutation operators: broken variants of a step, for measuring soundness.

The mutation harness (``benchmarks/mutation_kill_rate.py``) and the tests
apply each operator to each catalog step and expect the checker to *refute*
the mutant.  Operators skip steps where they would not change anything; a
mutant that survives is reported with the reason (typically that it is
equivalent to the original, e.g. flipping the sign of a zero).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy as sp

from .derivation import Relation
from .notation.functionals import KL, CrossEntropy

__all__ = ["OPERATORS", "mutants", "Mutation"]

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
    """Replace the factors 1/2 by 1 (the classic dropped-half slip)."""
    if not any(a == sp.Rational(1, 2) for a in sp.preorder_traversal(expr)):
        return None
    mutated = expr.xreplace({sp.Rational(1, 2): sp.Integer(1)})
    return mutated if mutated != expr else None


def double(expr: sp.Expr) -> sp.Expr | None:
    return None if expr == 0 else 2 * expr


def swap_divergence(expr: sp.Expr) -> sp.Expr | None:
    found = [a for a in sp.preorder_traversal(expr) if isinstance(a, (KL, CrossEntropy)) and a.args[0] != a.args[1]]
    if not found:
        return None
    target = found[0]
    return expr.xreplace({target: type(target)(target.args[1], target.args[0])})


def log_of_sigma_for_variance(expr: sp.Expr) -> sp.Expr | None:
    """Write log(s) where the step has log(s^2)."""

    def weaken(e: sp.log) -> sp.Expr:
        return sp.log(e.args[0].xreplace({p: p.base for p in e.args[0].atoms(sp.Pow) if p.exp == 2}))

    mutated = expr.replace(
        lambda e: isinstance(e, sp.log) and any(p.exp == 2 for p in e.args[0].atoms(sp.Pow)), weaken
    )
    return mutated if mutated != expr else None


def log_to_log2(expr: sp.Expr) -> sp.Expr | None:
    """Change the base of one logarithm from e to 2."""
    logs = sorted(expr.atoms(sp.log), key=sp.default_sort_key)
    logs = [e for e in logs if e.args[0] != 2]
    if not logs:
        return None
    mutated = expr.xreplace({logs[0]: logs[0] / sp.log(2)})
    return mutated if mutated != expr else None


def perturb_exponent(expr: sp.Expr) -> sp.Expr | None:
    """Raise one integer exponent by one (x^2 -> x^3)."""
    powers = sorted(
        (p for p in expr.atoms(sp.Pow) if p.exp.is_Integer and abs(int(p.exp)) >= 2 and p.base.free_symbols),
        key=sp.default_sort_key,
    )
    if not powers:
        return None
    p = powers[0]
    mutated = expr.xreplace({p: p.base ** (p.exp + (1 if p.exp > 0 else -1))})
    return mutated if mutated != expr else None


OPERATORS: dict[str, Mutation] = {
    "flip sign": flip_sign,
    "drop 1/2": drop_half,
    "double": double,
    "swap KL/CE arguments": swap_divergence,
    "log s for log s^2": log_of_sigma_for_variance,
    "log to log2": log_to_log2,
    "perturb exponent": perturb_exponent,
}


def mutants(
    rhs: sp.Expr, relation: Relation, operators: dict[str, Mutation] | None = None
) -> Iterator[tuple[str, sp.Expr, Relation]]:
    """(operator name, mutated right-hand side, relation) for every applicable operator."""
    for name, op in (operators or OPERATORS).items():
        mutated = op(rhs)
        if mutated is not None and mutated != rhs:
            yield name, mutated, relation
    if relation is not Relation.EQ:
        yield "reverse inequality", rhs, relation.reversed()
