"""Predictions come from the catalog's derived results, never from a re-typed formula.

A missing derivation is a setup error (exit 2) with its name, so an
experiment cannot silently fall back to a hand-written closed form.  A
derivation proved under assumptions (a regime such as sigma3^2 < theta <
sigma2^2) only predicts where those assumptions hold, so they are checked
at the given values; values the result does not depend on (but the regime
may) are accepted and used only for that check.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .registry import ConfirmError

__all__ = ["predict_nats", "require_derivation", "applies", "first_applicable"]


def _catalog() -> dict[str, Any]:
    from ..catalog import default_catalog

    return _load_catalog(str(default_catalog().resolve()))


@lru_cache(maxsize=4)
def _load_catalog(path: str) -> dict[str, Any]:
    """Loaded once per catalog folder: a sweep asks for many predictions."""
    from ..catalog import InputError, load_paths

    try:
        return {d.name: d for d in load_paths([path])}
    except InputError as exc:
        raise ConfirmError(f"cannot load the catalog: {exc}") from None


def require_derivation(name: str):
    """The catalog's derivation ``name``, or a ConfirmError naming it (exit 2)."""
    catalog = _catalog()
    if name not in catalog:
        raise ConfirmError(f"derivation {name} not in catalog; the catalog has: {', '.join(sorted(catalog))}")
    return catalog[name]


def _substitute(d: Any, values: dict[str, float]) -> dict[Any, float]:
    symbols = set(d.result.free_symbols)
    for a in d.assumptions:
        symbols |= a.free_symbols
    return {s: float(values[s.name]) for s in symbols if getattr(s, "name", None) in values}


def applies(name: str, **values: float) -> bool:
    """Whether every assumption of derivation ``name`` holds at ``values``."""
    import sympy as sp

    d = require_derivation(name)
    env = _substitute(d, values)
    for a in d.assumptions:
        held = a.subs(env)
        if held is not sp.true:
            return False
    return True


def first_applicable(names: list[str], **values: float) -> str | None:
    """The first derivation in ``names`` whose assumptions hold at ``values`` (None if none does)."""
    for name in names:
        if applies(name, **values):
            return name
    return None


def predict_nats(name: str, **values: float) -> float:
    """The catalog derivation ``name`` evaluated at ``values`` (its result's free symbols), in nats."""
    from ..catalog import InputError
    from ..catalog import predict_nats as catalog_predict

    d = require_derivation(name)
    free = {s.name for s in d.result.free_symbols}
    missing = sorted(free - set(values))
    if missing:
        raise ConfirmError(f"derivation {name} needs values for {missing}; got {sorted(values)}")
    if not applies(name, **values):
        shown = ", ".join(f"{k}={v:.4g}" for k, v in values.items())
        raise ConfirmError(f"derivation {name} does not apply at {shown}: its assumptions are {d.assumptions}")
    try:
        return catalog_predict(name, **{k: float(v) for k, v in values.items() if k in free})
    except InputError as exc:
        raise ConfirmError(str(exc)) from None
