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

from .abstract import INSTANCE

__all__ = ["SPDMatrix", "RealVector", "QuadraticForm", "spd_matrix", "real_vector", "random_matrices_in"]


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


class RealVector(_InstancedMatrix):
    """A real d x 1 column vector (a mean)."""

    def latex_domain(self) -> str:
        return rf"{sp.latex(self)} \in \mathbb{{R}}^{{{sp.latex(self.dimension)}}}"


def spd_matrix(name: str, d) -> SPDMatrix:
    """A positive-definite ``d x d`` matrix named ``name`` (d: a ``dimension`` symbol)."""
    return SPDMatrix(name, d, d)


def real_vector(name: str, d) -> RealVector:
    """A real column vector of length ``d``."""
    return RealVector(name, d, 1)


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
