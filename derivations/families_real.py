"""Entropies and KL divergences of the laws on the whole line and the circle, derived from the definitions.

Cauchy, Gumbel, Logistic, Student t and von Mises entropies; KL between two Cauchy and two Gumbel
laws; the Gumbel against the Normal in both directions (torch.distributions once had the Gumbel ->
Normal term pi beta / (12 s) where the correct term is (pi beta)^2 / (12 s^2)); the Gumbel as the
second law of an Exponential, a Gamma and a Uniform; the Normal against the Laplace law with distinct
locations (torch once dropped the location from KL(Normal || Laplace)) and back; the Uniform against
the Normal; and the pairs whose supports are not nested, where the divergence is +oo, as torch
registers them.  Each derivation ends with the cited textbook form as its last step, so that the
engine's result is checked against the literature, not only against itself.
"""

import sympy as sp

from infoproofs import (
    KL,
    DiffEntropy,
    Exponential,
    Gamma,
    Laplace,
    Normal,
    Uniform,
    derive,
    positive,
    real,
)
from infoproofs.notation.laws_positive import Pareto
from infoproofs.notation.laws_real import Cauchy, Gumbel, Logistic, StudentT, VonMises
from infoproofs.notation.laws_unit import Beta

_COVER = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Table 17.1"
_JKB1 = "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, vol. 1"
_JKB2 = "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2"
_TORCH = "the closed forms registered in torch.distributions.kl (PyTorch), re-derived here"

m, m1, m2, mu, mu1, mu2 = real("m m1 m2 mu mu1 mu2")
s, s1, s2, b, b1, b2, nu, k, lam, a, r = positive("s s1 s2 b b1 b2 nu k lam a r")
lo, hi = real("lo hi")
g = sp.EulerGamma

# ---- entropies -----------------------------------------------------------------------------------

entropy_cauchy = derive(DiffEntropy(Cauchy(m, s)), name="entropy_cauchy", source=f"{_COVER}; {_JKB1}, ch. 16")
entropy_cauchy.eq(sp.log(4 * sp.pi * s), by="algebra", note="h = log(4 pi s)")

entropy_gumbel = derive(DiffEntropy(Gumbel(mu, b)), name="entropy_gumbel", source=f"{_COVER}; {_JKB2}, ch. 22")
entropy_gumbel.eq(sp.log(b) + g + 1, by="algebra", note="h = log beta + gamma + 1 (Euler's gamma)")

entropy_logistic = derive(DiffEntropy(Logistic(mu, s)), name="entropy_logistic", source=f"{_COVER}; {_JKB2}, ch. 23")
entropy_logistic.eq(sp.log(s) + 2, by="algebra", note="h = log s + 2")

entropy_student_t = derive(
    DiffEntropy(StudentT(nu, mu, s)), name="entropy_student_t",
    source=f"{_COVER} (Student t); Kotz & Nadarajah (2004), Multivariate t Distributions, ch. 1; {_JKB2}, ch. 28",
)
entropy_student_t.eq(
    (nu + 1) / 2 * (sp.digamma((nu + 1) / 2) - sp.digamma(nu / 2))
    + sp.log(sp.sqrt(nu * sp.pi)) + sp.loggamma(nu / 2) - sp.loggamma((nu + 1) / 2) + sp.log(s),
    by="algebra",
    note="h = (nu+1)/2 (psi((nu+1)/2) - psi(nu/2)) + log(sqrt(nu) B(nu/2, 1/2)) + log sigma, with "
    "log B(nu/2, 1/2) = log Gamma(nu/2) + log sqrt(pi) - log Gamma((nu+1)/2) written out",
)

entropy_von_mises = derive(
    DiffEntropy(VonMises(mu, k)), name="entropy_von_mises",
    source="Mardia & Jupp (2000), Directional Statistics, sec. 3.5.4; Cover & Thomas (2006) ch. 8 (definition)",
)
entropy_von_mises.eq(
    sp.log(2 * sp.pi * sp.besseli(0, k)) - k * sp.besseli(1, k) / sp.besseli(0, k),
    by="algebra", note="h = log(2 pi I_0(kappa)) - kappa I_1(kappa)/I_0(kappa)",
)

# ---- KL between laws of one family ------------------------------------------------------------------

kl_cauchy_cauchy = derive(
    KL(Cauchy(m1, s1), Cauchy(m2, s2)), name="kl_cauchy_cauchy",
    source="Chyzak & Nielsen (2019), A closed-form formula for the Kullback-Leibler divergence between "
    "Cauchy distributions, arXiv:1905.10965",
)
kl_cauchy_cauchy.eq(
    sp.log(((s1 + s2) ** 2 + (m1 - m2) ** 2) / (4 * s1 * s2)), by="algebra",
    note="log(((s1 + s2)^2 + (m1 - m2)^2) / (4 s1 s2)), symmetric in the two laws",
)

kl_gumbel_gumbel = derive(KL(Gumbel(mu1, b1), Gumbel(mu2, b2)), name="kl_gumbel_gumbel", source=f"{_TORCH}; {_JKB2}, ch. 22")
kl_gumbel_gumbel.eq(
    sp.log(b2 / b1) + g * (b1 / b2 - 1) + (mu1 - mu2) / b2 + sp.exp((mu2 - mu1) / b2) * sp.gamma(1 + b1 / b2) - 1,
    by="algebra",
    note="log(b2/b1) + gamma (b1/b2 - 1) + (mu1 - mu2)/b2 + e^((mu2 - mu1)/b2) Gamma(1 + b1/b2) - 1",
)

# ---- the Gumbel against other laws -------------------------------------------------------------------

kl_gumbel_normal = derive(
    KL(Gumbel(mu, b), Normal(m, s**2)), name="kl_gumbel_normal",
    source=f"{_TORCH} (torch once had pi beta / (12 s) here, without the squares); {_JKB2}, ch. 22",
)
kl_gumbel_normal.eq(
    sp.log(s * sp.sqrt(2 * sp.pi) / b) + (sp.pi * b) ** 2 / (12 * s**2) + (mu + b * g - m) ** 2 / (2 * s**2) - g - 1,
    by="algebra", note="log(s sqrt(2 pi)/beta) + (pi beta)^2/(12 s^2) + (mu + beta gamma - m)^2/(2 s^2) - gamma - 1",
)

kl_normal_gumbel = derive(KL(Normal(m, s**2), Gumbel(mu, b)), name="kl_normal_gumbel", source=f"{_TORCH}; {_JKB2}, ch. 22")
kl_normal_gumbel.eq(
    sp.log(b / (s * sp.sqrt(2 * sp.pi))) - sp.Rational(1, 2) + (m - mu) / b + sp.exp((mu - m) / b + s**2 / (2 * b**2)),
    by="algebra", note="log(beta/(s sqrt(2 pi))) - 1/2 + (m - mu)/beta + e^((mu - m)/beta + s^2/(2 beta^2))",
)

kl_exponential_gumbel = derive(KL(Exponential(lam), Gumbel(mu, b)), name="kl_exponential_gumbel", source=_TORCH)
kl_exponential_gumbel.eq(
    sp.log(lam * b) - 1 + (1 / lam - mu) / b + sp.exp(mu / b) * lam * b / (lam * b + 1),
    by="algebra", note="log(lambda beta) - 1 + (1/lambda - mu)/beta + e^(mu/beta) lambda beta/(lambda beta + 1)",
)

kl_gamma_gumbel = derive(KL(Gamma(a, r), Gumbel(mu, b)), name="kl_gamma_gumbel", source=f"{_TORCH}; {_JKB1}, ch. 17")
kl_gamma_gumbel.eq(
    -a + sp.log(r * b) - sp.loggamma(a) - (1 - a) * sp.digamma(a) + (a / r - mu) / b
    + sp.exp(mu / b) * (r * b / (r * b + 1)) ** a,
    by="algebra", note="-h(Gamma(a, r)) + log beta + (a/r - mu)/beta + e^(mu/beta) (r beta/(r beta + 1))^a",
)

kl_uniform_gumbel = derive(
    KL(Uniform(lo, hi), Gumbel(mu, b)), name="kl_uniform_gumbel", source=_TORCH, assumptions=[sp.Lt(lo, hi)],
)
kl_uniform_gumbel.eq(
    sp.log(b / (hi - lo)) + ((lo + hi) / 2 - mu) / b + b * sp.exp(mu / b) * (sp.exp(-lo / b) - sp.exp(-hi / b)) / (hi - lo),
    by="algebra", note="log(beta/(hi - lo)) + ((lo + hi)/2 - mu)/beta + beta e^(mu/beta) (e^(-lo/beta) - e^(-hi/beta))/(hi - lo)",
)

# ---- Normal, Laplace, Uniform -------------------------------------------------------------------------

kl_normal_laplace = derive(
    KL(Normal(m, s**2), Laplace(mu, b)), name="kl_normal_laplace",
    source=f"{_TORCH} (torch once ignored the Laplace location here); folded normal mean: Leone, Nelson & "
    "Nottingham (1961), Technometrics 3(4)",
)
_delta = m - mu
kl_normal_laplace.eq(
    sp.log(2 * b / (s * sp.sqrt(2 * sp.pi))) - sp.Rational(1, 2)
    + (s * sp.sqrt(2 / sp.pi) * sp.exp(-_delta**2 / (2 * s**2)) + _delta * sp.erf(_delta / (s * sp.sqrt(2)))) / b,
    by="algebra",
    note="log(2 b/(s sqrt(2 pi))) - 1/2 + E|x - mu|/b, E|x - mu| = s sqrt(2/pi) e^(-d^2/(2 s^2)) + d erf(d/(s sqrt 2)), d = m - mu",
)

kl_laplace_normal = derive(KL(Laplace(mu, b), Normal(m, s**2)), name="kl_laplace_normal", source=f"{_TORCH}; {_JKB2}, ch. 24")
kl_laplace_normal.eq(
    sp.log(s * sp.sqrt(2 * sp.pi) / (2 * b)) - 1 + (2 * b**2 + (mu - m) ** 2) / (2 * s**2),
    by="algebra", note="log(s sqrt(2 pi)/(2 b)) - 1 + (2 b^2 + (mu - m)^2)/(2 s^2)",
)

kl_uniform_normal = derive(
    KL(Uniform(lo, hi), Normal(m, s**2)), name="kl_uniform_normal", source=_TORCH, assumptions=[sp.Lt(lo, hi)],
)
kl_uniform_normal.eq(
    sp.log(s * sp.sqrt(2 * sp.pi) / (hi - lo)) + ((hi - lo) ** 2 / 12 + ((lo + hi) / 2 - m) ** 2) / (2 * s**2),
    by="algebra", note="log(s sqrt(2 pi)/(hi - lo)) + ((hi - lo)^2/12 + ((lo + hi)/2 - m)^2)/(2 s^2)",
)

# ---- supports not nested: +oo, as torch registers these pairs --------------------------------------------
# (derive's single step is the theorem itself; its value, +oo, is the textbook answer)

kl_gumbel_exponential = derive(KL(Gumbel(mu, b), Exponential(lam)), name="kl_gumbel_exponential", source=_TORCH)
kl_gumbel_gamma = derive(KL(Gumbel(mu, b), Gamma(a, r)), name="kl_gumbel_gamma", source=_TORCH)
kl_gumbel_beta = derive(KL(Gumbel(mu, b), Beta(a, r)), name="kl_gumbel_beta", source=_TORCH)
kl_gumbel_pareto = derive(KL(Gumbel(mu, b), Pareto(r, a)), name="kl_gumbel_pareto", source=_TORCH)
kl_gumbel_uniform = derive(
    KL(Gumbel(mu, b), Uniform(lo, hi)), name="kl_gumbel_uniform", source=_TORCH, assumptions=[sp.Lt(lo, hi)],
)
kl_laplace_exponential = derive(KL(Laplace(mu, b), Exponential(lam)), name="kl_laplace_exponential", source=_TORCH)
kl_laplace_gamma = derive(KL(Laplace(mu, b), Gamma(a, r)), name="kl_laplace_gamma", source=_TORCH)
kl_laplace_uniform = derive(
    KL(Laplace(mu, b), Uniform(lo, hi)), name="kl_laplace_uniform", source=_TORCH, assumptions=[sp.Lt(lo, hi)],
)
kl_normal_exponential = derive(KL(Normal(m, s**2), Exponential(lam)), name="kl_normal_exponential", source=_TORCH)
kl_normal_gamma = derive(KL(Normal(m, s**2), Gamma(a, r)), name="kl_normal_gamma", source=_TORCH)
kl_normal_uniform = derive(
    KL(Normal(m, s**2), Uniform(lo, hi)), name="kl_normal_uniform", source=_TORCH, assumptions=[sp.Lt(lo, hi)],
)
