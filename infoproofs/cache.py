"""On-disk cache of step verdicts, so re-checking an unchanged catalog is fast.

The key hashes everything a verdict depends on: both sides (their trees), the
relation, the rule and its parameters, the assumptions, the symbols'
domains, the checker options, and a fingerprint of the checker's own source
code (its version alone would miss edits made between releases).  The cache
lives in ``$INFOPROOFS_CACHE`` or ``~/.cache/infoproofs``, never in the
user's folders; ``INFOPROOFS_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import sympy as sp

__all__ = ["StepCache", "checker_fingerprint", "cache_dir"]


def cache_dir() -> Path:
    env = os.environ.get("INFOPROOFS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "infoproofs"


@functools.lru_cache(maxsize=1)
def checker_fingerprint() -> str:
    """Hash of the package's source files: any change to the checker invalidates the cache."""
    from . import __version__

    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        if "confirm" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _structure(expr: sp.Basic) -> str:
    """The expression tree as text: class names and arguments, atoms by ``srepr``.

    The same information as ``srepr`` (which also prints only class and args),
    at a fraction of its cost: srepr orders the terms of every sum for
    printing, which made up most of a warm check.
    """
    if not expr.args:
        return sp.srepr(expr)  # symbols with their assumptions, numbers at full precision
    return f"{type(expr).__name__}({','.join(_structure(a) for a in expr.args)})"


def _stable(value: Any) -> str:
    if isinstance(value, sp.Basic):
        return _structure(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_stable(k)}:{_stable(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_stable(v) for v in value) + "]"
    return repr(value)


class StepCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.enabled = os.environ.get("INFOPROOFS_NO_CACHE") != "1"
        self.directory = (directory or cache_dir()) / checker_fingerprint()

    def key(self, lhs, rhs, relation, rule, params, assumptions, domains, options) -> str:
        text = "|".join(
            [
                _stable(lhs),
                _stable(rhs),
                relation,
                rule,
                _stable(params),
                _stable(assumptions),
                _stable({str(k): repr(v) for k, v in domains.items()}),
                repr((options.examples, options.dps)),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, key: str) -> dict | None:
        if not self.enabled:
            return None
        path = self.directory / key[:2] / f"{key}.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        if not self.enabled:
            return
        path = self.directory / key[:2] / f"{key}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")  # one per process: parallel checkers share the cache
            tmp.write_text(json.dumps(value))
            tmp.replace(path)
        except OSError:
            pass  # a read-only home must not break checking
