"""Entropies of concrete laws, each derived from the definition.

Shannon entropy of Bernoulli and 3-outcome Categorical laws; differential
entropy of the univariate, isotropic and diagonal Gaussian, the Laplace, the
Exponential and the Uniform law; and the scaling law h(aX) = h(X) + log|a|.
Every chain goes definition -> explicit log-density (or log-mass) ->
linearity / finite support -> moments -> algebra.

Sources: Cover & Thomas, Elements of Information Theory, 2nd ed. (2006):
eq. (2.5) and Example 2.1.1 (Bernoulli), Example 8.1.1 (uniform),
Example 8.1.2 and Thm 8.4.1 (Gaussian), Thm 8.6.4 (scaling), Table 17.1
(Laplace, exponential); the lecture slides 'Entropy, Cross Entropy, Autoencoders, Variational Autoencoders'.
"""

import sympy as sp

from infoproofs import (
    RV,
    Bernoulli,
    Categorical,
    Derivation,
    DiagNormal,
    DiffEntropy,
    E,
    Entropy,
    Exponential,
    IsoNormal,
    Laplace,
    LogDensity,
    Normal,
    Uniform,
    dimension,
    interval,
    positive,
    probability,
    real,
)

x = sp.Symbol("x", real=True)

# ---- Shannon entropy: Bernoulli ----------------------------------------------------

p = probability("p")
bern = Bernoulli(p)
bernoulli_entropy = Derivation(
    "bernoulli_entropy",
    "Shannon entropy of a Bernoulli law: H(p) = -p log p - (1 - p) log(1 - p)",
    source="Cover & Thomas (2006) eq. (2.5), Example 2.1.1",
    start=Entropy(bern),
)
bernoulli_entropy.eq(-E(LogDensity(bern, x), x, bern), by="definition of entropy")
bernoulli_entropy.eq(
    -E(x * sp.log(p) + (1 - x) * sp.log(1 - p), x, bern), by="explicit log-mass function",
    note="log P(x) = x log p + (1 - x) log(1 - p) on {0, 1}",
)
bernoulli_entropy.eq(
    -(p * (1 * sp.log(p) + 0 * sp.log(1 - p)) + (1 - p) * (0 * sp.log(p) + 1 * sp.log(1 - p))),
    by="expectation over a finite support",
    note="x = 1 with probability p, x = 0 with probability 1 - p",
)
bernoulli_entropy.eq(-p * sp.log(p) - (1 - p) * sp.log(1 - p), by="algebra")

fair_coin = Derivation(
    "fair_coin_entropy",
    "A fair coin carries one bit: H(Bern(1/2)) = log 2 nats",
    source="Cover & Thomas (2006) Example 2.1.1 (p = 1/2)",
    start=Entropy(Bernoulli(sp.Rational(1, 2))),
)
fair_coin.eq(
    -(sp.Rational(1, 2) * sp.log(sp.Rational(1, 2)) + sp.Rational(1, 2) * sp.log(sp.Rational(1, 2))),
    by="closed form",
)
fair_coin.eq(sp.log(2), by="algebra", note="= 1 bit")

# ---- Shannon entropy: Categorical with three outcomes ---------------------------------

p1, p2 = probability("p1 p2")
cat = Categorical([p1, p2, 1 - p1 - p2])
categorical_entropy = Derivation(
    "categorical3_entropy",
    "Shannon entropy of a 3-outcome categorical law",
    source="Cover & Thomas (2006) eq. (2.1)",
    start=Entropy(cat),
    assumptions=[p1 + p2 < 1],
)
categorical_entropy.eq(-E(LogDensity(cat, x), x, cat), by="definition of entropy")
categorical_entropy.eq(
    -(p1 * sp.log(p1) + p2 * sp.log(p2) + (1 - p1 - p2) * sp.log(1 - p1 - p2)),
    by="expectation over a finite support",
    note="outcome k has probability p_k and log-mass log p_k",
)
categorical_entropy.eq(
    -p1 * sp.log(p1) - p2 * sp.log(p2) - (1 - p1 - p2) * sp.log(1 - p1 - p2), by="algebra",
)

# ---- differential entropy: univariate Gaussian ----------------------------------------

mu = real("mu")
sigma = positive("sigma")
gauss = Normal(mu, sigma**2)
gaussian_entropy = Derivation(
    "gaussian_entropy",
    "Differential entropy of a univariate Gaussian: h = (1/2) log(2 pi e sigma^2)",
    source="Cover & Thomas (2006) Example 8.1.2, Thm 8.4.1",
    start=DiffEntropy(gauss),
)
gaussian_entropy.eq(-E(LogDensity(gauss, x), x, gauss), by="definition of differential entropy")
gaussian_entropy.eq(
    -E(-(x - mu) ** 2 / (2 * sigma**2) - sp.log(2 * sp.pi * sigma**2) / 2, x, gauss),
    by="explicit log-density",
)
gaussian_entropy.eq(
    (E(x**2, x, gauss) - 2 * mu * E(x, x, gauss) + mu**2) / (2 * sigma**2) + sp.log(2 * sp.pi * sigma**2) / 2,
    by="linearity of expectation",
)
gaussian_entropy.eq(
    (mu**2 + sigma**2 - 2 * mu * mu + mu**2) / (2 * sigma**2) + sp.log(2 * sp.pi * sigma**2) / 2,
    by="moments",
    note="E[x] = mu, E[x^2] = mu^2 + sigma^2",
)
gaussian_entropy.eq(sp.Rational(1, 2) + sp.log(2 * sp.pi * sigma**2) / 2, by="algebra")
gaussian_entropy.eq(sp.log(2 * sp.pi * sp.E * sigma**2) / 2, by="algebra", note="1/2 = (1/2) log e")

# ---- differential entropy: isotropic and diagonal Gaussians ------------------------------

d = dimension("d")
v = positive("v")
iso = IsoNormal(mu, v, d)
isotropic_entropy = Derivation(
    "isotropic_gaussian_entropy",
    "Differential entropy of N(mu 1, v I_d): (1/2) log det(2 pi e v I_d) = (d/2) log(2 pi e v)",
    source="Cover & Thomas (2006) Thm 8.4.1",
    start=DiffEntropy(iso),
)
isotropic_entropy.eq(d * DiffEntropy(Normal(mu, v)), by="independent coordinates: entropy adds")
isotropic_entropy.eq(d * sp.log(2 * sp.pi * sp.E * v) / 2, by="closed form", note="gaussian_entropy per coordinate")
isotropic_entropy.eq(sp.log((2 * sp.pi * sp.E * v) ** d) / 2, by="algebra", note="det(2 pi e v I_d) = (2 pi e v)^d")

m1, m2, m3 = real("m1 m2 m3")
v1, v2, v3 = positive("v1 v2 v3")
diag = DiagNormal([m1, m2, m3], [v1, v2, v3])
diagonal_entropy = Derivation(
    "diagonal_gaussian_entropy",
    "Differential entropy of a 3-d diagonal Gaussian: (1/2) log det(2 pi e Sigma)",
    source="Cover & Thomas (2006) Thm 8.4.1 with Sigma = diag(v1, v2, v3)",
    start=DiffEntropy(diag),
)
diagonal_entropy.eq(
    DiffEntropy(Normal(m1, v1)) + DiffEntropy(Normal(m2, v2)) + DiffEntropy(Normal(m3, v3)),
    by="independent coordinates: entropy adds",
)
diagonal_entropy.eq(
    sp.log(2 * sp.pi * sp.E * v1) / 2 + sp.log(2 * sp.pi * sp.E * v2) / 2 + sp.log(2 * sp.pi * sp.E * v3) / 2,
    by="closed form",
)
diagonal_entropy.eq(
    sp.log((2 * sp.pi * sp.E) ** 3 * v1 * v2 * v3) / 2, by="algebra",
    note="det(2 pi e diag(v1, v2, v3)) = (2 pi e)^3 v1 v2 v3",
)

# ---- Laplace ------------------------------------------------------------------------------

b = positive("b")
lap = Laplace(mu, b)
laplace_entropy = Derivation(
    "laplace_entropy",
    "Differential entropy of a Laplace law: h = 1 + log(2b)",
    source="Cover & Thomas (2006) Table 17.1 (Laplace)",
    start=DiffEntropy(lap),
)
laplace_entropy.eq(-E(LogDensity(lap, x), x, lap), by="definition of differential entropy")
laplace_entropy.eq(-E(-sp.Abs(x - mu) / b - sp.log(2 * b), x, lap), by="explicit log-density")
laplace_entropy.eq(E(sp.Abs(x - mu), x, lap) / b + sp.log(2 * b), by="linearity of expectation")
laplace_entropy.eq(b / b + sp.log(2 * b), by="moments", note="E|x - mu| = b (mean absolute deviation)")
laplace_entropy.eq(1 + sp.log(2 * b), by="algebra")

# ---- Exponential --------------------------------------------------------------------------

lam = positive("lam")
expo = Exponential(lam)
exponential_entropy = Derivation(
    "exponential_entropy",
    "Differential entropy of an Exponential law with rate lambda: h = 1 - log(lambda)",
    source="Cover & Thomas (2006) Table 17.1 (exponential)",
    start=DiffEntropy(expo),
)
exponential_entropy.eq(-E(LogDensity(expo, x), x, expo), by="definition of differential entropy")
exponential_entropy.eq(-E(sp.log(lam) - lam * x, x, expo), by="explicit log-density")
exponential_entropy.eq(lam * E(x, x, expo) - sp.log(lam), by="linearity of expectation")
exponential_entropy.eq(lam * (1 / lam) - sp.log(lam), by="moments", note="E[x] = 1/lambda")
exponential_entropy.eq(1 - sp.log(lam), by="algebra")

# ---- Uniform ------------------------------------------------------------------------------

lo, hi = real("lo hi")
unif = Uniform(lo, hi)
uniform_entropy = Derivation(
    "uniform_entropy",
    "Differential entropy of U[lo, hi]: h = log(hi - lo)",
    source="Cover & Thomas (2006) Example 8.1.1",
    start=DiffEntropy(unif),
    assumptions=[lo < hi],
)
uniform_entropy.eq(-E(LogDensity(unif, x), x, unif), by="definition of differential entropy")
uniform_entropy.eq(-E(-sp.log(hi - lo), x, unif), by="explicit log-density", note="density 1/(hi - lo) on the support")
uniform_entropy.eq(sp.log(hi - lo), by="linearity of expectation", note="the integrand is constant")

w = positive("w")
unit_width = Derivation(
    "uniform_entropy_negative",
    "Differential entropy can be negative: h(U[0, w]) = log w < 0 for w < 1",
    source="Cover & Thomas (2006) Example 8.1.1 ('differential entropy can be negative')",
    start=DiffEntropy(Uniform(0, w)),
    assumptions=[w < 1],
)
unit_width.eq(sp.log(w), by="closed form", note="uniform_entropy with lo = 0, hi = w")

# ---- scaling: h(aX) = h(X) + log|a| ----------------------------------------------------------

# A negative factor, to show where the absolute value comes from.  (The domain stays away
# from 0: at k ~ 1e-200 the Laplace quadrature of the numeric oracle loses all precision.)
kn = interval("kneg", -4, -0.25)
X = RV("X", lap)
laplace_scaling = Derivation(
    "entropy_scaling_univariate",
    "Scaling by a negative factor shifts the differential entropy: h(kX) = h(X) + log|k| (X Laplace, k < 0)",
    source="Cover & Thomas (2006) Thm 8.6.4 (univariate)",
    start=DiffEntropy(kn * X),
)
laplace_scaling.eq(
    DiffEntropy(Laplace(kn * mu, sp.Abs(kn) * b)), by="entropy depends only on the law",
    note="kX ~ Laplace(kn mu, |kn| b)",
)
laplace_scaling.eq(1 + sp.log(2 * sp.Abs(kn) * b), by="closed form", note="laplace_entropy with scale |kn| b")
laplace_scaling.eq(1 + sp.log(2 * b) + sp.log(sp.Abs(kn)), by="algebra")
laplace_scaling.eq(DiffEntropy(X) + sp.log(sp.Abs(kn)), by="closed form", note="h(X) = 1 + log(2b)")

k = real("k")
Y = RV("Y", gauss)
gaussian_scaling = Derivation(
    "entropy_scaling_gaussian",
    "h(kY) = h(Y) + log|k| for a univariate Gaussian Y",
    source="Cover & Thomas (2006) Thm 8.6.4 (univariate)",
    start=DiffEntropy(k * Y),
    assumptions=[sp.Ne(k, 0)],
)
gaussian_scaling.eq(DiffEntropy(Normal(k * mu, k**2 * sigma**2)), by="entropy depends only on the law")
gaussian_scaling.eq(sp.log(2 * sp.pi * sp.E * k**2 * sigma**2) / 2, by="closed form")
gaussian_scaling.eq(sp.log(2 * sp.pi * sp.E * sigma**2) / 2 + sp.log(sp.Abs(k)), by="algebra", note="log k^2 = 2 log|k|")
gaussian_scaling.eq(DiffEntropy(Y) + sp.log(sp.Abs(k)), by="closed form")

# ---- the Gaussian has more entropy than a Laplace law of the same variance --------------------

gauss_vs_laplace = Derivation(
    "gaussian_vs_laplace_entropy",
    "At equal variance 2b^2, h(Gaussian) - h(Laplace) = (log pi - 1)/2 (about 0.072 nats, > 0 since pi > e)",
    source="Cover & Thomas (2006) Thm 8.6.5 (the Gaussian maximises entropy at fixed variance), Laplace instance",
    start=DiffEntropy(Normal(mu, 2 * b**2)) - DiffEntropy(Laplace(mu, b)),
)
gauss_vs_laplace.eq(sp.log(2 * sp.pi * sp.E * 2 * b**2) / 2 - (1 + sp.log(2 * b)), by="closed form",
                    note="Var Laplace(mu, b) = 2 b^2")
gauss_vs_laplace.eq(sp.log(4 * b**2) / 2 + sp.log(sp.pi * sp.E) / 2 - 1 - sp.log(2 * b), by="algebra")
gauss_vs_laplace.eq((sp.log(sp.pi) - 1) / 2, by="algebra", note="the scale b cancels")

laplace_variance = Derivation(
    "laplace_variance",
    "Variance of a Laplace law: E[x^2] - E[x]^2 = 2 b^2",
    source="Cover & Thomas (2006) Table 17.1 (Laplace)",
    start=E(x**2, x, lap) - E(x, x, lap) ** 2,
)
laplace_variance.eq(mu**2 + 2 * b**2 - mu**2, by="moments", note="E[x] = mu, E[x^2] = mu^2 + 2 b^2")
laplace_variance.eq(2 * b**2, by="algebra")
