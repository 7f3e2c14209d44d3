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

__all__ = ["OPERATORS", "mutants", "Mutation", "KNOWN_TRUE_MUTANTS"]

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


# Mutants of catalog steps that are still *true* statements, although the symbolic oracle cannot
# prove them (so they come out confirmed, not refuted); each with the argument.  A true statement
# cannot be refuted: these are reported as survivors with their reason, not as misses.
_NONPOSITIVE_LOWER_BOUND = "b <= log p(x) <= 0 on a finite support, so a >= b >= c b for c >= 1 (2, 1/log 2)"
KNOWN_TRUE_MUTANTS: dict[tuple[str, int, str], str] = {
    ("data_processing_gaussian_chain", 2, "drop 1/2"): "log(b)/2 <= log(a) since a >= b >= 1",
    ("gibbs_inequality_jensen", 2, "flip sign"): "-log E_p[q/p] = -log 1 = 0 equals log E_p[q/p]",
    ("gibbs_inequality_jensen", 2, "double"): "2 log E_p[q/p] = 2 log 1 = 0 equals log E_p[q/p]",
    ("gibbs_inequality_jensen", 2, "log to log2"): "log2 E_p[q/p] = 0 equals log E_p[q/p] since E_p[q/p] = 1",
    ("jensen_square_variance", 1, "double"): "E[X]^2 <= E[X^2] <= 2 E[X^2] since E[X^2] >= 0",
    ("jensen_exp", 1, "double"): "exp(E X) <= E exp(X) <= 2 E exp(X) since exp > 0",
    ("jensen_log_evidence", 2, "double"): _NONPOSITIVE_LOWER_BOUND,
    ("jensen_log_evidence", 2, "log to log2"): _NONPOSITIVE_LOWER_BOUND,
    ("elbo_jensen", 2, "double"): _NONPOSITIVE_LOWER_BOUND,
    ("elbo_jensen", 2, "log to log2"): _NONPOSITIVE_LOWER_BOUND,
    ("elbo_lower_bound_gibbs", 2, "double"): _NONPOSITIVE_LOWER_BOUND,
    ("elbo_lower_bound_gibbs", 2, "log to log2"): _NONPOSITIVE_LOWER_BOUND,
    ("iwae_bounds", 2, "double"): _NONPOSITIVE_LOWER_BOUND + " (L_2 <= log p(x))",
    ("iwae_bounds", 3, "double"): _NONPOSITIVE_LOWER_BOUND + " (L_1 <= L_2)",
    ("iwae_bounds", 3, "log to log2"): _NONPOSITIVE_LOWER_BOUND + " (L_1 <= L_2)",
    ("iwae_bounds_general_K", 1, "double"): _NONPOSITIVE_LOWER_BOUND + " (L_{K+1} <= log p(x))",
    ("iwae_bounds_general_K", 2, "double"): _NONPOSITIVE_LOWER_BOUND + " (L_K <= L_{K+1})",
    ("iwae_bounds_general_K", 3, "double"): _NONPOSITIVE_LOWER_BOUND + " (L_1 <= L_K)",
    ("elbo_surgery_mi_bound", 5, "log to log2"): "I <= log N <= log2 N since log N >= 0 for N >= 1",
}
