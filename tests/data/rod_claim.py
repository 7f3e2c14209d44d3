"""Deliberately false: "you can store at most 50*x bits on a rod of x metres, with one mark on it".

Source: eri24816 (2024), "Book on a rod" (blog post).
With a mark X ~ U[0, L] read through Gaussian noise N(0, sigma^2), the information the
mark carries is about h(U[0, L]) - h(N(0, sigma^2)) = log2(L/sigma) - (1/2) log2(2 pi e) bits
(derivations/channels.py, rod_mark_bits): it grows like log L, not linearly in L.  Both
claims below must be refuted by the checker (numeric counterexample); they are kept out of
derivations/ so that `infoproofs check --strict derivations/` stays green.
"""

import sympy as sp

from infoproofs import Derivation, DiffEntropy, Normal, Uniform, positive

L, sigma = positive("L sigma")

rod_linear = Derivation(
    "rod_claim_linear_in_length",
    "The source's claim: one mark on a rod of L metres carries 50 L bits (false)",
    source="eri24816 (2024), 'Book on a rod' (blog post)",
    start=(DiffEntropy(Uniform(0, L)) - DiffEntropy(Normal(0, sigma**2))) / sp.log(2),
)
rod_linear.eq(sp.log(L / sigma, 2) - sp.log(2 * sp.pi * sp.E, 2) / 2, by="closed form")
rod_linear.eq(50 * L, by="algebra", note="the claimed capacity; false: the left side is logarithmic in L")

# Even with the noise level chosen to make the two agree at L = 1 m, doubling the rod adds
# exactly one bit, not 50: the claim's scaling is wrong, not just its constant.
rod_doubling = Derivation(
    "rod_claim_doubling",
    "Doubling the rod adds 50 L bits, as the linear claim implies (false: it adds exactly 1 bit)",
    source="eri24816 (2024), 'Book on a rod'; consequence of rod_mark_bits",
    start=sp.log(2 * L / sigma, 2) - sp.log(L / sigma, 2),
)
rod_doubling.eq(50 * L, by="algebra", note="false: log2(2L/sigma) - log2(L/sigma) = 1")
