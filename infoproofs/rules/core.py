"""Equality rules: definitions, linearity, explicit densities, moments, algebra.

Each check transforms the two sides only by what the rule licenses and then
asks ``equivalent``; so "linearity of expectation" cannot prove a step that
also needs a moment, and a mis-cited rule comes out unknown even when the
step is true (the portfolio may still prove the step, and the report says
which method did).
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Relation
from ..engine.definitions import DEFINITIONS, REWRITES, rewrite, unfold
from ..engine.derive import evaluate
from ..engine.expectation import (
    apply_linearity,
    expand_log_densities,
    integrals_as_expectations,
    linearity_licensed,
    substitute_known_expectations,
    value_expectations,
)
from ..notation.functionals import Expectation, Functional
from .registry import RuleContext, RuleOutcome, rule
from .tools import equivalent

EQ = (Relation.EQ,)


def laws_in(*exprs: sp.Basic) -> list:
    """The named laws that appear anywhere in the step (candidates for reading integrals as expectations)."""
    from ..notation.distributions import Distribution

    found = []
    for expr in exprs:
        for a in sp.preorder_traversal(expr):
            if isinstance(a, Distribution) and a not in found:
                found.append(a)
    return found


def _both(ctx: RuleContext, transform) -> RuleOutcome:
    lhs, rhs = transform(ctx.lhs), transform(ctx.rhs)
    if lhs.has(sp.Integral) or rhs.has(sp.Integral):
        # an integral written with the densities' formulas: compare with the log-densities written out too
        laws = laws_in(ctx.lhs, ctx.rhs, lhs, rhs)
        lhs, rhs = integrals_as_expectations(lhs, laws), integrals_as_expectations(rhs, laws)
        lhs, rhs = expand_log_densities(lhs), expand_log_densities(rhs)
    if equivalent(lhs, rhs):
        return RuleOutcome.proved()
    return RuleOutcome.unknown("the two sides differ after applying the rule")


def _unfold_everything(expr: sp.Expr, only: type | None = None) -> sp.Expr:
    def swap(f):
        if only is not None and not isinstance(f, only):
            return f
        found = unfold(f)
        return f if found is None else found[1]

    for _ in range(4):
        new = expr.replace(lambda e: isinstance(e, Functional) and not isinstance(e, Expectation), swap)
        if new == expr:
            break
        expr = new
    return expr


def _register_definition(kind: type, name: str, statement: str) -> None:
    @rule(name, statement, side_conditions=("the expectation exists",))
    def _check(ctx: RuleContext) -> RuleOutcome:
        return _both(ctx, lambda e: _unfold_everything(e, kind))


_STATEMENTS = {
    "definition of KL divergence": "D_KL(p || q) = E_{x~p}[log p(x) - log q(x)]",
    "definition of cross-entropy": "H(p, q) = -E_{x~p}[log q(x)]",
    "definition of entropy": "H(p) = -E_{x~p}[log p(x)] (discrete)",
    "definition of differential entropy": "h(p) = -E_{x~p}[log p(x)] (density)",
    "definition of mutual information": "I(X; Y) = h(Y) - h(Y | X)",
}
for _kind, (_name, _) in DEFINITIONS.items():
    _register_definition(_kind, _name, _STATEMENTS.get(_name, _name))


def _register_theorem(name: str) -> None:
    def apply(expr: sp.Expr) -> sp.Expr:
        for _ in range(4):
            def swap(f):
                found = rewrite(f)
                return found[1] if found is not None and found[0] == name else f

            new = expr.replace(lambda e: isinstance(e, Functional) and not isinstance(e, Expectation), swap)
            if new == expr:
                break
            expr = new
        return expr

    @rule(name, name, side_conditions=("distinct random variables are independent",))
    def _check(ctx: RuleContext) -> RuleOutcome:
        return _both(ctx, apply)


for _name in dict.fromkeys(name for _, name, _ in REWRITES):
    _register_theorem(_name)


@rule("linearity of expectation", "E[a f + b g] = a E[f] + b E[g] for constants a, b")
def _linearity(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, lambda e: e)


@rule("explicit log-density", "substitute the closed-form log-density of the named law")
def _log_density(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, expand_log_densities)


@rule("explicit log-mass function", "substitute the closed-form log-probability mass function")
def _log_mass(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, expand_log_densities)


@rule("expectation over a finite support", "E_{x~p}[f(x)] = sum_k p_k f(x_k) for a finite support")
def _finite(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, lambda e: substitute_known_expectations(expand_log_densities(e)))


def _polynomial_moments(expr: sp.Expr) -> sp.Expr:
    """E[g(x)] for a polynomial g (a central moment such as E[(x - mu)^2] too) from the raw moments E[x^k]."""

    def moment(e: Expectation) -> sp.Expr:
        if len(e.bound) == 1 and e.integrand.is_polynomial(e.var) and linearity_licensed(e, split=True):
            return substitute_known_expectations(apply_linearity(e))
        return substitute_known_expectations(e)

    return value_expectations(expr, moment)


@rule(
    "moments",
    "substitute the known moments of the law: E[x^k], and so E[g(x)] for a polynomial g (E[(x - mu)^2] = sigma^2)",
    side_conditions=("the moments exist",),
)
def _moments(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, _polynomial_moments)


@rule("algebra", "algebraic identity (functionals treated as opaque)")
def _algebra(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, lambda e: e)


@rule(
    "integral against a density",
    "int_a^b p(x) g(x) dx = E_{x~p}[g(x)] for a law p with support [a, b] (the other laws of the step are tried)",
    side_conditions=("p > 0 on [a, b]", "the integral exists"),
)
def _integral(ctx: RuleContext) -> RuleOutcome:
    laws = laws_in(ctx.lhs, ctx.rhs) + [v for v in ctx.params.values() if not isinstance(v, (dict, tuple))]
    lhs, rhs = integrals_as_expectations(ctx.lhs, laws), integrals_as_expectations(ctx.rhs, laws)
    if lhs == ctx.lhs and rhs == ctx.rhs:
        return RuleOutcome.unknown("no integral here is against the density of a law of the step")
    if equivalent(lhs, rhs):
        return RuleOutcome.proved()
    return RuleOutcome.unknown("the two sides differ after reading the integral as an expectation")


@rule("closed form", "replace functionals by their derived, registered closed forms")
def _closed_form(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, evaluate)


def _outside_lemma(ctx: RuleContext, lemma_domains: dict, lemma_assumptions: tuple) -> str:
    """Why the lemma might not cover the step's region ('' when it does).

    Every symbol the lemma constrains must range, in the step, over a subset of
    the lemma's interval, and the lemma's extra assumptions must be among the
    step's own.
    """
    here = ctx.params.get("_domains", {})
    for sym, (lo, hi) in lemma_domains.items():
        mine = here.get(sym)
        if mine is None:
            continue
        my_lo, my_hi = mine
        if lo is not None and (my_lo is None or my_lo < lo):
            return f"{sym} > {lo} in the lemma"
        if hi is not None and (my_hi is None or my_hi > hi):
            return f"{sym} < {hi} in the lemma"
    missing = [a for a in lemma_assumptions if a not in ctx.assumptions]
    if missing:
        return f"the lemma assumes {', '.join(map(str, missing))}"
    return ""


@rule(
    "lemma",
    "reuse the conclusion of another checked derivation",
    params=("lemma",),
    relations=(Relation.EQ, Relation.LE, Relation.GE, Relation.LT, Relation.GT),
)
def _lemma(ctx: RuleContext) -> RuleOutcome:
    lemma = ctx.params.get("lemma")
    if lemma is None:
        return RuleOutcome.unknown("no lemma given (lemma=<derivation>)")
    start, relation, result, lemma_domains, lemma_assumptions = lemma
    narrower = _outside_lemma(ctx, lemma_domains, lemma_assumptions)
    if narrower:
        return RuleOutcome.violated(f"the lemma is proved on a smaller region: {narrower}")
    if relation != Relation.EQ.value:
        if ctx.relation.value != relation:
            return RuleOutcome.unknown(f"the lemma gives {relation}, the step claims {ctx.relation.value}")
        if equivalent(ctx.lhs, start) and equivalent(ctx.rhs, result):
            return RuleOutcome.proved()
        return RuleOutcome.unknown("the step is not an instance of the lemma")
    if ctx.relation is not Relation.EQ:
        return RuleOutcome.unknown("an equality lemma justifies only '=' steps")
    replaced = ctx.lhs.xreplace({start: result})
    if replaced != ctx.lhs and equivalent(replaced, ctx.rhs):
        return RuleOutcome.proved()
    replaced = ctx.rhs.xreplace({start: result})
    if replaced != ctx.rhs and equivalent(ctx.lhs, replaced):
        return RuleOutcome.proved()
    return RuleOutcome.unknown("the lemma's left side does not occur in the step")


def _standard_normal_form(expr: sp.Expr) -> sp.Expr:
    """E_{z~N(m, v)}[h(z)] -> E_{e~N(0, 1)}[h(m + sqrt(v) e)] for every Gaussian expectation."""
    from ..notation.distributions import Normal

    eps = sp.Symbol("epsilon_std_", real=True)

    def standardise(e: Expectation) -> sp.Expr:
        if not isinstance(e.dist, Normal) or (e.dist.mean == 0 and e.dist.variance == 1):
            if isinstance(e.dist, Normal):
                return Expectation(e.integrand.xreplace({e.var: eps}), eps, e.dist)
            return e
        shifted = e.integrand.xreplace({e.var: e.dist.mean + sp.sqrt(e.dist.variance) * eps})
        return Expectation(shifted, eps, Normal(0, 1))

    return expr.replace(lambda e: isinstance(e, Expectation), standardise)


@rule(
    "location-scale reparameterisation",
    "E_{z~N(m, v)}[h(z)] = E_{e~N(0, 1)}[h(m + sqrt(v) e)] (the reparameterisation trick)",
    side_conditions=("v > 0", "h(z) is integrable under N(m, v)"),
)
def _reparameterisation(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, _standard_normal_form)


NO_RULE = "no rule cited"


@rule(
    NO_RULE,
    "a claim as a paper states it, with no justification named: whichever method proves it is the justification",
    relations=(Relation.EQ, Relation.LE, Relation.GE, Relation.LT, Relation.GT),
)
def _no_rule(ctx: RuleContext) -> RuleOutcome:
    """Claims read from LaTeX (``infoproofs verify``) cite nothing: the portfolio decides, and no citation is checked."""
    return RuleOutcome.unknown("the claim cites no rule")
