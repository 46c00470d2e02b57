"""Fixtures of the API tests (see :mod:`liveapi`): ``api`` (one server per test session) and
``fresh_api`` (a server of its own for one test).

A module that sets ``ON_THE_RUNS_DATABASE = True`` has its servers keep their markets in a
database of the run's kind: on the PostgreSQL pass, each server gets a fresh database on the
pass's throwaway cluster, so HTTP is tested on PostgreSQL as users run it. Such a module brings
its own module-scoped ``api`` (the session's server keeps its SQLite file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import liveapi
import pytest
from liveapi import LiveApi, make_live_api
from pg import db_kind


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[LiveApi]:
    with make_live_api(tmp_path) as live:
        yield live


@pytest.fixture(scope="module", autouse=True)
def _servers_on_the_runs_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a module ``ON_THE_RUNS_DATABASE`` on the PostgreSQL pass: its servers' databases."""
    opted = getattr(request.module, "ON_THE_RUNS_DATABASE", False)
    if not opted or db_kind(request.config) != "postgres":
        yield
        return
    server = request.getfixturevalue("pg_server")
    mine: list[str] = []

    def new_database() -> str:
        url = server.new_database()
        # Not left to the per-test clean-up (it drops what a test made at the test's end): a
        # module's server outlives its tests.
        server.made.pop()
        mine.append(url)
        return url

    liveapi.DB_FACTORY = new_database
    try:
        yield
    finally:
        liveapi.DB_FACTORY = None
        for url in mine:
            server.drop(url)
