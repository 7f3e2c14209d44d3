"""Side-by-side timings, printed as a table with ratios.

1. The whole catalog check, cold (empty cache, fresh process) and warm (same cache).
2. The Gaussian KL closed form: derived by infoproofs vs plain SymPy
   ``integrate(p*log(p/q), (x, -oo, oo))`` + ``simplify``, and vs the best plain-SymPy
   route (``sympy.stats.E`` of the expanded log-ratio).  Each runs in a fresh
   process so that no cache is shared; each prints the time of the call alone.

Run: ``python benchmarks/bench_catalog.py`` (add ``--skip-catalog`` for the KL part only).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OURS = r"""
import time
import sympy as sp
from infoproofs import KL, Normal, positive, real
mu1, mu2 = real("mu1 mu2"); s1, s2 = positive("s1 s2")
t = time.perf_counter()
result = KL(Normal(mu1, s1**2), Normal(mu2, s2**2)).doit()
elapsed = time.perf_counter() - t
known = sp.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
assert sp.simplify(sp.expand_log(result - known)) == 0
print(elapsed)
"""

SYMPY_INTEGRATE = r"""
import time
import sympy as sp
x = sp.Symbol("x", real=True)
mu1, mu2 = sp.symbols("mu1 mu2", real=True); s1, s2 = sp.symbols("s1 s2", positive=True)
p = sp.exp(-(x - mu1) ** 2 / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
q = sp.exp(-(x - mu2) ** 2 / (2 * s2**2)) / sp.sqrt(2 * sp.pi * s2**2)
t = time.perf_counter()
result = sp.simplify(sp.integrate(p * sp.log(p / q), (x, -sp.oo, sp.oo)))
print(time.perf_counter() - t)
"""

SYMPY_STATS = r"""
import time
import sympy as sp
from sympy.stats import E, Normal
mu1, mu2 = sp.symbols("mu1 mu2", real=True); s1, s2 = sp.symbols("s1 s2", positive=True)
X = Normal("X", mu1, s1)
x = sp.Symbol("x", real=True)
p = sp.exp(-(x - mu1) ** 2 / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
q = sp.exp(-(x - mu2) ** 2 / (2 * s2**2)) / sp.sqrt(2 * sp.pi * s2**2)
t = time.perf_counter()
result = sp.simplify(E(sp.expand_log(sp.log(p / q), force=True).subs(x, X)))
print(time.perf_counter() - t)
"""


def _python(code: str, timeout: float = 600) -> float:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return float(proc.stdout.strip().splitlines()[-1])


def _catalog(cache: str) -> tuple[float, str]:
    env = dict(os.environ, INFOPROOFS_CACHE=cache)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "infoproofs", "check", "--strict", "-q", str(ROOT / "derivations")],
        capture_output=True, text=True, env=env, timeout=3600,
    )
    elapsed = time.perf_counter() - started
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    if proc.returncode != 0:
        summary += f"  (exit {proc.returncode})"
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-catalog", action="store_true")
    args = parser.parse_args()
    rows = []
    if not args.skip_catalog:
        with tempfile.TemporaryDirectory() as cache:
            cold, summary = _catalog(cache)
            warm, _ = _catalog(cache)
        print(f"catalog: {summary}")
        rows.append(("catalog check --strict, cold (s)", cold, None))
        rows.append(("catalog check --strict, warm (s)", warm, cold / warm))
    ours = _python(OURS)
    stats = _python(SYMPY_STATS)
    integrate = _python(SYMPY_INTEGRATE)
    rows.append(("Gaussian KL: infoproofs derivation (s)", ours, None))
    rows.append(("Gaussian KL: sympy.stats.E + simplify (s)", stats, stats / ours))
    rows.append(("Gaussian KL: sympy integrate + simplify (s)", integrate, integrate / ours))
    print(f"{'what':48} {'seconds':>10} {'ratio':>10}")
    for what, seconds, ratio in rows:
        shown = f"{ratio:9.1f}x" if ratio is not None else ""
        print(f"{what:48} {seconds:10.3f} {shown:>10}")
    print("ratio = baseline time / infoproofs time (for 'warm': cold / warm)")


if __name__ == "__main__":
    main()
