"""Shared fixtures: paths to the repository, its examples, and the shared datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared datasets not found at {DATA}")
    return DATA


@pytest.fixture(scope="session")
def engine():
    """One engine (and one warm worker pool) for the whole session, as a long-running user would hold."""
    from neurosym import Engine

    return Engine(workers=2)
