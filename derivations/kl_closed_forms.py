"""KL divergences in closed form for concrete laws, derived from the definition.

Bernoulli, 3-outcome Categorical, Laplace (common and distinct locations), Exponential; the VAE regulariser
KL(N(mu, diag sigma^2) || N(0, I)) for d = 3 and for every d (with sum_j); a worked numeric pair showing
that KL is not symmetric; and KL >= 0 for Bernoulli laws by a certificate.

Sources: Cover & Thomas (2006) eq. (2.26) and Thm 2.6.3; Kingma & Welling
(2014) App. B; the lecture notes on entropy, KL and VAEs.
"""

import sympy as sp

from infoproofs import (
    KL,
    Bernoulli,
    Categorical,
    Derivation,
    DiagNormal,
    E,
    Exponential,
    IsoNormal,
    Laplace,
    LogDensity,
    LogGap,
    Normal,
    dimension,
    positive,
    positive_vector,
    probability,
    real,
    real_vector,
)

x = sp.Symbol("x", real=True)

# ---- Bernoulli -------------------------------------------------------------------------

p, q = probability("p q")
P, Q = Bernoulli(p), Bernoulli(q)
bern_closed = p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q))
kl_bernoulli = Derivation(
    "kl_bernoulli",
    "KL between two Bernoulli laws: p log(p/q) + (1 - p) log((1 - p)/(1 - q))",
    source="Cover & Thomas (2006) eq. (2.26), Example 2.3.1",
    start=KL(P, Q),
)
kl_bernoulli.eq(E(LogDensity(P, x) - LogDensity(Q, x), x, P), by="definition of KL divergence")
kl_bernoulli.eq(
    E(x * sp.log(p) + (1 - x) * sp.log(1 - p) - x * sp.log(q) - (1 - x) * sp.log(1 - q), x, P),
    by="explicit log-mass function",
)
kl_bernoulli.eq(
    p * (sp.log(p) - sp.log(q)) + (1 - p) * (sp.log(1 - p) - sp.log(1 - q)),
    by="expectation over a finite support",
)
kl_bernoulli.eq(bern_closed, by="algebra")

kl_bernoulli_nonneg = Derivation(
    "kl_bernoulli_nonnegative",
    "KL between Bernoulli laws is non-negative (certificate with phi(u) = u - 1 - log u)",
    source="Cover & Thomas (2006) Thm 2.6.3 (Gibbs' inequality), Bernoulli case",
    start=bern_closed,
)
bern_certificate = p * LogGap(q / p) + (1 - p) * LogGap((1 - q) / (1 - p))
kl_bernoulli_nonneg.eq(
    bern_certificate, by="algebra",
    note="p phi(q/p) + (1-p) phi((1-q)/(1-p)): the linear parts q - p and p - q cancel",
)
kl_bernoulli_nonneg.ge(
    0, by="non-negativity certificate on the domain", certificate=bern_certificate,
    note="phi >= 0 on (0, oo); p > 0 and 1 - p > 0 on the domain",
)

# ---- Categorical with three outcomes --------------------------------------------------------

p1, p2 = probability("p1 p2")
q1, q2 = probability("q1 q2")
C1, C2 = Categorical([p1, p2, 1 - p1 - p2]), Categorical([q1, q2, 1 - q1 - q2])
kl_categorical = Derivation(
    "kl_categorical3",
    "KL between two 3-outcome categorical laws: sum_k p_k log(p_k / q_k)",
    source="Cover & Thomas (2006) eq. (2.26)",
    start=KL(C1, C2),
    assumptions=[p1 + p2 < 1, q1 + q2 < 1],
)
kl_categorical.eq(E(LogDensity(C1, x) - LogDensity(C2, x), x, C1), by="definition of KL divergence")
kl_categorical.eq(
    p1 * (sp.log(p1) - sp.log(q1)) + p2 * (sp.log(p2) - sp.log(q2))
    + (1 - p1 - p2) * (sp.log(1 - p1 - p2) - sp.log(1 - q1 - q2)),
    by="expectation over a finite support",
)
kl_categorical.eq(
    p1 * sp.log(p1 / q1) + p2 * sp.log(p2 / q2) + (1 - p1 - p2) * (sp.log(1 - p1 - p2) - sp.log(1 - q1 - q2)),
    by="algebra",
    note="sum_k p_k log(p_k / q_k); the third log ratio is kept split (its sign needs p1 + p2 < 1)",
)

# ---- Laplace --------------------------------------------------------------------------------

mu = real("mu")
b1, b2 = positive("b1 b2")
L1, L2 = Laplace(mu, b1), Laplace(mu, b2)
kl_laplace = Derivation(
    "kl_laplace",
    "KL between two Laplace laws with a common location: log(b2/b1) + b1/b2 - 1 = phi(b1/b2) >= 0",
    source="Cover & Thomas (2006) eq. (8.46) (relative entropy of densities) and Thm 2.6.3, Laplace case",
    start=KL(L1, L2),
)
kl_laplace.eq(E(LogDensity(L1, x) - LogDensity(L2, x), x, L1), by="definition of KL divergence")
kl_laplace.eq(
    E(-sp.Abs(x - mu) / b1 - sp.log(2 * b1) + sp.Abs(x - mu) / b2 + sp.log(2 * b2), x, L1),
    by="explicit log-density",
)
kl_laplace.eq(
    sp.log(b2 / b1) + (1 / b2 - 1 / b1) * E(sp.Abs(x - mu), x, L1),
    by="linearity of expectation",
)
kl_laplace.eq(sp.log(b2 / b1) + (1 / b2 - 1 / b1) * b1, by="moments", note="E|x - mu| = b1 under Laplace(mu, b1)")
kl_laplace.eq(sp.log(b2 / b1) + b1 / b2 - 1, by="algebra")
kl_laplace.eq(LogGap(b1 / b2), by="algebra", note="phi(u) = u - 1 - log u at u = b1/b2")
kl_laplace.ge(0, by="non-negativity certificate", certificate=LogGap(b1 / b2))

la1, la2 = real("lambda1 lambda2")
G1, G2 = Laplace(la1, b1), Laplace(la2, b2)
gap = sp.Abs(la1 - la2)
kl_laplace_general = Derivation(
    "kl_laplace_general",
    "KL between two Laplace laws: log(b2/b1) + |m1 - m2|/b2 + (b1/b2) exp(-|m1 - m2|/b1) - 1",
    source="Cover & Thomas (2006) eq. (8.46); the moment E|x - c| under Laplace(m, b) by integrating both tails",
    start=KL(G1, G2),
)
kl_laplace_general.eq(E(LogDensity(G1, x) - LogDensity(G2, x), x, G1), by="definition of KL divergence")
kl_laplace_general.eq(
    E(-sp.Abs(x - la1) / b1 - sp.log(2 * b1) + sp.Abs(x - la2) / b2 + sp.log(2 * b2), x, G1),
    by="explicit log-density",
)
kl_laplace_general.eq(
    sp.log(b2 / b1) - E(sp.Abs(x - la1), x, G1) / b1 + E(sp.Abs(x - la2), x, G1) / b2,
    by="linearity of expectation",
)
kl_laplace_general.eq(
    sp.log(b2 / b1) - b1 / b1 + (gap + b1 * sp.exp(-gap / b1)) / b2,
    by="moments",
    note="E|x - m1| = b1; E|x - c| = |m1 - c| + b1 exp(-|m1 - c|/b1) (the kink at c splits the integral)",
)
kl_laplace_general.eq(
    sp.log(b2 / b1) + gap / b2 + b1 * sp.exp(-gap / b1) / b2 - 1,
    by="algebra",
    note="at m1 = m2 this is kl_laplace, log(b2/b1) + b1/b2 - 1",
)

# ---- Exponential ----------------------------------------------------------------------------

lam1, lam2 = positive("lam1 lam2")
X1, X2 = Exponential(lam1), Exponential(lam2)
kl_exponential = Derivation(
    "kl_exponential",
    "KL between two Exponential laws: log(lam1/lam2) + lam2/lam1 - 1",
    source="Cover & Thomas (2006) eq. (8.46), exponential case",
    start=KL(X1, X2),
)
kl_exponential.eq(E(LogDensity(X1, x) - LogDensity(X2, x), x, X1), by="definition of KL divergence")
kl_exponential.eq(E(sp.log(lam1) - lam1 * x - sp.log(lam2) + lam2 * x, x, X1), by="explicit log-density")
kl_exponential.eq(sp.log(lam1 / lam2) + (lam2 - lam1) * E(x, x, X1), by="linearity of expectation")
kl_exponential.eq(sp.log(lam1 / lam2) + (lam2 - lam1) / lam1, by="moments", note="E[x] = 1/lam1")
kl_exponential.eq(sp.log(lam1 / lam2) + lam2 / lam1 - 1, by="algebra")
kl_exponential.eq(LogGap(lam2 / lam1), by="algebra", note="so KL = phi(lam2/lam1) >= 0")

# ---- the VAE regulariser, d = 3 -----------------------------------------------------------

m1, m2, m3 = real("m1 m2 m3")
s1, s2, s3 = positive("sigma1 sigma2 sigma3")
posterior = DiagNormal([m1, m2, m3], [s1**2, s2**2, s3**2])
prior = DiagNormal([0, 0, 0], [1, 1, 1])
vae_kl = Derivation(
    "vae_kl_regulariser",
    "VAE regulariser: KL(N(mu, diag sigma^2) || N(0, I)) = -1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2), d = 3",
    source="Kingma & Welling (2014), Auto-Encoding Variational Bayes, App. B",
    start=KL(posterior, prior),
)
vae_kl.eq(
    KL(Normal(m1, s1**2), Normal(0, 1)) + KL(Normal(m2, s2**2), Normal(0, 1)) + KL(Normal(m3, s3**2), Normal(0, 1)),
    by="independent coordinates: KL adds",
)
vae_kl.eq(
    sum((sp.log(1 / s) + (s**2 + m**2) / 2 - sp.Rational(1, 2)) for m, s in ((m1, s1), (m2, s2), (m3, s3))),
    by="closed form",
    note="kl_normal with mu2 = 0, sigma2 = 1",
)
vae_kl.eq(
    -sp.Rational(1, 2) * sum((1 + sp.log(s**2) - m**2 - s**2) for m, s in ((m1, s1), (m2, s2), (m3, s3))),
    by="algebra",
)

# ---- the VAE regulariser in d dimensions, with sum_j -------------------------------------------

dz = dimension("d_z")
jz = sp.Symbol("j", integer=True, nonnegative=True)
mu_z, var_z = real_vector("mu", dz), positive_vector("sigma2", dz)
vae_kl_d = Derivation(
    "vae_kl_regulariser_general_d",
    "VAE regulariser in d dimensions: KL(N(mu, diag sigma^2) || N(0, I_d)) = "
    "1/2 sum_j (sigma_j^2 + mu_j^2 - 1 - log sigma_j^2)",
    source="Kingma & Welling (2014), Auto-Encoding Variational Bayes, App. B",
    start=KL(DiagNormal(mu_z, var_z), IsoNormal(0, 1, dz)),
    description="The most common formula of the field, for every latent dimension d: the coordinates are "
    "independent, so the KL is a sum over j = 0 .. d - 1 of univariate Gaussian KLs.",
)
vae_kl_d.eq(
    sp.Sum(KL(Normal(mu_z[jz], var_z[jz]), Normal(0, 1)), (jz, 0, dz - 1)), by="independent coordinates: KL adds"
)
vae_kl_d.eq(
    sp.Sum((var_z[jz] + mu_z[jz] ** 2 - 1 - sp.log(var_z[jz])) / 2, (jz, 0, dz - 1)),
    by="closed form",
    note="kl_normal with mu2 = 0, sigma2 = 1, inside the sum",
)
vae_kl_d.eq(
    sp.Sum(var_z[jz] + mu_z[jz] ** 2 - 1 - sp.log(var_z[jz]), (jz, 0, dz - 1)) / 2,
    by="algebra",
)

# ---- KL is not symmetric: a worked numeric pair ---------------------------------------------

A, B = Normal(0, 1), Normal(1, 4)
forward = Derivation(
    "kl_asymmetry_forward",
    "KL(N(0,1) || N(1,4)) = log 2 - 1/4 (about 0.443 nats)",
    source="Cover & Thomas (2006) Sec. 2.3 ('not symmetric'); kl_normal at mu1=0, s1=1, mu2=1, s2=2",
    start=KL(A, B),
)
forward.eq(E(LogDensity(A, x) - LogDensity(B, x), x, A), by="definition of KL divergence")
forward.eq(E(-x**2 / 2 + (x - 1) ** 2 / 8 + sp.log(2), x, A), by="explicit log-density")
forward.eq(-E(x**2, x, A) * sp.Rational(3, 8) - E(x, x, A) / 4 + sp.Rational(1, 8) + sp.log(2), by="linearity of expectation")
forward.eq(-sp.Rational(3, 8) - 0 + sp.Rational(1, 8) + sp.log(2), by="moments", note="E[x] = 0, E[x^2] = 1")
forward.eq(sp.log(2) - sp.Rational(1, 4), by="algebra")

reverse = Derivation(
    "kl_asymmetry_reverse",
    "KL(N(1,4) || N(0,1)) = 2 - log 2 (about 1.307 nats)",
    source="Cover & Thomas (2006) Sec. 2.3; kl_normal at mu1=1, s1=2, mu2=0, s2=1",
    start=KL(B, A),
)
reverse.eq(E(LogDensity(B, x) - LogDensity(A, x), x, B), by="definition of KL divergence")
reverse.eq(E(-(x - 1) ** 2 / 8 + x**2 / 2 - sp.log(2), x, B), by="explicit log-density")
reverse.eq(E(x**2, x, B) * sp.Rational(3, 8) + E(x, x, B) / 4 - sp.Rational(1, 8) - sp.log(2), by="linearity of expectation")
reverse.eq(5 * sp.Rational(3, 8) + sp.Rational(1, 4) - sp.Rational(1, 8) - sp.log(2), by="moments", note="E[x] = 1, E[x^2] = 5")
reverse.eq(2 - sp.log(2), by="algebra")

asymmetry = Derivation(
    "kl_not_symmetric",
    "The two directions differ: KL(N(0,1)||N(1,4)) - KL(N(1,4)||N(0,1)) = 2 log 2 - 9/4 < 0",
    source="Cover & Thomas (2006) Sec. 2.3",
    start=KL(A, B) - KL(B, A),
)
asymmetry.eq(sp.log(2) - sp.Rational(1, 4) - (2 - sp.log(2)), by="closed form")
asymmetry.eq(2 * sp.log(2) - sp.Rational(9, 4), by="algebra", note="about -0.864 nats")
asymmetry.eq(-(2 * LogGap(2) + sp.Rational(1, 4)), by="algebra", note="phi(2) = 1 - log 2")
asymmetry.lt(
    0, by="non-negativity certificate", certificate=2 * LogGap(2) + sp.Rational(1, 4),
    note="phi(2) >= 0 (log u <= u - 1), so the difference is at most -1/4",
)

# ---- isotropic VAE regulariser, any d ------------------------------------------------------------

d = dimension("d")
mz = real("mz")
vz = positive("vz")
iso_kl = Derivation(
    "vae_kl_isotropic",
    "KL(N(m 1, v I_d) || N(0, I_d)) = (d/2)(v + m^2 - 1 - log v)",
    source="Kingma & Welling (2014) App. B, isotropic case",
    start=KL(IsoNormal(mz, vz, d), IsoNormal(0, 1, d)),
)
iso_kl.eq(d * KL(Normal(mz, vz), Normal(0, 1)), by="independent coordinates: KL adds")
iso_kl.eq(d * (sp.log(1 / sp.sqrt(vz)) + (vz + mz**2) / 2 - sp.Rational(1, 2)), by="closed form")
iso_kl.eq(d / 2 * (vz + mz**2 - 1 - sp.log(vz)), by="algebra")
iso_kl.eq(d / 2 * (LogGap(vz) + mz**2), by="algebra", note="a sum of non-negative terms")
iso_kl.ge(0, by="non-negativity certificate", certificate=d / 2 * (LogGap(vz) + mz**2))
