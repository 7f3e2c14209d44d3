"""Loading derivation files and folders, with clear errors for bad input.

Derivation files are Python modules (the catalog's format today).  A module
contributes every module-level ``Derivation`` it *creates* (derivations it
imports from a sibling to use as lemmas are not counted twice).  Loading
validates what the checker relies on: every rule name exists and every free
symbol has a declared domain.  Problems become ``InputError`` with the file
and line, which the CLI prints without a traceback and exits 2; every bad file
of a folder is reported, not only the first.

Loading writes nothing beside the files (no ``__pycache__``), and it can run
under a time budget (``load_paths(..., seconds=...)``): a file whose top-level
code runs too long is reported with the line it was stuck on.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mpmath as mp
import sympy as sp

from .derivation import Derivation, DerivationError
from .rules import UnknownRule, get_rule

__all__ = [
    "InputError", "load_path", "load_paths", "default_catalog", "bundled_catalog", "find_derivation", "predict_nats",
    "resolve_targets", "LoadTimeout",
]


class InputError(ValueError):
    """Bad user input: the message names what is wrong and where."""


class LoadTimeout(InputError):
    """A derivation file's top-level code ran past the loading budget."""


def _module_name(path: Path) -> str:
    return "infoproofs_user_" + "_".join(path.with_suffix("").parts[-3:]).replace("-", "_").replace(".", "_")


def _where_in(exc: BaseException, path: Path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path.resolve()]
    return f"{path}:{frames[-1].lineno}" if frames else str(path)


@contextmanager
def _no_bytecode() -> Iterator[None]:
    """Import without writing ``__pycache__`` beside the user's files (nor beside their siblings)."""
    before = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        sys.dont_write_bytecode = before


def _import(path: Path):
    with _no_bytecode():
        return _import_module(path)


def _import_module(path: Path):
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
    except BaseException:  # interrupted (the loading budget): leave no half-built module behind
        sys.modules.pop(name, None)
        raise
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


def load_paths(paths: list[str | Path], seconds: float | None = None) -> list[Derivation]:
    """The derivations of files and folders; every bad file is reported (one ``InputError``, all messages).

    With ``seconds``, loading runs under a watchdog: top-level code that runs
    longer (a hang in user code, a notation object built from a symbolic-size
    vector) raises ``LoadTimeout`` naming the file and line it was stuck on.
    """
    with _watchdog(seconds):
        return _load_all(paths)


def _load_all(paths: list[str | Path]) -> list[Derivation]:
    derivations: list[Derivation] = []
    names: dict[str, str] = {}
    errors: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append(f"{path}: no such file or folder")
            continue
        try:
            files = _files(path)
        except InputError as exc:
            errors.append(str(exc))
            continue
        for file in files:
            try:
                found = load_path(file)
            except LoadTimeout:
                raise
            except InputError as exc:
                errors.append(str(exc))
                continue
            for d in found:
                if d.name in names and names[d.name] != d.where:
                    errors.append(f"{d.where}: derivation name {d.name!r} is already used at {names[d.name]}")
                    continue
                names[d.name] = d.where
                derivations.append(d)
    if errors:
        raise InputError("\n".join(errors) if len(errors) == 1 else f"{len(errors)} problems:\n" + "\n".join(errors))
    return derivations


class _Watch:
    def __init__(self) -> None:
        self.expired = False
        self.where = ""


_MAIN = threading.main_thread()
_PACKAGE = Path(__file__).resolve().parent


def _is_user_file(filename: str) -> bool:
    """A frame in the user's code: not infoproofs itself, not the standard library or site-packages."""
    path = Path(filename)
    if not path.is_absolute() or not path.exists():
        return False
    path = path.resolve()
    for root in (_PACKAGE, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()):
        if path.is_relative_to(root):
            return False
    return True


@contextmanager
def _watchdog(seconds: float | None) -> Iterator[None]:
    """Raise ``LoadTimeout`` in the loading thread when loading takes longer than ``seconds``.

    A timer thread looks at the loading thread's stack (``sys._current_frames``)
    to name the file and line, then interrupts it; from the main thread through
    ``_thread.interrupt_main`` (delivered between bytecodes even in a loop that
    never returns to us), from another thread by an asynchronous exception.
    """
    if not seconds:
        yield
        return
    watch = _Watch()
    loader = threading.get_ident()

    def fire() -> None:
        watch.expired = True
        frame = sys._current_frames().get(loader)
        user = [f for f in traceback.extract_stack(frame) if _is_user_file(f.filename)]
        if user:
            watch.where = f"{user[-1].filename}:{user[-1].lineno}"
        if loader == _MAIN.ident:
            import _thread

            _thread.interrupt_main()
        else:
            import ctypes

            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(loader), ctypes.py_object(KeyboardInterrupt))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    # interrupt_main() does nothing where SIGINT is ignored (a background job,
    # some CI runners), so Python's own handler is put in place while we wait
    previous = None
    if loader == _MAIN.ident:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        if watch.expired:
            where = watch.where or "a derivation file"
            raise LoadTimeout(
                f"{where}: loading took more than {seconds:g} s (stuck here; building notation from a "
                "symbolic-size object, or a loop that does not end?)"
            ) from None
        raise
    finally:
        timer.cancel()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def resolve_targets(targets: list[str]) -> tuple[list[Path], set[str]]:
    """Files and folders to load, and the catalog names asked for (``check kl_normal``).

    An argument that is not an existing path is looked up as a derivation name
    in the default catalog; a name that is neither is bad input.
    """
    paths: list[Path] = []
    names: set[str] = set()
    unknown: list[str] = []
    for target in targets:
        path = Path(target)
        if path.exists():
            paths.append(path)
        elif path.suffix == ".py" or os.sep in target or "/" in target:
            unknown.append(f"{target}: no such file or folder")
        else:
            names.add(target)
    if names:
        catalog = default_catalog()
        known = {d.name for d in load_paths([catalog])}
        missing = sorted(names - known)
        for name in missing:
            unknown.append(f"{name}: no such file, folder or catalog derivation (`infoproofs list` shows the names)")
        if catalog not in paths:
            paths.append(catalog)
    if unknown:
        raise InputError("\n".join(unknown))
    return paths, names


def bundled_catalog() -> Path:
    """The catalog shipped beside the package."""
    return Path(__file__).resolve().parent.parent / "derivations"


def default_catalog() -> Path:
    """``./derivations`` if present, else the catalog shipped beside the package."""
    here = Path.cwd() / "derivations"
    if here.is_dir():
        return here
    return bundled_catalog()


def find_derivation(name: str, paths: list[str | Path] | None = None) -> Derivation:
    derivations = load_paths(paths or [default_catalog()])
    for d in derivations:
        if d.name == name:
            return d
    import difflib

    close = difflib.get_close_matches(name, [d.name for d in derivations], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    raise InputError(f"no derivation named {name!r}{hint} (`infoproofs list` shows the {len(derivations)} names)")


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
