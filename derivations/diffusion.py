"""Gaussian diffusion (DDPM): forward marginals, posterior variance, information, loss weighting.

Sources: Ho, Jain & Abbeel (2020), "Denoising Diffusion Probabilistic Models",
eq. (4) (q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I), abar_t = prod_s (1 - beta_s)),
eqs. (6)-(7) (posterior q(x_{t-1} | x_t, x_0) with variance
beta~_t = (1 - abar_{t-1}) beta_t / (1 - abar_t)) and Sec. 3.2 (epsilon
parametrisation); the blog post 'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023);
Cover & Thomas (2006) Thm 9.1.1 for the Gaussian channel.
"""

import sympy as sp

from infoproofs import (
    MI,
    RV,
    CondDiffEntropy,
    Derivation,
    DiffEntropy,
    IsoNormal,
    Normal,
    dimension,
    interval,
    positive,
    probability,
    real,
)

# ---- forward process: two steps compose to one ---------------------------------------------

beta1, beta2 = probability("beta1 beta2")
E1 = RV("E1", Normal(0, 1))
E2 = RV("E2", Normal(0, 1))
abar2 = (1 - beta1) * (1 - beta2)

two_steps = Derivation(
    "diffusion_forward_two_steps",
    "Two forward steps compose: the noise of x_2 given x_0 has variance 1 - abar_2, abar_2 = (1 - beta1)(1 - beta2)",
    source="Ho et al. (2020) eq. (4)",
    start=DiffEntropy(sp.sqrt(1 - beta2) * sp.sqrt(beta1) * E1 + sp.sqrt(beta2) * E2),
    description=(
        "x_1 = sqrt(1 - beta1) x_0 + sqrt(beta1) e_1 and x_2 = sqrt(1 - beta2) x_1 + sqrt(beta2) e_2 give "
        "x_2 = sqrt(abar_2) x_0 + sqrt(1 - beta2) sqrt(beta1) e_1 + sqrt(beta2) e_2; the chain identifies the law "
        "of the noise part through its entropy."
    ),
)
two_steps.eq(
    DiffEntropy(Normal(0, (1 - beta2) * beta1 + beta2)), by="entropy depends only on the law",
    note="independent Gaussians: variances add",
)
two_steps.eq(sp.log(2 * sp.pi * sp.E * ((1 - beta2) * beta1 + beta2)) / 2, by="closed form")
two_steps.eq(sp.log(2 * sp.pi * sp.E * (1 - abar2)) / 2, by="algebra", note="(1 - beta2) beta1 + beta2 = 1 - (1 - beta1)(1 - beta2)")
two_steps.eq(DiffEntropy(Normal(0, 1 - abar2)), by="closed form", note="so the noise is N(0, 1 - abar_2)")

variance_two = Derivation(
    "diffusion_forward_variance",
    "Forward variance recursion: (1 - beta2)(1 - abar_1) + beta2 = 1 - abar_2 with abar_1 = 1 - beta1",
    source="Ho et al. (2020) eq. (4)",
    start=(1 - beta2) * beta1 + beta2,
)
variance_two.eq(beta1 + beta2 - beta1 * beta2, by="algebra")
variance_two.eq(1 - (1 - beta1) * (1 - beta2), by="algebra")

# ---- posterior variance ----------------------------------------------------------------------

abar_prev = probability("abar_prev")
beta_t = probability("beta_t")
abar_t = (1 - beta_t) * abar_prev
posterior = Derivation(
    "diffusion_posterior_variance",
    "Posterior variance of q(x_{t-1} | x_t, x_0): beta~_t = (1 - abar_{t-1}) beta_t / (1 - abar_t)",
    source="Ho et al. (2020) eqs. (6)-(7)",
    start=1 / (1 / (1 - abar_prev) + (1 - beta_t) / beta_t),
    description=(
        "Gaussian conjugacy: the prior x_{t-1} | x_0 ~ N(sqrt(abar_{t-1}) x_0, 1 - abar_{t-1}) and the likelihood "
        "x_t | x_{t-1} ~ N(sqrt(1 - beta_t) x_{t-1}, beta_t) give posterior precision 1/(1 - abar_{t-1}) + "
        "(1 - beta_t)/beta_t."
    ),
)
posterior.eq(
    (1 - abar_prev) * beta_t / (beta_t + (1 - beta_t) * (1 - abar_prev)), by="algebra",
    note="multiply numerator and denominator by (1 - abar_{t-1}) beta_t",
)
posterior.eq((1 - abar_prev) * beta_t / (1 - (1 - beta_t) * abar_prev), by="algebra", note="beta_t + (1 - beta_t)(1 - abar) = 1 - (1 - beta_t) abar")
posterior.eq((1 - abar_prev) * beta_t / (1 - abar_t), by="algebra", note="abar_t = (1 - beta_t) abar_{t-1}")

posterior_le = Derivation(
    "diffusion_posterior_variance_le_beta",
    "The posterior variance never exceeds the forward variance: beta~_t <= beta_t",
    source="Ho et al. (2020) Sec. 3.2 (the two extreme choices sigma_t^2 = beta_t and beta~_t)",
    start=(1 - abar_prev) * beta_t / (1 - abar_t),
)
posterior_le.eq(beta_t - beta_t**2 * abar_prev / (1 - abar_t), by="algebra", note="1 - abar_{t-1} = (1 - abar_t) - beta_t abar_{t-1}")
posterior_le.le(
    beta_t, by="non-negativity certificate on the domain", certificate=beta_t**2 * abar_prev / ((1 - abar_prev) + beta_t * abar_prev),
    note="1 - abar_t = (1 - abar_{t-1}) + beta_t abar_{t-1} > 0",
)

# ---- mutual information between x_0 and x_t ---------------------------------------------------

d = dimension("d")
abar = interval("abar", 0, 1)
s = positive("s")
Sig = RV("Sig", IsoNormal(0, abar * s**2, d))
Noise = RV("Noise", IsoNormal(0, 1 - abar, d))
mi = Derivation(
    "diffusion_mutual_information",
    "Information kept by the noising channel: I(x_0; x_t) = (d/2) log(1 + abar s^2 / (1 - abar)), x_0 ~ N(0, s^2 I_d)",
    source="Ho et al. (2020) eq. (4); Cover & Thomas (2006) Thm 9.1.1 (Gaussian channel)",
    start=MI(Sig, Sig + Noise),
    description=(
        "x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps: the signal sqrt(abar) x_0 ~ N(0, abar s^2 I_d) passes an "
        "additive Gaussian channel with noise N(0, (1 - abar) I_d).  I(x_0; x_t) = I(sqrt(abar) x_0; x_t) since "
        "the scaling is invertible."
    ),
)
mi.eq(DiffEntropy(Sig + Noise) - CondDiffEntropy(Sig + Noise, Sig), by="definition of mutual information")
mi.eq(DiffEntropy(Sig + Noise) - DiffEntropy(Noise), by="translation invariance: independent additive noise")
mi.eq(
    DiffEntropy(IsoNormal(0, abar * s**2 + 1 - abar, d)) - DiffEntropy(IsoNormal(0, 1 - abar, d)),
    by="entropy depends only on the law",
)
mi.eq(
    d * DiffEntropy(Normal(0, abar * s**2 + 1 - abar)) - d * DiffEntropy(Normal(0, 1 - abar)),
    by="independent coordinates: entropy adds",
)
mi.eq(
    d / 2 * sp.log(2 * sp.pi * sp.E * (abar * s**2 + 1 - abar)) - d / 2 * sp.log(2 * sp.pi * sp.E * (1 - abar)),
    by="closed form",
)
mi.eq(d / 2 * sp.log(1 + abar * s**2 / (1 - abar)), by="algebra", note="signal-to-noise ratio abar s^2 / (1 - abar)")

# ---- x-prediction vs epsilon-prediction losses -------------------------------------------------

xt, eps, epshat = real("x_t eps epshat")
x0_of = (xt - sp.sqrt(1 - abar) * eps) / sp.sqrt(abar)
x0hat_of = (xt - sp.sqrt(1 - abar) * epshat) / sp.sqrt(abar)
snr = abar / (1 - abar)
loss = Derivation(
    "diffusion_loss_equivalence",
    "x-prediction and epsilon-prediction losses differ by the SNR: (x0 - x0hat)^2 = (eps - epshat)^2 / SNR",
    source="Ho et al. (2020) Sec. 3.2, eqs. (11)-(12)",
    start=(x0_of - x0hat_of) ** 2,
    description="x0 = (x_t - sqrt(1 - abar) eps)/sqrt(abar), and x0hat the same with epshat; SNR = abar/(1 - abar).",
)
loss.eq((sp.sqrt(1 - abar) * (epshat - eps) / sp.sqrt(abar)) ** 2, by="algebra", note="x_t cancels")
loss.eq((1 - abar) / abar * (eps - epshat) ** 2, by="algebra")
loss.eq((eps - epshat) ** 2 / snr, by="algebra")

snr_decreasing = Derivation(
    "diffusion_snr_one_step",
    "One more forward step multiplies abar by (1 - beta): SNR_t = (1 - beta) abar / (1 - (1 - beta) abar) < SNR_{t-1}",
    source="Ho et al. (2020) eq. (4)",
    start=abar_prev / (1 - abar_prev) - abar_t / (1 - abar_t),
)
snr_decreasing.eq(
    beta_t * abar_prev / ((1 - abar_prev) * (1 - abar_t)), by="algebra",
)
snr_decreasing.gt(
    0, by="non-negativity certificate on the domain",
    certificate=beta_t * abar_prev / ((1 - abar_prev) * ((1 - abar_prev) + beta_t * abar_prev)),
    note="every factor is positive for abar_{t-1}, beta_t in (0, 1); 1 - abar_t = (1 - abar_{t-1}) + beta_t abar_{t-1}",
)

X0 = RV("X0", IsoNormal(0, 1, d))
Eps = RV("Eps", IsoNormal(0, 1, d))
preserving = Derivation(
    "diffusion_variance_preserving",
    "Variance preserving: for x_0 ~ N(0, I_d), x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps ~ N(0, I_d) for every abar",
    source="Ho et al. (2020) eq. (4) and Sec. 2 ('variance preserving' forward process)",
    start=DiffEntropy(sp.sqrt(abar) * X0 + sp.sqrt(1 - abar) * Eps),
)
preserving.eq(DiffEntropy(IsoNormal(0, abar + 1 - abar, d)), by="entropy depends only on the law",
              note="variances abar and 1 - abar add to 1")
preserving.eq(d * DiffEntropy(Normal(0, 1)), by="independent coordinates: entropy adds")
preserving.eq(d * sp.log(2 * sp.pi * sp.E) / 2, by="closed form", note="the entropy of N(0, I_d), independent of abar")
