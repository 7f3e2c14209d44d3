"""Definitions of the functionals, and the structural rewrites the engine may use.

``unfold`` replaces a functional by its definition (an expectation of log
densities, or a difference of entropies).  ``rewrite`` applies a *theorem*
that changes the functional without evaluating it: coordinates of an
isotropic Gaussian are independent, an additive channel's conditional
entropy is the noise entropy, a differential entropy depends only on the law.
Both are registries keyed by the functional's type, filled by decorators, so
adding a functional never means editing a dispatch chain.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..notation.distributions import DiagNormal, Distribution, IsoNormal, MultivariateNormal
from ..notation.functionals import (
    KL,
    CondDiffEntropy,
    CrossEntropy,
    DiffEntropy,
    Entropy,
    Expectation,
    Functional,
    LogDensity,
    MutualInformation,
)
from ..notation.random_variables import LawUnknown, law_of, random_variables_in
from .expectation import fresh_coordinates

__all__ = ["unfold", "unfold_all", "rewrite", "rewrite_all", "DEFINITIONS", "REWRITES"]

DEFINITIONS: dict[type, tuple[str, Callable[[Functional], sp.Expr | None]]] = {}
REWRITES: list[tuple[type, str, Callable[[Functional], sp.Expr | None]]] = []


def definition(kind: type, rule: str):
    def wrap(fn):
        DEFINITIONS[kind] = (rule, fn)
        return fn

    return wrap


def theorem(kind: type, rule: str):
    def wrap(fn):
        REWRITES.append((kind, rule, fn))
        return fn

    return wrap


def _unfoldable(dist: Distribution) -> bool:
    """Laws whose definition the engine can expand: univariate, or a Gaussian with explicit entries.

    Isotropic and diagonal Gaussians go through the independent-coordinates
    theorems instead; a Gaussian of unspecified size d has no expansion.
    """
    if isinstance(dist, MultivariateNormal):
        return dist.explicit
    return not isinstance(dist, (IsoNormal, DiagNormal))


@definition(KL, "definition of KL divergence")
def _kl(f: KL):
    if not (_unfoldable(f.p) and _unfoldable(f.q)):
        return None
    if f.p.support_within(f.q) is not True:
        return None  # +oo if p puts mass where q has none; undecided supports: no closed form
    x = fresh_coordinates(f.p, f)
    return Expectation(LogDensity(f.p, x) - LogDensity(f.q, x), x, f.p)


@definition(CrossEntropy, "definition of cross-entropy")
def _cross_entropy(f: CrossEntropy):
    p, q = f.args
    if not (_unfoldable(p) and _unfoldable(q)):
        return None
    if p.support_within(q) is not True:
        return None  # +oo if p puts mass where q has none
    x = fresh_coordinates(p, f)
    return -Expectation(LogDensity(q, x), x, p)


@definition(Entropy, "definition of entropy")
def _entropy(f: Entropy):
    x = fresh_coordinates(f.args[0], f)
    return -Expectation(LogDensity(f.args[0], x), x, f.args[0])


@definition(DiffEntropy, "definition of differential entropy")
def _diff_entropy(f: DiffEntropy):
    target = f.target
    if not isinstance(target, Distribution) or not _unfoldable(target):
        return None
    x = fresh_coordinates(target, f)
    return -Expectation(LogDensity(target, x), x, target)


@definition(MutualInformation, "definition of mutual information")
def _mutual_information(f: MutualInformation):
    x, y = f.args
    return DiffEntropy(y) - CondDiffEntropy(y, x)


# ---- theorems ---------------------------------------------------------------


@theorem(DiffEntropy, "entropy depends only on the law")
def _entropy_of_law(f: DiffEntropy):
    if isinstance(f.target, Distribution):
        return None
    try:
        return DiffEntropy(law_of(f.target))
    except LawUnknown:
        return None


_J = sp.Symbol("j", integer=True, nonnegative=True)


def _index_for(*exprs: sp.Basic) -> sp.Symbol:
    """The summation index j (or j_1, ...) not free in ``exprs``."""
    taken = set().union(*[{s.name for s in e.free_symbols if isinstance(s, sp.Symbol)} for e in exprs])
    for name in ("j", "i", *(f"j_{k}" for k in range(1, 50))):
        if name not in taken:
            return sp.Symbol(name, integer=True, nonnegative=True)
    raise ValueError("no free summation index")


def _coordinate_law(dist, j):
    """Coordinate j of a law with independent coordinates (the same law for every j of an IsoNormal)."""
    return dist.coordinate() if isinstance(dist, IsoNormal) else dist.coordinate(j)


def _over_coordinates(make, *laws) -> sp.Expr | None:
    """sum_j make(coordinates j) over laws with independent coordinates of the same dimension, else None.

    Explicit coordinates give a finite sum written out; an IsoNormal pair a
    multiple d * f; a dimension d given only as a symbol a ``Sum`` over j = 0 .. d - 1.
    """
    if not all(isinstance(law, (IsoNormal, DiagNormal)) for law in laws):
        return None
    dims = {sp.sympify(law.dim) for law in laws}
    if len(dims) != 1:
        return None
    d = dims.pop()
    if all(isinstance(law, IsoNormal) for law in laws):
        return d * make(*[law.coordinate() for law in laws])
    if d.is_Integer:
        return sp.Add(*[make(*[_coordinate_law(law, sp.Integer(j)) for law in laws]) for j in range(int(d))])
    j = _index_for(*laws)
    return sp.Sum(make(*[_coordinate_law(law, j) for law in laws]), (j, 0, d - 1))


@theorem(DiffEntropy, "independent coordinates: entropy adds")
def _entropy_coordinates(f: DiffEntropy):
    if isinstance(f.target, Distribution):
        return _over_coordinates(DiffEntropy, f.target)
    return None


@theorem(KL, "independent coordinates: KL adds")
def _kl_coordinates(f: KL):
    return _over_coordinates(KL, *f.args)


@theorem(CrossEntropy, "independent coordinates: cross-entropy adds")
def _ce_coordinates(f: CrossEntropy):
    return _over_coordinates(CrossEntropy, *f.args)


def _infinite_if_not_nested(f: Functional):
    """+oo when p's (closed) support is not inside q's: p puts mass where q has density 0 (KL and cross-entropy)."""
    p, q = f.args
    if isinstance(p, Distribution) and isinstance(q, Distribution) and p.support_within(q) is False:
        return sp.oo
    return None


theorem(KL, "supports not nested: infinite divergence")(_infinite_if_not_nested)
theorem(CrossEntropy, "supports not nested: infinite divergence")(_infinite_if_not_nested)


@theorem(CondDiffEntropy, "translation invariance: independent additive noise")
def _additive_noise(f: CondDiffEntropy):
    """h(X + N | X) = h(N) when N is independent of X (distinct random variables)."""
    y, x = f.args
    given = random_variables_in(x)
    if not given:
        return None
    noise = sp.expand(y - x)
    if random_variables_in(noise) & given or not random_variables_in(noise):
        return None
    return DiffEntropy(noise)


def unfold(f: Functional) -> tuple[str, sp.Expr] | None:
    entry = DEFINITIONS.get(type(f))
    if entry is None:
        return None
    rule, fn = entry
    unfolded = fn(f)
    return None if unfolded is None else (rule, unfolded)


def rewrite(f: Functional) -> tuple[str, sp.Expr] | None:
    for kind, rule, fn in REWRITES:
        if isinstance(f, kind):
            rewritten = fn(f)
            if rewritten is not None:
                return rule, rewritten
    return None


def _replace_functionals(expr: sp.Expr, fn) -> tuple[sp.Expr, list[str]]:
    """Apply ``fn`` to the functionals of ``expr``, one rule at a time.

    Only the first rule that applies anywhere is used (on every functional it
    applies to), so that each recorded step is justified by a single rule.
    """
    targets = [e for e in sp.preorder_traversal(expr) if isinstance(e, Functional) and not isinstance(e, Expectation)]
    chosen: str | None = None
    mapping: dict[sp.Basic, sp.Expr] = {}
    for f in targets:
        found = fn(f)
        if found is None:
            continue
        rule, value = found
        if chosen is None:
            chosen = rule
        if rule == chosen and f not in mapping:
            mapping[f] = value
    if chosen is None:
        return expr, []
    return expr.xreplace(mapping), [chosen]


def unfold_all(expr: sp.Expr) -> tuple[sp.Expr, list[str]]:
    """Unfold every functional (one level) by its definition."""
    return _replace_functionals(expr, unfold)


def rewrite_all(expr: sp.Expr) -> tuple[sp.Expr, list[str]]:
    """Apply the structural theorems once to every functional."""
    return _replace_functionals(expr, rewrite)
