"""Every catalog step checks, and broken variants of every step are refuted."""

from __future__ import annotations

import pytest
import sympy as sp

from infoproofs.check import CheckOptions, check_derivation, check_step
from infoproofs.derivation import Relation, Step
from infoproofs.mutation import KNOWN_TRUE_MUTANTS

from .conftest import CATALOG
from .mutants import mutants


def _names():
    from infoproofs.catalog import load_paths

    return [d.name for d in load_paths([CATALOG])]


@pytest.mark.parametrize("name", _names())
def test_every_step_is_proved_or_confirmed(catalog_by_name, name):
    result = check_derivation(catalog_by_name[name], CheckOptions())
    for step in result.steps:
        assert step.verdict in ("proved", "confirmed"), (name, step.index, step.reason)
        assert not step.internal_error
        # the numeric oracle never refutes a catalog step; a strict inequality whose gap falls below even
        # 160 digits at an extreme point is "inconclusive" there (and then must be proved symbolically)
        assert step.oracles["numeric"]["status"] in ("passed", "unevaluable", "inconclusive")
        if step.oracles["numeric"]["status"] == "inconclusive":
            assert step.verdict == "proved", step.reason


def _heavy(expr: sp.Basic) -> bool:
    from infoproofs.notation.functionals import Functional

    return any(isinstance(a, Functional) for a in sp.preorder_traversal(expr))


def _mutant_cases():
    """Every step's mutants, except the steps of the families' derivations that still hold expectations.

    Those (about 180 mutants of E_{x~Cauchy}[...] and the like) cost a full quadrature design each; the
    families' closed forms, where a published slip lives, are all mutated here, and the full set runs in
    ``benchmarks/mutation_kill_rate.py``.
    """
    from infoproofs.catalog import load_paths

    for d in load_paths([CATALOG]):
        family = "families_" in d.file
        for step in d.steps:
            if family and _heavy(step.expr):
                continue
            if step.expr in (sp.oo, -sp.oo):
                continue  # a flipped infinity has no point to witness it: the checker says unknown, never accepts it
            for kind, _rhs, _relation in mutants(step.expr, step.relation):
                yield pytest.param(d.name, step.index, kind, id=f"{d.name}-{step.index}-{kind}")


@pytest.mark.parametrize("name,index,kind", list(_mutant_cases()))
def test_broken_variant_is_refuted_with_counterexample(catalog_by_name, name, index, kind):
    d = catalog_by_name[name]
    previous, step = d.pairs()[index - 1]
    chosen = [(k, r, rel) for k, r, rel in mutants(step.expr, step.relation) if k == kind][0]
    _, rhs, relation = chosen
    broken = Step(relation, rhs, step.rule, dict(step.params), step.note, step.where, step.index)
    result = check_step(d, previous, broken, CheckOptions(use_cache=False), None)
    assert not result.internal_error, result.reason
    if (name, index, kind) in KNOWN_TRUE_MUTANTS:
        assert result.verdict in ("proved", "confirmed"), result.reason
        pytest.skip(f"known true mutant: {KNOWN_TRUE_MUTANTS[(name, index, kind)]}")
    if result.verdict == "proved" and result.oracles["numeric"]["status"] == "passed":
        # Both witnesses agree the mutant is still a true statement (e.g. "x < 0" mutated to "x < 1").
        pytest.skip(f"the {kind} mutant of {name} step {index} is a true statement")
    assert result.verdict == "refuted", (name, index, kind, result.reason)
    assert result.counterexample is not None, "a refuted step must come with a counterexample"
    # Matrix symbols are reported entry by entry ("Sigma1[0,0]"), beside the instance seed.
    free = {str(x) for x in (previous.free_symbols | rhs.free_symbols) if isinstance(x, sp.Symbol)}
    assert set(result.counterexample) >= {k for k in free if not k.startswith("_")} - {"omega_"} or not free
    assert not result.internal_error


def test_kl_normal_concludes_closed_form(catalog_by_name):
    import sympy as sp

    d = catalog_by_name["kl_normal"]
    assert d.relation is Relation.EQ
    mu1, mu2 = sorted((s for s in d.result.free_symbols if s.name.startswith("mu")), key=str)
    s1, s2 = sorted((s for s in d.result.free_symbols if s.name.startswith("sigma")), key=str)
    expected = sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
    assert sp.simplify(d.result - expected) == 0


def test_kl_nonnegativity_concludes_ge(catalog_by_name):
    assert catalog_by_name["kl_normal_nonnegative"].relation is Relation.GE
