"""``infoproofs confirm``: the quick experiments pass, wrong predictions fail, bad input exits 2.

Experiments whose catalog derivation has not landed yet are skipped with the
derivation's name; everything else runs the ``--quick`` size, seeded.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infoproofs.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENT_NAMES = ["capacity", "rate-distortion", "echo", "elbo-gap", "diffusion-mmse"]


def test_importing_never_imports_torch():
    code = (
        "import sys, infoproofs, infoproofs.cli, infoproofs.confirm.command\n"
        "from infoproofs.confirm.registry import EXPERIMENTS, _load\n"
        "_load(); infoproofs.cli.build_parser()\n"
        "assert len(EXPERIMENTS) == 5, sorted(EXPERIMENTS)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_judge_rejects_a_wrong_prediction():
    from infoproofs.confirm.outcome import judge

    # capacity at d=4, s=1, t=0.5: (d/2) log(1 + s^2/t^2); "missing the 1/2" doubles it.
    right = 2 * math.log(5.0)
    measured, se = right * 0.998, 0.004
    assert judge(right, measured, se, rel_tol=0.02).passed
    assert not judge(2 * right, measured, se, rel_tol=0.02).passed
    assert not judge(right / 2, measured, se, rel_tol=0.02).passed
    assert not judge(right, math.nan, se, rel_tol=0.02).passed
    # the standard-error part widens the tolerance only when the measurement is noisy
    assert judge(1.0, 1.1, 0.05, rel_tol=0.02).passed
    assert not judge(1.0, 1.1, 0.01, rel_tol=0.02).passed


def _catalog_has(derivation: str | None) -> bool:
    if derivation is None:
        return True
    from infoproofs.catalog import default_catalog, load_paths

    return derivation in {d.name for d in load_paths([default_catalog()])}


@pytest.mark.torch
@pytest.mark.parametrize("name", EXPERIMENT_NAMES)
def test_quick_experiment_confirms_and_a_wrong_prediction_fails(name):
    pytest.importorskip("torch")
    from infoproofs.confirm.command import run_experiment
    from infoproofs.confirm.outcome import judge
    from infoproofs.confirm.registry import get_experiment

    exp = get_experiment(name)
    if not _catalog_has(exp.derivation):
        pytest.skip(f"derivation {exp.derivation} not in catalog yet")
    _, _, out, seconds, _ = run_experiment(name, seed=0, quick=True, show_progress=False)
    detail = f"{name}: predicted {out.predicted_nats}, measured {out.measured_nats} +- {out.stderr_nats}, {out.checks}"
    assert out.passed, detail
    assert out.stderr_nats > 0 and math.isfinite(out.stderr_nats)
    assert seconds < 30, f"{name} --quick took {seconds:.1f} s"
    for wrong in (out.predicted_nats * 2, out.predicted_nats / 2):
        assert not judge(wrong, out.measured_nats, out.stderr_nats, out.rel_tol, out.n_se).passed, detail


@pytest.mark.torch
def test_json_has_every_field_and_the_plot_is_written(tmp_path):
    pytest.importorskip("torch")
    report, png = tmp_path / "r.json", tmp_path / "sweep.png"
    rc = main(["confirm", "capacity", "--quick", "--seed", "1", "--json", str(report), "--plot", str(png)])
    assert rc == 0
    data = json.loads(report.read_text())
    fields = {
        "experiment",
        "derivation",
        "params",
        "predicted_bits",
        "measured_bits",
        "stderr_bits",
        "tolerance_bits",
        "passed",
        "seconds",
        "device",
    }
    assert fields <= set(data)
    assert data["experiment"] == "capacity" and data["derivation"] == "gaussian_latent_capacity"
    assert data["params"] == {"d": 4, "s": 1.0, "t": 0.5}
    assert data["passed"] is True and data["device"] == "cpu"
    assert abs(data["predicted_bits"] - 2 * math.log2(5.0)) < 1e-9
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.torch
def test_list_names_every_experiment(capsys):
    pytest.importorskip("torch")
    assert main(["confirm", "--list"]) == 0
    out = capsys.readouterr().out
    for name in EXPERIMENT_NAMES:
        assert name in out


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["confirm", "nonsense"], "valid experiments: capacity, diffusion-mmse, echo, elbo-gap, rate-distortion"),
        (["confirm"], "valid experiments"),
        (["confirm", "capacity", "t=0"], "t=0.0: must be > 0"),
        (["confirm", "capacity", "t=-1"], "must be > 0"),
        (["confirm", "capacity", "d=0"], "d=0: must be an integer >= 1"),
        (["confirm", "capacity", "d=2.5"], "expected an integer"),
        (["confirm", "capacity", "depth=3"], "unknown parameter 'depth' for capacity; valid parameters: d"),
        (["confirm", "capacity", "t"], "malformed parameter 't': write name=value"),
        (["confirm", "capacity", "=3"], "malformed parameter"),
        (["confirm", "capacity", "t=abc"], "expected a number"),
        (["confirm", "echo", "s=1.5"], "strictly between 0 and 1"),
        (["confirm", "capacity", "--plot", "out.pdf"], "ending in .png"),
    ],
)
def test_bad_input_exits_2_with_a_message(argv, expect, capsys):
    pytest.importorskip("torch")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expect in err
    assert "Traceback" not in err


def test_bad_input_in_a_subprocess_has_no_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "infoproofs", "confirm", "capacity", "t=0"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2
    assert "error:" in done.stderr and "Traceback" not in done.stderr


def test_without_torch_it_says_how_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # importlib.util.find_spec("torch") is then None
    assert main(["confirm", "capacity"]) == 2
    err = capsys.readouterr().err
    readme = (ROOT / "README.md").read_text()
    command = "pip install torch==2.13.0 && pip install -e '.[torch]'"
    assert command in err and command in readme and "Traceback" not in err


@pytest.mark.torch
def test_cuda_without_a_gpu_is_bad_input(capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is available")
    assert main(["confirm", "capacity", "--quick", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "no CUDA device" in err and "valid devices: cpu" in err


@pytest.mark.torch
def test_a_missing_derivation_is_bad_input_not_a_fallback(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    (tmp_path / "derivations").mkdir()
    shutil.copy(ROOT / "derivations" / "capacity.py", tmp_path / "derivations" / "capacity.py")
    monkeypatch.chdir(tmp_path)  # the catalog is ./derivations: capacity only
    assert main(["confirm", "rate-distortion", "--quick"]) == 2
    err = capsys.readouterr().err
    assert "derivation reverse_water_filling_3 not in catalog" in err and "Traceback" not in err
