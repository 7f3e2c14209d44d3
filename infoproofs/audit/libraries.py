"""Library adapters and the explicit maps of parameterisations onto infoproofs' families.

A convention mismatch must never be mistaken for a bug, so every family a
library shares with infoproofs is mapped here once, by hand, with the
spelling of both sides: infoproofs ``Normal(mean, variance)`` takes a
*variance* where torch and scipy take a *scale*; ``Gamma(shape, rate)`` is
torch's ``Gamma(concentration, rate)`` but scipy's ``gamma(a, scale=1/rate)``;
infoproofs' ``Geometric`` counts failures (support 0, 1, ...) like torch,
while scipy's ``geom`` counts trials (support 1, 2, ...; hence ``loc=-1``).
The map is printed with the audit's results.

Each entry is registered by ``@law_map(library, family, ...)`` on the
function that builds the library's object from infoproofs' parameter values
(floats, or lists for vector parameters).  Entries whose infoproofs family
does not exist (yet) are dropped when an adapter is created, so a family
lights up as soon as its class lands.

torch and scipy are imported only inside an adapter's ``load``:
``import infoproofs`` never imports either.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "LawMap", "Adapter", "LibraryMissing", "NotProvided", "law_map", "library", "MAPS", "LIBRARIES",
    "infoproofs_family", "make_adapter", "TorchAdapter", "ScipyAdapter",
]

# float64 in the library and 30-digit references: 1e-8 relative (scaled to max(|a|, |b|, 1)) leaves
# room for the few roundings and cancellations of a closed form in double precision (a digamma
# difference, log1p of a small number) while any formula error, a factor, a sign, a missing term,
# lands far outside it.
DEFAULT_TOLERANCE = 1e-8

_EMPTY: Mapping[str, str] = MappingProxyType({})


class LibraryMissing(Exception):
    """The library is not installed; the message says how to install it."""


class NotProvided(Exception):
    """The library does not implement this quantity (or not at these parameters)."""


@dataclass(frozen=True)
class LawMap:
    """One family of one library: how infoproofs' parameters become the library's object.

    ``target`` is the library's spelling in terms of infoproofs' parameter
    names (printed with the results); ``library_class`` the class or
    distribution name the library registers (torch's KL registry is keyed by
    class); ``skip`` names quantities whose library value means something
    else, and why (torch's von Mises variance is the circular variance);
    ``shift`` is added to an infoproofs outcome to get the library's
    (torch's Categorical counts from 0, ours from 1); ``tolerance`` loosens
    the comparison where the library documents a lower accuracy, with
    ``tolerance_why``.
    """

    library: str
    family: str
    target: str
    library_class: str
    build: Callable[..., Any]
    skip: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    shift: int = 0
    tolerance: float | None = None
    tolerance_why: str = ""


# library -> family -> map; filled by @law_map
MAPS: dict[str, dict[str, LawMap]] = {}


def law_map(library_name: str, family: str, target: str, library_class: str, **options: Any):
    """Register ``build(adapter, *values) -> library object`` as ``library_name``'s map of ``family``."""

    def wrap(build: Callable[..., Any]) -> Callable[..., Any]:
        MAPS.setdefault(library_name, {})[family] = LawMap(
            library_name, family, target, library_class, build, **options
        )
        return build

    return wrap


def infoproofs_family(name: str) -> type | None:
    """infoproofs' class of that name, or None while it does not exist (another module may add it)."""
    import infoproofs.notation as notation
    from infoproofs.notation.distributions import DISTRIBUTIONS, Distribution

    found = getattr(notation, name, None)
    if isinstance(found, type) and issubclass(found, Distribution):
        return found
    by_class = {cls.__name__: cls for cls in DISTRIBUTIONS.values()}
    return by_class.get(name)


class Adapter:
    """What the audit needs from a library: build objects, ask for the quantities, list KL pairs.

    Subclasses (torch, scipy, or a fake one in a test) override the quantity
    methods; each returns a float (or raises ``NotProvided``).  ``maps`` holds
    only families whose infoproofs class exists.
    """

    name: str = "library"
    tolerance: float = DEFAULT_TOLERANCE

    def __init__(self, maps: Mapping[str, LawMap] | None = None) -> None:
        chosen = MAPS.get(self.name, {}) if maps is None else maps
        self.maps: dict[str, LawMap] = {f: m for f, m in chosen.items() if infoproofs_family(f) is not None}

    def load(self) -> None:
        """Import the library (raises ``LibraryMissing``)."""

    @property
    def version(self) -> str:
        return ""

    def build(self, family: str, values: tuple) -> Any:
        return self.maps[family].build(self, *values)

    def kl_pairs(self) -> list[tuple[str, str]]:
        """Ordered (family of p, family of q) pairs whose KL the library implements."""
        return []

    def unmapped_kl(self) -> list[str]:
        """KL pairs the library registers that have no infoproofs counterpart (listed, not audited)."""
        return []

    def entropy(self, law: Any) -> float:
        raise NotProvided("no entropy")

    def kl(self, p: Any, q: Any) -> float:
        raise NotProvided("no KL divergence")

    def log_prob(self, law: Any, x: Any) -> float:
        raise NotProvided("no log-density")

    def mean(self, law: Any) -> float:
        raise NotProvided("no mean")

    def variance(self, law: Any) -> float:
        raise NotProvided("no variance")

    def mean_vector(self, law: Any) -> list[float]:
        """The coordinates' means of a law on vectors (a Dirichlet), compared coordinate by coordinate."""
        raise NotProvided("no mean vector")

    def variance_vector(self, law: Any) -> list[float]:
        """The coordinates' variances of a law on vectors (the diagonal of its covariance)."""
        raise NotProvided("no variance vector")


# name -> adapter class; filled by @library
LIBRARIES: dict[str, type[Adapter]] = {}


def library(name: str):
    def wrap(cls: type[Adapter]) -> type[Adapter]:
        cls.name = name
        LIBRARIES[name] = cls
        return cls

    return wrap


def make_adapter(name: str) -> Adapter:
    """The loaded adapter for ``name`` (KeyError: unknown library; LibraryMissing: not installed)."""
    adapter = LIBRARIES[name]()
    adapter.load()
    return adapter


# ---- torch -------------------------------------------------------------------------------------


@library("torch")
class TorchAdapter(Adapter):
    """torch.distributions in float64; KL pairs from ``torch.distributions.kl._KL_REGISTRY``."""

    def load(self) -> None:
        try:
            import torch
            import torch.distributions as distributions
        except ImportError:
            raise LibraryMissing(
                "torch is not installed: pip install torch==2.13.0 (or the extra: pip install 'infoproofs[torch]')"
            ) from None
        self.torch, self.d = torch, distributions

    @property
    def version(self) -> str:
        return str(self.torch.__version__)

    def t(self, value: Any) -> Any:
        return self.torch.tensor(value, dtype=self.torch.float64)

    def _classes(self) -> dict[type, str]:
        return {getattr(self.d, m.library_class): f for f, m in self.maps.items()}

    def kl_pairs(self) -> list[tuple[str, str]]:
        from torch.distributions.kl import _KL_REGISTRY

        classes = self._classes()
        pairs = [(classes[p], classes[q]) for p, q in _KL_REGISTRY if p in classes and q in classes]
        return sorted(set(pairs))

    def unmapped_kl(self) -> list[str]:
        from torch.distributions.kl import _KL_REGISTRY

        classes = self._classes()
        return sorted(f"{p.__name__} || {q.__name__}" for p, q in _KL_REGISTRY if p not in classes or q not in classes)

    def _call(self, fn: Callable[[], Any]) -> float:
        try:
            value = fn()
        except NotImplementedError as exc:
            raise NotProvided(str(exc) or "not implemented") from None
        return float(value.item())

    def entropy(self, law):
        return self._call(law.entropy)

    def kl(self, p, q):
        return self._call(lambda: self.d.kl_divergence(p, q))

    def log_prob(self, law, x):
        return self._call(lambda: law.log_prob(self.t(x)))

    def mean(self, law):
        return self._call(lambda: law.mean)

    def variance(self, law):
        return self._call(lambda: law.variance)

    def _vector(self, fn: Callable[[], Any]) -> list[float]:
        try:
            value = fn()
        except NotImplementedError as exc:
            raise NotProvided(str(exc) or "not implemented") from None
        return [float(v) for v in value.reshape(-1).tolist()]

    def mean_vector(self, law):
        return self._vector(lambda: law.mean)

    def variance_vector(self, law):
        return self._vector(lambda: law.variance)


_T = "torch.distributions."


@law_map("torch", "Normal", _T + "Normal(loc=mean, scale=sqrt(variance))", "Normal")
def _t_normal(a: TorchAdapter, mean, variance):
    return a.d.Normal(a.t(mean), a.t(math.sqrt(variance)))


@law_map("torch", "Laplace", _T + "Laplace(loc=location, scale=scale)", "Laplace")
def _t_laplace(a, location, scale):
    return a.d.Laplace(a.t(location), a.t(scale))


@law_map("torch", "Exponential", _T + "Exponential(rate=rate)", "Exponential")
def _t_exponential(a, rate):
    return a.d.Exponential(a.t(rate))


@law_map("torch", "Uniform", _T + "Uniform(low=low, high=high)", "Uniform")
def _t_uniform(a, low, high):
    return a.d.Uniform(a.t(low), a.t(high))


@law_map("torch", "Bernoulli", _T + "Bernoulli(probs=p)", "Bernoulli")
def _t_bernoulli(a, p):
    return a.d.Bernoulli(probs=a.t(p))


_LABELS = "torch's Categorical outcomes are labels 0..K-1: its mean and variance are NaN by design"


@law_map("torch", "Categorical", _T + "Categorical(probs=[p1..pK]); outcome k here is k-1 there", "Categorical",
         shift=-1, skip={"mean": _LABELS, "variance": _LABELS})
def _t_categorical(a, probs):
    return a.d.Categorical(probs=a.t(list(probs)))


_VECTOR = "a vector (matrix) quantity: not compared"


@law_map("torch", "MultivariateNormal", _T + "MultivariateNormal(loc=mean, covariance_matrix=cov)",
         "MultivariateNormal", skip={"mean": _VECTOR, "variance": _VECTOR})
def _t_mvn(a, mean, cov):
    return a.d.MultivariateNormal(a.t(list(mean)), covariance_matrix=a.t([list(r) for r in cov]))


@law_map("torch", "Gamma", _T + "Gamma(concentration=shape, rate=rate)", "Gamma")
def _t_gamma(a, shape, rate):
    return a.d.Gamma(a.t(shape), a.t(rate))


@law_map("torch", "Poisson", _T + "Poisson(rate=rate)", "Poisson")
def _t_poisson(a, rate):
    return a.d.Poisson(a.t(rate))


@law_map("torch", "Beta", _T + "Beta(concentration1=alpha, concentration0=beta)", "Beta")
def _t_beta(a, alpha, beta):
    return a.d.Beta(a.t(alpha), a.t(beta))


@law_map("torch", "Kumaraswamy", _T + "Kumaraswamy(concentration1=a, concentration0=b)", "Kumaraswamy")
def _t_kumaraswamy(a, alpha, beta):
    return a.d.Kumaraswamy(a.t(alpha), a.t(beta))


@law_map("torch", "Dirichlet", _T + "Dirichlet(concentration=[alphas])  (mean, variance: per coordinate)",
         "Dirichlet")
def _t_dirichlet(a, alphas):
    return a.d.Dirichlet(a.t(list(alphas)))


@law_map("torch", "Chi2", _T + "Chi2(df=df)", "Chi2")
def _t_chi2(a, df):
    return a.d.Chi2(a.t(df))


@law_map("torch", "Weibull", _T + "Weibull(scale=scale, concentration=shape)  (note the order)", "Weibull")
def _t_weibull(a, shape, scale):
    return a.d.Weibull(a.t(scale), a.t(shape))


@law_map("torch", "LogNormal", _T + "LogNormal(loc=mu, scale=sigma)", "LogNormal")
def _t_lognormal(a, mu, sigma):
    return a.d.LogNormal(a.t(mu), a.t(sigma))


@law_map("torch", "HalfNormal", _T + "HalfNormal(scale=scale)", "HalfNormal")
def _t_halfnormal(a, scale):
    return a.d.HalfNormal(a.t(scale))


@law_map("torch", "Pareto", _T + "Pareto(scale=scale, alpha=shape)", "Pareto")
def _t_pareto(a, scale, shape):
    return a.d.Pareto(a.t(scale), a.t(shape))


@law_map("torch", "Cauchy", _T + "Cauchy(loc=loc, scale=scale)", "Cauchy")
def _t_cauchy(a, loc, scale):
    return a.d.Cauchy(a.t(loc), a.t(scale))


@law_map("torch", "Gumbel", _T + "Gumbel(loc=loc, scale=scale)", "Gumbel")
def _t_gumbel(a, loc, scale):
    return a.d.Gumbel(a.t(loc), a.t(scale))


@law_map("torch", "StudentT", _T + "StudentT(df=df, loc=loc, scale=scale)", "StudentT")
def _t_student(a, df, loc, scale):
    return a.d.StudentT(a.t(df), a.t(loc), a.t(scale))


_CIRCULAR = "torch reports the circular variance 1 - I1(k)/I0(k), not E(X - mu)^2"


@law_map("torch", "VonMises", _T + "VonMises(loc=loc, concentration=concentration)", "VonMises",
         skip={"variance": _CIRCULAR})
def _t_vonmises(a, loc, concentration):
    return a.d.VonMises(a.t(loc), a.t(concentration))


@law_map("torch", "Geometric", _T + "Geometric(probs=p)  (both count failures: support 0, 1, ...)", "Geometric")
def _t_geometric(a, p):
    return a.d.Geometric(probs=a.t(p))


@law_map("torch", "Binomial", _T + "Binomial(total_count=trials, probs=p)", "Binomial")
def _t_binomial(a, trials, p):
    return a.d.Binomial(total_count=a.t(float(trials)), probs=a.t(p))


# ---- scipy -------------------------------------------------------------------------------------


@library("scipy")
class ScipyAdapter(Adapter):
    """scipy.stats frozen distributions (float64 throughout); scipy has no KL registry."""

    def load(self) -> None:
        try:
            import scipy
            import scipy.stats as stats
        except ImportError:
            raise LibraryMissing("scipy is not installed: pip install 'scipy>=1.10'") from None
        self.scipy, self.stats = scipy, stats

    @property
    def version(self) -> str:
        return str(self.scipy.__version__)

    def _call(self, fn: Callable[[], Any]) -> float:
        try:
            value = fn()
        except NotImplementedError as exc:
            raise NotProvided(str(exc) or "not implemented") from None
        return float(value)

    def entropy(self, law):
        return self._call(law.entropy)

    def log_prob(self, law, x):
        # discrete laws (and Categorical's rv_discrete) have logpmf; continuous ones logpdf
        method = getattr(law, "logpmf", None) or law.logpdf
        return self._call(lambda: method(x))

    def mean(self, law):
        return self._call(law.mean)

    def variance(self, law):
        return self._call(law.var)

    def _vector(self, fn: Callable[[], Any]) -> list[float]:
        try:
            value = fn()
        except NotImplementedError as exc:
            raise NotProvided(str(exc) or "not implemented") from None
        return [float(v) for v in value]

    def mean_vector(self, law):
        return self._vector(law.mean)

    def variance_vector(self, law):
        return self._vector(law.var)


_S = "scipy.stats."


@law_map("scipy", "Normal", _S + "norm(loc=mean, scale=sqrt(variance))", "norm")
def _s_normal(a: ScipyAdapter, mean, variance):
    return a.stats.norm(loc=mean, scale=math.sqrt(variance))


@law_map("scipy", "Laplace", _S + "laplace(loc=location, scale=scale)", "laplace")
def _s_laplace(a, location, scale):
    return a.stats.laplace(loc=location, scale=scale)


@law_map("scipy", "Exponential", _S + "expon(scale=1/rate)", "expon")
def _s_exponential(a, rate):
    return a.stats.expon(scale=1.0 / rate)


@law_map("scipy", "Uniform", _S + "uniform(loc=low, scale=high-low)", "uniform")
def _s_uniform(a, low, high):
    return a.stats.uniform(loc=low, scale=high - low)


@law_map("scipy", "Bernoulli", _S + "bernoulli(p)", "bernoulli")
def _s_bernoulli(a, p):
    return a.stats.bernoulli(p)


@law_map("scipy", "Categorical", _S + "rv_discrete(values=([1..K], [p1..pK]))  (same outcomes 1..K)", "rv_discrete")
def _s_categorical(a, probs):
    return a.stats.rv_discrete(values=(list(range(1, len(probs) + 1)), list(probs)))


@law_map("scipy", "MultivariateNormal", _S + "multivariate_normal(mean=mean, cov=cov)", "multivariate_normal",
         skip={"mean": _VECTOR, "variance": _VECTOR})
def _s_mvn(a, mean, cov):
    return a.stats.multivariate_normal(mean=list(mean), cov=[list(r) for r in cov])


@law_map("scipy", "Gamma", _S + "gamma(a=shape, scale=1/rate)", "gamma")
def _s_gamma(a, shape, rate):
    return a.stats.gamma(shape, scale=1.0 / rate)


@law_map("scipy", "Poisson", _S + "poisson(mu=rate)", "poisson")
def _s_poisson(a, rate):
    return a.stats.poisson(rate)


@law_map("scipy", "Beta", _S + "beta(a=alpha, b=beta)", "beta")
def _s_beta(a, alpha, beta):
    return a.stats.beta(alpha, beta)


@law_map("scipy", "Dirichlet", _S + "dirichlet(alpha=[alphas])  (mean, var: per coordinate)", "dirichlet")
def _s_dirichlet(a, alphas):
    return a.stats.dirichlet(list(alphas))


@law_map("scipy", "Chi2", _S + "chi2(df=df)", "chi2")
def _s_chi2(a, df):
    return a.stats.chi2(df)


@law_map("scipy", "Weibull", _S + "weibull_min(c=shape, scale=scale)", "weibull_min")
def _s_weibull(a, shape, scale):
    return a.stats.weibull_min(shape, scale=scale)


@law_map("scipy", "LogNormal", _S + "lognorm(s=sigma, scale=exp(mu))", "lognorm")
def _s_lognormal(a, mu, sigma):
    return a.stats.lognorm(sigma, scale=math.exp(mu))


@law_map("scipy", "HalfNormal", _S + "halfnorm(scale=scale)", "halfnorm")
def _s_halfnormal(a, scale):
    return a.stats.halfnorm(scale=scale)


@law_map("scipy", "Pareto", _S + "pareto(b=shape, scale=scale)", "pareto")
def _s_pareto(a, scale, shape):
    return a.stats.pareto(shape, scale=scale)


@law_map("scipy", "LogLogistic", _S + "fisk(c=shape, scale=scale)", "fisk")
def _s_loglogistic(a, scale, shape):
    return a.stats.fisk(shape, scale=scale)


@law_map("scipy", "Cauchy", _S + "cauchy(loc=loc, scale=scale)", "cauchy")
def _s_cauchy(a, loc, scale):
    return a.stats.cauchy(loc=loc, scale=scale)


@law_map("scipy", "Gumbel", _S + "gumbel_r(loc=loc, scale=scale)  (the maximum's Gumbel)", "gumbel_r")
def _s_gumbel(a, loc, scale):
    return a.stats.gumbel_r(loc=loc, scale=scale)


@law_map("scipy", "Logistic", _S + "logistic(loc=loc, scale=scale)", "logistic")
def _s_logistic(a, loc, scale):
    return a.stats.logistic(loc=loc, scale=scale)


@law_map("scipy", "StudentT", _S + "t(df=df, loc=loc, scale=scale)", "t")
def _s_student(a, df, loc, scale):
    return a.stats.t(df, loc=loc, scale=scale)


@law_map("scipy", "VonMises", _S + "vonmises(kappa=concentration, loc=loc)", "vonmises")
def _s_vonmises(a, loc, concentration):
    return a.stats.vonmises(concentration, loc=loc)


@law_map("scipy", "Geometric", _S + "geom(p, loc=-1)  (scipy counts trials 1, 2, ...; loc=-1 counts failures)", "geom")
def _s_geometric(a, p):
    return a.stats.geom(p, loc=-1)


@law_map("scipy", "Binomial", _S + "binom(n=trials, p=p)", "binom")
def _s_binomial(a, trials, p):
    return a.stats.binom(int(trials), p)
