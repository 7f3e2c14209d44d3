"""Rules for the information-theory catalog: domain-aware certificates, case splits, series.

* "non-negativity certificate on the domain": like the plain certificate, but
  the expressions that the symbols' open-interval domains make positive (such
  as ``1 - p`` for ``p`` in (0, 1)) count as positive atoms.  Needed for
  Gibbs-type certificates on the probability simplex, e.g.
  ``KL(Bern(p) || Bern(q)) = p phi(q/p) + (1 - p) phi((1 - q)/(1 - p))``.
* "min and max under the assumptions": resolve ``Min``/``Max`` whose order
  follows, by transitivity, from the derivation's extra assumptions (the
  regime of reverse water-filling, say) or whose difference is shown
  non-negative from them, then compare the sides by algebra.
* "geometric series": evaluate ``Sum(a r**k, ...)`` with SymPy and pick the
  branch of the result that the symbols' domains decide (``|r| < 1``).

Each check transforms the sides only by what the rule licenses and then asks
SymPy (``equivalent`` / ``is_zero``) for a proof; nothing is assumed proved.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Relation
from . import tools
from .inequality import INEQ, certificate_check
from .registry import RuleContext, RuleOutcome, rule
from .tools import equivalent

EQ = (Relation.EQ,)


# ---- certificates with domain facts ------------------------------------------


rule(
    "non-negativity certificate on the domain",
    "b - a equals a sum of terms that are non-negative on the symbols' domains "
    "(squares, u - 1 - log u with u > 0, KL; 1 - p > 0 for p in (0, 1)), so a <= b",
    relations=INEQ,
    params=("certificate",),
)(certificate_check)


# ---- Min / Max resolved by the assumptions ---------------------------------------


def _order(assumptions: tuple[sp.Basic, ...]) -> set[tuple[sp.Expr, sp.Expr]]:
    """Pairs (u, v) with u <= v implied by the assumptions, closed under transitivity."""
    pairs: set[tuple[sp.Expr, sp.Expr]] = set()
    for a in assumptions:
        if isinstance(a, (sp.StrictLessThan, sp.LessThan)):
            pairs.add((a.lhs, a.rhs))
        elif isinstance(a, (sp.StrictGreaterThan, sp.GreaterThan)):
            pairs.add((a.rhs, a.lhs))
    changed = True
    while changed:
        changed = False
        for u, v in list(pairs):
            for w, z in list(pairs):
                if v == w and (u, z) not in pairs:
                    pairs.add((u, z))
                    changed = True
    return pairs


def _resolve_extrema(expr: sp.Expr, order: set[tuple[sp.Expr, sp.Expr]]) -> sp.Expr:
    def below(u, v) -> bool:
        return u == v or (u, v) in order or tools.nonnegative_from_facts(v - u)

    def pick(e):
        args = list(e.args)
        for cand in args:
            if isinstance(e, sp.Min) and all(below(cand, o) for o in args):
                return cand
            if isinstance(e, sp.Max) and all(below(o, cand) for o in args):
                return cand
        return e

    return expr.replace(lambda e: isinstance(e, (sp.Min, sp.Max)), pick)


@rule(
    "min and max under the assumptions",
    "min(u, v) = u and max(u, v) = v when u <= v follows from the assumptions (by transitivity or sign)",
    side_conditions=("the derivation's assumptions fix the order",),
)
def _extrema(ctx: RuleContext) -> RuleOutcome:
    order = _order(tuple(ctx.assumptions))
    lhs, rhs = _resolve_extrema(ctx.lhs, order), _resolve_extrema(ctx.rhs, order)
    if any(e.atoms(sp.Min, sp.Max) for e in (lhs, rhs)):
        return RuleOutcome.unknown("some min/max is not decided by the assumptions")
    if equivalent(lhs, rhs):
        return RuleOutcome.proved()
    return RuleOutcome.unknown("the two sides differ after resolving min/max")


# ---- geometric series ------------------------------------------------------------------


def _domain_facts(only: set | None = None) -> sp.Basic:
    facts = []
    for sym, (lo, hi) in tools.domain_bounds().items():
        if only is not None and sym not in only:
            continue
        if lo is not None:
            facts.append(sp.Q.gt(sym, lo))
        if hi is not None:
            facts.append(sp.Q.lt(sym, hi))
    return sp.And(*facts) if facts else sp.true


def _sum_series(expr: sp.Expr) -> sp.Expr:
    facts = _domain_facts()

    def branch(pw: sp.Piecewise) -> sp.Expr:
        # the first branch whose condition SymPy proves from the domains, skipping refuted ones
        for value, cond in pw.args:
            if cond is sp.true:
                return value
            # ask only with the facts about the condition's own symbols (more facts can make ask give up)
            verdict = sp.ask(cond, _domain_facts(cond.free_symbols))
            if verdict is True:
                return value
            if verdict is not False:
                return pw
        return pw

    def value(s: sp.Sum) -> sp.Expr:
        done = s.doit()
        if facts is not sp.true:
            done = sp.refine(done, facts)
            done = done.replace(lambda e: isinstance(e, sp.Piecewise), branch)
        return done

    return expr.replace(lambda e: isinstance(e, sp.Sum), value)


@rule(
    "geometric series",
    "sum_{k=n}^{m} a r^k = a (r^n - r^(m+1)) / (1 - r); sum_{k>=n} a r^k = a r^n / (1 - r) for |r| < 1",
    side_conditions=("|r| < 1 for the infinite series (read from r's domain)",),
)
def _geometric(ctx: RuleContext) -> RuleOutcome:
    lhs, rhs = _sum_series(ctx.lhs), _sum_series(ctx.rhs)
    if any(e.atoms(sp.Sum, sp.Piecewise) for e in (lhs, rhs)):
        return RuleOutcome.unknown("a series was not summed, or its convergence is not decided by the domains")
    if equivalent(lhs, rhs):
        return RuleOutcome.proved()
    return RuleOutcome.unknown("the two sides differ after summing the series")
