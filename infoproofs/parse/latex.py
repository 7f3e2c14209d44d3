r"""Read one LaTeX display block (a chain ``A = B \le C``) into SymPy and infoproofs objects.

Why three passes.  LaTeX does not say where the argument of ``\log`` ends,
whether ``p(x)`` is a product or a density, or which domain ``\sigma`` has;
all of these depend on the rest of the block.  So:

1. ``latex.lark`` (LALR, linear time) gives the structure: sums, products of
   juxtaposed factors, scripts and delimiters.  A post-lexer decides whether a
   bar ``|`` / ``\|`` opens, closes or separates (``|a-b|`` versus ``H(X|Y)``,
   ``D(p\|q)``).  The transformer turns the tree into a small AST of
   ``_Node`` objects, folding each product with the conventions below.
2. A walk over the AST finds each name's role (a variance makes a name
   positive, a Bernoulli parameter a probability, the ``d`` of ``I_d`` a
   dimension), exactly as ``target.py`` does for plain notation.
3. The AST is evaluated into SymPy with the declarations in scope.  Nothing
   in the user's text ever reaches ``eval``, ``exec`` or ``sympify``.

Conventions (each one is a choice, written down so that a reader can predict
what a formula means):

* An unparenthesised argument of a function macro (``\log``, ``\exp``,
  ``\det``, ...) extends over the following juxtaposed factors, up to the
  next function macro or explicit operator (``\cdot``, ``\times``, ``/``,
  ``+``, ``-``): ``\log 2\pi e\sigma^2`` is ``log(2 pi e sigma^2)``,
  ``\log x \log y`` is ``log(x) log(y)``, ``\log(2) x`` is ``log(2) x``.
* ``\sum``, ``\prod`` and ``\int`` take the rest of the product as body
  (``\sum_j a_j + b`` is ``(sum_j a_j) + b``).
* ``name(args)``: a law, a declared law or random variable, or a known
  function (``KL``, ``H``, ``h``, ``I``, ``\Gamma``, ``\psi``, ``\max``...) is
  applied.  A single Latin letter that is none of these is an undeclared
  function (``LatexUnsupported``) unless the same name also appears in the
  block as a plain value (``p(1-p)`` is a product because ``p`` is used as a
  number).  Any other name (``\sigma(1+x)``) multiplies.
* A bare ``\log`` is natural unless ``log_base`` says otherwise; ``\ln`` is
  always natural and ``\lg`` base 2.  ``e`` is Euler's number unless
  declared; ``\gamma`` is Euler's constant only when declared so.
* Inside ``\sum_{j=1}^{d}``, a name subscripted by the index is a vector
  entry: ``\mu_j``, ``\sigma_j`` of a declared ``q = \mathcal N(\mu,
  \mathrm{diag}(\sigma^2))`` are entries of its mean and variance vectors,
  and an undeclared ``x_i`` is entry i of a real vector x (positive for the
  conventionally positive names) of the sum's length; entries count from 0,
  as in the catalog, so the sum is re-indexed to ``j = 0 .. d - 1``.
* A bar ``|`` after an operand closes the open bar of its kind; directly
  inside ``(...)`` or ``[...]`` with none open it separates
  (``H(X|Y)``, ``D(p \| q)``); anywhere else it opens.
* Undeclared symbols get conventional domains (``sigma``, ``s``, ``t``,
  ``tau``, ``beta``, ``lambda``, ``alpha``, ``b`` positive; ``d``, ``n``,
  ``N``, ``K``, ``T`` positive integers; ``p`` a probability; the rest real),
  narrowed by their role in a law (a variance is positive), and every one
  used is reported in ``ParsedChain.defaults``.

* Laws are read by the spellings their classes declare (``latex_names`` and
  the rendered ``latex_name`` of every registered family: ``\mathrm{Gamma}(a,
  b)``, ``\mathrm{Pois}(\lambda)``, ``\chi^2(k)``), besides the classic ones;
  a spelling two families claim is refused, and ``\Gamma``, ``\mathrm{\Gamma}``
  are always the Gamma function.
* ``\log\Gamma(x)`` ends at its parenthesis and is ``loggamma(x)`` where x > 0
  is known (also for x ranging over a law's support inside an expectation);
  ``\psi^{(n)}(x)`` is the polygamma function, ``\Gamma^{k}(x)`` the power of
  the value; ``k!`` and ``\binom{n}{k}`` are the factorial and the binomial.
* ``(m_1, m_2)^\top`` with ``\operatorname{diag}(v_1, v_2)`` is a diagonal
  normal, a ``smallmatrix`` / ``pmatrix`` mean and covariance a full-covariance
  normal, ``\mathbb{E}_{(x_1, x_2) \sim \mathcal{N}(...)}`` an expectation over
  its points; ``(\sigma_2)_j`` is entry j of the vector ``\sigma_2``.  A sum's
  index is a non-negative integer when its start is non-negative.

Every failure is a ``LatexParseError`` (the text does not parse) or a
``LatexUnsupported`` (it parses, but has no meaning here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import lark
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from ..derivation import Relation
from ..notation import (
    KL,
    MI,
    CondDiffEntropy,
    CrossEntropy,
    DiffEntropy,
    Distribution,
    E,
    Entropy,
    IsoNormal,
    LogDensity,
    Normal,
    RandomVariable,
)
from ..notation.distributions import DISTRIBUTIONS, Categorical
from ..notation.domains import DIMENSION, POSITIVE, PROBABILITY, REAL, ROLE_DOMAINS, Domain, declare
from . import latex_abstract as _abstract
from .target import LAWS, law_constraints

__all__ = ["LatexParseError", "LatexUnsupported", "ParsedChain", "parse_chain"]

MAX_CHARS = 20_000
MAX_DEPTH = 60
MAX_DIGITS = 200


class LatexParseError(ValueError):
    """The block does not parse; says where (line and column within the block) and what was expected."""

    def __init__(self, message: str, line: int = 1, column: int = 1, token: str = "",
                 expected: Sequence[str] = ()):
        self.line, self.column, self.token, self.expected = line, column, token, list(expected)
        self.bare = message
        super().__init__(f"line {line}, column {column}: {message}")


class LatexUnsupported(ValueError):
    """The block parses, but a part of it has no meaning here (an undeclared function, an unknown macro)."""


@dataclass
class ParsedChain:
    """The chain ``sides[0] relations[0] sides[1] ...`` with the step hints and what was assumed."""

    sides: list[sp.Expr]
    relations: list[Relation]
    hints: list[str]
    assumptions: list[sp.Basic]
    defaults: dict[str, str]


# ---------------------------------------------------------------------------------------------
# AST built by the transformer (pass 1)
# ---------------------------------------------------------------------------------------------

@dataclass
class _Node:
    pos: tuple[int, int] = field(default=(1, 1), kw_only=True)


@dataclass
class _Num(_Node):
    value: sp.Rational


@dataclass
class _Name(_Node):
    base: str
    font: str = ""
    sub: str = ""
    primes: int = 0
    latin: bool = False  # a single Latin letter (a candidate undeclared function)
    raw_sub: object = None  # E_{x \sim p}: the subscript of a plain E, in case it is an expectation

    @property
    def full(self) -> str:
        name = self.base + (f"_{self.sub}" if self.sub else "") + "_prime" * self.primes
        return name


@dataclass
class _Bin(_Node):
    op: str
    left: _Node
    right: _Node


@dataclass
class _Sum(_Node):
    terms: list[tuple[int, _Node]]


@dataclass
class _Prod(_Node):
    """Juxtaposed or explicit factors: ops[k] ('*' or '/') joins factors[k] to what precedes it."""

    factors: list[_Node]
    ops: list[str]


@dataclass
class _Paren(_Node):
    """(a, b), [a], (p \\| q): the items and the separators' token types (COMMA, SEMI, MIDBAR, MIDNORM)."""

    args: list[_Node]
    seps: list[str]
    square: bool = False


@dataclass
class _Abs(_Node):
    arg: _Node
    norm: bool = False


@dataclass
class _Apply(_Node):
    head: _Name
    paren: _Paren


@dataclass
class _PowApply(_Node):
    """``g(z)^{2}``: a name, a round parenthesis and a power; the power binds the parenthesis alone in the
    grammar, so this is the application raised to it when ``g`` is a declared density, random value or
    function, and ``g`` times the power of the parenthesis otherwise (the reading before such declarations)."""

    apply: _Apply
    power: _Node


@dataclass
class _LawAt(_Node):
    r"""A law's density at a point: ``\mathcal{N}(\mu, \sigma^2)\!\left(x\right)``, as ``infoproofs latex`` prints it."""

    law: _Apply
    at: _Paren


@dataclass
class _Vector(_Node):
    """``(m_1, m_2, m_3)^\\top``: an explicit column vector (read only as the mean of a diagonal normal)."""

    items: list[_Node]


@dataclass
class _Func(_Node):
    name: str
    arg: _Node
    sub: object = None
    sup: _Node | None = None


@dataclass
class _BigOp(_Node):
    kind: str
    body: _Node
    sub: object = None
    sup: _Node | None = None
    var: _Name | None = None


@dataclass
class _Root(_Node):
    arg: _Node
    index: _Node | None = None


@dataclass
class _Special(_Node):
    """A constant or a bare macro value: pi, oo, the identity I."""

    what: str


@dataclass
class _Head(_Node):
    """A function-like macro waiting for its argument while a product is folded."""

    kind: str
    name: str
    sub: object = None
    sup: _Node | None = None


@dataclass
class _ScriptRel(_Node):
    op: str
    left: _Node | None
    right: _Node


@dataclass
class _Op(_Node):
    op: str


# ---------------------------------------------------------------------------------------------
# macro registry
# ---------------------------------------------------------------------------------------------

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi",
    "varphi", "chi", "omega", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega", "ell", "Pi",
}
# macro -> head kind: functions take the next factor(s), big operators the rest of the product.
_HEADS: dict[str, str] = {
    "log": "func", "ln": "func", "lg": "func", "exp": "func", "det": "func", "tr": "func", "sin": "func",
    "cos": "func", "tanh": "func", "sum": "bigop", "prod": "bigop", "int": "int", "max": "maxmin",
    "min": "maxmin", "sup": "maxmin", "inf": "maxmin",
}
_CONSTANTS: dict[str, sp.Basic] = {"pi": sp.pi, "infty": sp.oo}
# names written with a font: (font, name) -> meaning
_FONT_NAMES: dict[tuple[str, str], str] = {
    ("mathbb", "E"): "E", ("mathrm", "E"): "E", ("operatorname", "E"): "E",
    ("mathrm", "tr"): "tr", ("mathrm", "Tr"): "tr", ("operatorname", "tr"): "tr", ("operatorname", "Tr"): "tr",
    ("mathrm", "det"): "det", ("operatorname", "det"): "det",
    ("mathrm", "diag"): "diag", ("operatorname", "diag"): "diag",
    ("mathrm", "d"): "d",
}
_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde", "widetilde": "tilde",
            "check": "check", "dot": "dot"}
# LaTeX spellings of the classic laws -> the key of target.LAWS (the families registered later declare
# their own spellings, ``Distribution.latex_names``, and are added from the registry below)
_CLASSIC_ALIASES: dict[str, str] = {
    "mathcal:N": "N", "N": "N", "Normal": "Normal", "mathrm:Ber": "Bern", "Ber": "Bern", "mathrm:Bern": "Bern",
    "Bern": "Bern", "mathrm:Bernoulli": "Bernoulli", "Bernoulli": "Bernoulli", "mathrm:Lap": "Laplace",
    "Lap": "Laplace", "mathrm:Laplace": "Laplace", "Laplace": "Laplace", "mathrm:Exp": "Exp", "Exp": "Exp",
    "mathrm:Exponential": "Exponential", "mathcal:U": "Uniform", "mathrm:U": "Uniform", "mathrm:Unif": "Uniform",
    "Unif": "Uniform", "Uniform": "Uniform", "mathrm:Uniform": "Uniform", "mathrm:Cat": "Cat", "Cat": "Cat",
    "Categorical": "Categorical", "mathrm:Categorical": "Categorical", "operatorname:Cat": "Cat",
    "operatorname:Ber": "Bern", "operatorname:Unif": "Uniform", "operatorname:Lap": "Laplace",
}
_KL_NAMES = {"KL", "mathrm:KL", "operatorname:KL", "D_KL", "D_mathrmKL", "D_textKL", "D", "mathrm:D"}
# spellings the reader gives another meaning: a family may not take them (\mathrm{E} is an expectation,
# D(p \| q) a divergence, \mathrm{d} a differential)
_RESERVED_SPELLINGS = (_KL_NAMES | {f"{font}:{name}" for font, name in _FONT_NAMES}
                       | {"H", "h", "I", "E", "Var", "Tr", "tr", "diag", "JSD", "mathrm:JSD", "operatorname:JSD",
                          "operatorname:matrix"})


def _spelling(latex_name: str) -> str | None:
    r"""The reader's key of a rendered law name: ``\mathrm{Gamma}`` -> ``mathrm:Gamma``; None if not of that form."""
    text = latex_name.strip()
    power = re.fullmatch(r"\\([A-Za-z]+)\s*\^\s*(?:\{\s*([0-9]+)\s*\}|([0-9]))", text)
    if power is not None:  # \chi^2: a macro with a power (read by _powered_law_name)
        return f"{power.group(1)}^{power.group(2) or power.group(3)}"
    match = re.fullmatch(r"\\([A-Za-z]+)\s*\{\s*([A-Za-z]+[0-9]*)\s*\}|([A-Za-z]+)", text)
    if match is None:
        return None
    return f"{match.group(1)}:{match.group(2)}" if match.group(1) else match.group(3)


def _takeable(spelling: str | None) -> bool:
    """A family may take a font spelling, a macro power (chi^2) or a bare word of two or more letters."""
    if spelling is None or spelling in _RESERVED_SPELLINGS:
        return False
    return ":" in spelling or "^" in spelling or (spelling.isalpha() and len(spelling) >= 2)


def _laws_key(cls: type) -> str | None:
    """The first key of target.LAWS that builds ``cls`` (None for laws the plain notation cannot build)."""
    return next((key for key, (law, _roles) in LAWS.items() if law is cls), None)


def _law_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """(spelling -> LAWS key, spelling -> why it is refused), from the classic table and the registry.

    Why from the registry: a family added in ``notation/laws_*.py`` declares its
    spellings (``latex_names``) and its rendered name (``latex_name``) once, and
    the reader knows it without a second list to keep in step.  Two rules keep
    the reading sound: a spelling claimed by two different families is refused
    (``LatexUnsupported``), never given to the first one; and a spelling the
    reader already gives another meaning (the expectation, the Beta function,
    a divergence), or a bare single letter (a variable in most papers), is not
    taken by a family at all.  ``\\Gamma`` is a macro, not a spelling, so it stays
    the Gamma function whatever the Gamma law declares.
    """
    aliases = dict(_CLASSIC_ALIASES)
    refused: dict[str, str] = {}
    owner = {spelling: LAWS[key][0] for spelling, key in aliases.items()}
    for cls in dict.fromkeys(DISTRIBUTIONS.values()):
        key = _laws_key(cls)
        if key is None:
            continue
        for spelling in (*cls.latex_names, _spelling(cls.latex_name)):
            if not _takeable(spelling):
                continue
            if owner.setdefault(spelling, cls) is not cls:
                refused[spelling] = f"{owner[spelling].__name__} and {cls.__name__}"
                continue
            aliases.setdefault(spelling, key)
    for spelling in refused:
        aliases.pop(spelling, None)
    return aliases, refused


_LAW_ALIASES, _AMBIGUOUS_LAWS = _law_aliases()
# multi-letter words kept whole (anything else is a product of letters: "dx" is d x)
_WORDS = {key for key in (*_LAW_ALIASES, *_AMBIGUOUS_LAWS) if ":" not in key} | {"KL", "Var", "Tr", "tr", "diag"}

_DEFAULT_POSITIVE = {"sigma", "s", "t", "tau", "beta", "lambda", "alpha", "b"}
_DEFAULT_DIMENSION = {"d", "n", "N", "K", "T"}
_DEFAULT_REAL = {"mu", "m", "x", "y"}
_RANK = {"real": 0, "positive": 1, "probability": 2, "dimension": 3}
_WORD_OF = {"real": "real", "positive": "positive", "probability": "probability", "dimension": "positive integer"}
_RELATIONS = {"=": Relation.EQ, "<": Relation.LT, ">": Relation.GT, "\\le": Relation.LE, "\\leq": Relation.LE,
              "\\leqslant": Relation.LE, "\\ge": Relation.GE, "\\geq": Relation.GE, "\\geqslant": Relation.GE}
_NICE = {
    "RBRACE": "'}'", "LBRACE": "'{'", "RPAR": "')'", "LPAR": "'('", "RBRACK": "']'", "LBRACK": "'['",
    "REL": "a relation (=, \\le, \\ge, <, >)", "NUMBER": "a number", "WORD": "a letter", "MACRO": "a macro",
    "FONT": "a name such as \\mathcal{N}", "RBAR": "'|'", "LBAR": "'|'", "RNORM": "'\\|'", "COMMA": "','",
    "PLUS": "'+'", "MINUS": "'-'", "MULOP": "\\cdot", "$END": "the end of the block", "HINT": "\\text{...}",
    "SIM": "\\sim", "IN": "\\in", "SEMI": "';'", "PERIOD": "'.'", "FRAC": "\\frac", "FRAC1": "\\frac",
    "FRAC2": "\\frac", "SQRT": "\\sqrt", "BINOM": "\\binom", "BANG": "'!'", "LNORM": "'\\|'", "MIDBAR": "'|'", "MIDNORM": "'\\|'", "SUBTOK": "'_'",
    "SUPTOK": "'^'", "UNDERSCORE": "'_'", "CIRCUMFLEX": "'^'", "PRIME": "\"'\"",
}


def _font_key(node: _Name) -> str:
    return f"{node.font}:{node.base}" if node.font else node.base


def _law_key(node: _Name) -> str | None:
    """The target.LAWS key of a law's name, None for any other name; a spelling two families claim is refused."""
    key = _font_key(node)
    if key in _AMBIGUOUS_LAWS:
        raise LatexUnsupported(f"{key.replace(':', ' ')} names two laws ({_AMBIGUOUS_LAWS[key]}); "
                               "write the law's own name")
    return _LAW_ALIASES.get(key)


# ---------------------------------------------------------------------------------------------
# post-lexer: what a bar means
# ---------------------------------------------------------------------------------------------

_ENDS_OPERAND = {"NUMBER", "WORD", "RPAR", "RBRACK", "RBRACE", "RBAR", "RNORM", "PRIME", "SUBTOK", "SUPTOK",
                 "FRAC2"}
_OPENS = {"LPAR", "LBRACK", "LBRACE"}
_CLOSES = {"RPAR", "RBRACK", "RBRACE"}


class _Bars:
    """Turn each bar into an opener, a closer or a separator, from what comes before it.

    A bar closes the innermost open bar of its kind at the same bracket depth
    when it follows an operand; it opens when it follows an operator or an
    opening delimiter; otherwise it separates (``H(X|Y)``, ``D(p \\| q)``).
    """

    always_accept = ("BAR", "NORMBAR")

    def process(self, stream: Iterator[lark.Token]) -> Iterator[lark.Token]:
        stack, previous, delimiters = [], None, []
        head = _HeadScripts()
        for tok in stream:
            kind = tok.type
            if kind in _OPENS:
                delimiters.append(kind)
            elif kind in _CLOSES and delimiters:
                delimiters.pop()
            depth = len(delimiters)
            if kind in ("BAR", "NORMBAR"):
                in_args = bool(delimiters) and delimiters[-1] in ("LPAR", "LBRACK")
                tok = self._classify(tok, depth, stack, None if head.active else previous, in_args)
            elif kind in ("LBAR", "LNORM"):
                stack.append((kind[1:], depth))
            elif kind in ("RBAR", "RNORM") and stack and stack[-1][0] == kind[1:]:
                stack.pop()
            head.see(tok)
            previous = tok
            yield tok

    @staticmethod
    def _classify(tok: lark.Token, depth: int, stack: list, previous: lark.Token | None, in_args: bool) -> lark.Token:
        """Close, open or separate; a separator is only possible directly inside (...) or [...]."""
        kind = "BAR" if tok.type == "BAR" else "NORM"
        after_operand = previous is not None and _ends_operand(previous)
        if after_operand and stack and stack[-1] == (kind, depth):
            stack.pop()
            return lark.Token.new_borrow_pos("R" + kind, tok.value, tok)
        if not after_operand or not in_args:
            stack.append((kind, depth))
            return lark.Token.new_borrow_pos("L" + kind, tok.value, tok)
        return lark.Token.new_borrow_pos("MIDBAR" if kind == "BAR" else "MIDNORM", tok.value, tok)


class _HeadScripts:
    """Tracks whether the last token ends a head with its scripts (\\sum_{i=1}^{n}): a bar after it opens."""

    def __init__(self) -> None:
        self.active = False
        self.pending = False
        self.braces: list[bool] = []

    def see(self, tok: lark.Token) -> None:
        kind = tok.type
        if kind == "LBRACE":
            self.braces.append(self.pending)
            self.pending = self.active = False
        elif kind == "RBRACE":
            self.active = self.braces.pop() if self.braces else False
        elif kind in ("UNDERSCORE", "CIRCUMFLEX"):
            self.pending = self.active
        elif kind in ("SUBTOK", "SUPTOK"):
            pass  # \\sum_i keeps the head open
        else:
            self.active = kind in ("MACRO", "FONT") and not _ends_operand(tok)
            self.pending = False


def _ends_operand(tok: lark.Token) -> bool:
    if tok.type in _ENDS_OPERAND:
        return True
    if tok.type == "MACRO":
        return tok.value[1:] not in _HEADS
    if tok.type == "FONT":
        return _font_parts(tok.value) not in (("mathbb", "E"), ("mathrm", "E"))
    return False


_PARSER = lark.Lark(
    Path(__file__).with_name("latex.lark").read_text(), parser="lalr", lexer="basic",
    start=["start", "decl"], postlex=_Bars(), propagate_positions=False, maybe_placeholders=False,
)


def _font_parts(text: str) -> tuple[str, str]:
    match = re.match(r"\\([A-Za-z]+)\s*\{?\s*\\?([A-Za-z]+[0-9]*|[0-9])", text)
    return (match.group(1), match.group(2)) if match else ("", text)


def _pos(tok: lark.Token) -> tuple[int, int]:
    return (tok.line or 1, tok.column or 1)


# ---------------------------------------------------------------------------------------------
# pass 1: tree -> AST
# ---------------------------------------------------------------------------------------------

class _ToAst(lark.Transformer):
    """Build the AST; products are folded here (see the module docstring for the conventions)."""

    # ---- chains and declarations
    def start(self, items: list):
        return items[0]

    def chain(self, items: list):
        sides, rels = [], []
        for item in items:
            if isinstance(item, lark.Token):
                rels.append(item)
            else:
                sides.append(item)
        return sides, rels

    def side(self, items: list):
        expr, hints = items[0], []
        for item in items[1:]:
            if isinstance(item, str) and not isinstance(item, lark.Token):
                hints.append(item)
        return expr, hints

    def hint(self, items: list):
        return _hint_text(items[0])

    def decl(self, items: list):
        tokens = [i.value for i in items[1:] if isinstance(i, lark.Token)]
        return items[0], tokens, [i for i in items[1:] if not isinstance(i, lark.Token)]

    def decl_lhs(self, items: list):
        return [i for i in items if not isinstance(i, lark.Token)]

    # ---- sums and products
    def sum(self, items: list):
        """A flat sum: [sign,] term (sign term)*; kept n-ary so that long sums do not nest deeply."""
        terms: list[tuple[int, _Node]] = []
        sign = 1
        for item in items:
            if isinstance(item, lark.Token):
                sign = -1 if item.type == "MINUS" else 1
            else:
                terms.append((sign, item))
                sign = 1
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return _Sum(terms, pos=terms[0][1].pos)

    def product(self, items: list):
        flat: list = []
        for item in items:
            if isinstance(item, lark.Token):
                flat.append(_Op(item.value, pos=_pos(item)))
            else:
                flat.extend(item)
        return _fold(flat)

    # ---- factors
    def factor(self, items: list):
        primary, scripts = items[0], items[1:]
        parts = primary if isinstance(primary, list) else [primary]
        last = _with_scripts(parts[-1], scripts)
        return parts[:-1] + [last]

    def sub_tok(self, items: list):
        return ("sub", _script_atom(items[0].value[1:].strip(), items[0]))

    def sup_tok(self, items: list):
        return ("sup", _script_atom(items[0].value[1:].strip(), items[0]))

    def sup(self, items: list):
        return ("sup", items[0])

    def subscript(self, items: list):
        return ("sub", items[0])

    def prime(self, items: list):
        return ("prime", len(items[0].value))

    def factorial(self, items: list):
        return ("factorial", len(items[0].value))

    def sarg(self, items: list):
        if len(items) == 3:
            return items[1]
        tok = items[0]
        return _macro(tok) if tok.type == "MACRO" else _font(tok)

    def script_rel(self, items: list):
        return _ScriptRel(items[1].value, items[0], items[2], pos=_pos(items[1]))

    def script_cmp(self, items: list):
        return _ScriptRel(items[0].value, None, items[1], pos=_pos(items[0]))

    def script_sim(self, items: list):
        return _ScriptRel("~", items[0], items[2], pos=_pos(items[1]))

    def script_pair(self, items: list):
        return _ScriptRel(",", items[0], items[2], pos=_pos(items[1]))

    def script_text(self, items: list):
        return _Name(re.sub(r"[^A-Za-z0-9]", "", _hint_text(items[0])), font="text", pos=_pos(items[0]))

    # ---- primaries
    def number(self, items: list):
        return _number_node(items[0])

    def word(self, items: list):
        tok = items[0]
        line, col = _pos(tok)
        if tok.value in _WORDS or len(tok.value) == 1:
            return [_Name(tok.value, latin=len(tok.value) == 1, pos=(line, col))]
        return [_Name(ch, latin=True, pos=(line, col + k)) for k, ch in enumerate(tok.value)]

    def macro(self, items: list):
        return _macro(items[0])

    def font(self, items: list):
        return _font(items[0])

    def group(self, items: list):
        return items[1]

    def paren(self, items: list):
        args, seps = items[1]
        return _Paren(args, seps, pos=_pos(items[0]))

    def args(self, items: list):
        return [i for i in items if not isinstance(i, lark.Token)], [i.type for i in items if isinstance(i, lark.Token)]

    def bracket(self, items: list):
        args, seps = items[1]
        return _Paren(args, seps, square=True, pos=_pos(items[0]))

    def abs(self, items: list):
        return _Abs(items[1], pos=_pos(items[0]))

    def norm(self, items: list):
        return _Abs(items[1], norm=True, pos=_pos(items[0]))

    def frac(self, items: list):
        return _Bin("/", items[1], items[2], pos=_pos(items[0]))

    def binom(self, items: list):
        return _Bin("binom", items[1], items[2], pos=_pos(items[0]))

    def frac1(self, items: list):
        return _Bin("/", _Num(sp.Integer(items[0].value[-1]), pos=_pos(items[0])), items[1], pos=_pos(items[0]))

    def frac2(self, items: list):
        digits = re.findall(r"[0-9]", items[0].value)
        return _Bin("/", _Num(sp.Integer(digits[0])), _Num(sp.Integer(digits[1])), pos=_pos(items[0]))

    def sqrt(self, items: list):
        return _Root(items[1], pos=_pos(items[0]))

    def root(self, items: list):
        return _Root(items[4], items[2], pos=_pos(items[0]))

    def farg(self, items: list):
        if len(items) == 3:
            return items[1]
        tok = items[0]
        if tok.type == "NUMBER":
            return _number_node(tok)
        if tok.type == "WORD":
            return _fold(self.word([tok]))
        return _macro(tok) if tok.type == "MACRO" else _font(tok)


def _number_node(tok: lark.Token) -> _Num:
    if len(tok.value) > MAX_DIGITS:
        raise LatexUnsupported(f"a number with {len(tok.value)} digits (line {tok.line}); at most {MAX_DIGITS}")
    return _Num(sp.Rational(tok.value), pos=_pos(tok))


def _hint_text(tok: lark.Token) -> str:
    inner = re.search(r"\{(.*)\}", tok.value, re.S)
    text = inner.group(1) if inner else tok.value
    text = re.sub(r"\\[A-Za-z]+\s*\{([^{}]*)\}", r"\1", text)
    text = " ".join(text.replace("{", "").replace("}", "").split()).strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _script_atom(text: str, tok: lark.Token) -> _Node:
    if text.isdigit():
        return _Num(sp.Integer(text), pos=_pos(tok))
    return _Name(text, latin=True, pos=_pos(tok))


def _macro(tok: lark.Token) -> _Node:
    name = tok.value[1:]
    if name in _HEADS:
        return _Head(_HEADS[name], name, pos=_pos(tok))
    if name in _CONSTANTS:
        return _Special(name, pos=_pos(tok))
    if name in ("dots", "ldots", "cdots"):
        return _Special("dots", pos=_pos(tok))  # only meaningful inside a list: diag(sigma_1^2, \dots, sigma_d^2)
    if name in _GREEK or name in ("Gamma", "psi", "prime", "top"):
        return _Name(name, pos=_pos(tok))
    raise LatexUnsupported(f"unknown macro \\{name} at line {tok.line}, column {tok.column}")


def _font(tok: lark.Token) -> _Node:
    font, name = _font_parts(tok.value)
    if font in ("mathrm", "operatorname", "rm", "mathit", "mathsf") and re.match(r"\\[A-Za-z]+\s*\{\s*\\", tok.value):
        # \mathrm{\Gamma} is an upright \Gamma (the function), never the name "Gamma" a law may spell
        return _macro(lark.Token.new_borrow_pos("MACRO", "\\" + name, tok))
    if name.isdigit():
        return _Num(sp.Integer(name), pos=_pos(tok))  # \mathbf{0}: the zero vector of N(0, I_d)
    meaning = _FONT_NAMES.get((font, name))
    if meaning == "E":
        return _Head("E", "E", pos=_pos(tok))
    if meaning in ("tr", "det"):
        return _Head("func", meaning, pos=_pos(tok))
    if meaning == "diag":
        return _Name("diag", font="mathrm", pos=_pos(tok))
    if meaning == "d":
        return _Name("d", font="mathrm", pos=_pos(tok))
    if font in ("mathit", "mathbf", "boldsymbol", "bm", "mathsf") and name != "E":
        return _Name(name, pos=_pos(tok))
    if font in _ACCENTS:
        return _Name(f"{name}_{_ACCENTS[font]}", pos=_pos(tok))  # \hat\mu is the name mu_hat
    return _Name(name, font=font, pos=_pos(tok))


def _with_scripts(node: _Node, scripts: list) -> _Node:
    """Attach subscripts to names (sigma_1 is a name) or heads (log_2, sum_{j=1}); superscripts are powers."""
    sub = sup = None
    primes = 0
    factorial = False
    for kind, value in scripts:
        if kind == "sub":
            if sub is not None:
                raise LatexUnsupported("double subscript")
            sub = value
        elif kind == "sup":
            if sup is not None:
                raise LatexUnsupported("double superscript; use braces")
            sup = value
        elif kind == "factorial":
            if sup is not None or factorial or value != 1:
                raise LatexUnsupported("write (x!)^k for a power of a factorial; x!! is not read")
            factorial = True
        else:
            primes += value
    if isinstance(sup, _Name) and sup.base in ("prime",):
        primes, sup = primes + 1, None
    if isinstance(node, _Head):
        node.sub, node.sup = sub, sup
        if primes or factorial:
            raise LatexUnsupported(f"a prime or a factorial on \\{node.name}")
        return node
    if isinstance(node, _Name) and (sub is not None or primes):
        if sub is not None and node.base == "E" and not node.font:
            node.raw_sub = sub
            node.sub = _sub_text(sub) if not isinstance(sub, _ScriptRel) else ""
        elif sub is not None:
            node.sub = _sub_text(sub)
        node.primes += primes
    elif sub is not None and _is_parenthesised_name(node):
        # (\sigma_2)_j, as SymPy prints entry j of the vector sigma2: the name sigma_2 with the subscript j
        inner: _Name = node.args[0]
        node = _Name(inner.full, sub=_sub_text(sub), pos=node.pos)
    elif sub is not None:
        raise LatexUnsupported(f"a subscript on {_show(node)} (line {node.pos[0]}, column {node.pos[1]})")
    elif primes:
        raise LatexUnsupported("a prime on something that is not a name")
    if factorial:  # k!, (k + 1)!, after the subscripts of k_1!
        node = _Func("factorial", node, pos=node.pos)
    if sup is not None:
        if isinstance(sup, _Name) and sup.base in ("top", "T") and not sup.sub:
            if isinstance(node, _Paren) and not node.square and len(node.args) > 1 and set(node.seps) == {"COMMA"}:
                return _Vector(node.args, pos=node.pos)  # (a, b, c)^T: a list has no power, so a transpose
            raise LatexUnsupported("transposes need declared vectors or matrices")
        return _Bin("^", node, sup, pos=node.pos)
    return node


def _is_parenthesised_name(node: _Node) -> bool:
    return isinstance(node, _Paren) and not node.square and not node.seps and len(node.args) == 1 \
        and isinstance(node.args[0], _Name) and not node.args[0].font and not node.args[0].primes


def _sub_text(sub) -> str:
    """The text of a subscript that is part of a name: sigma_{12} -> '12', D_{\\mathrm{KL}} -> 'mathrmKL'."""
    if isinstance(sub, _Num):
        return str(sub.value).replace(".", "p").replace("/", "over")
    if isinstance(sub, _Name):
        return (sub.font if sub.font and sub.font != "text" else "") + sub.full
    if isinstance(sub, _Prod) and all(op == "*" for op in sub.ops):
        return "".join(_sub_text(f) for f in sub.factors)
    if isinstance(sub, _ScriptRel) and sub.op == "," and sub.left is not None:
        return _sub_text(sub.left) + _sub_text(sub.right)
    if isinstance(sub, _Sum):
        # alpha_{t-1} is a name of its own in a paper (the previous step's alpha), not alpha indexed by t - 1
        words = {1: "plus", -1: "minus"}
        text = "".join((words[sign] if i or sign < 0 else "") + _sub_text(term)
                       for i, (sign, term) in enumerate(sub.terms))
        if text:
            return text
    raise LatexUnsupported(f"the subscript {_show(sub)} cannot be part of a name")


def _show(node) -> str:
    return type(node).__name__.strip("_").lower()


# ---- folding a product ----------------------------------------------------------------------

def _fold(items: list) -> _Node:
    """Fold a product's factors with the argument conventions of the module docstring."""
    factors: list[_Node] = []
    ops: list[str] = []
    op = "*"
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, _Op):
            if not factors:
                raise LatexUnsupported(f"{item.op} with nothing before it")
            op = "/" if item.op == "/" else "*"
            i += 1
            continue
        if isinstance(item, _Head):
            node, i = _apply_head(items, i)
        else:
            node, i = item, i + 1
            if isinstance(node, _Bin) and i < len(items) and _is_round(items[i]):
                scripted = _scripted_function(node, items[i])
                if isinstance(scripted, _Name):
                    node = scripted  # \chi^2 of a law named so: the law's name, applied below
                elif scripted is not None:
                    node, i = scripted, i + 1
            if _is_plain_e(node) and i < len(items) and isinstance(items[i], _Paren) and items[i].square:
                node, i = _Func("E", items[i], node.raw_sub, pos=node.pos), i + 1
            elif isinstance(node, _Name) and _is_paren_power(items, i):
                power: _Bin = items[i]
                node, i = _PowApply(_Apply(node, power.left, pos=node.pos), power.right, pos=node.pos), i + 1
            elif isinstance(node, _Name) and i < len(items) and isinstance(items[i], _Paren) and (
                    not items[i].square or _font_key(node) in _KL_NAMES or node.full in _KL_NAMES):
                node, i = _Apply(node, items[i], pos=node.pos), i + 1
                if _law_key(node.head) and node.paren.seps[:1] == ["SEMI"] \
                        and len(node.paren.args) >= 2:
                    # N(x; mu, sigma^2): the density of N(mu, sigma^2) at x, as papers write it
                    at = _Paren([node.paren.args[0]], [], pos=node.paren.pos)
                    law = _Apply(node.head, _Paren(node.paren.args[1:], node.paren.seps[1:], pos=node.paren.pos),
                                 pos=node.pos)
                    node = _LawAt(law, at, pos=node.pos)
                elif _law_key(node.head) and i < len(items) and isinstance(items[i], _Paren) \
                        and not items[i].square and not items[i].seps:
                    node, i = _LawAt(node, items[i], pos=node.pos), i + 1
        factors.append(node)
        ops.append(op)
        op = "*"
    if not factors:
        raise LatexUnsupported("an empty product")
    if isinstance(items[-1], _Op):
        raise LatexUnsupported("an operator with nothing after it")
    return factors[0] if len(factors) == 1 else _Prod(factors, ops, pos=factors[0].pos)


def _is_round(item) -> bool:
    return isinstance(item, _Paren) and not item.square


def _scripted_function(node: _Bin, paren: _Paren) -> _Node | None:
    r"""``\psi^{(1)}(x)``, ``\Gamma^{2}(x)``, ``\chi^2(k)``: a scripted name before a parenthesis.

    ``\psi^{(n)}`` is the polygamma function of order n; ``\Gamma^{k}(x)`` and
    ``\psi^{k}(x)`` are powers of the values (as ``\sin^2 x``, and as SymPy prints
    them); a macro with a power that a law is named by (``\chi^2``) is that law's
    name (returned as a ``_Name`` for the caller to apply).  None otherwise: the
    product it was before (``\sigma^2(1 + x)``).
    """
    if node.op != "^" or not isinstance(node.left, _Name) or node.left.font or node.left.sub or node.left.primes:
        return None
    base, power = node.left.base, node.right
    if base == "psi" and isinstance(power, _Paren) and not power.square and not power.seps:
        return _Func("polygamma", paren, sub=power.args[0], pos=node.pos)
    if base in ("Gamma", "psi") and not isinstance(power, _Paren):
        return _Bin("^", _Apply(node.left, paren, pos=node.pos), power, pos=node.pos)
    if isinstance(power, _Num) and f"{base}^{power.value}" in (*_LAW_ALIASES, *_AMBIGUOUS_LAWS):
        return _Name(f"{base}^{power.value}", pos=node.pos)
    return None


def _is_paren_power(items: list, i: int) -> bool:
    """items[i] is ``(...)^{k}`` with a round parenthesis: after a name, a candidate ``g(z)^{k}``."""
    item = items[i] if i < len(items) else None
    return isinstance(item, _Bin) and item.op == "^" and isinstance(item.left, _Paren) and not item.left.square


def _is_plain_e(node) -> bool:
    """E[...] or E_{x \\sim p}[...] written without \\mathbb: an expectation."""
    return isinstance(node, _Name) and node.base == "E" and not node.font and not node.primes


def _apply_head(items: list, i: int) -> tuple[_Node, int]:
    head: _Head = items[i]
    return _HEAD_FOLDERS[head.kind](head, items, i + 1)


def _func_argument(head: _Head, items: list, j: int) -> tuple[_Node, int]:
    if j >= len(items) or isinstance(items[j], _Op):
        raise LatexUnsupported(f"\\{head.name} at line {head.pos[0]}, column {head.pos[1]} has no argument")
    if isinstance(items[j], _Head):
        return _apply_head(items, j)
    if isinstance(items[j], _Paren):
        return items[j], j + 1
    end = j
    while end < len(items) and not isinstance(items[end], (_Head, _Op)):
        end += 1
    return _fold(items[j:end]), end


def _fold_func(head: _Head, items: list, j: int) -> tuple[_Node, int]:
    if _is_log_gamma(head, items, j):  # \log\Gamma(x) y is log Gamma(x) times y, as in every paper
        return _Func(head.name, _Apply(items[j], items[j + 1], pos=items[j].pos), head.sub, head.sup,
                     pos=head.pos), j + 2
    arg, end = _func_argument(head, items, j)
    return _powered_call(head.name, head, arg), end


def _is_log_gamma(head: _Head, items: list, j: int) -> bool:
    r"""``\log \Gamma(x)``: a logarithm directly before the Gamma function applied to one argument."""
    if head.name not in ("log", "ln", "lg") or j + 1 >= len(items):
        return False
    name, paren = items[j], items[j + 1]
    return isinstance(name, _Name) and name.base == "Gamma" and not name.font and not name.sub \
        and not name.primes and _is_round(paren) and len(paren.args) == 1 and not paren.seps


def _powered_call(name: str, head: _Head, arg: _Node) -> _Node:
    r"""``\log{\left(x\right)}^{2}``, ``\mathbb{E}[x]^{2}``: a power on a bracketed argument is a power of the value.

    That is how SymPy (so ``infoproofs latex``) prints log(x)**2 and E[x]**2;
    reading it as log(x**2) or E[x**2] would change the claim.
    """
    if isinstance(arg, _Bin) and arg.op == "^" and isinstance(arg.left, _Paren) and not arg.left.seps \
            and head.sup is None:
        return _Bin("^", _Func(name, arg.left, head.sub, None, pos=head.pos), arg.right, pos=head.pos)
    return _Func(name, arg, head.sub, head.sup, pos=head.pos)


def _fold_bigop(head: _Head, items: list, j: int) -> tuple[_Node, int]:
    if j >= len(items):
        raise LatexUnsupported(f"\\{head.name} has no body")
    return _BigOp(head.name, _fold(items[j:]), head.sub, head.sup, pos=head.pos), len(items)


def _fold_int(head: _Head, items: list, j: int) -> tuple[_Node, int]:
    rest = items[j:]
    if len(rest) >= 3 and _is_differential(rest[-2]) and isinstance(rest[-1], _Name):
        return _BigOp("int", _fold(rest[:-2]), head.sub, head.sup, var=rest[-1], pos=head.pos), len(items)
    if rest and isinstance(head.sub, _Name) and head.sup is None:  # \int_Z p(X,Z): a sum over Z (latex_abstract)
        return _BigOp("int", _fold(rest), head.sub, None, pos=head.pos), len(items)
    raise LatexUnsupported("an integral needs an integrand and its differential at the end (\\,dx)")


def _is_differential(node) -> bool:
    return isinstance(node, _Name) and node.base == "d" and not node.sub and not node.primes


def _fold_expectation(head: _Head, items: list, j: int) -> tuple[_Node, int]:
    arg, end = _func_argument(head, items, j)
    return _powered_call("E", head, arg), end


def _fold_maxmin(head: _Head, items: list, j: int) -> tuple[_Node, int]:
    if head.sub is not None:
        raise LatexUnsupported(f"\\{head.name} over a set (\\{head.name}_{{...}}) is not supported")
    if j >= len(items) or not isinstance(items[j], _Paren):
        raise LatexUnsupported(f"\\{head.name} needs its arguments in parentheses")
    return _Func(head.name, items[j], pos=head.pos), j + 1


_HEAD_FOLDERS: dict[str, Callable[[_Head, list, int], tuple[_Node, int]]] = {
    "func": _fold_func, "bigop": _fold_bigop, "int": _fold_int, "E": _fold_expectation, "maxmin": _fold_maxmin,
}


def _walk(node) -> Iterator[_Node]:
    """Every node of the AST, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (list, tuple)):
            stack.extend(current)
            continue
        if not isinstance(current, _Node):
            continue
        yield current
        for value in vars(current).values():
            if isinstance(value, (_Node, list, tuple)):
                stack.append(value)


# ---------------------------------------------------------------------------------------------
# pass 2 and 3: roles, symbols and evaluation
# ---------------------------------------------------------------------------------------------

# Names papers give matrices (covariances, precisions, kernels): refused as numbers unless declared.
_MATRIX_NAMES = frozenset({"Sigma", "Lambda", "Phi", "Psi", "Omega", "A", "B", "C", "K", "M", "Q", "S", "W", "U", "V"})


@dataclass
class _Scope:
    """What the block's names mean: declared laws and random variables, domains, bound variables."""

    log_base: str = "e"
    laws: dict[str, Distribution] = field(default_factory=dict)
    rvs: dict[str, RandomVariable] = field(default_factory=dict)
    declared: dict[str, Domain] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    values: set[str] = field(default_factory=set)  # names used as plain values somewhere
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    bound: list[dict[str, sp.Symbol]] = field(default_factory=list)
    euler_gamma: bool = False
    log_gap: bool = False  # \phi(u) declared as u - 1 - \log u (the catalog's LogGap)
    e_is_symbol: bool = False
    # vector name -> (kind, vector): "sd" (sigma in diag(sigma^2)), "var" (v in diag(v)), "mean"
    vectors: dict[str, tuple[str, sp.MatrixExpr]] = field(default_factory=dict)
    offsets: dict[str, sp.Expr] = field(default_factory=dict)  # sum index -> its lower limit
    limits: dict[str, sp.Expr] = field(default_factory=dict)  # sum index -> its upper limit
    abstract: _abstract.AbstractScope | None = None  # declared densities, functions, random variables
    # a bound expectation variable -> (its law's support, the frame that binds it)
    supports: dict[sp.Symbol, tuple[sp.Set, dict]] = field(default_factory=dict)

    def dimension(self) -> sp.Symbol:
        """The dimension of a declared d-dimensional law: the one declared positive integer, else d."""
        dims = [name for name, domain in self.declared.items() if domain is DIMENSION]
        return self.symbol(dims[0] if len(dims) == 1 else "d")

    def note_role(self, name: str, role: str) -> None:
        if _RANK[role] > _RANK[self.roles.get(name, "real")] or name not in self.roles:
            self.roles[name] = role if _RANK[role] >= _RANK[self.roles.get(name, "real")] else self.roles[name]

    def symbol(self, name: str) -> sp.Symbol:
        """The block's symbol for ``name``: declared domain, else its role, else the conventional default."""
        if name in self.symbols:
            return self.symbols[name]
        if name in self.declared:
            domain = self.declared[name]
        else:
            word = _default_word(name)
            role = self.roles.get(name, "real")
            if _RANK[role] > _RANK[word]:
                word = role
            self.defaults[name] = _WORD_OF[word]
            domain = ROLE_DOMAINS[word]
        symbol = declare(name, domain)
        self.symbols[name] = symbol
        return symbol


def _default_word(name: str) -> str:
    base = name.split("_", 1)[0]
    if base in _DEFAULT_POSITIVE:
        return "positive"
    if base in _DEFAULT_DIMENSION:
        return "dimension"
    if base == "p":
        return "probability"
    return "real"  # _DEFAULT_REAL and everything else


def _collect_roles(root, scope: _Scope) -> None:
    """Pass 2: the role of every name, from the laws it parameterises (as ``target._roles`` does)."""
    applied: set[int] = set()
    for node in _walk(root):
        if isinstance(node, _Apply):
            applied.add(id(node.head))
            key = _law_key(node.head)
            if key is not None:
                _law_roles(key, node.paren.args, scope)
        elif isinstance(node, _BigOp) and node.sup is not None:
            for name in _names_in(node.sup):
                scope.note_role(name.full, "dimension")
    for node in _walk(root):
        if isinstance(node, _Name) and id(node) not in applied:
            scope.values.add(node.full)


def _law_roles(key: str, params: list[_Node], scope: _Scope) -> None:
    roles = LAWS[key][1] or ["probability"] * len(params)
    for param, role in zip(params, roles):
        rows = _matrix_rows(param)
        if rows is not None:  # a covariance matrix: its diagonal is positive, the rest real
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    for name in _names_in(cell):
                        scope.note_role(name.full, "positive" if role == "variance" and i == j else "real")
            continue
        for name in _names_in(param):
            if name.base == "I" and not name.font:
                if name.sub:
                    scope.note_role(name.sub, "dimension")
                continue
            scope.note_role(name.full, "positive" if role == "variance" else role)


def _names_in(node) -> list[_Name]:
    return [n for n in _walk(node) if isinstance(n, _Name)]


class _Eval:
    """Pass 3: AST -> SymPy, with the block's scope."""

    def __init__(self, scope: _Scope):
        self.scope = scope

    def value(self, node: _Node) -> sp.Expr:
        method = getattr(self, "v_" + type(node).__name__.strip("_").lower(), None)
        if method is None:
            raise LatexUnsupported(f"{_show(node)} at line {node.pos[0]}, column {node.pos[1]} has no value here")
        return method(node)

    # ---- atoms
    def v_num(self, node: _Num) -> sp.Expr:
        return node.value

    def v_special(self, node: _Special) -> sp.Expr:
        if node.what == "dots":
            raise LatexUnsupported(f"\\dots at line {node.pos[0]}, column {node.pos[1]}: an elided list or sum is "
                                   "read only as diag(x_1^2, \\dots, x_d^2); write the sum with \\sum")
        return _CONSTANTS[node.what]

    def v_name(self, node: _Name) -> sp.Expr:
        full = node.full
        for frame in reversed(self.scope.bound):
            if full in frame:
                return frame[full]
        found = _abstract.value_of_name(self, node)
        if found is not None:
            return found
        entry = self.vector_entry(node)
        if entry is not None:
            return entry
        if full in self.scope.vectors:
            raise LatexUnsupported(f"{full} is a vector (a parameter of a d-dimensional law); use its entries "
                                   f"{full}_j inside a sum over j")
        if full in self.scope.rvs:
            return self.scope.rvs[full]
        if full in self.scope.laws or _law_key(node) and node.font:
            raise LatexUnsupported(f"the law {full} is used as a number (line {node.pos[0]}, column {node.pos[1]})")
        if full == "e" and not self.scope.e_is_symbol:
            return sp.E
        if full == "gamma" and self.scope.euler_gamma:
            return sp.EulerGamma
        if node.font and node.font not in ("text",):
            raise LatexUnsupported(f"\\{node.font}{{{node.base}}} has no meaning here")
        if node.base in ("Gamma", "psi", "prime", "top", "diag"):
            raise LatexUnsupported(f"{node.base} needs an argument")
        if node.raw_sub is not None and not node.sub:
            raise LatexUnsupported("E_{...} must be followed by [...] to be an expectation")
        if node.base == "I" and not node.sub:
            raise LatexUnsupported("an identity matrix I outside a law's covariance")
        return self.scope.symbol(full)

    def vector_entry(self, node: _Name) -> sp.Expr | None:
        """mu_j, sigma_j inside a sum over j: entry j of the vector of a declared N(mu, diag(sigma^2))."""
        if not node.sub or node.primes or node.font:
            return None
        index = next((frame[node.sub] for frame in reversed(self.scope.bound) if node.sub in frame), None)
        if index is None or node.sub not in self.scope.offsets:
            return None
        if node.base not in self.scope.vectors:
            self.scope.vectors[node.base] = self.new_vector(node.base, node.sub)
        kind, vector = self.scope.vectors[node.base]
        entry = vector[index - self.scope.offsets[node.sub]]
        return sp.sqrt(entry) if kind == "sd" else entry

    def new_vector(self, base: str, index: str) -> tuple[str, sp.MatrixExpr]:
        """x_i inside a sum over i: the entries of a vector x of the sum's length (real, or positive for sigma)."""
        from ..notation import positive_vector, real_vector

        low, high = self.scope.offsets[index], self.scope.limits[index]
        word = _default_word(base)
        if _RANK[self.scope.roles.get(base, "real")] > _RANK[word] or base in self.scope.declared \
                or word not in ("real", "positive"):
            raise LatexUnsupported(f"{base}_{index} inside a sum over {index}: only real or positive vector entries "
                                   f"are supported (declare {base} through a law such as N(mu, diag(sigma^2)))")
        make = positive_vector if word == "positive" else real_vector
        self.scope.defaults[base] = word  # the domain of its entries
        return "entry", make(base, high - low + 1)

    # ---- arithmetic
    def v_bin(self, node: _Bin) -> sp.Expr:
        return _BINARY[node.op](self.value(node.left), self.value(node.right))

    def v_sum(self, node: _Sum) -> sp.Expr:
        return sp.Add(*[sign * self.value(term) for sign, term in node.terms])

    def v_prod(self, node: _Prod) -> sp.Expr:
        factors = [self.value(f) for f in node.factors]
        num = [f for f, op in zip(factors, node.ops) if op == "*"]
        den = [f for f, op in zip(factors, node.ops) if op == "/"]
        return sp.Mul(*num) / sp.Mul(*den) if den else sp.Mul(*num)

    def v_paren(self, node: _Paren) -> sp.Expr:
        if node.seps:
            raise LatexUnsupported(f"a list ({len(node.args)} items) at line {node.pos[0]}, column {node.pos[1]}")
        return self.value(node.args[0])

    def v_abs(self, node: _Abs) -> sp.Expr:
        if node.norm:
            raise LatexUnsupported("norms \\|x\\| need declared vectors; they are not supported here")
        size = _abstract.support_size(self, node.arg)  # |\mathcal{X}| of a declared variable X
        if size is not None:
            return size
        matrix = next((n for n in _names_in(node.arg) if self.matrix_like(n)), None)
        if matrix is not None:
            raise LatexUnsupported(
                f"|...| around {matrix.full} at line {node.pos[0]}, column {node.pos[1]} may be a determinant: "
                f"{matrix.full} looks like a matrix (declare it, e.g. {matrix.full} > 0, to mean a number)")
        return sp.Abs(self.value(node.arg))

    def matrix_like(self, node: _Node) -> bool:
        """A capital letter that nothing declared a number: papers write matrices so (Sigma, A, K).

        Read as a scalar, a covariance Sigma turns N(mu, Sigma) into a univariate
        law and |Sigma| into an absolute value: a true claim about d dimensions
        would then be refuted.  So such names are refused unless declared.
        """
        if not isinstance(node, _Name) or node.full in self.scope.declared or node.full in self.scope.rvs \
                or node.full in self.scope.laws:
            return False
        return node.base[:1].isupper() and node.base in _MATRIX_NAMES

    def v_root(self, node: _Root) -> sp.Expr:
        arg = self.value(node.arg)
        return sp.sqrt(arg) if node.index is None else sp.root(arg, self.value(node.index))

    # ---- functions
    def v_func(self, node: _Func) -> sp.Expr:
        handler = _FUNCS.get(node.name)
        if handler is None:
            raise LatexUnsupported(f"\\{node.name} is not supported")
        result = handler(self, node)
        if node.sup is not None and node.name != "E":
            result = _power(result, self.value(node.sup))
        return result

    def v_apply(self, node: _Apply) -> sp.Expr:
        key = _font_key(node.head)
        full = node.head.full
        by_name = _law_key(node.head) is None  # \mathrm{Gamma}(a, b) is the law, \Gamma(a) the function
        for names, handler in _APPLY:
            if key in names or by_name and full in names:
                return handler(self, node)
        found = _abstract.apply(self, node)
        if found is not None:
            return found
        if full in self.scope.laws:
            return self.density(self.scope.laws[full], node)
        if _law_key(node.head) is not None and (node.head.font or len(node.head.base) > 1 or node.paren.seps):
            raise LatexUnsupported(f"the law {full} is used as a number (line {node.pos[0]}, column {node.pos[1]})")
        if node.head.latin and full not in self.scope.values and full not in self.scope.declared and \
                full not in self.scope.rvs:
            raise LatexUnsupported(
                f"{full} is an undeclared function ({full}(...) at line {node.pos[0]}, column {node.pos[1]}); "
                f"{_abstract.undeclared_hint(full)}, or write a product with an explicit \\cdot"
            )
        return self.value(node.head) * self.value(node.paren)

    def v_powapply(self, node: _PowApply) -> sp.Expr:
        found = _abstract.apply(self, node.apply)
        if found is None and node.apply.head.full in self.scope.laws:
            found = self.density(self.scope.laws[node.apply.head.full], node.apply)
        if found is not None:
            return _BINARY["^"](found, self.value(node.power))
        return self.value(node.apply.head) * _BINARY["^"](self.value(node.apply.paren), self.value(node.power))

    def v_lawat(self, node: _LawAt) -> sp.Expr:
        return sp.exp(self.law_log_density(node))

    def law_log_density(self, node: _LawAt) -> sp.Expr:
        point = node.at.args[0]
        if isinstance(point, _Paren) and not point.square and len(point.args) > 1 and set(point.seps) == {"COMMA"}:
            # N(...)((x_1, x_2)): the density at a point of a multivariate law
            return LogDensity(self.law(node.law), sp.Tuple(*[self.value(a) for a in point.args]))
        return LogDensity(self.law(node.law), self.value(point))

    def density(self, law: Distribution, node: _Apply) -> sp.Expr:
        return sp.exp(self.log_density(law, node))

    def log_density(self, law: Distribution, node: _Apply) -> sp.Expr:
        if len(node.paren.args) != 1:
            raise LatexUnsupported("a density takes one argument")
        return LogDensity(law, self.value(node.paren.args[0]))

    def bigop(self, node: _BigOp) -> sp.Expr:
        if not isinstance(node.sub, _ScriptRel) or node.sub.op != "=" or not isinstance(node.sub.left, _Name):
            raise LatexUnsupported(f"\\{node.kind} needs its range as _{{j=1}}^{{d}}")
        if node.sup is None:
            raise LatexUnsupported(f"\\{node.kind} needs an upper limit")
        low, high = self.value(node.sub.right), self.value(node.sup)
        # an index from a non-negative start is a non-negative integer, as the catalog's j and k are
        index = sp.Symbol(node.sub.left.full, integer=True, nonnegative=True) if low.is_nonnegative \
            else sp.Symbol(node.sub.left.full, integer=True)
        self.scope.bound.append({node.sub.left.full: index})
        self.scope.offsets[node.sub.left.full] = low
        self.scope.limits[node.sub.left.full] = high
        try:
            body = self.value(node.body)
        finally:
            self.scope.bound.pop()
            self.scope.offsets.pop(node.sub.left.full, None)
            self.scope.limits.pop(node.sub.left.full, None)
        cls = sp.Sum if node.kind == "sum" else sp.Product
        if low != 0 and any(isinstance(a, MatrixElement) for a in sp.preorder_traversal(body)):
            # vector entries count from 0, as in the catalog: sum_{j=1}^d f(v[j-1]) = sum_{j=0}^{d-1} f(v[j])
            zero_based = sp.Symbol(index.name, integer=True, nonnegative=True)
            return cls(body.xreplace({index: zero_based + low}), (zero_based, 0, high - low))
        return cls(body, (index, low, high))

    def v_bigop(self, node: _BigOp) -> sp.Expr:
        found = _abstract.support_sum(self, node)  # \int_Z, \sum_{z \in Z} over a declared variable
        if found is not None:
            return found
        if node.kind != "int":
            return self.bigop(node)
        if node.var is None:
            raise LatexUnsupported(f"\\int_{{{_describe(node.sub)}}} without a differential is a sum over the "
                                   "support of a declared variable: declare it through a density, e.g. "
                                   "`p(X, Z) \\text{ a density}`; otherwise end the integral with \\,dx")
        var = sp.Symbol(node.var.full, real=True)
        self.scope.bound.append({node.var.full: var})
        try:
            body = self.value(node.body)
        finally:
            self.scope.bound.pop()
        if node.sub is None and node.sup is None:
            return sp.Integral(body, var)
        if node.sub is None or node.sup is None:
            raise LatexUnsupported("an integral needs both limits or neither")
        return sp.Integral(body, (var, self.value(node.sub), self.value(node.sup)))

    # ---- laws
    def law(self, node: _Node) -> Distribution:
        """A law written in a law position: N(mu, sigma^2), a declared q, or a random variable's law."""
        found = _abstract.law(self, node)  # a declared abstract density: q, q(Z), p(Z | X)
        if found is not None:
            return found
        if isinstance(node, _Apply):
            key = _law_key(node.head)
            if key is not None:
                return self.build_law(key, node.paren)
        if isinstance(node, _Name):
            if node.full in self.scope.laws:
                return self.scope.laws[node.full]
            if node.full in self.scope.rvs:
                return self.scope.rvs[node.full].distribution
        raise LatexUnsupported(f"{_describe(node)} at line {node.pos[0]}, column {node.pos[1]} is not a known law")

    def build_law(self, key: str, paren: _Paren) -> Distribution:
        cls, roles = LAWS[key]
        if any(sep != "COMMA" for sep in paren.seps):
            raise LatexUnsupported(f"the parameters of {key} must be separated by commas")
        if cls is Categorical:
            if len(paren.args) < 2:
                raise LatexUnsupported("Cat(...) needs its probabilities listed (a vector pi is not supported)")
            return Categorical([self.value(a) for a in paren.args])
        if getattr(cls, "list_role", None):  # one list of scalars, written out: \mathrm{Dir}(a_1, a_2, a_3)
            if len(paren.args) < getattr(cls, "list_minimum", 2):
                raise LatexUnsupported(f"{key}(...) needs its parameters listed, at least "
                                       f"{getattr(cls, 'list_minimum', 2)} (a vector is not supported)")
            try:
                return cls([self.value(a) for a in paren.args])
            except (TypeError, ValueError) as exc:
                raise LatexUnsupported(f"{key}: {exc}") from None
        if roles is not None and len(paren.args) != len(roles):
            raise LatexUnsupported(f"{key} takes {len(roles)} parameters, got {len(paren.args)}")
        if cls is Normal and _matrix_rows(paren.args[0]) is not None:
            return self.explicit_normal(paren.args[0], paren.args[1])
        if cls is Normal and isinstance(paren.args[0], _Vector):
            return self.explicit_diag_normal(paren.args[0], paren.args[1])
        if cls is Normal and _is_diag(paren.args[1]):
            return self.diag_normal(paren.args)
        if cls is Normal:
            iso = self.iso_normal(paren.args)
            if iso is not None:
                return iso
            if self.matrix_like(paren.args[1]):
                raise LatexUnsupported(
                    f"the covariance {paren.args[1].full} of {key}(...) looks like a matrix: multivariate normals "
                    "with a full covariance are not read from LaTeX (write sigma^2, sigma^2 I_d or diag(sigma^2), "
                    f"or declare {paren.args[1].full} > 0 for a scalar variance)")
        try:
            return cls(*[self.value(a) for a in paren.args])
        except (TypeError, ValueError) as exc:
            raise LatexUnsupported(f"{key}: {exc}") from None

    def iso_normal(self, params: list[_Node]) -> Distribution | None:
        """N(mu, sigma^2 I_d) and N(0, I_d): an isotropic d-dimensional normal."""
        variance, dim = _split_identity(params[1])
        if dim is None:
            return None
        v = sp.Integer(1) if variance is None else self.value(variance)
        size = self.scope.symbol(dim) if dim else self.scope.dimension()  # a bare I: the block's dimension
        return IsoNormal(self.value(params[0]), v, size)


    def explicit_normal(self, mean: _Node, cov: _Node) -> Distribution:
        r"""``N(\begin{smallmatrix} m_1 \\ m_2 \end{smallmatrix}, \begin{smallmatrix} a & c \\ c & b
        \end{smallmatrix})``: a normal with a listed mean (a column) and a full covariance (square, as many rows)."""
        from ..notation import MultivariateNormal

        column, square = _matrix_rows(mean), _matrix_rows(cov)
        size = len(column)
        if any(len(row) != 1 for row in column) or square is None or len(square) != size \
                or any(len(row) != size for row in square):
            raise LatexUnsupported(f"the mean of N(...) is a column of {size} entries: its covariance must be a "
                                   f"{size} x {size} matrix")
        try:
            return MultivariateNormal([self.value(row[0]) for row in column],
                                      [[self.value(cell) for cell in row] for row in square])
        except (TypeError, ValueError) as exc:
            raise LatexUnsupported(f"N(...): {exc}") from None

    def explicit_diag_normal(self, mean: _Vector, cov: _Node) -> Distribution:
        r"""``N((m_1, m_2, m_3)^\top, diag(v_1, v_2, v_3))``: a diagonal normal with listed coordinates."""
        from ..notation import DiagNormal

        if not (isinstance(cov, _Apply) and cov.head.base == "diag" and set(cov.paren.seps) <= {"COMMA"}
                and len(cov.paren.args) == len(mean.items)):
            raise LatexUnsupported(f"the mean of N(...) is a vector of {len(mean.items)} entries: write its "
                                   f"covariance as diag(v_1, ..., v_{len(mean.items)}) with as many variances")
        if any(isinstance(a, _Special) for a in (*mean.items, *cov.paren.args)):
            raise LatexUnsupported("an elided list (\\dots) in an explicit vector")
        return DiagNormal([self.value(m) for m in mean.items], [self.value(v) for v in cov.paren.args])

    def diag_normal(self, params: list[_Node]) -> Distribution:
        """N(mu, diag(sigma^2)): a d-dimensional diagonal normal whose entries mu_j, sigma_j appear in sums."""
        from ..notation import DiagNormal, positive_vector, real_vector

        mean, inner = params[0], params[1].paren.args
        elided = _elided_entries(inner)
        if elided is not None:
            inner = [elided]
        if len(inner) != 1:
            raise LatexUnsupported("diag(...) takes one vector")
        d = self.scope.dimension()
        variance = inner[0]
        if isinstance(variance, _Bin) and variance.op == "^" and isinstance(variance.left, _Name) \
                and isinstance(variance.right, _Num) and variance.right.value == 2:
            name, kind, vector = variance.left.full, "sd", positive_vector(variance.left.full + "2", d)
        elif isinstance(variance, _Name):
            name, kind, vector = variance.full, "var", positive_vector(variance.full, d)
        else:
            raise LatexUnsupported("write the diagonal as diag(sigma^2) or diag(v)")
        if isinstance(mean, _Num) and mean.value == 0:
            means = real_vector("0", d)
            raise LatexUnsupported(f"a zero mean vector with a diagonal covariance: write N(0, I_{d}) "
                                   f"for the standard normal ({means})")
        if not isinstance(mean, _Name):
            raise LatexUnsupported("the mean of N(mu, diag(...)) must be a vector name such as mu")
        means = real_vector(mean.full, d)
        self.scope.vectors[name] = (kind, vector)
        self.scope.vectors[mean.full] = ("mean", means)
        return DiagNormal(means, vector)


def _matrix_rows(node: _Node) -> list[list[_Node]] | None:
    """The cells of a matrix (``_matrices_as_lists``), row by row, possibly inside parentheses; else None."""
    while isinstance(node, _Paren) and not node.seps and len(node.args) == 1 and not node.square:
        node = node.args[0]
    if not (isinstance(node, _Apply) and _font_key(node.head) == "operatorname:matrix"):
        return None
    rows = []
    for row in node.paren.args:
        if not isinstance(row, _Paren) or row.square or set(row.seps) - {"COMMA"}:
            return None
        rows.append(list(row.args))
    return rows


def _elided_entries(items: list) -> _Node | None:
    """``sigma_1^2, \\dots, sigma_d^2`` as the vector ``sigma^2`` (entries 1..d of one name), else None."""
    if len(items) != 3 or not (isinstance(items[1], _Special) and items[1].what == "dots"):
        return None

    def entry(node):
        power = None
        if isinstance(node, _Bin) and node.op == "^":
            node, power = node.left, node.right
        if not isinstance(node, _Name) or not node.sub:
            return None
        return node, power

    first, last = entry(items[0]), entry(items[2])
    if first is None or last is None or first[0].base != last[0].base or first[0].sub != "1":
        return None
    bare = _Name(first[0].base, first[0].font, pos=first[0].pos)
    if first[1] is None and last[1] is None:
        return bare
    if isinstance(first[1], _Num) and isinstance(last[1], _Num) and first[1].value == last[1].value:
        return _Bin("^", bare, first[1], pos=first[0].pos)
    return None


def _is_diag(node: _Node) -> bool:
    return isinstance(node, _Apply) and node.head.base == "diag" and (
        len(node.paren.args) == 1 or _elided_entries(node.paren.args) is not None)


def _describe(node: _Node) -> str:
    return node.full if isinstance(node, _Name) else _show(node)


def _split_identity(node: _Node) -> tuple[_Node | None, str | None]:
    """(variance, dimension name) when ``node`` is v I_d or I_d; (node, None) otherwise."""
    if isinstance(node, _Name) and node.base == "I" and not node.font:
        return None, node.sub
    if isinstance(node, _Prod) and node.ops[-1] == "*" and isinstance(node.factors[-1], _Name) \
            and node.factors[-1].base == "I" and not node.factors[-1].font:
        rest = node.factors[:-1]
        return (rest[0] if len(rest) == 1 else _Prod(rest, node.ops[:-1], pos=node.pos)), node.factors[-1].sub
    return node, None


_BINARY: dict[str, Callable[[sp.Expr, sp.Expr], sp.Expr]] = {
    "/": lambda a, b: a / b,
    "^": lambda a, b: _power(a, b),
    "binom": sp.binomial,
}


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """base**exponent, refusing number towers such as 10^{10^{10}} that SymPy would try to evaluate."""
    if exponent.is_Number and abs(exponent) > 1000:
        raise LatexUnsupported(f"the exponent {exponent} is too large")
    if base.is_Number and exponent.is_Number and abs(base) > 10**6 and abs(exponent) > 10:
        raise LatexUnsupported("the power is too large to evaluate")
    return base**exponent


# ---- functions by name ----------------------------------------------------------------------

def _f_log(ev: _Eval, node: _Func) -> sp.Expr:
    arg = node.arg
    inner = _log_gamma(ev, arg)  # \log\Gamma(x), not \log(\Gamma(x)): SymPy prints log(gamma(x)) so
    if isinstance(arg, _Paren) and not arg.seps:
        arg = arg.args[0]
    if inner is None and _has_density(ev, arg):
        inner = _log_of(ev, arg)
    if inner is None:
        inner = sp.log(ev.value(arg))
    if node.name == "ln":
        base = None
    elif node.name == "lg":
        base = sp.Integer(2)
    elif node.sub is not None:
        base = ev.value(node.sub)
        if base == sp.E:
            base = None
    else:
        base = None if ev.scope.log_base == "e" else sp.Integer(ev.scope.log_base)  # a bare \\log
    return inner if base is None else inner / sp.log(base)


def _log_gamma(ev: _Eval, node: _Node) -> sp.Expr | None:
    r"""``\log\Gamma(x)`` as ``loggamma(x)`` (the function SymPy and the catalog use) where x > 0 is known.

    There the two are the same number; elsewhere ``loggamma`` is another branch
    (complex for negative x), so the literal ``log(gamma(x))`` is kept.
    """
    if not (isinstance(node, _Apply) and node.head.base == "Gamma" and not node.head.font and not node.head.sub
            and len(node.paren.args) == 1 and not node.paren.seps):
        return None
    value = ev.value(node.paren.args[0])
    return sp.loggamma(value) if _positive_where_evaluated(value, ev.scope) else None


def _positive_where_evaluated(value: sp.Expr, scope: _Scope) -> bool:
    """value > 0 by its symbols' assumptions, with each bound expectation variable ranging over its law's
    support only (x + 1 > 0 for x ~ Poisson, n - x + 1 > 0 for x ~ Binomial(n, p)): E[log Gamma(x + 1)] is
    evaluated only there.

    Each variable is written ``lo + s`` and, separately, ``hi - s`` with s >= 0 (an integer for a count):
    positivity under either covers the whole support [lo, hi]; anything else is not shown.
    """
    if value.is_positive:
        return True
    bound = [var for var in scope.supports if var in value.free_symbols]
    if len(bound) != 1:
        return False
    var, (support, frame) = bound[0], scope.supports[bound[0]]
    innermost = next((f for f in reversed(scope.bound) if var.name in f), None)
    if innermost is not frame:  # rebound inside the expectation (an integral over x): not the law's x
        return False
    try:
        lo, hi = support.inf, support.sup
        counts = support.is_subset(sp.S.Integers) is True
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return False
    step = sp.Dummy("s", nonnegative=True, integer=counts)
    for end, sign in ((lo, 1), (hi, -1)):
        if end.is_finite and value.xreplace({var: end + sign * step}).is_positive is True:
            return True
    return False


def _has_density(ev: _Eval, node: _Node) -> bool:
    return any(isinstance(n, _Apply) and n.head.full in ev.scope.laws or isinstance(n, _LawAt) for n in _walk(node))


def _log_of(ev: _Eval, node: _Node) -> sp.Expr:
    """log of a product or quotient of densities: log p(x) - log q(x), with p(x) a LogDensity."""
    if isinstance(node, _Paren) and not node.seps:
        return _log_of(ev, node.args[0])
    if isinstance(node, _Apply) and node.head.full in ev.scope.laws:
        return ev.log_density(ev.scope.laws[node.head.full], node)
    if isinstance(node, _LawAt):
        return ev.law_log_density(node)
    if isinstance(node, _Prod):
        return sp.Add(*[_log_of(ev, f) if op == "*" else -_log_of(ev, f) for f, op in zip(node.factors, node.ops)])
    if isinstance(node, _Bin) and node.op == "/":
        return _log_of(ev, node.left) - _log_of(ev, node.right)
    if isinstance(node, _Bin) and node.op == "^":
        return ev.value(node.right) * _log_of(ev, node.left)
    return sp.log(ev.value(node))


def _f_simple(fn: Callable[[sp.Expr], sp.Expr]) -> Callable[[_Eval, _Func], sp.Expr]:
    def handler(ev: _Eval, node: _Func) -> sp.Expr:
        if node.sub is not None:
            raise LatexUnsupported(f"a subscript on \\{node.name}")
        return fn(ev.value(node.arg))

    return handler


def _f_matrix(ev: _Eval, node: _Func) -> sp.Expr:
    raise LatexUnsupported(f"\\{node.name} needs declared matrices; matrices are not supported in LaTeX claims yet")


def _f_maxmin(ev: _Eval, node: _Func) -> sp.Expr:
    if node.name not in ("max", "min"):
        raise LatexUnsupported(f"\\{node.name} is not supported")
    values = [ev.value(a) for a in node.arg.args]
    return (sp.Max if node.name == "max" else sp.Min)(*values)


def _f_expectation(ev: _Eval, node: _Func) -> sp.Expr:
    r"""\mathbb{E}_{x\sim p}[...], \mathbb{E}_p[...] with p a law, E[X^2] with X a random variable."""
    found = _abstract.expectation(ev, node)  # over a declared abstract density or random variable
    if found is not None:
        return found
    sub = node.sub
    if isinstance(sub, _ScriptRel) and sub.op == "~" and isinstance(sub.left, _Name):
        law = ev.law(sub.right)
        var = sp.Symbol(sub.left.full, real=True)
        return E(_bound_body(ev, node.arg, sub.left.full, var, law), var, law)
    if isinstance(sub, _ScriptRel) and sub.op == "~" and _names_tuple(sub.left) is not None:
        # E_{(x_1, x_2) ~ N(...)}: a point of a multivariate law, its coordinates bound together
        law = ev.law(sub.right)
        names = _names_tuple(sub.left)
        point = sp.Tuple(*[sp.Symbol(name, real=True) for name in names])
        if len(names) != len(set(names)) or getattr(law, "dim", 1) != len(names):
            raise LatexUnsupported(f"E_{{(...) \\sim ...}}: {len(names)} coordinates for a law of dimension "
                                   f"{getattr(law, 'dim', 1)}")
        ev.scope.bound.append(dict(zip(names, point)))
        try:
            body = ev.value(node.arg)
        finally:
            ev.scope.bound.pop()
        return E(body, point, law)
    if sub is not None:
        law = ev.law(sub)
        name = _density_argument(ev, node.arg)
        var = sp.Symbol(name, real=True)
        return E(_bound_body(ev, node.arg, name, var, law), var, law)
    body = ev.value(node.arg)
    variables = sorted(body.atoms(RandomVariable), key=lambda v: v.name)
    if len(variables) != 1:
        raise LatexUnsupported("E[...] without a subscript needs exactly one declared random variable inside "
                               "(declare it with `X \\sim \\mathcal{N}(0, 1)` or `X \\text{ a random variable}`)")
    rv = variables[0]
    var = sp.Symbol(rv.name.lower() if rv.name.lower() != rv.name else rv.name + "_val", real=True)
    return E(body.xreplace({rv: var}), var, rv.distribution)


def _f_polygamma(ev: _Eval, node: _Func) -> sp.Expr:
    r"""``\psi^{(n)}(x)``: the polygamma function of order n, a non-negative integer."""
    order = ev.value(node.sub)
    if not (order.is_Integer and order >= 0) or not isinstance(node.arg, _Paren) or len(node.arg.args) != 1:
        raise LatexUnsupported("\\psi^{(n)}(x) needs a non-negative integer order n and one argument")
    return sp.polygamma(order, ev.value(node.arg.args[0]))


def _names_tuple(node: _Node) -> list[str] | None:
    """``(x_1, x_2)``: the names of a parenthesised list of plain names (two or more), else None."""
    if not (isinstance(node, _Paren) and not node.square and len(node.args) > 1 and set(node.seps) == {"COMMA"}):
        return None
    if not all(isinstance(a, _Name) and not a.font and not a.primes for a in node.args):
        return None
    return [a.full for a in node.args]


def _bound_body(ev: _Eval, body: _Node, name: str, var: sp.Symbol, law: Distribution) -> sp.Expr:
    """The body of an expectation with ``name`` bound to ``var``, whose values lie in the law's support."""
    frame = {name: var}
    ev.scope.bound.append(frame)
    outer = ev.scope.supports.get(var)
    ev.scope.supports[var] = (law.support(), frame)
    try:
        return ev.value(body)
    finally:
        ev.scope.bound.pop()
        if outer is None:
            ev.scope.supports.pop(var, None)
        else:
            ev.scope.supports[var] = outer


def _density_argument(ev: _Eval, body: _Node) -> str:
    """The bound variable of E_p[...]: the one name the body's densities are evaluated at (x by default)."""
    names = {
        node.paren.args[0].full for node in _walk(body)
        if isinstance(node, _Apply) and node.head.full in ev.scope.laws and len(node.paren.args) == 1
        and isinstance(node.paren.args[0], _Name)
    }
    return names.pop() if len(names) == 1 else "x"


_FUNCS: dict[str, Callable[[_Eval, _Func], sp.Expr]] = {
    "log": _f_log, "ln": _f_log, "lg": _f_log, "exp": _f_simple(sp.exp), "sin": _f_simple(sp.sin),
    "cos": _f_simple(sp.cos), "tanh": _f_simple(sp.tanh), "det": _f_matrix, "tr": _f_matrix,
    "max": _f_maxmin, "min": _f_maxmin, "sup": _f_maxmin, "inf": _f_maxmin, "E": _f_expectation,
    "polygamma": _f_polygamma, "factorial": _f_simple(sp.factorial),
}


# ---- applications by name: KL(p||q), H(X), h(Z), I(X;Y), Gamma(x), psi(x) ---------------------

def _a_kl(ev: _Eval, node: _Apply) -> sp.Expr:
    args, seps = node.paren.args, node.paren.seps
    if len(args) != 2 or seps not in (["MIDNORM"], ["COMMA"]):
        raise LatexUnsupported("KL takes two laws: D_{KL}(p \\| q)")
    return _functional(KL, ev.law(args[0]), ev.law(args[1]))


def _a_entropy(ev: _Eval, node: _Apply) -> sp.Expr:
    found = _abstract.entropy(ev, node)  # H(Z), H(q), H(X | Z) of declared abstract densities
    if found is not None:
        return found
    args, seps = node.paren.args, node.paren.seps
    if len(args) == 2 and seps == ["COMMA"]:
        return _functional(CrossEntropy, ev.law(args[0]), ev.law(args[1]))
    if len(args) != 1:
        raise LatexUnsupported("conditional discrete entropy H(X|Y) is not supported; H(X), H(p) and H(p, q) are")
    return _functional(Entropy, _discrete_law(ev, args[0]))


def _discrete_law(ev: _Eval, node: _Node) -> Distribution:
    if isinstance(node, _Name) and node.full in ev.scope.rvs:
        return ev.scope.rvs[node.full].distribution
    return ev.law(node)


def _a_diff_entropy(ev: _Eval, node: _Apply) -> sp.Expr:
    args, seps = node.paren.args, node.paren.seps
    if len(args) == 2 and seps == ["MIDBAR"]:
        return _functional(CondDiffEntropy, ev.value(args[0]), ev.value(args[1]))
    if len(args) != 1:
        raise LatexUnsupported("h takes one law or random variable, or h(X | Y)")
    target = args[0]
    if isinstance(target, _Apply) and _law_key(target.head) or \
            isinstance(target, _Name) and target.full in ev.scope.laws:
        return _functional(DiffEntropy, ev.law(target))
    return _functional(DiffEntropy, ev.value(target))


def _a_mutual_information(ev: _Eval, node: _Apply) -> sp.Expr:
    head, paren = node.head, node.paren
    if head.sub.isdigit() and not head.font and not head.primes and len(paren.args) == 1 and not paren.seps:
        # I_0(k), I_1(k): the modified Bessel function of the first kind, as SymPy prints besseli(n, k)
        return sp.besseli(sp.Integer(head.sub), ev.value(paren.args[0]))
    found = _abstract.mutual_information(ev, node)  # I(X; Y | Z) of declared abstract variables
    if found is not None:
        return found
    args, seps = node.paren.args, node.paren.seps
    if len(args) != 2 or seps != ["SEMI"]:
        raise LatexUnsupported("I(X; Y) is supported; conditional mutual information I(X; Y | Z) is not")
    return _functional(MI, ev.value(args[0]), ev.value(args[1]))


def _a_special(fn: Callable[[sp.Expr], sp.Expr]) -> Callable[[_Eval, _Apply], sp.Expr]:
    def handler(ev: _Eval, node: _Apply) -> sp.Expr:
        if len(node.paren.args) != 1:
            raise LatexUnsupported(f"{node.head.full} takes one argument")
        return fn(ev.value(node.paren.args[0]))

    return handler


def _a_matrix(ev: _Eval, node: _Apply) -> sp.Expr:
    raise LatexUnsupported(f"a matrix at line {node.pos[0]}, column {node.pos[1]}: matrices are read only as the "
                           "mean and covariance of a normal N(...)")


def _a_special_pair(fn: Callable[[sp.Expr, sp.Expr], sp.Expr], what: str) -> Callable[[_Eval, _Apply], sp.Expr]:
    def handler(ev: _Eval, node: _Apply) -> sp.Expr:
        if len(node.paren.args) != 2 or node.paren.seps != ["COMMA"]:
            raise LatexUnsupported(f"{_font_key(node.head).split(':')[-1]} takes {what}")
        return fn(*[ev.value(a) for a in node.paren.args])

    return handler


# "\phi(u) = u - 1 - \log u", as infoproofs latex writes it for the catalog's LogGap.
_LOG_GAP_DECLARATION = r"\s*\\phi\s*\(\s*u\s*\)\s*=\s*u\s*-\s*1\s*-\s*\\log\s*u\s*"


def _a_log_gap(ev: _Eval, node: _Apply) -> sp.Expr:
    r"""``\phi(u)`` once declared ``\phi(u) = u - 1 - \log u``: the log gap; otherwise phi times (u), as before."""
    if not ev.scope.log_gap or len(node.paren.args) != 1 or node.paren.seps:
        return ev.value(node.head) * ev.value(node.paren)
    from ..rules.tools import LogGap

    return LogGap(ev.value(node.paren.args[0]))


def _functional(cls, *args) -> sp.Expr:
    try:
        return cls(*args)
    except TypeError as exc:
        raise LatexUnsupported(str(exc)) from None


_APPLY: list[tuple[set[str], Callable[[_Eval, _Apply], sp.Expr]]] = [
    (_KL_NAMES, _a_kl),
    ({"H"}, _a_entropy),
    ({"h"}, _a_diff_entropy),
    ({"I"}, _a_mutual_information),
    ({"mathrm:JSD", "JSD", "operatorname:JSD"}, _abstract.jsd),
    ({"Gamma"}, _a_special(sp.gamma)),
    ({"psi"}, _a_special(sp.digamma)),
    # SymPy's own spellings (\operatorname{loggamma}{\left(a \right)}), so that its output reads back
    ({"operatorname:loggamma"}, _a_special(sp.loggamma)),
    ({"operatorname:erf", "mathrm:erf"}, _a_special(sp.erf)),
    ({"operatorname:erfc", "mathrm:erfc"}, _a_special(sp.erfc)),
    ({"operatorname:harmonic"}, _a_special(sp.harmonic)),
    ({"operatorname:polygamma"}, _a_special_pair(sp.polygamma, "an order and an argument")),
    ({"operatorname:B", "mathrm:B"}, _a_special_pair(sp.beta, "two arguments")),
    ({"phi"}, _a_log_gap),
    ({"operatorname:matrix"}, _a_matrix),
]


# ---------------------------------------------------------------------------------------------
# declarations
# ---------------------------------------------------------------------------------------------

def _split_declarations(declarations: Sequence[str]) -> list[str]:
    """Declaration items: separated by ';' or newlines (outside brackets)."""
    found: list[str] = []
    for text in declarations:
        depth, current = 0, []
        for ch in text:
            depth += ch in "({[" and 1 or (-1 if ch in ")}]" else 0)
            if depth <= 0 and ch in ";\n":
                found.append("".join(current))
                current = []
            else:
                current.append(ch)
        found.append("".join(current))
    return [item.strip() for item in found if item.strip().strip("\\ ").strip()]


def _declare_all(declarations: Sequence[str], scope: _Scope) -> list[sp.Basic]:
    """Apply the declarations to the scope; return the relations that become assumptions."""
    items: list[tuple[list, list[str], list]] = []
    for item in _split_declarations(declarations):
        if re.fullmatch(r"\s*\\gamma\b.*[Ee]uler.*", item, re.S):
            scope.euler_gamma = True
            continue
        if re.fullmatch(_LOG_GAP_DECLARATION, item):
            scope.log_gap = True
            continue
        if _abstract.declare(item, scope):  # p(X, Z) \text{ a density}, f \text{ convex}, ...
            continue
        items.append(_parse(item, "decl"))
    relations = [(lhs, ops, rest) for lhs, ops, rest in items
                 if ops[0] not in ("=", "\\sim") and not _declare_domain(lhs, ops, rest, scope)]
    scope.e_is_symbol = "e" in scope.declared
    for lhs, ops, rest in items:  # laws and random variables, once the domains are known
        if ops[0] in ("=", "\\sim"):
            _declare_law(lhs, ops, rest, scope)
    found: list[sp.Basic] = []
    ev = _Eval(scope)
    for lhs, ops, rest in relations:
        found += _constraint(ev, lhs, ops, rest)
    return found


def _single_names(lhs: list) -> list[str] | None:
    if all(isinstance(n, _Name) and not n.font for n in lhs):
        return [n.full for n in lhs]
    return None


def _declare_domain(lhs: list, ops: list[str], rest: list, scope: _Scope) -> bool:
    """``s > 0``, ``d \\in \\mathbb N``, ``p \\in (0, 1)``, ``0 < z < 2``: a domain for the names."""
    if len(lhs) == 1 and ops == ["<", "<"] and _number(lhs[0]) is not None and _number(rest[1]) is not None:
        names = _single_names(rest[:1])
        lo, hi = _number(lhs[0]), _number(rest[1])
        if names is None or not lo < hi:
            return False
        scope.declared[names[0]] = PROBABILITY if (lo, hi) == (0, 1) else _interval_domain(lo, hi)
        return True
    names = _single_names(lhs)
    if names is None or len(rest) != 1:
        return False
    domain = _domain_of(ops[0], rest[0])
    if domain is None:
        return False
    for name in names:
        scope.declared[name] = domain
    return True


def _domain_of(op: str, rhs: _Node) -> Domain | None:
    if op == ">" and isinstance(rhs, _Num) and rhs.value == 0:
        return POSITIVE
    if op != "\\in":
        return None
    if isinstance(rhs, _Name) and rhs.font == "mathbb":
        return {"N": DIMENSION, "R": REAL, "Z_gt0": DIMENSION}.get(rhs.full)
    bounds = [_number(a) for a in rhs.args] if isinstance(rhs, _Paren) and not rhs.square else []
    if len(bounds) == 2 and None not in bounds:
        lo, hi = bounds
        if (lo, hi) == (0, 1):
            return PROBABILITY
        if lo < hi:
            return _interval_domain(lo, hi)
    return None


def _number(node: _Node) -> sp.Rational | None:
    """The value of a plain number or a negated one, else None."""
    if isinstance(node, _Num):
        return node.value
    if isinstance(node, _Sum) and len(node.terms) == 1 and isinstance(node.terms[0][1], _Num):
        return node.terms[0][0] * node.terms[0][1].value
    return None


def _interval_domain(lo: sp.Rational, hi: sp.Rational) -> Domain:
    margin = float(hi - lo) * 0.01
    return Domain(f"({lo}, {hi})", lo, hi, sample_lo=float(lo) + margin, sample_hi=float(hi) - margin)


def _declare_law(lhs: list, ops: list[str], rest: list, scope: _Scope) -> None:
    names = _single_names(lhs)
    if names is None or len(names) != 1 or len(rest) != 1:
        raise LatexUnsupported(f"a declaration with {ops[0]} names one law or random variable")
    scope.roles.clear()
    _collect_roles(rest[0], scope)
    law = _Eval(scope).law(rest[0])
    name = names[0]
    if ops[0] == "=":
        scope.laws[name] = law
    else:
        scope.rvs[name] = RandomVariable(name, law)


_CONSTRAINTS = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, "\\le": sp.LessThan, "\\leq": sp.LessThan,
                "\\leqslant": sp.LessThan, "\\ge": sp.GreaterThan, "\\geq": sp.GreaterThan,
                "\\geqslant": sp.GreaterThan}


def _constraint(ev: _Eval, lhs: list, ops: list[str], rest: list) -> list[sp.Basic]:
    """``a < b``, ``a < b < c``: the relations, as assumptions of the derivation."""
    if ops[0] == "\\in":
        raise LatexUnsupported("a declaration \\in names \\mathbb R, \\mathbb N or an interval of numbers (lo, hi)")
    if len(lhs) != 1 or any(op not in _CONSTRAINTS for op in ops):
        raise LatexUnsupported(f"the declaration relation {ops[0]} is not supported")
    terms = [ev.value(lhs[0])] + [ev.value(r) for r in rest]
    found = []
    for left, op, right in zip(terms, ops, terms[1:]):
        relation = _CONSTRAINTS[op](left, right)
        if relation is sp.false:
            raise LatexUnsupported(f"the declaration {left} {op} {right} can never hold")
        if relation is not sp.true:
            found.append(relation)
    return found


# ---------------------------------------------------------------------------------------------
# public entry point
# ---------------------------------------------------------------------------------------------

def _parse(text: str, start: str):
    """Parse with lark; every failure becomes a LatexParseError naming the line and column."""
    try:
        tree = _PARSER.parse(text, start=start)
    except lark.exceptions.UnexpectedToken as exc:
        tok = exc.token
        raise _parse_error(text, tok.line, tok.column, tok.value if tok.type != "$END" else "end of block",
                           exc.expected) from None
    except lark.exceptions.UnexpectedCharacters as exc:
        raise _parse_error(text, exc.line, exc.column, text[exc.pos_in_stream:exc.pos_in_stream + 1],
                           exc.allowed or ()) from None
    except lark.exceptions.UnexpectedEOF as exc:
        raise _parse_error(text, None, None, "end of block", exc.expected) from None
    try:
        return _ToAst().transform(tree)
    except lark.exceptions.VisitError as exc:
        inner = exc.orig_exc
        if isinstance(inner, (LatexParseError, LatexUnsupported)):
            raise inner from None
        if isinstance(inner, RecursionError):
            raise LatexParseError("the block is nested too deeply", 1, 1) from None
        raise LatexUnsupported(f"cannot read the block: {inner}") from None


def _parse_error(text: str, line, column, token: str, expected) -> LatexParseError:
    if line is None or line < 0 or column is None or column < 0:
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    names = sorted({_NICE.get(e, e) for e in expected})
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    message = f"unexpected {token!r}" + (f"; expected one of: {shown}" if shown else "")
    return LatexParseError(message, line, column, token, names)


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise LatexParseError(f"block too long ({len(text)} characters; at most {MAX_CHARS})", 1, 1)
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise LatexParseError(f"brackets nested too deeply ({deepest} levels; at most {MAX_DEPTH})", 1, 1)


def parse_chain(latex: str, declarations: Sequence[str] = (), log_base: str = "e") -> ParsedChain:
    """Parse one display block into a chain of sides and relations, with hints, assumptions and defaults.

    ``declarations`` are LaTeX items (``\\sigma > 0; q = \\mathcal N(0, 1); X \\sim \\mathrm{Ber}(p)``);
    ``log_base`` ("e", "2" or "10") is the base of a bare ``\\log``.
    """
    if not isinstance(latex, str):
        raise LatexParseError("the block must be text", 1, 1)
    if isinstance(declarations, str):
        declarations = [declarations]
    if log_base not in ("e", "2", "10"):
        raise LatexUnsupported(f"log_base must be 'e', '2' or '10', got {log_base!r}")
    for text in (latex, *declarations):
        _check_size(text)
    try:
        return _parse_chain(latex, declarations, log_base)
    except (LatexParseError, LatexUnsupported):
        raise
    except RecursionError:
        raise LatexParseError("the block is nested too deeply", 1, 1) from None
    except Exception as exc:  # noqa: BLE001 - SymPy and lark raise many kinds; none may escape
        raise LatexUnsupported(f"cannot give the block a meaning: {type(exc).__name__}: {exc}") from None


_PARBOX = re.compile(r"\\parbox\s*(\[[^\]]*\])?\s*")


def _braced(text: str, start: int) -> int | None:
    """The index after the ``{...}`` group opening at ``start`` (balanced, escapes skipped), else None."""
    if start >= len(text) or text[start] != "{":
        return None
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        i += 1
        if depth == 0:
            return i
    return None


def _parboxes_as_hints(latex: str) -> str:
    r"""``\parbox[t]{w}{\raggedright\small by RULE: note \hfill verdict}`` as ``\text{RULE: note}``.

    That is how ``infoproofs latex`` sets each step's justification (on its own
    line, after the step); read back, it is the step's hint, so the round trip
    cites the same rule.  The verdict marks after ``\hfill`` (and the dagger or
    counterexample lines after them) are the checker's output, not the author's
    claim, and are dropped.  Everything stays on its line, so error positions on
    other lines are unchanged.
    """
    pieces, done = [], 0
    for match in _PARBOX.finditer(latex):
        if match.start() < done:
            continue
        width_end = _braced(latex, match.end())
        body_end = _braced(latex, width_end) if width_end is not None else None
        if body_end is None:
            continue
        body = latex[width_end + 1:body_end - 1].split("\\hfill", 1)[0]
        body = re.sub(r"\\(raggedright|small|footnotesize|allowbreak|noindent)(?![A-Za-z])", " ", body)
        text = " ".join(re.sub(r"\\[A-Za-z]+|\\|[{}$]", " ", body).split())
        text = re.sub(r"^by\s+", "", text)
        pieces += [latex[done:match.start()], rf"\text{{{text}}}" if text else ""]
        done = body_end
    return "".join(pieces) + latex[done:] if pieces else latex


_MATRIX_ENV = re.compile(r"\\begin\s*\{(smallmatrix|pmatrix|bmatrix|matrix)\}(.*?)\\end\s*\{\1\}", re.S)


def _matrices_as_lists(latex: str) -> str:
    r"""``\begin{smallmatrix} a & c \\ c & b \end{smallmatrix}`` as ``\operatorname{matrix}((a, c), (c, b))``.

    Why a rewrite: ``&`` and ``\\`` are layout everywhere else in a block (the
    alignment and line breaks of ``align*``), so the grammar never sees them;
    inside a matrix they separate cells and rows.  The rewritten form is a
    function of rows that ``build_law`` reads as the mean or covariance of a
    normal (and nothing else reads: a matrix elsewhere is unsupported).  A row
    count or width that does not match is left to fail there, never guessed.
    """
    def rows(match: re.Match) -> str:
        lines = [line for line in re.split(r"\\\\(?:\s*\[[^\]]*\])?", match.group(2)) if line.strip()]
        cells = [[cell.strip() for cell in line.split("&")] for line in lines]
        inner = ", ".join(r"\left(" + ", ".join(row) + r"\right)" for row in cells)
        return r"\operatorname{matrix}\left(" + inner + r"\right)"

    return _MATRIX_ENV.sub(rows, latex)


def _parse_chain(latex: str, declarations: Sequence[str], log_base: str) -> ParsedChain:
    scope = _Scope(log_base=log_base)
    declared_assumptions = _declare_all(declarations, scope)
    sides_ast, rel_tokens = _parse(_matrices_as_lists(_parboxes_as_hints(latex)), "start")
    if not rel_tokens:
        lines = latex.split("\n")
        raise LatexParseError("no relation: a chain needs =, \\le, \\ge, < or >", len(lines), len(lines[-1]) + 1,
                              "end of block", ["a relation"])
    scope.roles.clear()
    for expr, _hints in sides_ast:
        _collect_roles(expr, scope)
    ev = _Eval(scope)
    sides = [ev.value(expr) for expr, _hints in sides_ast]
    relations, over = zip(*[_relation(tok.value) for tok in rel_tokens])
    hints = [" ".join(filter(None, [o, *h])) for o, (_expr, h) in zip(over, sides_ast[1:])]
    if sides_ast[0][1]:
        hints[0] = " ".join([*sides_ast[0][1], hints[0]]).strip()
    assumptions = list(declared_assumptions)
    for side in sides:
        for constraint in law_constraints(side):
            # a law's parameter made of abstract densities (Bern(p(x) / (p(x) + q(x)))) holds on every
            # instance, and the numeric oracle cannot test it outside the drawn supports: not assumed
            if constraint not in assumptions and _abstract.INSTANCE not in constraint.free_symbols:
                assumptions.append(constraint)
    return ParsedChain(sides, list(relations), hints, assumptions, dict(scope.defaults))


def _relation(text: str) -> tuple[Relation, str]:
    """The relation of a REL token and the hint written over it (\\overset{\\text{Jensen}}{\\le})."""
    if text in _RELATIONS:
        return _RELATIONS[text], ""
    over = re.match(r"\\(?:overset|stackrel)\s*\{(.*)\}\s*\{\s*(.*?)\s*\}$", text, re.S)
    if over is None or over.group(2) not in _RELATIONS:
        raise LatexUnsupported(f"unknown relation {text!r}")
    return _RELATIONS[over.group(2)], _hint_text(lark.Token("HINT", "{" + over.group(1) + "}"))
