"""The expectation engine: linearity plus known moments instead of integration.

``sympy.integrate`` of a Gaussian log-ratio takes ~10 s and returns erf-laden
output; the same expectation is a polynomial in ``x`` whose expectation is a
combination of moments.  This module turns ``E_{x~p}[f]`` into
``sum_k c_k E[g_k]`` (linearity) and then replaces each ``E[g_k]`` by a known
value (moments of the law, or a finite sum for discrete laws).  When an atom
has no known expectation it is left unevaluated: the caller then reports
"unknown", never a guess.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..notation.distributions import Distribution, Laplace, MultivariateNormal
from ..notation.expectations import Tabulated, tabulated_expectation
from ..notation.functionals import Expectation, LogDensity, bound_symbols
from ..notation.laws_simplex import Dirichlet

__all__ = [
    "fresh_variable",
    "fresh_coordinates",
    "expand_log_densities",
    "split_linear",
    "apply_linearity",
    "known_expectation",
    "substitute_known_expectations",
    "tabulated_used",
    "integrals_as_expectations",
]


def fresh_variable(*exprs: sp.Basic, base: str = "x") -> sp.Symbol:
    """A real symbol not free in ``exprs``; deterministic so that caches keyed by srepr are stable."""
    taken = set()
    for expr in exprs:
        taken |= {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    for name in [base, "u", "w", *(f"{base}_{i}" for i in range(1, 100))]:
        if name not in taken:
            return sp.Symbol(name, real=True)
    raise ValueError("could not find a fresh variable name")


# law type -> fn(law) -> its number of explicit coordinates (None: no list of coordinates, e.g. a
# Gaussian of unspecified size d); filled by ``coordinate_count``.  A law listed here is integrated
# over a Tuple (x_1, ..., x_K), and its expectations are looked up coordinate-wise in the table.
VECTOR_LAWS: dict[type, Callable[[Distribution], int | None]] = {}


def coordinate_count(family: type):
    """Register how many explicit coordinates a vector law of ``family`` has (its bound Tuple's length)."""

    def wrap(fn: Callable[[Distribution], int | None]):
        VECTOR_LAWS[family] = fn
        return fn

    return wrap


@coordinate_count(MultivariateNormal)
def _mvn_coordinates(dist: MultivariateNormal) -> int | None:
    return int(dist.dim) if dist.explicit else None


@coordinate_count(Dirichlet)
def _dirichlet_coordinates(dist: Dirichlet) -> int | None:
    return int(dist.dim)


def _explicit_size(dist: Distribution) -> int | None:
    for cls in type(dist).__mro__:
        fn = VECTOR_LAWS.get(cls)
        if fn is not None:
            return fn(dist)
    return None


def fresh_coordinates(dist: Distribution, *exprs: sp.Basic, base: str = "x") -> sp.Basic:
    """A bound variable for ``dist``: one fresh symbol, or a Tuple ``(x_1, ..., x_d)`` for a vector law."""
    size = _explicit_size(dist)
    if size is not None:
        taken = set()
        for expr in (dist, *exprs):
            taken |= {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
        for stem in (base, "u", "w"):
            names = [f"{stem}_{i}" for i in range(1, size + 1)]
            if not taken & set(names):
                return sp.Tuple(*[sp.Symbol(n, real=True) for n in names])
        raise ValueError("could not find fresh coordinate names")
    return fresh_variable(dist, *exprs, base=base)


def expand_log_densities(expr: sp.Expr, bound: dict | None = None) -> sp.Expr:
    """Replace every ``log q(x)`` by the law's explicit log-density, where that formula holds.

    The formula of a law with a restricted support (Exponential: x >= 0,
    Uniform: a <= x <= b) is log q(x) only *on* that support.  So ``log q(x)``
    is expanded inside ``E_{x~p}[...]`` only when p's support lies within q's,
    and for a free x only when q's support is the whole line (or x's
    assumptions put it inside); elsewhere it stays unexpanded, and nothing is
    proved from a formula that would be false there (KL(Normal || Exponential)
    is +oo, not the finite number the formulas give).  ``bound`` maps the
    variables bound by enclosing expectations to their laws.
    """
    bound = bound or {}
    if isinstance(expr, LogDensity):
        coordinates = tuple(expr.var) if isinstance(expr.var, sp.Tuple) else (expr.var,)
        laws = {bound.get(c) for c in coordinates}
        if len(laws) == 1 and None not in laws:
            valid = laws.pop().support_within(expr.dist) is True
        else:
            valid = expr.dist.support() == sp.S.Reals or _inside_support(expr)
        return expr.doit() if valid else expr
    if not isinstance(expr, sp.Basic) or not expr.args or not expr.has(LogDensity):
        return expr
    if isinstance(expr, Expectation):
        inner = {**bound, **{v: expr.dist for v in expr.bound}}
        return Expectation(expand_log_densities(expr.integrand, inner), expr.var, expr.dist)
    return expr.func(*[expand_log_densities(a, bound) for a in expr.args])


def _inside_support(ld: LogDensity) -> bool:
    """A free variable whose assumptions put it inside [0, oo), the support of an Exponential."""
    support = ld.dist.support()
    if isinstance(support, sp.Interval) and support.start == 0 and support.end is sp.oo:
        return bool(getattr(ld.var, "is_nonnegative", False))
    return False


def split_linear(integrand: sp.Expr, var: sp.Basic) -> list[tuple[sp.Expr, sp.Expr]]:
    """Write ``integrand`` as ``sum c_i * g_i`` with ``c_i`` free of ``var``.

    Returns (coefficient, g) pairs with like ``g`` merged; ``g == 1`` collects
    the constant part.  Logs are expanded first (sound: ``expand_log`` without
    ``force`` only splits logs whose arguments SymPy knows to be positive).
    """
    expanded = sp.expand(sp.expand_log(sp.expand(integrand)))
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(expanded):
        coeff, rest = term.as_independent(*bound_symbols(var), as_Add=False)
        groups[rest] = groups.get(rest, sp.Integer(0)) + coeff
    return [(sp.factor_terms(c), g) for g, c in groups.items() if c != 0]


def apply_linearity(expr: sp.Expr) -> sp.Expr:
    """Push every expectation through sums and constant factors."""

    def linear(e: Expectation) -> sp.Expr:
        total = sp.Integer(0)
        for coeff, g in split_linear(e.integrand, e.var):
            total += coeff * (sp.Integer(1) if g == 1 else Expectation(g, e.var, e.dist))
        return total

    return expr.replace(lambda e: isinstance(e, Expectation), linear)


def known_expectation(g: sp.Expr, var: sp.Symbol, dist: Distribution) -> sp.Expr | None:
    """E[g(var)] under ``dist`` when it is a moment, a finite sum, or a tabulated atom."""
    if dist.is_discrete and dist.finite_support:
        return sp.Add(*[prob * g.subs(var, value) for value, prob in dist.outcomes()])
    if isinstance(dist, MultivariateNormal):
        return _gaussian_vector_moment(g, bound_symbols(var), dist)
    try:
        if g == var:
            return dist.moment(1)
        if g.is_Pow and g.base == var and g.exp.is_Integer and g.exp > 0:
            return dist.moment(int(g.exp))
    except NotImplementedError:
        pass
    # a Tuple of coordinates (a Dirichlet's point): the table's coordinate atoms (E log x_i, E x_i x_j)
    found = tabulated_expectation(g, var, dist)
    if found is not None:
        return found[0]
    if isinstance(dist, Laplace):
        mu, b = dist.args
        if g in (sp.Abs(var - mu), sp.Abs(mu - var)):
            return b
        # E|x - c| = |mu - c| + b exp(-|mu - c| / b) for a constant c: integrate the
        # two exponential tails of the Laplace density on either side of c.
        if isinstance(g, sp.Abs):
            inner = sp.expand(g.args[0])
            slope = inner.coeff(var)
            offset = sp.expand(inner - slope * var)
            if slope in (1, -1) and var not in offset.free_symbols:
                delta = sp.Abs(mu + slope * offset)
                return delta + b * sp.exp(-delta / b)
    return None


def _gaussian_vector_moment(g: sp.Expr, coords: tuple[sp.Symbol, ...], dist: MultivariateNormal) -> sp.Expr | None:
    """E[g(x)] for a polynomial g of degree <= 2, from E[x_i] = mu_i and E[x_i x_j] = Sigma_ij + mu_i mu_j.

    Covers the central moments E[(x_i - mu_i)(x_j - mu_j)] = Sigma_ij that a
    quadratic form needs; higher degrees (Isserlis) are left unevaluated.
    """
    if not dist.explicit or len(coords) != int(dist.dim) or not g.is_polynomial(*coords):
        return None
    poly = sp.Poly(sp.expand(g), *coords)
    if poly.total_degree() > 2:
        return None
    mu, cov = dist.mean, dist.cov
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        used = [i for i, k in enumerate(powers) for _ in range(k)]
        if not used:
            total += coeff
        elif len(used) == 1:
            total += coeff * mu[used[0]]
        else:
            i, j = used
            total += coeff * (cov[i, j] + mu[i] * mu[j])
    return total


def _expectation_status(e: Expectation, depth: int = 0) -> str:
    """"finite", "undefined" (E_Cauchy[x]), or "unknown" (no closed form, or one that may be infinite).

    A log-density in the integrand is written out first (where its formula holds on the law's support), and
    the pieces are judged one by one: E_{x~N}[log N(x; m, s^2)] is finite because E x and E x^2 are.
    """
    try:
        closed = known_expectation(e.integrand, e.var, e.dist)
    except Exception:  # noqa: BLE001 - a table that cannot evaluate this atom decides nothing
        closed = None
    if closed is None:
        expanded = expand_log_densities(e)
        if depth or not isinstance(expanded, Expectation) or expanded == e:
            return "unknown"
        pieces = [g for _c, g in split_linear(expanded.integrand, expanded.var) if g != 1]
        statuses = [_expectation_status(Expectation(g, e.var, e.dist), depth + 1) for g in pieces]
        if "undefined" in statuses:
            return "undefined"
        return "finite" if all(st == "finite" for st in statuses) else "unknown"
    closed = sp.sympify(closed)
    if closed.has(sp.nan, sp.zoo):
        return "undefined"
    if closed.has(sp.oo, -sp.oo) or closed.atoms(Expectation):
        return "unknown"
    return "finite"


def additive(law: Distribution, atoms: list[Expectation]) -> bool:
    """May the expectations ``atoms`` under one law be added (E[f] + E[g] = E[f + g])?  Shown, never assumed.

    Linearity of expectation holds when every term is integrable, and in the extended reals when all terms
    but one are: E[f + g] = E[f] + E[g] for g integrable, whatever E[f] is (+oo included).  It fails where a
    term has no expectation at all (E_{x~Cauchy}[x]) or two terms may be infinite (oo - oo): KL(Cauchy || Gumbel)
    is +oo, but splitting it gives E[e^{-x/d}] (+oo) plus E[x]/d (undefined), and E[x^2 + 1] - E[x^2] under a
    Cauchy law is oo - oo, not 1.  So for a named family, every term but one must have a known finite
    expectation (from its moments or the cited table).  The laws of abstract families (``p(x | z)``) keep the
    standing assumption of the papers they come from, that their log-densities are integrable.
    """
    from ..notation.abstract import Law, MixtureLaw

    if isinstance(law, (Law, MixtureLaw)) or len(atoms) < 2:
        return True
    statuses = [_expectation_status(e) for e in atoms]
    return "undefined" not in statuses and sum(s != "finite" for s in statuses) <= 1


def linearity_licensed(expr: sp.Expr, split: bool = False) -> bool:
    """May linearity gather each law's expectations in ``expr`` into one (``split``: push each through its sums)?

    Gathering concerns only a law with two or more expectations in ``expr`` (one expectation is compared
    with the other side's by integrand, point by point, which needs no linearity); splitting concerns every
    expectation (E[f + g] -> E[f] + E[g], as the engine's derivations and closed forms do).  The terms are
    counted *before* anything cancels: each expectation's integrand is split into its linear pieces (as
    ``apply_linearity`` does), and the pieces must be additive (see ``additive``), so that E[x^2 + 1] - E[x^2]
    under a Cauchy law is not read as 1.
    """
    by_law: dict[Distribution, list[Expectation]] = {}
    for e in expr.atoms(Expectation):
        by_law.setdefault(e.dist, []).append(e)
    for law, atoms in by_law.items():
        if len(atoms) < 2 and not split:
            continue
        pieces = [Expectation(g, e.var, e.dist) for e in atoms for _c, g in split_linear(e.integrand, e.var) if g != 1]
        if not additive(law, pieces):
            return False
    return True


def tabulated_used(expr: sp.Expr) -> list[Tabulated]:
    """The tabulated results that evaluating the expectations in ``expr`` relies on (for a step's note)."""
    used: list[Tabulated] = []
    for e in expr.atoms(Expectation):
        if e.dist.is_discrete and e.dist.finite_support:
            continue
        for _, g in split_linear(e.integrand, e.var):
            found = tabulated_expectation(g, e.var, e.dist) if g != 1 else None
            if found is not None and found[1] not in used:
                used.append(found[1])
    return used


def substitute_known_expectations(expr: sp.Expr) -> sp.Expr:
    """Replace each ``E[g]`` whose value is known; leave the others in place (see ``value_expectations``)."""

    def value(e: Expectation) -> sp.Expr:
        known = known_expectation(e.integrand, e.var, e.dist)
        return e if known is None else known

    return value_expectations(expr, value, split=False)


def finite_value(value: sp.Basic) -> bool:
    """A value with no infinity, no NaN and no expectation left in it (so nothing in it can be +oo)."""
    value = sp.sympify(value)
    return not value.has(sp.oo, -sp.oo, sp.nan, sp.zoo) and not value.atoms(Expectation)


def value_expectations(expr: sp.Expr, value: Callable[[Expectation], sp.Expr], split: bool = True) -> sp.Expr:
    """Replace each expectation ``e`` of ``expr`` by ``value(e)``, soundly where the terms need not add.

    Where each law's terms add (``linearity_licensed``; ``split``: ``value`` pushes each expectation through
    its sums), every value is put in.  Where they need not, only the values that are finite (``finite_value``)
    are: a Student t's E x^2 is Piecewise((..., nu > 2), (oo, True)), and SymPy cancels P - P to 0 however
    P reads, so E[x^2 + 1] - E[x^2] would come out 1 where it is oo - oo.
    """
    licensed = linearity_licensed(expr, split=split)

    def each(e: Expectation) -> sp.Expr:
        found = value(e)
        return found if licensed or finite_value(found) else e

    return expr.replace(lambda e: isinstance(e, Expectation), each)


def _support_limits(dist: Distribution) -> tuple[sp.Expr, sp.Expr] | None:
    support = dist.support()
    if support == sp.S.Reals:
        return (-sp.oo, sp.oo)
    if isinstance(support, sp.Interval):
        return (support.start, support.end)
    return None


def _exps_outside_logs(expr: sp.Expr) -> int:
    """How many exponentials remain outside logarithms (a density that did not cancel leaves one)."""
    count = 0

    def walk(e):
        nonlocal count
        if isinstance(e, sp.log):
            return
        if isinstance(e, sp.exp):
            count += 1
        for a in e.args:
            walk(a)

    walk(expr)
    return count


def recognised_laws(integrand: sp.Expr, x: sp.Symbol) -> list[Distribution]:
    """Laws whose densities appear in an integrand written out by hand.

    A factor ``exp(a x^2 + b x + c)`` with a < 0 is a Gaussian kernel: N(-b/(2a),
    -1/(2a)).  (The conversion to an expectation is an identity for any law with
    the right support; recognising the kernel only picks the law that cancels.)
    """
    from ..notation.distributions import Normal

    found: list[Distribution] = []
    for e in integrand.atoms(sp.exp):
        exponent = sp.expand(e.args[0])
        if not exponent.is_polynomial(x):
            continue
        poly = sp.Poly(exponent, x)
        if poly.degree() != 2:
            continue
        a, b = poly.coeff_monomial(x**2), poly.coeff_monomial(x)
        if a.is_negative is not True:
            continue
        law = Normal(sp.simplify(-b / (2 * a)), sp.simplify(-1 / (2 * a)))
        if law not in found:
            found.append(law)
    return found


def integrals_as_expectations(expr: sp.Expr, laws) -> sp.Expr:
    """Read an integral against a density as an expectation: int f(x) dx = E_{x~p}[f(x) / p(x)].

    For each ``Integral(f, (x, a, b))`` and each candidate law p whose support is
    exactly [a, b] (and whose density is positive there), the identity holds;
    the law chosen is the one whose density cancels out of f (fewest
    exponentials left outside logs), as in the definition of KL written
    ``int p(x) log(p(x)/q(x)) dx``.  Integrals no law fits stay as they are.
    """
    laws = [law for law in laws if isinstance(law, Distribution) and not law.is_discrete]
    if not expr.has(sp.Integral):
        return expr

    def convert(integral: sp.Integral) -> sp.Expr:
        if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
            return integral
        x, a, b = integral.limits[0]
        best = None
        candidates = laws + [law for law in recognised_laws(integral.function, x) if law not in laws]
        for law in candidates:
            if _support_limits(law) != (a, b):
                continue
            density = law.density(x)
            ratio = sp.powsimp(sp.expand_power_exp(integral.function / density), combine="exp")
            try:
                ratio = sp.simplify(ratio)
            except (TypeError, ValueError, NotImplementedError, RecursionError):
                pass
            score = _exps_outside_logs(ratio)
            if best is None or score < best[0]:
                best = (score, Expectation(ratio, x, law))
        return integral if best is None else best[1]

    return expr.replace(lambda e: isinstance(e, sp.Integral), convert)
