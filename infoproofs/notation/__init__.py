"""Notation: symbols with domains, distributions, random variables and functionals.

This layer knows nothing about checking or rendering; everything here is a
plain SymPy object that prints itself as LaTeX.
"""

from . import laws_classic_tables as _laws_classic_tables  # noqa: F401  (registers table entries)
from . import laws_counts, laws_positive, laws_real, laws_simplex, laws_unit
from .distributions import (
    DISTRIBUTIONS,
    Bernoulli,
    Categorical,
    DiagNormal,
    Distribution,
    Exponential,
    IsoNormal,
    Laplace,
    MultivariateNormal,
    Normal,
    Uniform,
)
from .domains import Domain, declare, dimension, domain_of, interval, positive, probability, real
from .expectations import TABLE, Tabulated, tabulated_expectation
from .functionals import (
    KL,
    MI,
    CondDiffEntropy,
    CrossEntropy,
    DiffEntropy,
    E,
    Entropy,
    Expectation,
    Functional,
    LogDensity,
    MutualInformation,
)
from .matrices import PositiveVector, QuadraticForm, RealVector, SPDMatrix, positive_vector, real_vector, spd_matrix
from .random_variables import RV, LawUnknown, RandomVariable, law_of

__all__ = [
    "DISTRIBUTIONS", "Bernoulli", "Categorical", "DiagNormal", "Distribution", "Exponential",
    "IsoNormal", "Laplace", "Normal", "Uniform", "Domain", "declare", "dimension", "domain_of",
    "interval", "positive", "probability", "real", "KL", "MI", "CondDiffEntropy", "CrossEntropy",
    "DiffEntropy", "E", "Entropy", "Expectation", "Functional", "LogDensity", "MutualInformation",
    "RV", "LawUnknown", "RandomVariable", "law_of", "MultivariateNormal", "QuadraticForm",
    "RealVector", "SPDMatrix", "real_vector", "spd_matrix", "PositiveVector", "positive_vector",
    "TABLE", "Tabulated", "tabulated_expectation",
]

# the families of each module, exported by the names in its __all__
for _module in (laws_positive, laws_unit, laws_real, laws_counts, laws_simplex):
    globals().update({_name: getattr(_module, _name) for _name in _module.__all__})
    __all__ += _module.__all__
