"""The oracles: symbolic (proof, refutation) and numeric (points, evaluation, comparison, search, shrinking).

Importing the package registers every numeric evaluator, whichever module is
imported first: the functionals of named laws, of abstract laws on random
finite instances, and of matrices of unspecified size.
"""

from . import instantiate as _instantiate  # noqa: F401,E402
from . import law_functionals as _law_functionals  # noqa: F401,E402
from . import numeric_eval as _numeric_eval  # noqa: F401  (first: the registry)
from . import quadrature_positive as _quadrature_positive  # noqa: F401,E402  (the families' schemes)
from . import quadrature_real as _quadrature_real  # noqa: F401,E402
from . import quadrature_simplex as _quadrature_simplex  # noqa: F401,E402
from . import quadrature_unit as _quadrature_unit  # noqa: F401,E402
from . import random_matrices as _random_matrices  # noqa: F401,E402
from . import series as _series  # noqa: F401,E402
