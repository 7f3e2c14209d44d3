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
]


@dataclass(frozen=True)
class Domain:
    """An open interval of the reals (or a range of integers) plus how to sample it.

    ``lo``/``hi`` are the mathematical bounds (``None`` for unbounded);
    ``sample_lo``/``sample_hi`` are the finite window the numeric oracle draws
    from, always strictly inside the bounds.
    """

    name: str
    lo: float | None
    hi: float | None
    integer: bool = False
    sample_lo: float = -4.0
    sample_hi: float = 4.0
    # How the domain reads in LaTeX, with {symbol} for the symbol; None: from the bounds.
    # "" hides it (the seed of a random instance is a device of the checker, not an assumption).
    latex_form: str | None = None

    def assumptions(self) -> dict[str, bool]:
        found: dict[str, bool] = {"real": True}
        if self.integer:
            found["integer"] = True
        if self.lo is not None and self.lo >= 0:
            found["positive"] = True
        if self.hi is not None and self.hi <= 0:
            found["negative"] = True
        return found

    def contains(self, value: float) -> bool:
        if self.integer and int(value) != value:
            return False
        if self.lo is not None and not value > self.lo:
            return False
        if self.hi is not None and not value < self.hi:
            return False
        return True

    def describe(self, symbol: str) -> str:
        """Plain-text statement of the domain, e.g. ``s > 0``."""
        if self.integer:
            return f"{symbol} is a positive integer"
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


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


REAL = Domain("real", None, None, sample_lo=-4.0, sample_hi=4.0)
POSITIVE = Domain("positive", 0.0, None, sample_lo=0.05, sample_hi=8.0)
PROBABILITY = Domain("probability", 0.0, 1.0, sample_lo=0.01, sample_hi=0.99)
DIMENSION = Domain("dimension", 0.0, None, integer=True, sample_lo=1, sample_hi=6)

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


def interval(names: str, lo: float | None, hi: float | None):
    """Symbols in the open interval (lo, hi); use for e.g. a correlation in (-1, 1)."""
    if lo is not None and hi is not None and not lo < hi:
        raise ValueError(f"empty interval ({lo}, {hi})")
    sample_lo = lo + _margin(lo, hi) if lo is not None else (hi - 8.0 if hi is not None else -4.0)
    sample_hi = hi - _margin(lo, hi) if hi is not None else (lo + 8.0 if lo is not None else 4.0)
    return _many(
        names,
        Domain(f"({lo}, {hi})", lo, hi, sample_lo=sample_lo, sample_hi=sample_hi),
    )


def _margin(lo: float | None, hi: float | None) -> float:
    if lo is not None and hi is not None:
        return (hi - lo) * 0.01
    return 0.01


def domain_of(symbol: sp.Symbol) -> Domain | None:
    return _DECLARED.get(symbol)


def is_declared(symbol: sp.Symbol) -> bool:
    return symbol in _DECLARED


def declared(symbols: Iterable[sp.Symbol]) -> dict[sp.Symbol, Domain]:
    return {s: _DECLARED[s] for s in symbols if s in _DECLARED}
