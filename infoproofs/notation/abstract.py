"""Abstract densities over finite, unspecified supports.

Steps about *unspecified* densities (the ELBO, Bayes' rule, Jensen's
inequality, the chain rule) cannot be evaluated as written: ``p(x, z)`` has
no formula.  This module gives such densities a precise meaning that both
oracles share:

* every random variable (``x``, ``z``) takes values in a finite support of
  unspecified size; an *outcome symbol* (``outcome("x z")``) names the
  variable and, where free, a fixed value in its support;
* a ``Joint`` family (``p = Joint("p", x, z)``) is one joint probability
  table, strictly positive; ``p(x, z)``, ``p(z)``, ``p(x, given=z)`` are its
  joint, marginal and conditional densities (``Density`` objects);
* ``p.law(z)`` / ``p.law(z, given=x)`` are laws usable in the existing
  ``Expectation`` and ``KL``; ``SumOver`` is a sum over a support;
* ``AbstractFunction("f", "convex")`` is a real function with a *declared*
  shape (convex, concave, or nothing known), for Jensen's inequality.

Numerically, every such object depends on the symbol ``INSTANCE`` (a seed
drawn like any other parameter): the numeric oracle instantiates the
families as random Dirichlet tables for each drawn seed
(``infoproofs.oracles.instantiate``).  ``INSTANCE`` is in the free symbols
of every abstract object, so cached values never leak between instances.
Notation knows nothing of rules or oracles; this module only names things.
"""

from __future__ import annotations

from typing import ClassVar

import sympy as sp
from sympy.core.symbol import Str

from .distributions import Distribution
from .domains import Domain, declare
from .functionals import Functional

__all__ = [
    "OUTCOME",
    "INSTANCE",
    "outcome",
    "Label",
    "Density",
    "Joint",
    "Law",
    "MixtureLaw",
    "SumOver",
    "AbstractFunction",
    "FunctionValue",
    "RandomValue",
    "ShannonEntropy",
    "MutualInfo",
    "FamilyEntropy",
    "ImportanceWeightedBound",
    "SAMPLE_COUNT",
    "JSD",
    "SupportSize",
    "SHAPES",
]

# Outcome symbols are drawn as indices 0..3; a point whose index falls outside the drawn support
# (|X| = 1, say) is outside the claim's domain and is skipped, never counted for or against it.
OUTCOME = Domain(
    "outcome of a finite support", -1, None, integer=True, sample_lo=0, sample_hi=3,
    latex_form=r"{symbol} \in \operatorname{supp}", sampler="window",
)
# The seed of the random finite instance (Dirichlet tables, function shapes).
INSTANCE_DOMAIN = Domain(
    "seed of a random finite instance", -1, None, integer=True, sample_lo=0, sample_hi=2**20, latex_form="",
    sampler="seed",
)
INSTANCE = declare("omega_", INSTANCE_DOMAIN)

SHAPES = ("convex", "concave", "any")


def _name(value) -> str:
    """A plain name from a str, Str, Label or Symbol (SymPy rebuilds objects from their args)."""
    if isinstance(value, (sp.Symbol, Str)):
        return value.name
    if isinstance(value, Label):
        return value.name
    return str(value)


def outcome(names: str):
    """Outcome symbols (values of finitely supported random variables)."""
    parts = names.replace(",", " ").split()
    made = tuple(declare(part, OUTCOME) for part in parts)
    return made[0] if len(made) == 1 else made


def _is_outcome(sym) -> bool:
    from .domains import domain_of

    return isinstance(sym, sp.Symbol) and domain_of(sym) == OUTCOME


class Label(sp.Basic):
    """The name of a random variable; not a Symbol, so renaming bound values never touches it."""

    def __new__(cls, name: str | sp.Symbol):
        return super().__new__(cls, Str(_name(name)))

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def free_symbols(self):
        return set()

    def _latex(self, printer) -> str:
        return self.name

    def _sympystr(self, printer) -> str:
        return self.name


def _pairs(items) -> sp.Tuple:
    return sp.Tuple(*[sp.Tuple(Label(label), sp.sympify(value)) for label, value in items])


def _values_latex(printer, pairs) -> str:
    return ", ".join(printer._print(value) for _, value in pairs)


class Density(sp.Expr):
    """``p(a | b)``: a joint, marginal or conditional density of the family ``p``.

    Arguments: the family name (``Str``), the outcome pairs ``(Label, value)``
    and the given pairs.  Strictly positive by the model's assumption (every
    finite instance has full support), which licenses ``log(p q) = log p + log q``.
    """

    is_commutative = True
    is_real = True
    is_positive = True

    def __new__(cls, family: str, outcomes, given=()):
        outcomes, given = _pairs(outcomes), _pairs(given)
        if not outcomes:
            raise TypeError("a density needs at least one outcome")
        labels = [p[0] for p in (*outcomes, *given)]
        if len(set(labels)) != len(labels):
            raise TypeError(f"a variable appears twice in {family}(...)")
        return super().__new__(cls, Str(_name(family)), outcomes, given)

    @property
    def family(self) -> str:
        return self.args[0].name

    @property
    def outcomes(self) -> tuple:
        return tuple((p[0], p[1]) for p in self.args[1])

    @property
    def given(self) -> tuple:
        return tuple((p[0], p[1]) for p in self.args[2])

    @property
    def free_symbols(self):
        found = {INSTANCE}
        for _, value in (*self.outcomes, *self.given):
            found |= value.free_symbols
        return found

    def _latex(self, printer) -> str:
        inner = _values_latex(printer, self.args[1])
        if self.args[2]:
            inner += r" \mid " + _values_latex(printer, self.args[2])
        return rf"{family_latex(self.family)}\left({inner}\right)"

    def _sympystr(self, printer) -> str:
        inner = ", ".join(f"{lab}={printer._print(v)}" for lab, v in self.outcomes)
        if self.given:
            inner += " | " + ", ".join(f"{lab}={printer._print(v)}" for lab, v in self.given)
        return f"{self.family}({inner})"


class Law(Distribution):
    """The law of some variables of a family, possibly given values of others (``q(z | x)``).

    A ``Distribution`` so that ``Expectation`` and ``KL`` accept it.  It is
    declared non-discrete only so that the engine never asks it to enumerate
    its (unspecified) outcomes; its support is finite all the same.
    """

    param_names: ClassVar[tuple[str, ...]] = ("family", "variables", "given")
    is_discrete: ClassVar[bool] = False

    def __new__(cls, family: str, variables, given=()):
        variables = sp.Tuple(*[Label(v) for v in variables])
        if len(variables) != 1:
            raise TypeError("a law of an abstract family covers exactly one variable")
        return sp.Basic.__new__(cls, Str(_name(family)), variables, _pairs(given))

    @property
    def family(self) -> str:
        return self.args[0].name

    @property
    def label(self) -> Label:
        return self.args[1][0]

    @property
    def given(self) -> tuple:
        return tuple((p[0], p[1]) for p in self.args[2])

    @property
    def free_symbols(self):
        found = {INSTANCE}
        for _, value in self.given:
            found |= value.free_symbols
        return found

    def density_at(self, value) -> Density:
        return Density(self.family, [(self.label, value)], self.given)

    def log_density(self, x):
        return sp.log(self.density_at(x))

    def density(self, x):
        return self.density_at(x)

    def moment(self, k: int):
        v = sp.Symbol("v_moment_", real=True)
        from .functionals import Expectation

        return Expectation(v**k, v, self)

    def _latex(self, printer) -> str:
        inner = self.label.name
        if self.args[2]:
            inner += r" \mid " + _values_latex(printer, self.args[2])
        return rf"{family_latex(self.family)}\left({inner}\right)"

    def _sympystr(self, printer) -> str:
        inner = self.label.name
        if self.given:
            inner += " | " + ", ".join(f"{lab}={printer._print(v)}" for lab, v in self.given)
        return f"{self.family}({inner})"


class MixtureLaw(Distribution):
    """The equal-weight mixture ``(P + Q) / 2`` of two laws of the same variable."""

    param_names: ClassVar[tuple[str, ...]] = ("first", "second")
    is_discrete: ClassVar[bool] = False

    def __new__(cls, first: Law, second: Law):
        if not (isinstance(first, Law) and isinstance(second, Law)) or first.label != second.label:
            raise TypeError("a mixture needs two laws of the same variable")
        return sp.Basic.__new__(cls, first, second)

    @property
    def label(self) -> Label:
        return self.args[0].label

    @property
    def free_symbols(self):
        return self.args[0].free_symbols | self.args[1].free_symbols

    def density_at(self, value):
        return (self.args[0].density_at(value) + self.args[1].density_at(value)) / 2

    def log_density(self, x):
        return sp.log(self.density_at(x))

    def moment(self, k: int):
        v = sp.Symbol("v_moment_", real=True)
        from .functionals import Expectation

        return Expectation(v**k, v, self)

    def _latex(self, printer) -> str:
        return rf"\tfrac{{1}}{{2}}\left({printer._print(self.args[0])} + {printer._print(self.args[1])}\right)"

    def _sympystr(self, printer) -> str:
        return f"mix({printer._print(self.args[0])}, {printer._print(self.args[1])})"


class Joint:
    """A family of densities defined by one strictly positive joint table over ``variables``.

    ``uniform`` names variables whose marginal is uniform over their support
    (an empirical data distribution over N points, say).
    """

    def __init__(self, name: str, *variables: sp.Symbol, uniform: tuple[sp.Symbol, ...] = ()):
        if not variables:
            raise TypeError("a family needs variables")
        for v in variables:
            if not _is_outcome(v):
                raise TypeError(f"{v} is not an outcome symbol; declare it with outcome()")
        self.name = name
        self.variables = tuple(variables)
        self.uniform = tuple(uniform)
        known = _FAMILIES.get(name)
        if known is not None and (known.variables, known.uniform) != (self.variables, self.uniform):
            raise ValueError(f"family {name!r} is already declared as {known!r}; use another name")
        _FAMILIES[name] = self

    def _label_of(self, value) -> str:
        if _is_outcome(value) and value in self.variables:
            return value.name
        raise TypeError(
            f"{value} is not a variable of {self.name}; pass bound values by keyword, e.g. {self.name}(z=v)"
        )

    def _collect(self, positional, keywords) -> list[tuple[str, sp.Expr]]:
        items = [(self._label_of(v), v) for v in positional]
        names = {v.name for v in self.variables}
        for label, value in keywords.items():
            if label not in names:
                raise TypeError(f"{label} is not a variable of {self.name}")
            items.append((label, value))
        order = [v.name for v in self.variables]
        return sorted(items, key=lambda item: order.index(item[0]))

    def __call__(self, *values, given=None, **keywords) -> Density:
        given_items: list = []
        if given is not None:
            if isinstance(given, dict):
                given_items = self._collect((), given)
            else:
                given_items = self._collect(given if isinstance(given, (tuple, list)) else (given,), {})
        return Density(self.name, self._collect(values, keywords), given_items)

    def law(self, variable: sp.Symbol, given=None) -> Law:
        label = self._label_of(variable)
        given_items: list = []
        if given is not None:
            if isinstance(given, dict):
                given_items = self._collect((), given)
            else:
                given_items = self._collect(given if isinstance(given, (tuple, list)) else (given,), {})
        return Law(self.name, [label], given_items)

    def __repr__(self) -> str:
        uniform = f", uniform={tuple(v.name for v in self.uniform)}" if self.uniform else ""
        return f"Joint({self.name!r}, {', '.join(v.name for v in self.variables)}{uniform})"


# family name -> Joint, so that an instance knows each family's variables.
_FAMILIES: dict[str, Joint] = {}


def family(name: str) -> Joint:
    return _FAMILIES[name]


def families() -> list[Joint]:
    """Every declared family (the numeric oracle needs the ones that share a variable)."""
    return list(_FAMILIES.values())


def family_latex(name: str) -> str:
    """``q_phi`` prints as q_{\\phi}, like a SymPy symbol of that name."""
    return sp.latex(sp.Symbol(name))


class SumOver(Functional):
    """``sum_{v in supp(L)} body``: a finite sum of ``body`` over the support of variable ``L``."""

    def __new__(cls, body, var: sp.Symbol, label):
        return sp.Expr.__new__(cls, sp.sympify(body), var, Label(label))

    @property
    def body(self):
        return self.args[0]

    @property
    def var(self):
        return self.args[1]

    @property
    def label(self) -> Label:
        return self.args[2]

    @property
    def free_symbols(self):
        return (self.body.free_symbols - {self.var}) | {INSTANCE}

    def doit(self, **hints):
        return self

    def _latex(self, printer) -> str:
        return rf"\sum_{{{printer._print(self.var)}}} {printer._print(self.body)}"

    def _sympystr(self, printer) -> str:
        return f"Sum_{{{printer._print(self.var)} in {self.label.name}}}[{printer._print(self.body)}]"


class SupportSize(sp.Expr):
    """``|X|``: the number of values of a variable (N data points, say); at least 1 (a point mass)."""

    is_commutative = True
    is_integer = True
    is_positive = True

    def __new__(cls, label):
        return super().__new__(cls, Label(label))

    @property
    def label(self) -> Label:
        return self.args[0]

    @property
    def free_symbols(self):
        return {INSTANCE}

    def _latex(self, printer) -> str:
        return rf"\left|\mathcal{{{self.label.name.upper()}}}\right|"

    def _sympystr(self, printer) -> str:
        return f"|{self.label.name}|"


class AbstractFunction(sp.Basic):
    """A real function known only by its declared shape: "convex", "concave" or "any".

    ``f(t)`` gives a ``FunctionValue``.  A declared shape is an assumption of
    the derivation; the numeric oracle draws ``f`` from a family of functions
    of that shape (and, for "any", mostly convex ones such as t^2).
    """

    def __new__(cls, name: str, shape: str = "any"):
        name, shape = _name(name), _name(shape)
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
        return super().__new__(cls, Str(name), Str(shape))

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def shape(self) -> str:
        return self.args[1].name

    @property
    def free_symbols(self):
        return {INSTANCE}

    def __call__(self, arg) -> FunctionValue:
        return FunctionValue(self, arg)

    def _latex(self, printer) -> str:
        return self.name

    def _sympystr(self, printer) -> str:
        return self.name


class FunctionValue(sp.Expr):
    """``f(t)`` for an ``AbstractFunction`` f."""

    is_commutative = True
    is_real = True

    def __new__(cls, fn: AbstractFunction, arg):
        return super().__new__(cls, fn, sp.sympify(arg))

    @property
    def fn(self) -> AbstractFunction:
        return self.args[0]

    @property
    def arg(self):
        return self.args[1]

    @property
    def free_symbols(self):
        return {INSTANCE} | self.arg.free_symbols

    def _latex(self, printer) -> str:
        return rf"{self.fn.name}\left({printer._print(self.arg)}\right)"

    def _sympystr(self, printer) -> str:
        return f"{self.fn.name}({printer._print(self.arg)})"


class RandomValue(sp.Expr):
    """``g(v)``: an unspecified real value for each outcome of variable ``label`` (a random variable g(Z))."""

    is_commutative = True
    is_real = True

    def __new__(cls, name: str, label, value):
        return super().__new__(cls, Str(_name(name)), Label(label), sp.sympify(value))

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def label(self) -> Label:
        return self.args[1]

    @property
    def value(self):
        return self.args[2]

    @property
    def free_symbols(self):
        return {INSTANCE} | self.value.free_symbols

    def _latex(self, printer) -> str:
        return rf"{self.name}\left({printer._print(self.value)}\right)"

    def _sympystr(self, printer) -> str:
        return f"{self.name}({printer._print(self.value)})"


class ShannonEntropy(Functional):
    """``H(q)`` of an abstract law, in nats."""

    short_name = "H"

    def __new__(cls, law: Law):
        if not isinstance(law, (Law, MixtureLaw)):
            raise TypeError("ShannonEntropy takes an abstract law")
        return sp.Expr.__new__(cls, law)

    @property
    def law(self):
        return self.args[0]

    @property
    def free_symbols(self):
        return self.law.free_symbols

    def doit(self, **hints):
        return self

    def _latex(self, printer) -> str:
        return rf"H\left({printer._print(self.law)}\right)"


def _labels(group) -> sp.Tuple:
    """One variable or a tuple of them -> a Tuple of Labels."""
    items = group if isinstance(group, (tuple, list, sp.Tuple)) else (group,)
    return sp.Tuple(*[item if isinstance(item, Label) else Label(item) for item in items])


def _group_latex(group: sp.Tuple) -> str:
    return ", ".join(label.name.upper() for label in group)


def _check_groups(family_name: str, *groups: sp.Tuple) -> None:
    names = [label.name for group in groups for label in group]
    if len(set(names)) != len(names):
        raise TypeError(f"a variable appears twice in a functional of {family_name}")
    known = _FAMILIES.get(family_name)
    if known is not None:
        declared = {v.name for v in known.variables}
        unknown = [n for n in names if n not in declared]
        if unknown:
            raise TypeError(f"{', '.join(unknown)} is not a variable of {family_name}")


class _GroupFunctional(Functional):
    """A functional of groups of a family's variables, printed ``NAME_p(A; B | C)``.

    Arguments: the family name, then one ``Tuple`` of Labels per group, the
    last group being the conditioning one (possibly empty).
    """

    letter = ""

    def __new__(cls, family: str, *groups):
        name = _name(family)
        tuples = tuple(_labels(group) for group in groups)
        if not all(tuples[:-1]):
            raise TypeError(f"{cls.letter}(...) needs variables in every group")
        _check_groups(name, *tuples)
        return sp.Expr.__new__(cls, Str(name), *tuples)

    @property
    def family(self) -> str:
        return self.args[0].name

    @property
    def given(self) -> sp.Tuple:
        return self.args[-1]

    @property
    def free_symbols(self):
        return {INSTANCE}

    def doit(self, **hints):
        return self

    def _inner(self, name) -> tuple[str, str]:
        groups = "; ".join(", ".join(name(label) for label in group) for group in self.args[1:-1])
        given = ", ".join(name(label) for label in self.given)
        return groups, given

    def _latex(self, printer) -> str:
        groups, given = self._inner(lambda label: label.name.upper())
        inner = groups + (rf" \mid {given}" if given else "")
        return rf"{self.letter}_{{{family_latex(self.family)}}}\left({inner}\right)"

    def _sympystr(self, printer) -> str:
        groups, given = self._inner(lambda label: label.name)
        return f"{self.letter}_{self.family}({groups}{' | ' + given if given else ''})"


class MutualInfo(_GroupFunctional):
    """``I_q(A; B | C)`` under the joint family ``q``; A, B, C are groups of its variables.

    ``MutualInfo("q", x, z)`` is I_q(X; Z); ``MutualInfo("p", x, (y, z))`` is
    I_p(X; Y, Z); ``given=y`` conditions on Y (averaged over Y, as in the
    chain rule I(X; Y, Z) = I(X; Y) + I(X; Z | Y)).
    """

    letter = "I"

    def __new__(cls, family: str, first, second, given=()):
        return super().__new__(cls, family, first, second, given)

    @property
    def first(self) -> sp.Tuple:
        return self.args[1]

    @property
    def second(self) -> sp.Tuple:
        return self.args[2]


class FamilyEntropy(_GroupFunctional):
    """``H_p(A | C)``: the joint entropy of a group of variables of family ``p``, given another.

    Unlike ``ShannonEntropy(p.law(z, given=x))`` (the entropy of one
    conditional law, at a fixed x), the given variables here are random and
    averaged over: H(Y | X) = -E_{x, y}[log p(y | x)].
    """

    letter = "H"

    def __new__(cls, family: str, variables, given=()):
        return super().__new__(cls, family, variables, given)

    @property
    def variables(self) -> sp.Tuple:
        return self.args[1]


class JSD(Functional):
    """Jensen-Shannon divergence ``JSD(P || Q)`` of two abstract laws of one variable."""

    short_name = "JSD"
    separator = " || "

    def __new__(cls, first: Law, second: Law):
        MixtureLaw(first, second)  # validates
        return sp.Expr.__new__(cls, first, second)

    @property
    def free_symbols(self):
        return self.args[0].free_symbols | self.args[1].free_symbols

    def doit(self, **hints):
        return self

    def _latex(self, printer) -> str:
        return (
            rf"\mathrm{{JSD}}\left({printer._print(self.args[0])} \,\|\, "
            rf"{printer._print(self.args[1])}\right)"
        )


# Numbers of importance samples: every positive integer; the numeric oracle enumerates the
# multisets of K draws exactly, so points with too many of them are skipped (and the coverage says so).
SAMPLE_COUNT = Domain(
    "number of importance samples", 0, None, integer=True, sample_lo=1, sample_hi=4,
    latex_form=r"{symbol} \in \{1, 2, 3, \dots\}",
)


class ImportanceWeightedBound(Functional):
    """``L_K = E_{z_1..z_K ~ q}[log (1/K) sum_k w(z_k)]`` with ``w(v) = numerator(v) / q(v)``.

    ``numerator`` is a one-argument ``Lambda`` (``v -> p(x, z=v)``) and
    ``proposal`` the law the K samples are drawn from, independently.  For
    K = 1 this is the ELBO; Burda et al. (2016) show L_K increases to log p(x).
    For a concrete K the engine unfolds it into K nested expectations; for a
    symbolic K it is evaluated only numerically, by exact enumeration.
    """

    def __new__(cls, count, numerator: sp.Lambda, proposal: Law):
        if not isinstance(numerator, sp.Lambda) or len(numerator.variables) != 1:
            raise TypeError("the numerator of the importance weights must be a one-argument Lambda")
        if not isinstance(proposal, Law):
            raise TypeError("the proposal must be an abstract law")
        return sp.Expr.__new__(cls, sp.sympify(count), numerator, proposal)

    @property
    def count(self) -> sp.Expr:
        return self.args[0]

    @property
    def numerator(self) -> sp.Lambda:
        return self.args[1]

    @property
    def proposal(self) -> Law:
        return self.args[2]

    def weight(self, value) -> sp.Expr:
        return self.numerator(value) / self.proposal.density_at(value)

    @property
    def free_symbols(self):
        return self.count.free_symbols | self.numerator.free_symbols | self.proposal.free_symbols | {INSTANCE}

    def doit(self, **hints):
        return self

    def _latex(self, printer) -> str:
        return rf"\mathcal{{L}}_{{{printer._print(self.count)}}}"

    def _sympystr(self, printer) -> str:
        return f"L_{printer._print(self.count)}"
