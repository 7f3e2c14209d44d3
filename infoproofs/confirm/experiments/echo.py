"""``echo``: echo noise (Brekelmans et al. 2019) gives the exact rate I(x;z) = -log s in the linear case.

z = f(x) + S(x) eps, where eps is the truncated echo sum
eps = sum_l (prod_{k<l} S(x^(k))) f(x^(l)) over *other* batch members
x^(l), so eps has the law of z itself and I(x;z) = -E log|det S(x)|.  S is
clipped so that clip^terms = 2^-23: the dropped tail stays below float32
precision; each lag uses a fresh random offset into the batch.  With f(x) = x, S = s and X ~ N(0, 1), (x, z) is jointly
Gaussian and I(x;z) = -1/2 log(1 - rho^2) is *measured* from the sample
correlation (standard error by jackknife over independent batches) and
compared with the catalog's echo_scalar_gaussian.  For uniform x a
two-sample Kolmogorov-Smirnov test checks that z and eps share a law.
"""

from __future__ import annotations

import math

from ..context import Context
from ..outcome import LN2, Outcome, Sweep
from ..predict import predict_nats
from ..registry import Param, experiment

DERIVATION = "echo_scalar_gaussian"
FLOAT32_EPS = 2.0**-23


def echo_plan(s_max: float) -> tuple[int, float, int]:
    """(terms, clip, batch): enough terms that s_max^terms < float32 eps, and a batch larger than the sum."""
    terms = max(64, math.ceil(math.log(FLOAT32_EPS) / math.log(s_max)) + 8)
    clip = FLOAT32_EPS ** (1.0 / terms)
    return terms, clip, max(1024, 2 * terms)


def echo_noise(fx, sx, terms: int, clip: float):
    """The truncated echo sum for every batch member, built from the *other* members.

    Each lag uses a distinct random offset in 1..n-1, so every sum draws on
    distinct other members (independent terms) and eps_i is not simply the
    neighbour's z, which would make any estimate from one batch degenerate.
    """
    import torch

    sx = sx.clamp(max=clip)
    n = fx.shape[0]
    if n <= terms:
        raise ValueError(f"echo noise needs a batch larger than its {terms} terms (got {n})")
    index = torch.arange(n, device=fx.device)
    eps = torch.zeros_like(fx)
    prod = torch.ones_like(fx)
    offsets = torch.randperm(n - 1, device=fx.device)[:terms] + 1
    for lag in range(terms):
        j = (index + offsets[lag]) % n
        eps = eps + prod * fx[j]
        prod = prod * sx[j]
    return eps


def _gaussian_information(ctx: Context, s: float, batches: int, label: str) -> tuple[float, float, float]:
    """I(x;z) from the pooled correlation of (x, z), its jackknife s.e., and the pooled Var z."""
    import torch

    terms, clip, size = echo_plan(s)
    sums = torch.zeros(batches, 5, dtype=torch.float64)
    with ctx.track(label, batches) as advance:
        for b in range(batches):
            x = torch.randn(size, 1, device=ctx.device)
            fx, sx = x, torch.full_like(x, s)  # the linear case: f(x) = x, S(x) = s
            z = fx + sx * echo_noise(fx, sx, terms, clip)
            x, z = x.double().flatten().cpu(), z.double().flatten().cpu()
            sums[b] = torch.stack([x.sum(), z.sum(), (x * x).sum(), (z * z).sum(), (x * z).sum()])
            advance(1)

    def info(tot: torch.Tensor, n: float) -> tuple[float, float]:
        mx, mz = tot[0] / n, tot[1] / n
        vx, vz = tot[2] / n - mx * mx, tot[3] / n - mz * mz
        rho2 = (tot[4] / n - mx * mz) ** 2 / (vx * vz)
        return float(-0.5 * torch.log1p(-rho2)), float(vz)

    total = sums.sum(0)
    estimate, var_z = info(total, batches * size)
    leave_one_out = [info(total - sums[b], (batches - 1) * size)[0] for b in range(batches)]
    mean_loo = sum(leave_one_out) / batches
    se = math.sqrt((batches - 1) / batches * sum((v - mean_loo) ** 2 for v in leave_one_out))
    return estimate, se, var_z


def _uniform_ks(ctx: Context, s: float, batches: int) -> float:
    """KS p-value between z and eps from independent batches of uniform x (thinned to near-independence)."""
    import numpy as np
    import torch
    from scipy.stats import ks_2samp

    terms, clip, size = echo_plan(s)
    stride = max(1, math.ceil(math.log(1e-4) / math.log(s)))

    def draw(which: str) -> np.ndarray:
        out = []
        for _ in range(batches):
            x = (torch.rand(size, 1, device=ctx.device) * 2 - 1) * math.sqrt(3.0)
            sx = torch.full_like(x, s)
            eps = echo_noise(x, sx, terms, clip)
            out.append((x + sx * eps if which == "z" else eps)[::stride].flatten().cpu().numpy())
        return np.concatenate(out)

    return float(ks_2samp(draw("z"), draw("eps")).pvalue)


@experiment(
    "echo",
    derivation=DERIVATION,
    title="echo-noise channel: measured I(x;z) vs -log s, and z ~ eps for uniform x",
    params={"s": Param(0.5, "open01")},
    has_sweep=True,
)
def run(ctx: Context) -> Outcome:
    s = float(ctx.params["s"])
    predicted = predict_nats(DERIVATION, s=s)
    batches = ctx.size(400, 100)
    measured, se, var_z = _gaussian_information(ctx, s, batches, f"echo noise s={s:g}")
    out = Outcome(predicted, measured, se, rel_tol=0.02)
    # For a jointly Gaussian pair I = -1/2 log(1 - rho^2) and rho^2 = Var x / Var z, so the catalog's I fixes Var z.
    var_z_predicted = 1.0 / (1.0 - math.exp(-2.0 * predicted))
    out.details.append(f"rate -E log|S(x)| = {-math.log(s) / LN2:.5f} bits (S fixed at s in the linear case)")
    out.details.append(f"Var z = {var_z:.5f}, implied by the catalog's I: {var_z_predicted:.5f}")
    out.checks["Var z within 2% of the value implied by the prediction"] = abs(var_z / var_z_predicted - 1) < 0.02
    p_value = _uniform_ks(ctx, s, ctx.size(40, 12))
    out.details.append(f"uniform x: two-sample KS test of z against eps, p = {p_value:.3f}")
    out.checks["uniform x: KS test does not reject z ~ eps at the 1% level"] = p_value > 0.01
    if ctx.want_sweep:
        grid = [0.2, 0.35, 0.5, 0.65, 0.8]
        meas, errs, pred = [], [], []
        for g in grid:
            m, e, _ = _gaussian_information(ctx, g, ctx.size(100, 30), f"sweep s={g:g}")
            meas.append(m / LN2)
            errs.append(e / LN2)
            pred.append(predict_nats(DERIVATION, s=g) / LN2)
        dense = [0.1 + 0.8 * i / 60 for i in range(61)]
        curve = [predict_nats(DERIVATION, s=g) / LN2 for g in dense]
        out.sweep = Sweep("echo scale s", "I(x;z) [bits]", grid, pred, meas, errs, curve_x=dense, curve_y=curve)
    return out
