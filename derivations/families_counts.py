"""Entropies and divergences of the laws on counts: Poisson, Geometric, Binomial (and Bernoulli pairs).

Each closed form is derived by the engine (definition -> explicit log-mass ->
linearity -> moments -> algebra) and then stated in its cited textbook form,
so the engine's result is checked against the literature.  Where no closed
form exists (E log X! of a Poisson or Binomial law) the result keeps the
defining series or finite sum, and the numeric oracle sums it on its own.
Pairs whose supports are not nested (a Poisson law against a Bernoulli or a
Binomial one) have infinite divergence, as torch.distributions' KL registry
also says (it returns inf for them).

Sources: Johnson, Kemp & Kotz (2005), Univariate Discrete Distributions, 3rd ed.,
ch. 3 (Binomial), ch. 4 (Poisson), ch. 5 (geometric); Cover & Thomas (2006),
Elements of Information Theory, 2nd ed., eq. (2.26) (relative entropy);
Evans, Boersma, Blachman & Jagers (1988), The entropy of a Poisson distribution,
SIAM Review 30(2), 314-317; Paszke et al. (2019), PyTorch, torch.distributions.kl.
"""

import sympy as sp

from infoproofs import KL, Bernoulli, Binomial, Entropy, Geometric, Poisson, derive, dimension, positive, probability

_JKK = "Johnson, Kemp & Kotz (2005), Univariate Discrete Distributions, 3rd ed."

lam, lam1, lam2 = positive("lambda lambda1 lambda2")
p, p1, p2 = probability("p p1 p2")
n = dimension("n")
k = sp.Symbol("k", integer=True, nonnegative=True)

# ---- entropies ---------------------------------------------------------------------------------

entropy_poisson = derive(
    Entropy(Poisson(lam)), name="entropy_poisson",
    source=f"Evans, Boersma, Blachman & Jagers (1988), SIAM Review 30(2) 314-317; {_JKK}, ch. 4",
)
entropy_poisson.eq(
    lam * (1 - sp.log(lam)) + sp.exp(-lam) * sp.Sum(lam**k * sp.log(sp.factorial(k)) / sp.factorial(k), (k, 0, sp.oo)),
    by="algebra", note="the published form: lambda (1 - log lambda) + e^-lambda sum_k lambda^k log k! / k!",
)

entropy_geometric = derive(
    Entropy(Geometric(p)), name="entropy_geometric",
    source=f"{_JKK}, ch. 5 (failures before the first success); torch.distributions.Geometric.entropy",
)
entropy_geometric.eq((-(1 - p) * sp.log(1 - p) - p * sp.log(p)) / p, by="algebra",
                     note="H = (-(1 - p) log(1 - p) - p log p) / p nats; at p = 1/2 it is 2 log 2 nats = 2 bits")

entropy_binomial = derive(
    Entropy(Binomial(n, p)), name="entropy_binomial",
    source=f"{_JKK}, ch. 3; Cover & Thomas (2006) eq. (2.1)",
)
entropy_binomial.eq(
    -n * (p * sp.log(p) + (1 - p) * sp.log(1 - p))
    - sp.Sum(sp.binomial(n, k) * p**k * (1 - p) ** (n - k) * sp.log(sp.binomial(n, k)), (k, 0, n)),
    by="algebra", note="n h(p) - E log C(n, X): no closed form, the finite sum stays",
)

# ---- divergences -------------------------------------------------------------------------------

kl_poisson_poisson = derive(
    KL(Poisson(lam1), Poisson(lam2)), name="kl_poisson_poisson",
    source=f"Cover & Thomas (2006) eq. (2.26); {_JKK}, ch. 4; torch.distributions.kl (_kl_poisson_poisson)",
)
kl_poisson_poisson.eq(lam1 * sp.log(lam1 / lam2) - lam1 + lam2, by="algebra")

kl_binomial_binomial = derive(
    KL(Binomial(n, p1), Binomial(n, p2)), name="kl_binomial_binomial",
    source=f"Cover & Thomas (2006) eq. (2.26); {_JKK}, ch. 3; torch.distributions.kl (_kl_binomial_binomial)",
)
kl_binomial_binomial.eq(n * (p1 * sp.log(p1 / p2) + (1 - p1) * sp.log((1 - p1) / (1 - p2))), by="algebra",
                        note="n times the Bernoulli divergence: the n independent trials add")

kl_geometric_geometric = derive(
    KL(Geometric(p1), Geometric(p2)), name="kl_geometric_geometric",
    source=f"Cover & Thomas (2006) eq. (2.26); {_JKK}, ch. 5; torch.distributions.kl (_kl_geometric_geometric)",
)
kl_geometric_geometric.eq(sp.log(p1 / p2) + (1 - p1) / p1 * sp.log((1 - p1) / (1 - p2)), by="algebra")

kl_bernoulli_poisson = derive(
    KL(Bernoulli(p), Poisson(lam)), name="kl_bernoulli_poisson",
    source="Cover & Thomas (2006) eq. (2.26); Paszke et al. (2019), torch.distributions.kl (_kl_bernoulli_poisson)",
)
kl_bernoulli_poisson.eq(p * sp.log(p) + (1 - p) * sp.log(1 - p) + lam - p * sp.log(lam), by="algebra",
                        note="-H(p) - E log P_lambda(X) over X in {0, 1}")

kl_poisson_bernoulli = derive(
    KL(Poisson(lam), Bernoulli(p)), name="kl_poisson_bernoulli",
    source="Cover & Thomas (2006) sec. 2.3 (D = +oo without absolute continuity); torch.distributions.kl",
)

kl_poisson_binomial = derive(
    KL(Poisson(lam), Binomial(n, p)), name="kl_poisson_binomial",
    source="Cover & Thomas (2006) sec. 2.3 (D = +oo without absolute continuity); torch.distributions.kl",
)
