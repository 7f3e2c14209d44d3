"""The pytest plugin's overhead: ``pytest --infoproofs`` against ``infoproofs check``, side by side.

Why: the plugin should cost little on top of the checker (target: at most
10 %), so that running the catalog as tests in CI is no slower than the CLI.
Both sides check the whole catalog cold (no step cache), strictly, in one job,
each in a fresh process timed from outside (interpreter start-up included):

* ``infoproofs check --strict --no-cache derivations/ -j 1``
* ``python -m pytest derivations/ --infoproofs --infoproofs-no-cache -q -p no:cacheprovider``

(``--infoproofs-strict`` is added to the pytest side too, so both apply the same contract.)
With ``--rounds N`` the two alternate N times and the medians are compared.

Run: ``python benchmarks/bench_pytest_plugin.py [--rounds N] [PATH]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, exit status and the output's last line of one fresh process."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, done.returncode, lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="derivations/", help="catalog folder or file (default derivations/)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each side (default 1)")
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "infoproofs", "check", "--strict", "--no-cache", args.path, "-j", "1", "-q"]
    plugin = [
        sys.executable, "-m", "pytest", args.path, "--infoproofs", "--infoproofs-strict", "--infoproofs-no-cache",
        "-q", "-p", "no:cacheprovider",
    ]
    times: dict[str, list[float]] = {"cli": [], "pytest": []}
    for round_ in range(1, args.rounds + 1):
        for side, command in (("cli", cli), ("pytest", plugin)):
            seconds, status, last = _timed(command)
            times[side].append(seconds)
            print(f"round {round_} {side:6s} {seconds:7.2f} s  exit {status}  {last[:100]}", flush=True)
    cli_s, plugin_s = statistics.median(times["cli"]), statistics.median(times["pytest"])
    ratio = plugin_s / cli_s
    print()
    print(f"{'side':40s} {'median s':>9s}")
    print(f"{'infoproofs check --strict --no-cache -j 1':40s} {cli_s:9.2f}")
    print(f"{'pytest --infoproofs --infoproofs-no-cache':40s} {plugin_s:9.2f}")
    verdict = "within" if ratio <= 1.10 else "OVER"
    print(f"ratio pytest / cli: {ratio:.3f} ({(ratio - 1) * 100:+.1f} %, {verdict} the 10 % target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
