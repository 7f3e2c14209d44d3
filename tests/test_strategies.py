"""The strategies generate only valid objects, quickly, and shrink to the simplest one."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import find, given, settings
from hypothesis import strategies as st

from infoproofs import Bernoulli, Categorical, MultivariateNormal, Normal
from infoproofs.notation.domains import DIMENSION, POSITIVE, PROBABILITY, REAL, Domain, interval
from infoproofs.strategies import FAMILIES, distributions, finite_joints, parameters, simplex, spd_matrices

MANY = settings(max_examples=1000, database=None, deadline=None)
FEW = settings(max_examples=40, database=None, deadline=None)


@MANY
@given(st.integers(1, 6).flatmap(simplex))
def test_simplex_is_a_probability_vector(p: np.ndarray) -> None:
    assert np.all(p > 0)
    assert abs(p.sum() - 1) < 1e-12


@FEW
@given(st.integers(1, 5).flatmap(lambda d: st.tuples(st.just(d), spd_matrices(d, max_condition=1e4))))
def test_spd_matrices_are_spd_with_bounded_condition(case: tuple[int, np.ndarray]) -> None:
    d, m = case
    assert m.shape == (d, d)
    assert np.array_equal(m, m.T)
    eigs = np.linalg.eigvalsh(m)
    assert eigs.min() > 0
    assert eigs.max() / eigs.min() <= 1e4
    np.linalg.cholesky(m)


@FEW
@given(finite_joints((2, 3)))
def test_finite_joints_are_positive_tables(table: np.ndarray) -> None:
    assert table.shape == (2, 3)
    assert np.all(table > 0)
    assert abs(table.sum() - 1) < 1e-12


_U = interval("u_strat", -1, 1)
_W = interval("w_strat", 0, "0.1")


def _domains() -> list[Domain]:
    from infoproofs.notation.domains import domain_of

    return [REAL, POSITIVE, PROBABILITY, DIMENSION, domain_of(_U), domain_of(_W)]


@pytest.mark.parametrize("domain", _domains(), ids=lambda d: d.name)
def test_parameters_stay_strictly_inside(domain: Domain) -> None:
    @FEW
    @given(parameters(domain))
    def inside(x: float) -> None:
        assert domain.contains(x)
        assert isinstance(x, int) == domain.integer

    inside()


@MANY
@given(distributions(Normal))
def test_normal_parameters_valid_many(d: Normal) -> None:
    assert float(d.variance) > 0


@MANY
@given(distributions("Categorical"))
def test_categorical_parameters_valid_many(d: Categorical) -> None:
    probs = [float(p) for p in d.probs]
    assert min(probs) > 0 and abs(sum(probs) - 1) < 1e-12


@pytest.mark.parametrize("family", list(FAMILIES), ids=lambda c: c.__name__)
def test_every_family_satisfies_its_constraints(family: type) -> None:
    @settings(max_examples=25, database=None, deadline=None)
    @given(distributions(family))
    def valid(d) -> None:
        assert isinstance(d, family)
        if isinstance(d, Categorical):
            probs = [float(p) for p in d.probs]
            assert min(probs) > 0 and abs(sum(probs) - 1) < 1e-12
            return
        for c in d.constraints():
            assert bool(c), (d, c)

    valid()


def test_unknown_family_is_named() -> None:
    with pytest.raises(KeyError, match="known"):
        distributions("Wishart")


def test_every_family_of_the_notation_has_a_strategy() -> None:
    from infoproofs.notation.distributions import DISTRIBUTIONS

    assert set(DISTRIBUTIONS.values()) <= set(FAMILIES)
    assert len(FAMILIES) >= 27


@pytest.mark.parametrize("name", ["Gamma", "Beta", "Binomial", "Poisson", "Dirichlet", "StudentT", "Pareto"])
def test_drawn_laws_sample_inside_their_support(name: str) -> None:
    """An instance from the strategy is a usable law: its sampler's draws lie in its support."""

    @settings(max_examples=10, database=None, deadline=None)
    @given(distributions(name))
    def inside(d) -> None:
        draws = np.asarray(d.sample({}, 50, np.random.default_rng(0)), dtype=float)
        assert np.all(np.isfinite(draws))
        support = d.support()
        if type(d).__name__ == "Dirichlet":  # the simplex: rows of nonnegative coordinates summing to 1
            assert np.all(draws >= 0) and np.allclose(draws.sum(axis=-1), 1)
        elif isinstance(support, sp.Interval):
            assert np.all(draws >= float(support.start)) and np.all(draws <= float(support.end))
        elif isinstance(support, sp.Set):  # a count's support: integers in it
            assert np.all(draws == np.round(draws))
            assert all(support.contains(sp.Integer(int(v))) is sp.true for v in draws)
        else:
            raise AssertionError(f"unexpected support {support}")

    inside()


def test_simplex_shrinks_to_uniform() -> None:
    p = find(simplex(4), lambda _: True)
    assert np.allclose(p, 0.25)


def test_finite_joint_shrinks_to_uniform() -> None:
    table = find(finite_joints((2, 2)), lambda _: True)
    assert np.allclose(table, 0.25)


def test_spd_shrinks_to_identity() -> None:
    m = find(spd_matrices(3), lambda _: True)
    assert np.allclose(m, np.eye(3))


def test_parameters_shrink_to_simple_values() -> None:
    assert find(parameters(REAL), lambda _: True) == 0.0
    assert find(parameters(POSITIVE), lambda _: True) == 1.0
    assert find(parameters(DIMENSION), lambda _: True) == 1


def test_distribution_shrinks_to_simple_parameters() -> None:
    d = find(distributions(Bernoulli), lambda _: True)
    assert isinstance(d, Bernoulli)
    mvn = find(distributions(MultivariateNormal), lambda _: True)
    assert np.allclose(np.array(mvn.cov.tolist(), dtype=float), np.eye(mvn.cov.shape[0]))


def test_the_readme_family_example_runs(tmp_path) -> None:
    """The README's scipy-against-closed-form example is a working test (it is run, not only read)."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    code = re.search(r"```python\n(import scipy\.stats\n.*?)```", text, re.S).group(1)
    (tmp_path / "test_readme_family.py").write_text(code)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**__import__("os").environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
