"""Echo noise, scalar Gaussian case: the output variance, I(X; Z) = -log s, and the truncation bound.

Echo noise (Brekelmans, Moyer, Galstyan & Ver Steeg, "Exact Rate-Distortion in
Autoencoders via Echo Noise", NeurIPS 2019, arXiv:1904.07199; slides in
Brekelmans, Moyer, Galstyan & Ver Steeg (2019), 'Exact Rate-Distortion in Autoencoders via Echo Noise', NeurIPS (arXiv:1904.07199)) makes the noise an independent,
scaled copy of the output: z = f(x) + s eps with eps distributed as z itself
("self-similarity between noise distribution and output distribution").
Then h(Z | X) = h(s Z') = h(Z) + log s and I(Z; X) = -E log|det S(x)|, here
-log s.  The noise is sampled as the truncated series
eps = sum_k (prod_{j<k} s_j) f(x_k) over independent x_k, whose tail after n
terms is bounded by a geometric series.
"""

import sympy as sp

from infoproofs import MI, RV, CondDiffEntropy, Derivation, DiffEntropy, Normal, dimension, interval, positive

# s is declared positive elsewhere in the catalog (capacity.py); s < 1 is an assumption of each chain.
s = positive("s")
a, sigma = positive("a sigma")
V = sp.Symbol("V_z", positive=True)
Vz = a**2 * sigma**2 / (1 - s**2)

fixed_point = Derivation(
    "echo_variance_fixed_point",
    "Scalar echo channel z = a x + s eps, eps ~ z: Var z = a^2 sigma^2 / (1 - s^2) solves Var z = a^2 sigma^2 + s^2 Var z",
    source="Brekelmans et al. (2019), arXiv:1904.07199, Sec. 3 (self-similar echo noise), scalar Gaussian case",
    start=a**2 * sigma**2 + s**2 * Vz,
    assumptions=[s < 1],
    description="x ~ N(0, sigma^2), f(x) = a x, eps an independent copy of z; the variances of independent terms add.",
)
fixed_point.eq(a**2 * sigma**2 * ((1 - s**2) + s**2) / (1 - s**2), by="algebra", note="common denominator 1 - s^2")
fixed_point.eq(Vz, by="algebra")

# The channel's input is f(X) = a X ~ N(0, a^2 sigma^2); its noise is s eps with eps ~ N(0, Var z).
F = RV("F", Normal(0, a**2 * sigma**2))
Ns = RV("Nz", Normal(0, s**2 * Vz))

echo = Derivation(
    "echo_scalar_gaussian",
    "Scalar Gaussian echo channel: I(X; Z) = h(Z) - h(Z | X) = -log s",
    source="Brekelmans et al. (2019), arXiv:1904.07199, eq. for I(Z; X) = -E log|det S(x)|, scalar case",
    start=MI(F, F + Ns),
    assumptions=[s < 1],
    description=(
        "I(X; Z) = I(aX; Z) since a > 0 makes f invertible.  The noise s eps has law N(0, s^2 Var z) because eps "
        "is a copy of z (the echo_variance_fixed_point law)."
    ),
)
echo.eq(DiffEntropy(F + Ns) - CondDiffEntropy(F + Ns, F), by="definition of mutual information")
echo.eq(DiffEntropy(F + Ns) - DiffEntropy(Ns), by="translation invariance: independent additive noise")
echo.eq(
    DiffEntropy(Normal(0, a**2 * sigma**2 + s**2 * Vz)) - DiffEntropy(Normal(0, s**2 * Vz)),
    by="entropy depends only on the law",
)
echo.eq(
    sp.log(2 * sp.pi * sp.E * (a**2 * sigma**2 + s**2 * Vz)) / 2 - sp.log(2 * sp.pi * sp.E * s**2 * Vz) / 2,
    by="closed form",
)
echo.eq(
    sp.log(2 * sp.pi * sp.E * Vz) / 2 - sp.log(2 * sp.pi * sp.E * s**2 * Vz) / 2, by="algebra",
    note="a^2 sigma^2 + s^2 Var z = Var z (echo_variance_fixed_point): output and noise differ only by the scale s",
)
echo.eq(-sp.log(s**2) / 2, by="algebra")
echo.eq(-sp.log(s), by="algebra")

# ---- truncation of the echo series ---------------------------------------------------------------

M = positive("M")
c = interval("c", 0, 1)
n = dimension("n")
k = sp.Symbol("k", integer=True, nonnegative=True)

m = dimension("m")
tail = Derivation(
    "echo_truncation_bound",
    "Echo series truncation: with |f| <= M and every s_j <= c < 1, the terms after the n-th weigh at most "
    "M c^n / (1 - c)",
    source="Brekelmans et al. (2019), arXiv:1904.07199, Sec. 3 (truncated sampling of echo noise)",
    start=sp.Sum(M * c**k, (k, n, n + m - 1)),
    description=(
        "|sum_{k>=n} (prod_{j<k} s_j) f(x_k)| <= sum_{k>=n} M c^k term by term.  The chain bounds every partial "
        "tail sum (m more terms, any m) by M c^n / (1 - c); the infinite tail is their limit, so the same bound "
        "holds for it.  (The infinite series itself is not written here: the numeric oracle cannot evaluate "
        "Sum(..., oo).)"
    ),
)
tail.eq(M * (c**n - c ** (n + m)) / (1 - c), by="geometric series", note="finite geometric sum, c != 1")
tail.eq(M * c**n / (1 - c) - M * c ** (n + m) / (1 - c), by="algebra")
tail.lt(
    M * c**n / (1 - c), by="non-negativity certificate on the domain", certificate=M * c ** (n + m) / (1 - c),
    note="M c^(n+m) / (1 - c) > 0 because 0 < c < 1",
)

Zc = RV("Zc", Normal(0, Vz))
noise_entropy = Derivation(
    "echo_noise_entropy",
    "Echo noise is the output scaled by s: h(s Z') = h(Z) + log s, so h(Z | X) = h(Z) + log s",
    source="Brekelmans et al. (2019), arXiv:1904.07199 ('shape is the same, differ only by a scale')",
    start=DiffEntropy(s * Zc),
    assumptions=[s < 1],
)
noise_entropy.eq(DiffEntropy(Normal(0, s**2 * Vz)), by="entropy depends only on the law")
noise_entropy.eq(sp.log(2 * sp.pi * sp.E * s**2 * Vz) / 2, by="closed form")
noise_entropy.eq(sp.log(2 * sp.pi * sp.E * Vz) / 2 + sp.log(s), by="algebra")
noise_entropy.eq(DiffEntropy(Zc) + sp.log(s), by="closed form")
