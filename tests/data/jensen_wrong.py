"""Deliberately false: Jensen's inequality as the notes state it, for a general f.

'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023): "Jensen's inequality: f(E(X)) >= E f(X)",
with nothing said about f.  For a convex f (t^2) it fails; the checker must
refute it with a counterexample (tests/test_abstract.py).
"""

import sympy as sp

from infoproofs import Derivation, E
from infoproofs.notation.abstract import AbstractFunction, Joint, RandomValue, outcome

x, z = outcome("x z")
q = Joint("q", x, z)
f = AbstractFunction("f", "any")
g = RandomValue("g", z, z)
t = sp.Symbol("t", real=True)

jensen_general = Derivation(
    "jensen_wrong_general_f",
    "Jensen as stated in the diffusion blog post (2023), for an f of unknown shape (false)",
    source="'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023), 'Jensen's inequality'",
    start=f(E(g, z, q.law(z))),
)
jensen_general.ge(E(f(g), z, q.law(z)), by="Jensen's inequality", f=f)

jensen_square_reversed = Derivation(
    "jensen_wrong_square",
    "Jensen in the wrong direction for the convex t^2 (false)",
    source="deliberately false",
    start=E(g, z, q.law(z)) ** 2,
)
jensen_square_reversed.ge(E(g**2, z, q.law(z)), by="Jensen's inequality", f=sp.Lambda(t, t**2))

jensen_convex_declared_reversed = Derivation(
    "jensen_wrong_convex_declared",
    "Jensen in the concave direction for a declared-convex f (false)",
    source="deliberately false",
    start=AbstractFunction("h", "convex")(E(g, z, q.law(z))),
)
jensen_convex_declared_reversed.ge(
    E(AbstractFunction("h", "convex")(g), z, q.law(z)), by="Jensen's inequality", f=AbstractFunction("h", "convex")
)
