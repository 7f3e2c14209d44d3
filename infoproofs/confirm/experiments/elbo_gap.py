"""``elbo-gap``: the ELBO's gap and ELBO surgery, measured on a small VAE trained on sklearn's digits.

The 8x8 digits (shipped with scikit-learn, no download) are binarised so a
Bernoulli decoder is a true likelihood.  After training we check
  * ELBO <= the importance-weighted estimate of log p(x) (the gap estimates
    KL(q(z|x) || p(z|x))), and
  * ELBO surgery (Hoffman & Johnson 2016):
    E_x KL(q(z|x) || p(z)) = I_q(X;Z) + KL(q(z) || p(z)),
    with q(z) the exact mixture of the N encoder posteriors over the dataset.
The left side is exact (closed-form KLs averaged over the dataset); each
right-hand term is estimated by Monte Carlo from its own independent samples,
so the identity is a real test of the estimators, judged within 3 standard
errors.  The catalog's elbo_surgery is an identity between functionals, not
a number, so the predicted value is the sum of the two measured right-hand
terms; elbo_surgery_mi_bound's I_q <= log N is checked too.
"""

from __future__ import annotations

import math

from ..context import Context
from ..outcome import LN2, Outcome
from ..predict import require_derivation
from ..registry import Param, experiment


def _digits(device: str):
    import torch
    from sklearn.datasets import load_digits

    x = torch.tensor(load_digits().data, dtype=torch.float32, device=device)
    return (x > 7.5).float()


def _log_normal(z, mu, logvar):
    """log N(z; mu, diag exp(logvar)) summed over the last axis."""
    return -0.5 * (((z - mu) ** 2) / logvar.exp() + logvar + math.log(2 * math.pi)).sum(-1)


@experiment(
    "elbo-gap",
    derivation="elbo_surgery",
    title="VAE on digits: ELBO <= IW log p(x), and ELBO surgery E KL(q(z|x)||p(z)) = I_q + KL(q(z)||p(z))",
    params={"latent": Param(4, "dimension"), "hidden": Param(128, "dimension")},
)
def run(ctx: Context) -> Outcome:
    import torch
    import torch.nn.functional as F

    from ..training import train

    require_derivation("elbo_surgery")
    k, h = int(ctx.params["latent"]), int(ctx.params["hidden"])
    x = _digits(ctx.device)
    n, dim = x.shape
    enc = torch.nn.Sequential(torch.nn.Linear(dim, h), torch.nn.Tanh(), torch.nn.Linear(h, 2 * k)).to(ctx.device)
    dec = torch.nn.Sequential(torch.nn.Linear(k, h), torch.nn.Tanh(), torch.nn.Linear(h, dim)).to(ctx.device)

    def encode(xb: torch.Tensor):
        mu, logvar = enc(xb).chunk(2, -1)
        return mu, logvar.clamp(-12, 6)

    def log_lik(xb: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return -F.binary_cross_entropy_with_logits(
            dec(z), xb.expand(z.shape[:-1] + xb.shape[-1:]), reduction="none"
        ).sum(-1)

    def kl_prior(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(-1)

    def loss(_step: int) -> torch.Tensor:
        xb = x[torch.randint(0, n, (128,), device=ctx.device)]
        mu, logvar = encode(xb)
        z = mu + (0.5 * logvar).exp() * torch.randn_like(mu)
        return (kl_prior(mu, logvar) - log_lik(xb, z)).mean()

    train(
        ctx,
        list(enc.parameters()) + list(dec.parameters()),
        loss,
        ctx.size(4000, 800),
        lr=2e-3,
        description=f"training VAE (latent {k})",
    )

    samples_elbo, samples_iw = ctx.size(32, 8), ctx.size(512, 128)
    with torch.no_grad(), ctx.track("estimating ELBO, IW log p(x), surgery", 3) as advance:
        mu, logvar = encode(x)
        std = (0.5 * logvar).exp()
        kl = kl_prior(mu, logvar)  # exact per x
        z = mu + std * torch.randn(samples_elbo, n, k, device=ctx.device)
        elbo = (log_lik(x, z).mean(0) - kl).double()
        log_w = []
        for chunk in torch.split(torch.randn(samples_iw, n, k, device=ctx.device), 64):
            zz = mu + std * chunk
            log_w.append(
                log_lik(x, zz)
                + _log_normal(zz, torch.zeros_like(zz), torch.zeros_like(zz))
                - _log_normal(zz, mu, logvar)
            )
        log_w = torch.cat(log_w).double()
        iw = torch.logsumexp(log_w, 0) - math.log(samples_iw)
        advance(1)

        def log_aggregate(zs: torch.Tensor) -> torch.Tensor:
            """log q(z) = log (1/N) sum_j q(z | x_j), exactly, for a batch of z."""
            out = [
                torch.logsumexp(_log_normal(zc.unsqueeze(1), mu, logvar), 1) - math.log(n)
                for zc in torch.split(zs, 512)
            ]
            return torch.cat(out).double()

        reps = ctx.size(4, 1)
        # I_q = E_{x, z~q(z|x)} [log q(z|x) - log q(z)] from one set of samples ...
        idx = torch.arange(n, device=ctx.device).repeat(reps)
        z1 = mu[idx] + std[idx] * torch.randn(len(idx), k, device=ctx.device)
        mi_terms = _log_normal(z1, mu[idx], logvar[idx]).double() - log_aggregate(z1)
        advance(1)
        # ... and KL(q(z) || p(z)) = E_{z~q(z)} [log q(z) - log p(z)] from an independent set.
        idx2 = torch.randint(0, n, (n * reps,), device=ctx.device)
        z2 = mu[idx2] + std[idx2] * torch.randn(len(idx2), k, device=ctx.device)
        kl_terms = log_aggregate(z2) - _log_normal(z2, torch.zeros_like(z2), torch.zeros_like(z2)).double()
        advance(1)

    mi, kl_agg = float(mi_terms.mean()), float(kl_terms.mean())
    se = math.sqrt(float(mi_terms.var()) / len(mi_terms) + float(kl_terms.var()) / len(kl_terms))
    rate = float(kl.double().mean())
    out = Outcome(mi + kl_agg, rate, se, rel_tol=0.0, n_se=3.0)
    gap = (iw - elbo).double()
    gap_mean, gap_se = float(gap.mean()), float(gap.std() / math.sqrt(n))
    out.details.append(
        f"mean ELBO = {float(elbo.mean()) / LN2:.3f} bits, IW({samples_iw}) log p(x) = "
        f"{float(iw.mean()) / LN2:.3f} bits"
    )
    out.details.append(f"gap IW - ELBO ~ E KL(q(z|x) || p(z|x)) = {gap_mean / LN2:.4f} +- {gap_se / LN2:.4f} bits")
    out.details.append(
        f"I_q(X;Z) = {mi / LN2:.4f} bits (<= log2 N = {math.log2(n):.3f}), "
        f"KL(q(z)||p(z)) = {kl_agg / LN2:.4f} bits; rate E KL(q(z|x)||p(z)) = {rate / LN2:.4f} bits"
    )
    out.details.append("predicted = I_q + KL(q(z)||p(z)) (independent Monte Carlo); measured = exact mean rate")
    out.checks["mean ELBO <= mean IW log p(x) (beyond 3 s.e.)"] = gap_mean + 3 * gap_se >= 0 and gap_mean >= -1e-9
    out.checks["I_q(X;Z) <= log N"] = mi <= math.log(n) + 3 * float(mi_terms.std()) / math.sqrt(len(mi_terms))
    return out
