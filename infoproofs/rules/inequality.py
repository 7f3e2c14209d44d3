"""Inequality rules: certificates of non-negativity and Gibbs' inequality.

An inequality step ``a <= b`` is proved by exhibiting the residual ``b - a``
as a sum of terms that are non-negative for a known reason: squares,
``LogGap(u) = u - 1 - log u`` with ``u > 0`` (the lemma ``log u <= u - 1``),
and KL divergences.  SymPy confirms that the certificate equals the residual;
``nonnegative`` confirms the certificate's structure.  Nothing is inferred
from sampling here: that is the numeric oracle's job, and it runs too.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Relation
from ..engine.derive import evaluate
from .registry import RuleContext, RuleOutcome, rule
from .tools import hide_domain_facts, is_zero, nonnegative, nonnegative_from_facts

INEQ = (Relation.LE, Relation.GE, Relation.LT, Relation.GT)


def residual(ctx: RuleContext) -> sp.Expr:
    """The quantity that must be >= 0 (> 0 if strict) for the step to hold."""
    if ctx.relation.direction < 0:
        return ctx.rhs - ctx.lhs
    return ctx.lhs - ctx.rhs


@rule(
    "non-negativity certificate",
    "b - a equals a sum of non-negative terms (squares, u - 1 - log u, KL), so a <= b",
    relations=INEQ,
    params=("certificate",),
)
def certificate_check(ctx: RuleContext) -> RuleOutcome:
    """The certificate is non-negative (on the domain: 1 - p > 0 for p in (0, 1)) and equals the residual."""
    certificate = ctx.params.get("certificate")
    if certificate is None:
        return RuleOutcome.unknown("no certificate= given")
    if not nonnegative(hide_domain_facts(certificate), strict=ctx.relation.strict):
        return RuleOutcome.violated(f"the certificate {certificate} is not manifestly non-negative")
    if is_zero(evaluate(residual(ctx)) - evaluate(certificate)):
        return RuleOutcome.proved("residual equals the certificate")
    return RuleOutcome.unknown("the certificate does not equal the residual")


@rule(
    "Gibbs' inequality",
    "D_KL(p || q) >= 0, with equality iff p = q",
    side_conditions=("p and q are probability distributions",),
    relations=INEQ,
)
def _gibbs(ctx: RuleContext) -> RuleOutcome:
    r = sp.expand(residual(ctx))
    if nonnegative(r, strict=ctx.relation.strict):
        return RuleOutcome.proved("the residual is a non-negative combination of KL divergences")
    return RuleOutcome.unknown("the residual is not a non-negative combination of KL divergences")


@rule(
    "sign of the residual",
    "the residual is non-negative by the symbols' domains and the derivation's assumptions alone",
    relations=INEQ,
)
def _sign(ctx: RuleContext) -> RuleOutcome:
    raw = evaluate(residual(ctx))
    r = sp.simplify(raw)
    if nonnegative(r, strict=ctx.relation.strict):
        return RuleOutcome.proved()
    if any(nonnegative_from_facts(form, strict=ctx.relation.strict) for form in (raw, r)):
        return RuleOutcome.proved("from the positivity facts of the domains and assumptions")
    return RuleOutcome.unknown(f"could not establish the sign of {r}")
