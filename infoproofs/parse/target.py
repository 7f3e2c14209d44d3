"""Read a derivation target written in plain notation into SymPy objects.

The grammar (``target.lark``) is our own; user text never reaches ``eval``
or ``sympify``.  Symbol domains are inferred from where a name appears: a
mean is real, a variance ``s^2`` makes ``s`` positive, a Bernoulli
parameter is a probability, ``I_d`` makes ``d`` a dimension.  A name used in
two roles gets the narrower domain.
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
from ..notation.domains import DIMENSION, POSITIVE, PROBABILITY, REAL, Domain, declare

__all__ = ["ParseError", "parse_target", "LAWS"]

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

_RANK = {"real": 0, "positive": 1, "probability": 2, "dimension": 3}
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
        roles = entry[1] if entry and entry[1] else ["probability"] * len(params)
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
    def __init__(self, symbols: dict[str, sp.Basic]):
        super().__init__()
        self.symbols = symbols

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

    def law(self, items):
        name = str(items[0])
        params = items[1:]
        if name not in LAWS:
            raise ParseError(f"unknown distribution {name!r}; known: {', '.join(sorted(LAWS))}")
        cls, roles = LAWS[name]
        if cls is Categorical:
            return Categorical([p for p, _ in params])
        dims = [d for _, d in params if d is not None]
        if dims:
            if cls is not Normal or len(params) != 2 or params[0][1] is not None:
                raise ParseError("an identity I_d may only follow the variance of N(mean, v I_d)")
            return IsoNormal(params[0][0], params[1][0], self.symbols[dims[0]])
        if roles is not None and len(params) != len(roles):
            raise ParseError(f"{name} takes {len(roles)} parameters, got {len(params)}")
        return cls(*[p for p, _ in params])


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
    builder = _Build(symbols)
    for decl in decls:
        law = builder.transform(decl.children[1])
        symbols[str(decl.children[0])] = RandomVariable(str(decl.children[0]), law)
    target_tree = tree.children[0]
    try:
        target_kind = target_tree.data
        args = [builder.transform(c) if isinstance(c, lark.Tree) else symbols.get(str(c)) for c in target_tree.children]
    except lark.exceptions.VisitError as exc:
        inner = exc.orig_exc
        if isinstance(inner, ParseError):
            raise inner from None
        raise ParseError(f"cannot build the target: {inner}") from None
    except KeyError as exc:
        raise ParseError(f"undeclared name {exc.args[0]!r}; declare random variables with 'where X ~ N(...)'") from None
    if target_kind in ("mutual_information", "diff_entropy"):
        for arg in args:
            if isinstance(arg, sp.Expr):
                stray = sorted(str(s) for s in arg.free_symbols - set().union(*[v.free_symbols for v in arg.atoms(RandomVariable)] or [set()]))
                stray = [s for s in stray if s not in rv_names and s in roles and s not in _law_params(symbols, rv_names)]
                if stray:
                    raise ParseError(
                        f"{', '.join(stray)} is not a declared random variable; add 'where {stray[0]} ~ N(...)'"
                    )
    try:
        if target_kind == "kl":
            return KL(*args)
        if target_kind == "cross_entropy":
            return CrossEntropy(*args)
        if target_kind == "entropy":
            return Entropy(*args)
        if target_kind == "diff_entropy":
            return DiffEntropy(*args)
        if target_kind == "mutual_information":
            return MI(*args)
    except TypeError as exc:
        raise ParseError(str(exc)) from None
    raise ParseError(f"unsupported target {target_kind}")
