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

# The servers of the API and page tests (tests/api/liveapi.py, tests/web/conftest.py) keep their
# markets in SQLite files of their own, whatever --db says: the PostgreSQL pass would run those
# tests the same, so they are marked own_db, but for any that asks for a market of the run's kind
# and for the modules ON_THE_RUNS_DATABASE (tests/api/conftest.py), whose servers run on it.
OWN_SQLITE_DIRS = {"api", "web"}
RUN_KIND_FIXTURES = {"given", "given_db", "given_sqlite", "db_url", "pg_url", "pg_empty_url"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.parent.parent != here or item.path.parent.name not in OWN_SQLITE_DIRS:
            continue
        module = getattr(item, "module", None)
        if RUN_KIND_FIXTURES & set(getattr(item, "fixturenames", ())) or hasattr(module, "Given"):
            continue
        if getattr(module, "ON_THE_RUNS_DATABASE", False):  # tests/{api,web}/conftest.py
            item.add_marker(pytest.mark.on_runs_db)
            continue
        item.add_marker(pytest.mark.own_db)
    # The long tests start first: pytest-xdist hands out tests in this order, so a long test
    # collected late (the browser tests come last by name) would keep one worker busy while the
    # other has nothing left. First the slow ones that are no browser test (single long drills),
    # then the browser tests, then the rest, each in its collected order.
    items.sort(key=_start_order)


def _start_order(item: pytest.Item) -> int:
    if item.get_closest_marker("browser"):
        return 1
    return 0 if item.get_closest_marker("slow") else 2


@pytest.fixture
def given() -> Given:
    return Given.in_memory()


@pytest.fixture
def given_db(tmp_path: Path) -> Given:
    return Given.on_db(tmp_path / "market.db")


given_sqlite = given_db
