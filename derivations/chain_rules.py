"""Chain rules for entropy and mutual information, for any finite joint law.

The densities are unspecified: P (written p below) is one strictly positive joint table over
finite supports of X, Y, Z.  Symbolically the steps follow from the
definitions, the chain rule of probability p(x, y) = p(x) p(y | x), the
log of a product and linearity; the joint expectation is written as nested
expectations E_{x ~ p(x)} E_{y ~ p(y | x)}.  Numerically each step is
evaluated exactly on random Dirichlet tables over supports of 2-3 values.

Sources: Cover & Thomas (2006) Thm 2.2.1 (H(X, Y) = H(X) + H(Y | X)),
Thm 2.5.1 (chain rule for entropy), Thm 2.5.2 (chain rule for information),
eq. (2.43)-(2.45) (I = H(X) - H(X | Y)).
"""

import sympy as sp

from infoproofs import Derivation, E
from infoproofs.notation.abstract import FamilyEntropy, Joint, MutualInfo, outcome

x, y, z = outcome("x y z")
p = Joint("P", x, y, z)  # family names are global: "p" is the ELBO's model
log = sp.log

# ---- H(X, Y) = H(X) + H(Y | X) -----------------------------------------------------------

px, py_x = p.law(x), p.law(y, given=x)
entropy_chain = Derivation(
    "entropy_chain_rule",
    "Chain rule for entropy: H(X, Y) = H(X) + H(Y | X)",
    source="Cover & Thomas (2006) Thm 2.2.1",
    start=FamilyEntropy("P", (x, y)),
)
entropy_chain.eq(-E(E(log(p(x, y)), y, py_x), x, px), by="definition of entropy (finite support)")
entropy_chain.eq(-E(E(log(p(x) * p(y, given=x)), y, py_x), x, px), by="chain rule of probability")
entropy_chain.eq(
    -E(log(p(x)), x, px) - E(E(log(p(y, given=x)), y, py_x), x, px),
    by="log of a product",
    note="log p(x) does not depend on y, and E_{y ~ p(y|x)}[1] = 1",
)
entropy_chain.eq(FamilyEntropy("P", x) + FamilyEntropy("P", y, given=x), by="definition of entropy (finite support)")

# ---- three variables -----------------------------------------------------------------------

pz_xy = p.law(z, given=(x, y))
entropy_chain3 = Derivation(
    "entropy_chain_rule_three",
    "Chain rule for entropy, three variables: H(X, Y, Z) = H(X) + H(Y | X) + H(Z | X, Y)",
    source="Cover & Thomas (2006) Thm 2.5.1",
    start=FamilyEntropy("P", (x, y, z)),
)
entropy_chain3.eq(
    -E(E(E(log(p(x, y, z)), z, pz_xy), y, py_x), x, px), by="definition of entropy (finite support)"
)
entropy_chain3.eq(
    -E(E(E(log(p(x) * p(y, given=x) * p(z, given=(x, y))), z, pz_xy), y, py_x), x, px),
    by="chain rule of probability",
    note="p(x, y, z) = p(x) p(y | x) p(z | x, y)",
)
entropy_chain3.eq(
    -E(log(p(x)), x, px) - E(E(log(p(y, given=x)), y, py_x), x, px)
    - E(E(E(log(p(z, given=(x, y))), z, pz_xy), y, py_x), x, px),
    by="log of a product",
)
entropy_chain3.eq(
    FamilyEntropy("P", x) + FamilyEntropy("P", y, given=x) + FamilyEntropy("P", z, given=(x, y)),
    by="definition of entropy (finite support)",
)

# ---- I(X; Y) = H(Y) - H(Y | X) ---------------------------------------------------------------

py = p.law(y)
mi_entropies = Derivation(
    "mutual_information_as_entropy_difference",
    "I(X; Y) = H(Y) - H(Y | X): information is the reduction in uncertainty",
    source="Cover & Thomas (2006) eq. (2.43)-(2.45)",
    start=MutualInfo("P", x, y),
)
mi_entropies.eq(
    E(E(log(p(y, given=x)) - log(p(y)), y, py_x), x, px), by="definition of mutual information (finite support)"
)
mi_entropies.eq(
    E(E(log(p(y, given=x)), y, py_x), x, px) - E(E(log(p(y)), y, py_x), x, px),
    by="linearity of expectation",
)
mi_entropies.eq(
    E(E(log(p(y, given=x)), y, py_x), x, px) - E(log(p(y)), y, py),
    by="law of total expectation",
    note="averaging p(y | x) over x gives p(y)",
)
mi_entropies.eq(FamilyEntropy("P", y) - FamilyEntropy("P", y, given=x), by="definition of entropy (finite support)")

# ---- I(X; Y, Z) = I(X; Y) + I(X; Z | Y) -------------------------------------------------------

pz_xy = p.law(z, given=(x, y))
mi_chain = Derivation(
    "mutual_information_chain_rule",
    "Chain rule for mutual information: I(X; Y, Z) = I(X; Y) + I(X; Z | Y)",
    source="Cover & Thomas (2006) Thm 2.5.2",
    start=MutualInfo("P", x, (y, z)),
)
mi_chain.eq(
    E(E(E(log(p(y, z, given=x)) - log(p(y, z)), z, pz_xy), y, py_x), x, px),
    by="definition of mutual information (finite support)",
    note="I(A; B) = E[log p(b | a) - log p(b)] with A = X, B = (Y, Z)",
)
mi_chain.eq(
    E(
        E(
            E(
                log(p(y, given=x)) - log(p(y)) + log(p(z, given=(x, y))) - log(p(z, given=y)),
                z,
                pz_xy,
            ),
            y,
            py_x,
        ),
        x,
        px,
    ),
    by="chain rule of probability",
    note="p(y, z | x) = p(y | x) p(z | x, y) and p(y, z) = p(y) p(z | y)",
)
mi_chain.eq(
    E(E(log(p(y, given=x)) - log(p(y)), y, py_x), x, px)
    + E(E(E(log(p(z, given=(x, y))) - log(p(z, given=y)), z, pz_xy), y, py_x), x, px),
    by="linearity of expectation",
)
mi_chain.eq(
    MutualInfo("P", x, y) + E(E(E(log(p(z, given=(x, y))) - log(p(z, given=y)), z, pz_xy), x, p.law(x, given=y)), y, py),
    by="law of total expectation",
    note="the first term is I(X; Y) by definition; the second is reordered to average over y first",
)
mi_chain.eq(
    MutualInfo("P", x, y) + MutualInfo("P", x, z, given=y),
    by="definition of mutual information (finite support)",
    note="I(X; Z | Y) = E_{y, x, z}[log p(z | x, y) - log p(z | y)]",
)
