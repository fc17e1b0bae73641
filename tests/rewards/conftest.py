"""Fixtures for the reward tests: one verifier on the session's warm engine, and real dataset rows."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="session")
def verifier(engine):
    from neurosym.rewards import Verifier

    return Verifier({"item_seconds": 4.0}, engine=engine)


@pytest.fixture(scope="session")
def kk_rows(data_dir):
    path = data_dir / "knights-knaves" / "3ppl-test.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def folio_rows(data_dir):
    path = data_dir / "folio" / "folio-validation.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
