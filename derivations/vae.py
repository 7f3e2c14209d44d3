"""The VAE objective with the reparameterisation trick, and data processing on a Gaussian chain.

Sources: Kingma & Welling (2014), Auto-Encoding Variational Bayes, Sec. 2.4 and App. B;
the lecture slides 'Entropy, Cross Entropy, Autoencoders, Variational Autoencoders' ("VAE Loss function" and
"Latent Space regularization after Reparameterization"); Cover & Thomas (2006) Thm 2.8.1.
"""

import sympy as sp

from infoproofs import KL, MI, RV, Derivation, E, LogGap, Normal, positive, real
from infoproofs.notation.abstract import AbstractFunction

mu_q = real("mu_q")
s_q = positive("sigma_q")
eps = sp.Symbol("epsilon", real=True)
z = sp.Symbol("z", real=True)
# log p(x | z) as a function of z: unspecified; the numeric oracle draws concrete functions for it.
log_lik = AbstractFunction("g", "any")

reparam = Derivation(
    "reparameterisation_trick",
    "Reparameterisation: E_{z~N(mu, sigma^2)}[g(z)] = E_{eps~N(0,1)}[g(mu + sigma eps)]",
    source="Kingma & Welling (2014) Sec. 2.4; lecture slides on VAEs, 'after Reparameterization'",
    start=E(log_lik(z), z, Normal(mu_q, s_q**2)),
)
reparam.eq(E(log_lik(mu_q + s_q * eps), eps, Normal(0, 1)), by="location-scale reparameterisation")

vae_loss = Derivation(
    "vae_objective_closed_kl",
    "The per-datapoint VAE objective with the Gaussian KL in closed form (one latent)",
    source="Kingma & Welling (2014) eq. (10) and App. B",
    start=E(log_lik(z), z, Normal(mu_q, s_q**2)) - KL(Normal(mu_q, s_q**2), Normal(0, 1)),
    description="ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z)) with q = N(mu, sigma^2), p = N(0, 1).",
)
vae_loss.eq(
    E(log_lik(mu_q + s_q * eps), eps, Normal(0, 1)) - KL(Normal(mu_q, s_q**2), Normal(0, 1)),
    by="location-scale reparameterisation",
)
vae_loss.eq(
    E(log_lik(mu_q + s_q * eps), eps, Normal(0, 1)) + (1 + sp.log(s_q**2) - mu_q**2 - s_q**2) / 2,
    by="closed form",
    note="KL(N(mu, sigma^2) || N(0, 1)) = -(1 + log sigma^2 - mu^2 - sigma^2) / 2",
)

# ---- data processing on a Gaussian Markov chain X -> Y = X + N1 -> Z = Y + N2 -------------------

s_x, t1, t2 = positive("s_x t_1 t_2")
X = RV("X", Normal(0, s_x**2))
N1 = RV("N_1", Normal(0, t1**2))
N2 = RV("N_2", Normal(0, t2**2))
a = 1 + s_x**2 / t1**2
b = 1 + s_x**2 / (t1**2 + t2**2)

dpi = Derivation(
    "data_processing_gaussian_chain",
    "Data processing: I(X; X+N1+N2) <= I(X; X+N1) on a Gaussian Markov chain",
    source="Cover & Thomas (2006) Thm 2.8.1 (data-processing inequality), Gaussian case",
    start=MI(X, X + N1 + N2),
)
dpi.eq(sp.log(b) / 2, by="closed form", note="Gaussian channel with noise variance t1^2 + t2^2")
dpi.le(
    sp.log(a) / 2,
    by="non-negativity certificate",
    certificate=(LogGap(b / a) + s_x**2 * t2**2 / (t1**2 * (t1**2 + t2**2) * a)) / 2,
    note="log(a/b) = phi(b/a) + (1 - b/a), and a - b = s^2 t2^2 / (t1^2 (t1^2 + t2^2)) >= 0",
)
dpi.eq(MI(X, X + N1), by="closed form")
