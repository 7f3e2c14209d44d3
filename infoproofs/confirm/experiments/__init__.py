"""The registered experiments; importing this package registers them (torch is imported only when one runs)."""

from . import capacity, diffusion, echo, elbo_gap, rate_distortion  # noqa: F401
