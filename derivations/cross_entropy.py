"""Cross-entropy = entropy + KL, discrete and Gaussian.

Source: the blog post 'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023), "Cross
entropy" bullets); Cover & Thomas (2006) eq. (2.90)-(2.91).
"""

import sympy as sp

from infoproofs import (
    KL,
    Bernoulli,
    CrossEntropy,
    Derivation,
    DiffEntropy,
    E,
    Entropy,
    LogDensity,
    Normal,
    positive,
    probability,
    real,
)

p1, q1 = probability("p q")
x = sp.Symbol("x", real=True)
P, Q = Bernoulli(p1), Bernoulli(q1)

ce_bernoulli = Derivation(
    "cross_entropy_decomposition_bernoulli",
    "Cross-entropy is entropy plus KL (Bernoulli)",
    source="Cover & Thomas (2006) eq. (2.90); the diffusion blog post (2023) 'Cross entropy'",
    start=CrossEntropy(P, Q),
)
ce_bernoulli.eq(-E(LogDensity(Q, x), x, P), by="definition of cross-entropy")
ce_bernoulli.eq(
    -E(LogDensity(P, x), x, P) + E(LogDensity(P, x) - LogDensity(Q, x), x, P),
    by="linearity of expectation",
    note="add and subtract log p(x)",
)
ce_bernoulli.eq(Entropy(P) + E(LogDensity(P, x) - LogDensity(Q, x), x, P), by="definition of entropy")
ce_bernoulli.eq(Entropy(P) + KL(P, Q), by="definition of KL divergence")
ce_bernoulli.eq(
    -p1 * sp.log(p1) - (1 - p1) * sp.log(1 - p1) + p1 * sp.log(p1 / q1) + (1 - p1) * sp.log((1 - p1) / (1 - q1)),
    by="closed form",
)
ce_bernoulli.eq(-p1 * sp.log(q1) - (1 - p1) * sp.log(1 - q1), by="algebra")

mu1, mu2 = real("m1 m2")
v1, v2 = positive("v1 v2")
G1, G2 = Normal(mu1, v1), Normal(mu2, v2)

ce_gaussian = Derivation(
    "cross_entropy_decomposition_gaussian",
    "Cross-entropy is differential entropy plus KL (Normals)",
    source="Cover & Thomas (2006) eq. (8.46) analogue for densities",
    start=CrossEntropy(G1, G2),
)
ce_gaussian.eq(-E(LogDensity(G2, x), x, G1), by="definition of cross-entropy")
ce_gaussian.eq(
    -E(LogDensity(G1, x), x, G1) + E(LogDensity(G1, x) - LogDensity(G2, x), x, G1),
    by="linearity of expectation",
)
ce_gaussian.eq(
    DiffEntropy(G1) + E(LogDensity(G1, x) - LogDensity(G2, x), x, G1), by="definition of differential entropy"
)
ce_gaussian.eq(DiffEntropy(G1) + KL(G1, G2), by="definition of KL divergence")
ce_gaussian.eq(
    sp.log(2 * sp.pi * sp.E * v1) / 2 + sp.log(v2 / v1) / 2 + (v1 + (mu1 - mu2) ** 2) / (2 * v2) - sp.Rational(1, 2),
    by="closed form",
)
ce_gaussian.eq(sp.log(2 * sp.pi * v2) / 2 + (v1 + (mu1 - mu2) ** 2) / (2 * v2), by="algebra")
