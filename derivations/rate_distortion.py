"""Rate-distortion of Gaussian sources: the scalar R(D) and reverse water-filling.

Sources: Cover & Thomas, Elements of Information Theory, 2nd ed. (2006),
Thm 10.3.2 (Gaussian source, R(D) = (1/2) log(sigma^2 / D) for 0 < D <= sigma^2,
achieved by the backward test channel X = Xhat + Z, Xhat ~ N(0, sigma^2 - D),
Z ~ N(0, D) independent) and Thm 10.3.3 (independent Gaussian components,
reverse water-filling D_i = min(theta, sigma_i^2)).
"""

import sympy as sp

from infoproofs import MI, RV, CondDiffEntropy, Derivation, DiffEntropy, E, Normal, positive

sigma, D = positive("sigma D")
Xhat = RV("Xhat", Normal(0, sigma**2 - D))
Zd = RV("Zd", Normal(0, D))

rate = Derivation(
    "gaussian_rate_distortion",
    "Gaussian source: the optimal test channel gives R(D) = I(Xhat; X) = (1/2) log(sigma^2 / D), 0 < D < sigma^2",
    source="Cover & Thomas (2006) Thm 10.3.2",
    start=MI(Xhat, Xhat + Zd),
    assumptions=[D < sigma**2],
    description=(
        "X = Xhat + Z is the source N(0, sigma^2); the chain computes the mutual information of the test channel "
        "that achieves the converse bound I(X; Xhat) >= (1/2) log(sigma^2 / D) of the theorem."
    ),
)
rate.eq(DiffEntropy(Xhat + Zd) - CondDiffEntropy(Xhat + Zd, Xhat), by="definition of mutual information")
rate.eq(DiffEntropy(Xhat + Zd) - DiffEntropy(Zd), by="translation invariance: independent additive noise")
rate.eq(
    DiffEntropy(Normal(0, sigma**2)) - DiffEntropy(Normal(0, D)), by="entropy depends only on the law",
    note="Xhat + Z ~ N(0, sigma^2 - D + D): the source law",
)
rate.eq(sp.log(2 * sp.pi * sp.E * sigma**2) / 2 - sp.log(2 * sp.pi * sp.E * D) / 2, by="closed form")
rate.eq(sp.log(sigma**2 / D) / 2, by="algebra")

z = sp.Symbol("z", real=True)
distortion = Derivation(
    "gaussian_test_channel_distortion",
    "The Gaussian test channel meets the distortion exactly: E[(X - Xhat)^2] = E[Z^2] = D",
    source="Cover & Thomas (2006) Thm 10.3.2 (achievability)",
    start=E(z**2, z, Normal(0, D)),
)
distortion.eq(D, by="moments", note="E[z^2] = Var z = D for a centred Normal")

# ---- reverse water-filling, three components ------------------------------------------------------

s1, s2, s3 = positive("sigma1 sigma2 sigma3")
theta = positive("theta")
regime = [s3**2 < theta, theta < s2**2, s2**2 < s1**2]
D1, D2, D3 = sp.Min(theta, s1**2), sp.Min(theta, s2**2), sp.Min(theta, s3**2)

water = Derivation(
    "reverse_water_filling_3",
    "Reverse water-filling, three Gaussian components, sigma3^2 < theta < sigma2^2 < sigma1^2: "
    "R = (1/2) log(sigma1^2/theta) + (1/2) log(sigma2^2/theta)",
    source="Cover & Thomas (2006) Thm 10.3.3",
    start=sp.log(s1**2 / D1) / 2 + sp.log(s2**2 / D2) / 2 + sp.log(s3**2 / D3) / 2,
    assumptions=regime,
    description="D_i = min(theta, sigma_i^2); in this regime the third component is not described at all (D_3 = sigma_3^2).",
)
water.eq(
    sp.log(s1**2 / theta) / 2 + sp.log(s2**2 / theta) / 2 + sp.log(s3**2 / s3**2) / 2,
    by="min and max under the assumptions",
    note="D_1 = D_2 = theta, D_3 = sigma3^2",
)
water.eq(sp.log(s1**2 / theta) / 2 + sp.log(s2**2 / theta) / 2, by="algebra", note="the collapsed component costs 0 nats")
water.eq(sp.log(s1 * s2 / theta), by="algebra")

water_distortion = Derivation(
    "reverse_water_filling_3_distortion",
    "Reverse water-filling, same regime: total distortion D = 2 theta + sigma3^2",
    source="Cover & Thomas (2006) Thm 10.3.3",
    start=D1 + D2 + D3,
    assumptions=regime,
)
water_distortion.eq(2 * theta + s3**2, by="min and max under the assumptions")

all_active = Derivation(
    "reverse_water_filling_3_all_active",
    "Reverse water-filling with theta below every variance: R = sum_i (1/2) log(sigma_i^2/theta)",
    source="Cover & Thomas (2006) Thm 10.3.3",
    start=sp.log(s1**2 / D1) / 2 + sp.log(s2**2 / D2) / 2 + sp.log(s3**2 / D3) / 2,
    assumptions=[theta < s3**2, s3**2 < s2**2, s2**2 < s1**2],
)
all_active.eq(
    sp.log(s1**2 / theta) / 2 + sp.log(s2**2 / theta) / 2 + sp.log(s3**2 / theta) / 2,
    by="min and max under the assumptions",
)
all_active.eq(sp.log(s1 * s2 * s3) - 3 * sp.log(theta) / 2, by="algebra")

R = positive("R")
distortion_rate = Derivation(
    "gaussian_distortion_rate",
    "Gaussian distortion-rate: D(R) = sigma^2 2^(-2R); each bit divides the distortion by 4 (about 6 dB)",
    source="Cover & Thomas (2006) Thm 10.3.2, eq. (10.38)",
    start=sigma**2 * 2 ** (-2 * (sp.log(sigma**2 / D, 2) / 2)),
    assumptions=[D < sigma**2],
    description="Substituting R = R(D) in bits, (1/2) log2(sigma^2/D), into sigma^2 2^(-2R) returns D.",
)
distortion_rate.eq(sigma**2 * 2 ** (-sp.log(sigma**2 / D, 2)), by="algebra")
distortion_rate.eq(sigma**2 * D / sigma**2, by="algebra", note="2^(-log2 u) = 1/u")
distortion_rate.eq(D, by="algebra")

per_bit = Derivation(
    "gaussian_distortion_per_bit",
    "One more bit of rate divides the Gaussian distortion by 4",
    source="Cover & Thomas (2006) Thm 10.3.2",
    start=(sigma**2 * 2 ** (-2 * (R + 1))) / (sigma**2 * 2 ** (-2 * R)),
)
per_bit.eq(2 ** (-2 * (R + 1) + 2 * R), by="algebra")
per_bit.eq(sp.Rational(1, 4), by="algebra")

# ---- R(D) = max(0, (1/2) log(sigma^2 / D)): both branches ------------------------------------------

rate_function = sp.Max(0, sp.log(sigma**2 / D) / 2)
rd_low = Derivation(
    "gaussian_rate_distortion_max_form",
    "R(D) = max(0, (1/2) log(sigma^2/D)) equals the test-channel rate I(Xhat; X) when D < sigma^2",
    source="Cover & Thomas (2006) Thm 10.3.2, eq. (10.36)",
    start=rate_function,
    assumptions=[D < sigma**2],
)
rd_low.eq(
    sp.log(sigma**2 / D) / 2, by="min and max under the assumptions",
    note="sigma^2 / D > 1, so the logarithm is positive",
)
rd_low.eq(MI(Xhat, Xhat + Zd), by="lemma", lemma=rate, note="gaussian_rate_distortion")

rd_high = Derivation(
    "gaussian_rate_distortion_zero_branch",
    "R(D) = max(0, (1/2) log(sigma^2/D)) = 0 when D > sigma^2: describing nothing already meets the distortion",
    source="Cover & Thomas (2006) Thm 10.3.2, eq. (10.36), case D > sigma^2",
    start=rate_function,
    assumptions=[sigma**2 < D],
    description=(
        "The unclipped formula (1/2) log(sigma^2/D) is negative here, which no rate can be; "
        "the reproduction Xhat = 0 has distortion E[X^2] = sigma^2 < D at rate 0."
    ),
)
rd_high.eq(0, by="min and max under the assumptions", note="sigma^2 / D < 1, so the logarithm is negative")

x_src = sp.Symbol("x", real=True)
zero_rate = Derivation(
    "gaussian_zero_rate_distortion",
    "With D > sigma^2 the zero-rate reproduction Xhat = 0 meets the distortion: E[(X - 0)^2] = sigma^2 < D",
    source="Cover & Thomas (2006) Thm 10.3.2, case D > sigma^2",
    start=E((x_src - 0) ** 2, x_src, Normal(0, sigma**2)),
    assumptions=[sigma**2 < D],
)
zero_rate.eq(sigma**2, by="moments", note="E[x^2] = sigma^2 for X ~ N(0, sigma^2)")
zero_rate.lt(D, by="sign of the residual", note="D - sigma^2 > 0 by the assumption")

unclipped = Derivation(
    "gaussian_rate_distortion_needs_the_max",
    "Without the max, (1/2) log(sigma^2/D) is negative for D > sigma^2: the clipping at 0 is needed",
    source="Cover & Thomas (2006) Thm 10.3.2, eq. (10.36)",
    start=sp.log(sigma**2 / D) / 2,
    assumptions=[sigma**2 < D],
)
unclipped.lt(0, by="sign of the residual", note="log(sigma^2 / D) < 0 since sigma^2 / D < 1")
