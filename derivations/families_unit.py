"""Entropies and KL divergences of the laws on the unit interval, derived from the definitions.

Each chain is produced by the engine (definition -> explicit log-density ->
linearity -> moments and tabulated expectations -> algebra) and ends with the
closed form as the literature states it, so the engine's result is checked
against an independent statement.  The +oo pairs are those torch.distributions
registers as infinite for a Beta: supports that are not nested.

Parameter regions are written so that SymPy can decide the supports' nesting:
the Uniform that contains [0, 1] is Uniform(-u, 1 + w), and the Uniform inside
(0, 1) is Uniform(1/(1 + u), 1 - u/((1 + u)(1 + w))) (u, w > 0), which spans
every interval 0 < lo < hi < 1 (lo = 1/(1 + u), 1 - hi = (1 - lo)/(1 + w)).

Sources: Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Table 17.1;
Lazo & Rathie (1978), IEEE Trans. Inf. Theory 24(1); Johnson, Kotz & Balakrishnan (1995),
Continuous Univariate Distributions, vol. 2, ch. 25; Jones (2009), Statistical Methodology 6(1);
Penny (2001), KL-divergences of Normal, Gamma, Dirichlet and Wishart densities.
"""

import sympy as sp

from infoproofs import (
    KL,
    Beta,
    DiffEntropy,
    Exponential,
    Gamma,
    Kumaraswamy,
    Laplace,
    Normal,
    Pareto,
    Uniform,
    derive,
    positive,
    real,
)

_CT = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Table 17.1"
_LR = "Lazo & Rathie (1978), IEEE Trans. Inf. Theory 24(1)"
_JKB = "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2, ch. 25"
_JONES = "Jones (2009), Kumaraswamy's distribution, Statistical Methodology 6(1), sec. 2"
_PENNY = "Penny (2001), KL-divergences of Normal, Gamma, Dirichlet and Wishart densities"
_TORCH = "torch.distributions.kl registers this pair as +oo (supports not nested)"

a, b, a1, b1, a2, b2 = positive("a b a1 b1 a2 b2")
lam, k, r, u, w, v, xm, s = positive("lam k r u w v x_m s")
m = real("m")

psi = sp.digamma


def _log_beta(p, q):
    """log B(p, q) written with log Gamma, as the Beta's log-density writes it."""
    return sp.loggamma(p) + sp.loggamma(q) - sp.loggamma(p + q)


def _final(d, textbook: sp.Expr, note: str):
    d.eq(textbook, by="algebra", note=note)
    return d


# ---- entropies --------------------------------------------------------------------------

entropy_beta = _final(
    derive(DiffEntropy(Beta(a, b)), name="entropy_beta", source=f"{_CT}; {_LR}; {_JKB}"),
    _log_beta(a, b) - (a - 1) * psi(a) - (b - 1) * psi(b) + (a + b - 2) * psi(a + b),
    "log B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b)",
)

entropy_kumaraswamy = _final(
    derive(DiffEntropy(Kumaraswamy(a, b)), name="entropy_kumaraswamy", source=f"{_JONES}; tensorflow/probability PR #358 (2019)"),
    (1 - 1 / b) + (1 - 1 / a) * sp.harmonic(b) - sp.log(a * b),
    "(1 - 1/b) + (1 - 1/a) H_b - log(a b), H_b the harmonic number (the form TFP's fix restored)",
)

# ---- KL divergences with a finite value ------------------------------------------------------

kl_beta_beta = _final(
    derive(KL(Beta(a1, b1), Beta(a2, b2)), name="kl_beta_beta", source=f"{_PENNY}; {_JKB}"),
    _log_beta(a2, b2) - _log_beta(a1, b1) + (a1 - a2) * psi(a1) + (b1 - b2) * psi(b1)
    + (a2 - a1 + b2 - b1) * psi(a1 + b1),
    "log B(a2, b2)/B(a1, b1) + (a1 - a2) psi(a1) + (b1 - b2) psi(b1) + (a2 - a1 + b2 - b1) psi(a1 + b1)",
)

_h_beta = _log_beta(a, b) - (a - 1) * psi(a) - (b - 1) * psi(b) + (a + b - 2) * psi(a + b)

kl_beta_exponential = _final(
    derive(KL(Beta(a, b), Exponential(lam)), name="kl_beta_exponential", source=f"{_JKB}; {_CT}"),
    -_h_beta - sp.log(lam) + lam * a / (a + b),
    "-h(Beta(a, b)) - log lam + lam E X, E X = a/(a + b)",
)

kl_beta_gamma = _final(
    derive(KL(Beta(a, b), Gamma(k, r)), name="kl_beta_gamma", source=f"{_JKB}; {_PENNY}"),
    -_h_beta - k * sp.log(r) + sp.loggamma(k) - (k - 1) * (psi(a) - psi(a + b)) + r * a / (a + b),
    "-h(Beta(a, b)) - k log r + log Gamma(k) - (k - 1) E log X + r E X, E log X = psi(a) - psi(a + b)",
)

kl_beta_normal = _final(
    derive(KL(Beta(a, b), Normal(m, v)), name="kl_beta_normal", source=f"{_JKB}; {_CT}"),
    -_h_beta + sp.log(2 * sp.pi * v) / 2
    + (a * b / ((a + b) ** 2 * (a + b + 1)) + (a / (a + b) - m) ** 2) / (2 * v),
    "-h(Beta(a, b)) + log(2 pi v)/2 + (Var X + (E X - m)^2)/(2 v)",
)

kl_beta_uniform = _final(
    derive(KL(Beta(a, b), Uniform(-u, 1 + w)), name="kl_beta_uniform", source=f"{_CT}; {_JKB}"),
    -_h_beta + sp.log(1 + u + w),
    "Uniform(-u, 1 + w) contains [0, 1]: -h(Beta(a, b)) + log(1 + u + w)",
)

_lo, _hi = 1 / (1 + u), 1 - u / ((1 + u) * (1 + w))
kl_uniform_beta = _final(
    derive(KL(Uniform(_lo, _hi), Beta(a, b)), name="kl_uniform_beta", source=f"{_CT}; {_JKB}"),
    -sp.log(_hi - _lo) + _log_beta(a, b)
    - (a - 1) * ((_hi * sp.log(_hi) - _lo * sp.log(_lo)) / (_hi - _lo) - 1)
    - (b - 1) * (((1 - _lo) * sp.log(1 - _lo) - (1 - _hi) * sp.log(1 - _hi)) / (_hi - _lo) - 1),
    "-log(hi - lo) + log B(a, b) - (a - 1) E log X - (b - 1) E log(1 - X) for X uniform on [lo, hi] inside (0, 1)",
)

# ---- the +oo pairs (supports not nested) ---------------------------------------------------------

kl_beta_pareto = derive(KL(Beta(a, b), Pareto(xm, s)), name="kl_beta_pareto", source=_TORCH)
kl_exponential_beta = derive(KL(Exponential(lam), Beta(a, b)), name="kl_exponential_beta", source=_TORCH)
kl_gamma_beta = derive(KL(Gamma(k, r), Beta(a, b)), name="kl_gamma_beta", source=_TORCH)
kl_normal_beta = derive(KL(Normal(m, v), Beta(a, b)), name="kl_normal_beta", source=_TORCH)
kl_laplace_beta = derive(KL(Laplace(m, v), Beta(a, b)), name="kl_laplace_beta", source=_TORCH)
