"""Information-theoretic functionals as unevaluated SymPy expressions.

``KL(p, q)`` stays ``KL(p, q)`` until ``.doit()``, exactly like SymPy's
``Integral``; it prints as standard LaTeX.  Evaluation is delegated to the
derivation engine through a hook that the engine installs, because notation
must not import the layers above it: the engine derives a closed form from
the definition and records the steps.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from .distributions import Distribution
from .random_variables import RandomVariable

__all__ = [
    "Functional",
    "Expectation",
    "E",
    "bound_symbols",
    "LogDensity",
    "Entropy",
    "DiffEntropy",
    "CondDiffEntropy",
    "CrossEntropy",
    "KL",
    "MutualInformation",
    "MI",
    "set_evaluator",
]

_evaluator: Callable[[Functional], sp.Expr] | None = None


def set_evaluator(evaluator: Callable[[Functional], sp.Expr] | None) -> None:
    """Install the engine's closed-form evaluator (called by ``infoproofs.engine``)."""
    global _evaluator
    _evaluator = evaluator


def _latex_target(printer, target) -> str:
    return printer._print(target)


# Display hooks installed by the rendering layer (``render.notebook``): this layer never imports it.
DISPLAY_HOOKS: dict = {}


class Functional(sp.Expr):
    """Base for unevaluated functionals; real-valued by construction."""

    is_commutative = True
    is_real = True

    def _repr_html_(self) -> str | None:
        """In a notebook: the functional as MathML, as in the HTML report (SymPy gives ``_repr_latex_``)."""
        shown = DISPLAY_HOOKS.get("html")
        return shown(self) if shown else None
    symbol_latex = ""

    def doit(self, **hints):
        deep = hints.get("deep", True)
        me = self.func(*[a.doit(**hints) if deep and isinstance(a, sp.Expr) else a for a in self.args])
        if _evaluator is None:
            return me
        return _evaluator(me)

    def _eval_nseries(self, x, n, logx, cdir=0):  # pragma: no cover - never series-expanded
        return self

    short_name = ""
    separator = ", "

    def _sympystr(self, printer) -> str:
        name = self.short_name or type(self).__name__
        return f"{name}({self.separator.join(printer._print(a) for a in self.args)})"


class Expectation(Functional):
    """``E_{x ~ p}[f(x)]``: ``integrand`` in the bound variable ``var`` under ``dist``."""

    def __new__(cls, integrand, var: sp.Symbol, dist: Distribution):
        if not isinstance(dist, Distribution):
            raise TypeError(f"expectation needs a Distribution, got {dist!r}")
        if isinstance(var, (list, tuple)):
            var = sp.Tuple(*var)
        return super().__new__(cls, sp.sympify(integrand), var, dist)

    @property
    def integrand(self) -> sp.Expr:
        return self.args[0]

    @property
    def var(self) -> sp.Symbol:
        return self.args[1]

    @property
    def dist(self) -> Distribution:
        return self.args[2]

    @property
    def bound(self) -> tuple[sp.Symbol, ...]:
        """The bound coordinates: one symbol, or a ``Tuple`` of them for a vector law."""
        return bound_symbols(self.var)

    @property
    def free_symbols(self):
        return (self.integrand.free_symbols - set(self.bound)) | self.dist.free_symbols

    def _latex(self, printer) -> str:
        return (
            rf"\mathbb{{E}}_{{{printer._print(self.var)} \sim {printer._print(self.dist)}}}"
            rf"\left[{printer._print(self.integrand)}\right]"
        )

    def _sympystr(self, printer) -> str:
        return f"E_{{{printer._print(self.var)}~{printer._print(self.dist)}}}[{printer._print(self.integrand)}]"


E = Expectation


def bound_symbols(var) -> tuple[sp.Symbol, ...]:
    """The symbols bound by an expectation's variable (a symbol or a Tuple of symbols)."""
    return tuple(var) if isinstance(var, sp.Tuple) else (var,)


class LogDensity(sp.Expr):
    """``log p(x)`` for a named distribution, unexpanded (``.doit()`` expands it)."""

    is_commutative = True
    is_real = True

    def __new__(cls, dist: Distribution, var):
        return super().__new__(cls, dist, sp.sympify(var))

    @property
    def dist(self) -> Distribution:
        return self.args[0]

    @property
    def var(self):
        return self.args[1]

    def doit(self, **hints):
        return self.dist.log_density(self.var)

    def _latex(self, printer) -> str:
        return rf"\log {printer._print(self.dist)}\!\left({printer._print(self.var)}\right)"

    def _sympystr(self, printer) -> str:
        return f"log {printer._print(self.dist)}({printer._print(self.var)})"


class Entropy(Functional):
    """Shannon entropy ``H(p) = -sum_k p_k log p_k`` of a discrete distribution (Bernoulli, Categorical), in nats.

    For a continuous law use ``DiffEntropy``; for unspecified finite laws ``ShannonEntropy``.
    """

    short_name = "H"
    separator = ", "

    def __new__(cls, dist: Distribution):
        if not isinstance(dist, Distribution) or not dist.is_discrete:
            raise TypeError(f"H(.) takes a discrete distribution; use h(.) for {dist}")
        return super().__new__(cls, dist)

    def _latex(self, printer):
        return rf"H\left({printer._print(self.args[0])}\right)"


class DiffEntropy(Functional):
    """Differential entropy ``h(X) = -E[log p(X)]`` of a continuous law or random-variable expression, in nats.

    ``DiffEntropy(Normal(0, s**2))`` or ``DiffEntropy(Z + N)`` with random
    variables ``Z = RV("Z", law)``; use ``Entropy`` for discrete laws.
    """

    short_name = "h"
    separator = ", "

    def __new__(cls, target):
        if isinstance(target, Distribution) and target.is_discrete:
            raise TypeError(f"h(.) takes a continuous law; use H(.) for {target}")
        if not isinstance(target, Distribution) and not sp.sympify(target).atoms(RandomVariable):
            raise TypeError(f"h(.) needs a distribution or a random variable, got {target}")
        return super().__new__(cls, sp.sympify(target) if not isinstance(target, Distribution) else target)

    @property
    def target(self):
        return self.args[0]

    def _latex(self, printer):
        return rf"h\left({printer._print(self.args[0])}\right)"


class CondDiffEntropy(Functional):
    """Conditional differential entropy ``h(Y | X)`` of random-variable expressions (``h(Z + N | Z)``)."""

    short_name = "h"
    separator = " | "

    def __new__(cls, target, given):
        return super().__new__(cls, sp.sympify(target), sp.sympify(given))

    def _latex(self, printer):
        return rf"h\left({printer._print(self.args[0])} \,\middle|\, {printer._print(self.args[1])}\right)"


class CrossEntropy(Functional):
    """Cross-entropy ``H(p, q) = -E_{x~p}[log q(x)]`` in nats (+oo if p puts mass where q has none)."""

    short_name = "H"
    separator = ", "

    def __new__(cls, p: Distribution, q: Distribution):
        _same_kind(p, q, "H(p, q)")
        return super().__new__(cls, p, q)

    def _latex(self, printer):
        return rf"H\left({printer._print(self.args[0])}, {printer._print(self.args[1])}\right)"


class KL(Functional):
    """Kullback-Leibler divergence ``D_KL(p || q) = E_{x~p}[log p(x) - log q(x)]``, in nats.

    ``KL(Normal(m1, v1), Normal(m2, v2))`` stays unevaluated until ``.doit()``,
    which derives its closed form from the definition; it is +oo (and has no
    closed form here) when p puts mass where q has none.  Both laws must be of
    the same kind (both discrete or both continuous).
    """

    short_name = "KL"
    separator = " || "

    def __new__(cls, p: Distribution, q: Distribution):
        _same_kind(p, q, "KL")
        return super().__new__(cls, p, q)

    @property
    def p(self) -> Distribution:
        return self.args[0]

    @property
    def q(self) -> Distribution:
        return self.args[1]

    def _latex(self, printer):
        return (
            rf"D_{{\mathrm{{KL}}}}\left({printer._print(self.args[0])} \,\|\, "
            rf"{printer._print(self.args[1])}\right)"
        )


class MutualInformation(Functional):
    """Mutual information ``I(X; Y) = h(Y) - h(Y | X)`` between random-variable expressions, in nats.

    ``MI(Z, Z + N)`` with ``Z = RV("Z", IsoNormal(0, s**2, d))`` and an
    independent noise ``N``; distinct random variables are independent.  For
    unspecified finite laws use ``MutualInfo``.
    """

    short_name = "I"
    separator = "; "

    def __new__(cls, x, y):
        x, y = sp.sympify(x), sp.sympify(y)
        for side in (x, y):
            if not side.atoms(RandomVariable):
                raise TypeError(f"I(X; Y) needs random variables, got {side}")
        return super().__new__(cls, x, y)

    def _latex(self, printer):
        return rf"I\left({printer._print(self.args[0])}; {printer._print(self.args[1])}\right)"


MI = MutualInformation


def _same_kind(p, q, what: str) -> None:
    for side in (p, q):
        if not isinstance(side, Distribution):
            raise TypeError(f"{what} takes two distributions, got {side!r}")
    if p.is_discrete != q.is_discrete:
        raise TypeError(f"{what} mixes a discrete and a continuous distribution")
