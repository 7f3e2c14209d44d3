"""A user file outside the catalog with one false step (a dropped 1/2)."""

import sympy as sp

from infoproofs import Derivation, DiffEntropy, Normal, positive, real

mu = real("mu")
s = positive("s")
h_normal = Derivation(
    "h_normal_dropped_half",
    "Entropy of a Normal with a dropped 1/2",
    source="test fixture",
    start=DiffEntropy(Normal(mu, s**2)),
)
h_normal.eq(sp.log(2 * sp.pi * sp.E * s**2), by="closed form")
