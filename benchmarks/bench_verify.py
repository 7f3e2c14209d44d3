"""``infoproofs verify`` against HuggingFace Math-Verify on the labelled corpus, side by side, in one run.

The corpus (``benchmarks/verify_corpus/``) holds claims written as papers write
them, a third or more of them false (most of those published mistakes, each with
its source).  For each tool this prints: correct verdicts, false accepts (a false
claim accepted: proved/confirmed for us, "true" for Math-Verify), parse failures
(unparsed or unsupported), true claims accepted, and the median and maximum
seconds per claim.  Ours runs twice through the real CLI (cold, with an empty
step cache; then warm); the warm run is what a user re-checking a paper sees.

Math-Verify is a benchmark extra (``pip install -e '.[mathverify]'``); without it
its column says so.  The package never imports it.

Run: ``python benchmarks/bench_verify.py [--corpus DIR] [--skip-math-verify]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "verify_corpus"
ACCEPT = {"proved", "confirmed"}
NOT_READ = {"unparsed", "unsupported"}


def ours(corpus: Path, cache: str) -> tuple[list[dict], float]:
    """Our claims (from the JSON report) and the wall time of one ``infoproofs verify`` run."""
    import time

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "verify.json"
        env = dict(os.environ, INFOPROOFS_CACHE=cache, PYTHONDONTWRITEBYTECODE="1")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "infoproofs.cli", "verify", str(corpus / "claims.tex"),
                               "--json", str(report)], capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise SystemExit(f"infoproofs verify failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return json.loads(report.read_text())["claims"], wall


def score_ours(claims: list[dict], labels: dict) -> dict:
    truth = {c["label"]: labels[c["label"]]["truth"] for c in claims if c["label"] in labels}
    seconds = [sum(s["seconds"] for s in c["steps"]) for c in claims]
    return {
        "correct": sum(1 for c in claims if c["label"] in truth and (
            (truth[c["label"]] and c["verdict"] in ACCEPT) or (not truth[c["label"]] and c["verdict"] == "refuted"))),
        "false_accepts": [c["label"] for c in claims if truth.get(c["label"]) is False and c["verdict"] in ACCEPT],
        "false_rejects": [c["label"] for c in claims if truth.get(c["label"]) and c["verdict"] == "refuted"],
        "parse_failures": sum(1 for c in claims if c["verdict"] in NOT_READ),
        "true_accepted": sum(1 for c in claims if truth.get(c["label"]) and c["verdict"] in ACCEPT),
        "median": statistics.median(seconds) if seconds else 0.0,
        "max": max(seconds, default=0.0),
    }


def score_math_verify(corpus: Path, labels: dict) -> dict | str:
    try:
        import math_verify  # noqa: F401
    except ImportError:
        return "not installed (pip install -e '.[mathverify]')"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from math_verify_side import math_verify_verdicts, read_corpus

    results = math_verify_verdicts(read_corpus(corpus / "claims.tex"))
    seconds = [r["seconds"] for r in results]
    truth = {r["key"]: labels[r["key"]]["truth"] for r in results}
    return {
        "correct": sum(1 for r in results if r["verdict"] == ("true" if truth[r["key"]] else "false")),
        "false_accepts": [r["key"] for r in results if r["verdict"] == "true" and not truth[r["key"]]],
        "false_rejects": [r["key"] for r in results if r["verdict"] == "false" and truth[r["key"]]],
        "parse_failures": sum(1 for r in results if r["verdict"] == "unparsed"),
        "true_accepted": sum(1 for r in results if r["verdict"] == "true" and truth[r["key"]]),
        "median": statistics.median(seconds) if seconds else 0.0,
        "max": max(seconds, default=0.0),
        "string_only": sum(1 for r in results if r["note"].startswith("string-only")),
    }


def _show(value) -> str:
    if isinstance(value, list):
        return str(len(value))
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--skip-math-verify", action="store_true")
    args = parser.parse_args()
    labels = json.loads((args.corpus / "labels.json").read_text())
    trues = sum(1 for v in labels.values() if v["truth"])
    with tempfile.TemporaryDirectory() as cache:
        cold_claims, cold = ours(args.corpus, cache)
        claims, warm = ours(args.corpus, cache)
    mine = score_ours(claims, labels)
    first = score_ours(cold_claims, labels)
    theirs = "skipped" if args.skip_math_verify else score_math_verify(args.corpus, labels)
    print(f"corpus: {len(labels)} claims, {trues} true, {len(labels) - trues} false\n")
    rows = [
        ("correct verdicts", "correct"), ("false accepts", "false_accepts"), ("true claims refuted", "false_rejects"),
        ("parse failures (unparsed / unsupported)", "parse_failures"), ("true claims accepted", "true_accepted"),
        ("median seconds per claim", "median"), ("max seconds per claim", "max"),
    ]
    print(f"{'':44} {'infoproofs (warm)':>18} {'Math-Verify':>14}")
    for title, key in rows:
        other = _show(theirs[key]) if isinstance(theirs, dict) else ""
        print(f"{title:44} {_show(mine[key]):>18} {other:>14}")
    if not isinstance(theirs, dict):
        print(f"Math-Verify: {theirs}")
    else:
        print(f"(Math-Verify compared {theirs['string_only']} claims only as strings: a side it could not read)")
    print(f"\nour wall time for the corpus: cold {cold:.1f} s, warm {warm:.1f} s (one process, start-up included); "
          f"cold, per claim: median {first['median']:.3f} s, max {first['max']:.3f} s")
    print(f"true claims accepted: {mine['true_accepted']} of {trues} = {mine['true_accepted'] / trues:.0%}")
    for title, key in (("FALSE ACCEPTS", "false_accepts"), ("true claims refuted", "false_rejects")):
        if mine[key]:
            print(f"{title} (ours): {', '.join(mine[key])}")


if __name__ == "__main__":
    main()
