"""The Math-Verify side of the `infoproofs verify` benchmark.

Runs HuggingFace Math-Verify (https://github.com/huggingface/Math-Verify) on the
labelled corpus in ``benchmarks/verify_corpus/``: every claim ``L = R`` is split
at its top-level relation, each side is parsed with ``math_verify.parse`` (wrapped
in ``$...$``, LaTeX extraction only) and the two parses are compared with
``math_verify.verify(gold=L, target=R)``.

Math-Verify checks whether an *answer* equals a *gold answer*; it has no notion of
an inequality, so claims with ``\\le``, ``\\ge``, ``<`` or ``>`` are reported as
"unparsed" (with the note ``inequality``).  For an ``align`` derivation the first
left-hand side is compared with the last right-hand side.

Standalone on purpose: the ``infoproofs`` package never imports ``math_verify``.
Needs ``pip install 'math-verify[antlr4_13_2]'``.

    python benchmarks/math_verify_side.py [--corpus DIR] [--timeout S] [--json OUT]

Timeouts: Math-Verify's own ``parsing_timeout`` / ``timeout_seconds`` use
``signal.alarm``, which works in the main thread of this script (not in worker
threads); each side's parse and the comparison get ``timeout`` seconds each.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "verify_corpus"

_BLOCK = re.compile(r"\\begin\{(equation|align)\*?\}(.*?)\\end\{\1\*?\}", re.S)
_LABEL = re.compile(r"\\label\{([^}]*)\}")
# relation commands, longest first so \leq is not read as \le + q
_REL_CMDS = [("\\leq", "<="), ("\\geq", ">="), ("\\le", "<="), ("\\ge", ">="), ("\\lt", "<"), ("\\gt", ">")]
_OPEN, _CLOSE = "({[", ")}]"


def read_corpus(path: Path | str) -> list[tuple[str, str]]:
    """(key, claim) for every display block of a claims.tex; an align block becomes 'first lhs = last rhs'."""
    text = Path(path).read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))
    blocks: list[tuple[str, str]] = []
    for env, body in _BLOCK.findall(text):
        labels = _LABEL.findall(body)
        if not labels:
            continue
        body = _LABEL.sub("", body)
        if env == "align":
            rows = [r.strip() for r in body.split("\\\\") if r.strip()]
            first, last = rows[0].split("&", 1), rows[-1].split("&", 1)
            lhs = first[0].strip()
            rhs = last[1].strip() if len(last) == 2 else last[0].strip()
            claim = f"{lhs} {rhs}"  # rhs keeps its leading relation ("= ...")
        else:
            claim = " ".join(body.split())
        blocks.append((labels[0], " ".join(claim.split())))
    return blocks


def split_relation(claim: str) -> tuple[str, str, str]:
    """Split at the first top-level relation (outside (), {}, [] and \\left..\\right): (lhs, rel, rhs)."""
    depth = 0
    i = 0
    while i < len(claim):
        ch = claim[i]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)", claim[i:])
            if m:
                word = m.group(0)
                if depth == 0:
                    for cmd, rel in _REL_CMDS:
                        if word == cmd:
                            return claim[:i].strip(), rel, claim[i + len(cmd):].strip()
                if word in ("\\left", "\\right"):  # the delimiter that follows is counted below
                    i += len(word)
                    continue
                i += len(word)
                continue
            i += 2  # an escaped character such as \{ or \|
            if claim[i - 1] in "{":
                depth += 1
            elif claim[i - 1] in "}":
                depth -= 1
            continue
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif depth == 0 and ch in "=<>":
            return claim[:i].strip(), ch, claim[i + 1:].strip()
        i += 1
    raise ValueError("no top-level relation")


def math_verify_verdicts(blocks: list[tuple[str, str]], timeout: int = 5) -> list[dict]:
    """Math-Verify's verdict on each (key, latex claim): {"key", "verdict": "true"|"false"|"unparsed", "seconds", "note"}."""
    from math_verify import LatexExtractionConfig, parse, verify
    from sympy import Basic

    config = [LatexExtractionConfig()]
    results = []
    for key, claim in blocks:
        t0 = time.perf_counter()
        note = ""
        try:
            lhs, rel, rhs = split_relation(claim)
            if rel != "=":
                verdict, note = "unparsed", "inequality (Math-Verify has no notion of one)"
            else:
                gold = parse(f"${lhs}$", extraction_config=config, parsing_timeout=timeout, raise_on_error=True)
                answer = parse(f"${rhs}$", extraction_config=config, parsing_timeout=timeout, raise_on_error=True)
                if not gold or not answer:
                    verdict = "unparsed"
                    note = "empty parse: " + ", ".join(s for s, p in (("lhs", gold), ("rhs", answer)) if not p)
                else:
                    same = verify(gold, answer, timeout_seconds=timeout, raise_on_error=True)
                    verdict = "true" if same else "false"
                    # parse() falls back to the raw string when latex2sympy cannot read a side; verify() then
                    # only compares strings, so such a "false" says nothing about the mathematics.
                    raw = [s for s, p in (("lhs", gold), ("rhs", answer)) if not any(isinstance(x, Basic) for x in p)]
                    if raw:
                        note = "string-only parse: " + ", ".join(raw)
        except Exception as exc:  # noqa: BLE001 - every failure of the tool is an "unparsed" verdict
            verdict, note = "unparsed", f"{type(exc).__name__}: {str(exc)[:120]}"
        results.append({"key": key, "verdict": verdict, "seconds": time.perf_counter() - t0, "note": note})
    return results


def check_keys(blocks: list[tuple[str, str]], labels: dict) -> list[str]:
    """Problems between claims.tex and labels.json (duplicate keys, keys in one but not the other)."""
    keys = [k for k, _ in blocks]
    problems = [f"duplicate label {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    problems += [f"label {k} has no entry in labels.json" for k in sorted(set(keys) - set(labels))]
    problems += [f"labels.json entry {k} has no claim" for k in sorted(set(labels) - set(keys))]
    for k, v in labels.items():
        if not isinstance(v.get("truth"), bool) or not v.get("source") or not v.get("topic"):
            problems.append(f"labels.json entry {k} lacks truth/topic/source")
        elif v["truth"] is False and not v.get("why"):
            problems.append(f"labels.json entry {k} is false but has no 'why'")
    return problems


def summarise(results: list[dict], labels: dict) -> dict:
    correct = sum(1 for r in results if r["verdict"] == ("true" if labels[r["key"]]["truth"] else "false"))
    secs = [r["seconds"] for r in results]
    return {
        "claims": len(results),
        "true_claims": sum(1 for r in results if labels[r["key"]]["truth"]),
        "false_claims": sum(1 for r in results if not labels[r["key"]]["truth"]),
        "correct": correct,
        "false_accepts": sum(1 for r in results if r["verdict"] == "true" and not labels[r["key"]]["truth"]),
        "false_rejects": sum(1 for r in results if r["verdict"] == "false" and labels[r["key"]]["truth"]),
        "unparsed": sum(1 for r in results if r["verdict"] == "unparsed"),
        "unparsed_inequalities": sum(1 for r in results if r["note"].startswith("inequality")),
        "string_only_comparisons": sum(1 for r in results if r["note"].startswith("string-only")),
        "true_claims_judged_true": sum(1 for r in results if r["verdict"] == "true" and labels[r["key"]]["truth"]),
        "median_seconds": statistics.median(secs) if secs else 0.0,
        "max_seconds": max(secs) if secs else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder with claims.tex and labels.json")
    ap.add_argument("--timeout", type=int, default=5, help="seconds for each parse and for the comparison")
    ap.add_argument("--json", type=Path, help="also write the per-claim verdicts and the summary here")
    args = ap.parse_args(argv)

    blocks = read_corpus(args.corpus / "claims.tex")
    labels = json.loads((args.corpus / "labels.json").read_text(encoding="utf-8"))
    problems = check_keys(blocks, labels)
    if problems:
        print("corpus self-check failed:", *problems, sep="\n  ")
        return 2

    results = math_verify_verdicts(blocks, timeout=args.timeout)
    for r in results:
        truth = "T" if labels[r["key"]]["truth"] else "F"
        print(f"{truth} {r['verdict']:<8} {r['seconds']:6.2f}s  {r['key']}" + (f"  [{r['note']}]" if r["note"] else ""))
    s = summarise(results, labels)
    print(
        f"\nMath-Verify on {s['claims']} claims ({s['true_claims']} true, {s['false_claims']} false): "
        f"{s['correct']} correct verdicts, {s['false_accepts']} false accepts, {s['false_rejects']} false rejects, "
        f"{s['unparsed']} unparsed ({s['unparsed_inequalities']} of them inequalities); "
        f"{s['true_claims_judged_true']} true claims judged true; "
        f"{s['string_only_comparisons']} verdicts compared a side Math-Verify could only keep as a string; "
        f"median {s['median_seconds']:.3f}s, max {s['max_seconds']:.3f}s per claim"
    )
    if args.json:
        args.json.write_text(json.dumps({"summary": s, "verdicts": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
