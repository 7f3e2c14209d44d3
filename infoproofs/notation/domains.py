"""Symbols that carry a domain.

A domain does two jobs at once: it fixes the SymPy assumptions a symbol is
created with (so that ``log(s**2) = 2*log(s)`` is allowed only when ``s > 0``)
and it tells the numeric oracle where it may draw points.  Keeping both in one
object is what stops the numeric checker from sampling outside the
assumptions, the bug SymPy's own ``Expr.equals`` has (sympy issue #29781).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp

__all__ = [
    "Domain",
    "REAL",
    "POSITIVE",
    "PROBABILITY",
    "DIMENSION",
    "declare",
    "domain_of",
    "real",
    "positive",
    "probability",
    "dimension",
    "interval",
    "is_declared",
    "exact",
    "as_rational",
]


Bound = sp.Expr | None


def exact(value) -> sp.Expr:
    """The exact value of a domain bound, never a "nice" nearby number.

    A Python float becomes the rational number it *is* (its binary value), a
    decimal string its exact decimal value, a SymPy number stays itself: so
    ``interval("u", 0, 1.00000000000001)`` keeps its upper bound strictly above
    1 and ``u < 1`` cannot be proved from it (``nsimplify`` would round it to 1).
    """
    if isinstance(value, bool):
        raise TypeError("a domain bound must be a number, not a bool")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"a domain bound must be finite (use None for no bound), got {value!r}")
        return sp.Rational(*value.as_integer_ratio())
    if isinstance(value, str):
        try:
            return sp.Rational(value)
        except (TypeError, ValueError):
            raise ValueError(f"a domain bound must be a number, got {value!r}") from None
    if isinstance(value, sp.Float):
        sign, man, exp, _ = value._mpf_
        return sp.Integer((-1) ** sign * man) * sp.Integer(2) ** exp if man else sp.Integer(0)
    if isinstance(value, sp.Basic) and value.is_number and value.is_real and value.is_finite:
        return value
    raise ValueError(f"a domain bound must be a finite real number, got {value!r}")


@dataclass(frozen=True)
class Domain:
    """An open interval of the reals (or a range of integers) plus how to sample it.

    ``lo``/``hi`` are the mathematical bounds, kept *exactly* (SymPy numbers;
    ``None`` for unbounded): the symbolic oracle reasons with them and the
    numeric oracle draws points strictly between them.  ``sample_lo`` and
    ``sample_hi`` are the *typical* window, where the first points are drawn;
    the rest cover every scale of the domain (see ``oracles.points``).
    ``sampler`` names how points are drawn: ``"scales"`` (the whole domain,
    every decade, near each bound), ``"window"`` (only the typical window: the
    outcome index of a finite support) or ``"seed"`` (uniform integers: the seed
    of a random instance, whose *instance* covers the sizes).
    """

    name: str
    lo: Bound
    hi: Bound
    integer: bool = False
    sample_lo: float = -4.0
    sample_hi: float = 4.0
    # How the domain reads in LaTeX, with {symbol} for the symbol; None: from the bounds.
    # "" hides it (the seed of a random instance is a device of the checker, not an assumption).
    latex_form: str | None = None
    sampler: str = "scales"

    def __post_init__(self) -> None:
        for side in ("lo", "hi"):
            value = getattr(self, side)
            if value is not None and not isinstance(value, sp.Basic):
                object.__setattr__(self, side, exact(value))
        if self.lo is not None and self.hi is not None and not bool(self.lo < self.hi):
            raise ValueError(f"empty domain ({self.lo}, {self.hi})")

    def assumptions(self) -> dict[str, bool]:
        found: dict[str, bool] = {"real": True}
        if self.integer:
            found["integer"] = True
        if self.lo is not None and bool(self.lo >= 0):
            found["positive"] = True
        if self.hi is not None and bool(self.hi <= 0):
            found["negative"] = True
        return found

    def contains(self, value) -> bool:
        """Exact membership: ``value`` (int, float, Fraction, mpf, SymPy number) strictly inside."""
        number = as_rational(value)
        if self.integer and number.q != 1:
            return False
        if self.lo is not None and not bool(number > self.lo):
            return False
        if self.hi is not None and not bool(number < self.hi):
            return False
        return True

    def describe(self, symbol: str) -> str:
        """Plain-text statement of the domain, e.g. ``s > 0``."""
        if self.integer:
            if self.lo is not None and bool(self.lo >= 0) and self.hi is None:
                return f"{symbol} is a positive integer" if self.lo == 0 else f"{symbol} is an integer > {_fmt(self.lo)}"
            return f"{symbol} is an integer in ({_fmt(self.lo)}, {_fmt(self.hi)})"
        if self.lo is None and self.hi is None:
            return f"{symbol} is real"
        if self.hi is None:
            return f"{symbol} > {_fmt(self.lo)}"
        if self.lo is None:
            return f"{symbol} < {_fmt(self.hi)}"
        return f"{symbol} in ({_fmt(self.lo)}, {_fmt(self.hi)})"

    def latex(self, symbol: str) -> str:
        if self.latex_form is not None:
            return self.latex_form.replace("{symbol}", symbol)
        if self.integer:
            return rf"{symbol} \in \mathbb{{Z}}_{{>0}}"
        if self.lo is None and self.hi is None:
            return rf"{symbol} \in \mathbb{{R}}"
        if self.hi is None:
            return rf"{symbol} > {_fmt(self.lo)}"
        if self.lo is None:
            return rf"{symbol} < {_fmt(self.hi)}"
        return rf"{symbol} \in ({_fmt(self.lo)}, {_fmt(self.hi)})"


def as_rational(value) -> sp.Rational:
    """An exact rational for a number of any of the kinds the oracles pass around."""
    import fractions

    import mpmath as mp

    if isinstance(value, sp.Rational):
        return value
    if isinstance(value, mp.mpf):
        sign, man, exp, _ = value._mpf_
        return sp.Integer((-1) ** sign * man) * sp.Integer(2) ** exp if man else sp.Integer(0)
    if isinstance(value, fractions.Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (int, float, str, sp.Float)):
        return exact(value)
    if isinstance(value, sp.Basic) and value.is_number:
        return sp.Rational(value) if value.is_Rational else exact(sp.Float(value, 60))
    raise TypeError(f"not a number: {value!r}")


def _fmt(value) -> str:
    """A short reading of an exact bound: the shortest float that is exactly it, else the rational."""
    if value is None:
        return ""
    value = sp.sympify(value)
    if value.is_Integer:
        return str(int(value))
    if value.is_Rational:
        as_float = float(value)
        if exact(as_float) == value:
            return repr(as_float)
        return str(value)
    return sp.sstr(value)


REAL = Domain("real", None, None, sample_lo=-4.0, sample_hi=4.0)
POSITIVE = Domain("positive", 0, None, sample_lo=0.05, sample_hi=8.0)
PROBABILITY = Domain("probability", 0, 1, sample_lo=0.01, sample_hi=0.99)
DIMENSION = Domain("dimension", 0, None, integer=True, sample_lo=1, sample_hi=6)
# A family's parameter role (``param_roles``) -> its domain: read by the parser, the strategies and the audit.
ROLE_DOMAINS: dict[str, Domain] = {"real": REAL, "positive": POSITIVE, "probability": PROBABILITY, "dimension": DIMENSION}

# Symbol -> Domain.  SymPy symbols hash by name *and* assumptions, so a plain
# ``Symbol("s")`` is a different key from ``positive("s")``: an expression that
# uses an undeclared symbol is caught even when a declared one shares its name.
_DECLARED: dict[sp.Symbol, Domain] = {}


def declare(name: str, domain: Domain) -> sp.Symbol:
    """Create (or fetch) the symbol ``name`` with ``domain`` and record it."""
    if not name.isidentifier():
        raise ValueError(f"invalid symbol name {name!r}")
    symbol = sp.Symbol(name, **domain.assumptions())
    # A later declaration with another domain (another file's ``s`` in (0, 1)
    # where this one's is in (0, oo)) replaces the current one; each Derivation
    # captures the domains in force when its steps are written, so both keep
    # their own.
    _DECLARED[symbol] = domain
    return symbol


def _many(names: str, domain: Domain) -> sp.Symbol | tuple[sp.Symbol, ...]:
    parts = names.replace(",", " ").split()
    if not parts:
        raise ValueError("no symbol names given")
    made = tuple(declare(part, domain) for part in parts)
    return made[0] if len(made) == 1 else made


def real(names: str):  # -> Symbol | tuple[Symbol, ...]
    """Real symbols, sampled in [-4, 4]."""
    return _many(names, REAL)


def positive(names: str):
    """Strictly positive symbols (scales, variances), sampled in (0.05, 8)."""
    return _many(names, POSITIVE)


def probability(names: str):
    """Symbols in the open interval (0, 1)."""
    return _many(names, PROBABILITY)


def dimension(names: str):
    """Positive integers such as a latent dimension d, sampled in 1..6."""
    return _many(names, DIMENSION)


def interval(names: str, lo, hi):
    """Symbols in the open interval (lo, hi); use for e.g. a correlation in (-1, 1).

    Bounds are kept exactly (see ``exact``): a float is the binary number it
    is, a string such as ``"0.1"`` is the decimal it spells, ``None`` is no
    bound.  Points are drawn from the whole interval, near both bounds too.
    """
    lo_ = exact(lo) if lo is not None else None
    hi_ = exact(hi) if hi is not None else None
    if lo_ is not None and hi_ is not None and not bool(lo_ < hi_):
        raise ValueError(f"empty interval ({lo}, {hi})")
    flo = float(lo_) if lo_ is not None else None
    fhi = float(hi_) if hi_ is not None else None
    if flo is not None and fhi is not None:
        margin = (fhi - flo) * 0.01
        sample_lo, sample_hi = flo + margin, fhi - margin
    elif flo is not None:
        sample_lo, sample_hi = flo + 0.01, flo + 8.0
    elif fhi is not None:
        sample_lo, sample_hi = fhi - 8.0, fhi - 0.01
    else:
        sample_lo, sample_hi = -4.0, 4.0
    name = f"({_fmt(lo_) if lo_ is not None else '-oo'}, {_fmt(hi_) if hi_ is not None else 'oo'})"
    return _many(names, Domain(name, lo_, hi_, sample_lo=sample_lo, sample_hi=sample_hi))


def domain_of(symbol: sp.Symbol) -> Domain | None:
    """The domain the symbol was last declared with (None for a symbol never declared)."""
    return _DECLARED.get(symbol)


def is_declared(symbol: sp.Symbol) -> bool:
    return symbol in _DECLARED


def declared(symbols: Iterable[sp.Symbol]) -> dict[sp.Symbol, Domain]:
    return {s: _DECLARED[s] for s in symbols if s in _DECLARED}
