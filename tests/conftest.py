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

# ... nor write hypothesis' files (its constants cache, even without a database) into the checkout.
from hypothesis import configuration as _hypothesis_configuration  # noqa: E402

_hypothesis_configuration.set_hypothesis_home_dir(Path(os.environ["INFOPROOFS_CACHE"]) / "hypothesis")


@pytest.fixture(scope="session")
def catalog():
    from infoproofs.catalog import load_paths

    return load_paths([CATALOG])


@pytest.fixture(scope="session")
def catalog_by_name(catalog):
    return {d.name: d for d in catalog}
