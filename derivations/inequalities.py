"""The log-sum inequality, from Gibbs' inequality.

Source: Cover & Thomas (2006) Thm 2.7.1 (log-sum inequality), proved there from
Jensen; here for two terms, with the residual written as a scaled KL divergence
between two Bernoulli laws (non-negative by Gibbs' inequality, Thm 2.6.3).
"""

import sympy as sp

from infoproofs import KL, Bernoulli, Derivation, LogGap, positive

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

# ---- the equality case: KL(p || q) = 0 iff p = q --------------------------------------------------

gibbs_if = Derivation(
    "gibbs_equality_if",
    "Equality case of Gibbs' inequality, 'if': KL(p || p) = 0 for any finite law p",
    source="Cover & Thomas (2006) Thm 2.6.3, equality condition",
    start=KL(p_g.law(z_g), p_g.law(z_g)),
)
gibbs_if.eq(
    E(sp.log(p_g(z_g)) - sp.log(p_g(z_g)), z_g, p_g.law(z_g)), by="definition of KL divergence (finite support)"
)
gibbs_if.eq(0, by="algebra")

# 'only if', shown on two families where "p != q" can be stated as an assumption: any difference
# in the parameters makes the divergence strictly positive.
from infoproofs import Normal, probability, real  # noqa: E402

pb, qb = probability("p_b q_b")
bern_cert = pb * LogGap(qb / pb) + (1 - pb) * LogGap((1 - qb) / (1 - pb))
gibbs_only_if_bernoulli = Derivation(
    "gibbs_equality_only_if_bernoulli",
    "Equality case of Gibbs' inequality, 'only if', Bernoulli laws: p < q implies KL(Bern(p) || Bern(q)) > 0",
    source="Cover & Thomas (2006) Thm 2.6.3, equality condition",
    start=KL(Bernoulli(pb), Bernoulli(qb)),
    assumptions=[pb < qb],
    description="With q < p the same certificate applies (q/p < 1 instead of > 1); so KL = 0 forces p = q.",
)
gibbs_only_if_bernoulli.eq(
    pb * sp.log(pb / qb) + (1 - pb) * sp.log((1 - pb) / (1 - qb)), by="closed form", note="kl_bernoulli",
)
gibbs_only_if_bernoulli.eq(bern_cert, by="algebra", note="p phi(q/p) + (1 - p) phi((1 - q)/(1 - p))")
gibbs_only_if_bernoulli.gt(
    0, by="non-negativity certificate on the domain", certificate=bern_cert,
    note="phi(u) > 0 for u != 1, and q/p > 1 because q - p > 0",
)

mg1, mg2 = real("m_g1 m_g2")
sg = positive("s_g")
gibbs_only_if_normal = Derivation(
    "gibbs_equality_only_if_normal",
    "Equality case of Gibbs' inequality, 'only if', equal-variance Gaussians: "
    "KL(N(m1, s^2) || N(m2, s^2)) = (m1 - m2)^2 / (2 s^2) > 0 for m1 < m2",
    source="Cover & Thomas (2006) Thm 2.6.3, equality condition; kl_normal with s1 = s2",
    start=KL(Normal(mg1, sg**2), Normal(mg2, sg**2)),
    assumptions=[mg1 < mg2],
)
gibbs_only_if_normal.eq((mg1 - mg2) ** 2 / (2 * sg**2), by="closed form")
gibbs_only_if_normal.gt(0, by="sign of the residual", note="a square of a non-zero number over a positive one")
