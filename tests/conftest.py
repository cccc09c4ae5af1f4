"""Shared fixtures: paths to the small datasets under tests/fixtures/."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def valid_dir() -> Path:
    return FIXTURES / "valid"


@pytest.fixture(autouse=True)
def _no_data_override(monkeypatch):
    # A developer's own $SAHEL_NB_DATA must not change what the tests load.
    monkeypatch.delenv("SAHEL_NB_DATA", raising=False)
