"""Abstract densities: the ELBO / Bayes / Jensen / GAN catalog, its broken variants, the instances."""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs import KL, E
from infoproofs.catalog import load_path, load_paths
from infoproofs.check import CheckOptions, check_derivation, check_step
from infoproofs.derivation import Derivation, Relation, Step
from infoproofs.notation.abstract import (
    JSD,
    AbstractFunction,
    Joint,
    MixtureLaw,
    MutualInfo,
    RandomValue,
    ShannonEntropy,
    SumOver,
    SupportSize,
    outcome,
)
from infoproofs.oracles.instantiate import MAX_CELLS, SIZE_CLASSES, instance
from infoproofs.oracles.symbolic import prove_step

from .conftest import ROOT

FILES = [ROOT / "derivations" / name for name in ("bayes_jensen.py", "elbo.py", "gan.py")]
WRONG = ROOT / "tests" / "data" / "jensen_wrong.py"

x, z = outcome("x z")
p = Joint("p", x, z)
q = Joint("q", x, z)
t = sp.Symbol("t", real=True)


def _ours():
    return load_paths(FILES)


@pytest.fixture(scope="module")
def ours():
    return {d.name: d for d in _ours()}


def test_catalog_size(ours):
    assert len(ours) >= 15
    assert sum(len(d.steps) for d in ours.values()) >= 60
    assert {"elbo_gap", "elbo_surgery", "bayes_theorem", "gan_value_jsd"} <= set(ours)


@pytest.mark.parametrize("name", [d.name for d in _ours()])
def test_every_step_is_proved_or_confirmed(ours, name):
    result = check_derivation(ours[name], CheckOptions(use_cache=False))
    for step in result.steps:
        assert step.verdict in ("proved", "confirmed"), (name, step.index, step.reason)
        assert not step.internal_error
        assert step.oracles["numeric"]["status"] == "passed", (name, step.index, step.oracles)


def test_most_steps_are_proved(ours):
    steps = [s for d in ours.values() for s in check_derivation(d, CheckOptions(use_cache=False)).steps]
    proved = sum(1 for s in steps if s.verdict == "proved")
    assert proved >= 0.9 * len(steps)


# ---- the notes' Jensen, refuted ---------------------------------------------------------------------


def test_jensen_as_stated_in_the_notes_is_refuted(tmp_path):
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "infoproofs", "check", str(WRONG), "--no-cache", "--json", str(report)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(report.read_text())
    steps = {d["name"]: d["steps"][0] for d in data["derivations"]}
    assert set(steps) == {"jensen_wrong_general_f", "jensen_wrong_square", "jensen_wrong_convex_declared"}
    for name, step in steps.items():
        assert step["verdict"] == "refuted", (name, step["reason"])
        assert step["counterexample"], name
        assert "instance seed" in step["counterexample"]
        assert step["oracles"]["symbolic"]["status"] != "proved"
    # the instance behind the seed is part of the counterexample: the tables and the drawn f
    general = steps["jensen_wrong_general_f"]["counterexample"]
    assert any(key.startswith("f = ") for key in general)
    assert any(key.startswith("q(") for key in general)


# ---- broken steps: refuted, and never proved by a rule ----------------------------------------------


def _check(start, relation, rhs, rule, **params):
    d = Derivation("broken", "broken", "test", start)
    step = Step(Relation.parse(relation), sp.sympify(rhs), rule, params, "", "", 1)
    return check_step(d, d.start, step, CheckOptions(use_cache=False), None)


def _symbolic(start, relation, rhs, rule, **params):
    return prove_step(sp.sympify(start), sp.sympify(rhs), relation, rule, params, (), {}).status


q_z = q.law(z)
ELBO = E(sp.log(p(x, z)) - sp.log(q(z)), z, q_z)

BROKEN = {
    "Bayes upside down": (p(z, given=x), "=", p(x, given=z) * p(x) / p(z), "Bayes' rule", {}),
    "Bayes sign flip": (p(z, given=x), "=", -p(x, given=z) * p(z) / p(x), "Bayes' rule", {}),
    "chain rule without prior": (p(x, z), "=", p(x, given=z), "chain rule of probability", {}),
    "evidence without prior": (p(x), "=", E(p(x, given=z), z, q_z), "marginalization", {}),
    "ELBO gap with swapped KL": (
        sp.log(p(x)), "=", ELBO + KL(p.law(z, given=x), q_z), "definition of KL divergence (finite support)", {}
    ),
    "ELBO gap sign flip": (
        sp.log(p(x)), "=", ELBO - KL(q_z, p.law(z, given=x)), "definition of KL divergence (finite support)", {}
    ),
    "ELBO reversed": (
        sp.log(p(x)), "<=", E(sp.log(p(x, z) / q(z)), z, q_z), "Jensen's inequality", {"f": sp.Lambda(t, sp.log(t))}
    ),
    "Jensen with concave log in the convex direction": (
        sp.log(E(p(x, z) / q(z), z, q_z)), "<=", E(sp.log(p(x, z) / q(z)), z, q_z),
        "Jensen's inequality", {"f": sp.Lambda(t, sp.log(t))},
    ),
    "Jensen with convex exp in the concave direction": (
        sp.exp(E(RandomValue("g", z, z), z, q_z)), ">=", E(sp.exp(RandomValue("g", z, z)), z, q_z),
        "Jensen's inequality", {"f": sp.Lambda(t, sp.exp(t))},
    ),
    "Jensen for t^3 (neither convex nor concave)": (
        E(RandomValue("g", z, z), z, q_z) ** 3, "<=", E(RandomValue("g", z, z) ** 3, z, q_z),
        "Jensen's inequality", {"f": sp.Lambda(t, t**3)},
    ),
    "Jensen for an f of unknown shape": (
        AbstractFunction("f", "any")(E(RandomValue("g", z, z), z, q_z)), "<=",
        E(AbstractFunction("f", "any")(RandomValue("g", z, z)), z, q_z),
        "Jensen's inequality", {"f": AbstractFunction("f", "any")},
    ),
    "Jensen for a kinked concave f (f'' = 0 away from the kink)": (
        sp.Lambda(t, sp.Piecewise((0, t < 0), (-t, True)))(E(RandomValue("g", z, z), z, q_z)), "<=",
        E(sp.Lambda(t, sp.Piecewise((0, t < 0), (-t, True)))(RandomValue("g", z, z)), z, q_z),
        "Jensen's inequality", {"f": sp.Lambda(t, sp.Piecewise((0, t < 0), (-t, True)))},
    ),
    "total expectation with the wrong law": (
        E(E(sp.log(q(z)), z, q.law(z, given=x)), x, q.law(x)), "=", E(sp.log(q(z)), z, p.law(z)),
        "law of total expectation", {},
    ),
    "monotonicity reversed": (
        E(KL(q.law(z, given=x), q_z), x, q.law(x)), "<=", 0, "monotonicity of expectation", {}
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_step_is_refuted(case):
    start, relation, rhs, rule, params = BROKEN[case]
    result = _check(start, relation, rhs, rule, **params)
    assert result.verdict == "refuted", (case, result.reason)
    assert result.counterexample and "instance seed" in result.counterexample
    assert not result.internal_error


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_step_is_not_proved_symbolically(case):
    start, relation, rhs, rule, params = BROKEN[case]
    assert _symbolic(start, relation, rhs, rule, **params) != "proved", case


def test_jensen_rule_reports_the_violated_condition():
    f = AbstractFunction("f", "any")
    g = RandomValue("g", z, z)
    outcome_ = prove_step(f(E(g, z, q_z)), E(f(g), z, q_z), ">=", "Jensen's inequality", {"f": f}, (), {})
    assert outcome_.status == "violated"
    assert "no declared convexity" in outcome_.detail


def test_jensen_is_proved_in_the_right_direction_only():
    log = sp.Lambda(t, sp.log(t))
    lhs, rhs = sp.log(E(p(x, z) / q(z), z, q_z)), E(sp.log(p(x, z) / q(z)), z, q_z)
    assert _symbolic(lhs, ">=", rhs, "Jensen's inequality", f=log) == "proved"
    assert _symbolic(rhs, "<=", lhs, "Jensen's inequality", f=log) == "proved"
    assert _symbolic(lhs, "<=", rhs, "Jensen's inequality", f=log) != "proved"
    # log of a quantity not known to be positive: the condition cannot be discharged
    g = RandomValue("g", z, z)
    assert _symbolic(sp.log(E(g, z, q_z)), ">=", E(sp.log(g), z, q_z), "Jensen's inequality", f=log) != "proved"


# ---- the instantiation ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.integers(min_value=0, max_value=2**20))
def test_instances_are_valid_distributions(seed):
    inst = instance(seed, 40)
    with mp.workdps(40):
        for name in ("p", "q"):
            table = inst.table(name)
            assert all(w > 0 for w in table.values())
            assert abs(mp.fsum(table.values()) - 1) < mp.mpf(10) ** -35
            assert len(table) == inst.size("x") * inst.size("z") <= MAX_CELLS
        smallest, largest = SIZE_CLASSES[0][0], SIZE_CLASSES[-1][1]
        assert smallest <= inst.size("z") <= largest
        assert smallest <= inst.size("x") <= largest


def test_instance_sizes_range_from_a_point_mass_to_large_supports():
    """A claim true only for small supports (|z| <= 4) must meet larger ones, and size 1 too."""
    sizes = {instance(seed, 40).size("z") for seed in range(200)}
    assert 1 in sizes and 2 in sizes
    assert max(sizes) > 12
    assert any(5 <= n <= 12 for n in sizes)


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(st.integers(min_value=0, max_value=2**20))
def test_uniform_family_has_uniform_marginal(seed):
    r = Joint("q_phi", x, z, uniform=(x,))
    inst = instance(seed, 40)
    with mp.workdps(40):
        n = inst.size("x")
        for i in range(n):
            assert abs(inst.probability(r.name, {"x": i}) - mp.mpf(1) / n) < mp.mpf(10) ** -35
        assert all(w > 0 for w in inst.table(r.name).values())


def test_instances_are_deterministic():
    a, b = instance(12345, 40), instance(12345, 40)
    assert a.table("p") == b.table("p")
    from infoproofs.oracles.instantiate import Instance

    fresh = Instance(12345, 40)
    assert fresh.table("p") == a.table("p")
    assert Instance(12346, 40).table("p") != a.table("p")


def test_family_cannot_be_redeclared_differently():
    with pytest.raises(ValueError):
        Joint("p", x)


def test_latex_of_every_object():
    g = RandomValue("g", z, z)
    objects = {
        p(z, given=x): r"p\left(z \mid x\right)",
        q_z: r"q\left(z\right)",
        SumOver(p(x, z), z, z): r"\sum_{z}",
        SupportSize(x): r"\left|\mathcal{X}\right|",
        AbstractFunction("f", "convex")(g): r"f\left(g\left(z\right)\right)",
        ShannonEntropy(q_z): r"H\left(q\left(z\right)\right)",
        MutualInfo("q", x, z): r"I_{q}\left(X; Z\right)",
        JSD(p.law(x), q.law(x)): r"\mathrm{JSD}",
        MixtureLaw(p.law(x), q.law(x)): r"\tfrac{1}{2}",
        KL(q_z, p.law(z, given=x)): r"D_{\mathrm{KL}}\left(q\left(z\right) \,\|\, p\left(z \mid x\right)\right)",
    }
    for obj, expected in objects.items():
        assert expected in sp.latex(obj), (obj, sp.latex(obj))


def test_jensen_description_cites_the_slip():
    found = {d.name: d for d in load_path(ROOT / "derivations" / "bayes_jensen.py")}
    assert "Diffusion" in found["jensen_concave"].description and "unspecified f" in found["jensen_concave"].description
    assert "concave" in found["jensen_concave"].description
