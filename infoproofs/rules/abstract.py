"""Rules for unspecified densities over finite supports: Bayes, sums, Jensen.

Every check here transforms both sides by identities that hold for *every*
strictly positive joint table over finite supports, then asks
``equivalent`` (SymPy must reduce the residual to the literal 0):

* ``canonical_densities``: p(a | b) = p(a, b) / p(b) (definition of the
  conditional; with it Bayes' rule and the chain rule are algebra);
* ``finite_normal_form``: unfold KL / H / I / JSD of abstract laws,
  write each expectation as a finite sum ``sum_v p(v) f(v)``, split sums
  over terms, pull out factors free of the summed variable, merge nested
  sums, and marginalise (``sum_v p(v, w) = p(w)``, ``sum_v p(v | w) = 1``,
  ``sum_v c = |V| c``); the canonical multi-sums are opaque atoms;
* Jensen's inequality checks its side condition: the cited f is convex
  (f'' >= 0) or concave (f'' <= 0) on a domain containing the values of X,
  shown by SymPy, or declared by an ``AbstractFunction``; the direction must
  match, and "f(E X) >= E f(X)" for an f of unknown shape is ``violated``.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Relation
from ..engine.derive import register_closed_form
from ..notation.abstract import (
    JSD,
    AbstractFunction,
    Density,
    FamilyEntropy,
    ImportanceWeightedBound,
    Label,
    Law,
    MixtureLaw,
    MutualInfo,
    ShannonEntropy,
    SumOver,
    SupportSize,
    family,
)
from ..notation.functionals import KL, Expectation
from .registry import RuleContext, RuleOutcome, rule
from .tools import equivalent, nonnegative

EQ = (Relation.EQ,)
INEQ = (Relation.LE, Relation.GE)
POSITIVE_TABLES = "every density is a strictly positive table over finite supports"


def _height(expr: sp.Expr) -> int:
    inner = [e for e in sp.preorder_traversal(expr) if isinstance(e, Expectation) and e is not expr]
    return 0 if not inner else 1 + max(_height(e.integrand) for e in inner)


def _rename_bound(e: Expectation) -> sp.Expr:
    """E_{v~P}[f] -> E_{b~P}[f] with b named by the law's variable and the nesting height.

    Renaming a bound variable never changes the value; heights strictly
    decrease inwards, so nested expectations never capture each other's names.
    """
    label = getattr(e.dist, "label", None)
    tag = label.name if label is not None else "v"
    b = sp.Symbol(f"b_{tag}{_height(e.integrand)}_", integer=True)
    if b in e.integrand.free_symbols and b != e.var:
        return e
    return Expectation(e.integrand.xreplace({e.var: b}), b, e.dist)


def canonical_bound(expr: sp.Expr) -> sp.Expr:
    return expr.replace(lambda e: isinstance(e, Expectation) and isinstance(e.dist, _ABSTRACT), _rename_bound)


def _factor_logs(expr: sp.Expr) -> sp.Expr:
    """log((a + b)/2) -> log(a + b) - log 2 where SymPy knows the factors are positive."""
    return expr.replace(
        lambda e: isinstance(e, sp.log), lambda e: sp.expand_log(sp.log(sp.factor(e.args[0])))
    )


def _both(ctx: RuleContext, transform) -> RuleOutcome:
    def prepare(e):
        return _factor_logs(canonical_bound(transform(e)))

    try:
        lhs, rhs = prepare(ctx.lhs), prepare(ctx.rhs)
    except _CannotNormalise as exc:
        return RuleOutcome.unknown(str(exc))
    if equivalent(lhs, rhs):
        return RuleOutcome.proved()
    return RuleOutcome.unknown("the two sides differ after applying the rule")


class _CannotNormalise(ValueError):
    pass


# ---- no closed forms: unspecified densities stay as they are ----------------------------------
# (registered so that the engine's closed-form search stops at once instead of recursing)


def _as_is(f):
    return f


for _kind, _types in (
    (KL, (Law, Law)), (KL, (Law, MixtureLaw)), (KL, (MixtureLaw, Law)), (KL, (MixtureLaw, MixtureLaw)),
    (ShannonEntropy, (Law,)), (ShannonEntropy, (MixtureLaw,)), (JSD, (Law, Law)), (MutualInfo, ()),
    (FamilyEntropy, ()), (ImportanceWeightedBound, ()), (SumOver, ()),
):
    register_closed_form(_kind, *_types)(_as_is)


# ---- densities -----------------------------------------------------------------------


def _order(name: str) -> list[str]:
    return [v.name for v in family(name).variables]


def _density(name: str, pairs) -> sp.Expr:
    if not pairs:
        return sp.Integer(1)
    order = _order(name)
    return Density(name, sorted(pairs, key=lambda p: order.index(p[0].name)))


def _canonical(d: Density) -> sp.Expr:
    """p(a | b) -> p(a, b) / p(b), outcomes in the family's order."""
    joint = _density(d.family, [*d.outcomes, *d.given])
    if not d.given:
        return joint
    return joint / _density(d.family, list(d.given))


def canonical_densities(expr: sp.Expr) -> sp.Expr:
    return expr.replace(lambda e: isinstance(e, Density), _canonical)


def _uniform(d: Density) -> sp.Expr:
    """q(x) = 1 / |X| for a variable declared uniform under q (and nothing else in the density)."""
    if d.given or len(d.outcomes) != 1:
        return d
    label = d.outcomes[0][0]
    if any(v.name == label.name for v in family(d.family).uniform):
        return 1 / SupportSize(label)
    return d


def uniform_marginals(expr: sp.Expr) -> sp.Expr:
    return expr.replace(lambda e: isinstance(e, Density), _uniform)


# ---- unfolding abstract functionals ------------------------------------------------------

_ABSTRACT = (Law, MixtureLaw)


def _bound(label: Label) -> sp.Symbol:
    return sp.Dummy(label.name, integer=True)


def _law_density(law, v) -> sp.Expr:
    return law.density_at(v)


def _conditional(name: str, outcomes, given) -> Density:
    order = _order(name)
    key = lambda p: order.index(p[0].name)  # noqa: E731
    return Density(name, sorted(outcomes, key=key), sorted(given, key=key))


def _at(values: dict):
    """labels -> [(label, its bound value)], for building densities inside nested expectations."""
    return lambda labels: [(label, values[label.name]) for label in labels]


def _nested(name: str, labels, body) -> sp.Expr:
    """E over the joint law of ``labels`` (in that order) of ``body(values)``, as nested expectations.

    E_{v1 ~ p(v1)} E_{v2 ~ p(v2 | v1)} ... [body]: the joint law written
    through the chain rule, so that linearity and the finite-sum normal form
    apply to it like to any other expectation.
    """
    order = _order(name)
    bound = [(label, _bound(label)) for label in labels]
    inner = body({label.name: v for label, v in bound})
    for k in reversed(range(len(bound))):
        label, v = bound[k]
        given = sorted(bound[:k], key=lambda pair: order.index(pair[0].name))
        inner = Expectation(inner, v, Law(name, [label], given))
    return inner


def _unfold(f: sp.Expr) -> sp.Expr:
    if isinstance(f, KL) and isinstance(f.p, _ABSTRACT) and isinstance(f.q, _ABSTRACT):
        v = _bound(f.p.label)
        return Expectation(sp.log(_law_density(f.p, v)) - sp.log(_law_density(f.q, v)), v, f.p)
    if isinstance(f, ShannonEntropy):
        v = _bound(f.law.label)
        return -Expectation(sp.log(_law_density(f.law, v)), v, f.law)
    if isinstance(f, JSD):
        m = MixtureLaw(*f.args)
        return (KL(f.args[0], m) + KL(f.args[1], m)) / 2
    if isinstance(f, MutualInfo):
        # I(A; B | C) = E_{c, a, b}[log p(b | a, c) - log p(b | c)]; for I(X; Z) this is
        # E_{x ~ q(x)}[KL(q(z | x) || q(z))] with the KL unfolded.
        name, a, b, c = f.family, list(f.first), list(f.second), list(f.given)

        def ratio(values):
            at = _at(values)
            return sp.log(_conditional(name, at(b), at(a) + at(c))) - sp.log(_conditional(name, at(b), at(c)))

        return _nested(name, c + a + b, ratio)
    if isinstance(f, ImportanceWeightedBound) and f.count.is_Integer and f.count > 0:
        # K independent draws: nested expectations, each under the proposal
        draws = [sp.Dummy(f"{f.proposal.label.name}{k + 1}", integer=True) for k in range(int(f.count))]
        inner = sp.log(sp.Add(*[f.weight(v) for v in draws]) / f.count)
        for v in reversed(draws):
            inner = Expectation(inner, v, f.proposal)
        return inner
    if isinstance(f, FamilyEntropy):
        name, a, c = f.family, list(f.variables), list(f.given)

        def log_conditional(values):
            at = _at(values)
            return sp.log(_conditional(name, at(a), at(c)))

        return -_nested(name, c + a, log_conditional)
    return f


_UNFOLDABLE = (KL, ShannonEntropy, JSD, MutualInfo, FamilyEntropy, ImportanceWeightedBound)


def unfold_abstract(expr: sp.Expr) -> sp.Expr:
    for _ in range(6):
        new = expr.replace(lambda e: isinstance(e, _UNFOLDABLE), _unfold)
        if new == expr:
            break
        expr = new
    return expr


def _only(kind):
    def unfold(expr: sp.Expr) -> sp.Expr:
        return expr.replace(lambda e: isinstance(e, kind), _unfold)

    return unfold


# ---- finite sums -----------------------------------------------------------------------


def _to_sum(e: Expectation) -> sp.Expr:
    if not isinstance(e.dist, _ABSTRACT):
        return e
    v = _bound(e.dist.label)
    body = e.integrand.xreplace({e.var: v})
    return SumOver(_law_density(e.dist, v) * body, v, e.dist.label)


def expectations_to_sums(expr: sp.Expr) -> sp.Expr:
    return expr.replace(lambda e: isinstance(e, Expectation), _to_sum)


def _expand(body: sp.Expr) -> sp.Expr:
    return sp.expand(sp.expand_log(sp.expand(body)))


def _marginalise(factors: list[sp.Expr], bound: list[tuple[sp.Symbol, Label]], coeff: sp.Expr):
    """Remove summed variables that occur in one density only (sum rule) or nowhere."""
    changed = True
    while changed:
        changed = False
        for i, (v, label) in enumerate(bound):
            holders = [k for k, f in enumerate(factors) if f.has(v)]
            if not holders:
                coeff = coeff * SupportSize(label)
                bound.pop(i)
                changed = True
                break
            if len(holders) != 1:
                continue
            f = factors[holders[0]]
            if not isinstance(f, Density):
                continue
            hits = [p for p in f.outcomes if p[1] == v]
            if len(hits) != 1 or hits[0][0] != label:
                continue
            rest = [p for p in f.outcomes if p[1] != v]
            if any(p[1].has(v) for p in (*rest, *f.given)):
                continue
            if rest:
                factors[holders[0]] = Density(f.family, rest, f.given)
            else:
                factors.pop(holders[0])
            bound.pop(i)
            changed = True
            break
    return factors, bound, coeff


def _sum_term(term: sp.Expr, bound: list[tuple[sp.Symbol, Label]]) -> sp.Expr:
    """One product term summed over ``bound``; nested canonical sums are merged."""
    factors: list[sp.Expr] = []
    coeff = sp.Integer(1)
    for factor in sp.Mul.make_args(term):
        if any(factor.has(v) for v, _ in bound):
            factors.append(factor)
        else:
            coeff *= factor
    nested = [f for f in factors if isinstance(f, SumOver)]
    if len(nested) == 1:
        inner = nested[0]
        factors.remove(inner)
        inner_bound: list[tuple[sp.Symbol, Label]] = []
        body = inner
        while isinstance(body, SumOver):
            fresh = _bound(body.label)
            inner_bound.append((fresh, body.label))
            body = body.body.xreplace({body.var: fresh})
        bound = bound + inner_bound
        return _reduce(sp.Mul(*factors) * body, bound, coeff)
    # powers of densities are kept whole (only a plain factor can be marginalised)
    factors, bound, coeff = _marginalise(list(factors), list(bound), coeff)
    return coeff * _canonical_sum(sp.Mul(*factors), bound)


def _canonical_sum(body: sp.Expr, bound: list[tuple[sp.Symbol, Label]]) -> sp.Expr:
    if not bound:
        return body
    ordered = sorted(bound, key=lambda b: (b[1].name, sp.srepr(body).find(sp.srepr(b[0]))))
    names: dict[str, int] = {}
    mapping = {}
    for v, label in ordered:
        k = names.get(label.name, 0)
        names[label.name] = k + 1
        mapping[v] = sp.Symbol(f"s_{label.name}{k}_", integer=True)
    body = body.xreplace(mapping)
    for v, label in reversed(ordered):
        body = SumOver(body, mapping[v], label)
    return body


def _reduce(body: sp.Expr, bound: list[tuple[sp.Symbol, Label]], coeff: sp.Expr = sp.Integer(1)) -> sp.Expr:
    total = sp.Integer(0)
    for term in sp.Add.make_args(_expand(body)):
        total += _sum_term(term, bound)
    return coeff * total


def _normalise_sum(s: SumOver) -> sp.Expr:
    return _reduce(s.body, [(s.var, s.label)])


def normalise_sums(expr: sp.Expr) -> sp.Expr:
    """Bottom-up: every SumOver becomes a sum of coefficients times canonical multi-sums."""
    if not expr.has(SumOver):
        return expr
    if isinstance(expr, SumOver):
        inner = SumOver(normalise_sums(expr.body), expr.var, expr.label)
        return _normalise_sum(inner)
    if not expr.args:
        return expr
    return expr.func(*[normalise_sums(a) if isinstance(a, sp.Basic) else a for a in expr.args])


def finite_normal_form(expr: sp.Expr) -> sp.Expr:
    expr = unfold_abstract(expr)
    expr = expectations_to_sums(expr)
    expr = canonical_densities(expr)
    expr = normalise_sums(expr)
    # a second pass: marginal densities produced by the sums may cancel with others
    expr = normalise_sums(canonical_densities(expr))
    return expr


# ---- the rules ---------------------------------------------------------------------------


@rule(
    "Bayes' rule",
    "p(z | x) = p(x | z) p(z) / p(x), from p(a | b) = p(a, b) / p(b)",
    side_conditions=(POSITIVE_TABLES,),
)
def _bayes(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, canonical_densities)


@rule(
    "chain rule of probability",
    "p(x, z) = p(x | z) p(z) = p(z | x) p(x)",
    side_conditions=(POSITIVE_TABLES,),
)
def _chain(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, canonical_densities)


@rule(
    "log of a product",
    "log(a b) = log a + log b and log(a / b) = log a - log b for a, b > 0",
    side_conditions=("both factors are positive",),
)
def _log_product(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, lambda e: e)


@rule(
    "marginalization",
    "p(x) = sum_z p(x, z) (sum rule), sum_z p(z | x) = 1",
    side_conditions=(POSITIVE_TABLES,),
)
def _marginalization(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, finite_normal_form)


@rule(
    "expectation as a sum over the support",
    "E_{z~q}[f(z)] = sum_z q(z) f(z) for a finite support (importance weights p/q included)",
    side_conditions=(POSITIVE_TABLES,),
)
def _as_sum(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, finite_normal_form)


@rule(
    "law of total expectation",
    "E_{x~q(x)}[E_{z~q(z|x)}[f(z)]] = E_{z~q(z)}[f(z)]",
    side_conditions=(POSITIVE_TABLES,),
)
def _tower(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, finite_normal_form)


@rule(
    "uniform marginal",
    "q(x) = 1/N when x is uniform over its N values (an empirical data distribution)",
    side_conditions=("x is declared uniform under q",),
)
def _uniform_rule(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, lambda e: uniform_marginals(canonical_densities(unfold_abstract(e))))


@rule(
    "definition of entropy (finite support)",
    "H(q) = -E_{z~q}[log q(z)]; H_p(A | C) = -E_{c, a}[log p(a | c)]",
    side_conditions=(POSITIVE_TABLES,),
)
def _entropy_def(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, lambda e: canonical_densities(_only((ShannonEntropy, FamilyEntropy))(e)))


@rule(
    "definition of mutual information (finite support)",
    "I_q(X; Z) = E_{x~q(x)}[KL(q(z | x) || q(z))]; I_p(A; B | C) = E_{c, a, b}[log p(b | a, c) - log p(b | c)]",
    side_conditions=(POSITIVE_TABLES,),
)
def _mi_def(ctx: RuleContext) -> RuleOutcome:
    # the KL inside E_x[KL(q(z|x) || q(z))] is unfolded too, so both forms of the definition match
    return _both(ctx, lambda e: canonical_densities(_only(KL)(_only(MutualInfo)(e))))


@rule(
    "definition of Jensen-Shannon divergence",
    "JSD(P || Q) = KL(P || M)/2 + KL(Q || M)/2 with M = (P + Q)/2",
    side_conditions=(POSITIVE_TABLES,),
)
def _jsd_def(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, _only(JSD))


@rule(
    "definition of KL divergence (finite support)",
    "KL(q || p) = E_{z~q}[log q(z) - log p(z)] for abstract laws",
    side_conditions=(POSITIVE_TABLES,),
)
def _kl_def(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, _only(KL))


@rule(
    "definition of the importance-weighted bound",
    "L_K = E_{z_1..z_K ~ q}[log (1/K) sum_k p(x, z_k)/q(z_k)] (for a concrete K)",
    side_conditions=(POSITIVE_TABLES, "the K samples are independent draws from q"),
)
def _iw_def(ctx: RuleContext) -> RuleOutcome:
    return _both(ctx, _only(ImportanceWeightedBound))


# ---- Jensen -------------------------------------------------------------------------------


def _apply(f, arg: sp.Expr) -> sp.Expr:
    return f(arg)


def _shape(f, sample: sp.Expr) -> tuple[str | None, str]:
    """("convex" | "concave" | None, reason) for f on a domain containing the values of X."""
    if isinstance(f, AbstractFunction):
        if f.shape == "any":
            return None, f"{f.name} has no declared convexity"
        return f.shape, f"{f.name} is declared {f.shape}"
    if not isinstance(f, sp.Lambda) or len(f.variables) != 1:
        return None, "f= must be a one-argument sympy Lambda or an AbstractFunction"
    t = f.variables[0]
    kinks = (sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.DiracDelta)
    if f.expr.has(*kinks) or any(isinstance(a, sp.Derivative) for a in sp.preorder_traversal(f.expr)):
        # f'' computed away from kinks says nothing about convexity at them
        return None, f"f(t) = {f.expr} is not smooth, so the sign of f'' does not decide its convexity"
    positive = sample.is_positive is True
    u = sp.Dummy("t", positive=True) if positive else sp.Dummy("t", real=True)
    where = "t > 0" if positive else "the reals"
    body = f.expr.xreplace({t: u})
    if body.is_real is not True:
        return None, f"f(t) = {f.expr} is not shown real on {where}"
    second = sp.simplify(sp.diff(body, u, 2))
    if nonnegative(second) or second.is_nonnegative:
        return "convex", f"f'' = {second.xreplace({u: t})} >= 0 on {where}"
    if nonnegative(-second) or second.is_nonpositive:
        return "concave", f"f'' = {second.xreplace({u: t})} <= 0 on {where}"
    return None, f"the sign of f'' = {second.xreplace({u: t})} on {where} is not established"


def _layers(e: Expectation) -> tuple[list[tuple[sp.Symbol, sp.Basic]], sp.Expr]:
    """E_{v1~P1}[E_{v2~P2}[... X]] -> ([(v1, P1), (v2, P2), ...], X): one expectation under the joint law."""
    layers = []
    body: sp.Expr = e
    while isinstance(body, Expectation):
        layers.append((body.var, body.dist))
        body = body.integrand
    return layers, body


def _rebuild(layers, body: sp.Expr) -> sp.Expr:
    for var, dist in reversed(layers):
        body = Expectation(body, var, dist)
    return body


def _match(outer: sp.Expr, inner: sp.Expr, f):
    """outer = f(E X) and inner = E f(X) (E possibly nested: a joint law)?  Returns X."""
    found = [e for e in outer.atoms(Expectation)]
    tops = [e for e in found if not any(e != o and o.has(e) for o in found)]
    if len(tops) != 1:
        return None, "f(E X) must contain exactly one (possibly nested) expectation"
    e = tops[0]
    layers, body = _layers(e)
    if not equivalent(_factor_logs(outer), _factor_logs(_apply(f, e))):
        return None, "one side is not f(E X) for the cited f"
    if not equivalent(_factor_logs(inner), _factor_logs(_rebuild(layers, _apply(f, body)))):
        return None, "the other side is not E f(X) under the same law"
    return body, ""


@rule(
    "Jensen's inequality",
    "f convex: f(E X) <= E f(X); f concave: f(E X) >= E f(X)",
    side_conditions=("f is convex (or concave) on an interval containing the values of X", "E X exists"),
    relations=INEQ,
    params=("f",),
)
def _jensen(ctx: RuleContext) -> RuleOutcome:
    f = ctx.params.get("f")
    if f is None:
        return RuleOutcome.unknown("no f= given (a Lambda or an AbstractFunction)")
    reasons = []
    for outer, inner, outer_is_lhs in ((ctx.lhs, ctx.rhs, True), (ctx.rhs, ctx.lhs, False)):
        body, why = _match(outer, inner, f)
        if body is None:
            reasons.append(why)
            continue
        shape, because = _shape(f, body)
        if shape is None:
            return RuleOutcome.violated(f"Jensen needs f convex or concave: {because}")
        # f(E X) <= E f(X) for convex f, >= for concave f
        wanted = Relation.LE if shape == "convex" else Relation.GE
        if not outer_is_lhs:
            wanted = wanted.reversed()
        if ctx.relation is not wanted:
            return RuleOutcome.violated(
                f"wrong direction: {because}, so f(E X) {'<=' if shape == 'convex' else '>='} E f(X)"
            )
        return RuleOutcome.proved(because)
    return RuleOutcome.unknown("; ".join(reasons))


# ---- monotonicity ---------------------------------------------------------------------------


def _nonnegative_term(term: sp.Expr) -> bool:
    """A term that is >= 0: manifestly, or an expectation (times a positive constant) of such terms."""
    if nonnegative(term):
        return True
    coeff, rest = term.as_independent(Expectation, as_Add=False)
    if isinstance(rest, Expectation) and (coeff == 1 or nonnegative(coeff)):
        return all(_nonnegative_term(t) for t in sp.Add.make_args(sp.expand(rest.integrand)))
    return False


def _pointwise(lhs: sp.Expr, rhs: sp.Expr):
    """Strip matching expectations E_P[...] from both sides; (inner lhs, inner rhs)."""
    while isinstance(lhs, Expectation) and isinstance(rhs, Expectation):
        if lhs.dist != rhs.dist:
            break
        b = sp.Dummy("b", integer=True)
        lhs, rhs = lhs.integrand.xreplace({lhs.var: b}), rhs.integrand.xreplace({rhs.var: b})
    return lhs, rhs


@rule(
    "monotonicity of expectation",
    "f <= g pointwise implies E_P[f] <= E_P[g]",
    side_conditions=("the expectations exist",),
    relations=INEQ,
)
def _monotone(ctx: RuleContext) -> RuleOutcome:
    low, high = _pointwise(ctx.lhs, ctx.rhs)
    if ctx.relation.direction > 0:
        low, high = high, low
    gap = sp.expand(high - low)
    if all(_nonnegative_term(term) for term in sp.Add.make_args(gap)):
        return RuleOutcome.proved("the pointwise gap is a sum of non-negative terms and expectations of such")
    return RuleOutcome.unknown(f"the pointwise gap {gap} is not shown non-negative")
