"""Bayes' theorem and Jensen's inequality for unspecified densities.

Source: the blog post 'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023),
"Concepts": "Baye's theorem" and "Jensen's inequality"); Cover & Thomas
(2006) Thm 2.6.2 (Jensen's inequality); Bishop (2006) eq. (1.12).

The densities p(x, z), q(z) are unspecified: x and z range over finite
supports of unspecified size and every joint table is strictly positive.
Symbolic steps follow from the definitions (p(a | b) = p(a, b)/p(b), the sum
rule, linearity); numerically every step is evaluated exactly on random
Dirichlet instances (2-4 values of z, 2-3 of x).

Note the source's slip: it states "Jensen's inequality: f(E(X)) >= E f(X)"
without saying that f must be *concave*.  For a convex f (x^2, exp) the
inequality is reversed; the catalog states both halves with their side
conditions, and the statement as written (general f) is refuted by the
checker: see tests/data/jensen_wrong.py.
"""

import sympy as sp

from infoproofs import Derivation, E
from infoproofs.notation.abstract import AbstractFunction, Joint, RandomValue, outcome

x, z = outcome("x z")
p = Joint("p", x, z)
q = Joint("q", x, z)
t = sp.Symbol("t", real=True)

SOURCE = "'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023), 'Concepts'; Bishop (2006) eq. (1.12)"

bayes = Derivation(
    "bayes_theorem",
    "Bayes' theorem: p(z | x) = p(x | z) p(z) / p(x)",
    source=SOURCE,
    start=p(z, given=x),
    description="p(z|x) = p(x,z)/p(x) by definition; p(x,z) = p(x|z) p(z) by the chain rule.",
)
bayes.eq(p(x, z) / p(x), by="Bayes' rule", note="definition of the conditional density")
bayes.eq(p(x, given=z) * p(z) / p(x), by="chain rule of probability")

chain = Derivation(
    "chain_rule_two_ways",
    "The chain rule both ways: p(x | z) p(z) = p(z | x) p(x)",
    source="the diffusion blog post (2023): P(A|B)P(B) = P(B|A)P(A); Bishop (2006) eq. (1.11)",
    start=p(x, given=z) * p(z),
)
chain.eq(p(x, z), by="chain rule of probability")
chain.eq(p(z, given=x) * p(x), by="chain rule of probability")

evidence = Derivation(
    "bayes_evidence",
    "The evidence is an expectation under the prior: p(x) = E_{z~p(z)}[p(x | z)]",
    source="Bishop (2006) eq. (1.13) (sum rule); the diffusion blog post (2023) (log p(X) = log sum_Z p(X, Z))",
    start=p(x),
)
evidence.eq(E(p(x, z) / p(z), z, p.law(z)), by="marginalization", note="sum rule written as an expectation")
evidence.eq(E(p(x, given=z), z, p.law(z)), by="Bayes' rule")

log_posterior = Derivation(
    "bayes_log_posterior",
    "Log posterior = log likelihood + log prior - log evidence",
    source=SOURCE,
    start=sp.log(p(z, given=x)),
)
log_posterior.eq(sp.log(p(x, given=z) * p(z) / p(x)), by="Bayes' rule")
log_posterior.eq(sp.log(p(x, given=z)) + sp.log(p(z)) - sp.log(p(x)), by="log of a product")

posterior_normalised = Derivation(
    "posterior_sums_to_one",
    "The posterior given by Bayes' rule sums to one",
    source="Bishop (2006) eq. (1.12)-(1.13)",
    start=E(p(x, given=z) / p(x), z, p.law(z)),
)
posterior_normalised.eq(E(p(z, given=x) / p(z), z, p.law(z)), by="Bayes' rule")
posterior_normalised.eq(1, by="marginalization", note="sum_z p(z | x) = 1")

f_convex = AbstractFunction("f", "convex")
f_concave = AbstractFunction("f", "concave")
g = RandomValue("g", z, z)

jensen_convex = Derivation(
    "jensen_convex",
    "Jensen's inequality for a convex f: f(E X) <= E f(X)",
    source="Cover & Thomas (2006) Thm 2.6.2; corrects the diffusion blog post (2023), which omit the condition on f",
    start=f_convex(E(g, z, q.law(z))),
    description="X = g(Z) with Z ~ q(z); f is declared convex.  The source states only the concave half.",
)
jensen_convex.le(E(f_convex(g), z, q.law(z)), by="Jensen's inequality", f=f_convex)

jensen_concave = Derivation(
    "jensen_concave",
    "Jensen's inequality for a concave f: f(E X) >= E f(X) (the notes' statement, with its condition)",
    source="the diffusion blog post (2023) 'Jensen's inequality: f(E(X)) >= E f(X)', valid for concave f; Cover & Thomas Thm 2.6.2",
    start=f_concave(E(g, z, q.law(z))),
    description=(
        "The blog post 'Diffusion的数学原理' (The mathematics of diffusion, 2023) states f(E X) >= E f(X) "
        "for an unspecified f; "
        "that holds only for concave f, which is declared here."
    ),
)
jensen_concave.ge(E(f_concave(g), z, q.law(z)), by="Jensen's inequality", f=f_concave)

jensen_square = Derivation(
    "jensen_square_variance",
    "Jensen with f(t) = t^2: (E X)^2 <= E X^2, i.e. the variance is non-negative",
    source="Cover & Thomas (2006) Thm 2.6.2, f(t) = t^2 (f'' = 2 > 0)",
    start=E(g, z, q.law(z)) ** 2,
)
jensen_square.le(E(g**2, z, q.law(z)), by="Jensen's inequality", f=sp.Lambda(t, t**2))

jensen_exp = Derivation(
    "jensen_exp",
    "Jensen with f(t) = exp(t): exp(E X) <= E exp(X)",
    source="Cover & Thomas (2006) Thm 2.6.2, f(t) = e^t (f'' = e^t > 0)",
    start=sp.exp(E(g, z, q.law(z))),
)
jensen_exp.le(E(sp.exp(g), z, q.law(z)), by="Jensen's inequality", f=sp.Lambda(t, sp.exp(t)))

jensen_log_evidence = Derivation(
    "jensen_log_evidence",
    "Jensen with the concave log: log p(x) >= E_{p(z)}[log p(x | z)]",
    source="the diffusion blog post (2023) (log p(X) = log sum_Z p(X, Z) >= ...); Cover & Thomas (2006) Thm 2.6.2",
    start=sp.log(p(x)),
)
jensen_log_evidence.eq(sp.log(E(p(x, given=z), z, p.law(z))), by="marginalization")
jensen_log_evidence.ge(
    E(sp.log(p(x, given=z)), z, p.law(z)), by="Jensen's inequality", f=sp.Lambda(t, sp.log(t))
)

w = outcome("w")
odds = Derivation(
    "posterior_odds",
    "Posterior odds = likelihood ratio x prior odds (the evidence cancels)",
    source="Bishop (2006) eq. (1.12), for two latent values z and w",
    start=p(z, given=x) / p(z=w, given=x),
)
odds.eq((p(x, given=z) * p(z) / p(x)) / (p(x, given={"z": w}) * p(z=w) / p(x)), by="Bayes' rule")
odds.eq(p(x, given=z) / p(x, given={"z": w}) * (p(z) / p(z=w)), by="algebra", note="p(x) cancels")
