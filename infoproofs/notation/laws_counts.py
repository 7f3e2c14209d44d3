"""Laws on counts: Poisson, Geometric, Binomial (infinite or parameter-sized supports).

Their expectations are series; the engine evaluates the polynomial and
tabulated atoms (E X, E X^2, E log X!) and the numeric oracle sums the series
(``oracles/series.py``) with a bound on the tail it leaves out.  Where no
closed form exists (E log X! of a Poisson or Binomial law) the table gives
the defining series as a SymPy ``Sum``, which the numeric evaluator sums on
its own, so the entry is still checked against the law's series.

Parameterisations are named in each docstring, because counting conventions
differ between libraries (a geometric law counts failures in torch, trials in
scipy).  Supports are ``Naturals0`` for the unbounded laws and ``Range(0, n + 1)``
for the Binomial, so that support nesting (KL(Poisson || Binomial) = +oo,
KL(Geometric || Poisson) finite) is decided by SymPy's set algebra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import sympy as sp

from .distributions import DiscreteDistribution, _registered
from .expectations import tabulated

__all__ = ["Poisson", "Geometric", "Binomial"]

_JKK = "Johnson, Kemp & Kotz (2005), Univariate Discrete Distributions, 3rd ed."


def _stirling2(k: int, j: int) -> sp.Integer:
    return sp.functions.combinatorial.numbers.stirling(k, j)


def _from_factorial_moments(k: int, factorial_moment: Callable[[int], sp.Expr]) -> sp.Expr:
    """E X^k = sum_j S(k, j) E[X (X - 1) ... (X - j + 1)], S the Stirling numbers of the second kind.

    Why: the three count laws have simple factorial moments (lambda^j,
    j! (q/p)^j, n^(j) p^j), and x^k = sum_j S(k, j) x^(j) turns them into raw
    moments exactly (Johnson, Kemp & Kotz (2005), ch. 1, sec. 1.2.7).
    """
    return sp.expand(sum(_stirling2(k, j) * factorial_moment(j) for j in range(k + 1)))


class _PerLaw:
    """A flag read from the instance (``Binomial(5, p)`` lists its outcomes), with a class-level default.

    The engine reads ``dist.finite_support`` on instances; ``Binomial.finite_support``
    on the class gives the default for a symbolic number of trials (False), so
    code that inspects the class is not handed a truthy property object.
    """

    def __init__(self, default: bool, decide: Callable[[sp.Basic], bool]):
        self.default = default
        self.decide = decide

    def __get__(self, obj, owner=None) -> bool:
        return self.default if obj is None else self.decide(obj)


@_registered("Poisson", "Pois", "Poi")
class Poisson(DiscreteDistribution):
    """Poisson law with *rate* (mean) lambda > 0: P(X = k) = lambda^k e^(-lambda) / k!, k = 0, 1, 2, ...

    torch.distributions.Poisson(rate=lambda); scipy.stats.poisson(mu=lambda); numpy's
    ``Generator.poisson(lam=lambda)``.  Moments from the factorial moments lambda^j
    (Touchard polynomials); Johnson, Kemp & Kotz (2005), ch. 4.
    """

    param_names = ("rate",)
    param_roles = ("positive",)
    latex_names = ("mathrm:Poisson", "operatorname:Poisson", "mathrm:Pois", "operatorname:Pois", "mathrm:Poi",
                   "operatorname:Poi", "Poisson", "Pois")
    latex_name = r"\mathrm{Poisson}"
    finite_support = False

    @property
    def rate(self) -> sp.Expr:
        return self.args[0]

    def constraints(self):
        return [sp.StrictGreaterThan(self.rate, 0)]

    def support(self):
        return sp.S.Naturals0

    def outcomes(self):
        raise NotImplementedError("a Poisson law has infinitely many outcomes")

    def log_density(self, x):
        lam = self.rate
        return x * sp.log(lam) - lam - sp.loggamma(x + 1)

    def moment(self, k: int) -> sp.Expr:
        return _from_factorial_moments(k, lambda j: self.rate**j)

    def variance_value(self) -> sp.Expr:
        return self.rate

    def sample(self, values, size, rng):
        return rng.poisson(float(sp.N(self.rate.subs(values))), size)


@tabulated(Poisson, "E[log x!]", f"E log X! = sum_k e^-lambda lambda^k log(k!) / k! (no closed form); {_JKK}, ch. 4")
def _poisson_log_factorial(d: Poisson, x):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    lam = d.rate
    series = sp.Sum(sp.exp(-lam) * lam**k * sp.loggamma(k + 1) / sp.factorial(k), (k, 2, sp.oo))
    return sp.loggamma(x + 1), series


@_registered("Geometric", "Geom", "Geo")
class Geometric(DiscreteDistribution):
    """Geometric law counting the *failures* before the first success, success probability 0 < p < 1.

    P(X = k) = p (1 - p)^k for k = 0, 1, 2, ...; mean (1 - p)/p, variance (1 - p)/p^2,
    entropy H = (-(1 - p) log(1 - p) - p log p) / p nats (Johnson, Kemp & Kotz (2005), ch. 5).
    torch.distributions.Geometric(probs=p) uses this convention (support {0, 1, ...}).
    scipy.stats.geom(p) counts the *trials* up to and including the first success
    (support {1, 2, ...}), so this law is scipy.stats.geom(p, loc=-1); numpy's
    ``Generator.geometric(p)`` also counts trials, so the sampler subtracts 1.
    """

    param_names = ("p",)
    param_roles = ("probability",)
    latex_names = ("mathrm:Geometric", "operatorname:Geometric", "mathrm:Geom", "operatorname:Geom",
                   "mathrm:Geo", "operatorname:Geo", "Geometric", "Geom")
    latex_name = r"\mathrm{Geom}"
    finite_support = False

    @property
    def p(self) -> sp.Expr:
        return self.args[0]

    def constraints(self):
        return [sp.StrictGreaterThan(self.p, 0), sp.StrictLessThan(self.p, 1)]

    def support(self):
        return sp.S.Naturals0

    def outcomes(self):
        raise NotImplementedError("a geometric law has infinitely many outcomes")

    def log_density(self, x):
        return sp.log(self.p) + x * sp.log(1 - self.p)

    def moment(self, k: int) -> sp.Expr:
        # factorial moments E[X^(j)] = j! ((1 - p)/p)^j
        odds = (1 - self.p) / self.p
        return _from_factorial_moments(k, lambda j: sp.factorial(j) * odds**j)

    def mean_value(self) -> sp.Expr:
        return (1 - self.p) / self.p

    def variance_value(self) -> sp.Expr:
        return (1 - self.p) / self.p**2

    def sample(self, values, size, rng):
        return rng.geometric(float(sp.N(self.p.subs(values))), size) - 1  # NumPy counts trials


def _binomial_mass(n: sp.Expr, p: sp.Expr, k: sp.Expr) -> sp.Expr:
    """C(n, k) p^k (1 - p)^(n - k), with C through Gamma functions (which the numeric evaluator reads)."""
    return sp.gamma(n + 1) / (sp.gamma(k + 1) * sp.gamma(n - k + 1)) * p**k * (1 - p) ** (n - k)


@_registered("Binomial", "Bin", "Binom")
class Binomial(DiscreteDistribution):
    """Binomial law: successes in n independent trials (n a positive integer), success probability 0 < p < 1.

    P(X = k) = C(n, k) p^k (1 - p)^(n - k), k = 0, ..., n; mean n p, variance n p (1 - p)
    (Johnson, Kemp & Kotz (2005), ch. 3).  torch.distributions.Binomial(total_count=n, probs=p);
    scipy.stats.binom(n, p); numpy's ``Generator.binomial(n, p)``.  For an explicit
    integer n (up to ``listed_trials``) the outcomes are listed (a finite sum); for a
    symbolic or larger n they are not (``finite_support`` is False) and E log X!,
    E log (n - X)! stay finite ``Sum``s.
    """

    param_names = ("trials", "p")
    param_roles = ("dimension", "probability")
    latex_names = ("mathrm:Binomial", "operatorname:Binomial", "mathrm:Bin", "operatorname:Bin",
                   "mathrm:Binom", "operatorname:Binom", "Binomial", "Bin")
    latex_name = r"\mathrm{Bin}"
    # outcomes are listed for an explicit n up to this many trials; beyond, a sum of n + 1 symbolic terms
    # would swamp the algebra, and the law is treated like one with a symbolic n (series and tables)
    listed_trials: ClassVar[int] = 64
    finite_support: ClassVar[bool] = _PerLaw(  # type: ignore[assignment]
        False, lambda d: bool(d.trials.is_Integer) and int(d.trials) <= d.listed_trials)

    @property
    def trials(self) -> sp.Expr:
        return self.args[0]

    @property
    def p(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        n, p = self.args
        return [sp.StrictGreaterThan(n, 0), sp.StrictGreaterThan(p, 0), sp.StrictLessThan(p, 1)]

    def support(self):
        """{0, ..., n} as a SymPy ``Range``; for an n that SymPy will not take as an integer, an intersection."""
        try:
            return sp.Range(0, self.trials + 1)
        except ValueError:
            return sp.Intersection(sp.S.Naturals0, sp.Interval(0, self.trials))

    def outcomes(self):
        n, p = self.args
        if not self.finite_support:
            raise NotImplementedError(f"a Binomial law with a symbolic number (or more than {self.listed_trials}) of "
                                      "trials has no list of outcomes")
        return [(sp.Integer(k), sp.binomial(n, k) * p**k * (1 - p) ** (n - k)) for k in range(int(n) + 1)]

    def log_density(self, x):
        n, p = self.args
        return (sp.loggamma(n + 1) - sp.loggamma(x + 1) - sp.loggamma(n - x + 1)
                + x * sp.log(p) + (n - x) * sp.log(1 - p))

    def moment(self, k: int) -> sp.Expr:
        # factorial moments E[X^(j)] = n (n - 1) ... (n - j + 1) p^j
        n, p = self.args
        return _from_factorial_moments(k, lambda j: sp.ff(n, j) * p**j)

    def mean_value(self) -> sp.Expr:
        return self.trials * self.p

    def variance_value(self) -> sp.Expr:
        return self.trials * self.p * (1 - self.p)

    def sample(self, values, size, rng):
        n, p = (float(sp.N(a.subs(values))) for a in self.args)
        return rng.binomial(int(round(n)), p, size)


@tabulated(Binomial, "E[log x!]",
           f"E log X! = sum_k C(n, k) p^k (1 - p)^(n - k) log(k!) (no closed form); {_JKK}, ch. 3")
def _binomial_log_factorial(d: Binomial, x):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    n, p = d.args
    return sp.loggamma(x + 1), sp.Sum(_binomial_mass(n, p, k) * sp.loggamma(k + 1), (k, 0, n))


@tabulated(Binomial, "E[log (n - x)!]",
           f"E log (n - X)! = sum_k C(n, k) p^k (1 - p)^(n - k) log((n - k)!) (no closed form); {_JKK}, ch. 3")
def _binomial_log_factorial_rest(d: Binomial, x):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    n, p = d.args
    return sp.loggamma(d.trials - x + 1), sp.Sum(_binomial_mass(n, p, k) * sp.loggamma(n - k + 1), (k, 0, n))
