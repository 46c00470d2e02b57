"""Shared fixtures: a market on a simulated clock, in memory or on a SQLite file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dsl import Given
from pg import (  # noqa: F401  (fixtures and the --db option: tests/pg.py)
    _given_database,
    db_url,
    pg_empty_url,
    pg_server,
    pg_url,
    postgres_url,
    pytest_addoption,
)


@pytest.fixture
def given() -> Given:
    return Given.in_memory()


@pytest.fixture
def given_db(tmp_path: Path) -> Given:
    return Given.on_db(tmp_path / "market.db")


given_sqlite = given_db
