"""Time the default audits of torch and scipy (``infoproofs audit torch|scipy``).

Each audit runs in a fresh process (imports, template derivations and the
library's own import included: what a user waits for) and prints its wall
seconds and what it counted: checks, values compared, discrepancies and
internal inconsistencies.  Usage: ``python benchmarks/bench_audit.py [torch] [scipy]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def time_audit(library: str) -> dict:
    """Run ``infoproofs audit LIBRARY --json FILE`` and return its summary with the wall time."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "audit.json"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "infoproofs", "audit", library, "--json", str(target)],
            capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        if not target.exists():
            return {"library": library, "exit": done.returncode, "seconds": seconds, "error": done.stderr[-400:]}
        summary = json.loads(target.read_text())["summary"]
    return {**summary, "exit": done.returncode, "wall_seconds": round(seconds, 1)}


def main(libraries: list[str]) -> None:
    for library in libraries:
        found = time_audit(library)
        keys = ("library", "exit", "wall_seconds", "checks", "families", "kl_pairs", "values_compared",
                "discrepancies", "internal_inconsistencies", "by_status", "error")
        print(json.dumps({k: found[k] for k in keys if k in found}))


if __name__ == "__main__":
    main(sys.argv[1:] or ["torch", "scipy"])
