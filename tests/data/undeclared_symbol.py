import sympy as sp

from infoproofs import Derivation

x = sp.Symbol("x")  # not declared with a domain
d = Derivation("undeclared", "Uses an undeclared symbol", source="test", start=(x + 1) ** 2)
d.eq(x**2 + 2 * x + 1, by="algebra")
