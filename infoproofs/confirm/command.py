"""``infoproofs confirm``: argument parsing and dispatch (torch imported lazily)."""

from __future__ import annotations

import argparse
import importlib.util
import sys


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", nargs="?", help="experiment name (see --list)")
    p.add_argument("params", nargs="*", help="param=value overrides")
    p.add_argument("--list", action="store_true", help="list the experiments")


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("torch") is None:
        print("infoproofs confirm: error: PyTorch is not installed; run pip install 'infoproofs[torch]'", file=sys.stderr)
        return 2
    print("infoproofs confirm: error: no experiments are registered yet", file=sys.stderr)
    return 2
