"""Loading derivation files and folders, with clear errors for bad input.

Derivation files are Python modules (the catalog's format today).  A module
contributes every module-level ``Derivation`` it *creates* (derivations it
imports from a sibling to use as lemmas are not counted twice).  Loading
validates what the checker relies on: every rule name exists and every free
symbol has a declared domain.  Problems become ``InputError`` with the file
and line, which the CLI prints without a traceback and exits 2.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path

import mpmath as mp
import sympy as sp

from .derivation import Derivation, DerivationError
from .rules import UnknownRule, get_rule

__all__ = ["InputError", "load_path", "load_paths", "default_catalog", "find_derivation", "predict_nats"]


class InputError(ValueError):
    """Bad user input: the message names what is wrong and where."""


def _module_name(path: Path) -> str:
    return "infoproofs_user_" + "_".join(path.with_suffix("").parts[-3:]).replace("-", "_").replace(".", "_")


def _where_in(exc: BaseException, path: Path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path.resolve()]
    return f"{path}:{frames[-1].lineno}" if frames else str(path)


def _import(path: Path):
    name = _module_name(path)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.parent.resolve())
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[name]
        raise InputError(f"{exc.filename or path}:{exc.lineno}: Python syntax error: {exc.msg}") from None
    except DerivationError as exc:
        del sys.modules[name]
        raise InputError(str(exc)) from None
    except (UnknownRule, TypeError, ValueError, NameError, ImportError, AttributeError) as exc:
        del sys.modules[name]
        raise InputError(f"{_where_in(exc, path)}: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - any failure in user code is bad input
        del sys.modules[name]
        raise InputError(f"{_where_in(exc, path)}: error while loading: {type(exc).__name__}: {exc}") from None
    finally:
        if added:
            sys.path.remove(folder)
    return module


def _validate(d: Derivation) -> None:
    if not d.steps:
        raise InputError(f"{d.where}: derivation {d.name!r} has no steps")
    for step in d.steps:
        try:
            get_rule(step.rule)
        except UnknownRule as exc:
            raise InputError(f"{step.where}: step {step.index} of {d.name!r}: {exc}") from None
    missing = d.undeclared_symbols()
    if missing:
        sym, where = missing[0]
        raise InputError(
            f"{where}: derivation {d.name!r} uses the undeclared symbol {sym!s}; declare it with "
            "real(), positive(), probability(), dimension() or interval()"
        )


def load_path(path: str | Path) -> list[Derivation]:
    """The derivations in one file, validated."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.suffix != ".py":
        raise InputError(f"{path}: derivation files are Python modules (.py)")
    module = _import(path)
    explicit = getattr(module, "DERIVATIONS", None)
    if explicit is not None:
        found = list(explicit)
    else:
        found = [v for v in vars(module).values() if isinstance(v, Derivation)]
    resolved = path.resolve()
    found = [d for d in found if Path(d.file).resolve() == resolved]
    unique: list[Derivation] = []
    for d in found:
        if all(d is not u for u in unique):
            unique.append(d)
    if not unique:
        raise InputError(f"{path}: no derivations found (create infoproofs.Derivation objects at module level)")
    for d in unique:
        _validate(d)
    return unique


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.py") if not p.name.startswith("_"))
        if not files:
            raise InputError(f"{path}: folder contains no derivation files (*.py)")
        return files
    return [path]


def load_paths(paths: list[str | Path]) -> list[Derivation]:
    derivations: list[Derivation] = []
    names: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        for file in _files(path):
            for d in load_path(file):
                if d.name in names and names[d.name] != d.where:
                    raise InputError(f"{d.where}: derivation name {d.name!r} is already used at {names[d.name]}")
                names[d.name] = d.where
                derivations.append(d)
    return derivations


def default_catalog() -> Path:
    """``./derivations`` if present, else the catalog shipped beside the package."""
    here = Path.cwd() / "derivations"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "derivations"


def find_derivation(name: str, paths: list[str | Path] | None = None) -> Derivation:
    derivations = load_paths(paths or [default_catalog()])
    for d in derivations:
        if d.name == name:
            return d
    names = ", ".join(sorted(d.name for d in derivations))
    raise InputError(f"no derivation named {name!r}; the catalog has: {names}")


def predict_nats(name: str, **values: float) -> float:
    """A derivation's result evaluated at the given parameters, in nats.

    This is how experiments take their predictions from the catalog instead
    of re-typing a formula: the value is the derived closed form itself.
    """
    from .oracles.numeric_eval import numeric_value

    d = find_derivation(name)
    free = {s.name: s for s in d.result.free_symbols if isinstance(s, sp.Symbol)}
    unknown = sorted(set(values) - set(free))
    missing = sorted(set(free) - set(values))
    if unknown or missing:
        raise InputError(
            f"derivation {name!r} has parameters {sorted(free)}; "
            + (f"unknown: {unknown}; " if unknown else "")
            + (f"missing: {missing}" if missing else "")
        )
    with mp.workdps(30):
        env = {free[k]: mp.mpf(v) for k, v in values.items()}
        return float(numeric_value(d.result, env))
