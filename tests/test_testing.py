"""assert_implements: correct code passes, and the classic ML mistakes are caught *and named*."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from infoproofs import KL, Bernoulli, CrossEntropy, Normal, positive, probability, real
from infoproofs.testing import BACKENDS, DIAGNOSES, TORCH_INSTALL, assert_implements

mu1, mu2 = real("mu1 mu2")
s1, s2 = positive("s1 s2")
p, q = probability("p q")
mu = real("mu")
sigma, v = positive("sigma v")

GAUSS_KL = KL(Normal(mu1, s1**2), Normal(mu2, s2**2))
BERN_KL = KL(Bernoulli(p), Bernoulli(q))
VAE_KL = KL(Normal(mu, sigma**2), Normal(0, 1))


def _message(fn, formula, **kw) -> str:
    with pytest.raises(AssertionError) as caught:
        assert_implements(fn, formula, **kw)
    return str(caught.value)


def test_import_infoproofs_pulls_in_neither_torch_nor_hypothesis() -> None:
    code = "import sys, infoproofs; print('torch' in sys.modules, 'infoproofs.strategies' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_missing_torch_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError) as caught:
        BACKENDS["torch"]()
    assert TORCH_INSTALL in str(caught.value)


def test_diagnoses_are_a_registry() -> None:
    assert {"swapped arguments", "log base", "reduction", "sign", "log sigma vs log sigma^2"} <= set(DIAGNOSES)


def test_numpy_bernoulli_cross_entropy_passes() -> None:
    assert_implements(lambda p, q: -(p * np.log(q) + (1 - p) * np.log1p(-q)), CrossEntropy(Bernoulli(p), Bernoulli(q)))


def test_bits_instead_of_nats_is_named() -> None:
    # The catalog's Gaussian entropy, by name; the user's code uses log2.
    message = _message(lambda sigma: 0.5 * np.log2(2 * np.pi * np.e * sigma**2), "gaussian_entropy", examples=20)
    assert "log base" in message and "bits instead of nats" in message
    assert "counterexample: sigma=" in message


def test_sign_is_named() -> None:
    message = _message(lambda p, q: p * np.log(q) + (1 - p) * np.log(1 - q), CrossEntropy(Bernoulli(p), Bernoulli(q)), examples=20)
    assert "diagnosis: sign" in message


def test_mean_instead_of_sum_is_named() -> None:
    def kl_mean(p, q):
        terms = np.stack([p * np.log(p / q), (1 - p) * np.log((1 - p) / (1 - q))])
        return terms.mean(axis=0)

    message = _message(kl_mean, BERN_KL, examples=20)
    assert "diagnosis: reduction" in message and "averages over n=2" in message


def test_log_variance_input_is_named() -> None:
    # The formula takes the variance v; the code treats its input as log v.
    formula = KL(Normal(mu, v), Normal(0, 1))
    message = _message(lambda mu, v: -0.5 * (1 + v - mu**2 - np.exp(v)), formula, examples=20)
    assert "log-space vs probability inputs" in message and "exp(v)" in message


@pytest.mark.torch
def test_kl_div_argument_order_is_caught_as_swapped() -> None:
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    def bern(t):
        return torch.stack([t, 1 - t], -1)

    # F.kl_div(log_q, p) is KL(p || q); this user expects F.kl_div(log p, q) to be KL(p || q).
    message = _message(lambda p, q: F.kl_div(bern(p).log(), bern(q), reduction="sum"), BERN_KL, backend="torch", examples=20)
    assert "swapped arguments" in message
    assert "KL(Bernoulli(q) || Bernoulli(p))" in message and "the formula is KL(Bernoulli(p) || Bernoulli(q))" in message


@pytest.mark.torch
def test_kl_div_sum_over_a_batch_is_caught_as_reduction() -> None:
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    def bern(t):
        return torch.stack([t, 1 - t], -1)

    message = _message(lambda p, q: F.kl_div(bern(q).log(), bern(p), reduction="sum"), BERN_KL, backend="torch", examples=20)
    assert "reduction" in message and "the sum of the per-point values" in message


@pytest.mark.torch
def test_vae_kl_with_log_sigma_for_log_sigma_squared_is_named() -> None:
    torch = pytest.importorskip("torch")

    def vae_kl(mu, sigma):
        return -0.5 * (1 + torch.log(sigma) - mu**2 - sigma)  # sigma used as a variance

    message = _message(vae_kl, VAE_KL, backend="torch", examples=20)
    assert "log sigma vs log sigma^2" in message and "sqrt(sigma)" in message


@pytest.mark.torch
def test_correct_torch_gaussian_kl_passes_values_and_gradients() -> None:
    pytest.importorskip("torch")
    from torch.distributions import Normal as TorchNormal
    from torch.distributions import kl_divergence

    def kl(mu1, mu2, s1, s2):
        return kl_divergence(TorchNormal(mu1, s1), TorchNormal(mu2, s2))

    assert_implements(kl, GAUSS_KL, backend="torch", examples=30)


@pytest.mark.torch
def test_wrong_gradient_is_caught() -> None:
    torch = pytest.importorskip("torch")

    def vae_kl(mu, sigma):
        return 0.5 * (mu.detach() ** 2 + sigma**2 - 1) - torch.log(sigma)

    message = _message(vae_kl, VAE_KL, backend="torch", examples=10)
    assert "gradient" in message and "d/dmu" in message


def test_args_give_fn_its_argument_order() -> None:
    def kl(q, p):
        return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))

    assert_implements(kl, BERN_KL, args=[q, "p"], examples=20)


def test_checking_writes_nothing_into_the_working_folder(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    p, q = probability("pw qw")
    assert_implements(lambda p, q: -p * np.log(q) - (1 - p) * np.log(1 - q), CrossEntropy(Bernoulli(p), Bernoulli(q)))
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_catalog_name_suggests_the_close_ones() -> None:
    from infoproofs.catalog import InputError

    with pytest.raises(InputError, match="did you mean 'kl_normal'"):
        assert_implements(lambda *a: 0.0, "kl_norml")
