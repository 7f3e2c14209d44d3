"""Derive closed forms from definitions, recording every step.

``derive(expr)`` returns a ``Derivation`` whose steps go from the functional
to its closed form: definition, explicit log-densities, linearity of
expectation, known moments, algebra.  Compound targets (mutual information,
multivariate laws) are first reduced by structural theorems to univariate
functionals whose closed forms come from the registry.

The registry (``register_closed_form``) follows torch.distributions'
``register_kl``: keyed by the functional's type and its distributions' types,
most specific match wins.  Entries are *derived* templates: the engine runs
the derivation once on a generic instance (parameters are dummies with the
right assumptions), keeps the result, and substitutes real parameters on
reuse.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from ..derivation import Derivation, Relation
from ..notation.distributions import Bernoulli, Distribution, Exponential, Laplace, Normal
from ..notation.functionals import Expectation, Functional, LogDensity, set_evaluator
from .definitions import rewrite_all, unfold_all
from .expectation import (
    apply_linearity,
    expand_log_densities,
    linearity_licensed,
    substitute_known_expectations,
    tabulated_used,
    value_expectations,
)

__all__ = ["derive", "derive_steps", "closed_form", "evaluate", "tidy", "register_closed_form", "DerivedStep"]


@dataclass(frozen=True)
class DerivedStep:
    relation: Relation
    expr: sp.Expr
    rule: str
    note: str = ""


# ---- generic instances used to derive templates ------------------------------

_GENERIC: dict[type, Callable[[str], Distribution]] = {
    Normal: lambda tag: Normal(sp.Dummy(f"m{tag}", real=True), sp.Dummy(f"v{tag}", positive=True)),
    Laplace: lambda tag: Laplace(sp.Dummy(f"m{tag}", real=True), sp.Dummy(f"b{tag}", positive=True)),
    Exponential: lambda tag: Exponential(sp.Dummy(f"l{tag}", positive=True)),
    Bernoulli: lambda tag: Bernoulli(sp.Dummy(f"p{tag}", positive=True)),
}

# Dummy assumptions per parameter role; a "probability" is only known positive (1 - p stays unsplit).
_ROLE_ASSUMPTIONS = {
    "real": {"real": True}, "positive": {"positive": True}, "probability": {"positive": True},
    "dimension": {"positive": True, "integer": True},
}


def _generic_maker(t: type) -> Callable[[str], Distribution] | None:
    """A generic instance of a law: the hand-written one, else dummies from the family's parameter roles."""
    if t in _GENERIC:
        return _GENERIC[t]
    roles = getattr(t, "param_roles", None)
    if not roles:
        return None

    def make(tag: str) -> Distribution:
        return t(*[sp.Dummy(f"{name[:2]}{tag}", **_ROLE_ASSUMPTIONS[role]) for name, role in zip(t.param_names, roles)])

    return make


# ---- the registry --------------------------------------------------------------

_REGISTRY: dict[tuple[type, tuple[type, ...]], Callable[[Functional], sp.Expr]] = {}


def register_closed_form(kind: type, *dist_types: type):
    """Register ``fn(functional) -> closed form`` for a functional of these law types."""

    def wrap(fn):
        _REGISTRY[(kind, dist_types)] = fn
        return fn

    return wrap


def _lookup(f: Functional):
    dists = tuple(a for a in f.args if isinstance(a, Distribution))
    best, best_score = None, None
    for (kind, types), fn in _REGISTRY.items():
        if not isinstance(f, kind) or len(types) != len(dists):
            continue
        if not all(isinstance(d, t) for d, t in zip(dists, types)):
            continue
        score = sum(type(d).__mro__.index(t) for d, t in zip(dists, types)) + type(f).__mro__.index(kind)
        if best_score is None or score < best_score:
            best, best_score = fn, score
    return best


@functools.cache
def _template(kind: type, dist_types: tuple[type, ...]) -> tuple[tuple[Distribution, ...], sp.Expr] | None:
    generics = []
    for i, t in enumerate(dist_types):
        maker = _generic_maker(t)
        if maker is None:
            return None
        generics.append(maker(str(i + 1)))
    steps = _derive_univariate(kind(*generics))
    if not steps or _has_functional(steps[-1].expr):
        return None
    return tuple(generics), steps[-1].expr


def _sympy_positive(expr: sp.Expr) -> bool:
    return expr.is_positive is True


# Decides whether a parameter is positive where the step is claimed; the rules layer installs
# one that also knows the symbols' domains (1 - p > 0 for p in (0, 1)), with a key of those
# domain facts, so that closed forms cached under one region are not reused under another.
_POSITIVE_HERE: list[Callable[[sp.Expr], bool]] = [_sympy_positive]
_FACTS_KEY: list[Callable[[], object]] = [lambda: None]


def set_positivity_check(check: Callable[[sp.Expr], bool], facts_key: Callable[[], object]) -> None:
    """Install the check that a substituted parameter is positive (called by ``infoproofs.rules``)."""
    _POSITIVE_HERE[0] = check
    _FACTS_KEY[0] = facts_key


def _templated(f: Functional) -> sp.Expr | None:
    """The registered template with the real parameters substituted, if they are valid.

    A template is derived on dummies with the laws' assumptions (a variance is
    a positive dummy, so log v^2 = 2 log v was allowed).  Substituting a
    parameter that is not shown to satisfy them (a "variance" 1 - s^2) would
    give a formula valid nowhere the law is invalid, so no template is used.
    """
    dists = tuple(a for a in f.args if isinstance(a, Distribution))
    if len(dists) != len(f.args):
        return None
    found = _template(type(f), tuple(type(d) for d in dists))
    if found is None:
        return None
    generics, result = found
    mapping = {}
    for g, d in zip(generics, dists):
        for dummy, value in zip(g.args, d.args):
            if dummy.is_positive and not _POSITIVE_HERE[0](value):
                return None
            if dummy.is_real and value.is_real is not True:
                return None
            if dummy.is_integer and value.is_integer is not True:
                return None
        mapping.update(dict(zip(g.args, d.args)))
    return result.xreplace(mapping)


# ---- tidy algebra ---------------------------------------------------------------


def tidy(expr: sp.Expr) -> sp.Expr:
    """A readable form: logs with a common coefficient combined into one log.

    ``log(s) + log(2)/2 + log(pi)/2 + 1/2`` becomes ``log(2 e pi s^2)/2`` and
    ``d/2 log(s^2 + t^2) - d log(t)`` becomes ``d/2 log(1 + s^2/t^2)``.  Only
    logs of arguments SymPy knows to be positive are combined, so the
    rewriting is valid on the whole domain (and the "algebra" step that
    records it is checked like any other).
    """
    e = sp.expand(sp.expand_log(sp.expand(expr)))
    combinable: list[tuple[sp.Expr, sp.Expr]] = []
    rest = sp.Integer(0)
    for term in sp.Add.make_args(e):
        logs = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.log)]
        if len(logs) == 1 and logs[0].args[0].is_positive:
            combinable.append((sp.cancel(term / logs[0]), logs[0].args[0]))
        else:
            rest += term
    if len(combinable) < 2 and not (combinable and rest.is_Number and rest != 0):
        return _plain_tidy(expr)
    if rest.is_Number and rest != 0:
        combinable.append((rest, sp.E))
        rest = sp.Integer(0)
    numbers = [coeff.as_coeff_Mul()[0] for coeff, _ in combinable]
    symbolic = {coeff.as_coeff_Mul()[1] for coeff, _ in combinable}
    if len(symbolic) != 1 or not all(n.is_Rational for n in numbers):
        return _plain_tidy(expr)
    if any(abs(n.p) > 10**6 or n.q > 10**6 for n in numbers):
        # sum p log p with 8-digit decimal p: combining would raise numbers to huge rational powers (it does not
        # finish); the expanded sum is already the textbook form
        return e
    numeric = sp.Rational(0)
    for n in numbers:
        numeric = sp.Rational(sp.igcd(numeric.p * n.q, n.p * numeric.q), numeric.q * n.q)
    common = numeric * symbolic.pop()
    argument = sp.Integer(1)
    for coeff, arg in combinable:
        power = sp.cancel(coeff / common)
        if not power.is_Rational:
            return _plain_tidy(expr)
        argument *= arg**power
    argument = sp.expand(sp.powsimp(argument))
    candidate = common * sp.log(argument) + _textbook_rational(rest)
    if 2 * sp.count_ops(candidate) <= sp.count_ops(e):
        # already the textbook form at half the size of the expanded sum: a full simplify (most of a
        # derivation's time) would at best shave a few operations off it
        return candidate
    plain = _plain_tidy(expr)
    return candidate if sp.count_ops(candidate) <= sp.count_ops(plain) + 4 else plain


def _textbook_rational(expr: sp.Expr) -> sp.Expr:
    """A rational part as a textbook writes it: one fraction over a common denominator, its numerator
    grouped into the squares it contains, and the numeric constant apart.

    ``mu1^2/(2 s2^2) - mu1 mu2/s2^2 + mu2^2/(2 s2^2) + s1^2/(2 s2^2) - 1/2``
    becomes ``(s1^2 + (mu1 - mu2)^2)/(2 s2^2) - 1/2``: the terms of the numerator
    are split into groups that share no symbol, and each group is factored.
    """
    constant, rest = sp.Integer(0), sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        if term.is_Number:
            constant += term
        else:
            rest += term
    if rest == 0 or rest.has(sp.log, sp.exp):
        return sp.factor_terms(expr)
    numerator, denominator = sp.fraction(sp.together(rest))
    groups: list[tuple[set, list]] = []
    for term in sp.Add.make_args(sp.expand(numerator)):
        names = set(term.free_symbols)
        joined = [g for g in groups if g[0] & names]
        merged = (names.union(*[g[0] for g in joined]), [term] + [t for g in joined for t in g[1]])
        groups = [g for g in groups if g not in joined] + [merged]
    grouped = sp.Add(*[sp.factor(sp.Add(*terms)) for _, terms in groups])
    fraction = grouped / denominator
    best = min((fraction, sp.factor_terms(rest)), key=sp.count_ops)
    return best + constant


def _plain_tidy(expr: sp.Expr) -> sp.Expr:
    """A simpler form by ``simplify``, unless it hides the terms in powers with symbolic exponents
    (``-p1 log p1 - p2 log p2`` stays a sum, not ``-log(p1^p1 p2^p2)``)."""
    e = sp.expand(sp.expand_log(sp.expand(expr)))
    simpler = sp.simplify(e)
    symbolic_power = any(isinstance(a, sp.Pow) and a.exp.free_symbols for a in sp.preorder_traversal(simpler))
    if symbolic_power and not any(isinstance(a, sp.Pow) and a.exp.free_symbols for a in sp.preorder_traversal(e)):
        return e
    return simpler if sp.count_ops(simpler) <= sp.count_ops(e) else e


def _has_functional(expr: sp.Basic) -> bool:
    return any(isinstance(a, (Functional, LogDensity)) for a in sp.preorder_traversal(expr))


# ---- the derivation chains ------------------------------------------------------


def _law_rule(expr: sp.Expr) -> str:
    dists = {type(e.dist).__name__ for e in expr.atoms(Expectation)}
    names = {"Normal": "Gaussian", "Bernoulli": "Bernoulli", "Categorical": "categorical"}
    return " and ".join(sorted(names.get(d, d) for d in dists)) or "the law"


def _derive_univariate(target: sp.Expr) -> list[DerivedStep]:
    """definition -> log-densities -> linearity -> moments -> algebra."""
    steps: list[DerivedStep] = []
    current, rules = unfold_all(target)
    if not rules:
        return steps
    steps.append(DerivedStep(Relation.EQ, current, rules[0]))
    if any(e.dist.is_discrete and e.dist.finite_support for e in current.atoms(Expectation)):
        # a finite support: sum over its outcomes at once (log p_k for each), no piecewise log-mass shown
        summed = substitute_known_expectations(expand_log_densities(current))
        steps.append(DerivedStep(Relation.EQ, summed, "expectation over a finite support"))
        current = summed
    else:
        expanded = expand_log_densities(current)
        if expanded != current:
            steps.append(DerivedStep(Relation.EQ, expanded, "explicit log-density"))
            current = expanded
        if not linearity_licensed(current, split=True):
            return steps  # the terms need not add (an undefined or two infinite expectations): no closed form here
        linear = apply_linearity(current)
        if linear != current:
            steps.append(DerivedStep(Relation.EQ, linear, "linearity of expectation"))
            current = linear
        moments = substitute_known_expectations(current)
        if moments != current:
            cited = "; ".join(f"{t.name}: {t.citation}" for t in tabulated_used(current))
            note = f"moments of the {_law_rule(current)} law" + (f"; {cited}" if cited else "")
            steps.append(DerivedStep(Relation.EQ, moments, "moments", note))
            current = moments
    if not _has_functional(current):
        final = tidy(current)
        if final != current:
            steps.append(DerivedStep(Relation.EQ, final, "algebra"))
    return steps


def derive_steps(target: sp.Expr) -> list[DerivedStep]:
    """The justified chain from ``target`` to a closed form (may stop early if stuck)."""
    steps: list[DerivedStep] = []
    current = target
    if isinstance(target, Functional) and unfold_all(target)[1] and not rewrite_all(target)[1]:
        univariate = _derive_univariate(target)
        if univariate and not _has_functional(univariate[-1].expr):
            return univariate
    for _ in range(8):
        new, rules = rewrite_all(current)
        if not rules:
            new, rules = unfold_all(current)
            # unfold only compound definitions here (I = h - h); univariate ones go to the registry
            if rules and new.atoms(Expectation):
                break
        if not rules:
            break
        steps.append(DerivedStep(Relation.EQ, new, rules[0]))
        current = new
    functionals = [f for f in current.atoms(Functional) if not isinstance(f, Expectation)]
    if functionals:
        closed = {f: closed_form(f) for f in functionals}
        found = [f for f, value in closed.items() if value != f]  # a functional with no closed form stays as it is
        if found:
            replaced = current.xreplace(closed)
            names = sorted({_closed_form_label(f) for f in found})
            steps.append(DerivedStep(Relation.EQ, replaced, "closed form", "; ".join(names)))
            current = replaced
    if not _has_functional(current):
        final = tidy(current)
        if final != current:
            steps.append(DerivedStep(Relation.EQ, final, "algebra"))
    return steps


def _closed_form_label(f: Functional) -> str:
    dists = ", ".join(type(a).__name__ for a in f.args if isinstance(a, Distribution))
    return f"{type(f).__name__}({dists}), derived"


_IN_PROGRESS: set[Functional] = set()


def closed_form(f: Functional) -> sp.Expr:
    """The closed form of one functional, or the functional itself if none is derivable.

    Cached per functional *and* per domain facts in force: whether a template
    applies depends on which parameters are known to be positive.
    """
    return _closed_form(f, _FACTS_KEY[0]())


@functools.lru_cache(maxsize=4096)
def _closed_form(f: Functional, _facts: object) -> sp.Expr:
    registered = _lookup(f)
    if registered is not None:
        return registered(f)
    templated = _templated(f)
    if templated is not None:
        return templated
    if f in _IN_PROGRESS:
        return f  # its own derivation needs it: no closed form by this route
    _IN_PROGRESS.add(f)
    try:
        steps = derive_steps(f)
    finally:
        _IN_PROGRESS.discard(f)
    if steps and not _has_functional(steps[-1].expr):
        return steps[-1].expr
    return f


def _expectation_value(e: Expectation) -> sp.Expr:
    """One expectation's closed form, split by linearity only where its own terms add."""
    return substitute_known_expectations(apply_linearity(e) if linearity_licensed(e, split=True) else e)


def evaluate(expr: sp.Expr) -> sp.Expr:
    """Replace every functional in ``expr`` by its closed form where one is derivable."""
    expr = expand_log_densities(expr)
    if not any(isinstance(a, Functional) for a in sp.preorder_traversal(expr)):
        return expr
    if expr.atoms(Expectation):
        expr = value_expectations(expr, _expectation_value)
    functionals = [f for f in expr.atoms(Functional) if not isinstance(f, Expectation)]
    return expr.xreplace({f: closed_form(f) for f in functionals})


def derive(
    target: sp.Expr, name: str = "derived", source: str = "derived by the infoproofs engine", assumptions=()
) -> Derivation:
    """A checked-ready ``Derivation`` from ``target`` to its closed form.

    ``assumptions`` (such as ``a < b`` for Uniform(a, b)) are the region where
    the chain is claimed; the checker draws points only there.
    """
    d = Derivation(name, f"Closed form of {sp.sstr(target)}", source, target, assumptions=assumptions)
    for step in derive_steps(target):
        d.step(step.relation, step.expr, by=step.rule, note=step.note)
    return d


def _evaluate_functional(f: Functional) -> sp.Expr:
    if isinstance(f, Expectation):
        return evaluate(f)
    return closed_form(f)


set_evaluator(_evaluate_functional)
