"""A lemma proved on (0, 1) must not justify a step where the symbol ranges over (0, oo)."""

import sympy as sp

from infoproofs import Derivation, interval, positive

u = interval("u_lem", 0, 1)
on_unit = Derivation("abs_on_unit_interval", "|u - 1| = 1 - u on (0, 1)", source="test fixture", start=sp.Abs(u - 1))
on_unit.eq(1 - u, by="algebra")

u = positive("u_lem")  # the same name, now over (0, oo): this derivation keeps the wider domain
misuse = Derivation("lemma_outside_its_region", "Uses the (0, 1) lemma on (0, oo)", source="test fixture",
                    start=sp.Abs(u - 1) + 1)
misuse.eq(2 - u, by="lemma", lemma=on_unit)
