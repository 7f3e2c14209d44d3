"""Probability distributions as SymPy objects.

Each distribution is an unevaluated ``sympy.Basic`` whose arguments are its
parameters, so it can sit inside expressions (``KL(p, q)``), be substituted
into, pickled to a budgeted worker and printed as LaTeX.  It knows its own
log-density, support, parameter constraints and low-order moments; it does
*not* know any entropy or divergence: those are derived by the engine.
"""

from __future__ import annotations

from typing import ClassVar

import sympy as sp

__all__ = [
    "Distribution",
    "ContinuousDistribution",
    "DiscreteDistribution",
    "Normal",
    "IsoNormal",
    "DiagNormal",
    "MultivariateNormal",
    "Laplace",
    "Exponential",
    "Uniform",
    "Bernoulli",
    "Categorical",
    "DISTRIBUTIONS",
]

# name used by the plain notation -> class; filled by ``_registered``.
DISTRIBUTIONS: dict[str, type[Distribution]] = {}


def _registered(*names: str):
    def wrap(cls):
        for name in names:
            DISTRIBUTIONS[name] = cls
        return cls

    return wrap


def interval_within(mine: sp.Set, theirs: sp.Set) -> bool | None:
    """Is the interval ``mine`` inside ``theirs``, decided from the signs of the endpoints' differences?

    SymPy's Interval-in-Interval test never answers True for symbolic ends
    ([c, c + w] in [0, oo) for positive c, w is None), so the ends are compared
    directly: inside when start2 <= start1 and end1 <= end2 are known, outside
    when either is known false, None otherwise.  Open or closed ends do not
    matter to a continuous law (a point has no mass).
    """
    if not (isinstance(mine, sp.Interval) and isinstance(theirs, sp.Interval)):
        return None
    below = sp.S.true if theirs.start is sp.S.NegativeInfinity else (mine.start - theirs.start).is_nonnegative
    above = sp.S.true if theirs.end is sp.S.Infinity else (theirs.end - mine.end).is_nonnegative
    if mine.end is sp.S.Infinity and theirs.end is not sp.S.Infinity:
        above = False
    if below is False or above is False:
        return False
    if below and above:
        return True
    return None


class Distribution(sp.Basic):
    """Base class.  Subclasses define ``param_names`` and the density pieces."""

    param_names: ClassVar[tuple[str, ...]] = ()
    # Each parameter's domain for the notation's parsers and for generic instances:
    # "real", "positive", "probability" (0 < p < 1) or "dimension" (a positive integer).
    # None where the parameters are not scalars (Categorical's list, vectors, matrices).
    param_roles: ClassVar[tuple[str, ...] | None] = None
    # LaTeX spellings, as "font:Name" ("mathrm:Gamma") or a bare word; the LaTeX reader maps them here.
    latex_names: ClassVar[tuple[str, ...]] = ()
    latex_name: ClassVar[str] = ""
    is_discrete: ClassVar[bool] = False
    # A discrete law whose outcomes() is a finite list (Poisson and Geometric are not).
    finite_support: ClassVar[bool] = True
    # How many coordinates; 1 for univariate laws.
    dim: sp.Expr = sp.Integer(1)

    def __new__(cls, *params):
        if len(params) != len(cls.param_names):
            raise TypeError(
                f"{cls.__name__} takes {len(cls.param_names)} parameters "
                f"({', '.join(cls.param_names)}), got {len(params)}"
            )
        return super().__new__(cls, *[sp.sympify(p) for p in params])

    @property
    def params(self) -> dict[str, sp.Expr]:
        return dict(zip(self.param_names, self.args))

    def constraints(self) -> list[sp.Basic]:
        """Relations the parameters must satisfy (e.g. variance > 0)."""
        return []

    def log_density(self, x: sp.Symbol) -> sp.Expr:
        raise NotImplementedError

    def density(self, x: sp.Symbol) -> sp.Expr:
        return sp.exp(self.log_density(x))

    def support(self) -> sp.Set:
        return sp.S.Reals

    def support_within(self, other: Distribution) -> bool | None:
        """Is this law's support inside ``other``'s (so log other(x) is finite wherever x ~ self)?

        True, False, or None when SymPy cannot decide (Uniform(a1, b1) in
        Uniform(a2, b2) without assumptions).  A KL or cross-entropy between laws
        whose supports are not nested is +oo, whatever the log-densities' formulas say.
        """
        mine, theirs = self.support(), other.support()
        if theirs == sp.S.Reals or mine == theirs:
            return True
        try:
            found = mine.is_subset(theirs)
        except (TypeError, ValueError, NotImplementedError):
            return None
        if found is None:
            found = interval_within(mine, theirs)
        return found

    def moment(self, k: int) -> sp.Expr:
        """E[x**k]; subclasses supply the ones the engine needs."""
        raise NotImplementedError(f"{type(self).__name__} has no moment {k}")

    def mean_value(self) -> sp.Expr:
        """E X (+oo, or NaN for Cauchy, where the law has none).  (``mean`` is a parameter of some laws.)"""
        return self.moment(1)

    def variance_value(self) -> sp.Expr:
        """Var X = E X^2 - (E X)^2 unless a subclass knows a tidier form."""
        return sp.expand(self.moment(2) - self.moment(1) ** 2)

    def sample(self, values: dict, size: int, rng) -> object:
        """``size`` draws (a NumPy array) at parameter values ``values`` (symbol -> float), for simulations.

        Subclasses map their parameterisation onto NumPy's generators explicitly.
        """
        raise NotImplementedError(f"{type(self).__name__} has no sampler")

    def _latex(self, printer) -> str:
        inner = ", ".join(printer._print(a) for a in self.args)
        return rf"{self.latex_name}\left({inner}\right)"

    short_name: ClassVar[str] = ""

    def _sympystr(self, printer) -> str:
        name = self.short_name or type(self).__name__
        return f"{name}({', '.join(printer._print(a) for a in self.args)})"


class ContinuousDistribution(Distribution):
    pass


class DiscreteDistribution(Distribution):
    is_discrete = True

    def outcomes(self) -> list[tuple[sp.Expr, sp.Expr]]:
        """(value, probability) pairs over the finite support."""
        raise NotImplementedError


@_registered("N", "Normal")
class Normal(ContinuousDistribution):
    """Univariate normal, parametrised by mean and *variance* (as in N(mu, s^2))."""

    param_names = ("mean", "variance")
    latex_name = r"\mathcal{N}"
    short_name = "N"

    @property
    def mean(self) -> sp.Expr:
        return self.args[0]

    @property
    def variance(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.variance, 0)]

    def log_density(self, x):
        return -(x - self.mean) ** 2 / (2 * self.variance) - sp.log(2 * sp.pi * self.variance) / 2

    def moment(self, k: int) -> sp.Expr:
        # Raw moments from the binomial expansion of (mu + sigma Z)^k, Z standard.
        m, v = self.mean, self.variance
        total = sp.Integer(0)
        for j in range(0, k + 1, 2):
            total += sp.binomial(k, j) * m ** (k - j) * v ** sp.Rational(j, 2) * sp.factorial2(j - 1)
        return sp.expand(total)


@_registered("IsoNormal")
class IsoNormal(ContinuousDistribution):
    """d-dimensional normal N(m 1, v I_d): d independent N(m, v) coordinates."""

    param_names = ("mean", "variance", "dim")
    latex_name = r"\mathcal{N}"

    @property
    def mean(self):
        return self.args[0]

    @property
    def variance(self):
        return self.args[1]

    @property
    def dim(self):  # type: ignore[override]
        return self.args[2]

    def coordinate(self) -> Normal:
        return Normal(self.mean, self.variance)

    def constraints(self):
        return [sp.StrictGreaterThan(self.variance, 0), sp.StrictGreaterThan(self.dim, 0)]

    def _latex(self, printer):
        mean = "0" if self.mean == 0 else printer._print(self.mean) + r"\mathbf{1}"
        variance = "" if self.variance == 1 else printer._print(self.variance)
        if self.variance.is_Add:
            variance = rf"\left({variance}\right)"
        return (
            rf"\mathcal{{N}}\left({mean}, {variance} "
            rf"I_{{{printer._print(self.dim)}}}\right)"
        )


@_registered("DiagNormal")
class DiagNormal(ContinuousDistribution):
    """Normal with diagonal covariance, parametrised by means and *variances*.

    Either explicit coordinates (two lists: ``DiagNormal([m1, m2], [v1, v2])``)
    or vectors of unspecified size d: ``DiagNormal(real_vector("mu", d),
    positive_vector("v", d))``, the diagonal posterior of a VAE.  Its
    coordinates are independent, so KL, entropy and cross-entropy are sums over
    them: a ``Sum`` over j = 0 .. d - 1 when d is a symbol.
    """

    param_names = ("means", "variances")
    latex_name = r"\mathcal{N}"

    def __new__(cls, means, variances):
        from .matrices import PositiveVector, RealVector

        if isinstance(means, sp.MatrixExpr) or isinstance(variances, sp.MatrixExpr):
            if not isinstance(means, RealVector):
                raise TypeError("DiagNormal: the means of a d-dimensional law must be a real_vector('mu', d)")
            if not isinstance(variances, PositiveVector):
                raise TypeError(
                    "DiagNormal: the variances must be positive; use positive_vector('v', d) "
                    "(a real_vector may have negative entries)"
                )
            if means.shape != variances.shape:
                raise TypeError(f"DiagNormal: means {means.shape} and variances {variances.shape} differ in size")
            return sp.Basic.__new__(cls, means, variances)
        if not isinstance(means, (list, tuple, sp.Tuple)) or not isinstance(variances, (list, tuple, sp.Tuple)):
            raise TypeError("DiagNormal takes two lists (means, variances) or two vectors of size d")
        means, variances = sp.Tuple(*means), sp.Tuple(*variances)
        if len(means) != len(variances) or len(means) == 0:
            raise TypeError("DiagNormal needs equally many (>0) means and variances")
        return sp.Basic.__new__(cls, means, variances)

    @property
    def symbolic_size(self) -> bool:
        """True for vectors of unspecified size d (no list of coordinates exists)."""
        return isinstance(self.args[0], sp.MatrixExpr)

    @property
    def dim(self):  # type: ignore[override]
        if self.symbolic_size:
            return self.args[0].shape[0]
        return sp.Integer(len(self.args[0]))

    def coordinate(self, j) -> Normal:
        """The law of coordinate j (counted from 0)."""
        if self.symbolic_size:
            return Normal(self.args[0][j], self.args[1][j])
        return Normal(self.args[0][int(j)], self.args[1][int(j)])

    def coordinates(self) -> list[Normal]:
        if self.symbolic_size:
            raise TypeError("a DiagNormal of unspecified size d has no list of coordinates; use coordinate(j)")
        return [Normal(m, v) for m, v in zip(*self.args)]

    def constraints(self):
        if self.symbolic_size:
            return []  # positive_vector entries are positive by construction
        return [sp.StrictGreaterThan(v, 0) for v in self.args[1]]

    def _latex(self, printer):
        if self.symbolic_size:
            return (
                rf"\mathcal{{N}}\left({printer._print(self.args[0])}, "
                rf"\operatorname{{diag}}({printer._print(self.args[1])})\right)"
            )
        means = ", ".join(printer._print(m) for m in self.args[0])
        variances = ", ".join(printer._print(v) for v in self.args[1])
        return (
            rf"\mathcal{{N}}\left(({means})^\top, "
            rf"\operatorname{{diag}}({variances})\right)"
        )


class MultivariateNormal(ContinuousDistribution):
    """N(mu, Sigma) with a full covariance.

    Either explicit (``mean`` a list or column ``Matrix``, ``cov`` a square
    ``Matrix`` with symbolic entries: the engine can then derive closed forms
    for that concrete d), or of unspecified size (``RealVector`` and
    ``SPDMatrix`` of dimension d: checked numerically on random instances).
    The log-density's argument is a ``Tuple`` of coordinate symbols in the
    explicit case and a vector symbol otherwise.
    """

    param_names = ("mean", "cov")
    latex_name = r"\mathcal{N}"
    short_name = "MVN"

    def __new__(cls, mean, cov):
        mean, cov = (sp.ImmutableMatrix(m) if isinstance(m, (list, tuple, sp.MatrixBase)) else m for m in (mean, cov))
        for name, m in (("mean", mean), ("covariance", cov)):
            if not isinstance(m, (sp.MatrixExpr, sp.ImmutableMatrix)):
                raise TypeError(f"MultivariateNormal: the {name} must be a matrix, got {m!r}")
        if mean.shape[1] != 1 or cov.shape[0] != cov.shape[1] or cov.shape[0] != mean.shape[0]:
            raise TypeError(f"MultivariateNormal: mean {mean.shape} and covariance {cov.shape} do not match")
        if isinstance(cov, sp.ImmutableMatrix) and cov != cov.T:
            raise TypeError("MultivariateNormal: the covariance must be symmetric")
        return sp.Basic.__new__(cls, mean, cov)

    @property
    def mean(self):
        return self.args[0]

    @property
    def cov(self):
        return self.args[1]

    @property
    def dim(self):  # type: ignore[override]
        return sp.sympify(self.args[0].shape[0])

    @property
    def explicit(self) -> bool:
        """True when the entries are explicit (a concrete d): the symbolic engine can expand it."""
        return isinstance(self.mean, sp.ImmutableMatrix) and isinstance(self.cov, sp.ImmutableMatrix)

    def constraints(self):
        if not self.explicit:
            return []  # SPDMatrix is positive definite by construction
        n = self.cov.shape[0]
        return [sp.StrictGreaterThan(self.cov[:k, :k].det(), 0) for k in range(1, n + 1)]

    def log_density(self, x):
        d = self.dim
        if self.explicit:
            coords = sp.ImmutableMatrix(list(x))
            diff = coords - self.mean
            det = sp.factor(self.cov.det())
            quad = sp.expand((diff.T * self.cov.adjugate() * diff)[0, 0]) / det
            return -d * sp.log(2 * sp.pi) / 2 - sp.log(det) / 2 - quad / 2
        from .matrices import QuadraticForm

        return (
            -d * sp.log(2 * sp.pi) / 2 - sp.log(sp.Determinant(self.cov)) / 2
            - QuadraticForm(x - self.mean, sp.Inverse(self.cov)) / 2
        )

    def _latex(self, printer):
        def show(m):
            if not isinstance(m, sp.ImmutableMatrix):
                return printer._print(m)
            rows = r" \\ ".join(" & ".join(printer._print(v) for v in m.row(i)) for i in range(m.rows))
            return rf"\left(\begin{{smallmatrix}}{rows}\end{{smallmatrix}}\right)"

        return rf"\mathcal{{N}}\left({show(self.mean)}, {show(self.cov)}\right)"


@_registered("Laplace")
class Laplace(ContinuousDistribution):
    """Laplace law parametrised by location mu and *scale* b > 0: density exp(-|x - mu| / b) / (2 b)."""

    param_names = ("location", "scale")
    latex_name = r"\mathrm{Laplace}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[1], 0)]

    def log_density(self, x):
        mu, b = self.args
        return -sp.Abs(x - mu) / b - sp.log(2 * b)

    def moment(self, k: int) -> sp.Expr:
        mu, b = self.args
        return sp.expand(sum(
            sp.binomial(k, j) * mu ** (k - j) * (sp.factorial(j) * b**j if j % 2 == 0 else 0)
            for j in range(k + 1)
        ))


@_registered("Exponential", "Exp")
class Exponential(ContinuousDistribution):
    """Exponential law parametrised by its *rate* lambda > 0 (mean 1/lambda): density lambda exp(-lambda x), x >= 0."""

    param_names = ("rate",)
    latex_name = r"\mathrm{Exp}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[0], 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def log_density(self, x):
        lam = self.args[0]
        return sp.log(lam) - lam * x

    def moment(self, k: int) -> sp.Expr:
        return sp.factorial(k) / self.args[0] ** k


@_registered("Uniform", "U")
class Uniform(ContinuousDistribution):
    """Uniform law on the interval [low, high] (needs low < high; derive adds that assumption)."""

    param_names = ("low", "high")
    param_roles = ("real", "real")  # low < high is a constraint, not a role: templates hold for any real ends
    latex_name = r"\mathcal{U}"

    def constraints(self):
        return [sp.StrictLessThan(self.args[0], self.args[1])]

    def support(self):
        return sp.Interval(self.args[0], self.args[1])

    def log_density(self, x):
        return -sp.log(self.args[1] - self.args[0])

    def moment(self, k: int) -> sp.Expr:
        a, b = self.args
        return (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))


@_registered("Bernoulli", "Bern")
class Bernoulli(DiscreteDistribution):
    """Bernoulli law on {0, 1} with P(X = 1) = p, 0 < p < 1."""

    param_names = ("p",)
    latex_name = r"\mathrm{Bern}"

    def constraints(self):
        p = self.args[0]
        return [sp.StrictGreaterThan(p, 0), sp.StrictLessThan(p, 1)]

    def support(self):
        return sp.FiniteSet(0, 1)

    def outcomes(self):
        p = self.args[0]
        return [(sp.Integer(1), p), (sp.Integer(0), 1 - p)]

    def log_density(self, x):
        p = self.args[0]
        return x * sp.log(p) + (1 - x) * sp.log(1 - p)

    def moment(self, k: int) -> sp.Expr:
        return self.args[0] if k > 0 else sp.Integer(1)


@_registered("Categorical", "Cat")
class Categorical(DiscreteDistribution):
    """Categorical over outcomes 1..K with probabilities (p_1, ..., p_K)."""

    param_names = ("probs",)
    latex_name = r"\mathrm{Cat}"

    def __new__(cls, probs):
        probs = sp.Tuple(*probs)
        if len(probs) < 2:
            raise TypeError("Categorical needs at least two probabilities")
        return sp.Basic.__new__(cls, probs)

    @property
    def probs(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[0])

    def constraints(self):
        found = [sp.StrictGreaterThan(p, 0) for p in self.probs]
        found.append(sp.Eq(sp.Add(*self.probs), 1))
        return found

    def support(self):
        return sp.FiniteSet(*range(1, len(self.probs) + 1))

    def moment(self, k: int) -> sp.Expr:
        """E X^k over the outcomes 1..K (torch labels them 0..K-1: the audit maps that)."""
        return sp.Add(*[(j + 1) ** k * p for j, p in enumerate(self.probs)])

    def outcomes(self):
        return [(sp.Integer(k + 1), p) for k, p in enumerate(self.probs)]

    def log_density(self, x):
        return sp.Piecewise(
            *[(sp.log(p), sp.Eq(x, k + 1)) for k, p in enumerate(self.probs)],
            (sp.zoo, True),
        )

    def _latex(self, printer):
        inner = ", ".join(printer._print(p) for p in self.probs)
        return rf"\mathrm{{Cat}}\left({inner}\right)"
