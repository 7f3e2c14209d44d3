"""Symbolic decision helpers shared by rules and the symbolic oracle.

Everything here answers ``True`` only with a proof in hand: a residual that
SymPy reduced to the literal ``0``, or a residual that is a sum of terms each
known to be non-negative.  ``False`` means "not shown", never "false".
These functions are meant to run inside the budgeted worker.
"""

from __future__ import annotations

import contextvars

import sympy as sp

from ..engine.expectation import apply_linearity, linearity_licensed
from ..notation.domains import exact
from ..notation.functionals import Expectation, Functional, LogDensity

__all__ = ["is_zero", "opaque", "equivalent", "nonnegative", "nonnegative_from_facts", "LogGap"]

_CANON = sp.Symbol("xi_", real=True)


class LogGap(sp.Function):
    """``phi(u) = u - 1 - log u``, non-negative for u > 0 (the lemma log u <= u - 1)."""

    is_real = True

    def _latex(self, printer, exp=None):
        inner = rf"\phi\left({printer._print(self.args[0])}\right)"
        return inner if exp is None else rf"{inner}^{{{exp}}}"

    def _eval_rewrite_as_log(self, u, **kwargs):
        return u - 1 - sp.log(u)

    def expand_gap(self):
        u = self.args[0]
        return u - 1 - sp.log(u)


def opaque(expr: sp.Expr) -> tuple[sp.Expr, dict[sp.Symbol, sp.Basic]]:
    """Replace functionals by plain symbols so that simplification cannot touch them."""
    mapping: dict[sp.Basic, sp.Symbol] = {}
    atoms = [a for a in sp.preorder_traversal(expr) if isinstance(a, (Functional, LogDensity))]
    for i, atom in enumerate(dict.fromkeys(atoms)):
        mapping[atom] = sp.Symbol(f"F_{i}_", real=True)
    return expr.xreplace(mapping), {v: k for k, v in mapping.items()}


def _expand_gaps(expr: sp.Expr) -> sp.Expr:
    return expr.replace(lambda e: isinstance(e, LogGap), lambda e: e.expand_gap())


# Expressions known to be positive from the symbols' domains (e.g. 1 - p for
# p in (0, 1)); set by the symbolic oracle for the step being checked.
_POSITIVE: contextvars.ContextVar[tuple[sp.Expr, ...]] = contextvars.ContextVar("positive", default=())
_BOUNDS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("bounds", default=None)


def set_domain_facts(domains: dict[sp.Symbol, tuple], assumptions: tuple = ()) -> None:
    """Record the positive expressions implied by open-interval domains and strict assumptions.

    A step is claimed only where its derivation's assumptions hold, so an
    assumption ``c^2 < a b`` makes ``a b - c^2`` a positive fact (the numeric
    oracle draws only points that satisfy it, too).
    """
    facts = []
    for sym, (lo, hi) in domains.items():
        # bounds are exact SymPy numbers (never rounded: see notation.domains.exact)
        if hi is not None:
            facts.append(exact(hi) - sym)
        if lo is not None and lo != 0:
            facts.append(sym - exact(lo))
    for assumption in assumptions:
        if isinstance(assumption, sp.StrictLessThan):
            facts.append(sp.expand(assumption.rhs - assumption.lhs))
        elif isinstance(assumption, sp.StrictGreaterThan):
            facts.append(sp.expand(assumption.lhs - assumption.rhs))
    _POSITIVE.set(tuple(f for f in facts if not f.is_Number))
    _BOUNDS.set({sym: tuple(None if b is None else exact(b) for b in bounds) for sym, bounds in domains.items()})


def positive_here(expr: sp.Expr) -> bool:
    """expr > 0 wherever the step is claimed: by SymPy's assumptions or the domain facts."""
    if expr.is_positive is True:
        return True
    return nonnegative(hide_domain_facts(sp.factor(expr)), strict=True)


def facts_key() -> tuple:
    """The positivity facts in force (a key for caches whose answers depend on them)."""
    return _POSITIVE.get()


def domain_bounds() -> dict:
    """Open-interval bounds (lo, hi) of the symbols of the step being checked."""
    return dict(_BOUNDS.get() or {})


def _expand_log_real(expr: sp.Expr) -> sp.Expr:
    """expand_log that also knows the domain facts and that log(b^2) = 2 log|b| for real b."""
    facts = _POSITIVE.get()
    mapping = {f: sp.Dummy("pos", positive=True) for f in facts}
    back = {v: k for k, v in mapping.items()}

    def split(e: sp.log) -> sp.Expr:
        arg = sp.factor(e.args[0])
        total = sp.Integer(0)
        rest = sp.Integer(1)
        for factor in sp.Mul.make_args(arg):
            base, exp = factor.as_base_exp()
            if base.is_real and exp.is_Integer and int(exp) % 2 == 0 and base.is_positive is not True:
                total += exp * sp.log(sp.Abs(base))
            else:
                rest *= factor
        return total + sp.log(rest)

    expr = expr.replace(lambda e: isinstance(e, sp.log), split)
    hidden = sp.expand_log(expr.xreplace(mapping))
    hidden = sp.expand_log(sp.expand(sp.together(hidden)))
    return hidden.xreplace(back)


def _zero_by_reparametrization(expr: sp.Expr) -> sp.Expr:
    """Map each bounded symbol onto (0, oo) so that SymPy sees every factor's sign.

    ``p in (lo, hi)`` becomes ``lo + (hi - lo) P / (1 + P)`` with ``P > 0``; a
    bijection, so the result is zero for all P > 0 iff the original is zero
    on the whole domain.  Then ``1 - p`` is visibly positive and logs split.
    """
    mapping = {}
    for sym, (lo, hi) in (_BOUNDS.get() or {}).items():
        if sym not in expr.free_symbols or hi is None:
            continue
        new = sp.Dummy(sym.name.upper(), positive=True)
        lo_ = exact(lo) if lo is not None else None
        hi_ = exact(hi)
        mapping[sym] = (lo_ + (hi_ - lo_) * new / (1 + new)) if lo_ is not None else hi_ - new
    if not mapping:
        return expr
    moved = sp.together(expr.xreplace(mapping))
    moved = sp.expand_log(moved).replace(
        lambda a: isinstance(a, sp.log), lambda a: sp.log(sp.factor(sp.together(a.args[0])))
    )
    return sp.expand(sp.expand_log(moved))


def is_zero(expr: sp.Expr) -> bool:
    """True when the expression is identically zero under the symbols' assumptions."""
    expr = _expand_gaps(sp.sympify(expr))
    expr, _ = opaque(expr)
    if expr == 0:
        return True
    attempts = (
        lambda e: sp.expand(_expand_log_real(e)),
        _zero_by_reparametrization,
        lambda e: sp.simplify(_expand_log_real(e)),
        lambda e: sp.expand(sp.expand_log(sp.expand(e))),
        lambda e: sp.cancel(sp.together(sp.expand_log(e))),
        lambda e: sp.simplify(sp.expand_log(e)),
        lambda e: sp.expand(sp.logcombine(sp.expand_log(sp.expand(e)))),
        lambda e: sp.simplify(sp.expand_log(sp.powsimp(sp.expand_power_base(e)), force=False)),
    )
    for attempt in attempts:
        try:
            if attempt(expr) == 0:
                return True
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            continue
    return False


def _normal_form(expr: sp.Expr) -> tuple[sp.Expr, dict[sp.Basic, sp.Expr]]:
    """Split into (expectation-free part, {law: integrand}) after linearity.

    Bound variables are renamed to one canonical symbol, so ``E_x[f(x)]`` and
    ``E_u[f(u)]`` compare equal.  Terms that are non-linear in expectations
    stay in the first part, opaque.  ``expr`` is already linearised (``equivalent`` checks first that
    each law's expectations may be added into one group).
    """
    rest = sp.Integer(0)
    groups: dict[sp.Basic, sp.Expr] = {}
    for term in sp.Add.make_args(expr):
        factors = sp.Mul.make_args(term)
        expectations = [f for f in factors if isinstance(f, Expectation)]
        if len(expectations) != 1:
            rest += term
            continue
        e = expectations[0]
        coeff = sp.Mul(*[f for f in factors if f is not e])
        bound = e.bound
        canon = [_CANON] if len(bound) == 1 else [sp.Symbol(f"xi_{i}_", real=True) for i in range(len(bound))]
        integrand = e.integrand.xreplace(dict(zip(bound, canon)))
        groups[e.dist] = groups.get(e.dist, sp.Integer(0)) + coeff * integrand
    return rest, groups


def equivalent(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """lhs == rhs by linearity of expectation and algebra on integrands and the rest."""
    infinite = (sp.oo, -sp.oo, sp.zoo, sp.nan)
    if lhs in infinite or rhs in infinite:
        # oo - oo is undefined, not 0: two sides are equal here only as the same signed infinity
        return lhs == rhs and lhs in (sp.oo, -sp.oo)
    if not (linearity_licensed(lhs) and linearity_licensed(rhs)):
        return False  # the normal forms would add expectations that need not add (engine.expectation.additive)
    rest_l, groups_l = _normal_form(sp.expand(apply_linearity(lhs)))
    rest_r, groups_r = _normal_form(sp.expand(apply_linearity(rhs)))
    for law in set(groups_l) | set(groups_r):
        diff = groups_l.get(law, 0) - groups_r.get(law, 0)
        if not is_zero(diff):
            return False
    return is_zero(rest_l - rest_r)


def hide_domain_facts(expr: sp.Expr) -> sp.Expr:
    """Replace ``hi - x`` and ``x - lo`` (positive by x's open domain) by positive dummies."""
    facts = _POSITIVE.get()
    mapping: dict[sp.Expr, sp.Dummy] = {}
    for fact in facts:
        mapping[fact] = sp.Dummy("pos", positive=True)
        mapping[sp.expand(-fact)] = -mapping[fact]
    expr = expr.xreplace(mapping)

    def regroup(e: sp.Add) -> sp.Expr:
        # a sum that contains every term of a fact, e.g. 1 - a + a b = (1 - a) + a b
        terms = list(e.args)
        for fact, dummy in mapping.items():
            parts = list(sp.Add.make_args(fact))
            if len(parts) > 1 and dummy.is_positive and all(p in terms for p in parts):
                rest = list(terms)
                for p in parts:
                    rest.remove(p)
                return dummy + sp.Add(*rest)
        return e

    return expr.replace(lambda e: isinstance(e, sp.Add), regroup)


def is_real_here(expr: sp.Expr) -> bool:
    """``expr`` is real (and finite) wherever the step is claimed: established, never assumed.

    SymPy's assumptions decide first (``20 + I s`` is not real; ``x - mu`` is);
    then the domain facts are hidden behind positive dummies, so that
    ``sqrt(1 - p)`` is real for p in (0, 1).  A functional is real only between
    laws whose parameters are shown valid (a KL of a "Normal" with variance
    1 - s^2 is undefined where s > 1, however real its class says it is).
    """
    from ..notation.distributions import Distribution

    laws = {a for a in sp.preorder_traversal(expr) if isinstance(a, Distribution)}
    if not all(law_is_valid(law) for law in laws):
        return False
    if expr.is_real is True:
        return True
    return hide_domain_facts(expr).is_real is True


def law_is_valid(dist) -> bool:
    """Every parameter constraint of a named law is established (variance > 0, a < b, ...).

    A KL divergence is a non-negative atom only between *valid* laws: KL of a
    "Normal" with variance 1 - s^2 means nothing where s > 1.
    """
    from ..notation.distributions import Distribution

    if not isinstance(dist, Distribution):
        return False
    try:
        constraints = dist.constraints()
    except (NotImplementedError, TypeError, ValueError):
        return False
    for c in constraints:
        if isinstance(c, sp.StrictGreaterThan):
            gap = c.lhs - c.rhs
        elif isinstance(c, sp.StrictLessThan):
            gap = c.rhs - c.lhs
        elif isinstance(c, sp.Equality):
            if not is_zero(c.lhs - c.rhs):
                return False
            continue
        elif c is sp.true:
            continue
        else:
            return False
        if not nonnegative_from_facts(gap, strict=True):
            return False
    return True


def nonnegative(expr: sp.Expr, strict: bool = False) -> bool:
    """True when ``expr`` is manifestly >= 0 (> 0 if strict) from its structure.

    Known atoms: positive symbols, even powers *of real bases* (the base must be
    shown real: ``(20 + I s)^2`` is not a square of a real number), ``LogGap(u)``
    with u > 0, and KL divergences between laws whose parameters are shown valid
    (Gibbs).  Sums and products of non-negative terms are non-negative.  Anything
    else falls back to SymPy's assumption system, which never guesses.
    """
    from ..notation.functionals import KL

    expr = sp.sympify(expr)

    def walk(e: sp.Expr) -> str | None:  # "pos", "nonneg" or None
        if e.is_Number:
            if e.is_real is not True:
                return None
            return "pos" if e > 0 else ("nonneg" if e == 0 else None)
        if e.is_real is False or e.has(sp.I, sp.zoo, sp.nan):
            return None
        if isinstance(e, LogGap):
            u = e.args[0]
            if u.is_positive is not True:
                return None
            # phi(u) = u - 1 - log u vanishes only at u = 1: strictly positive when u - 1 has a known sign
            away = hide_domain_facts(sp.factor(sp.together(u - 1)))
            return "pos" if (away.is_positive or away.is_negative) else "nonneg"
        if isinstance(e, KL):
            return "nonneg" if all(law_is_valid(law) for law in e.args) else None
        if e.is_Add:
            kinds = [walk(a) for a in e.args]
            if None in kinds:
                return None
            return "pos" if "pos" in kinds else "nonneg"
        if e.is_Mul:
            kinds = [walk(a) for a in e.args]
            if None in kinds:
                return None
            return "pos" if all(k == "pos" for k in kinds) else "nonneg"
        if e.is_Pow:
            if e.exp.is_Integer and int(e.exp) % 2 == 0 and is_real_here(e.base):
                if int(e.exp) > 0:
                    return "pos" if e.base.is_nonzero else "nonneg"
                return "pos" if e.base.is_nonzero else None
            base = walk(e.base)
            if base == "pos" and e.exp.is_real:
                return "pos"
            if base == "nonneg" and e.exp.is_positive:
                return "nonneg"
        if e.is_positive:
            return "pos"
        if e.is_nonnegative:
            return "nonneg"
        return None

    kind = walk(expr)
    if kind is None:
        return False
    return kind == "pos" if strict else True


def _signed(c: sp.Expr, strict: bool) -> bool:
    """c >= 0 (> 0): a constant such as (1 - log 2)/(2 log 2) is decided by SymPy, the rest structurally."""
    if not c.free_symbols:
        return bool(c.is_positive) if strict else bool(c.is_nonnegative)
    return nonnegative(hide_domain_facts(c), strict=strict)


def nonnegative_from_facts(expr: sp.Expr, strict: bool = False, _depth: int = 0) -> bool:
    """expr >= 0 (> 0 if strict) from the positivity facts of the step being checked.

    The facts are the symbols' open domains and the derivation's strict
    assumptions (``D < sigma^2`` makes ``sigma^2 - D`` a positive atom).  Shown
    either directly, or for ``c log w`` through the sign of ``w - 1``:
    ``log(sigma^2 / D) > 0`` because ``sigma^2 / D - 1 = (sigma^2 - D) / D > 0``.
    """
    expr = sp.sympify(expr)
    candidates = [expr, sp.factor(sp.together(expr))]
    try:
        candidates.append(sp.logcombine(expr))
    except (TypeError, ValueError):
        pass
    for candidate in candidates:
        if nonnegative(hide_domain_facts(candidate), strict=strict):
            return True
        if candidate.is_Add and _depth < 2:
            # a sum of terms each shown >= 0, at least one > 0 when strict
            terms = candidate.args
            if all(nonnegative_from_facts(t, _depth=_depth + 1) for t in terms) and (
                not strict or any(nonnegative_from_facts(t, True, _depth + 1) for t in terms)
            ):
                return True
            continue
        # c * log(w): exactly one factor is a log of a non-constant (log 2 and the like stay in c)
        logs = [f for f in sp.Mul.make_args(candidate) if isinstance(f, sp.log) and f.free_symbols]
        if len(logs) != 1:
            continue
        rest = logs[0]
        coeff = sp.Mul(*[f for f in sp.Mul.make_args(candidate) if f is not rest])
        w = rest.args[0]
        gap_above_one = sp.factor(sp.together(w - 1))
        if _signed(coeff, strict) and nonnegative(hide_domain_facts(gap_above_one), strict=strict):
            return True  # w >= 1: log w >= 0
        # 0 < w <= 1: log w <= 0; w > 0 must be shown too, or log w is not even real
        w_positive = nonnegative(hide_domain_facts(sp.factor(sp.together(w))), strict=True)
        if w_positive and _signed(-coeff, strict) and nonnegative(hide_domain_facts(-gap_above_one), strict=strict):
            return True
    return False
