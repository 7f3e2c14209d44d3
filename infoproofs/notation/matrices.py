"""Matrices of unspecified size: a positive-definite covariance, a mean vector.

A claim such as ``KL(N(mu1, Sigma1) || N(mu2, Sigma2)) = 1/2 [tr(Sigma2^-1
Sigma1) + ...]`` is about *every* dimension d and *every* pair of
positive-definite matrices.  SymPy can only prove it for a concrete d with
explicit entries (see ``MultivariateNormal`` with ``Matrix`` arguments); for
general d the claim is checked numerically.  So these symbols, like the
abstract densities of ``abstract.py``, depend on the seed symbol
``INSTANCE``: for each drawn seed and dimension the numeric oracle builds a
random positive-definite matrix (or a random vector), and the seed is in the
free symbols so that cached values never leak between instances.

Only the shapes are named here (``SPDMatrix``, ``RealVector``) and the
quadratic form ``v^T A v``, which SymPy would otherwise rewrite into an index
sum; what a matrix *is* at a point is decided by ``oracles.random_matrices``.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from .abstract import INSTANCE

__all__ = [
    "SPDMatrix", "RealVector", "PositiveVector", "VectorEntry", "QuadraticForm", "spd_matrix", "real_vector",
    "positive_vector", "random_matrices_in",
]


class _InstancedMatrix(sp.MatrixSymbol):
    """A MatrixSymbol whose value at a point comes from the instance seed."""

    @property
    def free_symbols(self):
        return {self, INSTANCE} | set(sp.sympify(self.shape[0]).free_symbols)

    @property
    def dimension(self) -> sp.Expr:
        return self.shape[0]


class SPDMatrix(_InstancedMatrix):
    """A symmetric positive-definite d x d matrix (a covariance)."""

    def latex_domain(self) -> str:
        return rf"{sp.latex(self)} \in \mathbb{{S}}^{{{sp.latex(self.dimension)}}}_{{++}}"

    def _eval_transpose(self):
        return self


class VectorEntry(MatrixElement):
    """The entry ``v_j`` of a vector of unspecified size: real, and positive for a ``PositiveVector``.

    SymPy's own matrix elements know nothing of their sign; the engine needs
    to (a closed form derived for a positive variance applies to ``v_j`` only
    if ``v_j > 0`` is known).
    """

    is_commutative = True

    @property
    def vector(self):
        return self.args[0]

    @property
    def index(self):
        return self.args[1]

    def _eval_is_real(self):
        return True

    def _eval_is_extended_real(self):
        return True

    def _eval_is_positive(self):
        return True if isinstance(self.args[0], PositiveVector) else None

    def _eval_is_extended_positive(self):
        return self._eval_is_positive()

    def _eval_is_finite(self):
        return True

    def _latex(self, printer) -> str:
        base = printer._print(self.args[0])
        if "_" in base or "^" in base:
            base = f"\\left({base}\\right)"  # sigma_2 as a vector name: (sigma_2)_j, not a double subscript
        return f"{base}_{{{printer._print(self.args[1])}}}"

    def _sympystr(self, printer) -> str:
        return f"{printer._print(self.args[0])}[{printer._print(self.args[1])}]"


class RealVector(_InstancedMatrix):
    """A real d x 1 column vector (a mean); ``v[j]`` is its (real) j-th entry, counted from 0."""

    def latex_domain(self) -> str:
        return rf"{sp.latex(self)} \in \mathbb{{R}}^{{{sp.latex(self.dimension)}}}"

    def _entry(self, i, j, **kwargs):
        return VectorEntry(self, sp.sympify(i), sp.sympify(j))

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            return self._entry(key, 0)
        return super().__getitem__(key)


class PositiveVector(RealVector):
    """A d x 1 vector of positive entries (the variances of a diagonal Gaussian)."""

    def latex_domain(self) -> str:
        return rf"{sp.latex(self)} \in \mathbb{{R}}_{{>0}}^{{{sp.latex(self.dimension)}}}"


def spd_matrix(name: str, d) -> SPDMatrix:
    """A positive-definite ``d x d`` matrix named ``name`` (d: a ``dimension`` symbol)."""
    return SPDMatrix(name, d, d)


def real_vector(name: str, d) -> RealVector:
    """A real column vector of length ``d`` (``v[j]`` its entries, j = 0 .. d - 1)."""
    return RealVector(name, d, 1)


def positive_vector(name: str, d) -> PositiveVector:
    """A column vector of length ``d`` with positive entries (variances, scales)."""
    return PositiveVector(name, d, 1)


def random_matrices_in(*exprs: sp.Basic) -> set[_InstancedMatrix]:
    found: set[_InstancedMatrix] = set()
    for expr in exprs:
        found |= {a for a in sp.preorder_traversal(expr) if isinstance(a, _InstancedMatrix)}
    return found


class QuadraticForm(sp.Expr):
    """``v^T A v`` as a scalar; SymPy's own ``(v.T*A*v)[0, 0]`` turns into an index sum."""

    is_commutative = True
    is_real = True

    def __new__(cls, vector, matrix):
        return super().__new__(cls, vector, matrix)

    def _latex(self, printer) -> str:
        v = printer._print(self.args[0])
        if isinstance(self.args[0], sp.MatAdd):
            v = rf"\left({v}\right)"
        return rf"{v}^\top {printer._print(self.args[1])} {v}"

    def _sympystr(self, printer) -> str:
        return f"quad({printer._print(self.args[0])}, {printer._print(self.args[1])})"
