"""Named random variables and the laws of simple expressions in them.

A ``RandomVariable`` carries its distribution as a SymPy argument, so an
expression such as ``Z + N`` is self-contained: it can be pickled to a
worker process and its law recovered there.  Distinct random variables are
independent unless a derivation says otherwise; this is the convention of
the source material ("Z ~ N(0, s^2 I), N ~ N(0, t^2 I)").
"""

from __future__ import annotations

import sympy as sp

from .distributions import Distribution, IsoNormal, Laplace, Normal

__all__ = ["RandomVariable", "RV", "random_variables_in", "law_of", "LawUnknown"]


class LawUnknown(ValueError):
    """The distribution of an expression is not one the notation can name."""


class RandomVariable(sp.Expr):
    """A random variable ``name ~ distribution``; prints as its name."""

    is_commutative = True

    def __new__(cls, name: str | sp.Symbol, distribution: Distribution):
        if isinstance(name, str):
            name = sp.Symbol(name)
        if not isinstance(distribution, Distribution):
            raise TypeError(f"the law of {name} must be a Distribution, got {distribution!r}")
        return super().__new__(cls, name, distribution)

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def distribution(self) -> Distribution:
        return self.args[1]

    @property
    def free_symbols(self):
        # The name is not a parameter; the law's parameters are.
        return self.distribution.free_symbols

    def _latex(self, printer) -> str:
        return printer._print(self.args[0])

    def _sympystr(self, printer) -> str:
        return self.name


RV = RandomVariable


def random_variables_in(expr: sp.Basic) -> set[RandomVariable]:
    return set(expr.atoms(RandomVariable))


def law_of(expr: sp.Expr) -> Distribution:
    """The distribution of a linear expression in independent random variables.

    Covers what the catalog needs and no more: a single variable, an affine
    map ``a X + b`` of a Normal or Laplace variable, and sums of independent
    Gaussians (isotropic ones of equal dimension).  Anything else raises
    ``LawUnknown`` so that callers answer "unknown" instead of guessing.
    """
    if isinstance(expr, RandomVariable):
        return expr.distribution
    variables = random_variables_in(expr)
    if not variables:
        raise LawUnknown(f"{expr} contains no random variable")
    poly = sp.Poly(expr, *sorted(variables, key=lambda v: v.name))
    if poly.total_degree() != 1:
        raise LawUnknown(f"{expr} is not linear in its random variables")
    offset = poly.coeff_monomial(1)
    terms = [(poly.coeff_monomial(v), v) for v in poly.gens]
    terms = [(c, v) for c, v in terms if c != 0]
    laws = [v.distribution for _, v in terms]
    if all(isinstance(law, Normal) for law in laws):
        mean = offset + sum(c * law.mean for (c, _), law in zip(terms, laws))
        variance = sum(c**2 * law.variance for (c, _), law in zip(terms, laws))
        return Normal(mean, variance)
    if all(isinstance(law, IsoNormal) for law in laws):
        dims = {law.dim for law in laws}
        if len(dims) != 1:
            raise LawUnknown(f"{expr} adds Gaussians of different dimensions {dims}")
        mean = offset + sum(c * law.mean for (c, _), law in zip(terms, laws))
        variance = sum(c**2 * law.variance for (c, _), law in zip(terms, laws))
        return IsoNormal(mean, variance, dims.pop())
    if len(terms) == 1 and isinstance(laws[0], Laplace):
        c = terms[0][0]
        mu, b = laws[0].args
        return Laplace(c * mu + offset, sp.Abs(c) * b)
    raise LawUnknown(f"no closed-form law for {expr}")
