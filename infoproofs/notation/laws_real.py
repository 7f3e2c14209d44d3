"""Laws on the whole line (and the circle): Cauchy, Gumbel, Logistic, Student t, von Mises.

Each law is a location-scale family (von Mises: location and concentration),
and each docstring names its parameterisation and maps it onto
``torch.distributions`` and ``scipy.stats``, because real bugs live in those
mappings.  The tabulated expectations are the atoms their log-densities leave
after linearity: log((x - c)^2 + d^2) for the Cauchy (its own log-density and
another Cauchy's in a KL), e^{c x} for the Gumbel, the softplus
log(1 + e^{-(x - mu)/s}) for the Logistic, log(1 + (x - mu)^2/(nu sigma^2))
for the Student t and cos(n x + b) for the von Mises law.

Heavy tails are stated honestly: the Cauchy has no mean (NaN) and an infinite
variance, a Student t has a mean only for nu > 1 and a finite variance only
for nu > 2 (``Piecewise`` on nu), so that nothing downstream silently uses a
moment that does not exist.
"""

from __future__ import annotations

import sympy as sp

from .distributions import ContinuousDistribution, _registered
from .expectations import tabulated_matching
from .laws_positive import linear_exponent

__all__ = ["Cauchy", "Gumbel", "Logistic", "StudentT", "VonMises", "log_quadratic"]

_JKB1 = "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, vol. 1"
_JKB2 = "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2"
_MARDIA = "Mardia & Jupp (2000), Directional Statistics, sec. 3.5.4"


# ---- matching helpers -------------------------------------------------------------------------


def log_quadratic(g: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr, sp.Expr] | None:
    """(A, c, d2) when g = log(A ((x - c)^2 + d2)) with A > 0 and d2 >= 0 known to SymPy, else None.

    Why: the log-densities of the Cauchy and Student t laws hold the log of a
    quadratic in x, written out by expansion in whatever form the engine left
    it (log(1 + (x - m)^2/s^2) becomes log(m^2/s^2 - 2 m x/s^2 + x^2/s^2 + 1)).
    Completing the square recovers the centre c and the offset d2 from any such
    spelling, so one table entry serves every form.  A and d2 must be shown
    positive (non-negative) for the split log A + log((x - c)^2 + d2) to hold.
    """
    if not isinstance(g, sp.log):
        return None
    inner = sp.expand(g.args[0])
    if not inner.is_polynomial(x) or sp.degree(inner, x) != 2:
        return None
    a, b, c0 = (inner.coeff(x, k) for k in (2, 1, 0))
    if sp.expand(a * x**2 + b * x + c0 - inner) != 0 or a.is_positive is not True:
        return None
    centre = sp.cancel(-b / (2 * a))
    d2 = sp.cancel(c0 / a - centre**2)
    if d2.is_nonnegative is not True:
        d2 = sp.factor(d2)
        if d2.is_nonnegative is not True:
            return None
    return a, centre, d2


def _same(u: sp.Expr, v: sp.Expr) -> bool:
    """u == v up to rational simplification (a centre or an offset read off an expanded quadratic)."""
    return sp.cancel(sp.expand(u - v)) == 0


def _softplus_slope(g: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """L when g = log(1 + e^L) with L linear in x (the Logistic's softplus atom in any expanded spelling)."""
    if not isinstance(g, sp.log):
        return None
    rest = sp.powsimp(sp.expand(g.args[0] - 1), combine="exp")
    if not isinstance(rest, sp.exp):
        return None
    exponent = sp.expand(rest.args[0])
    if not exponent.is_polynomial(x) or sp.degree(exponent, x) != 1:
        return None
    return exponent


def _cosine_argument(g: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(n, b) when g = cos(n x + b) with n a non-zero integer and b free of x, else None."""
    if not isinstance(g, sp.cos):
        return None
    inner = sp.expand(g.args[0])
    if not inner.is_polynomial(x) or sp.degree(inner, x) != 1:
        return None
    n = inner.coeff(x, 1)
    if n.is_integer is not True or n.is_zero is not False:
        return None
    return n, sp.expand(inner - n * x)


def _numeric_args(values: dict, dist: ContinuousDistribution) -> list[float]:
    return [float(sp.N(p.subs(values))) for p in dist.args]


# ---- Cauchy -----------------------------------------------------------------------------------


@_registered("Cauchy")
class Cauchy(ContinuousDistribution):
    """Cauchy law with location m (real) and *scale* s > 0 (the half-width at half-maximum):
    density 1 / (pi s (1 + ((x - m)/s)^2)) on the whole line.

    torch.distributions.Cauchy(loc=m, scale=s); scipy.stats.cauchy(loc=m, scale=s).
    It has no mean (E|X| = oo: ``mean_value`` is NaN) and an infinite variance;
    its entropy is log(4 pi s).  Johnson, Kotz & Balakrishnan (1994), vol. 1, ch. 16.

    The log-density is written log s - log pi - log(s^2 + (x - m)^2), so that the
    atom it leaves, log((x - m)^2 + s^2), is the one a KL against another Cauchy
    leaves too: one table entry serves both.
    """

    param_names = ("loc", "scale")
    param_roles = ("real", "positive")
    latex_names = ("mathrm:Cauchy", "operatorname:Cauchy", "Cauchy", "mathrm:Cau", "operatorname:Cau")
    latex_name = r"\mathrm{Cauchy}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[1], 0)]

    def log_density(self, x):
        m, s = self.args
        return sp.log(s) - sp.log(sp.pi) - sp.log(s**2 + (x - m) ** 2)

    def moment(self, k: int) -> sp.Expr:
        """E X^k does not exist for k >= 1: +oo for even k (a non-negative integrand), undefined (NaN) for odd k."""
        if k == 0:
            return sp.Integer(1)
        return sp.oo if k % 2 == 0 else sp.nan

    def mean_value(self) -> sp.Expr:
        return sp.nan  # E|X| = oo: the mean is undefined, not 0 and not the location

    def variance_value(self) -> sp.Expr:
        return sp.oo

    def sample(self, values, size, rng):
        m, s = _numeric_args(values, self)
        return m + s * rng.standard_cauchy(size)


@tabulated_matching(
    Cauchy, "E[log((x - c)^2 + d^2)]",
    "E log((X - c)^2 + d^2) = log((s + d)^2 + (m - c)^2) for X ~ Cauchy(m, s), d >= 0 "
    "(the Poisson kernel: log|z - c - i d|^2 is harmonic in the upper half plane; d = s, c = m gives "
    "E log(1 + ((X - m)/s)^2) = log 4); Chyzak & Nielsen (2019), A closed-form formula for the "
    f"Kullback-Leibler divergence between Cauchy distributions, arXiv:1905.10965; {_JKB1}, ch. 16",
)
def _cauchy_log_quadratic(d: Cauchy, g, x):
    found = log_quadratic(g, x)
    if found is None:
        return None
    a, centre, d2 = found
    m, s = d.args
    return sp.log(a) + sp.log((s + sp.sqrt(d2)) ** 2 + (m - centre) ** 2)


# ---- Gumbel -----------------------------------------------------------------------------------


@_registered("Gumbel")
class Gumbel(ContinuousDistribution):
    """Gumbel law of maxima with location mu (real) and *scale* beta > 0: with z = (x - mu)/beta,
    density exp(-z - e^{-z}) / beta on the whole line (the right-skewed, max-stable form).

    torch.distributions.Gumbel(loc=mu, scale=beta); scipy.stats.gumbel_r(loc=mu, scale=beta)
    (scipy's ``gumbel_l`` is the law of minima, the mirror image).  Mean mu + beta gamma (Euler's
    constant), variance pi^2 beta^2 / 6, entropy log beta + gamma + 1, and E e^{cX} =
    Gamma(1 - beta c) e^{c mu} for beta c < 1.  Johnson, Kotz & Balakrishnan (1995), vol. 2, ch. 22.
    """

    param_names = ("loc", "scale")
    param_roles = ("real", "positive")
    latex_names = ("mathrm:Gumbel", "operatorname:Gumbel", "Gumbel")
    latex_name = r"\mathrm{Gumbel}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[1], 0)]

    def log_density(self, x):
        mu, beta = self.args
        z = (x - mu) / beta
        return -sp.log(beta) - z - sp.exp(-z)

    def moment(self, k: int) -> sp.Expr:
        """E X^k as the k-th derivative at 0 of the mgf Gamma(1 - beta t) e^{mu t} (polygammas at 1)."""
        mu, beta = self.args
        t = sp.Dummy("t")
        return sp.expand(sp.diff(sp.gamma(1 - beta * t) * sp.exp(mu * t), t, k).subs(t, 0))

    def mean_value(self) -> sp.Expr:
        mu, beta = self.args
        return mu + beta * sp.EulerGamma

    def variance_value(self) -> sp.Expr:
        return sp.pi**2 * self.args[1] ** 2 / 6

    def sample(self, values, size, rng):
        mu, beta = _numeric_args(values, self)
        return rng.gumbel(mu, beta, size)  # NumPy's gumbel is the law of maxima with this location and scale


@tabulated_matching(
    Gumbel, "E[exp(c x)]",
    f"moment generating function Gamma(1 - beta c) e^(c mu) for beta c < 1; {_JKB2}, ch. 22",
)
def _gumbel_mgf(d: Gumbel, g, x):
    c = linear_exponent(g, x)
    mu, beta = d.args
    if c is None or (1 - beta * c).is_positive is not True:
        return None
    argument = 1 - beta * c
    # a large numeric argument stays unevaluated: SymPy would expand Gamma(1 + 10^6) into a 5-million-digit integer
    large = bool(argument.is_number and (abs(argument) > 100) is sp.true)
    return sp.gamma(argument, evaluate=not large) * sp.exp(c * mu)


# ---- Logistic ---------------------------------------------------------------------------------


@_registered("Logistic")
class Logistic(ContinuousDistribution):
    """Logistic law with location mu (real) and *scale* s > 0: with z = (x - mu)/s, density
    e^{-z} / (s (1 + e^{-z})^2) on the whole line (standard deviation pi s / sqrt 3, not s).

    scipy.stats.logistic(loc=mu, scale=s); torch.distributions has no Logistic law (a
    TransformedDistribution of a Uniform through the logit is the usual stand-in).
    Mean mu, variance pi^2 s^2 / 3, entropy log s + 2.  Johnson, Kotz & Balakrishnan (1995), vol. 2, ch. 23.
    """

    param_names = ("loc", "scale")
    param_roles = ("real", "positive")
    latex_names = ("mathrm:Logistic", "operatorname:Logistic", "Logistic")
    latex_name = r"\mathrm{Logistic}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[1], 0)]

    def log_density(self, x):
        mu, s = self.args
        z = (x - mu) / s
        return -z - sp.log(s) - 2 * sp.log(1 + sp.exp(-z))

    def moment(self, k: int) -> sp.Expr:
        """E X^k = sum_j C(k, j) mu^(k-j) s^j E Z^j, with E Z^j = (2^j - 2) pi^j |B_j| for even j >= 2 and
        0 for odd j (the standard logistic's moments, from its mgf pi t / sin(pi t))."""
        mu, s = self.args
        total = mu**k
        for j in range(2, k + 1, 2):
            standard = (2**j - 2) * sp.pi**j * sp.Abs(sp.bernoulli(j))
            total += sp.binomial(k, j) * mu ** (k - j) * s**j * standard
        return sp.expand(total)

    def variance_value(self) -> sp.Expr:
        return sp.pi**2 * self.args[1] ** 2 / 3

    def sample(self, values, size, rng):
        mu, s = _numeric_args(values, self)
        return rng.logistic(mu, s, size)


@tabulated_matching(
    Logistic, "E[log(1 + exp(-(x - mu)/s))]",
    "E log(1 + e^(-Z)) = E log(1 + e^(Z)) = 1 for Z = (X - mu)/s standard logistic (with U = 1/(1 + e^-Z) "
    f"uniform, -E log U = 1); {_JKB2}, ch. 23",
)
def _logistic_softplus(d: Logistic, g, x):
    exponent = _softplus_slope(g, x)
    if exponent is None:
        return None
    mu, s = d.args
    z = (x - mu) / s
    if _same(exponent, -z) or _same(exponent, z):
        return sp.Integer(1)
    return None


# ---- Student t --------------------------------------------------------------------------------


@_registered("StudentT", "Student", "StudentsT")
class StudentT(ContinuousDistribution):
    """Student t law with nu > 0 degrees of freedom, location mu (real) and *scale* sigma > 0 (not the
    standard deviation): with z = (x - mu)/sigma, density
    Gamma((nu + 1)/2) / (Gamma(nu/2) sqrt(nu pi) sigma) (1 + z^2/nu)^(-(nu + 1)/2) on the whole line.

    torch.distributions.StudentT(df=nu, loc=mu, scale=sigma); scipy.stats.t(nu, loc=mu, scale=sigma).
    The mean mu exists only for nu > 1, the variance nu sigma^2 / (nu - 2) only for nu > 2 (infinite for
    1 < nu <= 2); both are ``Piecewise`` on nu.  nu = 1 is the Cauchy law.
    Johnson, Kotz & Balakrishnan (1995), vol. 2, ch. 28.
    """

    param_names = ("df", "loc", "scale")
    param_roles = ("positive", "real", "positive")
    latex_names = ("mathrm:StudentT", "operatorname:StudentT", "mathrm:Student", "operatorname:Student",
                   "mathrm:St", "operatorname:St", "StudentT")
    latex_name = r"\mathrm{St}"

    @property
    def df(self) -> sp.Expr:
        return self.args[0]

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[0], 0), sp.StrictGreaterThan(self.args[2], 0)]

    def log_density(self, x):
        nu, mu, sigma = self.args
        z = (x - mu) / sigma
        return (
            sp.loggamma((nu + 1) / 2) - sp.loggamma(nu / 2) - sp.log(nu * sp.pi) / 2 - sp.log(sigma)
            - (nu + 1) / 2 * sp.log(1 + z**2 / nu)
        )

    def moment(self, k: int) -> sp.Expr:
        """E X^k for nu > k from E T^(2n) = nu^n prod_{i=1}^n (2i - 1)/(nu - 2i) (odd ones 0); +oo (even k) or
        undefined (odd k) otherwise."""
        nu, mu, sigma = self.args
        if k == 0:
            return sp.Integer(1)
        total = mu**k
        for j in range(2, k + 1, 2):
            standard = nu ** (j // 2) * sp.Mul(*[sp.Integer(2 * i - 1) / (nu - 2 * i) for i in range(1, j // 2 + 1)])
            total += sp.binomial(k, j) * mu ** (k - j) * sigma**j * standard
        missing = sp.oo if k % 2 == 0 else sp.nan
        return sp.Piecewise((sp.expand(total), sp.StrictGreaterThan(nu, k)), (missing, True))

    def mean_value(self) -> sp.Expr:
        nu, mu, _ = self.args
        return sp.Piecewise((mu, sp.StrictGreaterThan(nu, 1)), (sp.nan, True))

    def variance_value(self) -> sp.Expr:
        nu, _, sigma = self.args
        return sp.Piecewise(
            (nu * sigma**2 / (nu - 2), sp.StrictGreaterThan(nu, 2)), (sp.oo, sp.StrictGreaterThan(nu, 1)),
            (sp.nan, True),
        )

    def sample(self, values, size, rng):
        nu, mu, sigma = _numeric_args(values, self)
        return mu + sigma * rng.standard_t(nu, size)


@tabulated_matching(
    StudentT, "E[log(1 + ((x - mu)/sigma)^2 / nu)]",
    "E log(1 + Z^2/nu) = psi((nu + 1)/2) - psi(nu/2) for Z = (X - mu)/sigma standard t (1/(1 + Z^2/nu) is "
    f"Beta(nu/2, 1/2)); {_JKB2}, ch. 28; Kotz & Nadarajah (2004), Multivariate t Distributions, ch. 1",
)
def _student_log_quadratic(d: StudentT, g, x):
    found = log_quadratic(g, x)
    if found is None:
        return None
    a, centre, d2 = found
    nu, mu, sigma = d.args
    if not (_same(centre, mu) and _same(d2, nu * sigma**2)):
        return None  # other centres and offsets have no closed form
    return sp.log(a) + sp.log(nu * sigma**2) + sp.digamma((nu + 1) / 2) - sp.digamma(nu / 2)


# ---- von Mises --------------------------------------------------------------------------------


@_registered("VonMises", "vonMises", "VM")
class VonMises(ContinuousDistribution):
    """von Mises law on the circle with location mu (real) and *concentration* kappa > 0: density
    e^{kappa cos(x - mu)} / (2 pi I_0(kappa)), represented on the line by the interval [mu - pi, mu + pi].

    torch.distributions.VonMises(loc=mu, concentration=kappa); scipy.stats.vonmises(kappa, loc=mu)
    (scipy takes the concentration first).  Entropy log(2 pi I_0(kappa)) - kappa I_1(kappa)/I_0(kappa);
    E cos(n (X - mu)) = I_n(kappa)/I_0(kappa).  Mardia & Jupp (2000), Directional Statistics, sec. 3.5.4.

    Why an interval: the numeric oracle and the support-nesting theorem see a law on the line, so two
    von Mises laws with different locations have non-nested supports there (their circular KL is
    finite, but it is not what a law on the line gives); with one location the supports agree.  The
    linear moments beyond the mean are series of Bessel ratios and are not given.
    """

    param_names = ("loc", "concentration")
    param_roles = ("real", "positive")
    latex_names = ("mathrm:VonMises", "operatorname:VonMises", "mathrm:vM", "operatorname:vM", "mathrm:VM",
                   "operatorname:VM")
    latex_name = r"\mathrm{VM}"

    def constraints(self):
        return [sp.StrictGreaterThan(self.args[1], 0)]

    def support(self):
        mu = self.args[0]
        return sp.Interval(mu - sp.pi, mu + sp.pi)

    def log_density(self, x):
        mu, kappa = self.args
        return kappa * sp.cos(x - mu) - sp.log(2 * sp.pi * sp.besseli(0, kappa))

    def moment(self, k: int) -> sp.Expr:
        """E X = mu (the density is symmetric about mu on [mu - pi, mu + pi]); higher ones are not given."""
        if k == 0:
            return sp.Integer(1)
        if k == 1:
            return self.args[0]
        raise NotImplementedError("the von Mises law's linear moments beyond the mean are Bessel series")

    def sample(self, values, size, rng):
        mu, kappa = _numeric_args(values, self)
        return mu + rng.vonmises(0.0, kappa, size)  # NumPy's draws lie in [-pi, pi]: shifted to [mu - pi, mu + pi]


@tabulated_matching(
    VonMises, "E[cos(n x + b)]",
    f"E cos(n X + b) = I_|n|(kappa)/I_0(kappa) cos(n mu + b) for an integer n (the circular moments); {_MARDIA}",
)
def _von_mises_cos(d: VonMises, g, x):
    found = _cosine_argument(g, x)
    if found is None:
        return None
    n, b = found
    mu, kappa = d.args
    return sp.besseli(sp.Abs(n), kappa) / sp.besseli(0, kappa) * sp.cos(n * mu + b)
