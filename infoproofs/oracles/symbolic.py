"""The symbolic oracle: the rule's own check, a portfolio of proof methods, then refutation.

``prove_step`` runs inside the budgeted worker (see ``infoproofs.budget``):
the whole portfolio of one step shares one time budget, and a timeout is an
"unknown" with the reason, never a hang.  A method answers "proved" only
when SymPy reduced a residual to exactly zero or exhibited a non-negative
decomposition; failing methods never count as evidence against the step.

When nothing proves the step, the oracle tries to *refute* it: a residual
that reduces to a non-zero constant, or whose sign is established to be the
wrong one on the whole domain, refutes the step however small the gap
(``x = x + 10^-30`` is below any numeric tolerance, not below SymPy's).  A
strict inequality whose residual is identically zero is refuted too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ..budget import BudgetExceeded, WorkerCrashed, run_with_budget
from ..derivation import Relation
from ..engine.derive import evaluate
from ..engine.expectation import integrals_as_expectations
from ..notation.domains import exact
from ..rules import RuleContext, get_rule
from ..rules.core import laws_in
from ..rules.inequality import residual
from ..rules.tools import (
    equivalent,
    is_real_here,
    is_zero,
    nonnegative,
    nonnegative_from_facts,
    set_domain_facts,
)

__all__ = ["SymbolicOutcome", "prove_step", "symbolic_check"]


@dataclass
class SymbolicOutcome:
    status: str  # "proved" | "unknown" | "violated" | "refuted"
    method: str = ""
    detail: str = ""
    attempts: list[str] = field(default_factory=list)


def _minimum_certificate(r: sp.Expr, strict: bool, domains: dict[sp.Symbol, tuple]) -> bool:
    """One free symbol: the minimum of the residual over its open domain is >= 0."""
    free = [s for s in r.free_symbols if isinstance(s, sp.Symbol)]
    if len(free) != 1 or free[0] not in domains:
        return False
    if not is_real_here(r):
        return False  # a minimum of something complex on part of the domain proves nothing
    sym = free[0]
    lo, hi = (None if b is None else exact(b) for b in domains[sym])
    interval = sp.Interval.open(-sp.oo if lo is None else lo, sp.oo if hi is None else hi)
    from sympy.calculus.util import minimum

    low = minimum(r, sym, interval)
    if low is None or not low.is_real:
        return False
    # the infimum over an open interval may be a limit at the boundary: fine for >=
    return bool(low > 0) if strict else bool(low >= 0)


def prove_step(
    lhs: sp.Expr,
    rhs: sp.Expr,
    relation: str,
    rule_name: str,
    params: dict,
    assumptions: tuple,
    domains: dict,
) -> SymbolicOutcome:
    """Try to prove ``lhs relation rhs``; runs in the worker process."""
    rel = Relation.parse(relation)
    set_domain_facts(domains, assumptions)
    ctx = RuleContext(lhs, rhs, rel, {**params, "_domains": domains}, assumptions)
    attempts: list[str] = []
    rule = get_rule(rule_name)
    violated = ""
    if rel not in rule.relations:
        attempts.append(f"rule '{rule_name}' does not justify {rel.value}")
        violated = f"rule '{rule_name}' justifies only {', '.join(r.value for r in rule.relations)}"
    else:
        outcome = rule.check(ctx)
        if outcome.status == "proved":
            return SymbolicOutcome("proved", f"rule: {rule_name}", outcome.detail, attempts)
        if outcome.status == "violated":
            violated = outcome.detail
        attempts.append(f"rule '{rule_name}': {outcome.detail}")

    # The portfolio.  A violated side condition blocks proof-by-rule but the
    # step itself may still be true; the portfolio below may prove it, and the
    # report keeps the rule's complaint.
    if lhs.has(sp.Integral) or rhs.has(sp.Integral):
        laws = laws_in(lhs, rhs)
        lhs, rhs = integrals_as_expectations(lhs, laws), integrals_as_expectations(rhs, laws)
        ctx = RuleContext(lhs, rhs, rel, ctx.params, assumptions)
    if rel is Relation.EQ:
        if equivalent(lhs, rhs):
            return SymbolicOutcome("proved", "linearity and algebra", violated, attempts)
        attempts.append("linearity and algebra: not reduced to zero")
        if equivalent(evaluate(lhs), evaluate(rhs)):
            return SymbolicOutcome("proved", "closed forms", violated, attempts)
        attempts.append("closed forms: residual not reduced to zero")
    else:
        r = evaluate(residual(ctx))
        if nonnegative(r, strict=rel.strict):
            return SymbolicOutcome("proved", "sign of the residual", violated, attempts)
        simplified = sp.simplify(r)
        if nonnegative(simplified, strict=rel.strict):
            return SymbolicOutcome("proved", "sign of the simplified residual", violated, attempts)
        attempts.append("sign of the residual: not established")
        try:
            if _minimum_certificate(simplified, rel.strict, domains):
                return SymbolicOutcome("proved", "minimum over the domain", violated, attempts)
        except (NotImplementedError, ValueError, TypeError):
            pass
        attempts.append("minimum over the domain: not established")
    refutation = _refutation(lhs, rhs, rel, ctx)
    if refutation:
        return SymbolicOutcome("refuted", "symbolic refutation", refutation, attempts)
    status = "violated" if violated else "unknown"
    return SymbolicOutcome(status, "", violated or "no symbolic method succeeded", attempts)


def _nonzero_polynomial(expr: sp.Expr) -> bool:
    """A rational function of plain symbols whose numerator is a non-zero polynomial (no functionals)."""
    symbols = [s for s in expr.free_symbols if isinstance(s, sp.Symbol)]
    if not symbols or any(isinstance(a, (sp.Function, sp.Integral, sp.Sum)) and not isinstance(a, sp.Pow)
                          for a in sp.preorder_traversal(expr)):
        return False
    if any(not isinstance(a, (sp.Symbol, sp.Number, sp.Add, sp.Mul, sp.Pow)) for a in sp.preorder_traversal(expr)):
        return False
    numerator, _ = sp.fraction(sp.together(expr))
    if not numerator.is_polynomial(*symbols):
        return False
    return sp.expand(numerator) != 0


def _signed_everywhere(expr: sp.Expr, strict: bool) -> bool:
    """expr >= 0 (> 0 if strict) on the whole domain, shown structurally or from the domain facts."""
    return nonnegative(expr, strict=strict) or nonnegative_from_facts(expr, strict=strict)


def _refutation(lhs: sp.Expr, rhs: sp.Expr, rel: Relation, ctx: RuleContext) -> str:
    """Why the step is false everywhere on its domain ('' when that is not shown)."""
    if rel is Relation.EQ:
        raw = evaluate(lhs - rhs)
    else:
        raw = evaluate(residual(ctx))
    forms = [raw]
    for simplify in (lambda e: sp.expand(sp.expand_log(e)), sp.simplify):
        try:
            forms.append(simplify(raw))
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            continue
    if rel is Relation.EQ:
        equalities = any(isinstance(a, sp.Equality) for a in ctx.assumptions)
        for form in forms:
            # an infinite residual (one side +oo, as KL between laws with non-nested supports) shows
            # nothing: the other side may be infinite too, which the arithmetic cannot see
            if form.is_number and form.is_zero is False and form.is_finite and not form.has(sp.nan, sp.zoo):
                return f"the residual lhs - rhs reduces to the non-zero constant {form}"
            if not equalities and _nonzero_polynomial(form):
                return (
                    f"the residual lhs - rhs = {form} is a non-zero polynomial (or ratio of polynomials) in the "
                    "symbols, so it is non-zero on all but a negligible part of the domain"
                )
            for sign, word in ((1, "positive"), (-1, "negative")):
                if form.free_symbols and _signed_everywhere(sign * form, strict=True):
                    return f"the residual lhs - rhs = {form} is strictly {word} on the whole domain"
        return ""
    wanted = "> 0" if rel.strict else ">= 0"
    if rel.strict and is_zero(raw):
        return f"the strict inequality needs a residual {wanted}, but the residual is identically 0"
    for form in forms:
        if _signed_everywhere(-form, strict=not rel.strict):
            shown = "<= 0" if rel.strict else "< 0"
            return f"the residual {form} (which must be {wanted}) is {shown} on the whole domain"
    return ""


def symbolic_check(
    lhs: sp.Expr,
    rhs: sp.Expr,
    relation: Relation,
    rule_name: str,
    params: dict,
    assumptions: tuple,
    domains: dict,
    seconds: float,
) -> SymbolicOutcome:
    """``prove_step`` under a time budget, in the worker process."""
    try:
        return run_with_budget(
            prove_step, lhs, rhs, relation.value, rule_name, params, assumptions, domains, seconds=seconds
        )
    except BudgetExceeded as exc:
        return SymbolicOutcome("unknown", "", f"symbolic check {exc}")
    except WorkerCrashed as exc:
        first = str(exc).splitlines()[0] if str(exc) else "worker failed"
        return SymbolicOutcome("unknown", "", f"symbolic check failed: {first}")
