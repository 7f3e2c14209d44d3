"""Drawing parameters, asking the library and infoproofs' two oracles, comparing, shrinking.

For one subject (a family, or a pair for a KL divergence) and one quantity
(entropy, KL, log-density, mean, variance), hypothesis draws parameter values
inside the family's domain; at each draw the library's float64 value is
compared with

(a) infoproofs' derived closed form (``closed_form`` of the functional, the
    law's ``log_density``, ``mean_value``, ``variance_value``) with the
    parameters substituted as exact rationals (the very float64 values the
    library gets), evaluated at 30 digits with tracked errors, and
(b) the definition itself, evaluated by the numeric oracle (quadrature or a
    series with a tail bound), on the first ``witnesses`` draws, and on every
    draw where (a) is unavailable.

(a) and (b) share only the law's log-density, so where both exist they must
agree to ~18 digits; if they do not, that is an internal inconsistency of
infoproofs, reported separately and never blamed on the library.  A library
value outside the tolerance of the reference is a discrepancy, and hypothesis
shrinks the parameters towards simple values (0, 1, small integers) to report
a minimal counterexample.  Shrinking uses the cheaper oracle (a) where it
exists and stops after ``SHRINK_CALLS`` new evaluations (a larger but still
failing example is then reported), so a failure costs seconds, not minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mpmath as mp
import sympy as sp

from .libraries import Adapter, NotProvided, infoproofs_family

__all__ = ["Probe", "Outcome", "CheckResult", "QUANTITIES", "quantity", "audit_check", "subjects", "DRAWS"]

DIGITS = 40  # the checker's working precision (at 30 digits a thin e^{-400u} feature escaped an Exponential quadrature)
ORACLE_AGREEMENT = mp.mpf(10) ** -18  # relative, between infoproofs' two 30-digit witnesses
SHRINK_CALLS = 40
X = sp.Symbol("x", real=True)


# ---- drawing parameters ----------------------------------------------------------------------------

# Roles of the classic families that predate ``param_roles`` (the class's own roles win when present).
_CLASSIC_ROLES: dict[str, tuple[str, ...]] = {
    "Normal": ("real", "positive"), "Laplace": ("real", "positive"), "Exponential": ("positive",),
    "Bernoulli": ("probability",),
}


@dataclass(frozen=True)
class Draw:
    """How to draw one family's parameter values (floats, ints, lists) and build the exact law from them."""

    strategy: Callable[[], Any]  # -> hypothesis strategy of value tuples (built lazily: hypothesis is imported late)
    exact: Callable[[type, tuple], Any]  # (class, values) -> infoproofs law with exact parameters


DRAWS: dict[str, Draw] = {}


def draws(family: str, exact: Callable[[type, tuple], Any] | None = None):
    """Register a strategy maker for a family whose parameters are not independent scalars."""

    def wrap(fn: Callable[[], Any]) -> Callable[[], Any]:
        DRAWS[family] = Draw(fn, exact or _exact_scalars)
        return fn

    return wrap


def nice(value: Any) -> Any:
    """A drawn float rounded to 6 significant digits (ints, and lists of them, as they are).

    The exact law is built from the decimal (``_exact``) and the library gets
    the float nearest to it, so the two see the same number to half an ulp
    (a relative 1.1e-16, far below the 1e-8 tolerance).  Decimals keep SymPy
    fast: the binary expansion of a float is a rational with a 2^52
    denominator, on which the engine's simplification of a Categorical
    entropy ran for minutes (it combines p log p into powers p^p).
    """
    if isinstance(value, (tuple, list)):
        return tuple(nice(v) for v in value)
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.6g}")
    return value


def _exact(value: Any) -> sp.Expr:
    """The drawn number as an exact rational: the decimal it prints as (ints stay integers)."""
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(float(value)))


def _exact_scalars(cls: type, values: tuple) -> Any:
    return cls(*[_exact(v) for v in values])


def _role_domain(role: str):
    from infoproofs.notation.domains import ROLE_DOMAINS

    return ROLE_DOMAINS[role]


def roles_of(family: str) -> tuple[str, ...] | None:
    cls = infoproofs_family(family)
    found = getattr(cls, "param_roles", None)
    return tuple(found) if found else _CLASSIC_ROLES.get(family)


def draw_for(family: str) -> Draw | None:
    """The family's registered draw, else one from its parameter roles (each in its typical window)."""
    if family in DRAWS:
        return DRAWS[family]
    roles = roles_of(family)
    if roles is None:
        return None

    def strategy():
        from hypothesis import strategies as st

        from infoproofs.strategies import parameters

        return st.tuples(*(parameters(_role_domain(r)) for r in roles)).map(nice)

    return Draw(strategy, _exact_scalars)


@draws("Uniform")
def _uniform_draw():
    from hypothesis import strategies as st

    from infoproofs.strategies import parameters

    real, positive = _role_domain("real"), _role_domain("positive")
    return st.tuples(parameters(real), parameters(positive)).map(nice).map(lambda lw: (lw[0], nice(lw[0] + lw[1])))


def _exact_simplex(values: tuple) -> list[sp.Expr]:
    """The first K-1 floats exactly, the last 1 - their sum (so the probabilities sum to exactly 1)."""
    head = [_exact(v) for v in values[:-1]]
    return [*head, 1 - sp.Add(*head)]


def _simplex_values(probs) -> tuple[float, ...]:
    head = tuple(nice(float(v)) for v in probs[:-1])
    return (*head, float(1 - sp.Add(*[_exact(v) for v in head])))


def _weights_simplex(weights: tuple[int, ...]) -> tuple[float, ...]:
    total = sum(weights)
    return tuple(float(sp.Rational(w, total)) for w in weights)


def _exact_categorical(cls: type, values: tuple) -> Any:
    """The fractions back from their floats: denominators <= 100 lie >= 1e-4 apart, floats 1e-17 from them."""
    head = [sp.Rational(v).limit_denominator(100) for v in values[0][:-1]]
    return cls([*head, 1 - sp.Add(*head)])


@draws("Categorical", exact=_exact_categorical)
def _categorical_draw():
    """Probabilities w_i / sum(w) for integer weights 1..20 (uniform when shrunk).

    Small denominators on purpose: the engine's tidying of sum p log p with
    8-digit decimals combines the logs into powers such as 12345678^12345678
    and never finishes.  The value is the tuple of probabilities as floats;
    the library gets the floats, the exact law the fractions (recovered from them).
    """
    from hypothesis import strategies as st

    weight = st.integers(min_value=1, max_value=20)
    sized = st.integers(min_value=2, max_value=5).flatmap(lambda k: st.lists(weight, min_size=k, max_size=k))
    return sized.map(lambda w: (_weights_simplex(tuple(w)),))


# K in {2, 3}: the numeric witness integrates K - 1 sticks (4 is its limit; 3 keeps a draw under a second)
_DIRICHLET_SIZES = (2, 3)


def _concentration_lists(k: int):
    from hypothesis import strategies as st

    from infoproofs.strategies import parameters

    one = parameters(_role_domain("positive"))
    return st.lists(one, min_size=k, max_size=k).map(lambda a: (nice(a),))


@draws("Dirichlet", exact=lambda cls, values: cls([_exact(v) for v in values[0]]))
def _dirichlet_draw():
    from hypothesis import strategies as st

    return st.sampled_from(_DIRICHLET_SIZES).flatmap(_concentration_lists)


# (family of p, family of q) -> strategy maker of (values of p, values of q), for pairs whose parameters
# must agree in shape: KL(Dir || Dir) is defined only between Dirichlets of the same size K
PAIR_DRAWS: dict[tuple[str, ...], Callable[[], Any]] = {}


def pair_draws(*families: str):
    def wrap(fn: Callable[[], Any]) -> Callable[[], Any]:
        PAIR_DRAWS[families] = fn
        return fn

    return wrap


@pair_draws("Dirichlet", "Dirichlet")
def _dirichlet_pair():
    from hypothesis import strategies as st

    return st.sampled_from(_DIRICHLET_SIZES).flatmap(
        lambda k: st.tuples(_concentration_lists(k), _concentration_lists(k))
    )


def _exact_mvn(cls: type, values: tuple) -> Any:
    mean, cov = values
    return cls([_exact(m) for m in mean], sp.ImmutableMatrix([[_exact(c) for c in row] for row in cov]))


@draws("MultivariateNormal", exact=_exact_mvn)
def _mvn_draw():
    from hypothesis import strategies as st

    from infoproofs.strategies import parameters, spd_matrices

    real = parameters(_role_domain("real"))

    def sized(d: int):
        means = st.lists(real, min_size=d, max_size=d).map(nice)
        covs = spd_matrices(d, max_condition=1e3).map(lambda m: nice([[float(c) for c in row] for row in m]))
        return st.tuples(means, covs)

    return st.integers(min_value=1, max_value=3).flatmap(sized)


# ---- points in the support, for the log-density -----------------------------------------------

POINTS: dict[str, Callable[[Any, tuple], list[Any]]] = {}


def points_for(family: str):
    def wrap(fn):
        POINTS[family] = fn
        return fn

    return wrap


def _finite(expr: sp.Expr) -> float | None:
    try:
        value = float(sp.N(expr))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _spread(law: Any) -> tuple[float | None, float | None]:
    """Centre and spread of the law (None where the moment does not exist): where typical points lie."""
    try:
        mean = _finite(law.mean_value())
        var = _finite(law.variance_value()) if mean is not None else None
    except (NotImplementedError, TypeError, ValueError):
        return None, None
    return mean, (math.sqrt(var) if var is not None and var > 0 else None)


def support_points(law: Any) -> list[Any]:
    """A few points inside the support (its interior: densities may be unbounded at an edge), as float64 or int."""
    support = law.support()
    if isinstance(support, sp.FiniteSet):
        return [int(v) for v in list(support)[:6]]
    mean, sd = _spread(law)
    if support in (sp.S.Naturals0, sp.S.Naturals) or isinstance(support, sp.Range):
        start = 0 if support == sp.S.Naturals0 else int(support.inf)
        guesses = {start, start + 1, start + 2}
        if mean is not None:
            guesses |= {int(mean), int(mean + 2 * (sd or 1))}
        return sorted(g for g in guesses if sp.Integer(g) in support)
    if not isinstance(support, sp.Interval):
        return []
    lo, hi = _finite(support.inf), _finite(support.sup)
    if lo is not None and hi is not None:
        return [lo + (hi - lo) * f for f in (0.03, 0.3, 0.5, 0.77, 0.97)]
    if lo is not None:
        scale = (mean - lo) if mean is not None and mean > lo else max(abs(lo), 1.0)
        return [lo + scale * f for f in (0.05, 0.5, 1.0, 2.5, 6.0)]
    centre, scale = (mean if mean is not None else 0.0), (sd or 1.0)
    if hi is not None:
        return [hi - scale * f for f in (0.05, 0.5, 1.0, 2.5, 6.0)]
    return [centre + scale * f for f in (-2.5, -0.7, 0.0, 0.6, 1.9)]


@points_for("MultivariateNormal")
def _mvn_points(law: Any, values: tuple) -> list[Any]:
    mean, cov = values
    d = len(mean)
    sd = [math.sqrt(cov[i][i]) for i in range(d)]
    offsets = ([0.0] * d, [0.7 * s for s in sd], [(-1.5 if i % 2 else 1.2) * s for i, s in enumerate(sd)])
    return [tuple(m + o for m, o in zip(mean, off)) for off in offsets]


@points_for("Dirichlet")
def _dirichlet_points(law: Any, values: tuple) -> list[Any]:
    k = len(values[0])
    total = sum(values[0])
    raw = ([a / total for a in values[0]], [1.0 / k] * k, [(i + 1.0) for i in range(k)])
    found = []
    for r in raw:
        s = sum(r)
        found.append(SimplexPoint(_simplex_values([v / s for v in r])))
    return found


class SimplexPoint(tuple):
    """A point of the simplex: exactly, its last coordinate is 1 minus the others (not its rounded float)."""


# ---- one probe: the library's value and infoproofs' two witnesses -------------------------------


@dataclass
class Probe:
    """One comparison: a thunk for the library's value, and expressions for (a) and (b).

    ``closed`` returns the closed form with exact parameters (or None: not
    derivable); ``definition`` the functional itself, which the numeric
    oracle evaluates from the definition (or None: no such witness here).
    """

    where: str
    library: Callable[[], float]
    closed: Callable[[], sp.Expr | None]
    definition: Callable[[], sp.Expr | None]
    nan_possible: bool = False  # a mean or variance may truly not exist (Cauchy)


@dataclass
class Outcome:
    """What one draw found: the worst probe's values, or the reason nothing was compared."""

    values: tuple
    status: str  # "agree" | "discrepancy" | "skipped" | "not provided" | "inconsistent"
    where: str = ""
    library: float | None = None
    closed: mp.mpf | None = None
    definition: mp.mpf | None = None
    reference: str = ""
    note: str = ""
    compared: int = 0


def _number(expr: sp.Expr | tuple | None) -> tuple[mp.mpf, mp.mpf] | None:
    """(value, error bound) at 30 digits; +-oo and NaN as themselves; None where it cannot be evaluated.

    ``expr`` may be a pair (expression, values of its free symbols).
    """
    from infoproofs.oracles.numeric_eval import NotEvaluable, Singular, evaluate_side

    if expr is None:
        return None
    env: dict = {}
    if isinstance(expr, tuple):
        expr, env = expr
    expr = sp.sympify(expr)
    if expr in (sp.oo, -sp.oo):
        return (mp.inf if expr == sp.oo else -mp.inf), mp.mpf(0)
    if expr in (sp.nan, sp.zoo):
        return mp.nan, mp.mpf(0)
    if expr.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    try:
        with mp.workdps(DIGITS):
            value, bound = evaluate_side(expr, env)
    except (NotEvaluable, Singular, ZeroDivisionError, OverflowError, ValueError, TypeError):
        return None
    if not mp.isfinite(bound):
        return None
    return value, bound


def _non_finite_agree(a: float | mp.mpf, b: float | mp.mpf) -> bool | None:
    """For non-finite values: equal infinities agree; NaN and +-oo both say "no finite value" and agree too.

    torch calls the variance of a Cauchy +inf, scipy NaN; both deny a finite
    value, which is all the definition decides (E X^2 diverges).  None when both are finite.
    """
    fa, fb = mp.isfinite(a), mp.isfinite(b)
    if fa and fb:
        return None
    if fa != fb:
        return False
    if mp.isnan(a) or mp.isnan(b):
        return True
    return bool(a == b)


def agree(library: float, reference: mp.mpf, error: mp.mpf, tolerance: float) -> bool:
    """|a - b| <= tol * max(|a|, |b|, 1) + the reference's own error bound."""
    lib = mp.mpf(library)
    special = _non_finite_agree(lib, reference)
    if special is not None:
        return special
    with mp.workdps(DIGITS):
        scale = max(abs(lib), abs(reference), mp.mpf(1))
        return abs(lib - reference) <= mp.mpf(tolerance) * scale + error


def _oracles_agree(a: tuple[mp.mpf, mp.mpf], b: tuple[mp.mpf, mp.mpf]) -> bool:
    special = _non_finite_agree(a[0], b[0])
    if special is not None:
        return special
    with mp.workdps(DIGITS):
        scale = max(abs(a[0]), abs(b[0]), mp.mpf(1))
        return abs(a[0] - b[0]) <= ORACLE_AGREEMENT * scale + a[1] + b[1]


@dataclass
class Context:
    """One draw: the families, their values, the exact laws and the library's objects."""

    adapter: Adapter
    families: tuple[str, ...]
    values: tuple
    laws: tuple = ()
    objects: tuple = ()


def _probe_one(probe: Probe, witness: bool, tolerance: float, values: tuple) -> Outcome:
    try:
        library = probe.library()
    except NotProvided as exc:
        return Outcome(values, "not provided", probe.where, note=str(exc)[:120])
    except (ValueError, RuntimeError, TypeError) as exc:  # the library rejects what we drew inside the domain
        return Outcome(values, "skipped", probe.where, note=f"library raised {type(exc).__name__}: {str(exc)[:100]}")
    closed = _number(_safe(probe.closed))
    if closed is not None and mp.isnan(closed[0]) and not probe.nan_possible:
        closed = None  # an entropy, a KL or a log-density is never NaN: the engine's NaN is no witness
    definition = _number(_safe(probe.definition)) if (witness or closed is None) else None
    outcome = Outcome(values, "agree", probe.where, library,
                      closed[0] if closed else None, definition[0] if definition else None)
    if closed is not None and definition is not None and not _oracles_agree(closed, definition):
        outcome.status, outcome.note = "inconsistent", "closed form and definition disagree"
        return outcome
    reference = closed or definition
    if reference is None:
        outcome.status, outcome.note = "skipped", "no witness could evaluate this point"
        return outcome
    outcome.reference = "closed form" if closed is not None else "definition"
    if definition is not None and closed is not None:
        outcome.reference = "closed form = definition"
    outcome.compared = 1
    if not agree(library, reference[0], reference[1], tolerance):
        outcome.status = "discrepancy"
    return outcome


def _safe(thunk: Callable[[], sp.Expr | None]) -> sp.Expr | None:
    """An oracle that fails to produce an expression is unavailable here: never a verdict."""
    try:
        return thunk()
    except (NotImplementedError, TypeError, ValueError, ZeroDivisionError, RecursionError, KeyError, AttributeError):
        return None


def evaluate_draw(ctx: Context, quantity: str, witness: bool, tolerance: float) -> Outcome:
    """Run every probe of the quantity at this draw; the first discrepancy (or inconsistency) wins."""
    probes = QUANTITIES[quantity].probes(ctx)
    worst: Outcome | None = None
    compared = 0
    rank = {"discrepancy": 4, "inconsistent": 3, "agree": 2, "skipped": 1, "not provided": 0}
    for probe in probes:
        found = _probe_one(probe, witness, tolerance, ctx.values)
        compared += found.compared
        if worst is None or rank[found.status] > rank[worst.status]:
            worst = found
        if found.status == "discrepancy":
            break
    if worst is None:
        return Outcome(ctx.values, "skipped", note="no points to compare")
    worst.compared = compared
    return worst


# ---- quantities -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    name: str
    arity: int
    probes: Callable[[Context], list[Probe]]


QUANTITIES: dict[str, Quantity] = {}


def quantity(name: str, arity: int = 1):
    def wrap(fn: Callable[[Context], list[Probe]]):
        QUANTITIES[name] = Quantity(name, arity, fn)
        return fn

    return wrap


def _entropy_kind(law: Any):
    from infoproofs import DiffEntropy, Entropy

    return Entropy if law.is_discrete else DiffEntropy


CLOSED_FORM_SECONDS = 15.0  # a family's first closed form derives its template (seconds on a loaded machine)


def _closed(functional: sp.Expr) -> sp.Expr | None:
    """The engine's closed form, under a time budget (a derivation that runs long is no witness, not a hang)."""
    from infoproofs import closed_form
    from infoproofs.budget import BudgetExceeded, WorkerCrashed, run_with_budget
    from infoproofs.notation.functionals import Functional

    try:
        found = run_with_budget(closed_form, functional, seconds=CLOSED_FORM_SECONDS)
    except (BudgetExceeded, WorkerCrashed):
        return None
    return None if found.atoms(Functional) else found


@quantity("entropy")
def _entropy(ctx: Context) -> list[Probe]:
    law, obj = ctx.laws[0], ctx.objects[0]
    kind = _entropy_kind(law)
    return [Probe("", lambda: ctx.adapter.entropy(obj), lambda: _closed(kind(law)), lambda: kind(law))]


@quantity("KL", arity=2)
def _kl(ctx: Context) -> list[Probe]:
    from infoproofs import KL

    (p, q), (op, oq) = ctx.laws, ctx.objects
    return [Probe("", lambda: ctx.adapter.kl(op, oq), lambda: _closed(KL(p, q)), lambda: KL(p, q))]


def _log_density_at(law: Any, point: Any) -> tuple[sp.Expr, dict]:
    """The log-density with the point bound numerically (the exact float the library gets).

    Not ``subs``: SymPy would evaluate (x / alpha)^beta with rational
    exponents exactly and, for a log-logistic law, not finish.
    """
    if isinstance(point, tuple):
        coords = sp.symbols(f"x0:{len(point)}", real=True)
        values = [mp.mpf(v) for v in point]
        if isinstance(point, SimplexPoint):
            with mp.workdps(DIGITS + 10):
                values[-1] = 1 - mp.fsum(values[:-1])
        return law.log_density(sp.Tuple(*coords)), dict(zip(coords, values))
    if isinstance(point, int):  # an outcome of a discrete law: exact (a Categorical's mass is a Piecewise on x == k)
        return law.log_density(X).subs(X, sp.Integer(point)), {}
    return law.log_density(X), {X: mp.mpf(point)}


@quantity("log_prob")
def _log_prob(ctx: Context) -> list[Probe]:
    law, obj, family = ctx.laws[0], ctx.objects[0], ctx.families[0]
    maker = POINTS.get(family)
    points = maker(law, ctx.values[0]) if maker else support_points(law)
    shift = ctx.adapter.maps[family].shift

    def library_at(point):
        there = [v for v in point] if isinstance(point, tuple) else (point + shift if shift else point)
        return lambda: ctx.adapter.log_prob(obj, there)

    return [
        Probe(f"x = {_show(pt)}", library_at(pt), (lambda pt=pt: _log_density_at(law, pt)), lambda: None)
        for pt in points
    ]


def _moment_probe(ctx: Context, which: str) -> list[Probe]:
    from infoproofs import Expectation

    law, obj = ctx.laws[0], ctx.objects[0]
    if law.dim != 1:
        return _coordinate_moment_probes(ctx, which)
    ask = getattr(ctx.adapter, which)

    def closed():
        return law.mean_value() if which == "mean" else law.variance_value()

    def definition():
        mean = _number(_safe(law.mean_value))
        if mean is None or not mp.isfinite(mean[0]):
            return None  # a divergent moment has no quadrature; the closed form alone speaks
        if which == "mean":
            return Expectation(X, X, law)
        return Expectation((X - law.mean_value()) ** 2, X, law)

    return [Probe("", lambda: ask(obj), closed, definition, nan_possible=True)]


def _coordinate_moment_probes(ctx: Context, which: str) -> list[Probe]:
    """A law on vectors whose mean and variances are Tuples (a Dirichlet): one probe per coordinate.

    The library's vector (``mean_vector``/``variance_vector``) against the law's stated
    value, and against E x_i and E (x_i - E x_i)^2 over the law's point (x_1, ..., x_K).
    Laws without such Tuples (a Gaussian of matrices) are not compared here.
    """
    from infoproofs import Expectation

    law, obj = ctx.laws[0], ctx.objects[0]
    stated = _safe(law.mean_value if which == "mean" else law.variance_value)
    if not isinstance(stated, sp.Tuple):
        return []
    means = law.mean_value()
    point = sp.Tuple(*sp.symbols(f"x1:{len(stated) + 1}", real=True))
    ask = getattr(ctx.adapter, f"{which}_vector")

    def probe(i: int) -> Probe:
        def definition() -> sp.Expr:
            g = point[i] if which == "mean" else (point[i] - means[i]) ** 2
            return Expectation(g, point, law)

        return Probe(f"coordinate {i + 1}", lambda: ask(obj)[i], lambda: stated[i], definition)

    return [probe(i) for i in range(len(stated))]


@quantity("mean")
def _mean(ctx: Context) -> list[Probe]:
    return _moment_probe(ctx, "mean")


@quantity("variance")
def _variance(ctx: Context) -> list[Probe]:
    return _moment_probe(ctx, "variance")


def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ---- one check: hypothesis drawing and shrinking ------------------------------------------------------


@dataclass
class CheckResult:
    """The verdict on one (subject, quantity): counts, and the minimal counterexample if any."""

    library: str
    families: tuple[str, ...]
    quantity: str
    status: str  # "agree" | "discrepancy" | "not provided" | "skipped" | "convention"
    draws: int = 0
    compared: int = 0
    witnessed: int = 0
    skipped: int = 0
    counterexample: Outcome | None = None
    inconsistencies: list[Outcome] = field(default_factory=list)
    note: str = ""
    seconds: float = 0.0
    tolerance: float = 0.0

    @property
    def subject(self) -> str:
        return " || ".join(self.families)


def _hashable(values: Any) -> Any:
    if isinstance(values, (list, tuple)):
        return tuple(_hashable(v) for v in values)
    return values


class _Discrepancy(Exception):
    pass


@dataclass
class _Tally:
    memo: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    inconsistencies: list = field(default_factory=list)
    draws: int = 0
    compared: int = 0
    witnessed: int = 0
    skipped: int = 0
    not_provided: int = 0
    shrink_calls: int = 0
    notes: list = field(default_factory=list)


def _context(adapter: Adapter, families: tuple[str, ...], values: tuple) -> Context:
    laws, objects = [], []
    for family, v in zip(families, values):
        cls = infoproofs_family(family)
        laws.append(draw_for(family).exact(cls, v))
        objects.append(adapter.build(family, v))
    return Context(adapter, families, values, tuple(laws), tuple(objects))


def _tolerance(adapter: Adapter, families: tuple[str, ...]) -> float:
    found = [adapter.maps[f].tolerance for f in families if adapter.maps[f].tolerance is not None]
    return max([adapter.tolerance, *found])


def audit_check(adapter: Adapter, families: tuple[str, ...], name: str, examples: int, witnesses: int) -> CheckResult:
    """Draw ``examples`` parameter points for ``name`` over ``families``; shrink the first discrepancy."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st

    from infoproofs.testing import _hypothesis_files_in_our_cache

    started = time.perf_counter()
    tolerance = _tolerance(adapter, families)
    result = CheckResult(adapter.name, families, name, "agree", tolerance=tolerance)
    skip = [adapter.maps[f].skip.get(name) for f in families if adapter.maps[f].skip.get(name)]
    if skip:
        result.status, result.note = "convention", skip[0]
        return result
    tally = _Tally()
    pair = PAIR_DRAWS.get(tuple(families))
    strategy = pair() if pair is not None else st.tuples(*(draw_for(f).strategy() for f in families))

    def run_one(values: tuple) -> Outcome:
        key = _hashable(values)
        if key in tally.memo:
            return tally.memo[key]
        shrinking = bool(tally.failures)
        if shrinking:
            if tally.shrink_calls >= SHRINK_CALLS:
                return Outcome(values, "agree")  # not memoised as a failure: the shrinker stops here
            tally.shrink_calls += 1
        witness = not shrinking and tally.witnessed < witnesses
        found = evaluate_draw(_context(adapter, families, values), name, witness, tolerance)
        tally.memo[key] = found
        if not shrinking:
            _count(tally, found, witness)
        return found

    @settings(max_examples=examples, database=None, derandomize=True, deadline=None,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False, verbosity=Verbosity.quiet)
    @given(strategy)
    def probe(values: tuple) -> None:
        found = run_one(values)
        if found.status == "discrepancy":
            tally.failures.append(found)
            raise _Discrepancy(found.where)

    with _hypothesis_files_in_our_cache():
        try:
            probe()
        except _Discrepancy:
            pass
    _finish(result, tally)
    result.seconds = time.perf_counter() - started
    return result


def _count(tally: _Tally, found: Outcome, witness: bool) -> None:
    tally.draws += 1
    tally.compared += found.compared
    tally.witnessed += int(witness and found.definition is not None)
    if found.status == "inconsistent":
        tally.inconsistencies.append(found)
    elif found.status == "skipped":
        tally.skipped += 1
        if found.note and found.note not in tally.notes:
            tally.notes.append(found.note)
    elif found.status == "not provided":
        tally.not_provided += 1
        if found.note and found.note not in tally.notes:
            tally.notes.append(found.note)


def _finish(result: CheckResult, tally: _Tally) -> None:
    result.draws, result.compared, result.witnessed = tally.draws, tally.compared, tally.witnessed
    result.skipped = tally.skipped
    result.inconsistencies = tally.inconsistencies
    result.note = "; ".join(tally.notes)[:200]
    if tally.failures:
        result.status, result.counterexample = "discrepancy", tally.failures[-1]
    elif tally.not_provided and tally.not_provided == tally.draws:
        result.status = "not provided"
    elif not tally.compared:
        result.status = "skipped"


# ---- what to audit -----------------------------------------------------------------------------------


def subjects(adapter: Adapter, family: str | None = None) -> list[tuple[tuple[str, ...], str]]:
    """Every (families, quantity) to audit: per family the four quantities, then the library's KL pairs."""
    found: list[tuple[tuple[str, ...], str]] = []
    for name in sorted(adapter.maps):
        if draw_for(name) is None or (family is not None and name != family):
            continue
        found += [((name,), q) for q, spec in QUANTITIES.items() if spec.arity == 1]
    for p, q in adapter.kl_pairs():
        if draw_for(p) is None or draw_for(q) is None:
            continue
        if family is None or family in (p, q):
            found.append(((p, q), "KL"))
    return found
