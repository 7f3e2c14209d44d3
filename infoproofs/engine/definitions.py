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


@theorem(DiffEntropy, "independent coordinates: entropy adds")
def _entropy_coordinates(f: DiffEntropy):
    target = f.target
    if isinstance(target, IsoNormal):
        return target.dim * DiffEntropy(target.coordinate())
    if isinstance(target, DiagNormal):
        return sp.Add(*[DiffEntropy(c) for c in target.coordinates()])
    return None


@theorem(KL, "independent coordinates: KL adds")
def _kl_coordinates(f: KL):
    p, q = f.args
    if isinstance(p, IsoNormal) and isinstance(q, IsoNormal) and p.dim == q.dim:
        return p.dim * KL(p.coordinate(), q.coordinate())
    if isinstance(p, DiagNormal) and isinstance(q, DiagNormal) and p.dim == q.dim:
        return sp.Add(*[KL(a, b) for a, b in zip(p.coordinates(), q.coordinates())])
    return None


@theorem(CrossEntropy, "independent coordinates: cross-entropy adds")
def _ce_coordinates(f: CrossEntropy):
    p, q = f.args
    if isinstance(p, IsoNormal) and isinstance(q, IsoNormal) and p.dim == q.dim:
        return p.dim * CrossEntropy(p.coordinate(), q.coordinate())
    if isinstance(p, DiagNormal) and isinstance(q, DiagNormal) and p.dim == q.dim:
        return sp.Add(*[CrossEntropy(a, b) for a, b in zip(p.coordinates(), q.coordinates())])
    return None


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
