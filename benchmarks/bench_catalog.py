"""Side-by-side timings, printed as a table with ratios, in one run.

1. The catalog's strict check, cold (cache off) and warm (a filled cache), each a fresh
   ``infoproofs`` process timed from outside (interpreter start-up included), for this
   code *and* for a baseline commit checked out into a temporary folder (default: the
   code before the soundness and speed work, 8156c4a), each on its own catalog.
2. ``import infoproofs`` in a fresh process, against ``python -c pass``.
3. The Gaussian KL like for like, each in a fresh process: ours *derived from the
   definition and checked* (no template cached, no step cache) against
   ``sympy.stats.E`` of the log-ratio + ``simplify`` + an equality check with the
   known closed form, and against ``integrate`` + ``simplify``.
4. CPU seconds per step of the cold check (median and 95th percentile), from its JSON report.
5. How the cold time grows with the catalog: 1, 4, 8 and all files (and their steps).
6. With ``--reruns N``: N more cold checks, whose verdicts and point counts must equal the first.

Run: ``python benchmarks/bench_catalog.py [--baseline COMMIT] [--skip-baseline] [--skip-growth] [--reruns N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "8156c4a"

# Each snippet prints "seconds after the imports" and "seconds including them".
OURS = r"""
import time
t0 = time.perf_counter()
import sympy as sp
from infoproofs import KL, Normal, positive, real
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.engine import derive
t = time.perf_counter()
mu1, mu2 = real("mu1 mu2"); s1, s2 = positive("s1 s2")
d = derive(KL(Normal(mu1, s1**2), Normal(mu2, s2**2)))
result = check_derivation(d, CheckOptions(use_cache=False))
known = sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
assert all(s.verdict == "proved" for s in result.steps), [s.reason for s in result.steps]
assert sp.simplify(sp.expand_log(d.result - known)) == 0
print(time.perf_counter() - t, time.perf_counter() - t0)
"""

SYMPY_STATS = r"""
import time
t0 = time.perf_counter()
import sympy as sp
from sympy.stats import E, Normal
t = time.perf_counter()
mu1, mu2 = sp.symbols("mu1 mu2", real=True); s1, s2 = sp.symbols("s1 s2", positive=True)
X = Normal("X", mu1, s1)
x = sp.Symbol("x", real=True)
p = sp.exp(-(x - mu1) ** 2 / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
q = sp.exp(-(x - mu2) ** 2 / (2 * s2**2)) / sp.sqrt(2 * sp.pi * s2**2)
result = sp.simplify(E(sp.expand_log(sp.log(p / q), force=True).subs(x, X)))
known = sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
assert sp.simplify(sp.expand_log(result - known, force=True)) == 0
print(time.perf_counter() - t, time.perf_counter() - t0)
"""

SYMPY_INTEGRATE = r"""
import time
t0 = time.perf_counter()
import sympy as sp
t = time.perf_counter()
x = sp.Symbol("x", real=True)
mu1, mu2 = sp.symbols("mu1 mu2", real=True); s1, s2 = sp.symbols("s1 s2", positive=True)
p = sp.exp(-(x - mu1) ** 2 / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
q = sp.exp(-(x - mu2) ** 2 / (2 * s2**2)) / sp.sqrt(2 * sp.pi * s2**2)
result = sp.simplify(sp.integrate(p * sp.log(p / q), (x, -sp.oo, sp.oo)))
known = sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
assert sp.simplify(result - known) == 0
print(time.perf_counter() - t, time.perf_counter() - t0)
"""


def _python(code: str, env: dict | None = None, timeout: float = 900) -> tuple[float, float]:
    """(seconds after the imports, seconds including them) of a snippet in a fresh process."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    work, total = proc.stdout.strip().splitlines()[-1].split()
    return float(work), float(total)


def _verdicts(report: Path) -> list[tuple[str, int, str, int]]:
    """(derivation, step, verdict, numeric points) of every step in a JSON report."""
    data = json.loads(report.read_text())
    return [(d["name"], s["index"], s["verdict"], s["oracles"]["numeric"]["points"])
            for d in data["derivations"] for s in d["steps"]]


def _wall(args: list[str], cwd: Path, env: dict, timeout: float = 3600) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
    return time.perf_counter() - started, proc


def _check(tree: Path, targets: list[str], cache: str | None, report: Path | None = None) -> tuple[float, str]:
    """Wall seconds of one ``infoproofs check --strict`` in ``tree`` (its code, its catalog)."""
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    args = [sys.executable, "-m", "infoproofs.cli", "check", "--strict", "-q", *targets]
    if cache is None:
        args.append("--no-cache")
    else:
        env["INFOPROOFS_CACHE"] = cache
    if report is not None:
        args += ["--json", str(report)]
    seconds, proc = _wall(args, tree, env)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    summary = next((line for line in reversed(lines) if "derivations" in line and "steps" in line), "")
    if report is not None and report.exists():
        s = json.loads(report.read_text())["summary"]
        summary = f"{s['derivations']} derivations, {s['steps']} steps, {s['proved']} proved, {s['confirmed']} " \
                  f"confirmed, {s['refuted']} refuted, {s['unknown']} unknown"
    if proc.returncode != 0:
        summary += f" (exit {proc.returncode})"
    return seconds, summary


def _checkout(commit: str, into: Path) -> Path:
    """The repository at ``commit``, as plain files (git archive), in a temporary folder."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _steps(report: Path) -> list[float]:
    data = json.loads(report.read_text())
    return [s["seconds"] for d in data["derivations"] for s in d["steps"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    parser.add_argument("--skip-baseline", action="store_true", help="time this code only")
    parser.add_argument("--skip-growth", action="store_true", help="skip the growth series")
    parser.add_argument("--reruns", type=int, default=0, metavar="N",
                        help="N more cold checks of this code, whose verdicts must equal the first one's")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, ours: float | None, theirs: float | None = None, unit: str = "s") -> None:
        ratio = f"{theirs / ours:.1f}x" if ours and theirs else ""
        rows.append((what, f"{ours:.3f}" if ours is not None else "-", f"{theirs:.3f}" if theirs is not None else "-",
                     ratio))

    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        report = scratch_path / "cold.json"
        cold, summary = _check(ROOT, ["derivations"], None, report)
        per_step = _steps(report)
        reruns = []
        for n in range(args.reruns):
            again = scratch_path / f"rerun{n}.json"
            _check(ROOT, ["derivations"], None, again)
            reruns.append(_verdicts(again) == _verdicts(report))
        with tempfile.TemporaryDirectory() as cache:
            _check(ROOT, ["derivations"], cache)
            warm, _ = _check(ROOT, ["derivations"], cache)
        print(f"this code:     {summary}")
        old_cold = old_warm = None
        old_steps: list[float] = []
        if not args.skip_baseline:
            old = _checkout(args.baseline, scratch_path / "baseline")
            old_report = scratch_path / "old.json"
            old_cold, old_summary = _check(old, ["derivations"], None, old_report)
            old_steps = _steps(old_report) if old_report.exists() else []
            with tempfile.TemporaryDirectory() as cache:
                _check(old, ["derivations"], cache)
                old_warm, _ = _check(old, ["derivations"], cache)
            print(f"{args.baseline} code: {old_summary}")
        row("catalog check --strict, cold, 2 jobs (wall)", cold, old_cold)
        row("catalog check --strict, warm (wall, with start-up)", warm, old_warm)
        row("CPU s per step, median", statistics.median(per_step),
            statistics.median(old_steps) if old_steps else None)
        row("CPU s per step, 95th percentile", sorted(per_step)[int(0.95 * len(per_step))],
            sorted(old_steps)[int(0.95 * len(old_steps))] if old_steps else None)

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    start_up = min(_wall([sys.executable, "-c", "pass"], ROOT, env)[0] for _ in range(3))
    imported = min(_wall([sys.executable, "-c", "import infoproofs"], ROOT, env)[0] for _ in range(3))
    row("import infoproofs (wall, less python start-up)", imported - start_up)

    no_cache = dict(os.environ, INFOPROOFS_NO_CACHE="1")
    ours = _python(OURS, no_cache)
    stats = _python(SYMPY_STATS)
    integrate = _python(SYMPY_INTEGRATE)
    row("Gaussian KL: ours derived + checked vs sympy.stats.E + simplify", ours[0], stats[0])
    row("  the same, imports included", ours[1], stats[1])
    row("Gaussian KL: ours derived + checked vs integrate + simplify", ours[0], integrate[0])

    growth = []
    if not args.skip_growth:
        files = sorted(p.name for p in (ROOT / "derivations").glob("*.py") if not p.name.startswith("_"))
        with tempfile.TemporaryDirectory() as scratch:
            for count in (1, 4, 8, len(files)):
                chosen = [f"derivations/{name}" for name in files[:count]]
                grown = Path(scratch) / f"growth{count}.json"
                seconds, _ = _check(ROOT, chosen, None, grown)
                growth.append((count, len(_steps(grown)), seconds))

    print()
    print(f"{'what':62} {'this code':>10} {'baseline':>10} {'ratio':>8}")
    for what, ours_text, theirs_text, ratio in rows:
        print(f"{what:62} {ours_text:>10} {theirs_text:>10} {ratio:>8}")
    print("seconds; ratio = baseline (or plain SymPy) / this code.  The Gaussian KL rows compare fresh processes,")
    print("like for like, timed after the imports (the second row includes them): ours derives from the definition")
    print("and checks every step with both oracles, SymPy computes the expectation and compares it once")
    if reruns:
        same = sum(reruns)
        print(f"\ndeterminism: {same} of {len(reruns)} further cold reruns gave the first run's verdicts and point counts")
    if growth:
        print()
        print("cold check against catalog size:  " + ", ".join(f"{n} files/{k} steps {t:.1f} s" for n, k, t in growth))
        if len(growth) >= 2:
            (_, k0, t0), (_, k1, t1) = growth[0], growth[-1]
            slope = (t1 - t0) / max(k1 - k0, 1)
            print(f"  about {slope * 1000:.0f} ms per step beyond the first file; fixed cost about "
                  f"{t0 - slope * k0:.1f} s (start-up, imports, loading)")


if __name__ == "__main__":
    main()
