"""Shared fixtures: a private cache directory, and the catalog loaded once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "derivations"

# Tests never touch the user's cache.
os.environ.setdefault("INFOPROOFS_CACHE", tempfile.mkdtemp(prefix="infoproofs-test-cache-"))


@pytest.fixture(scope="session")
def catalog():
    from infoproofs.catalog import load_paths

    return load_paths([CATALOG])


@pytest.fixture(scope="session")
def catalog_by_name(catalog):
    return {d.name: d for d in catalog}
