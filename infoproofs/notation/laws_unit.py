"""Laws on the unit interval: Beta and Kumaraswamy, each with the tabulated expectations its
entropy and its divergences need.

Parameterisations are named in each docstring and mapped onto torch.distributions
and scipy.stats, because the two libraries name the Beta's concentrations in
opposite orders (torch's ``concentration1`` is the exponent of x, its
``concentration0`` that of 1 - x).

Supports are the closed unit interval, as a ``UnitSupport``: SymPy's own
``Interval.is_subset`` cannot decide ``[0, 1]`` inside ``[-u, 1 + w]`` (it only
intersects intervals with numeric ends), so the Beta's divergences with a
Uniform would have no closed form.  ``UnitSupport`` is ``Interval(0, 1)`` that
additionally decides nesting against an interval whose ends SymPy can compare
with 0 and 1; every other question goes to ``Interval`` unchanged.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .distributions import ContinuousDistribution, _registered
from .expectations import tabulated

__all__ = ["Beta", "Kumaraswamy", "UnitSupport"]

_JKB = "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2, ch. 25"
_JONES = "Jones (2009), Kumaraswamy's distribution: a beta-type distribution with some tractability advantages, Statistical Methodology 6(1)"


def _holds(relation: sp.Basic) -> bool:
    """True only when SymPy decides the relation (never on an undecided one)."""
    return relation is sp.true or relation is True


class UnitSupport(sp.Interval):
    """The closed interval [0, 1] that decides its nesting with intervals of symbolic ends.

    A law on [0, 1] whose density is positive on all of (0, 1) (Beta, Kumaraswamy)
    lies in a closed interval [lo, hi] iff lo <= 0 and hi >= 1; it does not iff
    lo > 0 or hi < 1 (then it puts mass outside).  Both need SymPy to decide the
    comparison; otherwise the answer stays None, as ``Interval``'s does.
    Conversely [lo, hi] lies in [0, 1] iff 0 <= lo and hi <= 1.
    """

    def __new__(cls, *_args):
        # always [0, 1]; the arguments SymPy passes when it rebuilds or unpickles the set are its own four
        return sp.Basic.__new__(cls, sp.Integer(0), sp.Integer(1), sp.false, sp.false)

    def _eval_is_subset(self, other):
        if not isinstance(other, sp.Interval) or isinstance(other, UnitSupport):
            return None
        lo, hi = other.start, other.end
        if _holds(sp.Gt(lo, 0)) or _holds(sp.Lt(hi, 1)):
            return False
        lo_ok = _holds(sp.Lt(lo, 0)) or (_holds(sp.Eq(lo, 0)) and not other.left_open)
        hi_ok = _holds(sp.Gt(hi, 1)) or (_holds(sp.Eq(hi, 1)) and not other.right_open)
        return True if lo_ok and hi_ok else None

    def _eval_is_superset(self, other):
        if not isinstance(other, sp.Interval) or isinstance(other, UnitSupport):
            return None
        lo, hi = other.start, other.end
        if _holds(sp.Ge(lo, 0)) and _holds(sp.Le(hi, 1)):
            return True
        if _holds(sp.Lt(lo, 0)) and _holds(sp.Lt(lo, hi)) or _holds(sp.Gt(hi, 1)) and _holds(sp.Lt(lo, hi)):
            return False  # a non-degenerate interval reaching beyond [0, 1]
        return None


@_registered("Beta")
class Beta(ContinuousDistribution):
    """Beta law with concentrations a = alpha > 0 (exponent of x) and b = beta > 0 (exponent of 1 - x).

    Density x^(a-1) (1 - x)^(b-1) / B(a, b) on (0, 1); mean a/(a + b).
    torch.distributions.Beta(concentration1=a, concentration0=b); scipy.stats.beta(a, b);
    numpy's Generator.beta(a, b).  The log-density is written with log Gamma rather than
    log B(a, b), so that large concentrations (1e6) stay finite term by term.
    """

    param_names = ("alpha", "beta")
    param_roles = ("positive", "positive")
    latex_names = ("mathrm:Beta", "operatorname:Beta", "mathrm:Be", "operatorname:Be", "mathcal:B")
    latex_name = r"\mathrm{Beta}"

    @property
    def alpha(self) -> sp.Expr:
        return self.args[0]

    @property
    def beta(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.alpha, 0), sp.StrictGreaterThan(self.beta, 0)]

    def support(self):
        return UnitSupport()

    def log_norm(self) -> sp.Expr:
        """log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b)."""
        a, b = self.args
        return sp.loggamma(a) + sp.loggamma(b) - sp.loggamma(a + b)

    def log_density(self, x):
        a, b = self.args
        return (a - 1) * sp.log(x) + (b - 1) * sp.log(1 - x) - self.log_norm()

    def moment(self, k: int) -> sp.Expr:
        """E X^k = prod_{j < k} (a + j)/(a + b + j) (the ratio B(a + k, b)/B(a, b))."""
        a, b = self.args
        return sp.Mul(*[(a + j) / (a + b + j) for j in range(k)])

    def variance_value(self) -> sp.Expr:
        a, b = self.args
        return a * b / ((a + b) ** 2 * (a + b + 1))

    def sample(self, values, size, rng):
        a, b = (float(sp.N(p.subs(values))) for p in self.args)
        return rng.beta(a, b, size)


@tabulated(Beta, "E[log x]", f"E log X = psi(a) - psi(a + b); {_JKB}")
def _beta_log(d: Beta, x):
    return sp.log(x), sp.digamma(d.alpha) - sp.digamma(d.alpha + d.beta)


@tabulated(Beta, "E[log(1 - x)]", f"1 - X ~ Beta(b, a): E log(1 - X) = psi(b) - psi(a + b); {_JKB}")
def _beta_log1m(d: Beta, x):
    return sp.log(1 - x), sp.digamma(d.beta) - sp.digamma(d.alpha + d.beta)


@_registered("Kumaraswamy", "Kumar")
class Kumaraswamy(ContinuousDistribution):
    """Kumaraswamy law with shapes a > 0 and b > 0: density a b x^(a-1) (1 - x^a)^(b-1) on (0, 1).

    CDF 1 - (1 - x^a)^b, so X^a ~ Beta(1, b) and the quantile is (1 - (1 - u)^(1/b))^(1/a).
    torch.distributions.Kumaraswamy(concentration1=a, concentration0=b); scipy.stats has no
    Kumaraswamy law (its ``beta`` is a different family; only the case a = 1 coincides with Beta(1, b)).
    """

    param_names = ("a", "b")
    param_roles = ("positive", "positive")
    latex_names = ("mathrm:Kumaraswamy", "operatorname:Kumaraswamy", "mathrm:Kum", "operatorname:Kum")
    latex_name = r"\mathrm{Kumaraswamy}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[0], 0), sp.StrictGreaterThan(self.args[1], 0)]

    def support(self):
        return UnitSupport()

    def log_density(self, x):
        a, b = self.args
        return sp.log(a) + sp.log(b) + (a - 1) * sp.log(x) + (b - 1) * sp.log(1 - x**a)

    def moment(self, k: int) -> sp.Expr:
        """E X^k = b B(1 + k/a, b) (Jones 2009, eq. 2.3), from X^a ~ Beta(1, b)."""
        a, b = self.args
        return b * sp.gamma(1 + sp.Integer(k) / a) * sp.gamma(b) / sp.gamma(1 + b + sp.Integer(k) / a)

    def sample(self, values, size, rng):
        a, b = (float(sp.N(p.subs(values))) for p in self.args)
        u = rng.uniform(size=size)
        return (-np.expm1(np.log1p(-u) / b)) ** (1.0 / a)  # the quantile, written to keep small u accurate


@tabulated(
    Kumaraswamy, "E[log x]",
    f"X^a ~ Beta(1, b), so E log X = (psi(1) - psi(1 + b))/a = -H_b / a (H_b the harmonic number); {_JONES}",
)
def _kumaraswamy_log(d: Kumaraswamy, x):
    a, b = d.args
    return sp.log(x), -sp.harmonic(b) / a


@tabulated(
    Kumaraswamy, "E[log(1 - x^a)]",
    f"1 - X^a ~ Beta(b, 1), so E log(1 - X^a) = psi(b) - psi(b + 1) = -1/b; {_JONES}",
)
def _kumaraswamy_log1m_power(d: Kumaraswamy, x):
    a, b = d.args
    return sp.log(1 - x**a), -1 / b
