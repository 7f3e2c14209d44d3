"""Full-covariance Gaussians: differential entropy and KL divergence.

For d = 2 every step is proved symbolically from the definitions, with the
covariances written out entry by entry, Sigma = [[a, c], [c, b]] with
a, b > 0 and c^2 < a b (positive definite).  The quadratic form of the
log-density is (b u^2 - 2 c u w + a w^2) / (a b - c^2) for (u, w) = x - mu,
since Sigma^-1 = [[b, -c], [-c, a]] / (a b - c^2).

For general d the same closed forms are stated with matrix symbols and
checked numerically: each check draws d in 1..6 and random positive-definite
matrices (random rotations of eigenvalues log-uniform in [0.1, 10]) and
evaluates the KL and the entropy from their definitions by tensor
Gauss-Hermite quadrature at 40 digits.  SymPy cannot prove a statement about
every d, so those steps come out confirmed, not proved.

Sources: Cover & Thomas (2006) Thm 8.4.1 (h of the multivariate normal);
Kullback (1959) / Duchi, "Derivations for linear algebra and optimization",
Sec. 9 (KL between multivariate normals); Bishop (2006) eq. (2.44), (2.56).
"""

import sympy as sp

from infoproofs import (
    KL,
    Derivation,
    DiffEntropy,
    E,
    LogDensity,
    MultivariateNormal,
    QuadraticForm,
    dimension,
    positive,
    real,
    real_vector,
    spd_matrix,
)

x1, x2 = sp.symbols("x1 x2", real=True)
X = (x1, x2)

a1, b1, a2, b2 = positive("a1 b1 a2 b2")
c1, c2 = real("c1 c2")
m1, m2, n1, n2 = real("m1 m2 n1 n2")
det1, det2 = a1 * b1 - c1**2, a2 * b2 - c2**2
positive_definite = [c1**2 < a1 * b1, c2**2 < a2 * b2]

P = MultivariateNormal([m1, m2], [[a1, c1], [c1, b1]])
Q = MultivariateNormal([n1, n2], [[a2, c2], [c2, b2]])


def quadratic(a, b, c, u, w):
    """(u, w) Sigma^-1 (u, w)^T for Sigma = [[a, c], [c, b]]."""
    return (b * u**2 - 2 * c * u * w + a * w**2) / (a * b - c**2)


# ---- entropy, d = 2 -------------------------------------------------------------------

mvn_entropy = Derivation(
    "mvn_entropy_2d",
    "Differential entropy of a bivariate Gaussian with full covariance: (1/2) log det(2 pi e Sigma)",
    source="Cover & Thomas (2006) Thm 8.4.1, d = 2",
    start=DiffEntropy(P),
    assumptions=positive_definite[:1],
)
mvn_entropy.eq(-E(LogDensity(P, X), X, P), by="definition of differential entropy")
mvn_entropy.eq(
    -E(-sp.log(2 * sp.pi) - sp.log(det1) / 2 - quadratic(a1, b1, c1, x1 - m1, x2 - m2) / 2, X, P),
    by="explicit log-density",
    note="log p(x) = -log(2 pi) - (1/2) log det Sigma - (1/2)(x - mu)^T Sigma^-1 (x - mu)",
)
mvn_entropy.eq(
    sp.log(2 * sp.pi) + sp.log(det1) / 2
    + (b1 * E((x1 - m1) ** 2, X, P) - 2 * c1 * E((x1 - m1) * (x2 - m2), X, P) + a1 * E((x2 - m2) ** 2, X, P))
    / (2 * det1),
    by="linearity of expectation",
)
mvn_entropy.eq(
    sp.log(2 * sp.pi) + sp.log(det1) / 2 + (b1 * a1 - 2 * c1 * c1 + a1 * b1) / (2 * det1),
    by="moments",
    note="E[(x_i - mu_i)(x_j - mu_j)] = Sigma_ij",
)
mvn_entropy.eq(sp.log(2 * sp.pi) + sp.log(det1) / 2 + 1, by="algebra", note="the expected quadratic form is tr(I_2) = 2")
mvn_entropy.eq(
    sp.log((2 * sp.pi * sp.E) ** 2 * det1) / 2,
    by="algebra",
    note="= (1/2) log det(2 pi e Sigma), since det(2 pi e Sigma) = (2 pi e)^2 (a b - c^2)",
)

# ---- KL, d = 2 --------------------------------------------------------------------------

d1, d2 = m1 - n1, m2 - n2
trace_term = (b2 * a1 - 2 * c2 * c1 + a2 * b1) / det2  # tr(Sigma2^-1 Sigma1)
mahalanobis = quadratic(a2, b2, c2, d1, d2)  # (mu2 - mu1)^T Sigma2^-1 (mu2 - mu1)
mvn_kl = Derivation(
    "mvn_kl_2d",
    "KL between bivariate Gaussians with full covariances: "
    "(1/2)[tr(S2^-1 S1) + (m2 - m1)^T S2^-1 (m2 - m1) - 2 + log(det S2 / det S1)]",
    source="Duchi, Derivations for linear algebra and optimization, Sec. 9; Bishop (2006) eq. (2.44); d = 2",
    start=KL(P, Q),
    assumptions=positive_definite,
)
mvn_kl.eq(E(LogDensity(P, X) - LogDensity(Q, X), X, P), by="definition of KL divergence")
mvn_kl.eq(
    E(
        sp.log(det2 / det1) / 2
        - quadratic(a1, b1, c1, x1 - m1, x2 - m2) / 2
        + quadratic(a2, b2, c2, x1 - n1, x2 - n2) / 2,
        X,
        P,
    ),
    by="explicit log-density",
    note="the log(2 pi) terms cancel",
)
mvn_kl.eq(
    sp.log(det2 / det1) / 2
    - (b1 * E((x1 - m1) ** 2, X, P) - 2 * c1 * E((x1 - m1) * (x2 - m2), X, P) + a1 * E((x2 - m2) ** 2, X, P))
    / (2 * det1)
    + (b2 * E((x1 - n1) ** 2, X, P) - 2 * c2 * E((x1 - n1) * (x2 - n2), X, P) + a2 * E((x2 - n2) ** 2, X, P))
    / (2 * det2),
    by="linearity of expectation",
)
mvn_kl.eq(
    sp.log(det2 / det1) / 2
    - (b1 * a1 - 2 * c1 * c1 + a1 * b1) / (2 * det1)
    + (b2 * (a1 + d1**2) - 2 * c2 * (c1 + d1 * d2) + a2 * (b1 + d2**2)) / (2 * det2),
    by="moments",
    note="E[(x_i - m_i)(x_j - m_j)] = S1_ij; E[(x_i - n_i)(x_j - n_j)] = S1_ij + (m_i - n_i)(m_j - n_j)",
)
mvn_kl.eq(
    (trace_term + mahalanobis - 2 + sp.log(det2 / det1)) / 2,
    by="algebra",
    note="tr(S2^-1 S1) = (b2 a1 - 2 c2 c1 + a2 b1)/det S2; the first quadratic form has expectation 2",
)

# ---- general d: checked numerically on random positive-definite matrices ------------------

d = dimension("d")
mu1, mu2 = real_vector("mu1", d), real_vector("mu2", d)
Sigma1, Sigma2 = spd_matrix("Sigma1", d), spd_matrix("Sigma2", d)
P_d, Q_d = MultivariateNormal(mu1, Sigma1), MultivariateNormal(mu2, Sigma2)

mvn_entropy_d = Derivation(
    "mvn_entropy_general_d",
    "Differential entropy of N(mu, Sigma) in any dimension d: (1/2) log det(2 pi e Sigma)",
    source="Cover & Thomas (2006) Thm 8.4.1",
    start=DiffEntropy(P_d),
    description="Checked numerically for d = 1..6 with random positive-definite Sigma; "
    "mvn_entropy_2d proves the case d = 2 symbolically.",
)
mvn_entropy_d.eq(
    d * sp.log(2 * sp.pi * sp.E) / 2 + sp.log(sp.Determinant(Sigma1)) / 2,
    by="closed form",
    note="E[(x - mu)^T Sigma^-1 (x - mu)] = tr(Sigma^-1 Sigma) = d",
)
mvn_entropy_d.eq(
    sp.log(sp.Determinant(2 * sp.pi * sp.E * Sigma1)) / 2,
    by="algebra",
    note="det(c Sigma) = c^d det Sigma",
)

mvn_kl_d = Derivation(
    "mvn_kl_general_d",
    "KL between Gaussians in any dimension d: "
    "(1/2)[tr(S2^-1 S1) + (m2 - m1)^T S2^-1 (m2 - m1) - d + log(det S2 / det S1)]",
    source="Duchi, Derivations for linear algebra and optimization, Sec. 9; Bishop (2006) eq. (2.44)",
    start=KL(P_d, Q_d),
    description="Checked numerically for d = 1..6 with random positive-definite matrices and random means; "
    "mvn_kl_2d proves the case d = 2 symbolically.",
)
mvn_kl_d.eq(
    (
        sp.Trace(Sigma2.I * Sigma1)
        + QuadraticForm(mu2 - mu1, Sigma2.I)
        - d
        + sp.log(sp.Determinant(Sigma2) / sp.Determinant(Sigma1))
    )
    / 2,
    by="closed form",
    note="E_p[(x - m)^T A (x - m)] = tr(A S1) + (m1 - m)^T A (m1 - m), applied to both log-densities",
)
