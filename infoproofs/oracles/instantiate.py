"""Random finite instances of abstract densities, evaluated exactly with mpmath.

A step about unspecified densities (``log p(x) >= E_q[log p(x, z)/q(z)]``)
is checked numerically on *instances*: for each drawn value of the seed
symbol ``INSTANCE`` this module builds

* a support size per variable (z: 2-4 values, x and others: 2-3 values),
* for each ``Joint`` family a strictly positive joint table drawn from a
  flat Dirichlet (numpy, seeded by the drawn seed and the family's name;
  a ``uniform`` variable gets the uniform marginal and Dirichlet conditionals),
* for each ``AbstractFunction`` a concrete function of its declared shape
  (convex: t^2, exp, ...; concave: -t^2, -exp, ...; "any": mostly convex,
  t^2 first, so that Jensen stated for a general f is refuted),
* for each ``RandomValue`` a table of normal draws,

and evaluates densities, sums, expectations, KL, entropy, mutual
information and JSD over it by exact finite sums at the working precision.
The seed is drawn by hypothesis (derandomized), so runs are deterministic;
the counterexample of a refuted step reports the instance (sizes, tables,
shapes) next to the seed.
"""

from __future__ import annotations

import functools
import hashlib
import itertools

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
from .numeric_eval import NotEvaluable, numeric_evaluator, numeric_value

__all__ = ["Instance", "instance", "describe_instance", "uses_instance", "SIZES"]

# Support sizes (inclusive ranges) per variable name; others get DEFAULT_SIZE.
SIZES = {"z": (2, 4)}
DEFAULT_SIZE = (2, 3)
# Smallest Dirichlet weight kept before renormalising (keeps every table strictly positive).
FLOOR = 1e-6


def _tag(*parts: object) -> int:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _rng(seed: int, *parts: object) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, _tag(*parts)])


def _normalised(weights) -> list[mp.mpf]:
    values = [mp.mpf(float(max(w, FLOOR))) for w in weights]
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

    # ---- supports and tables --------------------------------------------------
    def size(self, label: str) -> int:
        if label not in self._sizes:
            lo, hi = SIZES.get(label, DEFAULT_SIZE)
            self._sizes[label] = int(_rng(self.seed, "size", label).integers(lo, hi + 1))
        return self._sizes[label]

    def table(self, name: str) -> dict[tuple, mp.mpf]:
        """The joint table of family ``name``: tuple of indices (family order) -> probability."""
        if name not in self._tables:
            fam = family(name)
            labels = [v.name for v in fam.variables]
            sizes = [self.size(label) for label in labels]
            cells = list(itertools.product(*[range(n) for n in sizes]))
            rng = _rng(self.seed, "family", name)
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
                        cond = _normalised(rng.dirichlet(np.ones(len(rest_cells))))
                        for tail, w in zip(rest_cells, cond):
                            cell = [0] * len(labels)
                            for i, h in zip(u_idx, head):
                                cell[i] = h
                            for i, t in zip(rest, tail):
                                cell[i] = t
                            table[tuple(cell)] = mass * w
                else:
                    table = dict(zip(cells, _normalised(rng.dirichlet(np.ones(len(cells))))))
            self._tables[name] = table
        return self._tables[name]

    def probability(self, name: str, fixed: dict[str, int]) -> mp.mpf:
        """Sum of the table over the cells that agree with ``fixed`` (label -> index)."""
        fam = family(name)
        labels = [v.name for v in fam.variables]
        for label, index in fixed.items():
            if label not in labels:
                raise NotEvaluable(f"{label} is not a variable of {name}")
            if not 0 <= index < self.size(label):
                raise NotEvaluable(f"{label} = {index} is outside its support of size {self.size(label)}")
        positions = [(labels.index(label), index) for label, index in fixed.items()]
        return mp.fsum(p for cell, p in self.table(name).items() if all(cell[i] == v for i, v in positions))

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
            self._functions[key] = options[int(_rng(self.seed, "function", key).integers(0, len(options)))]
        return self._functions[key]

    def random_value(self, name: str, label: str, index: int) -> mp.mpf:
        key = f"{name}:{label}"
        if key not in self._values:
            draws = _rng(self.seed, "values", key).normal(0.0, 1.5, size=self.size(label))
            self._values[key] = [mp.mpf(float(v)) for v in draws]
        return self._values[key][index]

    def describe(self, used: set[str] | None = None) -> dict[str, float]:
        """Flat name -> number description (for counterexamples), limited to ``used`` names."""
        found: dict[str, float] = {}

        def wanted(name: str) -> bool:
            return used is None or name in used

        for label, n in sorted(self._sizes.items()):
            found[f"|{label}|"] = n
        for name, table in sorted(self._tables.items()):
            if not wanted(name):
                continue
            labels = [v.name for v in family(name).variables]
            for cell, p in sorted(table.items()):
                inner = ", ".join(f"{label}={i}" for label, i in zip(labels, cell))
                found[f"{name}({inner})"] = float(p)
        for key, (shape_name, _) in sorted(self._functions.items()):
            if not wanted(key.split(":")[0]):
                continue
            options = [n for n, _ in FUNCTION_FAMILIES[key.split(":")[1]]]
            found[f"{key.split(':')[0]} = {shape_name} (option)"] = options.index(shape_name)
        for key, values in sorted(self._values.items()):
            name, label = key.split(":")
            if not wanted(name):
                continue
            for i, v in enumerate(values):
                found[f"{name}({label}={i})"] = float(v)
        return found


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
    if v != int(v):
        raise NotEvaluable(f"outcome value {value} = {v} is not an index")
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
    """E_{v ~ law}[f(v)] by an exact finite sum."""
    if isinstance(law, MixtureLaw):
        return (_law_expectation(law.args[0], f, env) + _law_expectation(law.args[1], f, env)) / 2
    inst = _instance(env)
    total = []
    for k in _support(law.label.name, env):
        p = inst.density(law.density_at(sp.Integer(k)), env)
        total.append(p * f(mp.mpf(k)))
    return mp.fsum(total)


def _law_log_density(law, env: dict):
    var = sp.Symbol("v_instance_", integer=True)
    expr = law.log_density(var)
    return lambda k: numeric_value(expr, {**env, var: k})


# ---- evaluators ---------------------------------------------------------------------
# Expectation and KL are registered by numeric_eval for the named laws; for abstract
# laws they are registered here with a predicate, ahead of the general ones.

_ABSTRACT_LAWS = (Law, MixtureLaw)


@numeric_evaluator(Expectation, applies=lambda e: isinstance(e.dist, _ABSTRACT_LAWS))
def _expectation(e: Expectation, env: dict) -> mp.mpf:
    return _law_expectation(e.dist, lambda v: numeric_value(e.integrand, {**env, e.var: v}), env)


@numeric_evaluator(KL, applies=lambda f: any(isinstance(law, _ABSTRACT_LAWS) for law in f.args))
def _kl(f: KL, env: dict) -> mp.mpf:
    p, q = f.args
    if not (isinstance(p, _ABSTRACT_LAWS) and isinstance(q, _ABSTRACT_LAWS)):
        raise NotEvaluable("KL between an abstract and a named law")
    logp, logq = _law_log_density(p, env), _law_log_density(q, env)
    return _law_expectation(p, lambda k: logp(k) - logq(k), env)


@numeric_evaluator(Density)
def _density(d: Density, env: dict) -> mp.mpf:
    return _instance(env).density(d, env)


@numeric_evaluator(SumOver)
def _sum_over(s: SumOver, env: dict) -> mp.mpf:
    return mp.fsum(numeric_value(s.body, {**env, s.var: mp.mpf(k)}) for k in _support(s.label.name, env))


@numeric_evaluator(SupportSize)
def _support_size(s: SupportSize, env: dict) -> mp.mpf:
    return mp.mpf(_instance(env).size(s.label.name))


@numeric_evaluator(FunctionValue)
def _function_value(f: FunctionValue, env: dict) -> mp.mpf:
    _, fn = _instance(env).function(f.fn)
    return fn(numeric_value(f.arg, env))


@numeric_evaluator(RandomValue)
def _random_value(r: RandomValue, env: dict) -> mp.mpf:
    return _instance(env).random_value(r.name, r.label.name, _index(r.value, env))


@numeric_evaluator(ShannonEntropy)
def _entropy(h: ShannonEntropy, env: dict) -> mp.mpf:
    logp = _law_log_density(h.law, env)
    return -_law_expectation(h.law, logp, env)


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
    return mp.fsum(total)


MAX_SAMPLES = 6


@numeric_evaluator(ImportanceWeightedBound)
def _importance_weighted_bound(b: ImportanceWeightedBound, env: dict) -> mp.mpf:
    """E over K independent draws from the proposal of log(mean weight), by enumerating all |Z|^K tuples."""
    k_value = numeric_value(b.count, env)
    if k_value != int(k_value) or k_value < 1:
        raise NotEvaluable(f"the number of samples K = {k_value} is not a positive integer")
    if k_value > MAX_SAMPLES:
        raise NotEvaluable(f"K = {int(k_value)} samples is above the {MAX_SAMPLES} enumerated exactly")
    inst = _instance(env)
    support = list(_support(b.proposal.label.name, env))
    q = {v: inst.density(b.proposal.density_at(sp.Integer(v)), env) for v in support}
    w = {v: numeric_value(b.weight(sp.Integer(v)), env) for v in support}
    k = int(k_value)
    total = []
    for draw in itertools.product(support, repeat=k):
        total.append(mp.fprod(q[v] for v in draw) * mp.log(mp.fsum(w[v] for v in draw) / k))
    return mp.fsum(total)


@numeric_evaluator(JSD)
def _jsd(j: JSD, env: dict) -> mp.mpf:
    p, q = j.args
    m = MixtureLaw(p, q)
    return (_kl(KL(p, m), env) + _kl(KL(q, m), env)) / 2
