"""The optimal GAN discriminator and the value of the game at it.

Source: Goodfellow et al. (2014), Generative Adversarial Nets, Prop. 1
(D*_G = p_data / (p_data + p_g)) and Thm 1 (C(G) = -log 4 + 2 JSD(p_data || p_g)).

Pointwise, the discriminator maximises a log D + b log(1 - D) with
a = p_data(x) > 0, b = p_g(x) > 0: the derivative vanishes at a/(a + b), the
function is strictly concave, and the gap to the maximum is (a + b) times a
Bernoulli KL divergence.  The densities p_data, p_g are unspecified laws on a
finite support, instantiated numerically as random Dirichlet tables.
"""

import sympy as sp

from infoproofs import KL, Bernoulli, Derivation, E, positive, probability
from infoproofs.notation.abstract import JSD, Joint, MixtureLaw, outcome

a, b = positive("a b")
D = probability("D_G")  # the discriminator's output at one x (D_G: "D" alone is taken elsewhere)
x = outcome("x")
SOURCE = "Goodfellow et al. (2014), Generative Adversarial Nets, Prop. 1"

objective = a * sp.log(D) + b * sp.log(1 - D)
D_star = a / (a + b)

stationary = Derivation(
    "gan_discriminator_stationary",
    "The derivative of a log D + b log(1 - D) vanishes at D* = a/(a + b)",
    source=SOURCE,
    start=(a / D - b / (1 - D)).subs(D, D_star),
    description="d/dD [a log D + b log(1 - D)] = a/D - b/(1 - D), evaluated at D = a/(a + b).",
)
stationary.eq(0, by="algebra", note="1 - a/(a + b) = b/(a + b)")

concave = Derivation(
    "gan_discriminator_concave",
    "a log D + b log(1 - D) is strictly concave on (0, 1): minus its second derivative is positive",
    source=SOURCE,
    start=-sp.diff(objective, D, 2),
)
concave.gt(0, by="sign of the residual", note="a/D^2 + b/(1 - D)^2 > 0 for a, b > 0")

maximum = Derivation(
    "gan_discriminator_maximum",
    "D* = a/(a + b) maximises a log D + b log(1 - D): the gap to its value is (a + b) KL(Bern(D*) || Bern(D)) >= 0",
    source=SOURCE,
    start=objective.subs(D, D_star) - objective,
)
maximum.eq(
    (a + b) * KL(Bernoulli(D_star), Bernoulli(D)),
    by="closed form",
    note="KL(Bern(u) || Bern(D)) = u log(u/D) + (1 - u) log((1 - u)/(1 - D))",
)
maximum.ge(0, by="Gibbs' inequality")

# ---- with the densities p_data(x), p_g(x) ---------------------------------------------------

pdata = Joint("p_data", x)
pg = Joint("p_g", x)
Pd, Pg = pdata.law(x), pg.law(x)
d_star = pdata(x) / (pdata(x) + pg(x))

V_x = pdata(x) * sp.log(D) + pg(x) * sp.log(1 - D)
pointwise = Derivation(
    "gan_optimal_discriminator",
    "For each x, D*(x) = p_data(x) / (p_data(x) + p_g(x)) maximises p_data(x) log D + p_g(x) log(1 - D)",
    source=SOURCE,
    start=V_x.subs(D, d_star) - V_x,
    description="The gap between the value at D*(x) and at any D in (0, 1) is a scaled Bernoulli KL.",
)
pointwise.eq((pdata(x) + pg(x)) * KL(Bernoulli(d_star), Bernoulli(D)), by="closed form")
pointwise.ge(0, by="Gibbs' inequality")

M = MixtureLaw(Pd, Pg)
value = Derivation(
    "gan_value_jsd",
    "V(D*, G) = -log 4 + 2 JSD(p_data || p_g)",
    source="Goodfellow et al. (2014), Thm 1, proof",
    start=E(sp.log(d_star), x, Pd) + E(sp.log(1 - d_star), x, Pg),
    description="V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))] at D = D*.",
)
value.eq(E(sp.log(d_star), x, Pd) + E(sp.log(pg(x) / (pdata(x) + pg(x))), x, Pg), by="algebra",
         note="1 - D*(x) = p_g(x) / (p_data(x) + p_g(x))")
value.eq(
    E(sp.log(2 * pdata(x) / (pdata(x) + pg(x))), x, Pd)
    + E(sp.log(2 * pg(x) / (pdata(x) + pg(x))), x, Pg)
    - sp.log(4),
    by="linearity of expectation",
    note="multiply inside each log by 2/2",
)
value.eq(KL(Pd, M) + KL(Pg, M) - sp.log(4), by="definition of KL divergence (finite support)",
         note="M = (p_data + p_g)/2")
value.eq(-sp.log(4) + 2 * JSD(Pd, Pg), by="definition of Jensen-Shannon divergence")

value_min = Derivation(
    "gan_value_lower_bound",
    "V(D*, G) >= -log 4, with equality iff p_g = p_data",
    source="Goodfellow et al. (2014), Thm 1",
    start=-sp.log(4) + 2 * JSD(Pd, Pg),
)
value_min.eq(-sp.log(4) + KL(Pd, M) + KL(Pg, M), by="definition of Jensen-Shannon divergence")
value_min.ge(-sp.log(4), by="Gibbs' inequality")
