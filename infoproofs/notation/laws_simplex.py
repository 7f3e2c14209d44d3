"""Laws on the probability simplex: the Dirichlet, with the tabulated expectations its entropy and KL need.

A Dirichlet's outcome is a point (x_1, ..., x_K) with x_i > 0 and sum x_i = 1, so
its bound variable is a ``Tuple`` of K coordinates (as for an explicit
``MultivariateNormal``) and its support is a ``Simplex`` of that size.  The
simplex is a set of its own, not an ``Interval`` or a ``ProductSet``, so that
nesting is decided by the one fact that matters: two Dirichlets of the same K
have the same support (a Dirichlet's density is positive on the whole open
simplex), hence KL and cross-entropy unfold; of different K they live in
different spaces, so nothing is decided (None: no closed form, never +oo).

The concentrations are an explicit list (K >= 2), as ``Categorical`` takes its
probabilities; a Dirichlet of unspecified size K is not represented.
"""

from __future__ import annotations

from typing import ClassVar

import sympy as sp

from .distributions import ContinuousDistribution, Distribution, _registered
from .expectations import tabulated_matching

__all__ = ["Dirichlet", "Simplex"]

_KBJ = "Kotz, Balakrishnan & Johnson (2000), Continuous Multivariate Distributions, vol. 1, ch. 49"
_PENNY = "Penny (2001), KL-divergences of Normal, Gamma, Dirichlet and Wishart densities"


class Simplex(sp.Set):
    """The open probability simplex {x in R^K : x_i > 0, sum x_i = 1}, for an explicit K >= 2.

    Why not SymPy's sets: the simplex is not a product of intervals, and the
    only question the engine asks of it (is p's support inside q's?) has a
    structural answer: the same K, yes; another space (a different K, or a
    univariate law), undecided.  Membership of a symbolic point is never
    decided here (None), so nothing is proved from it.
    """

    def __new__(cls, size):
        size = sp.sympify(size)
        if not (size.is_Integer and size >= 2):
            raise TypeError(f"a simplex needs an integer size K >= 2, got {size}")
        return sp.Basic.__new__(cls, size)

    @property
    def size(self) -> int:
        return int(self.args[0])

    def _eval_is_subset(self, other):
        if isinstance(other, Simplex):
            return other.size == self.size
        return None

    def _eval_is_superset(self, other):
        if isinstance(other, Simplex):
            return other.size == self.size
        return None

    def _contains(self, other):
        return None

    def _latex(self, printer) -> str:
        return rf"\Delta^{{{self.size - 1}}}"


def _literal_not_positive(value: sp.Expr) -> bool:
    """A concentration known to be <= 0 (a negative or zero literal): the law does not exist."""
    return value.is_positive is False and value.is_real is True


@_registered("Dirichlet", "Dir")
class Dirichlet(ContinuousDistribution):
    """Dirichlet law with concentrations (a_1, ..., a_K), each a_i > 0, on the simplex sum x_i = 1.

    Density Gamma(a_0) / prod Gamma(a_i) * prod x_i^(a_i - 1), a_0 = sum a_i;
    E x_i = a_i / a_0.  torch.distributions.Dirichlet(concentration=[a_1, ..., a_K]);
    scipy.stats.dirichlet(alpha=[a_1, ..., a_K]); numpy's Generator.dirichlet([a_1, ..., a_K]).
    K = 2 is Beta(a_1, a_2) in the first coordinate (x_2 = 1 - x_1).  The log-density
    is written with log Gamma (log B(a) = sum log Gamma(a_i) - log Gamma(a_0)), as the
    Beta's is, so large concentrations stay finite term by term.
    """

    param_names = ("concentrations",)
    # one list of scalars, each of this role (the parsers read Dir(a1, a2, a3) as that list)
    list_role: ClassVar[str] = "positive"
    list_minimum: ClassVar[int] = 2
    latex_names = ("mathrm:Dir", "operatorname:Dir", "mathrm:Dirichlet", "operatorname:Dirichlet")
    latex_name = r"\mathrm{Dir}"

    def __new__(cls, concentrations):
        if not isinstance(concentrations, (list, tuple, sp.Tuple)):
            raise TypeError("Dirichlet takes a list of concentrations: Dirichlet([a1, a2, a3])")
        alphas = sp.Tuple(*[sp.sympify(a) for a in concentrations])
        if len(alphas) < cls.list_minimum:
            raise TypeError(f"Dirichlet needs at least two concentrations, got {len(alphas)}")
        for a in alphas:
            if isinstance(a, (sp.MatrixBase, sp.MatrixExpr, Distribution)) or not isinstance(a, sp.Expr):
                raise TypeError(f"a Dirichlet concentration must be a scalar, got {a}")
            if _literal_not_positive(a):
                raise ValueError(f"Dirichlet concentrations must be positive, got {a}")
        return sp.Basic.__new__(cls, alphas)

    @property
    def concentrations(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[0])

    @property
    def total(self) -> sp.Expr:
        """a_0 = sum a_i."""
        return sp.Add(*self.concentrations)

    @property
    def dim(self):  # type: ignore[override]
        return sp.Integer(len(self.args[0]))

    def constraints(self):
        return [sp.StrictGreaterThan(a, 0) for a in self.concentrations]

    def support(self):
        return Simplex(len(self.concentrations))

    def support_within(self, other: Distribution) -> bool | None:
        """Same K: the same open simplex (True); any other law lives in another space: undecided (None)."""
        if isinstance(other, Dirichlet):
            return True if other.dim == self.dim else None
        return None

    def log_norm(self) -> sp.Expr:
        """log B(a) = sum log Gamma(a_i) - log Gamma(a_0)."""
        return sp.Add(*[sp.loggamma(a) for a in self.concentrations]) - sp.loggamma(self.total)

    def _coordinates(self, x) -> tuple[sp.Expr, ...]:
        coords = tuple(x) if isinstance(x, (sp.Tuple, tuple, list)) else None
        if coords is None or len(coords) != len(self.concentrations):
            raise TypeError(f"a {len(self.concentrations)}-coordinate Dirichlet's log-density needs a Tuple of "
                            f"{len(self.concentrations)} coordinates, got {x}")
        return coords

    def log_density(self, x):
        """sum (a_i - 1) log x_i - log B(a), on the simplex (the engine expands it only there)."""
        coords = self._coordinates(x)
        return sp.Add(*[(a - 1) * sp.log(c) for a, c in zip(self.concentrations, coords)]) - self.log_norm()

    def coordinate_moment(self, powers: tuple[int, ...]) -> sp.Expr:
        """E prod x_i^(k_i) = prod_i a_i^(rising k_i) / a_0^(rising sum k_i) (KBJ ch. 49)."""
        total = sum(powers)
        value = sp.Integer(1)
        for a, k in zip(self.concentrations, powers):
            value *= sp.Mul(*[a + j for j in range(k)])
        return value / sp.Mul(*[self.total + j for j in range(total)])

    def mean_value(self) -> sp.Expr:
        """The mean vector (a_1/a_0, ..., a_K/a_0), as a Tuple."""
        return sp.Tuple(*[a / self.total for a in self.concentrations])

    def variance_value(self) -> sp.Expr:
        """The coordinates' variances a_i (a_0 - a_i) / (a_0^2 (a_0 + 1)), as a Tuple."""
        a0 = self.total
        return sp.Tuple(*[a * (a0 - a) / (a0**2 * (a0 + 1)) for a in self.concentrations])

    def sample(self, values, size, rng):
        alphas = [float(sp.N(a.subs(values))) for a in self.concentrations]
        return rng.dirichlet(alphas, size)

    def _latex(self, printer) -> str:
        inner = ", ".join(printer._print(a) for a in self.concentrations)
        return rf"\mathrm{{Dir}}\left({inner}\right)"

    def _sympystr(self, printer) -> str:
        return f"Dirichlet({', '.join(printer._print(a) for a in self.concentrations)})"


def _coordinate_index(g: sp.Expr, coords: tuple) -> int | None:
    """i when ``g`` is exactly log x_i for one of the bound coordinates."""
    if isinstance(g, sp.log) and g.args[0] in coords:
        return coords.index(g.args[0])
    return None


@tabulated_matching(
    Dirichlet, "E[log x_i]",
    f"x_i ~ Beta(a_i, a_0 - a_i), so E log x_i = psi(a_i) - psi(a_0), a_0 = sum a_j; {_KBJ}; {_PENNY}",
)
def _dirichlet_log(d: Dirichlet, g: sp.Expr, var) -> sp.Expr | None:
    coords = tuple(var) if isinstance(var, sp.Tuple) else ()
    if len(coords) != len(d.concentrations):
        return None
    i = _coordinate_index(g, coords)
    if i is None:
        return None
    return sp.digamma(d.concentrations[i]) - sp.digamma(d.total)


@tabulated_matching(
    Dirichlet, "E[prod x_i^k_i]",
    f"E prod x_i^k_i = prod a_i^(k_i rising) / a_0^(sum k_i rising) (moments up to degree 2); {_KBJ}",
)
def _dirichlet_moment(d: Dirichlet, g: sp.Expr, var) -> sp.Expr | None:
    """E x_i, E x_i^2 and E x_i x_j: the monomials of degree 1 and 2 in the bound coordinates."""
    coords = tuple(var) if isinstance(var, sp.Tuple) else ()
    if len(coords) != len(d.concentrations) or not g.free_symbols or not g.free_symbols <= set(coords):
        return None
    if not (g.is_Symbol or g.is_Pow or g.is_Mul):
        return None
    try:
        poly = sp.Poly(g, *coords)
    except sp.PolynomialError:
        return None
    if len(poly.terms()) != 1:
        return None
    powers, coeff = poly.terms()[0]
    if coeff != 1 or not 1 <= sum(powers) <= 2:
        return None
    return d.coordinate_moment(tuple(powers))
