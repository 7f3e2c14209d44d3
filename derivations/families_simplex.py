"""Entropies and KL divergences of the Dirichlet law, derived from the definitions.

Each chain is produced by the engine (definition -> explicit log-density ->
linearity -> tabulated E log x_i = psi(a_i) - psi(a_0) -> algebra) over the
point (x_1, ..., x_K) of the simplex, and ends with the closed form as the
literature states it, so the engine's result is checked against an
independent statement; the numeric oracle integrates the definitions by
stick-breaking into Beta quadratures.  K = 2 is the Beta law in x_1, and its
entropy is also stated as the Beta entropy of ``families_unit``.

Sources: Kotz, Balakrishnan & Johnson (2000), Continuous Multivariate Distributions, vol. 1,
ch. 49; Penny (2001), KL-divergences of Normal, Gamma, Dirichlet and Wishart densities;
Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2, ch. 25.
"""

import sympy as sp

from infoproofs import KL, DiffEntropy, Dirichlet, derive, positive

_KBJ = "Kotz, Balakrishnan & Johnson (2000), Continuous Multivariate Distributions, vol. 1, ch. 49"
_PENNY = "Penny (2001), KL-divergences of Normal, Gamma, Dirichlet and Wishart densities"
_JKB = "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2, ch. 25"

a1, a2, a3, b1, b2, b3 = positive("a1 a2 a3 b1 b2 b3")

psi = sp.digamma


def _log_beta(*alphas):
    """log B(a) = sum log Gamma(a_i) - log Gamma(a_0), as the Dirichlet's log-density writes it."""
    return sp.Add(*[sp.loggamma(a) for a in alphas]) - sp.loggamma(sp.Add(*alphas))


def _entropy(*alphas):
    """h = log B(a) + (a_0 - K) psi(a_0) - sum (a_i - 1) psi(a_i)."""
    a0 = sp.Add(*alphas)
    return _log_beta(*alphas) + (a0 - len(alphas)) * psi(a0) - sp.Add(*[(a - 1) * psi(a) for a in alphas])


def _kl(alphas, betas):
    """KL = log Gamma(a_0) - sum log Gamma(a_i) - log Gamma(b_0) + sum log Gamma(b_i) + sum (a_i - b_i)(psi(a_i) - psi(a_0))."""
    a0, b0 = sp.Add(*alphas), sp.Add(*betas)
    return (sp.loggamma(a0) - sp.Add(*[sp.loggamma(a) for a in alphas]) - sp.loggamma(b0)
            + sp.Add(*[sp.loggamma(b) for b in betas])
            + sp.Add(*[(a - b) * (psi(a) - psi(a0)) for a, b in zip(alphas, betas)]))


def _final(d, textbook: sp.Expr, note: str):
    d.eq(textbook, by="algebra", note=note)
    return d


# ---- entropies --------------------------------------------------------------------------

entropy_dirichlet2 = _final(
    derive(DiffEntropy(Dirichlet([a1, a2])), name="entropy_dirichlet2", source=f"{_KBJ}; {_JKB}"),
    _entropy(a1, a2),
    "log B(a1, a2) + (a1 + a2 - 2) psi(a1 + a2) - (a1 - 1) psi(a1) - (a2 - 1) psi(a2)",
)
# K = 2 is Beta(a1, a2) in x_1: the same number as the Beta entropy, in the Beta's textbook arrangement
entropy_dirichlet2.eq(
    sp.loggamma(a1) + sp.loggamma(a2) - sp.loggamma(a1 + a2) - (a1 - 1) * psi(a1) - (a2 - 1) * psi(a2)
    + (a1 + a2 - 2) * psi(a1 + a2),
    by="algebra",
    note=f"= h(Beta(a1, a2)) = log B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b); {_JKB}",
)

entropy_dirichlet3 = _final(
    derive(DiffEntropy(Dirichlet([a1, a2, a3])), name="entropy_dirichlet3", source=f"{_KBJ}; {_PENNY}"),
    _entropy(a1, a2, a3),
    "log B(a) + (a_0 - K) psi(a_0) - sum (a_i - 1) psi(a_i), a_0 = a1 + a2 + a3, K = 3",
)

# ---- KL divergences ----------------------------------------------------------------------

kl_dirichlet2_dirichlet2 = _final(
    derive(KL(Dirichlet([a1, a2]), Dirichlet([b1, b2])), name="kl_dirichlet2_dirichlet2", source=f"{_PENNY}; {_KBJ}"),
    _kl((a1, a2), (b1, b2)),
    "log Gamma(a_0) - sum log Gamma(a_i) - log Gamma(b_0) + sum log Gamma(b_i) + sum (a_i - b_i)(psi(a_i) - psi(a_0))",
)

kl_dirichlet3_dirichlet3 = _final(
    derive(KL(Dirichlet([a1, a2, a3]), Dirichlet([b1, b2, b3])), name="kl_dirichlet3_dirichlet3",
           source=f"{_PENNY}; {_KBJ}"),
    _kl((a1, a2, a3), (b1, b2, b3)),
    "log Gamma(a_0) - sum log Gamma(a_i) - log Gamma(b_0) + sum log Gamma(b_i) + sum (a_i - b_i)(psi(a_i) - psi(a_0))",
)
