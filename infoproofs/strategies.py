"""Hypothesis strategies for the objects of information theory.

Property-based tests of ML code need *valid* inputs: probability vectors that
sum to one, covariances that are positive definite and not hopelessly
ill-conditioned, parameters inside the domain the formula was derived on.
Every strategy here is built so that Hypothesis shrinks a failure toward the
simplest valid value (the uniform vector, the identity matrix, a parameter
near 1 or 0), so a minimal counterexample is easy to read.

This module imports Hypothesis; ``import infoproofs`` does not import it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from .notation.distributions import (
    DISTRIBUTIONS,
    Bernoulli,
    Categorical,
    DiagNormal,
    Distribution,
    Exponential,
    IsoNormal,
    Laplace,
    MultivariateNormal,
    Normal,
    Uniform,
)
from .notation.domains import POSITIVE, ROLE_DOMAINS, Domain
from .notation.laws_simplex import Dirichlet

__all__ = ["simplex", "spd_matrices", "parameters", "distributions", "finite_joints", "FAMILIES"]

# Logits are drawn in [-LOGIT, LOGIT]: the smallest probability of a k-vector is
# then about exp(-2 LOGIT) / k, strictly positive and well above float64 underflow.
LOGIT = 8.0


def _logits(n: int) -> st.SearchStrategy[np.ndarray]:
    """n floats that shrink to 0 (so their softmax shrinks to uniform)."""
    one = st.floats(min_value=-LOGIT, max_value=LOGIT, allow_nan=False, allow_infinity=False)
    return st.lists(one, min_size=n, max_size=n).map(lambda xs: np.asarray(xs, dtype=np.float64))


def _softmax(x: np.ndarray) -> np.ndarray:
    weights = np.exp(x - x.max())
    return weights / weights.sum()


def simplex(k: int) -> st.SearchStrategy[np.ndarray]:
    """Strictly positive float64 vectors of length ``k`` summing to 1 (to rounding).

    Drawn as the softmax of bounded logits, so every entry is > 0 (logs stay
    finite) and the strategy shrinks toward the uniform vector.
    """
    if k < 1:
        raise ValueError(f"simplex needs k >= 1, got {k}")
    return _logits(k).map(_softmax)


def finite_joints(shape: tuple[int, ...] | int) -> st.SearchStrategy[np.ndarray]:
    """Strictly positive joint probability tables of ``shape`` summing to 1; shrink to uniform."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if not shape or any(n < 1 for n in shape):
        raise ValueError(f"finite_joints needs a shape of positive sizes, got {shape}")
    size = math.prod(shape)
    return _logits(size).map(lambda x: _softmax(x).reshape(shape))


def _cayley(skew: np.ndarray) -> np.ndarray:
    """An orthogonal matrix from a skew-symmetric one: (I - S)(I + S)^-1 (I + S is always invertible)."""
    eye = np.eye(skew.shape[0])
    return (eye - skew) @ np.linalg.inv(eye + skew)


def _spd_from(d: int, half_log_cond: float):
    def build(parts: tuple[list[float], list[float]]) -> np.ndarray:
        log_eigs, angles = parts
        upper = np.zeros((d, d))
        upper[np.triu_indices(d, 1)] = angles
        rotation = _cayley(upper - upper.T)
        matrix = rotation @ np.diag(np.exp(np.asarray(log_eigs))) @ rotation.T
        return (matrix + matrix.T) / 2  # exactly symmetric: float addition commutes

    eig = st.floats(min_value=-half_log_cond, max_value=half_log_cond, allow_nan=False)
    angle = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)
    n_angles = d * (d - 1) // 2
    return st.tuples(st.lists(eig, min_size=d, max_size=d), st.lists(angle, min_size=n_angles, max_size=n_angles)).map(
        build
    )


def spd_matrices(d: int, max_condition: float = 1e6) -> st.SearchStrategy[np.ndarray]:
    """Symmetric positive-definite d x d float64 arrays with condition number <= ``max_condition``.

    Built as R diag(exp(l)) R^T with log-eigenvalues ``l`` in a band whose
    width is log(max_condition) (less a margin for rounding) and R a Cayley
    rotation: both parts shrink to 0, so the matrix shrinks to the identity.
    """
    if d < 1:
        raise ValueError(f"spd_matrices needs d >= 1, got {d}")
    if not max_condition > 1:
        raise ValueError(f"max_condition must exceed 1, got {max_condition}")
    # Keep a margin: rounding in R diag R^T moves the eigenvalues by ~1e-15 * cond.
    half = 0.5 * math.log(max_condition) * 0.98
    return _spd_from(d, half)


def _bound(value: sp.Expr | None) -> float | None:
    return None if value is None else float(value)


def parameters(domain: Domain) -> st.SearchStrategy[Any]:
    """Floats (ints for an integer domain) strictly inside ``domain``, from its typical window.

    The window is the domain's ``sample_lo``/``sample_hi`` (e.g. (0.05, 8) for
    POSITIVE), clipped to the open bounds: the values where a formula is
    meant to be used and float64 code is expected to be accurate.  Values are
    filtered with ``Domain.contains``, which compares exactly, so a bound that
    is not a float (``interval("u", 0, "0.1")``) is still respected.
    """
    lo, hi = _bound(domain.lo), _bound(domain.hi)
    w_lo, w_hi = float(domain.sample_lo), float(domain.sample_hi)
    if lo is not None:
        w_lo = max(w_lo, lo)
    if hi is not None:
        w_hi = min(w_hi, hi)
    if domain.integer:
        first = math.floor(w_lo) + 1 if lo is not None and w_lo <= lo else math.ceil(w_lo)
        last = math.ceil(w_hi) - 1 if hi is not None and w_hi >= hi else math.floor(w_hi)
        return st.integers(min_value=first, max_value=max(first, last)).filter(domain.contains)
    values = st.floats(
        min_value=w_lo,
        max_value=w_hi,
        exclude_min=lo is not None and w_lo <= lo,
        exclude_max=hi is not None and w_hi >= hi,
        allow_nan=False,
        allow_infinity=False,
    )
    return values.filter(domain.contains)


_REAL = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False)
_POSITIVE = st.floats(min_value=0.05, max_value=8.0, allow_nan=False)
_PROBABILITY = st.floats(min_value=0.01, max_value=0.99, allow_nan=False)
_SIZE = st.integers(min_value=1, max_value=4)


def _uniform(pair: tuple[float, float]) -> Uniform:
    low, width = pair
    return Uniform(low, low + width)


def _diag(d: int) -> st.SearchStrategy[DiagNormal]:
    means = st.lists(_REAL, min_size=d, max_size=d)
    variances = st.lists(_POSITIVE, min_size=d, max_size=d)
    return st.builds(DiagNormal, means, variances)


def _mvn(d: int) -> st.SearchStrategy[MultivariateNormal]:
    means = st.lists(_REAL, min_size=d, max_size=d)
    covs = spd_matrices(d, max_condition=1e3).map(lambda m: sp.ImmutableMatrix(m.tolist()))
    return st.builds(lambda mean, cov: MultivariateNormal(mean, cov), means, covs)


def _from_roles(cls: type[Distribution]) -> st.SearchStrategy[Distribution]:
    """Instances of a family from its declared parameter roles, each drawn by ``parameters`` in its window.

    The roles (``param_roles``) are what the parser and the audit read too, so a family added to the
    notation gets a strategy without an entry here; one whose parameters constrain each other (Uniform's
    a < b) or that takes a list (Dirichlet) has its own entry.
    """
    return st.builds(cls, *(parameters(ROLE_DOMAINS[role]) for role in cls.param_roles))


def _dirichlet(k: int) -> st.SearchStrategy[Distribution]:
    return st.lists(parameters(POSITIVE), min_size=k, max_size=k).map(Dirichlet)


# Family -> strategy of instances with numeric parameters: the classic families by hand, the others
# (every class with ``param_roles``) from their roles below.
FAMILIES: dict[type[Distribution], st.SearchStrategy[Distribution]] = {
    Normal: st.builds(Normal, _REAL, _POSITIVE),
    Laplace: st.builds(Laplace, _REAL, _POSITIVE),
    Exponential: st.builds(Exponential, _POSITIVE),
    Uniform: st.tuples(_REAL, _POSITIVE).map(_uniform),
    Bernoulli: st.builds(Bernoulli, _PROBABILITY),
    Categorical: st.integers(min_value=2, max_value=6).flatmap(simplex).map(lambda p: Categorical(list(p))),
    IsoNormal: st.builds(IsoNormal, _REAL, _POSITIVE, _SIZE),
    DiagNormal: _SIZE.flatmap(_diag),
    MultivariateNormal: _SIZE.flatmap(_mvn),
    # K <= 4: the numeric oracle integrates K - 1 independent sticks, and refuses more
    Dirichlet: st.integers(min_value=2, max_value=4).flatmap(_dirichlet),
}
for _cls in dict.fromkeys(DISTRIBUTIONS.values()):
    if _cls not in FAMILIES and getattr(_cls, "param_roles", None):
        FAMILIES[_cls] = _from_roles(_cls)


def _family(family: type[Distribution] | str) -> type[Distribution]:
    if isinstance(family, str):
        if family in DISTRIBUTIONS:
            return DISTRIBUTIONS[family]
        by_class = {cls.__name__: cls for cls in FAMILIES}
        if family in by_class:
            return by_class[family]
        raise KeyError(f"unknown family {family!r}; known: {sorted(c.__name__ for c in FAMILIES)}")
    return family


def distributions(family: type[Distribution] | str) -> st.SearchStrategy[Distribution]:
    """Instances of an infoproofs distribution with valid *numeric* parameters.

    Returns ``Normal(0.5, 2.0)``-style objects (SymPy Floats as arguments), not
    (family, dict) pairs: they satisfy ``constraints()`` and can be fed to
    ``closed_form(KL(p, q))`` or read through ``.params``.  ``family`` is the
    class or its name (``"Normal"``, ``"Bern"``, ``"Gamma"``...): every family of
    the notation has one.  Normal and DiagNormal take *variances*; MultivariateNormal
    gets a covariance of condition <= 1e3; the other families draw each parameter
    in its role's window (positive: 0.05 to 8, probability: 0.01 to 0.99, a
    Binomial's n: 1 to 6), in the parameterisation their docstring names
    (Gamma's second parameter is a *rate*).
    """
    cls = _family(family)
    if cls not in FAMILIES:
        raise KeyError(f"no strategy for {cls.__name__}; known: {sorted(c.__name__ for c in FAMILIES)}")
    return FAMILIES[cls]
