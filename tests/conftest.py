"""Shared fixtures: a market on a simulated clock, in memory or on a SQLite file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dsl import Given


@pytest.fixture
def given() -> Given:
    return Given.in_memory()


@pytest.fixture
def given_sqlite(tmp_path: Path) -> Given:
    return Given.on_sqlite(tmp_path / "market.db")
