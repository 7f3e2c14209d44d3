r"""Unspecified densities, functions and random variables in LaTeX claims (``notation.abstract``).

Papers state Bayes' rule, Jensen's inequality and the ELBO for densities that
have no formula.  ``latex.py`` reads such blocks only when the document (a
``% infoproofs:`` comment) or ``--assume`` declares the objects; this module
parses those declarations and gives the objects their meaning, through small
hooks in ``latex.py``.  The numeric oracle instantiates every object as a
random finite table, so a claim about them is checked for real.

Declarations (items separated by ``;``; the words are inside ``\text{...}``):

* ``p(X, Z), q(Z) \text{ densities}`` (or ``\text{ a density}``, ``\text{ a
  distribution}``, ``\text{ joint densities}``), or equivalently
  ``p, q \text{ densities over } X, Z``: each name is a strictly positive
  density over the listed variables, which take values in finite supports of
  unspecified size.  ``p(X)``, ``p(Z | X)`` are its marginal and conditional
  densities; ``p(Y)`` for an undeclared Y is unsupported.
* ``q(X, Z) \text{ a density with uniform } X``: the same, with X's
  marginal uniform over its support (an empirical data distribution over N
  points); ``\left|\mathcal{X}\right|`` is the size N of X's support.
* ``f \text{ a function}`` (nothing known of its shape), ``f \text{ convex}``,
  ``f \text{ concave}`` (also ``a convex function``): ``f(t)`` is a
  ``FunctionValue`` of an ``AbstractFunction`` of that shape.
* ``X \text{ a random variable}`` (or ``random variables``): X has real values
  g(x), one per outcome x of its finite support.
* ``g(Z) \text{ a random variable}``: g is a real value per outcome of Z,
  written ``g(z)`` (``RandomValue("g", z, z)``, the catalog's ``X = g(Z)`` of
  Jensen's inequality); Z becomes a declared variable if nothing else declares it.
* ``w \text{ a value of } Z`` (or ``\text{ another value of }``): w is a second
  outcome of Z, written as a density argument (``p(w \mid x)`` beside
  ``p(z \mid x)``: the catalog's ``p(z=w, given=x)``); it is an argument only,
  never a number.

Conventions (each a choice, so that a reader can predict the meaning):

* A variable ``X`` and its value ``x`` are one outcome symbol, named in lower
  case (``x``); a density argument ``p(X, Z)`` is the outcome, a variable used
  as a number (``\mathbb{E}(X)``, ``f(X)``) is its real value
  ``RandomValue("X", x, x)``.
* Densities that share a variable are modelled as laws of one joint family
  over all the variables they share (``q(Z)`` beside ``p(X, Z)`` is the Z
  marginal of a table over X, Z), which gives the same claims about q(Z) and
  keeps the global family names consistent with the catalog's.
* The law of a variable (for ``\mathbb{E}(X)``, ``H(Z)``): the density
  declared over that variable alone; else the marginal of the one family that
  has it; else, for a declared random variable, its own law ``P_X``.  Two
  candidates are ambiguous (``LatexUnsupported``).
* ``\mathbb{E}_q[...]`` with q a density of one variable is the expectation
  over ``q.law(z)``; ``\mathbb{E}f(X)`` (no bracket) applies to the following
  factor, as ``\log`` does.
* ``\int_Z body`` and ``\sum_Z body`` / ``\sum_{z \in Z} body`` (no limits,
  no differential) sum ``body`` over the support of Z (``SumOver``): supports
  are finite.
* ``H(Z)`` is the entropy of the law of Z (above), ``H(q)`` that of a
  one-variable density q, ``H(X | Z)`` / ``H(X, Z)`` the conditional / joint
  entropy of the one family that has those variables (``H_p(X | Z)``: of p).
* ``\tfrac{1}{2}(p(x) + q(x))`` in a law position is the equal mixture of
  two declared laws of X; ``\mathrm{JSD}(p(x) \| q(x))`` their
  Jensen-Shannon divergence.
* ``I(X; Z)``, ``I_p(X; Y, Z)``, ``I(X; Z | Y)`` of declared variables: the
  mutual information under that family, as ``H`` chooses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from ..notation import E
from ..notation.abstract import (
    INSTANCE,
    JSD,
    AbstractFunction,
    Density,
    FamilyEntropy,
    FunctionValue,
    Joint,
    Law,
    MixtureLaw,
    MutualInfo,
    RandomValue,
    ShannonEntropy,
    SumOver,
    SupportSize,
    families,
    outcome,
)

if TYPE_CHECKING:  # pragma: no cover - only for the type hints
    from .latex import _Apply, _BigOp, _Eval, _Func, _Node

__all__ = ["INSTANCE", "AbstractScope", "declare", "undeclared_hint"]

_NAME = r"\\?[A-Za-z]+(?:_(?:\{\s*\\?[A-Za-z0-9]+\s*\}|\\[A-Za-z]+|[A-Za-z0-9]))?"
_ITEM = re.compile(rf"\s*({_NAME})\s*(?:\((.*)\))?\s*")
_TEXT = re.compile(r"^(?P<lhs>.*?)\\(?:text|textrm|mbox|textnormal|textit)\s*\{(?P<words>[^{}]*)\}(?P<rest>.*)$", re.S)
_DENSITY = re.compile(r"^(?:an? |the )?(?:joint |probability |strictly positive |positive )*"
                      r"(?:densit(?:y|ies)|distributions?|pmfs?|laws?|probabilit(?:y|ies))(?: functions?)?"
                      r"(?:(?: (over|of|on))|,? (?:with (uniform)|(uniform) (?:over|in|on)))?$")
_FUNCTION = re.compile(r"^(?:an? )?(?:(convex|concave|arbitrary|any|real)\s*)?(?:real )?(?:functions?)?$")
_RANDOM = re.compile(r"^(?:an? )?(?:real |discrete |real-valued )?random variables?$")
_VALUE = re.compile(r"^(?:an? |another |other )?(?:outcomes?|values?) of$")


@dataclass
class AbstractScope:
    """The abstract objects a block's declarations introduce, and the families built for them."""

    densities: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> declared variables (keys)
    functions: dict[str, AbstractFunction] = field(default_factory=dict)
    random: list[str] = field(default_factory=list)  # declared random variables (keys)
    values: dict[str, str] = field(default_factory=dict)  # g(Z) random values: name -> variable key
    uniform: dict[str, tuple[str, ...]] = field(default_factory=dict)  # density -> variables with uniform marginal
    drawn: dict[str, tuple[str, sp.Symbol]] = field(default_factory=dict)  # z_1 in E_{z_1 ~ q(z)} -> (z, z_1)
    other_values: dict[str, str] = field(default_factory=dict)  # w \text{ a value of } Z: w -> z
    _joints: dict[str, Joint] | None = None

    # ---- variables
    def variables(self) -> set[str]:
        found = {v for vs in self.densities.values() for v in vs}
        return found | set(self.random)

    def key_of(self, name: str) -> str | None:
        """The variable a written name denotes: ``X`` and ``x`` are the same variable."""
        lowered = name.lower()
        return lowered if lowered in self.variables() else None

    @staticmethod
    def outcome_of(key: str) -> sp.Symbol:
        return outcome(key)

    # ---- families
    def joints(self) -> dict[str, Joint]:
        """One ``Joint`` per declared density (and per random variable without one), built once."""
        if self._joints is not None:
            return self._joints
        groups = _components(self.densities)
        joints: dict[str, Joint] = {}
        for name, declared in self.densities.items():
            over = sorted(next(g for g in groups if set(declared) <= g))
            joints[name] = _joint(name, over, self.uniform.get(name, ()))
        for key in self.random:
            if not any(key in vs for vs in self.densities.values()):
                joints["P_" + key.upper()] = _joint("P_" + key.upper(), [key])
        self._joints = joints
        return joints

    def law_of(self, key: str, where: str) -> Law:
        """The law of variable ``key`` (the module docstring's rule)."""
        alone = [n for n, vs in self.densities.items() if vs == (key,)]
        having = [n for n, vs in self.densities.items() if key in vs]
        candidates = alone or having
        if len(candidates) > 1:
            raise _unsupported(f"{where}: {key.upper()} has several declared densities ({', '.join(candidates)}); "
                               f"say which, e.g. \\mathbb{{E}}_{{{candidates[0]}}}[...] or H({candidates[0]})")
        joints = self.joints()
        if candidates:
            return joints[candidates[0]].law(self.outcome_of(key))
        if key in self.random:
            return joints["P_" + key.upper()].law(self.outcome_of(key))
        raise _unsupported(f"{where}: {key.upper()} has no declared density")


def _components(densities: dict[str, tuple[str, ...]]) -> list[set[str]]:
    """Groups of variables connected by a shared density."""
    groups: list[set[str]] = []
    for declared in densities.values():
        merged = set(declared)
        for group in [g for g in groups if g & merged]:
            merged |= group
            groups.remove(group)
        groups.append(merged)
    return groups


def _joint(name: str, keys: list[str], uniform: tuple[str, ...] = ()) -> Joint:
    """The family ``name`` over ``keys``: an already declared one that has them (and the same uniform
    marginals), else a new one.

    Family names are global (the catalog's ``p`` and ``q`` are over x, z); a
    known family with other variables is never redeclared: the new one gets
    the variables' names as a suffix (``P_ab``).
    """
    symbols = [outcome(k) for k in keys]
    flat = tuple(outcome(k) for k in uniform)
    candidate, counter = name, 0
    while True:
        known = next((f for f in families() if f.name == candidate), None)
        if known is None:
            return Joint(candidate, *symbols, uniform=flat)
        if set(symbols) <= set(known.variables) and set(known.uniform) == set(flat):
            return known
        counter += 1
        candidate = f"{name}_{''.join(keys)}" + (str(counter) if counter > 1 else "")


def _unsupported(message: str) -> Exception:
    from .latex import LatexUnsupported

    return LatexUnsupported(message)


# ---------------------------------------------------------------------------------------------
# declarations
# ---------------------------------------------------------------------------------------------

def _name_key(text: str) -> str:
    """``q_\\phi`` -> ``q_phi``, as ``_Name.full`` spells it."""
    base, _, sub = text.partition("_")
    clean = re.sub(r"[\\{}\s]", "", sub)
    return base.lstrip("\\") + (f"_{clean}" if clean else "")


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        depth += 1 if ch in "({[" else -1 if ch in ")}]" else 0
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _variables(text: str, item: str) -> tuple[str, ...]:
    found = []
    for part in re.split(r",|\\mid|\|", text):
        part = part.strip().strip("$ .")
        if not part:
            continue
        if not re.fullmatch(_NAME, part):
            raise _unsupported(f"in the declaration {item!r}: {part!r} is not a variable name")
        found.append(_name_key(part).lower())
    if len(set(found)) != len(found):
        raise _unsupported(f"in the declaration {item!r}: a variable is listed twice")
    return tuple(found)


def declare(item: str, scope) -> bool:
    r"""Apply one declaration item if it declares abstract objects (``\text{ a density}``...); else False.

    ``scope`` is ``latex._Scope``; its ``abstract`` field is created here.
    """
    match = _TEXT.match(item.strip())
    if match is None:
        return False
    words = " ".join(match.group("words").lower().replace("-", " ").split())
    lhs, rest = match.group("lhs").strip(), match.group("rest").strip().strip(".")
    density, function, random = _DENSITY.match(words), _FUNCTION.match(words), _RANDOM.match(words)
    if _VALUE.match(words):
        _declare_other_values(scope, lhs, rest, item)
        return True
    if not (density or (function and words) or random):
        return False
    names = _split_top(lhs)
    if not names:
        raise _unsupported(f"the declaration {item!r} names nothing")
    if scope.abstract is None:
        scope.abstract = AbstractScope()
    abstract: AbstractScope = scope.abstract
    if abstract._joints is not None:
        abstract._joints = None
    for text in names:
        parsed = _ITEM.fullmatch(text)
        if parsed is None:
            raise _unsupported(f"in the declaration {item!r}: cannot read {text!r} (write p(X, Z) or f)")
        key, args = _name_key(parsed.group(1)), parsed.group(2)
        if density:
            _declare_density(abstract, key, args, rest, density, item)
        elif random:
            _declare_random(abstract, key, args, item)
        else:
            shape = function.group(1) if function.group(1) in ("convex", "concave") else "any"
            abstract.functions[key] = AbstractFunction(key, shape)
    return True


def _declare_density(abstract: AbstractScope, key: str, args: str | None, rest: str, density: re.Match,
                     item: str) -> None:
    """``p(X, Z) \\text{ a density}``, ``p \\text{ a density over } X, Z``, and
    ``q(X, Z) \\text{ a density with uniform } X`` (X's marginal uniform: an empirical data distribution)."""
    uniform = density.group(2) or density.group(3)
    if uniform:
        if args is None or not rest:
            raise _unsupported(f"write {key}(X, Z) \\text{{ a density with uniform }} X")
        over, flat = args, _variables(rest, item)
    else:
        over, flat = (args if args is not None else (rest if density.group(1) or rest else None)), ()
    if over is None:
        raise _unsupported(f"say which variables the density {key} is over: {key}(X, Z) \\text{{ a density}}"
                           f" or {key} \\text{{ a density over }} X, Z")
    abstract.densities[key] = _variables(over, item)
    if not set(flat) <= set(abstract.densities[key]):
        raise _unsupported(f"in the declaration {item!r}: the uniform variables are not among {key}'s")
    if flat:
        abstract.uniform[key] = flat


def _declare_other_values(scope, lhs: str, rest: str, item: str) -> None:
    """``w \\text{ a value of } Z``: each name on the left is another outcome of the variable on the right."""
    if scope.abstract is None:
        scope.abstract = AbstractScope()
    abstract: AbstractScope = scope.abstract
    over = _variables(rest, item)
    if len(over) != 1:
        raise _unsupported(f"in the declaration {item!r}: name one variable after 'a value of'")
    for text in _split_top(lhs):
        if not re.fullmatch(_NAME, text):
            raise _unsupported(f"in the declaration {item!r}: {text!r} is not a name")
        key = _name_key(text)
        if key.lower() in abstract.variables() or key in abstract.densities or key in abstract.functions \
                or key in abstract.values or key.lower() == over[0]:
            raise _unsupported(f"in the declaration {item!r}: {key} is already declared")
        abstract.other_values[key] = over[0]


def _declare_random(abstract: AbstractScope, key: str, args: str | None, item: str) -> None:
    """``X \\text{ a random variable}`` (a variable) or ``g(Z) \\text{ a random variable}`` (a value per outcome of Z)."""
    if args is None:
        if key.lower() not in abstract.random:
            abstract.random.append(key.lower())
        return
    over = _variables(args, item)
    if len(over) != 1:
        raise _unsupported(f"in the declaration {item!r}: a random value g(Z) is a function of one variable")
    if key.lower() in abstract.variables() or key in abstract.densities or key in abstract.functions:
        raise _unsupported(f"in the declaration {item!r}: {key} is already declared")
    abstract.values[key] = over[0]
    if over[0] not in abstract.variables():
        abstract.random.append(over[0])


def undeclared_hint(name: str) -> str:
    """What to declare to give ``name(...)`` a meaning (for the undeclared-function message)."""
    function = f"`{name} \\text{{ a function}}` (or convex / concave)"
    density = f"`{name}(X, Z) \\text{{ a density}}`"
    if name.split("_")[0].lower() in ("p", "q", "r", "pi"):  # conventional names of densities
        return f"declare it as a density with {density}, or as a function with {function}"
    return f"declare it with {function}, or as a density with {density}"


# ---------------------------------------------------------------------------------------------
# hooks called from latex._Eval
# ---------------------------------------------------------------------------------------------

def _where(node: _Node) -> str:
    return f"line {node.pos[0]}, column {node.pos[1]}"


def _abstract(ev: _Eval) -> AbstractScope | None:
    return getattr(ev.scope, "abstract", None)


def _argument(ev: _Eval, node: _Node, what: str) -> tuple[str, sp.Expr]:
    """(variable, value) of a density argument: ``z`` is Z at its outcome z, and a draw ``z_1`` bound by
    ``\\mathbb{E}_{z_1 \\sim q(z)}`` is Z at the value z_1."""
    abstract = _abstract(ev)
    drawn = abstract.drawn.get(getattr(node, "full", None)) if abstract is not None else None
    if drawn is not None:
        return drawn
    other = abstract.other_values.get(getattr(node, "full", None)) if abstract is not None else None
    if other is not None and other in abstract.variables() and not getattr(node, "font", ""):
        return other, outcome(node.full)  # a second outcome w of Z (an outcome symbol, as the catalog's)
    key = _variable_key(ev, node, what)
    return key, abstract.outcome_of(key)


def _variable_key(ev: _Eval, node: _Node, what: str) -> str:
    from .latex import _Name

    abstract = _abstract(ev)
    key = abstract.key_of(node.full) if isinstance(node, _Name) and abstract is not None else None
    if key is None:
        raise _unsupported(f"{what} at {_where(node)} must be a declared variable "
                           f"(declare it through a density, e.g. `p(X, Z) \\text{{ densities}}`)")
    return key


def value_of_name(ev: _Eval, node: _Node) -> sp.Expr | None:
    """A declared variable used as a number: its real value ``RandomValue(X, x, x)``."""
    abstract = _abstract(ev)
    if abstract is None:
        return None
    if node.full in abstract.other_values:
        raise _unsupported(f"{node.full} at {_where(node)} is declared a value of "
                           f"{abstract.other_values[node.full].upper()}: it is only a density's argument")
    key = abstract.key_of(node.full)
    if key is None:
        return None
    return RandomValue(key.upper(), key, abstract.outcome_of(key))


def apply(ev: _Eval, node: _Apply) -> sp.Expr | None:
    """``p(X, Z)``, ``p(Z | X)`` of a declared density, ``f(t)`` of a declared function; else None."""
    abstract = _abstract(ev)
    if abstract is None:
        return None
    name = node.head.full
    if name in abstract.values:
        return _random_value(abstract, node, name)
    if name in abstract.functions:
        if len(node.paren.args) != 1:
            raise _unsupported(f"the function {name} takes one argument ({_where(node)})")
        return FunctionValue(abstract.functions[name], ev.value(node.paren.args[0]))
    if name not in abstract.densities:
        return None
    outcomes, given = _density_arguments(ev, node)
    joint = abstract.joints()[name]
    try:
        return Density(joint.name, outcomes, given)
    except TypeError as exc:
        raise _unsupported(f"{name}(...) at {_where(node)}: {exc}") from None


def _random_value(abstract: AbstractScope, node: _Apply, name: str) -> sp.Expr:
    """``g(z)`` of a declared random value g(Z): only at the outcome of Z itself, so that the value is
    the catalog's ``RandomValue(g, z, z)`` and never a value at an expression."""
    from .latex import _Name

    key = abstract.values[name]
    args = node.paren.args
    if len(args) != 1 or not isinstance(args[0], _Name) or abstract.key_of(args[0].full) != key:
        raise _unsupported(f"{name} is declared a random value of {key.upper()}: write {name}({key}) "
                           f"({_where(node)})")
    return RandomValue(name, key, abstract.outcome_of(key))


def _density_arguments(ev: _Eval, node: _Apply) -> tuple[list[tuple[str, sp.Expr]], list[tuple[str, sp.Expr]]]:
    """The (variable, value) pairs of ``p(X, Z)`` / ``p(Z | X)``: the outcomes, then the given ones."""
    abstract = _abstract(ev)
    name = node.head.full
    seps = node.paren.seps
    if any(s not in ("COMMA", "MIDBAR") for s in seps) or seps.count("MIDBAR") > 1:
        raise _unsupported(f"{name}(...) at {_where(node)}: write {name}(X, Z) or {name}(X | Z)")
    cut = seps.index("MIDBAR") + 1 if "MIDBAR" in seps else len(node.paren.args)
    pairs = [_argument(ev, a, f"the argument of {name}") for a in node.paren.args]
    declared = abstract.densities[name]
    for key, _ in pairs:
        if key not in declared:
            raise _unsupported(f"{name} is declared over {', '.join(v.upper() for v in declared)}, not "
                               f"{key.upper()} ({_where(node)})")
    return pairs[:cut], pairs[cut:]


def law(ev: _Eval, node: _Node) -> Law | None:
    """A declared density in a law position: ``q`` (one variable), ``q(Z)``, ``p(Z | X)``; else None."""
    from .latex import _Apply, _Name

    abstract = _abstract(ev)
    if abstract is None:
        return None
    halves = _mixture_halves(node)
    if halves is not None:
        first, second = law(ev, halves[0]), law(ev, halves[1])
        if first is None or second is None:
            return None
        try:
            return MixtureLaw(first, second)
        except TypeError as exc:
            raise _unsupported(f"the mixture at {_where(node)}: {exc}") from None
    if isinstance(node, _Name) and node.full in abstract.densities:
        declared = abstract.densities[node.full]
        if len(declared) != 1:
            raise _unsupported(f"{node.full} is a density over {', '.join(v.upper() for v in declared)}; "
                               f"as a law it needs one variable: write {node.full}(Z | X) or a density of one variable")
        return abstract.joints()[node.full].law(abstract.outcome_of(declared[0]))
    if isinstance(node, _Apply) and node.head.full in abstract.densities:
        outcomes, given = _density_arguments(ev, node)
        if len(outcomes) != 1:
            raise _unsupported(f"a law covers one variable; {node.head.full}(...) at {_where(node)} has "
                               f"{len(outcomes)}")
        (key, value), = outcomes
        if value != abstract.outcome_of(key):
            raise _unsupported(f"a law is of a variable, not of the draw {value} ({_where(node)})")
        joint = abstract.joints()[node.head.full]
        return joint.law(value, given=dict(given) or None)
    return None


def _mixture_halves(node: _Node) -> tuple[_Node, _Node] | None:
    r"""``\tfrac{1}{2}(p + q)`` (as ``infoproofs latex`` prints ``MixtureLaw``): the two laws, else None."""
    from .latex import _Bin, _Num, _Paren, _Prod, _Sum

    if not isinstance(node, _Prod) or len(node.factors) != 2 or node.ops != ["*", "*"]:
        return None
    half, paren = node.factors
    if not (isinstance(half, _Bin) and half.op == "/" and isinstance(half.left, _Num) and half.left.value == 1
            and isinstance(half.right, _Num) and half.right.value == 2):
        return None
    if not isinstance(paren, _Paren) or paren.square or paren.seps or not isinstance(paren.args[0], _Sum):
        return None
    terms = paren.args[0].terms
    if len(terms) != 2 or any(sign != 1 for sign, _ in terms):
        return None
    return terms[0][1], terms[1][1]


def jsd(ev: _Eval, node: _Apply) -> sp.Expr:
    r"""``\mathrm{JSD}(p \| q)`` of two declared laws of one variable (as ``infoproofs latex`` prints it)."""
    args, seps = node.paren.args, node.paren.seps
    laws = [law(ev, a) for a in args] if len(args) == 2 and seps in (["MIDNORM"], ["COMMA"]) else []
    if len(laws) != 2 or None in laws:
        raise _unsupported(rf"JSD at {_where(node)} takes two declared densities: \mathrm{{JSD}}(p(x) \| q(x))")
    try:
        return JSD(laws[0], laws[1])
    except TypeError as exc:
        raise _unsupported(f"JSD at {_where(node)}: {exc}") from None


def expectation(ev: _Eval, node: _Func) -> sp.Expr | None:
    r"""``\mathbb{E}_q[...]``, ``\mathbb{E}_{z \sim q}[...]`` over a declared density, ``\mathbb{E}(X)``; else None."""
    from .latex import _Name, _ScriptRel

    abstract = _abstract(ev)
    if abstract is None:
        return None
    sub = node.sub
    if isinstance(sub, _ScriptRel) and sub.op == "~" and isinstance(sub.left, _Name):
        found = law(ev, sub.right)
        if found is None:
            return None
        if abstract.key_of(sub.left.full) != found.label.name:
            return _draw_expectation(ev, node, sub.left, found)
        return E(ev.value(node.arg), abstract.outcome_of(found.label.name), found)
    if sub is not None:
        found = law(ev, sub)
        if found is None:
            return None
        return E(ev.value(node.arg), abstract.outcome_of(found.label.name), found)
    body = ev.value(node.arg)
    labels = sorted({r.label.name for r in body.atoms(RandomValue)})
    if not labels:
        return None
    if len(labels) > 1:
        raise _unsupported(f"E(...) at {_where(node)} over several variables ({', '.join(labels)}): write "
                           f"\\mathbb{{E}}_q[...] with the law")
    found = abstract.law_of(labels[0], f"E(...) at {_where(node)}")
    return E(body, abstract.outcome_of(labels[0]), found)


def _draw_expectation(ev: _Eval, node: _Func, bound: _Node, found: Law) -> sp.Expr:
    r"""``\mathbb{E}_{z_1 \sim q(z)}[...]``: z_1 a draw of Z (an integer, as the catalog's IWAE writes it),
    bound while the body is read, so ``p(x, z_1)`` is p at Z = z_1.  Only a name that is not itself a declared
    variable nor already bound is a draw."""
    abstract = _abstract(ev)
    name = bound.full
    if abstract.key_of(name) is not None or name in abstract.drawn or bound.font or bound.primes:
        raise _unsupported(f"E_{{{name} \\sim ...}} at {_where(node)}: {name} is not the "
                           f"variable of the law ({found.label.name.upper()})")
    symbol = sp.Symbol(name, integer=True)
    abstract.drawn[name] = (found.label.name, symbol)
    ev.scope.bound.append({name: symbol})
    try:
        body = ev.value(node.arg)
    finally:
        ev.scope.bound.pop()
        del abstract.drawn[name]
    return E(body, symbol, found)


def support_size(ev: _Eval, node: _Node) -> sp.Expr | None:
    r"""``\left|\mathcal{X}\right|``: the size of the support of a declared variable X; else None."""
    from .latex import _Name

    abstract = _abstract(ev)
    if abstract is None or not isinstance(node, _Name) or node.font != "mathcal" or node.sub or node.primes:
        return None
    key = abstract.key_of(node.base)
    return SupportSize(key) if key is not None else None


def support_sum(ev: _Eval, node: _BigOp) -> sp.Expr | None:
    r"""``\int_Z body``, ``\sum_Z body``, ``\sum_{z \in Z} body``: a sum over the support of Z; else None."""
    from .latex import _Name, _ScriptRel

    abstract = _abstract(ev)
    sub = node.sub
    if node.sup is not None or abstract is None:
        return None
    if isinstance(sub, _Name):
        key = abstract.key_of(sub.full)
        bound = sub
    elif isinstance(sub, _ScriptRel) and sub.op == "~" and isinstance(sub.left, _Name) \
            and isinstance(sub.right, _Name):
        key = abstract.key_of(sub.right.full)
        bound = sub.left
        if key is not None and abstract.key_of(bound.full) not in (None, key):
            return None
    else:
        return None
    if key is None:
        return None
    symbol = abstract.outcome_of(key)
    # the bound name (x in \sum_{x \in X}) is the outcome symbol of X while the body is read
    ev.scope.bound.append({bound.full: symbol})
    try:
        body = ev.value(node.body)
    finally:
        ev.scope.bound.pop()
    return SumOver(body, symbol, key)


def entropy(ev: _Eval, node: _Apply) -> sp.Expr | None:
    """``H(Z)``, ``H(q)``, ``H(X | Z)``, ``H(X, Z)`` for declared variables and densities; else None."""
    from .latex import _Name

    abstract = _abstract(ev)
    if abstract is None:
        return None
    args, seps = node.paren.args, node.paren.seps
    if len(args) == 1:
        target = args[0]
        if isinstance(target, _Name) and target.full in abstract.densities or \
                getattr(getattr(target, "head", None), "full", None) in abstract.densities:
            return ShannonEntropy(law(ev, target))
        if isinstance(target, _Name) and abstract.key_of(target.full) is not None:
            key = abstract.key_of(target.full)
            return ShannonEntropy(abstract.law_of(key, f"H({target.full}) at {_where(node)}"))
        return None
    names = [a for a in args if isinstance(a, _Name) and abstract.key_of(a.full) is not None]
    if len(names) != len(args) or any(s not in ("COMMA", "MIDBAR") for s in seps) or seps.count("MIDBAR") > 1:
        return None
    keys = [abstract.key_of(a.full) for a in names]
    cut = seps.index("MIDBAR") + 1 if "MIDBAR" in seps else len(keys)
    joint = _family_having(abstract, node, keys, "H")
    symbols = [abstract.outcome_of(k) for k in keys]
    return FamilyEntropy(joint.name, tuple(symbols[:cut]), tuple(symbols[cut:]))


def _family_having(abstract: AbstractScope, node: _Apply, keys: list[str], letter: str) -> Joint:
    """The family of ``H_p(...)`` / ``I_p(...)``: the subscript's declared density, else the one declared
    density that has all of ``keys``; anything else is ambiguous or unknown (unsupported)."""
    sub = node.head.sub
    having = [n for n, vs in abstract.densities.items() if set(keys) <= set(vs) and (not sub or n == sub)]
    if len(having) != 1:
        named = f" named {sub}" if sub else ""
        raise _unsupported(f"{letter}(...) at {_where(node)}: {'no' if not having else 'more than one'} declared "
                           f"density{named} has all of {', '.join(k.upper() for k in keys)}")
    return abstract.joints()[having[0]]


def mutual_information(ev: _Eval, node: _Apply) -> sp.Expr | None:
    """``I(X; Z)``, ``I_p(X; Y, Z)``, ``I(X; Z | Y)`` for declared variables: ``MutualInfo`` of their family.

    Groups are separated by ``;``, variables in a group by commas, the condition follows ``|``; None (the
    Gaussian reading of ``I(X; Y)``) when an argument is not a declared variable.
    """
    from .latex import _Name

    abstract = _abstract(ev)
    if abstract is None:
        return None
    args, seps = node.paren.args, node.paren.seps
    if not all(isinstance(a, _Name) and abstract.key_of(a.full) is not None for a in args):
        return None
    groups: list[list[str]] = [[abstract.key_of(args[0].full)]]
    for sep, arg in zip(seps, args[1:]):
        if sep in ("SEMI", "MIDBAR"):
            groups.append([])
        elif sep != "COMMA":
            return None
        groups[-1].append(abstract.key_of(arg.full))
    if seps.count("SEMI") != 1 or seps.count("MIDBAR") > 1 or "MIDBAR" in seps[:seps.index("SEMI")]:
        raise _unsupported(f"I(...) at {_where(node)}: write I(X; Y) or I(X; Y | Z)")
    keys = [k for group in groups for k in group]
    if len(set(keys)) != len(keys):
        raise _unsupported(f"I(...) at {_where(node)}: a variable appears twice")
    joint = _family_having(abstract, node, keys, "I")
    symbols = [tuple(abstract.outcome_of(k) for k in group) for group in groups]
    return MutualInfo(joint.name, symbols[0], symbols[1], symbols[2] if len(symbols) > 2 else ())
