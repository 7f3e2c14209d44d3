"""The log-sum inequality, from Gibbs' inequality.

Source: Cover & Thomas (2006) Thm 2.7.1 (log-sum inequality), proved there from
Jensen; here for two terms, with the residual written as a scaled KL divergence
between two Bernoulli laws (non-negative by Gibbs' inequality, Thm 2.6.3).
"""

import sympy as sp

from infoproofs import KL, Bernoulli, Derivation, positive

a1, a2, b1, b2 = positive("a_1 a_2 b_1 b_2")
A, B = a1 + a2, b1 + b2

log_sum = Derivation(
    "log_sum_inequality",
    "Log-sum inequality: a1 log(a1/b1) + a2 log(a2/b2) >= (a1 + a2) log((a1 + a2)/(b1 + b2))",
    source="Cover & Thomas (2006) Thm 2.7.1",
    start=a1 * sp.log(a1 / b1) + a2 * sp.log(a2 / b2),
    description="Equality iff a1/b1 = a2/b2, i.e. when the two Bernoulli laws coincide.",
)
log_sum.eq(
    A * sp.log(A / B) + A * KL(Bernoulli(a1 / A), Bernoulli(b1 / B)),
    by="closed form",
    note="with p = a1/A and q = b1/B the excess is A KL(Bern(p) || Bern(q))",
)
log_sum.ge(A * sp.log(A / B), by="Gibbs' inequality")

# ---- Gibbs' inequality via Jensen, for unspecified finite laws p(z), q(z) ------------------------

from infoproofs import E  # noqa: E402
from infoproofs.notation.abstract import Joint, outcome  # noqa: E402

z_g = outcome("z_g")
p_g = Joint("p_gibbs", z_g)
q_g = Joint("q_gibbs", z_g)
t_g = sp.Symbol("t", real=True)

gibbs = Derivation(
    "gibbs_inequality_jensen",
    "Gibbs' inequality via Jensen: -KL(p || q) = E_p[log q/p] <= log E_p[q/p] = log 1 = 0",
    source="Cover & Thomas (2006) Thm 2.6.3 (proof by Jensen, Thm 2.6.2)",
    start=-KL(p_g.law(z_g), q_g.law(z_g)),
    description="Equality in Jensen's step iff q/p is constant on the support, i.e. iff p = q.",
)
gibbs.eq(E(sp.log(q_g(z_g) / p_g(z_g)), z_g, p_g.law(z_g)), by="definition of KL divergence (finite support)")
gibbs.le(
    sp.log(E(q_g(z_g) / p_g(z_g), z_g, p_g.law(z_g))),
    by="Jensen's inequality",
    f=sp.Lambda(t_g, sp.log(t_g)),
    note="log is concave",
)
gibbs.eq(sp.log(1), by="expectation as a sum over the support", note="sum_z p(z) q(z)/p(z) = sum_z q(z) = 1")
gibbs.eq(0, by="algebra")
