"""KL divergence between two univariate Normals, derived from the definition.

Source: lecture notes on entropy, cross-entropy and KL
(the lecture slides 'Entropy, Cross Entropy, Autoencoders, Variational Autoencoders', slide "Measuring closeness");
closed form as in Kingma & Welling (2014), Appendix B.
"""

import sympy as sp

from infoproofs import KL, Derivation, E, LogDensity, LogGap, Normal, positive, real

mu1, mu2 = real("mu1 mu2")
s1, s2 = positive("sigma1 sigma2")
x = sp.Symbol("x", real=True)
p, q = Normal(mu1, s1**2), Normal(mu2, s2**2)

kl_normal = Derivation(
    "kl_normal",
    "KL divergence between two univariate Normals",
    source="Kingma & Welling (2014), Auto-Encoding Variational Bayes, App. B",
    start=KL(p, q),
)
kl_normal.eq(E(LogDensity(p, x) - LogDensity(q, x), x, p), by="definition of KL divergence")
kl_normal.eq(
    E(
        -(x - mu1) ** 2 / (2 * s1**2) - sp.log(2 * sp.pi * s1**2) / 2
        + (x - mu2) ** 2 / (2 * s2**2) + sp.log(2 * sp.pi * s2**2) / 2,
        x,
        p,
    ),
    by="explicit log-density",
)
kl_normal.eq(
    sp.log(s2 / s1)
    - (E(x**2, x, p) - 2 * mu1 * E(x, x, p) + mu1**2) / (2 * s1**2)
    + (E(x**2, x, p) - 2 * mu2 * E(x, x, p) + mu2**2) / (2 * s2**2),
    by="linearity of expectation",
)
kl_normal.eq(
    sp.log(s2 / s1)
    - (mu1**2 + s1**2 - 2 * mu1 * mu1 + mu1**2) / (2 * s1**2)
    + (mu1**2 + s1**2 - 2 * mu2 * mu1 + mu2**2) / (2 * s2**2),
    by="moments",
    note="E[x] = mu1, E[x^2] = mu1^2 + sigma1^2 under p",
)
kl_normal.eq(sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2), by="algebra")

kl_nonnegative = Derivation(
    "kl_normal_nonnegative",
    "KL between two Normals is non-negative",
    source="Cover & Thomas (2006) Thm 2.6.3 (Gibbs' inequality), for Normals",
    start=sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2),
)
kl_nonnegative.eq(
    LogGap(s1**2 / s2**2) / 2 + (mu1 - mu2) ** 2 / (2 * s2**2),
    by="algebra",
    note="with phi(u) = u - 1 - log u and u = sigma1^2 / sigma2^2",
)
kl_nonnegative.ge(0, by="non-negativity certificate", certificate=LogGap(s1**2 / s2**2) / 2 + (mu1 - mu2) ** 2 / (2 * s2**2))
