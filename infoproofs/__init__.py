"""infoproofs: a symbolic-and-numeric derivation checker for information theory.

``import infoproofs`` never imports torch: the PyTorch backend lives in
``infoproofs.confirm`` and is imported only when an experiment runs.
"""

__version__ = "0.1.0"

from . import engine as _engine  # noqa: E402,F401  (installs the closed-form evaluator)
from .derivation import Derivation, DerivationError, Relation  # noqa: E402
from .engine import closed_form, derive  # noqa: E402
from .notation import *  # noqa: E402,F401,F403
from .notation import __all__ as _notation_all  # noqa: E402
from .render.notebook import install as _install_display  # noqa: E402
from .rules.tools import LogGap  # noqa: E402

_install_display()  # Derivation.check() and Jupyter display (the heavy parts load on first use)

__all__ = ["__version__", "Derivation", "DerivationError", "Relation", "closed_form", "derive", "LogGap", *_notation_all]
