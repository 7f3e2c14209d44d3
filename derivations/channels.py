"""Gaussian channels: capacity per sample, Shannon-Hartley, a Gaussian pair, a mark on a rod.

Sources: Cover & Thomas, Elements of Information Theory, 2nd ed. (2006),
Thm 9.1.1 (Gaussian channel capacity), eq. (9.63) (band-limited channel,
Shannon-Hartley), Example 8.5.1 (mutual information of a bivariate normal);
eri24816 (2024), "Book on a rod" (blog post)
for the mark on a rod.
"""

import sympy as sp

from infoproofs import MI, RV, CondDiffEntropy, Derivation, DiffEntropy, Normal, Uniform, interval, positive

# ---- Gaussian channel, one sample ----------------------------------------------------------

S, Nv = positive("S N")
X = RV("X", Normal(0, S))
Z = RV("Z", Normal(0, Nv))

per_sample = Derivation(
    "gaussian_channel_capacity",
    "Gaussian channel, one use: I(X; X + Z) = (1/2) log(1 + S/N) nats for X ~ N(0, S), Z ~ N(0, N)",
    source="Cover & Thomas (2006) Thm 9.1.1 (capacity achieved by the Gaussian input)",
    start=MI(X, X + Z),
)
per_sample.eq(DiffEntropy(X + Z) - CondDiffEntropy(X + Z, X), by="definition of mutual information")
per_sample.eq(DiffEntropy(X + Z) - DiffEntropy(Z), by="translation invariance: independent additive noise")
per_sample.eq(
    DiffEntropy(Normal(0, S + Nv)) - DiffEntropy(Normal(0, Nv)), by="entropy depends only on the law",
    note="X + Z ~ N(0, S + N): independent Gaussians add variances",
)
per_sample.eq(
    sp.log(2 * sp.pi * sp.E * (S + Nv)) / 2 - sp.log(2 * sp.pi * sp.E * Nv) / 2, by="closed form",
    note="gaussian_entropy",
)
per_sample.eq(sp.log(1 + S / Nv) / 2, by="algebra")

# ---- Shannon-Hartley ----------------------------------------------------------------------------

B = positive("B")
shannon_hartley = Derivation(
    "shannon_hartley",
    "Shannon-Hartley: 2B samples/s, each carrying (1/2) log(1 + S/N) nats, give C = B log2(1 + S/N) bits/s",
    source="Cover & Thomas (2006) eq. (9.63); Shannon (1949) 'Communication in the presence of noise'",
    start=2 * B * MI(X, X + Z) / sp.log(2),
)
shannon_hartley.eq(
    2 * B * (sp.log(1 + S / Nv) / 2) / sp.log(2), by="lemma", lemma=per_sample,
    note="gaussian_channel_capacity per sample; dividing nats by log 2 gives bits",
)
shannon_hartley.eq(B * sp.log(1 + S / Nv) / sp.log(2), by="algebra", note="Nyquist: 2B independent samples per second")
shannon_hartley.eq(B * sp.log(1 + S / Nv, 2), by="algebra", note="log2(u) = log(u) / log(2)")

snr_db = Derivation(
    "shannon_hartley_high_snr",
    "At S/N = 2^k - 1 the band-limited channel carries exactly k bits per second per hertz",
    source="Cover & Thomas (2006) eq. (9.63)",
    start=B * sp.log(1 + (2 ** positive("kbits") - 1), 2),
)
snr_db.eq(B * positive("kbits"), by="algebra")

# ---- Gaussian pair with correlation rho ----------------------------------------------------------

rho = interval("rho", -1, 1)
U = RV("U", Normal(0, rho**2))
W = RV("W", Normal(0, 1 - rho**2))
gaussian_pair = Derivation(
    "gaussian_pair_mutual_information",
    "Mutual information of a standard bivariate normal pair with correlation rho: -(1/2) log(1 - rho^2)",
    source="Cover & Thomas (2006) Example 8.5.1",
    start=MI(U, U + W),
    description=(
        "Write the pair as (X, Y) with U = rho X ~ N(0, rho^2) and Y = U + W, W ~ N(0, 1 - rho^2) independent; "
        "then Var Y = 1 and Corr(X, Y) = rho, and I(X; Y) = I(U; Y) because U is an invertible function of X "
        "(rho != 0; at rho = 0 both sides are 0)."
    ),
)
gaussian_pair.eq(DiffEntropy(U + W) - CondDiffEntropy(U + W, U), by="definition of mutual information")
gaussian_pair.eq(DiffEntropy(U + W) - DiffEntropy(W), by="translation invariance: independent additive noise")
gaussian_pair.eq(
    DiffEntropy(Normal(0, 1)) - DiffEntropy(Normal(0, 1 - rho**2)), by="entropy depends only on the law",
    note="U + W ~ N(0, rho^2 + 1 - rho^2) = N(0, 1)",
)
gaussian_pair.eq(
    sp.log(2 * sp.pi * sp.E) / 2 - sp.log(2 * sp.pi * sp.E * (1 - rho**2)) / 2, by="closed form",
)
gaussian_pair.eq(-sp.log(1 - rho**2) / 2, by="algebra")

# ---- one mark on a rod ---------------------------------------------------------------------------

L, sigma = positive("L sigma")
rod = Derivation(
    "rod_mark_bits",
    "One mark on a rod, read with Gaussian noise: h(U[0, L]) - h(N(0, sigma^2)) = log2(L/sigma) - (1/2) log2(2 pi e) "
    "bits (approximates I(X; X + N) only when L >> sigma)",
    source="eri24816 (2024), 'Book on a rod' (blog post); Cover & Thomas (2006) Thm 8.6.5",
    start=(DiffEntropy(Uniform(0, L)) - DiffEntropy(Normal(0, sigma**2))) / sp.log(2),
    description=(
        "The mark X ~ U[0, L] is read as X + N with N ~ N(0, sigma^2).  Exactly, I(X; X + N) = h(X + N) - h(N); "
        "when L >> sigma the reading's law is close to U[0, L] (h(X + N) ~ h(X)), which gives the quantity derived "
        "here.  It is an approximation, not an identity: for L comparable to sigma it is even negative.  It is "
        "also a lower bound, since h(X + N) >= h(X + N | N) = h(X)."
    ),
)
rod.eq(
    (sp.log(L) - sp.log(2 * sp.pi * sp.E * sigma**2) / 2) / sp.log(2), by="closed form",
    note="uniform_entropy and gaussian_entropy",
)
rod.eq(sp.log(L / sigma) / sp.log(2) - sp.log(2 * sp.pi * sp.E) / (2 * sp.log(2)), by="algebra")
rod.eq(sp.log(L / sigma, 2) - sp.log(2 * sp.pi * sp.E, 2) / 2, by="algebra", note="about log2(L/sigma) - 2.05 bits")

metre = Derivation(
    "rod_mark_bits_per_decade",
    "Each tenfold increase of L/sigma adds log2(10) (about 3.32) bits to the mark's reading",
    source="eri24816 (2024), 'Book on a rod'; consequence of rod_mark_bits",
    start=sp.log(10 * L / sigma, 2) - sp.log(L / sigma, 2),
)
metre.eq(sp.log(10) / sp.log(2), by="algebra")

example = Derivation(
    "shannon_hartley_example",
    "Shannon-Hartley at B = 3000 Hz, S/N = 1000: C = 3000 log2(1001) bits/s (about 29,902)",
    source="Cover & Thomas (2006) Sec. 9.3 (telephone line example)",
    start=2 * 3000 * MI(RV("Xtel", Normal(0, 1000)), RV("Xtel", Normal(0, 1000)) + RV("Ztel", Normal(0, 1))) / sp.log(2),
)
example.eq(2 * 3000 * (sp.log(1 + sp.Integer(1000)) / 2) / sp.log(2), by="closed form",
           note="gaussian_channel_capacity at S = 1000, N = 1")
example.eq(3000 * sp.log(1001) / sp.log(2), by="algebra")
example.eq(3000 * sp.log(1001, 2), by="algebra")
