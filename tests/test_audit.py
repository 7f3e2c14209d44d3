"""``infoproofs audit``: fake libraries with historic bugs are caught, with a counterexample; the CLI contract.

Each fake computes its values with numpy/mpmath formulas: a correct one must
pass, and each historic bug (a missing square, an ignored location, bits for
nats, a digamma for a harmonic number, an inverted ratio, a clamp) must come
back as a discrepancy whose counterexample holds both values.  Tests whose
family class has not landed in infoproofs yet skip with the class's name.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable

import mpmath as mp
import pytest

from infoproofs.audit import LIBRARIES, Adapter, LawMap, NotProvided, infoproofs_family
from infoproofs.audit.compare import audit_check, nice
from infoproofs.cli import main

EULER = float(mp.euler)


def needs(*names: str) -> None:
    for name in names:
        if infoproofs_family(name) is None:
            pytest.skip(f"infoproofs has no {name} class yet")


def _entry(family: str) -> LawMap:
    return LawMap("fake", family, f"fake.{family}(same parameters)", family, lambda adapter, *v: (family, v))


class Fake(Adapter):
    """A library whose every value is a formula from ``formulas[(quantity, family or pair)]``."""

    name = "fake"

    def __init__(self, formulas: dict[tuple[str, object], Callable], kl_pairs: tuple = ()) -> None:
        families = {f for (_, key) in formulas for f in ((key,) if isinstance(key, str) else key)}
        super().__init__({f: _entry(f) for f in families})
        self.formulas, self.pairs = formulas, list(kl_pairs)

    def _get(self, quantity: str, key):
        if (quantity, key) not in self.formulas:
            raise NotProvided(f"fake has no {quantity} for {key}")
        return self.formulas[(quantity, key)]

    def kl_pairs(self):
        return self.pairs

    def entropy(self, law):
        return float(self._get("entropy", law[0])(*law[1]))

    def kl(self, p, q):
        return float(self._get("KL", (p[0], q[0]))(p[1], q[1]))

    def log_prob(self, law, x):
        return float(self._get("log_prob", law[0])(x, *law[1]))

    def mean(self, law):
        return float(self._get("mean", law[0])(*law[1]))

    def variance(self, law):
        return float(self._get("variance", law[0])(*law[1]))


def _normal_entropy(m, v):
    return 0.5 * math.log(2 * math.pi * math.e * v)


def _normal_kl(p, q):
    (m1, v1), (m2, v2) = p, q
    return 0.5 * (math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1)


CORRECT = {
    ("entropy", "Normal"): _normal_entropy,
    ("log_prob", "Normal"): lambda x, m, v: -((x - m) ** 2) / (2 * v) - 0.5 * math.log(2 * math.pi * v),
    ("mean", "Normal"): lambda m, v: m,
    ("variance", "Normal"): lambda m, v: v,
    ("entropy", "Exponential"): lambda rate: 1 - math.log(rate),
    ("KL", ("Normal", "Normal")): _normal_kl,
}


def caught(adapter: Adapter, families: tuple[str, ...], quantity: str, examples: int = 6):
    """The check finds a discrepancy, and its counterexample has both values and different ones."""
    result = audit_check(adapter, families, quantity, examples, witnesses=1)
    assert result.status == "discrepancy", (result.status, result.note)
    found = result.counterexample
    assert found is not None and found.library is not None
    reference = found.closed if found.closed is not None else found.definition
    assert reference is not None
    assert abs(mp.mpf(found.library) - reference) > 1e-8 * max(1, abs(reference))
    assert len(found.values) == len(families)
    return result


# ---- a correct library passes ------------------------------------------------------------------


def test_correct_fake_agrees():
    fake = Fake(CORRECT, kl_pairs=[("Normal", "Normal")])
    for families, quantity in [(("Normal",), "entropy"), (("Normal",), "log_prob"), (("Normal",), "mean"),
                               (("Normal",), "variance"), (("Normal", "Normal"), "KL"),
                               (("Exponential",), "entropy")]:
        result = audit_check(fake, families, quantity, 4, witnesses=1)
        assert result.status == "agree", (families, quantity, result.counterexample)
        assert result.compared >= 4
    assert audit_check(fake, ("Exponential",), "mean", 2, 1).status == "not provided"


def test_a_wrong_variance_convention_is_caught_and_shrunk():
    """A library that returns the scale where the variance is meant: shrinking keeps a failing, simpler point."""
    wrong = dict(CORRECT)
    wrong[("variance", "Normal")] = lambda m, v: math.sqrt(v)
    result = caught(Fake(wrong), ("Normal",), "variance")
    (mean, variance), = result.counterexample.values
    assert variance != 1.0 and variance > 0


# ---- historic bugs ------------------------------------------------------------------------------


def test_kl_gumbel_normal_missing_square():
    needs("Gumbel")

    def buggy(p, q):  # pi beta / (12 s) where (pi beta / s)^2 / 12 belongs
        (mu, beta), (m, v) = p, q
        s = math.sqrt(v)
        mean = mu + EULER * beta
        return (math.log(s / beta) + 0.5 * math.log(2 * math.pi) - 1 - EULER
                + math.pi * beta / (12 * s) + (mean - m) ** 2 / (2 * v))

    caught(Fake({("KL", ("Gumbel", "Normal")): buggy}), ("Gumbel", "Normal"), "KL")


def test_kl_normal_laplace_ignores_location():
    def buggy(p, q):  # E|X - mu| as if m == mu
        (_m, v), (_mu, b) = p, q
        s = math.sqrt(v)
        return -0.5 * math.log(2 * math.pi * math.e * v) + math.log(2 * b) + s * math.sqrt(2 / math.pi) / b

    caught(Fake({("KL", ("Normal", "Laplace")): buggy}), ("Normal", "Laplace"), "KL")


def test_loglogistic_entropy_in_bits():
    needs("LogLogistic")
    fake = Fake({("entropy", "LogLogistic"): lambda scale, shape: (math.log(scale / shape) + 2) / math.log(2)})
    caught(fake, ("LogLogistic",), "entropy")


def test_old_kumaraswamy_entropy():
    needs("Kumaraswamy")

    def buggy(a, b):  # digamma(b) where the harmonic number H_b = digamma(b + 1) + gamma belongs
        return (1 - 1 / b) + (1 - 1 / a) * float(mp.digamma(b)) - math.log(a * b)

    caught(Fake({("entropy", "Kumaraswamy"): buggy}), ("Kumaraswamy",), "entropy")


def test_statrs_pareto_entropy_inverted_ratio():
    needs("Pareto")
    fake = Fake({("entropy", "Pareto"): lambda scale, shape: math.log(shape / scale) + 1 / shape + 1})
    caught(fake, ("Pareto",), "entropy")


def test_geometric_entropy_in_bits():
    """H(Geometric(1/2)) = 2 is the value in bits; in nats it is 2 log 2."""
    needs("Geometric")

    def buggy(p):
        return (-(1 - p) * math.log2(1 - p) - p * math.log2(p)) / p

    assert buggy(0.5) == 2.0
    caught(Fake({("entropy", "Geometric"): buggy}), ("Geometric",), "entropy")


def test_beta_entropy_clamped_at_zero():
    """A differential entropy can be negative (concentrated Betas); max(0, h) is wrong there."""
    needs("Beta")

    def buggy(a, b):
        h = (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b) - (a - 1) * float(mp.digamma(a))
             - (b - 1) * float(mp.digamma(b)) + (a + b - 2) * float(mp.digamma(a + b)))
        return max(0.0, h)

    result = caught(Fake({("entropy", "Beta"): buggy}), ("Beta",), "entropy", examples=8)
    assert result.counterexample.library == 0.0


def _digamma(x: float) -> float:
    return float(mp.digamma(x))


def _dirichlet_entropy(alphas, sign: float = 1.0) -> float:
    """log B(a) + sign (a_0 - K) psi(a_0) - sum (a_i - 1) psi(a_i); sign -1 is the flipped-term bug."""
    a0 = sum(alphas)
    log_beta = sum(math.lgamma(a) for a in alphas) - math.lgamma(a0)
    return log_beta + sign * (a0 - len(alphas)) * _digamma(a0) - sum((a - 1) * _digamma(a) for a in alphas)


def _dirichlet_kl(p, q, with_total: bool = True) -> float:
    """Penny (2001); without ``with_total`` the psi(a_0) of E log x_i = psi(a_i) - psi(a_0) is dropped."""
    (alphas,), (betas,) = p, q
    a0, b0 = sum(alphas), sum(betas)
    value = math.lgamma(a0) - sum(math.lgamma(a) for a in alphas) - math.lgamma(b0) + sum(math.lgamma(b) for b in betas)
    return value + sum((a - b) * (_digamma(a) - (_digamma(a0) if with_total else 0.0)) for a, b in zip(alphas, betas))


class _VectorFake(Fake):
    """A fake whose Dirichlet means and variances are vectors, as torch's and scipy's are."""

    def mean_vector(self, law):
        return [float(v) for v in self._get("mean", law[0])(*law[1])]

    def variance_vector(self, law):
        return [float(v) for v in self._get("variance", law[0])(*law[1])]


def test_correct_dirichlet_fake_agrees():
    """The right formulas pass for K in {2, 3}: the audit's Dirichlet draws and maps are not the bug."""
    needs("Dirichlet")
    correct = {
        ("entropy", "Dirichlet"): lambda alphas: _dirichlet_entropy(alphas),
        ("KL", ("Dirichlet", "Dirichlet")): _dirichlet_kl,
        ("mean", "Dirichlet"): lambda alphas: [a / sum(alphas) for a in alphas],
        ("variance", "Dirichlet"): lambda alphas: [
            a * (sum(alphas) - a) / (sum(alphas) ** 2 * (sum(alphas) + 1)) for a in alphas
        ],
    }
    fake = _VectorFake(correct, kl_pairs=[("Dirichlet", "Dirichlet")])
    for families, quantity in [(("Dirichlet",), "entropy"), (("Dirichlet", "Dirichlet"), "KL"),
                               (("Dirichlet",), "mean"), (("Dirichlet",), "variance")]:
        result = audit_check(fake, families, quantity, 4, witnesses=1)
        assert result.status == "agree", (families, quantity, result.counterexample)


def test_dirichlet_entropy_with_the_total_term_flipped():
    """-(a_0 - K) psi(a_0) for +(a_0 - K) psi(a_0): equal only where a_0 = K, caught with a counterexample."""
    needs("Dirichlet")
    fake = Fake({("entropy", "Dirichlet"): lambda alphas: _dirichlet_entropy(alphas, sign=-1.0)})
    result = caught(fake, ("Dirichlet",), "entropy")
    ((alphas,),) = result.counterexample.values
    assert len(alphas) in (2, 3)


def test_dirichlet_kl_missing_the_total_digamma():
    """KL(Dir || Dir) with E log x_i taken as psi(a_i), the psi(a_0) dropped (wrong unless sum a_i = sum b_i)."""
    needs("Dirichlet")
    fake = Fake({("KL", ("Dirichlet", "Dirichlet")): lambda p, q: _dirichlet_kl(p, q, with_total=False)},
                kl_pairs=[("Dirichlet", "Dirichlet")])
    result = caught(fake, ("Dirichlet", "Dirichlet"), "KL")
    (alphas,), (betas,) = result.counterexample.values
    assert len(alphas) == len(betas)


def test_nice_rounds_to_six_digits():
    assert nice(0.1234567891234) == 0.123457
    assert nice((1, 2.0000000001)) == (1, 2.0)


# ---- the command line --------------------------------------------------------------------------


@pytest.fixture
def fake_library(monkeypatch):
    def install(formulas, pairs=()):
        monkeypatch.setitem(LIBRARIES, "fake", lambda: Fake(formulas, pairs))

    return install


def test_cli_unknown_library(capsys):
    assert main(["audit", "nosuchlib"]) == 2
    err = capsys.readouterr().err
    assert "unknown library 'nosuchlib'" in err and "torch" in err and "scipy" in err


def test_cli_correct_fake_exit_0_and_json(fake_library, capsys):
    fake_library(CORRECT, [("Normal", "Normal")])
    assert main(["audit", "fake", "--json", "-", "--examples", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["discrepancies"] == 0 and doc["summary"]["checks"] >= 6
    assert {m["family"] for m in doc["map"]} == {"Normal", "Exponential"}
    assert any(c["quantity"] == "KL" and c["status"] == "agree" for c in doc["checks"])


def test_cli_discrepancy_exit_1_with_counterexample(fake_library, capsys, tmp_path):
    wrong = dict(CORRECT)
    wrong[("entropy", "Normal")] = lambda m, v: 0.5 * math.log(2 * math.pi * v)  # the e forgotten
    fake_library(wrong)
    target = tmp_path / "audit.json"
    assert main(["audit", "fake", "--family", "Normal", "--json", str(target), "--examples", "3"]) == 1
    doc = json.loads(target.read_text())
    bad = [c for c in doc["checks"] if c["status"] == "discrepancy"]
    assert len(bad) == 1 and bad[0]["quantity"] == "entropy"
    example = bad[0]["counterexample"]
    assert example["library"] is not None and example["closed_form"] is not None
    assert "minimal" in capsys.readouterr().out


def test_cli_unknown_family(fake_library, capsys):
    fake_library(CORRECT)
    assert main(["audit", "fake", "--family", "NoSuchFamily"]) == 2
    assert "not an infoproofs family" in capsys.readouterr().err


def test_cli_torch_missing(monkeypatch, capsys):
    for name in ("torch", "torch.distributions"):
        monkeypatch.setitem(sys.modules, name, None)  # "import torch" now raises ImportError
    assert main(["audit", "torch"]) == 2
    assert "pip install torch==2.13.0" in capsys.readouterr().err


def test_import_infoproofs_imports_neither_library():
    code = ("import sys, infoproofs, infoproofs.audit, infoproofs.cli; "
            "print('torch' in sys.modules, 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# ---- the real maps, on a few draws ---------------------------------------------------------------


def test_scipy_maps_normal_and_gamma():
    pytest.importorskip("scipy.stats")
    from infoproofs.audit import make_adapter

    adapter = make_adapter("scipy")
    for family in ("Normal", "Gamma"):
        for quantity in ("entropy", "log_prob", "variance"):
            result = audit_check(adapter, (family,), quantity, 2, witnesses=1)
            assert result.status == "agree", (family, quantity, result.counterexample)


def test_torch_maps_gamma_and_kl():
    pytest.importorskip("torch")
    from infoproofs.audit import make_adapter

    adapter = make_adapter("torch")
    assert ("Normal", "Normal") in adapter.kl_pairs() and ("Gamma", "Gamma") in adapter.kl_pairs()
    assert audit_check(adapter, ("Gamma",), "entropy", 2, witnesses=1).status == "agree"
    assert audit_check(adapter, ("Normal", "Normal"), "KL", 2, witnesses=1).status == "agree"
