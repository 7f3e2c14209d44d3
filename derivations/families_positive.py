"""Entropies and KL divergences of the laws on the positive half-line, derived from the definitions.

Each chain is produced by the engine (definition -> explicit log-density ->
linearity -> moments and tabulated expectations -> algebra) and ends with the
closed form as the literature states it, so the engine's result is checked
against an independent statement.  The +oo pairs are those torch.distributions
registers as infinite: supports that are not nested.

Parameter regions are written so that SymPy can decide them: a Pareto that
must have a finite mean or variance has shape 1 + w or 2 + w (w > 0), and a
Pareto or Uniform whose support must lie inside another's is shifted by a
positive amount.

Sources: Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Table 17.1;
Lazo & Rathie (1978), "On the entropy of continuous probability distributions",
IEEE Trans. Inf. Theory 24(1); Johnson, Kotz & Balakrishnan (1994-95), Continuous
Univariate Distributions, vols. 1-2; Penny (2001), "KL-divergences of Normal, Gamma,
Dirichlet and Wishart densities", Wellcome Dept. of Imaging Neuroscience; Gil, Alajaji &
Linder (2013), "Renyi divergence measures for commonly used univariate continuous
distributions", Information Sciences 249.
"""

import sympy as sp

from infoproofs import (
    KL,
    Chi2,
    DiffEntropy,
    Exponential,
    Gamma,
    HalfNormal,
    LogLogistic,
    LogNormal,
    Normal,
    Pareto,
    Uniform,
    Weibull,
    derive,
    positive,
    real,
)

_CT = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Table 17.1"
_LR = "Lazo & Rathie (1978), IEEE Trans. Inf. Theory 24(1)"
_JKB = "Johnson, Kotz & Balakrishnan (1994-95), Continuous Univariate Distributions"
_PENNY = "Penny (2001), KL-divergences of Normal, Gamma, Dirichlet and Wishart densities"
_GIL = "Gil, Alajaji & Linder (2013), Information Sciences 249"
_TORCH = "torch.distributions.kl registers this pair as +oo (supports not nested)"

a, b, k, lam, s = positive("a b k lam s")
a1, b1, a2, b2 = positive("a1 b1 a2 b2")
s1, s2, xm, xm2, w, c = positive("s1 s2 x_m x_m2 w c")
m, mu = real("m mu")
v = positive("v")


def _entropy(name: str, dist, textbook: sp.Expr, source: str, note: str):
    d = derive(DiffEntropy(dist), name=name, source=source)
    d.eq(textbook, by="algebra", note=note)
    return d


def _kl(name: str, p, q, textbook: sp.Expr, source: str, note: str):
    d = derive(KL(p, q), name=name, source=source)
    d.eq(textbook, by="algebra", note=note)
    return d


def _infinite(name: str, p, q, why: str):
    """A divergence that is +oo because p puts mass where q has none."""
    d = derive(KL(p, q), name=name, source=f"{_TORCH}; {why}")
    return d


# ---- entropies -------------------------------------------------------------------------------

entropy_gamma = _entropy(
    "entropy_gamma", Gamma(a, b), a - sp.log(b) + sp.loggamma(a) + (1 - a) * sp.digamma(a),
    f"{_CT}; {_LR}; {_JKB}, vol. 1, ch. 17", "h = a - log b + log Gamma(a) + (1 - a) psi(a)",
)
entropy_chi2 = _entropy(
    "entropy_chi2", Chi2(k), k / 2 + sp.log(2) + sp.loggamma(k / 2) + (1 - k / 2) * sp.digamma(k / 2),
    f"{_CT}; {_LR}; {_JKB}, vol. 1, ch. 18", "h = k/2 + log(2 Gamma(k/2)) + (1 - k/2) psi(k/2)",
)
entropy_weibull = _entropy(
    "entropy_weibull", Weibull(k, lam), sp.EulerGamma * (1 - 1 / k) + sp.log(lam / k) + 1,
    f"{_LR}; {_JKB}, vol. 1, ch. 21", "h = gamma (1 - 1/k) + log(lambda/k) + 1 (Euler's gamma)",
)
entropy_lognormal = _entropy(
    "entropy_lognormal", LogNormal(mu, s), mu + sp.log(s * sp.sqrt(2 * sp.pi * sp.E)),
    f"{_CT}; {_LR}; {_JKB}, vol. 1, ch. 14", "h = mu + log(sigma sqrt(2 pi e)), sigma the sd of log X",
)
entropy_half_normal = _entropy(
    "entropy_half_normal", HalfNormal(s), sp.log(s * sp.sqrt(sp.pi * sp.E / 2)),
    f"{_LR}; {_JKB}, vol. 1, ch. 13", "h = log(sigma sqrt(pi e / 2))",
)
entropy_pareto = _entropy(
    "entropy_pareto", Pareto(xm, a), sp.log(xm / a) + 1 / a + 1,
    f"{_CT}; {_LR}; {_JKB}, vol. 1, ch. 20", "h = log(x_m/alpha) + 1/alpha + 1 (statrs once inverted the ratio)",
)
entropy_log_logistic = _entropy(
    "entropy_log_logistic", LogLogistic(a, b), sp.log(a / b) + 2,
    f"{_LR}; {_JKB}, vol. 2, ch. 23", "h = log(alpha/beta) + 2 in nats (TFP once returned it in bits)",
)

# ---- KL divergences with finite values -----------------------------------------------------

_h_gamma = a1 - sp.log(b1) + sp.loggamma(a1) + (1 - a1) * sp.digamma(a1)
kl_gamma_gamma = _kl(
    "kl_gamma_gamma", Gamma(a1, b1), Gamma(a2, b2),
    (a1 - a2) * sp.digamma(a1) - sp.loggamma(a1) + sp.loggamma(a2) + a2 * sp.log(b1 / b2) + a1 * (b2 - b1) / b1,
    f"{_PENNY}; {_GIL}", "(a1 - a2) psi(a1) - log Gamma(a1) + log Gamma(a2) + a2 log(b1/b2) + a1 (b2 - b1)/b1",
)
kl_exponential_gamma = _kl(
    "kl_exponential_gamma", Exponential(lam), Gamma(a, b),
    a * sp.log(lam / b) + (a - 1) * sp.EulerGamma + b / lam - 1 + sp.loggamma(a),
    f"{_GIL}; E log X = -gamma - log lambda ({_JKB}, vol. 1, ch. 19)",
    "a log(lambda/b) + (a - 1) gamma + b/lambda - 1 + log Gamma(a)",
)
kl_gamma_exponential = _kl(
    "kl_gamma_exponential", Gamma(a, b), Exponential(lam),
    (a - 1) * sp.digamma(a) - sp.loggamma(a) - a + sp.log(b / lam) + a * lam / b,
    f"{_GIL}; {_JKB}, vol. 1, ch. 17", "(a - 1) psi(a) - log Gamma(a) - a + log(b/lambda) + a lambda/b",
)
kl_gamma_normal = _kl(
    "kl_gamma_normal", Gamma(a1, b1), Normal(m, v),
    -_h_gamma + sp.log(2 * sp.pi * v) / 2 + (a1 / b1**2 + (a1 / b1 - m) ** 2) / (2 * v),
    f"{_CT} (Gamma entropy); Gaussian cross-entropy E (X - m)^2 / (2 v) + log(2 pi v)/2",
    "-h(Gamma) + log(2 pi v)/2 + (Var X + (E X - m)^2)/(2 v)",
)
kl_exponential_normal = _kl(
    "kl_exponential_normal", Exponential(lam), Normal(m, v),
    sp.log(lam) - 1 + sp.log(2 * sp.pi * v) / 2 + (1 / lam**2 + (1 / lam - m) ** 2) / (2 * v),
    f"{_CT} (Exponential entropy 1 - log lambda); Gaussian cross-entropy",
    "-(1 - log lambda) + log(2 pi v)/2 + (1/lambda^2 + (1/lambda - m)^2)/(2 v)",
)
kl_half_normal_half_normal = _kl(
    "kl_half_normal_half_normal", HalfNormal(s1), HalfNormal(s2),
    sp.log(s2 / s1) + s1**2 / (2 * s2**2) - sp.Rational(1, 2),
    f"{_GIL} (the normal case restricted to x >= 0)", "log(s2/s1) + s1^2/(2 s2^2) - 1/2",
)
kl_pareto_pareto = _kl(
    "kl_pareto_pareto", Pareto(xm2 + w, a1), Pareto(xm2, a2),
    sp.log(a1 / a2) + a2 * sp.log((xm2 + w) / xm2) + a2 / a1 - 1,
    f"{_GIL}; finite only for x_m1 >= x_m2, here x_m1 = x_m2 + w",
    "log(alpha1/alpha2) + alpha2 log(x_m1/x_m2) + alpha2/alpha1 - 1",
)
_h_pareto1 = sp.log(xm / (1 + w)) + 1 / (1 + w) + 1  # Pareto(x_m, 1 + w): a finite mean
kl_pareto_exponential = _kl(
    "kl_pareto_exponential", Pareto(xm, 1 + w), Exponential(lam),
    -_h_pareto1 - sp.log(lam) + lam * (1 + w) * xm / w,
    f"{_JKB}, vol. 1, ch. 20 (E X = alpha x_m/(alpha - 1)); finite only for alpha > 1, here alpha = 1 + w",
    "-h(Pareto) - log lambda + lambda alpha x_m/(alpha - 1)",
)
kl_pareto_gamma = _kl(
    "kl_pareto_gamma", Pareto(xm, 1 + w), Gamma(a, b),
    -_h_pareto1 - (a - 1) * (sp.log(xm) + 1 / (1 + w)) + b * (1 + w) * xm / w - a * sp.log(b) + sp.loggamma(a),
    f"{_JKB}, vol. 1, ch. 20 (E log X = log x_m + 1/alpha); finite only for alpha > 1, here alpha = 1 + w",
    "-h(Pareto) - (a - 1) E log X + b E X - a log b + log Gamma(a)",
)
_alpha2 = 2 + w  # Pareto(x_m, 2 + w): a finite variance
kl_pareto_normal = _kl(
    "kl_pareto_normal", Pareto(xm, _alpha2), Normal(m, v),
    -(sp.log(xm / _alpha2) + 1 / _alpha2 + 1) + sp.log(2 * sp.pi * v) / 2
    + (_alpha2 * xm**2 / (_alpha2 - 2) - 2 * m * _alpha2 * xm / (_alpha2 - 1) + m**2) / (2 * v),
    f"{_JKB}, vol. 1, ch. 20 (E X^2 = alpha x_m^2/(alpha - 2)); finite only for alpha > 2, here alpha = 2 + w",
    "-h(Pareto) + log(2 pi v)/2 + E (X - m)^2 / (2 v)",
)
_h_uniform = sp.log(w)  # Uniform(c, c + w), c > 0: inside (0, oo)
_uniform_log = ((c + w) * sp.log(c + w) - c * sp.log(c)) / w - 1
kl_uniform_gamma = _kl(
    "kl_uniform_gamma", Uniform(c, c + w), Gamma(a, b),
    -_h_uniform - (a - 1) * _uniform_log + b * (c + w / 2) - a * sp.log(b) + sp.loggamma(a),
    f"{_GIL}; E log X under Uniform(c, c + w) by direct integration",
    "-log w - (a - 1) E log X + b (c + w/2) - a log b + log Gamma(a)",
)
kl_uniform_exponential = _kl(
    "kl_uniform_exponential", Uniform(c, c + w), Exponential(lam),
    -sp.log(w * lam) + lam * (c + w / 2),
    f"{_GIL}; the Uniform's mean c + w/2", "-log(w lambda) + lambda (c + w/2)",
)
kl_uniform_pareto = _kl(
    "kl_uniform_pareto", Uniform(xm + c, xm + c + w), Pareto(xm, a),
    -sp.log(w) - sp.log(a) - a * sp.log(xm)
    + (a + 1) * (((xm + c + w) * sp.log(xm + c + w) - (xm + c) * sp.log(xm + c)) / w - 1),
    f"{_GIL}; the Uniform on [x_m + c, x_m + c + w] lies inside the Pareto's support [x_m, oo)",
    "-log w - log alpha - alpha log x_m + (alpha + 1) E log X",
)

# ---- the +oo pairs ----------------------------------------------------------------------------

kl_gamma_uniform = _infinite("kl_gamma_uniform", Gamma(a, b), Uniform(m, m + w), "[0, oo) is not inside [m, m + w]")
kl_gamma_pareto = _infinite("kl_gamma_pareto", Gamma(a, b), Pareto(xm, a2), "[0, oo) is not inside [x_m, oo)")
kl_exponential_pareto = _infinite("kl_exponential_pareto", Exponential(lam), Pareto(xm, a), "[0, oo) is not inside [x_m, oo)")
kl_exponential_uniform = _infinite(
    "kl_exponential_uniform", Exponential(lam), Uniform(m, m + w), "[0, oo) is not inside [m, m + w]"
)
kl_pareto_uniform = _infinite("kl_pareto_uniform", Pareto(xm, a), Uniform(m, m + w), "[x_m, oo) is not inside [m, m + w]")
