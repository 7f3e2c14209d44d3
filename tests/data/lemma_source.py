"""Lemmas imported by ``lemma_user.py``: one true but only confirmed, one false."""

import sympy as sp

from infoproofs import Derivation, dimension, positive

n = dimension("n_src")
k = sp.Symbol("k", integer=True, positive=True)
basel = Derivation(
    "basel_partial_sums_below_two", "The partial sums of 1/k^2 stay below 2", source="Euler (1734), the Basel problem",
    start=sp.Sum(1 / k**2, (k, 1, n)),
)
basel.le(2, by="sign of the residual")  # true (pi^2/6 < 2), but SymPy cannot prove it: only confirmed

s = positive("s_src")
too_strong = Derivation("scales_below_twenty", "Every scale is below 20 (false)", source="red team", start=s)
too_strong.le(20, by="sign of the residual")
