"""Multivariate Gaussians and matrices of unspecified size, evaluated with mpmath.

Two things are evaluated here, both from definitions and never from a
closed form the symbolic engine derived:

* **Random instances of matrix symbols.**  For a drawn seed (``INSTANCE``)
  and dimension d, an ``SPDMatrix`` becomes ``Q diag(lambda) Q^T`` with Q a
  random orthogonal matrix and eigenvalues log-uniform in [0.1, 10] (so
  both well- and poorly-conditioned covariances occur); a ``RealVector``
  gets normal entries of scale 1.5.  Matrix expressions (sums, products,
  inverses, transposes, traces, determinants, quadratic forms) are then
  evaluated with mpmath matrices at the working precision.
* **Expectations under N(mu, Sigma)** by tensor Gauss-Hermite quadrature in
  the whitened coordinates x = mu + L z (L the Cholesky factor), at two
  orders that must agree.  Gaussian log-ratios are quadratic in x, so both
  rules are exact for them; the agreement test guards other integrands.
  The log-density itself is computed here from its definition,
  -d/2 log 2 pi - 1/2 log det Sigma - 1/2 (x - mu)^T Sigma^-1 (x - mu),
  with a Cholesky solve: not from the SymPy expression the engine expands.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable

import mpmath as mp
import numpy as np
import sympy as sp

from ..notation.abstract import INSTANCE
from ..notation.distributions import MultivariateNormal
from ..notation.functionals import KL, CrossEntropy, DiffEntropy, Expectation, LogDensity, bound_symbols
from ..notation.matrices import PositiveVector, QuadraticForm, RealVector, SPDMatrix, VectorEntry, random_matrices_in
from .numeric_eval import (
    InvalidParameters,
    NotConverged,
    NotEvaluable,
    OutsideDomain,
    accumulate,
    exact_result,
    last_error,
    lg,
    lsum,
    numeric_evaluator,
    numeric_value,
    rounding,
    set_last_error,
)
from .quadrature import hermite_rule

__all__ = ["matrix_value", "describe_matrices", "EIGENVALUE_RANGE"]

EIGENVALUE_RANGE = (0.1, 10.0)
MAX_DIMENSION = 6  # covariances: the Gauss-Hermite tensor rule grows as n^d (3^6 = 729 nodes)
MAX_VECTOR = 10**4  # vectors: their entries are drawn one by one
# Entries of a positive vector: log-uniform over this range (variances from tiny to huge).
POSITIVE_RANGE = (1e-3, 1e3)


def _rng(seed: int, *parts: object) -> np.random.Generator:
    tag = int.from_bytes(hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()[:8], "little")
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, tag])


def _dimension(value: sp.Expr, env: dict, limit: int = MAX_DIMENSION) -> int:
    d = numeric_value(sp.sympify(value), env)
    if d != int(d) or d < 1:
        raise InvalidParameters(f"dimension {value} = {d} is not a positive integer")
    if d > limit:
        raise OutsideDomain(f"dimension {int(d)} is above the {limit} this oracle evaluates")
    return int(d)


@functools.lru_cache(maxsize=512)
def _instance_matrix(kind: str, name: str, seed: int, d: int, dps: int) -> mp.matrix:
    rng = _rng(seed, kind, name, d)
    with mp.workdps(dps + 10):
        if kind == "vector":
            return mp.matrix([[mp.mpf(float(v))] for v in rng.normal(0.0, 1.5, size=d)])
        if kind == "positive":
            lo, hi = np.log(POSITIVE_RANGE[0]), np.log(POSITIVE_RANGE[1])
            return mp.matrix([[mp.mpf(float(v))] for v in np.exp(rng.uniform(lo, hi, size=d))])
        q, r = np.linalg.qr(rng.normal(size=(d, d)))
        q = q * np.sign(np.diag(r))  # Haar-distributed orthogonal matrix
        lo, hi = np.log(EIGENVALUE_RANGE[0]), np.log(EIGENVALUE_RANGE[1])
        eigenvalues = np.exp(rng.uniform(lo, hi, size=d))
        Q = mp.matrix(q.tolist())
        sigma = Q * mp.diag([mp.mpf(float(v)) for v in eigenvalues]) * Q.T
        return (sigma + sigma.T) / 2


def _matrix_error(*matrices: mp.matrix) -> None:
    """Report the rounding error of matrix arithmetic on these operands: entries' size, d, and the
    condition of the random covariances (eigenvalues in [0.1, 10], so at most 100, squared for safety)."""
    size = max((mp.mnorm(m, "inf") for m in matrices), default=mp.mpf(0))
    d = max((m.rows for m in matrices), default=1)
    accumulate(rounding(size) + 2 * lg(mp.mpf(d)) + 2 * lg(mp.mpf(100)) + 4)


def _instanced(sym: sp.MatrixSymbol, env: dict) -> mp.matrix:
    try:
        seed = int(env[INSTANCE])
    except KeyError:
        raise NotEvaluable(f"no instance seed drawn for the matrix {sym.name}") from None
    kind = "spd" if isinstance(sym, SPDMatrix) else ("positive" if isinstance(sym, PositiveVector) else "vector")
    d = _dimension(sym.shape[0], env, MAX_DIMENSION if kind == "spd" else MAX_VECTOR)
    return _instance_matrix(kind, sym.name, seed, d, mp.mp.dps)


def matrix_value(expr: sp.Basic, env: dict) -> mp.matrix:
    """An mpmath matrix for a SymPy matrix expression at the point ``env``."""
    if isinstance(expr, (SPDMatrix, RealVector)):
        return _instanced(expr, env)
    if isinstance(expr, sp.MatrixBase):
        return mp.matrix([[numeric_value(expr[i, j], env) for j in range(expr.shape[1])] for i in range(expr.shape[0])])
    if isinstance(expr, sp.MatAdd):
        parts = [matrix_value(a, env) for a in expr.args]
        _matrix_error(*parts)
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total
    if isinstance(expr, sp.MatMul):
        scalar = mp.mpf(1)
        product = None
        for a in expr.args:
            if isinstance(a, (sp.MatrixExpr, sp.MatrixBase)):
                value = matrix_value(a, env)
                product = value if product is None else product * value
            else:
                scalar *= numeric_value(a, env)
        if product is None:
            raise NotEvaluable("a matrix product without a matrix")
        return product * scalar
    if isinstance(expr, sp.Inverse):
        inner = matrix_value(expr.arg, env)
        if mp.det(inner) == 0:
            raise InvalidParameters("singular matrix")
        return mp.inverse(inner)
    if isinstance(expr, sp.Transpose):
        return matrix_value(expr.arg, env).T
    if isinstance(expr, sp.Identity):
        return mp.eye(_dimension(expr.shape[0], env))
    if isinstance(expr, sp.ZeroMatrix):
        return mp.zeros(_dimension(expr.shape[0], env), _dimension(expr.shape[1], env))
    if isinstance(expr, sp.MatPow) and expr.exp.is_Integer:
        base = matrix_value(expr.base, env)
        return base ** int(expr.exp)
    raise NotEvaluable(f"cannot evaluate the matrix expression {type(expr).__name__}")


@numeric_evaluator(VectorEntry)
def _vector_entry(e: VectorEntry, env: dict) -> mp.mpf:
    """v_j of an instanced vector: the index is evaluated (it may be a summation index)."""
    index = numeric_value(e.index, env)
    vector = _instanced(e.vector, env)
    if index != int(index) or not 0 <= index < vector.rows:
        raise InvalidParameters(f"index {e.index} = {index} is outside the vector {e.vector.name}")
    exact_result()
    return vector[int(index), 0]


@numeric_evaluator(sp.Trace)
def _trace(e: sp.Trace, env: dict) -> mp.mpf:
    m = matrix_value(e.arg, env)
    _matrix_error(m)
    return mp.fsum(m[i, i] for i in range(m.rows))


@numeric_evaluator(sp.Determinant)
def _determinant(e: sp.Determinant, env: dict) -> mp.mpf:
    m = matrix_value(e.arg, env)
    value = mp.det(m)
    accumulate(rounding(value) + 2 * lg(mp.mpf(m.rows)) + 2 * lg(mp.mpf(100)) + 4)
    return value


@numeric_evaluator(QuadraticForm)
def _quadratic_form(e: QuadraticForm, env: dict) -> mp.mpf:
    v, a = matrix_value(e.args[0], env), matrix_value(e.args[1], env)
    _matrix_error(v.T * v, a)
    accumulate(rounding(mp.mnorm(v, "inf") ** 2 * mp.mnorm(a, "inf")) + 2 * lg(mp.mpf(a.rows)) + 4)
    return (v.T * a * v)[0, 0]


# ---- N(mu, Sigma) ----------------------------------------------------------------


class _Gaussian:
    """mean, Cholesky factor and log-density of one N(mu, Sigma) at one point."""

    def __init__(self, dist: MultivariateNormal, env: dict):
        self.mean = matrix_value(dist.mean, env)
        cov = matrix_value(dist.cov, env)
        self.d = cov.rows
        if self.d > MAX_DIMENSION:
            raise OutsideDomain(f"dimension {self.d} is above the {MAX_DIMENSION} this oracle integrates over")
        try:
            self.chol = mp.cholesky(cov)
        except ValueError:
            raise InvalidParameters("the covariance is not positive definite at this point") from None
        self.log_det = 2 * mp.fsum(mp.log(self.chol[i, i]) for i in range(self.d))

    def log_density(self, x: mp.matrix) -> mp.mpf:
        r = x - self.mean
        y: list[mp.mpf] = []
        for i in range(self.d):  # forward substitution: L y = x - mu
            y.append((r[i] - mp.fsum(self.chol[i, k] * y[k] for k in range(i))) / self.chol[i, i])
        quad = mp.fsum(v**2 for v in y)
        terms = [-self.d * mp.log(2 * mp.pi) / 2, -self.log_det / 2, -quad / 2]
        self.error = rounding(mp.fsum(abs(t) for t in terms)) + 2 * lg(mp.mpf(self.d)) + 2 * lg(mp.mpf(100)) + 4
        return mp.fsum(terms)


# (coarse, fine) Gauss-Hermite orders per coordinate, the first whose fine tensor rule has at most
# 300 nodes; from d = 5 on, orders 2 and 3 (still exact for the quadratic Gaussian log-ratios).
_ORDER_PAIRS = ((16, 28), (8, 12), (4, 6), (3, 4), (2, 3))
_MAX_NODES = 300


def _orders(d: int) -> tuple[int, int]:
    for coarse, fine in _ORDER_PAIRS:
        if fine**d <= _MAX_NODES:
            return coarse, fine
    return 2, 3


def _vector_expectation(gauss: _Gaussian, f: Callable[[mp.matrix], mp.mpf]) -> mp.mpf:
    """E f(x) for x ~ N(mu, Sigma) by tensor Gauss-Hermite in whitened coordinates."""
    estimates = []
    for n in _orders(gauss.d):
        nodes, weights = hermite_rule(n, mp.mp.dps)
        total = []
        errors = []
        for index in itertools.product(range(n), repeat=gauss.d):
            z = mp.matrix([nodes[i] for i in index])
            w = mp.fprod(weights[i] for i in index)
            total.append(w * f(gauss.mean + gauss.chol * z))
            errors.append(lg(w) + last_error())
        estimates.append((mp.fsum(total), mp.fsum(abs(t) for t in total), lsum(errors)))
    (coarse, mag_c, _), (fine, mag_f, err_f) = estimates
    scale = max(mag_c, mag_f, abs(coarse), abs(fine))
    if abs(coarse - fine) > scale * mp.mpf(10) ** (-(mp.mp.dps - 12)):
        raise NotConverged("Gauss-Hermite quadrature over N(mu, Sigma) did not converge")
    accumulate(max(err_f, lg(coarse - fine) if coarse != fine else float("-inf"), rounding(scale) + 5))
    return fine


def _vector_of(var: sp.Basic, env: dict) -> mp.matrix:
    return mp.matrix([numeric_value(v, env) for v in bound_symbols(var)])


def _is_mvn(law) -> bool:
    return isinstance(law, MultivariateNormal)


@numeric_evaluator(Expectation, applies=lambda e: _is_mvn(e.dist))
def _expectation(e: Expectation, env: dict) -> mp.mpf:
    coords = bound_symbols(e.var)
    gauss = _Gaussian(e.dist, env)
    if len(coords) != gauss.d:
        raise NotEvaluable(f"{len(coords)} bound coordinates for a {gauss.d}-dimensional law")

    from .numeric_eval import compiled

    run = compiled(e.integrand)
    inner = dict(env)

    def integrand(x: mp.matrix) -> mp.mpf:
        for i, c in enumerate(coords):
            inner[c] = x[i]
        return run(inner)

    return _vector_expectation(gauss, integrand)


@numeric_evaluator(LogDensity, applies=lambda e: _is_mvn(e.dist))
def _log_density(e: LogDensity, env: dict) -> mp.mpf:
    gauss = _Gaussian(e.dist, env)
    value = gauss.log_density(_vector_of(e.var, env))
    accumulate(gauss.error)
    return value


def _pair(p, q, env: dict, what: str) -> tuple[_Gaussian, _Gaussian]:
    if not (_is_mvn(p) and _is_mvn(q)):
        raise NotEvaluable(f"{what} between a multivariate Gaussian and another law")
    gp, gq = _Gaussian(p, env), _Gaussian(q, env)
    if gp.d != gq.d:
        raise InvalidParameters(f"{what} between Gaussians of different dimensions")
    return gp, gq


@numeric_evaluator(KL, applies=lambda f: any(_is_mvn(law) for law in f.args))
def _kl(f: KL, env: dict) -> mp.mpf:
    gp, gq = _pair(*f.args, env, "KL")
    def log_ratio(x: mp.matrix) -> mp.mpf:
        a = gp.log_density(x)
        b = gq.log_density(x)
        set_last_error(max(gp.error, gq.error) + 1)
        return a - b

    return _vector_expectation(gp, log_ratio)


@numeric_evaluator(CrossEntropy, applies=lambda f: any(_is_mvn(law) for law in f.args))
def _cross_entropy(f: CrossEntropy, env: dict) -> mp.mpf:
    gp, gq = _pair(*f.args, env, "cross-entropy")
    return -_vector_expectation(gp, lambda x: _logged(gq, x))


@numeric_evaluator(DiffEntropy, applies=lambda f: _is_mvn(f.target))
def _diff_entropy(f: DiffEntropy, env: dict) -> mp.mpf:
    gauss = _Gaussian(f.target, env)
    return -_vector_expectation(gauss, lambda x: _logged(gauss, x))


def _logged(gauss: _Gaussian, x: mp.matrix) -> mp.mpf:
    value = gauss.log_density(x)
    set_last_error(gauss.error)
    return value


def describe_matrices(seed: int, values: dict[str, int], dps: int, *exprs: sp.Basic) -> dict[str, float]:
    """Entries of the random matrices behind a counterexample (``values``: drawn integers by name)."""
    found: dict[str, float] = {}
    for sym in sorted(random_matrices_in(*exprs), key=lambda s: s.name):
        env = {s: mp.mpf(values[s.name]) for s in sp.sympify(sym.shape[0]).free_symbols if s.name in values}
        env[INSTANCE] = mp.mpf(seed)
        with mp.workdps(dps):
            try:
                m = _instanced(sym, env)
            except NotEvaluable:
                continue
        shown = 0
        for i in range(m.rows):
            for j in range(m.cols):
                if shown >= 36:
                    break
                label = f"{sym.name}[{i}]" if isinstance(sym, RealVector) else f"{sym.name}[{i},{j}]"
                found[label] = float(m[i, j])
                shown += 1
        if m.rows * m.cols > 36:
            found[f"{sym.name}: entries not shown"] = m.rows * m.cols - 36
    return found
