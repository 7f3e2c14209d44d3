"""Capacity of a VAE latent read through additive Gaussian noise.

Source: eri24816, "the capacity of a VAE's latent" (2024-11-16), in
eri24816 (2024), 'Book on a rod' (blog post); Cover & Thomas, Elements of
Information Theory, 2nd ed., Thm 8.4.1 and eq. (9.16).  The source writes
I(Z, Z+N); the comma is a typo for the semicolon of mutual information.
"""

import sympy as sp

from infoproofs import MI, RV, CondDiffEntropy, Derivation, DiffEntropy, IsoNormal, Normal, dimension, positive, real

s, t, a = positive("s t a")
d = dimension("d")
Z = RV("Z", IsoNormal(0, s**2, d))
N = RV("N", IsoNormal(0, t**2, d))

capacity = Derivation(
    "gaussian_latent_capacity",
    "Capacity of a Gaussian latent read through additive Gaussian noise",
    source="eri24816 (2024), 'Book on a rod'; Cover & Thomas (2006) Thm 8.4.1",
    start=MI(Z, Z + N),
)
capacity.eq(DiffEntropy(Z + N) - CondDiffEntropy(Z + N, Z), by="definition of mutual information")
capacity.eq(DiffEntropy(Z + N) - DiffEntropy(N), by="translation invariance: independent additive noise")
capacity.eq(
    DiffEntropy(IsoNormal(0, s**2 + t**2, d)) - DiffEntropy(IsoNormal(0, t**2, d)),
    by="entropy depends only on the law",
    note="Z + N ~ N(0, (s^2 + t^2) I_d): a sum of independent Gaussians",
)
capacity.eq(
    d * DiffEntropy(Normal(0, s**2 + t**2)) - d * DiffEntropy(Normal(0, t**2)),
    by="independent coordinates: entropy adds",
)
capacity.eq(
    d / 2 * sp.log(2 * sp.pi * sp.E * (s**2 + t**2)) - d / 2 * sp.log(2 * sp.pi * sp.E * t**2),
    by="closed form",
    note="h(N(0, v)) = (1/2) log(2 pi e v), derived in gaussian_entropy",
)
capacity.eq(d / 2 * sp.log(1 + s**2 / t**2), by="algebra")

scale_invariance = Derivation(
    "capacity_scale_invariance",
    "The capacity is invariant when signal and noise scales change together",
    source="eri24816 (2024): 'robust to scaling as s and t scale together'",
    start=(d / 2) * sp.log(1 + (a * s) ** 2 / (a * t) ** 2),
)
scale_invariance.eq((d / 2) * sp.log(1 + a**2 * s**2 / (a**2 * t**2)), by="algebra")
scale_invariance.eq((d / 2) * sp.log(1 + s**2 / t**2), by="algebra", note="a^2 cancels because a > 0")

c = real("c")
X = RV("X", IsoNormal(0, s**2, d))
entropy_scaling = Derivation(
    "differential_entropy_scaling",
    "Differential entropy is not scale invariant: h(cX) = h(X) + d log|c|",
    source="Cover & Thomas (2006) Thm 8.6.4",
    start=DiffEntropy(c * X),
    assumptions=[sp.Ne(c, 0)],
)
entropy_scaling.eq(DiffEntropy(IsoNormal(0, c**2 * s**2, d)), by="entropy depends only on the law")
entropy_scaling.eq(d * DiffEntropy(Normal(0, c**2 * s**2)), by="independent coordinates: entropy adds")
entropy_scaling.eq(d / 2 * sp.log(2 * sp.pi * sp.E * c**2 * s**2), by="closed form")
entropy_scaling.eq(d / 2 * sp.log(2 * sp.pi * sp.E * s**2) + d * sp.log(sp.Abs(c)), by="algebra")
entropy_scaling.eq(DiffEntropy(X) + d * sp.log(sp.Abs(c)), by="closed form")
