"""Tabulated expectations of the original laws (Normal, Exponential, Uniform, Laplace) that KL pairs with
the newer families need: moment generating functions (a Gumbel's log-density holds e^{-x/beta}),
E log X (a Gamma's or a Pareto's holds log x), E log(1 - X) (a Beta's) and E|X - c| under a Normal
(a Laplace's holds |x - m|).
"""

from __future__ import annotations

import sympy as sp

from .distributions import Exponential, Laplace, Normal, Uniform
from .expectations import tabulated, tabulated_matching
from .laws_positive import linear_exponent

__all__: list[str] = []

_JKB = "Johnson, Kotz & Balakrishnan (1994-95), Continuous Univariate Distributions"


@tabulated_matching(Normal, "E[exp(c x)]", f"Gaussian moment generating function e^(c mu + c^2 sigma^2 / 2); {_JKB}, vol. 1, ch. 13")
def _normal_mgf(d: Normal, g, x):
    c = linear_exponent(g, x)
    return None if c is None else sp.exp(c * d.mean + c**2 * d.variance / 2)


@tabulated_matching(
    Normal, "E[|x - c|]",
    "folded normal mean: sigma sqrt(2/pi) e^(-delta^2 / (2 sigma^2)) + delta erf(delta / (sigma sqrt 2)), delta = mu - c; "
    "Leone, Nelson & Nottingham (1961), Technometrics 3(4)",
)
def _normal_abs(d: Normal, g, x):
    if not isinstance(g, sp.Abs):
        return None
    inner = sp.expand(g.args[0])
    slope = inner.coeff(x, 1)
    if slope not in (1, -1) or not inner.is_polynomial(x) or sp.degree(inner, x) != 1:
        return None
    delta = d.mean + slope * sp.expand(inner - slope * x)  # mu - c for inner = x - c (or c - x)
    sigma = sp.sqrt(d.variance)
    return sigma * sp.sqrt(2 / sp.pi) * sp.exp(-delta**2 / (2 * d.variance)) + delta * sp.erf(delta / (sigma * sp.sqrt(2)))


@tabulated(Exponential, "E[log x]", f"E log X = -gamma - log lambda (Euler's gamma); {_JKB}, vol. 1, ch. 19")
def _exponential_log(d: Exponential, x):
    return sp.log(x), -sp.EulerGamma - sp.log(d.args[0])


@tabulated_matching(Exponential, "E[exp(c x)]", f"moment generating function lambda / (lambda - c) for c < lambda; {_JKB}, vol. 1, ch. 19")
def _exponential_mgf(d: Exponential, g, x):
    c = linear_exponent(g, x)
    lam = d.args[0]
    if c is None or (lam - c).is_positive is not True:
        return None
    return lam / (lam - c)


@tabulated(Uniform, "E[log x]", "int_a^b log x dx / (b - a) = (b log b - a log a)/(b - a) - 1, for 0 < a < b")
def _uniform_log(d: Uniform, x):
    a, b = d.args
    value = (b * sp.log(b) - a * sp.log(a)) / (b - a) - 1
    return sp.log(x), value if a.is_positive else None  # only where the support is inside (0, oo)


@tabulated(Uniform, "E[log(1 - x)]", "int_a^b log(1 - x) dx / (b - a) = ((1 - a) log(1 - a) - (1 - b) log(1 - b))/(b - a) - 1, for a < b < 1")
def _uniform_log1m(d: Uniform, x):
    a, b = d.args
    value = ((1 - a) * sp.log(1 - a) - (1 - b) * sp.log(1 - b)) / (b - a) - 1
    return sp.log(1 - x), value if (1 - b).is_positive else None


@tabulated_matching(Uniform, "E[exp(c x)]", "int_a^b e^(c x) dx / (b - a) = (e^(c b) - e^(c a)) / (c (b - a)), c != 0")
def _uniform_mgf(d: Uniform, g, x):
    c = linear_exponent(g, x)
    if c is None or c.is_zero is not False:
        return None
    a, b = d.args
    return (sp.exp(c * b) - sp.exp(c * a)) / (c * (b - a))


@tabulated_matching(Laplace, "E[exp(c x)]", f"moment generating function e^(c mu) / (1 - b^2 c^2) for |c| < 1/b; {_JKB}, vol. 2, ch. 24")
def _laplace_mgf(d: Laplace, g, x):
    c = linear_exponent(g, x)
    mu, b = d.args
    if c is None or (1 - b**2 * c**2).is_positive is not True:
        return None
    return sp.exp(c * mu) / (1 - b**2 * c**2)
