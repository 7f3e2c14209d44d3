"""The evidence lower bound (ELBO) for unspecified densities p(x, z), q(z).

Source: the blog post 'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023),
"Varational lower-bound"): log p(X) = log sum_Z p(X, Z)
= log sum_Z p(X, Z) q(Z)/q(Z) = log E_q[p(X, Z)/q(Z)] >= E_q[log p(X, Z)/q(Z)]
= E_q[log p(X, Z)] + H(Z).  Also Kingma & Welling (2014) eq. (1)-(3);
Burda et al. (2016) Thm 1 (importance-weighted bounds); Hoffman & Johnson
(2016), "ELBO surgery", eq. (2)-(4).

x and z range over finite supports of unspecified size; every table is
strictly positive.  Numerically, each step is evaluated exactly on random
Dirichlet instances (2-4 values of z, 2-3 of x).
"""

import sympy as sp

from infoproofs import KL, Derivation, E
from infoproofs.notation.abstract import (
    SAMPLE_COUNT,
    ImportanceWeightedBound,
    Joint,
    MutualInfo,
    ShannonEntropy,
    SupportSize,
    outcome,
)
from infoproofs.notation.domains import declare

x, z = outcome("x z")
p = Joint("p", x, z)
q = Joint("q", x, z)
t = sp.Symbol("t", real=True)
LOG = sp.Lambda(t, sp.log(t))
qz = q.law(z)

SOURCE = "'Diffusion的数学原理' (The mathematics of diffusion, blog post, 2023), 'Varational lower-bound'; Kingma & Welling (2014) eq. (3)"

# ---- the chain of the notes -------------------------------------------------------------------

elbo_jensen = Derivation(
    "elbo_jensen",
    "The ELBO by Jensen's inequality: log p(x) >= E_q[log p(x, z) - log q(z)]",
    source=SOURCE,
    start=sp.log(p(x)),
    description="The notes' chain; the multiplication by q(z)/q(z) is the importance-sampling identity.",
)
elbo_jensen.eq(sp.log(E(p(x, z) / q(z), z, qz)), by="expectation as a sum over the support",
               note="log sum_z p(x, z) = log sum_z q(z) p(x, z)/q(z)")
elbo_jensen.ge(E(sp.log(p(x, z) / q(z)), z, qz), by="Jensen's inequality", f=LOG, note="log is concave")
elbo_jensen.eq(E(sp.log(p(x, z)) - sp.log(q(z)), z, qz), by="log of a product")
elbo_jensen.eq(E(sp.log(p(x, z)), z, qz) + ShannonEntropy(qz), by="definition of entropy (finite support)",
               note="L = E_q[log p(X, Z)] + H(Z), the notes' last line")

elbo_sum = Derivation(
    "elbo_marginal_likelihood",
    "The evidence is a sum over the latent: log p(x) = log sum_z p(x, z)",
    source="the diffusion blog post (2023), first line of the ELBO chain; Bishop (2006) eq. (1.10)",
    start=sp.log(p(x)),
)
elbo_sum.eq(sp.log(E(p(x, z) / q(z), z, qz)), by="marginalization", note="any q with full support")
elbo_sum.eq(sp.log(E(p(x, given=z) * p(z) / q(z), z, qz)), by="chain rule of probability")

# ---- the gap is a KL divergence -----------------------------------------------------------------

ELBO = E(sp.log(p(x, z)) - sp.log(q(z)), z, qz)

elbo_gap = Derivation(
    "elbo_gap",
    "log p(x) = ELBO(q) + KL(q(z) || p(z | x))",
    source="Kingma & Welling (2014) eq. (1); the diffusion blog post (2023) ('KL(q, p)' between q(Z) and p(Z|X))",
    start=sp.log(p(x)),
)
elbo_gap.eq(E(sp.log(p(x)), z, qz), by="linearity of expectation", note="log p(x) does not depend on z")
elbo_gap.eq(E(sp.log(p(x, z)) - sp.log(p(z, given=x)), z, qz), by="Bayes' rule")
elbo_gap.eq(
    ELBO + E(sp.log(q(z)) - sp.log(p(z, given=x)), z, qz),
    by="linearity of expectation",
    note="add and subtract log q(z)",
)
elbo_gap.eq(ELBO + KL(qz, p.law(z, given=x)), by="definition of KL divergence (finite support)")

elbo_bound = Derivation(
    "elbo_lower_bound_gibbs",
    "log p(x) >= ELBO(q), with equality iff q(z) = p(z | x)",
    source="Kingma & Welling (2014) eq. (2)",
    start=sp.log(p(x)),
)
elbo_bound.eq(ELBO + KL(qz, p.law(z, given=x)), by="lemma", lemma=elbo_gap)
elbo_bound.ge(ELBO, by="Gibbs' inequality")

# ---- reconstruction - KL to the prior -------------------------------------------------------------

qzx = q.law(z, given=x)

elbo_decomposition = Derivation(
    "elbo_reconstruction_kl",
    "ELBO = E_q[log p(x | z)] - KL(q(z | x) || p(z))",
    source="Kingma & Welling (2014) eq. (3)",
    start=E(sp.log(p(x, z)) - sp.log(q(z, given=x)), z, qzx),
)
elbo_decomposition.eq(
    E(sp.log(p(x, given=z)) + sp.log(p(z)) - sp.log(q(z, given=x)), z, qzx), by="chain rule of probability"
)
elbo_decomposition.eq(
    E(sp.log(p(x, given=z)), z, qzx) - E(sp.log(q(z, given=x)) - sp.log(p(z)), z, qzx),
    by="linearity of expectation",
)
elbo_decomposition.eq(
    E(sp.log(p(x, given=z)), z, qzx) - KL(qzx, p.law(z)), by="definition of KL divergence (finite support)"
)

elbo_entropy = Derivation(
    "elbo_entropy_form",
    "ELBO = E_q[log p(x | z)] + E_q[log p(z)] + H(q(z | x))",
    source="the diffusion blog post (2023) (L = E_q[log p(X, Z)] + H(Z)); Kingma & Welling (2014) eq. (2)",
    start=E(sp.log(p(x, z)) - sp.log(q(z, given=x)), z, qzx),
)
elbo_entropy.eq(
    E(sp.log(p(x, given=z)) + sp.log(p(z)), z, qzx) - E(sp.log(q(z, given=x)), z, qzx),
    by="chain rule of probability",
)
elbo_entropy.eq(
    E(sp.log(p(x, given=z)), z, qzx) + E(sp.log(p(z)), z, qzx) + ShannonEntropy(qzx),
    by="definition of entropy (finite support)",
)

# ---- importance-weighted bounds (K = 1, 2) ---------------------------------------------------------

z1, z2 = sp.Symbol("z_1", integer=True), sp.Symbol("z_2", integer=True)


def w(v):
    return p(x, z=v) / q(z=v)


L2 = E(E(sp.log(w(z1) + w(z2)), z2, qz), z1, qz) - sp.log(2)

iwae = Derivation(
    "iwae_bounds",
    "log p(x) >= L_2 >= L_1 = ELBO (importance-weighted bounds, K = 1, 2)",
    source="Burda, Grosse & Salakhutdinov (2016), Importance Weighted Autoencoders, Thm 1",
    start=sp.log(p(x)),
    description="L_K = E_{z_1..z_K ~ q}[log (1/K) sum_k p(x, z_k)/q(z_k)], for K = 2 and K = 1.",
)
iwae.eq(sp.log(E(E((w(z1) + w(z2)) / 2, z2, qz), z1, qz)), by="expectation as a sum over the support",
        note="each importance weight has mean p(x); z_1, z_2 independent draws from q")
iwae.ge(L2, by="Jensen's inequality", f=LOG, note="log is concave; the pair (z_1, z_2) ~ q x q")
iwae.ge(E(sp.log(w(z)), z, qz), by="monotonicity of expectation",
        note="log((a + b)/2) >= (log a + log b)/2 by concavity, then symmetry in z_1, z_2")
iwae.eq(ELBO, by="log of a product", note="L_1 = ELBO")


# ---- importance-weighted bounds for every K ---------------------------------------------------------

K = declare("K", SAMPLE_COUNT)
v_iw = sp.Symbol("v", integer=True)
joint_at = sp.Lambda(v_iw, p(x, z=v_iw))


def L(count):
    return ImportanceWeightedBound(count, joint_at, qz)


iwae_general = Derivation(
    "iwae_bounds_general_K",
    "log p(x) >= L_{K+1} >= L_K >= L_1 = ELBO for every number of samples K",
    source="Burda, Grosse & Salakhutdinov (2016), Importance Weighted Autoencoders, Thm 1",
    start=sp.log(p(x)),
    description=(
        "L_K = E_{z_1..z_K ~ q}[log (1/K) sum_k p(x, z_k)/q(z_k)].  SymPy cannot expand K nested expectations "
        "for a symbolic K, so the inequalities are confirmed numerically: each point draws K in 1..4 and a random "
        "finite instance, and evaluates every L_K exactly by enumerating the |Z|^K sample tuples.  iwae_bounds "
        "proves K = 1, 2 symbolically; the last step below is proved."
    ),
)
iwae_general.ge(L(K + 1), by="Jensen's inequality", f=LOG,
                note="log is concave and the mean of K+1 weights has expectation p(x)")
iwae_general.ge(L(K), by="Jensen's inequality", f=LOG,
                note="the mean of K+1 weights is the average of the means of its K-subsets; log is concave")
iwae_general.ge(L(1), by="Jensen's inequality", f=LOG, note="the same step K - 1 times")
iwae_general.eq(ELBO, by="definition of the importance-weighted bound", note="L_1 = E_q[log p(x, z)/q(z)]")


# ---- ELBO surgery ---------------------------------------------------------------------------------

r = Joint("q_phi", x, z, uniform=(x,))
rx, rz = r.law(x), r.law(z)
N = SupportSize(x)

elbo_surgery = Derivation(
    "elbo_surgery",
    "E_x KL(q(z | x) || p(z)) = I_q(X; Z) + KL(q(z) || p(z))",
    source="Hoffman & Johnson (2016), ELBO surgery, eq. (4)",
    start=E(KL(r.law(z, given=x), p.law(z)), x, rx),
    description="q(x) is the data distribution (uniform over N points), q(z) = E_x q(z | x) the aggregate posterior.",
)
elbo_surgery.eq(
    E(E(sp.log(r(z, given=x)) - sp.log(p(z)), z, r.law(z, given=x)), x, rx),
    by="definition of KL divergence (finite support)",
)
elbo_surgery.eq(
    E(E(sp.log(r(z, given=x)) - sp.log(r(z)), z, r.law(z, given=x)), x, rx)
    + E(E(sp.log(r(z)) - sp.log(p(z)), z, r.law(z, given=x)), x, rx),
    by="linearity of expectation",
    note="add and subtract log q(z)",
)
elbo_surgery.eq(
    MutualInfo("q_phi", x, z) + E(sp.log(r(z)) - sp.log(p(z)), z, rz),
    by="law of total expectation",
    note="E_x E_{z|x} = E_{z ~ q(z)}; the first term is I_q(X; Z) by definition",
)
elbo_surgery.eq(MutualInfo("q_phi", x, z) + KL(rz, p.law(z)), by="definition of KL divergence (finite support)")

mi_bound = Derivation(
    "elbo_surgery_mi_bound",
    "I_q(X; Z) <= log N for N data points",
    source="Hoffman & Johnson (2016), ELBO surgery, Sec. 2.1",
    start=MutualInfo("q_phi", x, z),
)
mi_bound.eq(E(KL(r.law(z, given=x), rz), x, rx), by="definition of mutual information (finite support)")
mi_bound.eq(
    E(E(sp.log(r(z, given=x)) - sp.log(r(z)), z, r.law(z, given=x)), x, rx),
    by="definition of KL divergence (finite support)",
)
mi_bound.eq(E(E(sp.log(r(x, given=z)) - sp.log(r(x)), z, r.law(z, given=x)), x, rx), by="Bayes' rule")
mi_bound.eq(E(E(sp.log(r(x, given=z)), z, r.law(z, given=x)), x, rx) + sp.log(N), by="uniform marginal",
            note="q(x) = 1/N")
mi_bound.le(sp.log(N), by="monotonicity of expectation", note="log q(x | z) <= 0")

mi_nonnegative = Derivation(
    "elbo_surgery_mi_nonnegative",
    "I_q(X; Z) >= 0: the aggregate KL to the prior never exceeds the average KL term",
    source="Hoffman & Johnson (2016), ELBO surgery, eq. (4) and Sec. 2.1",
    start=MutualInfo("q_phi", x, z),
)
mi_nonnegative.eq(E(KL(r.law(z, given=x), rz), x, rx), by="definition of mutual information (finite support)")
mi_nonnegative.ge(0, by="monotonicity of expectation", note="an average of KL divergences, each >= 0 (Gibbs)")

data_entropy = Derivation(
    "uniform_data_entropy",
    "The entropy of N equally likely data points is log N",
    source="Cover & Thomas (2006) Thm 2.6.4 (equality case); Hoffman & Johnson (2016) Sec. 2.1",
    start=ShannonEntropy(rx),
)
data_entropy.eq(-E(sp.log(r(x)), x, rx), by="definition of entropy (finite support)")
data_entropy.eq(sp.log(N), by="uniform marginal", note="q(x) = 1/N")

kl_posterior = Derivation(
    "kl_to_posterior_decomposition",
    "KL(q(z) || p(z | x)) = KL(q(z) || p(z)) - E_q[log p(x | z)] + log p(x)",
    source="Kingma & Welling (2014) eq. (1)-(3), rearranged",
    start=KL(qz, p.law(z, given=x)),
)
kl_posterior.eq(E(sp.log(q(z)) - sp.log(p(z, given=x)), z, qz), by="definition of KL divergence (finite support)")
kl_posterior.eq(E(sp.log(q(z)) - sp.log(p(x, given=z)) - sp.log(p(z)) + sp.log(p(x)), z, qz), by="Bayes' rule")
kl_posterior.eq(
    E(sp.log(q(z)) - sp.log(p(z)), z, qz) - E(sp.log(p(x, given=z)), z, qz) + sp.log(p(x)),
    by="linearity of expectation",
)
kl_posterior.eq(KL(qz, p.law(z)) - E(sp.log(p(x, given=z)), z, qz) + sp.log(p(x)),
                by="definition of KL divergence (finite support)")
