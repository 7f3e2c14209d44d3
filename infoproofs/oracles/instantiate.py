"""Random finite instances of abstract densities, evaluated exactly with mpmath.

A step about unspecified densities (``log p(x) >= E_q[log p(x, z)/q(z)]``)
is checked numerically on *instances*: for each drawn value of the seed
symbol ``INSTANCE`` this module builds

* a support size per variable, from a wide range: 1 (a point mass), 2, a few,
  a dozen and up to 64 values, with at most ``MAX_CELLS`` cells per joint table
  (a claim that holds only for small supports must meet a large one),
* for each ``Joint`` family a strictly positive joint table drawn from a
  Dirichlet, flat or sparse (concentration 0.01 to 5: nearly deterministic
  tables too), seeded by the drawn seed and the family's name;
  a ``uniform`` variable gets the uniform marginal and Dirichlet conditionals,
* for each ``AbstractFunction`` a concrete function of its declared shape
  (convex: t^2, exp, ...; concave: -t^2, -exp, ...; "any": mostly convex,
  t^2 first, so that Jensen stated for a general f is refuted),
* for each ``RandomValue`` a table of normal draws,

and evaluates densities, sums, expectations, KL, entropy, mutual
information and JSD over it by exact finite sums at the working precision.
The seed is drawn by the point design (seeded), so runs are deterministic;
the counterexample of a refuted step reports the instance (sizes, tables,
shapes) next to the seed.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math

import mpmath as mp
import numpy as np
import sympy as sp

from ..notation.abstract import (
    INSTANCE,
    JSD,
    AbstractFunction,
    Density,
    FamilyEntropy,
    FunctionValue,
    ImportanceWeightedBound,
    Law,
    MixtureLaw,
    MutualInfo,
    RandomValue,
    ShannonEntropy,
    SumOver,
    SupportSize,
    family,
)
from ..notation.functionals import KL, Expectation
from .numeric_eval import (
    NotEvaluable,
    OutsideDomain,
    accumulate,
    bind,
    exact_result,
    last_error,
    lg,
    lsum,
    numeric_evaluator,
    numeric_value,
    rounding,
)

__all__ = ["Instance", "instance", "describe_instance", "uses_instance", "SIZE_CLASSES", "MAX_CELLS", "STRATA"]

# Every choice an instance makes (a support size class, a concentration, a floor, a function) is
# *stratified* by the seed's residue r = seed % STRATA (the design draws consecutive residues): r = 0
# takes the mildest option of every choice (a point mass, flat tables), r = STRATA - 1 the most extreme
# of every choice at once (the largest supports, the sparsest tables, the tiniest floors), and the
# residues between mix them, option (r + tag) mod n per choice and name.  Options run mild to extreme.
STRATA = 10
# Support sizes: (smallest, largest) per slot, one slot per stratum.  The largest class reaches far
# past any table: a variable in a family is then shrunk to fit MAX_CELLS, but a support size on its
# own (|X| <= 100, say) meets numbers up to a million.
SIZE_CLASSES = ((1, 1), (2, 2), (2, 2), (3, 4), (3, 4), (5, 12), (13, 64), (65, 10**6))
# Dirichlet concentrations, drawn per instance and family: flat tables, and sparse, nearly
# deterministic ones (a claim true only for "typical" random tables, I(X; Z) <= log 2 say, must fail).
CONCENTRATIONS = (1.0, 5.0, 1.0, 0.3, 0.05, 0.01)
# Largest joint table built; bigger draws are shrunk (largest support first) until they fit.
MAX_CELLS = 1024
# Largest support of a variable of a family (nested expectations over it multiply).
MAX_FAMILY_SUPPORT = 1024  # = MAX_CELLS: the table cap and the work limit bound the cost
# Largest number of K-sample multisets enumerated for an importance-weighted bound.
MAX_MULTISETS = 20_000
# Smallest probability kept before renormalising (keeps every table strictly positive), drawn per
# instance and family: a claim that leans on cells never being tiny (log p(x) >= -700) must fail.
FLOORS = (mp.mpf("1e-6"), mp.mpf("1e-6"), mp.mpf("1e-15"), mp.mpf("1e-40"), mp.mpf("1e-300"), mp.mpf("1e-1000"))
# Scales of the values of a random variable's table (RandomValue), drawn per instance and variable.
VALUE_SCALES = (1.5, 1.5, 0.01, 100.0, 1e6)


def _tag(*parts: object) -> int:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _rng(seed: int, *parts: object) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, _tag(*parts)])


def _stratum(seed: int, options: int, *parts: object) -> int:
    """Option index of one choice: stratified by the seed's residue, shifted per choice and name."""
    residue = int(seed) % STRATA
    if residue == 0:
        return 0
    if residue == STRATA - 1:
        return options - 1
    return (residue - 1 + _tag(*parts)) % options  # residues 1 .. STRATA-2 meet up to 8 options each


def _normalised(weights, floor: mp.mpf) -> list[mp.mpf]:
    """Dirichlet weights as a strictly positive table: weights below 1e-12 become the floor."""
    values = [floor if w < 1e-12 else max(mp.mpf(float(w)), floor) for w in weights]
    total = mp.fsum(values)
    return [v / total for v in values]


# Concrete functions per declared shape: (name, f(t)).  All are finite on the reals.
# Each family mixes signs (t^2 - 3 and exp(t) - 4 are convex and mostly negative): a claim that
# only holds for non-negative f, such as f(E X) <= 2 E f(X), must meet a counterexample.
_CONVEX = [
    ("t^2", lambda t: t**2), ("exp(t)", mp.exp), ("t^4 + t", lambda t: t**4 + t), ("cosh(t)", mp.cosh),
    ("t^2 - 3", lambda t: t**2 - 3), ("exp(t) - 4", lambda t: mp.exp(t) - 4), ("-2 t", lambda t: -2 * t),
]
_CONCAVE = [
    ("-t^2", lambda t: -(t**2)), ("-exp(t)", lambda t: -mp.exp(t)), ("-cosh(t)", lambda t: -mp.cosh(t)),
    ("3 - t^2", lambda t: 3 - t**2), ("4 - exp(t)", lambda t: 4 - mp.exp(t)), ("2 t", lambda t: 2 * t),
]
_ANY = [_CONVEX[0], _CONCAVE[0], _CONVEX[1], ("t^3", lambda t: t**3), _CONVEX[2], _CONVEX[4], _CONCAVE[3]]
FUNCTION_FAMILIES = {"convex": _CONVEX, "concave": _CONCAVE, "any": _ANY}


class Instance:
    """One random finite instance, built lazily per family / function from the seed."""

    def __init__(self, seed: int, dps: int):
        self.seed = int(seed)
        self.dps = dps
        self._sizes: dict[str, int] = {}
        self._tables: dict[str, dict[tuple, mp.mpf]] = {}
        self._functions: dict[str, tuple] = {}
        self._values: dict[str, list[mp.mpf]] = {}
        self._marginals: dict[tuple, dict[tuple, mp.mpf]] = {}
        self._families_seen = -1

    # ---- supports and tables --------------------------------------------------
    def size(self, label: str) -> int:
        """The support size of variable ``label`` in this instance (shared by every family that has it)."""
        self._fix_sizes()
        if label not in self._sizes:
            self._sizes[label] = self._draw_size(label)
        return self._sizes[label]

    def _draw_size(self, label: str) -> int:
        rng = _rng(self.seed, "size", label)
        lo, hi = SIZE_CLASSES[_stratum(self.seed, len(SIZE_CLASSES), "size", label)]
        return int(min(hi, max(lo, round(10 ** rng.uniform(np.log10(lo), np.log10(hi + 1))))))

    def _fix_sizes(self) -> None:
        """Draw every family variable's size, then halve the largest until each table fits MAX_CELLS.

        Done for all families at once, so that every table of the instance sees
        the same supports whatever order they are built in; redone (and the
        tables dropped) if families were declared after the instance was made.
        """
        from ..notation.abstract import families

        known = families()
        if len(known) == self._families_seen:
            return
        self._families_seen = len(known)
        before = dict(self._sizes)
        for fam in known:
            for v in fam.variables:
                if v.name not in self._sizes:
                    self._sizes[v.name] = min(MAX_FAMILY_SUPPORT, self._draw_size(v.name))
        changed = True
        while changed:
            changed = False
            for fam in known:
                labels = [v.name for v in fam.variables]
                while int(np.prod([self._sizes[label] for label in labels])) > MAX_CELLS:
                    largest = max(labels, key=lambda label: self._sizes[label])
                    self._sizes[largest] = max(1, self._sizes[largest] // 2)
                    changed = True
        if any(before.get(label, self._sizes[label]) != self._sizes[label] for label in self._sizes):
            self._tables.clear()
            self._marginals.clear()

    def table(self, name: str) -> dict[tuple, mp.mpf]:
        """The joint table of family ``name``: tuple of indices (family order) -> probability."""
        if name not in self._tables:
            fam = family(name)
            labels = [v.name for v in fam.variables]
            sizes = [self.size(label) for label in labels]
            cells = list(itertools.product(*[range(n) for n in sizes]))
            rng = _rng(self.seed, "family", name)
            alpha = CONCENTRATIONS[_stratum(self.seed, len(CONCENTRATIONS), "concentration", name)]
            floor = FLOORS[_stratum(self.seed, len(FLOORS), "floor", name)]
            with mp.workdps(self.dps + 10):
                uniform = [v.name for v in fam.uniform]
                if uniform:
                    # uniform marginal on the `uniform` variables, Dirichlet conditionals for the rest
                    u_idx = [labels.index(u) for u in uniform]
                    mass = mp.mpf(1) / int(np.prod([sizes[i] for i in u_idx]))
                    rest = [i for i in range(len(labels)) if i not in u_idx]
                    rest_cells = list(itertools.product(*[range(sizes[i]) for i in rest]))
                    table = {}
                    for head in itertools.product(*[range(sizes[i]) for i in u_idx]):
                        cond = _normalised(rng.dirichlet(np.full(len(rest_cells), alpha)), floor)
                        for tail, w in zip(rest_cells, cond):
                            cell = [0] * len(labels)
                            for i, h in zip(u_idx, head):
                                cell[i] = h
                            for i, t in zip(rest, tail):
                                cell[i] = t
                            table[tuple(cell)] = mass * w
                else:
                    table = dict(zip(cells, _normalised(rng.dirichlet(np.full(len(cells), alpha)), floor)))
            self._tables[name] = table
        return self._tables[name]

    def marginal(self, name: str, labels: tuple[str, ...]) -> dict[tuple, mp.mpf]:
        """The marginal table of ``labels`` (in that order) of family ``name``, summed once and kept."""
        key = (name, labels)
        if key not in self._marginals:
            variables = [v.name for v in family(name).variables]
            positions = [variables.index(label) for label in labels]
            sums: dict[tuple, list] = {}
            for cell, p in self.table(name).items():
                sums.setdefault(tuple(cell[i] for i in positions), []).append(p)
            self._marginals[key] = {k: mp.fsum(v) for k, v in sums.items()}
        return self._marginals[key]

    def probability(self, name: str, fixed: dict[str, int]) -> mp.mpf:
        """Sum of the table over the cells that agree with ``fixed`` (label -> index)."""
        fam = family(name)
        labels = [v.name for v in fam.variables]
        for label, index in fixed.items():
            if label not in labels:
                raise NotEvaluable(f"{label} is not a variable of {name}")
            if not 0 <= index < self.size(label):
                raise OutsideDomain(f"{label} = {index} is outside its drawn support of size {self.size(label)}")
        if not fixed:
            return mp.mpf(1)
        order = tuple(sorted(fixed))
        return self.marginal(name, order).get(tuple(fixed[label] for label in order), mp.mpf(0))

    def density(self, d: Density, env: dict) -> mp.mpf:
        out = {label.name: _index(value, env) for label, value in d.outcomes}
        given = {label.name: _index(value, env) for label, value in d.given}
        joint = self.probability(d.family, {**out, **given})
        if not given:
            return joint
        return joint / self.probability(d.family, given)

    # ---- functions ---------------------------------------------------------------
    def function(self, fn: AbstractFunction) -> tuple:
        key = f"{fn.name}:{fn.shape}"
        if key not in self._functions:
            options = FUNCTION_FAMILIES[fn.shape]
            self._functions[key] = options[_stratum(self.seed, len(options), "function", key)]
        return self._functions[key]

    def random_value(self, name: str, label: str, index: int) -> mp.mpf:
        key = f"{name}:{label}"
        if key not in self._values:
            rng = _rng(self.seed, "values", key)
            scale = VALUE_SCALES[_stratum(self.seed, len(VALUE_SCALES), "scale", key)]
            self._values[key] = rng.normal(0.0, scale, size=self.size(label))
        return mp.mpf(float(self._values[key][index]))

    def describe(self, used: set[str] | None = None) -> dict[str, object]:
        """Flat name -> number description (for counterexamples), limited to ``used`` names.

        Large tables are cut to their first ``DESCRIBED`` cells, with a count of
        the rest; probabilities too small for a float are given as strings.
        """
        found: dict[str, object] = {}

        def wanted(name: str) -> bool:
            return used is None or name in used

        for label, n in sorted(self._sizes.items()):
            found[f"|{label}|"] = n
        for name, table in sorted(self._tables.items()):
            if not wanted(name):
                continue
            labels = [v.name for v in family(name).variables]
            cells = sorted(table.items())
            for cell, p in cells[:DESCRIBED]:
                inner = ", ".join(f"{label}={i}" for label, i in zip(labels, cell))
                found[f"{name}({inner})"] = _number(p)
            if len(cells) > DESCRIBED:
                found[f"{name}: cells not shown"] = len(cells) - DESCRIBED
        for key, (shape_name, _) in sorted(self._functions.items()):
            if not wanted(key.split(":")[0]):
                continue
            options = [n for n, _ in FUNCTION_FAMILIES[key.split(":")[1]]]
            found[f"{key.split(':')[0]} = {shape_name} (option)"] = options.index(shape_name)
        for key, values in sorted(self._values.items()):
            name, label = key.split(":")
            if not wanted(name):
                continue
            for i, v in enumerate(values[:DESCRIBED]):
                found[f"{name}({label}={i})"] = float(v)
            if len(values) > DESCRIBED:
                found[f"{name}({label}): values not shown"] = len(values) - DESCRIBED
        return found


DESCRIBED = 36


def _number(value: mp.mpf) -> object:
    as_float = float(value)
    return as_float if as_float != 0 or value == 0 else mp.nstr(value, 6)


@functools.lru_cache(maxsize=256)
def instance(seed: int, dps: int = 40) -> Instance:
    return Instance(seed, dps)


def _instance(env: dict) -> Instance:
    try:
        seed = env[INSTANCE]
    except KeyError:
        raise NotEvaluable("no instance seed drawn for the abstract densities") from None
    return instance(int(seed), mp.mp.dps)


def _index(value: sp.Expr, env: dict) -> int:
    v = numeric_value(value, env)
    if v != int(v) or v < 0:
        raise OutsideDomain(f"outcome value {value} = {v} is not an index of a support")
    return int(v)


def uses_instance(*exprs: sp.Basic) -> bool:
    return any(INSTANCE in e.free_symbols for e in exprs)


def _names_used(exprs) -> set[str]:
    used: set[str] = set()
    for expr in exprs:
        for e in sp.preorder_traversal(expr):
            if isinstance(e, (Density, Law)):
                used.add(e.family)
            elif isinstance(e, (MutualInfo, FamilyEntropy)):
                used.add(e.family)
            elif isinstance(e, AbstractFunction):
                used.add(e.name)
            elif isinstance(e, RandomValue):
                used.add(e.name)
    return used


def describe_instance(seed: int, dps: int = 40, *exprs: sp.Basic) -> dict[str, float]:
    """The instance behind ``seed``: sizes, and the tables / functions that ``exprs`` use."""
    return instance(int(seed), dps).describe(_names_used(exprs) if exprs else None)


def _support(label: str, env: dict) -> range:
    return range(_instance(env).size(label))


def _law_expectation(law, f, env: dict) -> mp.mpf:
    """E_{v ~ law}[f(v)] by an exact finite sum (the error of each f(v), weighted, is accumulated)."""
    if isinstance(law, MixtureLaw):
        return (_law_expectation(law.args[0], f, env) + _law_expectation(law.args[1], f, env)) / 2
    inst = _instance(env)
    total, errors = [], []
    for k in _support(law.label.name, env):
        p = inst.density(law.density_at(sp.Integer(k)), env)
        total.append(p * f(mp.mpf(k)))
        errors.append(lg(p) + last_error())
    _exact_sum_error(total, errors)
    return mp.fsum(total)


def _exact_sum_error(terms: list, errors: list | None = None) -> None:
    """Report the error of a finite sum: its terms' errors and a few roundings of each term."""
    scale = mp.fsum(abs(t) for t in terms)
    if scale == 0 and all(e == float("-inf") for e in errors or []):
        return  # every term exactly 0 (a point mass: p log p = 1 log 1): computed exactly
    accumulate(max(lsum(errors or []), max(rounding(scale), -mp.mp.prec) + 4))


# ---- evaluators ---------------------------------------------------------------------
# Expectation and KL are registered by numeric_eval for the named laws; for abstract
# laws they are registered here with a predicate, ahead of the general ones.

_ABSTRACT_LAWS = (Law, MixtureLaw)


@numeric_evaluator(Expectation, applies=lambda e: isinstance(e.dist, _ABSTRACT_LAWS))
def _expectation(e: Expectation, env: dict) -> mp.mpf:
    return _law_expectation(e.dist, bind(e.integrand, e.var, env), env)


_V = sp.Symbol("v_instance_", integer=True)


@numeric_evaluator(KL, applies=lambda f: any(isinstance(law, _ABSTRACT_LAWS) for law in f.args))
def _kl(f: KL, env: dict) -> mp.mpf:
    p, q = f.args
    if not (isinstance(p, _ABSTRACT_LAWS) and isinstance(q, _ABSTRACT_LAWS)):
        raise NotEvaluable("KL between an abstract and a named law")
    return _law_expectation(p, bind(p.log_density(_V) - q.log_density(_V), _V, env), env)


@numeric_evaluator(Density)
def _density(d: Density, env: dict) -> mp.mpf:
    inst = _instance(env)
    value = inst.density(d, env)
    if all(inst.size(label.name) == 1 for label, _ in d.outcomes):
        exact_result()  # the outcomes form a point mass: the probability is exactly 1
    return value


MAX_SUMMED = 10_000


@numeric_evaluator(SumOver)
def _sum_over(s: SumOver, env: dict) -> mp.mpf:
    support = _support(s.label.name, env)
    if len(support) > MAX_SUMMED:
        raise OutsideDomain(f"a sum over |{s.label.name}| = {len(support)} values is beyond the {MAX_SUMMED} summed")
    terms, errors = [], []
    body = bind(s.body, s.var, env)
    for k in support:
        terms.append(body(mp.mpf(k)))
        errors.append(last_error())
    _exact_sum_error(terms, errors)
    return mp.fsum(terms)


@numeric_evaluator(SupportSize)
def _support_size(s: SupportSize, env: dict) -> mp.mpf:
    exact_result()
    return mp.mpf(len(_support(s.label.name, env)))


@numeric_evaluator(FunctionValue)
def _function_value(f: FunctionValue, env: dict) -> mp.mpf:
    _, fn = _instance(env).function(f.fn)
    argument = numeric_value(f.arg, env)
    spread = last_error()
    value = fn(argument)
    # first order: the concrete functions (t^2, exp, cosh, t^4 + t, ...) grow at most like |f| + |t|^3 + 1
    accumulate(spread + max(lg(value), 3 * lg(argument), 0.0) + 3 if spread > float("-inf") else rounding(value))
    return value


@numeric_evaluator(RandomValue)
def _random_value(r: RandomValue, env: dict) -> mp.mpf:
    exact_result()  # a float drawn into the table, exactly
    return _instance(env).random_value(r.name, r.label.name, _index(r.value, env))


@numeric_evaluator(ShannonEntropy)
def _entropy(h: ShannonEntropy, env: dict) -> mp.mpf:
    return -_law_expectation(h.law, bind(h.law.log_density(_V), _V, env), env)


def _cells(inst: Instance, labels: list[str]):
    """Every joint value (label -> index) of ``labels`` over their supports."""
    for index in itertools.product(*[range(inst.size(label)) for label in labels]):
        yield dict(zip(labels, index))


@numeric_evaluator(MutualInfo)
def _mutual_info(m: MutualInfo, env: dict) -> mp.mpf:
    """sum over (a, b, c) of p(a, b, c) log[p(a, b, c) p(c) / (p(a, c) p(b, c))], from the table."""
    inst = _instance(env)
    a, b, c = ([label.name for label in group] for group in (m.first, m.second, m.given))
    total = []
    for cell in _cells(inst, a + b + c):

        def prob(labels: list[str], cell=cell) -> mp.mpf:
            return inst.probability(m.family, {k: cell[k] for k in labels}) if labels else mp.mpf(1)

        pabc = prob(a + b + c)
        total.append(pabc * (mp.log(pabc) + mp.log(prob(c)) - mp.log(prob(a + c)) - mp.log(prob(b + c))))
    _exact_sum_error(total)
    return mp.fsum(total)


@numeric_evaluator(FamilyEntropy)
def _family_entropy(h: FamilyEntropy, env: dict) -> mp.mpf:
    """-sum over (a, c) of p(a, c) log[p(a, c) / p(c)], from the table."""
    inst = _instance(env)
    a, c = [label.name for label in h.variables], [label.name for label in h.given]
    total = []
    for cell in _cells(inst, a + c):
        pac = inst.probability(h.family, {k: cell[k] for k in a + c})
        pc = inst.probability(h.family, {k: cell[k] for k in c}) if c else mp.mpf(1)
        total.append(-pac * (mp.log(pac) - mp.log(pc)))
    _exact_sum_error(total)
    return mp.fsum(total)


@numeric_evaluator(ImportanceWeightedBound)
def _importance_weighted_bound(b: ImportanceWeightedBound, env: dict) -> mp.mpf:
    """E over K independent draws from the proposal of log(mean weight), exactly.

    The mean weight depends only on the *multiset* of draws, so the sum runs
    over multisets with their multinomial probabilities: C(|Z| + K - 1, K)
    terms instead of |Z|^K.  Points with more than ``MAX_MULTISETS`` are
    skipped (outside what is enumerated), and the coverage says so.
    """
    k_value = numeric_value(b.count, env)
    if k_value != int(k_value) or k_value < 1:
        raise NotEvaluable(f"the number of samples K = {k_value} is not a positive integer")
    k = int(k_value)
    inst = _instance(env)
    support = list(_support(b.proposal.label.name, env))
    multisets = 1 if len(support) == 1 else math.comb(len(support) + k - 1, k)
    if multisets > MAX_MULTISETS or (len(support) > 1 and multisets * k > 50 * MAX_MULTISETS):
        raise OutsideDomain(f"K = {k} samples over |{b.proposal.label.name}| = {len(support)} values is beyond the "
                            f"{MAX_MULTISETS} multisets enumerated exactly")
    q = [inst.density(b.proposal.density_at(sp.Integer(v)), env) for v in support]
    w = [numeric_value(b.weight(sp.Integer(v)), env) for v in support]
    log_q = [mp.log(p) for p in q]
    log_factorial = _LogFactorials()
    total = []
    for counts in _multisets(k, len(support)):
        log_probability = log_factorial[k] + mp.fsum(c * log_q[v] - log_factorial[c] for v, c in counts.items())
        mean_weight = mp.fsum(c * w[v] for v, c in counts.items()) / k
        total.append(mp.exp(log_probability) * mp.log(mean_weight))
    _exact_sum_error(total)
    return mp.fsum(total)


class _LogFactorials(dict):
    """log n! on demand (log-gamma), at the working precision."""

    def __missing__(self, n: int) -> mp.mpf:
        self[n] = value = mp.loggamma(n + 1)
        return value


def _multisets(k: int, parts: int):
    """Every multiset of ``k`` draws from ``parts`` values, as {value index: count} (sparse)."""
    if parts == 1:
        yield {0: k}
        return
    for draw in itertools.combinations_with_replacement(range(parts), k):
        counts: dict[int, int] = {}
        for v in draw:
            counts[v] = counts.get(v, 0) + 1
        yield counts


@numeric_evaluator(JSD)
def _jsd(j: JSD, env: dict) -> mp.mpf:
    p, q = j.args
    m = MixtureLaw(p, q)
    return (_kl(KL(p, m), env) + _kl(KL(q, m), env)) / 2
