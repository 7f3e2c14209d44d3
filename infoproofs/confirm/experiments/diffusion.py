"""``diffusion-mmse``: I(x0; xt) from a trained denoiser's error via the I-MMSE relation.

For y = sqrt(snr) x0 + n with n ~ N(0, I), Guo, Shamai & Verdu (2005) give
dI/dsnr = 1/2 mmse(snr), so I(x0; xt) = 1/2 int_0^snr mmse(u) du with
snr = abar / (1 - abar).  A small denoiser, conditioned on log snr, is
trained on x0 ~ N(0, s^2 I_d); its test MSE (an upper bound on the MMSE) is
integrated by Gauss-Legendre quadrature in log snr, with the sliver below
snr_min added as 1/2 snr_min mse(snr_min).  The standard error propagates
each node's Monte Carlo error through the quadrature weights.
"""

from __future__ import annotations

import math

from ..context import Context
from ..outcome import LN2, Outcome, Sweep
from ..predict import predict_nats
from ..registry import Param, experiment

DERIVATION = "diffusion_mutual_information"
SNR_MIN = 1e-3


def _train_denoiser(ctx: Context, d: int, s: float, snr_max: float, steps: int):
    """x0_hat(y, snr) = a(log snr) * y + r(y, log snr); r starts at zero so training begins near linear."""
    import torch

    from ..training import train

    dev = ctx.device
    lo, hi = math.log(SNR_MIN), math.log(snr_max)

    def feature(u: torch.Tensor) -> torch.Tensor:
        return (2 * (u - lo) / (hi - lo) - 1).unsqueeze(1)

    gain = torch.nn.Sequential(
        torch.nn.Linear(1, 32), torch.nn.SiLU(), torch.nn.Linear(32, 32), torch.nn.SiLU(), torch.nn.Linear(32, 1)
    ).to(dev)
    resid = torch.nn.Sequential(torch.nn.Linear(d + 1, 64), torch.nn.SiLU(), torch.nn.Linear(64, d)).to(dev)
    torch.nn.init.zeros_(resid[-1].weight)
    torch.nn.init.zeros_(resid[-1].bias)

    def denoise(y: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        f = feature(u)
        return gain(f) * y + resid(torch.cat([y, f], 1))

    def batch(n: int, u: torch.Tensor):
        x0 = s * torch.randn(n, d, device=dev)
        return x0, torch.exp(0.5 * u).unsqueeze(1) * x0 + torch.randn_like(x0)

    def loss(_step: int) -> torch.Tensor:
        u = lo + (hi - lo) * torch.rand(1024, device=dev)
        x0, y = batch(1024, u)
        err = ((denoise(y, u) - x0) ** 2).sum(1)
        return (err * (1 + torch.exp(u))).mean()  # weight large snr, where the mmse is small but still counts

    train(
        ctx,
        list(gain.parameters()) + list(resid.parameters()),
        loss,
        steps,
        lr=3e-3,
        description=f"training denoiser d={d} s={s:g}",
    )

    def mse(snr: float, n: int) -> tuple[float, float]:
        with torch.no_grad():
            u = torch.full((n,), math.log(snr), device=dev)
            x0, y = batch(n, u)
            err = ((denoise(y, u) - x0) ** 2).sum(1).double()
        return float(err.mean()), float(err.var() / n)

    return mse


def integrate(mse, snr: float, nodes: int, n: int) -> tuple[float, float]:
    """1/2 int_0^snr mse(u) du (nats) and its standard error."""
    import numpy as np

    xs, ws = np.polynomial.legendre.leggauss(nodes)
    lo, hi = math.log(SNR_MIN), math.log(snr)
    m0, v0 = mse(SNR_MIN, n)
    total, var = 0.5 * SNR_MIN * m0, (0.5 * SNR_MIN) ** 2 * v0
    for x, w in zip(xs, ws):
        u = lo + (hi - lo) * (x + 1) / 2
        weight = 0.5 * w * (hi - lo) / 2 * math.exp(u)  # d snr = snr d(log snr)
        m, v = mse(math.exp(u), n)
        total += weight * m
        var += weight**2 * v
    return total, math.sqrt(var)


@experiment(
    "diffusion-mmse",
    derivation=DERIVATION,
    title="I(x0; xt) by integrating a trained denoiser's MSE over snr (I-MMSE) vs the Gaussian formula",
    params={"d": Param(4, "dimension"), "s": Param(1.0), "abar": Param(0.5, "open01")},
    has_sweep=True,
)
def run(ctx: Context) -> Outcome:
    d, s, abar = int(ctx.params["d"]), float(ctx.params["s"]), float(ctx.params["abar"])
    predicted = predict_nats(DERIVATION, d=d, abar=abar, s=s)
    snr = abar / (1 - abar)
    sweep_abar = [0.1, 0.3, 0.5, 0.7, 0.9]
    snr_max = max(snr, 9.0) * 1.01
    mse = _train_denoiser(ctx, d, s, snr_max, ctx.size(3000, 800))
    nodes, n = ctx.size(48, 24), ctx.size(40_000, 10_000)
    measured, se = integrate(mse, snr, nodes, n)
    out = Outcome(predicted, measured, se, rel_tol=0.02)
    out.details.append(f"snr = abar/(1-abar) = {snr:.4g}; {nodes} quadrature nodes in log snr, {n} samples each")
    out.details.append("the denoiser's MSE bounds the MMSE from above, so the estimate errs high, not low")
    if ctx.want_sweep:
        meas, errs, pred = [], [], []
        for a in sweep_abar:
            m, e = integrate(mse, a / (1 - a), nodes, n // 2)
            meas.append(m / LN2)
            errs.append(e / LN2)
            pred.append(predict_nats(DERIVATION, d=d, abar=a, s=s) / LN2)
        dense = [0.02 + 0.96 * i / 60 for i in range(61)]
        curve = [predict_nats(DERIVATION, d=d, abar=a, s=s) / LN2 for a in dense]
        out.sweep = Sweep("abar", "I(x0; xt) [bits]", sweep_abar, pred, meas, errs, curve_x=dense, curve_y=curve)
    return out
