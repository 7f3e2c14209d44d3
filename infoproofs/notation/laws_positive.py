"""Laws on the positive half-line: Gamma (shape-rate) ... each with its tabulated expectations.

Parameterisations are named in each docstring because real bugs live there
(torch's Gamma takes a rate, scipy's ``gamma`` a scale; numpy's ``gamma`` a
scale).  Every support is the closed ``[0, oo)`` (or ``[x_m, oo)``), the same
set as the Exponential's, so that support nesting (KL(Exponential || Gamma)
is finite) is decided by SymPy's set algebra.
"""

from __future__ import annotations

import sympy as sp

from .distributions import ContinuousDistribution, _registered, interval_within
from .expectations import tabulated, tabulated_matching

__all__ = ["Gamma", "Chi2", "Weibull", "LogNormal", "HalfNormal", "Pareto", "LogLogistic"]

_JKB = "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, vol. 1"
_JKB2 = "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2"


def linear_exponent(g: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """c when g = e^{c x} for a constant c (the atom a Gumbel log-density puts in a KL), else None."""
    if not isinstance(g, sp.exp):
        return None
    inner = sp.expand(g.args[0])
    if not inner.is_polynomial(x) or sp.degree(inner, x) != 1:
        return None
    if sp.expand(inner - inner.coeff(x, 1) * x) != 0:
        return None
    return inner.coeff(x, 1)


@_registered("Gamma")
class Gamma(ContinuousDistribution):
    """Gamma law with *shape* a > 0 and *rate* b > 0 (mean a/b): density b^a x^(a-1) e^(-b x) / Gamma(a), x > 0.

    torch.distributions.Gamma(concentration=a, rate=b); scipy.stats.gamma(a, scale=1/b).
    """

    param_names = ("shape", "rate")
    param_roles = ("positive", "positive")
    latex_names = ("mathrm:Gamma", "operatorname:Gamma", "mathrm:Gam", "operatorname:Gam", "mathcal:G")
    latex_name = r"\mathrm{Gamma}"

    @property
    def shape(self) -> sp.Expr:
        return self.args[0]

    @property
    def rate(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.shape, 0), sp.StrictGreaterThan(self.rate, 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def log_density(self, x):
        a, b = self.args
        return (a - 1) * sp.log(x) - b * x + a * sp.log(b) - sp.loggamma(a)

    def moment(self, k: int) -> sp.Expr:
        a, b = self.args
        return sp.expand_func(sp.rf(a, k)) / b**k

    def variance_value(self) -> sp.Expr:
        return self.shape / self.rate**2

    def sample(self, values, size, rng):
        a, b = (float(sp.N(p.subs(values))) for p in self.args)
        return rng.gamma(a, 1.0 / b, size)  # NumPy's gamma takes a scale


@tabulated(Gamma, "E[log x]", f"E log X = psi(a) - log b; {_JKB}, ch. 17")
def _gamma_log(d: Gamma, x):
    return sp.log(x), sp.digamma(d.shape) - sp.log(d.rate)


@tabulated_matching(Gamma, "E[exp(c x)]", f"moment generating function (b/(b - c))^a for c < b; {_JKB}, ch. 17")
def _gamma_mgf(d: Gamma, g, x):
    c = linear_exponent(g, x)
    if c is None or (d.rate - c).is_positive is not True:
        return None
    return (d.rate / (d.rate - c)) ** d.shape


def power_exponent(g: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """c when g = x^c for an exponent c free of x (the atom x^k of a Weibull log-density), else None."""
    if g == x:
        return sp.Integer(1)
    if isinstance(g, sp.Pow) and g.base == x and x not in g.exp.free_symbols:
        return g.exp
    return None


def log_power(g: sp.Expr, x: sp.Symbol) -> int | None:
    """n when g = (log x)^n for a positive integer n (the atoms of a log-normal log-density), else None."""
    if g == sp.log(x):
        return 1
    if isinstance(g, sp.Pow) and g.base == sp.log(x) and g.exp.is_Integer and g.exp > 0:
        return int(g.exp)
    return None


def _finite_if(condition: sp.Basic, value: sp.Expr) -> sp.Expr:
    """``value`` where ``condition`` holds and +oo elsewhere: a moment that exists only for heavy enough shapes.

    SymPy settles the Piecewise when the parameters' assumptions decide the
    condition (alpha = 2 + w with w > 0), and keeps it otherwise, so the
    divergent region is never silently given a finite value.
    """
    return sp.Piecewise((value, condition), (sp.oo, True))


@_registered("Chi2", "ChiSquared", "ChiSq")
class Chi2(ContinuousDistribution):
    """Chi-squared law with k > 0 degrees of freedom: the Gamma(k/2, 1/2) law (shape k/2, *rate* 1/2), mean k.

    Density x^(k/2 - 1) e^(-x/2) / (2^(k/2) Gamma(k/2)), x > 0.  A class of its
    own rather than a subclass of Gamma, so that the engine's templates (keyed
    by family) never substitute one parameter into a two-parameter form.
    torch.distributions.Chi2(df=k); scipy.stats.chi2(df=k).
    """

    param_names = ("df",)
    param_roles = ("positive",)
    latex_names = ("chi2", "mathrm:Chi2", "operatorname:Chi2", "mathrm:ChiSq", "operatorname:ChiSq",
                   "mathrm:chi2", "operatorname:chi2")
    latex_name = r"\chi^2"

    @property
    def df(self) -> sp.Expr:
        return self.args[0]

    def as_gamma(self) -> Gamma:
        """The same law as a Gamma(k/2, 1/2) (shape, rate)."""
        return Gamma(self.df / 2, sp.Rational(1, 2))

    def constraints(self):
        return [sp.StrictGreaterThan(self.df, 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def log_density(self, x):
        h = self.df / 2
        return (h - 1) * sp.log(x) - x / 2 - h * sp.log(2) - sp.loggamma(h)

    def moment(self, k: int) -> sp.Expr:
        return sp.expand(2**k * sp.expand_func(sp.rf(self.df / 2, k)))

    def variance_value(self) -> sp.Expr:
        return 2 * self.df

    def sample(self, values, size, rng):
        return rng.chisquare(float(sp.N(self.df.subs(values))), size)


@tabulated(Chi2, "E[log x]", f"E log X = psi(k/2) + log 2 (the Gamma(k/2, 1/2) case); {_JKB}, ch. 18")
def _chi2_log(d: Chi2, x):
    return sp.log(x), sp.digamma(d.df / 2) + sp.log(2)


@tabulated_matching(Chi2, "E[exp(c x)]", f"moment generating function (1 - 2c)^(-k/2) for c < 1/2; {_JKB}, ch. 18")
def _chi2_mgf(d: Chi2, g, x):
    c = linear_exponent(g, x)
    if c is None or (1 - 2 * c).is_positive is not True:
        return None
    return (1 - 2 * c) ** (-d.df / 2)


@_registered("Weibull")
class Weibull(ContinuousDistribution):
    """Weibull law with *shape* k > 0 and *scale* lambda > 0: density (k/lambda)(x/lambda)^(k-1) e^(-(x/lambda)^k), x > 0.

    (X/lambda)^k ~ Exp(1).  Parameters here are (shape, scale); torch takes them the
    other way round: torch.distributions.Weibull(scale=lambda, concentration=k);
    scipy.stats.weibull_min(c=k, scale=lambda); numpy's ``weibull(k)`` has scale 1.
    """

    param_names = ("shape", "scale")
    param_roles = ("positive", "positive")
    latex_names = ("mathrm:Weibull", "operatorname:Weibull", "Weibull", "mathrm:Wei", "operatorname:Wei")
    latex_name = r"\mathrm{Weibull}"

    @property
    def shape(self) -> sp.Expr:
        return self.args[0]

    @property
    def scale(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.shape, 0), sp.StrictGreaterThan(self.scale, 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def log_density(self, x):
        k, lam = self.args
        # x^k / lambda^k rather than (x/lambda)^k: linearity then sees the single atom x^k
        return sp.log(k) - k * sp.log(lam) + (k - 1) * sp.log(x) - x**k / lam**k

    def moment(self, n: int) -> sp.Expr:
        k, lam = self.args
        return lam**n * sp.gamma(1 + sp.Integer(n) / k)

    def sample(self, values, size, rng):
        k, lam = (float(sp.N(p.subs(values))) for p in self.args)
        return lam * rng.weibull(k, size)  # NumPy's weibull has scale 1


@tabulated(Weibull, "E[log x]", f"E log X = log lambda - gamma / k (Euler's gamma); {_JKB}, ch. 21")
def _weibull_log(d: Weibull, x):
    return sp.log(x), sp.log(d.scale) - sp.EulerGamma / d.shape


@tabulated_matching(Weibull, "E[x^c]", f"E X^c = lambda^c Gamma(1 + c/k) for c > -k (so E X^k = lambda^k); {_JKB}, ch. 21")
def _weibull_power(d: Weibull, g, x):
    c = power_exponent(g, x)
    if c is None or (c + d.shape).is_positive is not True:
        return None
    return d.scale**c * sp.gamma(1 + c / d.shape)


@_registered("LogNormal", "Lognormal")
class LogNormal(ContinuousDistribution):
    """Log-normal law: log X ~ N(mu, sigma^2), mu real, sigma > 0 the *standard deviation* (a scale) of log X.

    Unlike infoproofs' Normal(mean, variance), the second parameter is sigma, not sigma^2.
    Density exp(-(log x - mu)^2 / (2 sigma^2)) / (x sigma sqrt(2 pi)), x > 0.
    torch.distributions.LogNormal(loc=mu, scale=sigma); scipy.stats.lognorm(s=sigma, scale=exp(mu)).
    """

    param_names = ("mu", "sigma")
    param_roles = ("real", "positive")
    latex_names = ("mathrm:LogNormal", "operatorname:LogNormal", "mathrm:Lognormal", "operatorname:Lognormal",
                   "mathrm:LN", "operatorname:LN", "LogNormal", "Lognormal")
    latex_name = r"\mathrm{LogNormal}"

    @property
    def mu(self) -> sp.Expr:
        return self.args[0]

    @property
    def sigma(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.sigma, 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def log_density(self, x):
        mu, s = self.args
        return -sp.log(x) - sp.log(s) - sp.log(2 * sp.pi) / 2 - (sp.log(x) - mu) ** 2 / (2 * s**2)

    def moment(self, n: int) -> sp.Expr:
        mu, s = self.args
        return sp.exp(n * mu + n**2 * s**2 / 2)

    def variance_value(self) -> sp.Expr:
        mu, s = self.args
        return (sp.exp(s**2) - 1) * sp.exp(2 * mu + s**2)

    def sample(self, values, size, rng):
        mu, s = (float(sp.N(p.subs(values))) for p in self.args)
        return rng.lognormal(mu, s, size)  # NumPy's lognormal takes the mean and sd of log X


@tabulated_matching(LogNormal, "E[(log x)^n]",
                    f"log X ~ N(mu, sigma^2): E log X = mu, E (log X)^2 = mu^2 + sigma^2, ...; {_JKB}, ch. 14")
def _lognormal_log_powers(d: LogNormal, g, x):
    n = log_power(g, x)
    if n is None:
        return None
    from .distributions import Normal

    return Normal(d.mu, d.sigma**2).moment(n)


@tabulated_matching(LogNormal, "E[x^c]", f"E X^c = exp(c mu + c^2 sigma^2 / 2) for every real c; {_JKB}, ch. 14")
def _lognormal_power(d: LogNormal, g, x):
    c = power_exponent(g, x)
    if c is None or c.is_real is not True:
        return None
    return sp.exp(c * d.mu + c**2 * d.sigma**2 / 2)


@_registered("HalfNormal")
class HalfNormal(ContinuousDistribution):
    """Half-normal law |Z| sigma, Z standard normal, with *scale* sigma > 0 (not a variance).

    Density sqrt(2/pi) / sigma e^(-x^2 / (2 sigma^2)), x >= 0; mean sigma sqrt(2/pi), E X^2 = sigma^2.
    torch.distributions.HalfNormal(scale=sigma); scipy.stats.halfnorm(scale=sigma).
    """

    param_names = ("scale",)
    param_roles = ("positive",)
    latex_names = ("mathrm:HalfNormal", "operatorname:HalfNormal", "HalfNormal", "mathcal:HN", "mathrm:HN")
    latex_name = r"\mathrm{HalfNormal}"

    @property
    def scale(self) -> sp.Expr:
        return self.args[0]

    def constraints(self):
        return [sp.StrictGreaterThan(self.scale, 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def log_density(self, x):
        s = self.scale
        return sp.log(2 / sp.pi) / 2 - sp.log(s) - x**2 / (2 * s**2)

    def moment(self, n: int) -> sp.Expr:
        # E |Z|^n = 2^(n/2) Gamma((n + 1)/2) / sqrt(pi)
        return sp.simplify(self.scale**n * 2 ** sp.Rational(n, 2) * sp.gamma(sp.Rational(n + 1, 2)) / sp.sqrt(sp.pi))

    def variance_value(self) -> sp.Expr:
        return self.scale**2 * (1 - 2 / sp.pi)

    def sample(self, values, size, rng):
        s = float(sp.N(self.scale.subs(values)))
        return s * abs(rng.standard_normal(size))


@tabulated(HalfNormal, "E[log x]",
           f"E log X = log sigma - (gamma + log 2)/2 (E log|Z| for a standard normal Z); {_JKB}, ch. 13")
def _half_normal_log(d: HalfNormal, x):
    return sp.log(x), sp.log(d.scale) - (sp.EulerGamma + sp.log(2)) / 2


@_registered("Pareto")
class Pareto(ContinuousDistribution):
    """Pareto (type I) law with *scale* x_m > 0 (the support's lower end) and *shape* (tail index) alpha > 0.

    Density alpha x_m^alpha / x^(alpha + 1) on [x_m, oo).  E X^n is finite only for
    alpha > n: the moments are Piecewise with +oo elsewhere.
    torch.distributions.Pareto(scale=x_m, alpha=alpha); scipy.stats.pareto(b=alpha, scale=x_m).
    """

    param_names = ("scale", "shape")
    param_roles = ("positive", "positive")
    latex_names = ("mathrm:Pareto", "operatorname:Pareto", "Pareto", "mathrm:Par", "operatorname:Par")
    latex_name = r"\mathrm{Pareto}"

    @property
    def scale(self) -> sp.Expr:
        return self.args[0]

    @property
    def shape(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.scale, 0), sp.StrictGreaterThan(self.shape, 0)]

    def support(self):
        return sp.Interval(self.scale, sp.oo)

    def support_within(self, other) -> bool | None:
        """[x_m, oo) inside another law's support, from the ends' signs (see ``interval_within``)."""
        found = super().support_within(other)
        return found if found is not None else interval_within(self.support(), other.support())

    def log_density(self, x):
        xm, alpha = self.args
        return sp.log(alpha) + alpha * sp.log(xm) - (alpha + 1) * sp.log(x)

    def moment(self, n: int) -> sp.Expr:
        xm, alpha = self.args
        return _finite_if(alpha > n, alpha * xm**n / (alpha - n))

    def variance_value(self) -> sp.Expr:
        xm, alpha = self.args
        return _finite_if(alpha > 2, xm**2 * alpha / ((alpha - 1) ** 2 * (alpha - 2)))

    def sample(self, values, size, rng):
        xm, alpha = (float(sp.N(p.subs(values))) for p in self.args)
        return xm * (1 + rng.pareto(alpha, size))  # NumPy's pareto is the Lomax law, X/x_m - 1


@tabulated(Pareto, "E[log x]", f"log(X/x_m) ~ Exp(alpha): E log X = log x_m + 1/alpha; {_JKB}, ch. 20")
def _pareto_log(d: Pareto, x):
    return sp.log(x), sp.log(d.scale) + 1 / d.shape


@tabulated_matching(Pareto, "E[x^c]", f"E X^c = alpha x_m^c / (alpha - c) for c < alpha; {_JKB}, ch. 20")
def _pareto_power(d: Pareto, g, x):
    c = power_exponent(g, x)
    if c is None or (d.shape - c).is_positive is not True:
        return None
    return d.shape * d.scale**c / (d.shape - c)


@_registered("LogLogistic", "Fisk")
class LogLogistic(ContinuousDistribution):
    """Log-logistic (Fisk) law with *scale* alpha > 0 (the median) and *shape* beta > 0.

    Density (beta/alpha)(x/alpha)^(beta-1) / (1 + (x/alpha)^beta)^2, x > 0; log X is
    logistic with location log alpha and scale 1/beta.  E X^n is finite only for beta > n.
    scipy.stats.fisk(c=beta, scale=alpha); torch.distributions has no such law.
    """

    param_names = ("scale", "shape")
    param_roles = ("positive", "positive")
    latex_names = ("mathrm:LogLogistic", "operatorname:LogLogistic", "LogLogistic", "mathrm:Fisk",
                   "operatorname:Fisk", "Fisk")
    latex_name = r"\mathrm{LogLogistic}"

    @property
    def scale(self) -> sp.Expr:
        return self.args[0]

    @property
    def shape(self) -> sp.Expr:
        return self.args[1]

    def constraints(self):
        return [sp.StrictGreaterThan(self.scale, 0), sp.StrictGreaterThan(self.shape, 0)]

    def support(self):
        return sp.Interval(0, sp.oo)

    def tail_atom(self, x: sp.Symbol) -> sp.Expr:
        """log(1 + (x/alpha)^beta), written with x^beta / alpha^beta as the log-density holds it."""
        alpha, beta = self.args
        return sp.log(1 + x**beta / alpha**beta)

    def log_density(self, x):
        alpha, beta = self.args
        return sp.log(beta) - beta * sp.log(alpha) + (beta - 1) * sp.log(x) - 2 * self.tail_atom(x)

    def moment(self, n: int) -> sp.Expr:
        alpha, beta = self.args
        t = sp.pi * n / beta
        return _finite_if(beta > n, alpha**n * t / sp.sin(t))

    def variance_value(self) -> sp.Expr:
        alpha, beta = self.args
        t = sp.pi / beta
        return _finite_if(beta > 2, alpha**2 * (2 * t / sp.sin(2 * t) - t**2 / sp.sin(t) ** 2))

    def sample(self, values, size, rng):
        alpha, beta = (float(sp.N(p.subs(values))) for p in self.args)
        u = rng.uniform(size=size)
        return alpha * (u / (1 - u)) ** (1 / beta)  # the quantile transform


@tabulated(LogLogistic, "E[log x]", f"log X is logistic, symmetric about log alpha: E log X = log alpha; {_JKB2}, ch. 23")
def _log_logistic_log(d: LogLogistic, x):
    return sp.log(x), sp.log(d.scale)


@tabulated(LogLogistic, "E[log(1 + (x/alpha)^beta)]",
           f"1/(1 + (X/alpha)^beta) ~ Uniform(0, 1), so E log(1 + (X/alpha)^beta) = E[-log U] = 1; {_JKB2}, ch. 23")
def _log_logistic_tail(d: LogLogistic, x):
    return d.tail_atom(x), sp.Integer(1)


@tabulated_matching(LogLogistic, "E[x^c]",
                    f"E X^c = alpha^c (pi c/beta) / sin(pi c/beta) for |c| < beta (c != 0); {_JKB2}, ch. 23")
def _log_logistic_power(d: LogLogistic, g, x):
    c = power_exponent(g, x)
    if c is None or c.is_zero is not False:
        return None
    if (d.shape - c).is_positive is not True or (d.shape + c).is_positive is not True:
        return None
    t = sp.pi * c / d.shape
    return d.scale**c * t / sp.sin(t)
