"""``capacity``: a trained encoder/decoder pair reaches the Gaussian channel capacity from below.

X ~ N(0, I_d) is encoded linearly, batch-normalised and scaled so that every
latent coordinate has power s^2 (the channel's power constraint), read
through additive N(0, t^2 I) noise, and decoded by a learned full-covariance
Gaussian q(x|y).  The Barber-Agakov bound I(X;Y) >= h(X) - E[-log q(x|y)]
is estimated per sample as log q(x|y) - log p(x), which has the same mean
and far less variance than subtracting a constant h(X).  The bound can only
approach (d/2) log(1 + s^2/t^2) from below; exceeding it beyond error would
expose a bug (for example, a power constraint that is not enforced).
"""

from __future__ import annotations

import math

from ..context import Context
from ..outcome import LN2, Outcome, Sweep
from ..predict import predict_nats
from ..registry import Param, experiment

DERIVATION = "gaussian_latent_capacity"


def _measure(ctx: Context, d: int, s: float, t: float, steps: int, n_eval: int, label: str) -> tuple[float, float]:
    """Train once and return the Barber-Agakov estimate (nats) and its standard error."""
    import torch

    dev = ctx.device
    W = torch.nn.Parameter(torch.randn(d, d, device=dev) / math.sqrt(d))
    A = torch.nn.Parameter(torch.zeros(d, d, device=dev))
    b = torch.nn.Parameter(torch.zeros(d, device=dev))
    raw_tril = torch.nn.Parameter(torch.zeros(d, d, device=dev))
    base = torch.distributions.MultivariateNormal(torch.zeros(d, device=dev), torch.eye(d, device=dev))

    def encode(x: torch.Tensor) -> torch.Tensor:
        h = x @ W.T
        return s * (h - h.mean(0)) / h.std(0, unbiased=False).clamp_min(1e-8)

    def decoder_log_prob(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        tril = torch.tril(raw_tril, -1) + torch.diag(torch.exp(torch.diagonal(raw_tril)))
        q = torch.distributions.MultivariateNormal(y @ A.T + b, scale_tril=tril)
        return q.log_prob(x)

    def loss(_step: int) -> torch.Tensor:
        x = torch.randn(1024, d, device=dev)
        y = encode(x) + t * torch.randn_like(x)
        return -decoder_log_prob(x, y).mean()

    from ..training import train

    train(ctx, [W, A, b, raw_tril], loss, steps, lr=0.03, description=label)
    parts = []
    with torch.no_grad():
        for _ in range(max(1, n_eval // 50_000)):
            x = torch.randn(50_000, d, device=dev)
            y = encode(x) + t * torch.randn_like(x)
            parts.append(decoder_log_prob(x, y) - base.log_prob(x))
    per = torch.cat(parts).double()
    return float(per.mean()), float(per.std() / math.sqrt(per.numel()))


@experiment(
    "capacity",
    derivation=DERIVATION,
    title="Barber-Agakov bound of a power-constrained latent vs the Gaussian channel capacity",
    params={"d": Param(4, "dimension"), "s": Param(1.0), "t": Param(0.5)},
    has_sweep=True,
)
def run(ctx: Context) -> Outcome:
    d, s, t = int(ctx.params["d"]), float(ctx.params["s"]), float(ctx.params["t"])
    predicted = predict_nats(DERIVATION, d=d, s=s, t=t)
    steps, n_eval = ctx.size(1500, 400), ctx.size(400_000, 100_000)
    measured, se = _measure(ctx, d, s, t, steps, n_eval, f"training d={d} s={s:g} t={t:g}")
    out = Outcome(predicted, measured, se, rel_tol=0.02)
    out.checks["does not exceed capacity beyond 3 standard errors"] = measured <= predicted + 3 * se
    out.details.append("measured = Barber-Agakov lower bound E[log q(x|y) - log p(x)] with a learned Gaussian q")
    if ctx.want_sweep:
        snrs = [0.25, 1.0, 4.0, 16.0, 64.0]
        pred, meas, errs = [], [], []
        for snr in snrs:
            tt = s / math.sqrt(snr)
            pred.append(predict_nats(DERIVATION, d=d, s=s, t=tt) / LN2)
            m, e = _measure(ctx, d, s, tt, ctx.size(600, 200), ctx.size(100_000, 50_000), f"sweep SNR={snr:g}")
            meas.append(m / LN2)
            errs.append(e / LN2)
        dense = [0.25 * (256 ** (i / 60)) for i in range(61)]
        curve = [predict_nats(DERIVATION, d=d, s=s, t=s / math.sqrt(g)) / LN2 for g in dense]
        out.checks["sweep never exceeds capacity beyond 3 standard errors"] = all(
            m <= p + 3 * e for m, p, e in zip(meas, pred, errs)
        )
        out.sweep = Sweep("SNR s^2/t^2", "I(X;Y) [bits]", snrs, pred, meas, errs, curve_x=dense, curve_y=curve)
    return out
