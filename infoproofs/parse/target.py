"""Read a derivation target written in plain notation into SymPy objects.

The grammar (``target.lark``) is our own; user text never reaches ``eval``
or ``sympify``.  Symbol domains are inferred from where a name appears: a
mean is real, a variance ``s^2`` makes ``s`` positive, a Bernoulli
parameter is a probability, ``I_d`` makes ``d`` a dimension.  A name used in
two roles gets the narrower domain.  The ``where`` clause declares random
variables (``Z ~ N(0, s^2 I_d)``) and constraints (``a < b``, ``s > 0``); the
constraints, and those the laws impose on their parameters (a < b for
Uniform(a, b)), become the derivation's assumptions.  Every mistake is a
``ParseError`` naming the column, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import lark
import sympy as sp

from ..notation import (
    KL,
    MI,
    Bernoulli,
    Categorical,
    CrossEntropy,
    DiffEntropy,
    Entropy,
    Exponential,
    IsoNormal,
    Laplace,
    Normal,
    RandomVariable,
    Uniform,
)
from ..notation.distributions import DISTRIBUTIONS
from ..notation.domains import DIMENSION, POSITIVE, PROBABILITY, REAL, Domain, declare
from ..notation.random_variables import random_variables_in

__all__ = ["ParseError", "parse_target", "parse_target_with_assumptions", "LAWS"]

_PARSER = lark.Lark(Path(__file__).with_name("target.lark").read_text(), parser="lalr", propagate_positions=True)

_FUNCS = {"log": sp.log, "ln": sp.log, "exp": sp.exp, "sqrt": sp.sqrt}

# law name -> (constructor, parameter roles); roles drive domain inference.
LAWS = {
    "N": (Normal, ("real", "variance")),
    "Normal": (Normal, ("real", "variance")),
    "Bernoulli": (Bernoulli, ("probability",)),
    "Bern": (Bernoulli, ("probability",)),
    "Laplace": (Laplace, ("real", "positive")),
    "Exponential": (Exponential, ("positive",)),
    "Exp": (Exponential, ("positive",)),
    "Uniform": (Uniform, ("real", "real")),
    "Categorical": (Categorical, None),
    "Cat": (Categorical, None),
}

# every other registered family, under its registered names, with the roles it declares
for _name, _cls in DISTRIBUTIONS.items():
    if _name not in LAWS and (_cls.param_roles is not None or getattr(_cls, "list_role", None)):
        LAWS[_name] = (_cls, _cls.param_roles)


def _list_role(cls: type) -> str | None:
    """The role of each entry of a law that takes one list of scalars (Dir(a1, a2, a3)), else None.

    Categorical predates the attribute: its entries are probabilities.
    """
    return "probability" if cls is Categorical else getattr(cls, "list_role", None)

_RANK = {"real": 0, "positive": 1, "probability": 2, "dimension": 3}
_ROLE_NAMES = {
    "N": "mean, variance", "Normal": "mean, variance", "Laplace": "location, scale", "Uniform": "low, high",
    "Exponential": "rate", "Exp": "rate", "Bernoulli": "p", "Bern": "p",
}
for _name, (_cls, _) in LAWS.items():
    _ROLE_NAMES.setdefault(_name, ", ".join(_cls.param_names))
_DOMAINS: dict[str, Domain] = {"real": REAL, "positive": POSITIVE, "probability": PROBABILITY, "dimension": DIMENSION}


class ParseError(ValueError):
    """Bad target text; the message shows the column and what was expected."""


def _roles(tree: lark.Tree, found: dict[str, str]) -> None:
    """Walk the tree once to decide each name's domain."""

    def note(name: str, role: str) -> None:
        if _RANK[role] > _RANK.get(found.get(name, "real"), 0) or name not in found:
            found[name] = role if _RANK[role] >= _RANK.get(found.get(name, "real"), 0) else found[name]

    for law in tree.find_data("law"):
        law_name = str(law.children[0])
        entry = LAWS.get(law_name)
        params = [c for c in law.children[1:] if isinstance(c, lark.Tree)]
        roles = entry[1] if entry and entry[1] else [(_list_role(entry[0]) if entry else None) or "probability"] * len(params)
        for param, role in zip(params, roles):
            expr = param.children[0]
            if len(param.children) > 1:
                note(str(param.children[1])[2:], "dimension")
            names = [str(t) for t in expr.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "NAME")]
            if role == "variance":
                for n in names:
                    note(n, "positive")
            elif role in ("positive", "probability"):
                for n in names:
                    note(n, role)
            else:
                for n in names:
                    note(n, "real")
    for token in tree.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "NAME"):
        found.setdefault(str(token), "real")


class _Build(lark.Transformer):
    def __init__(self, symbols: dict[str, sp.Basic], text: str = ""):
        super().__init__()
        self.symbols = symbols
        self.text = text

    def _at(self, meta, message: str) -> ParseError:
        column = getattr(meta, "column", None)
        if column is None:
            return ParseError(message)
        line = self.text.splitlines()[getattr(meta, "line", 1) - 1] if self.text else ""
        return ParseError(f"column {column}: {message}\n{line}\n{' ' * (column - 1)}^")

    def number(self, items):
        return sp.Rational(str(items[0]))

    def name(self, items):
        key = str(items[0])
        return self.symbols[key]

    def call(self, items):
        return _FUNCS[str(items[0])](items[1])

    def add(self, items):
        return items[0] + items[1]

    def sub(self, items):
        return items[0] - items[1]

    def mul(self, items):
        return items[0] * items[1]

    def div(self, items):
        return items[0] / items[1]

    def neg(self, items):
        return -items[0]

    def pow(self, items):
        return items[0] ** items[1]

    def param(self, items):
        return (items[0], str(items[1])[2:] if len(items) > 1 else None)

    @lark.v_args(meta=True)
    def law(self, meta, items):
        name = str(items[0])
        params = items[1:]
        if name not in LAWS:
            raise self._at(meta, f"unknown distribution or function {name!r}; known laws: {', '.join(sorted(LAWS))}")
        cls, roles = LAWS[name]
        if _list_role(cls) is not None:
            what = "probabilities" if cls is Categorical else "concentrations"
            if len(params) < getattr(cls, "list_minimum", 2):
                raise self._at(meta, f"{name} needs at least two {what}, got {len(params)}")
            if any(d is not None for _, d in params):
                raise self._at(meta, f"{name} takes its {what} listed; an identity I_d has no place there")
            try:
                return cls([p for p, _ in params])
            except (TypeError, ValueError) as exc:
                raise self._at(meta, f"{name}: {exc}") from None
        dims = [d for _, d in params if d is not None]
        if dims:
            if cls is not Normal or len(params) != 2 or params[0][1] is not None:
                raise self._at(meta, "an identity I_d may only follow the variance of N(mean, v I_d)")
            return IsoNormal(params[0][0], params[1][0], self.symbols[dims[0]])
        if roles is not None and len(params) != len(roles):
            raise self._at(meta, f"{name} takes {len(roles)} parameters ({_ROLE_NAMES.get(name, '')}), "
                                 f"got {len(params)}")
        try:
            return cls(*[p for p, _ in params])
        except (TypeError, ValueError) as exc:
            raise self._at(meta, f"{name}: {exc}") from None

    @lark.v_args(meta=True)
    def constraint(self, meta, items):
        relations = {"<": sp.StrictLessThan, "<=": sp.LessThan, ">": sp.StrictGreaterThan, ">=": sp.GreaterThan}
        found = []
        left = items[0]
        for op, right in zip(items[1::2], items[2::2]):
            relation = relations[str(op)](left, right)
            if relation is sp.false:
                raise self._at(meta, f"the constraint {left} {op} {right} can never hold")
            if relation is not sp.true:
                found.append(relation)
            left = right
        return found


def _law_params(symbols: dict[str, sp.Basic], rv_names: set[str]) -> set[str]:
    """Names that appear as parameters of a declared random variable's law."""
    found: set[str] = set()
    for name in rv_names:
        rv = symbols.get(name)
        if isinstance(rv, RandomVariable):
            found |= {str(s) for s in rv.distribution.free_symbols}
    return found


def parse_target(text: str) -> sp.Expr:
    """Parse a target such as ``"KL(N(mu1, s1^2) || N(mu2, s2^2))"`` into a functional."""
    return parse_target_with_assumptions(text)[0]


def _wrapped(build: _Build, tree):
    try:
        return build.transform(tree)
    except lark.exceptions.VisitError as exc:
        inner = exc.orig_exc
        if isinstance(inner, ParseError):
            raise inner from None
        raise ParseError(f"cannot build {_snippet(tree)}: {inner}") from None
    except KeyError as exc:
        raise ParseError(f"undeclared name {exc.args[0]!r}; declare random variables with 'where X ~ N(...)'") from None


def _snippet(tree) -> str:
    meta = getattr(tree, "meta", None)
    return f"the part at column {meta.column}" if meta is not None and getattr(meta, "column", None) else "the target"


def _check_dimensions(target: sp.Expr, text: str) -> None:
    """Random variables added together must have the same dimension (Z ~ N(0, s^2 I_d) with N ~ ... I_k)."""
    for add in target.atoms(sp.Add) | ({target} if isinstance(target, sp.Add) else set()):
        variables = random_variables_in(add)
        dims = {v.name: sp.sympify(v.distribution.dim) for v in variables}
        if len(set(dims.values())) > 1:
            shown = ", ".join(f"{name} has dimension {dim}" for name, dim in sorted(dims.items()))
            raise ParseError(f"{add} adds random variables of different dimensions: {shown}")


def parse_target_with_assumptions(text: str) -> tuple[sp.Expr, list[sp.Basic]]:
    """The target and the assumptions it carries: the ``where`` constraints and the laws' own constraints."""
    if len(text) > 10_000:
        raise ParseError(f"the target is {len(text)} characters long; at most 10000 are read")
    try:
        tree = _PARSER.parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        context = exc.get_context(text).rstrip()
        raise ParseError(f"cannot read the target at column {exc.column}:\n{context}") from None
    roles: dict[str, str] = {}
    _roles(tree, roles)
    decls = list(tree.find_data("decl"))
    rv_names = {str(d.children[0]) for d in decls}
    symbols: dict[str, sp.Basic] = {}
    for name, role in roles.items():
        if name in rv_names or name in LAWS:
            continue
        try:
            symbols[name] = declare(name, _DOMAINS[role])
        except ValueError as exc:
            raise ParseError(str(exc)) from None
    builder = _Build(symbols, text)
    for decl in decls:
        law = _wrapped(builder, decl.children[1])
        symbols[str(decl.children[0])] = RandomVariable(str(decl.children[0]), law)
    assumptions: list[sp.Basic] = []
    for constraint in tree.find_data("constraint"):
        assumptions += _wrapped(builder, constraint)
    target_tree = tree.children[0]
    target_kind = target_tree.data
    args = [_wrapped(builder, c) if isinstance(c, lark.Tree) else symbols.get(str(c)) for c in target_tree.children]
    if target_kind in ("mutual_information", "diff_entropy"):
        for arg in args:
            if isinstance(arg, sp.Expr):
                stray = sorted(str(s) for s in arg.free_symbols - set().union(*[v.free_symbols for v in arg.atoms(RandomVariable)] or [set()]))
                stray = [s for s in stray if s not in rv_names and s in roles and s not in _law_params(symbols, rv_names)]
                if stray:
                    raise ParseError(
                        f"{', '.join(stray)} is not a declared random variable; add 'where {stray[0]} ~ N(...)'"
                    )
                _check_dimensions(arg, text)
    try:
        if target_kind == "kl":
            target = KL(*args)
        elif target_kind == "cross_entropy":
            target = CrossEntropy(*args)
        elif target_kind == "entropy":
            target = Entropy(*args)
        elif target_kind == "diff_entropy":
            target = DiffEntropy(*args)
        elif target_kind == "mutual_information":
            target = MI(*args)
        else:
            raise ParseError(f"unsupported target {target_kind}")
    except TypeError as exc:
        raise ParseError(str(exc)) from None
    return target, assumptions + law_constraints(target)


def law_constraints(expr: sp.Basic) -> list[sp.Basic]:
    """The parameter constraints of every law in ``expr`` that the symbols' domains do not already imply."""
    from ..notation.distributions import Distribution

    found: list[sp.Basic] = []
    laws = [a for a in sp.preorder_traversal(expr) if isinstance(a, Distribution)]
    for v in expr.atoms(RandomVariable):
        laws.append(v.distribution)
    for law in laws:
        for c in law.constraints():
            if c is sp.true or isinstance(c, sp.Equality) or c in found:
                continue
            found.append(c)
    return found
