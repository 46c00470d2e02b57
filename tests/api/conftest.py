"""Fixtures of the API tests (see :mod:`liveapi`): ``api`` (one server per test session) and
``fresh_api`` (a server of its own for one test).

A module that sets ``ON_THE_RUNS_DATABASE = True`` has its servers keep their markets in a
database of the run's kind: on the PostgreSQL pass, each server gets a fresh database on the
pass's throwaway cluster, so HTTP is tested on PostgreSQL as users run it. Such a module brings
its own module-scoped ``api`` or gets one (``module_api``); the session's server keeps its SQLite
file."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import liveapi
import pytest
from liveapi import LiveApi, make_live_api
from pg import db_kind, module_databases


@pytest.fixture(scope="session")
def session_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The session's server: always on a SQLite file of its own, even when first asked for in
    a module ON_THE_RUNS_DATABASE (whose databases are dropped when the module ends, which
    would stop a server that later modules share)."""
    with contextlib.ExitStack() as stack:
        factory, liveapi.DB_FACTORY = liveapi.DB_FACTORY, None
        try:
            live = stack.enter_context(make_live_api(tmp_path_factory.mktemp("api")))
        finally:
            liveapi.DB_FACTORY = factory
        yield live


@pytest.fixture(scope="module")
def module_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """A server of the module's own, on the run's database (a module ON_THE_RUNS_DATABASE)."""
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest) -> LiveApi:
    """The session's server; a module ON_THE_RUNS_DATABASE has one of its own on that database
    in the PostgreSQL pass (:func:`module_api`)."""
    opted = getattr(request.module, "ON_THE_RUNS_DATABASE", False)
    if opted and db_kind(request.config) == "postgres":
        return request.getfixturevalue("module_api")
    return request.getfixturevalue("session_api")


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[LiveApi]:
    with make_live_api(tmp_path) as live:
        yield live


@pytest.fixture(scope="module", autouse=True)
def _servers_on_the_runs_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a module ``ON_THE_RUNS_DATABASE`` on the PostgreSQL pass: its servers' databases."""
    with module_databases(request) as new_database:
        liveapi.DB_FACTORY = new_database
        try:
            yield
        finally:
            liveapi.DB_FACTORY = None
