import sympy as sp

from infoproofs import Derivation, positive

s = positive("s")
d = Derivation("bad_rule", "Cites a rule that does not exist", source="test", start=sp.log(s**2))
d.eq(2 * sp.log(s), by="logarithm magic")
