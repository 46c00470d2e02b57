"""Throwaway PostgreSQL for tests: one server per test session (per xdist worker), a fresh
database per test, so that the same tests run on SQLite and on PostgreSQL.

Fixtures (tests/conftest.py imports them):
  ``pg_server``     session: a :class:`PgServer` (``.url(db)``, ``.new_database()``, ``.drop()``)
  ``postgres_url``  session: URL of the server's maintenance database ``postgres``
  ``pg_url``        function: a fresh database at the schema head, dropped after the test
  ``pg_empty_url``  function: a fresh database with no tables at all, dropped after the test
Each skips the test, saying why, where no PostgreSQL can be had.

Where the server comes from:
  ``OPENETS_TEST_PG_URL=postgresql://user@host:port/db``  use that server (the user needs CREATEDB);
  otherwise ``initdb`` + ``pg_ctl`` (openets.ops.pgcluster) from ``OPENETS_PG_BIN``, ``pg_config
  --bindir``, PATH or /usr/lib/postgresql/<newest>/bin start a cluster in a temporary directory,
  listening only on a unix socket there, with fsync off. As root (initdb refuses root) the
  cluster runs as the ``postgres`` system user.

Which database the ``Given`` markets use (tests/dsl.py): ``--db=postgres`` or
``OPENETS_TEST_DB=postgres`` (also ``sqlite``; default ``memory``).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openets.ops.pgcluster import FAST, Cluster, find_bindir

KINDS = ("memory", "sqlite", "postgres")
_TOO_MANY_OPEN = 40  # databases made in one test before unreachable markets are collected


def sql(url: str, statement: str, *params: object) -> list[tuple[object, ...]]:
    """Plain SQL on its own connection to the database of ``url``, as an operator with psql
    would."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    host = u.query.get("host", u.host)
    with psycopg.connect(
        host=str(host) if host else None,
        port=u.port,
        user=u.username,
        password=u.password,
        dbname=u.database,
        autocommit=True,
    ) as c:
        cur = c.execute(statement.encode(), params or None)
        return cur.fetchall() if cur.description else []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=KINDS,
        default=None,
        help="database of the Given markets: memory (default), sqlite or postgres "
        "(or set OPENETS_TEST_DB)",
    )


@contextlib.contextmanager
def module_databases(request: pytest.FixtureRequest) -> Iterator[Callable[[], str] | None]:
    """For a test module ``ON_THE_RUNS_DATABASE`` on the PostgreSQL pass: a maker of fresh
    databases on the pass's server for the module's test servers, each dropped when the module
    ends (not by the per-test clean-up: a module's server may outlive a test); else None."""
    opted = getattr(request.module, "ON_THE_RUNS_DATABASE", False)
    if not opted or db_kind(request.config) != "postgres":
        yield None
        return
    server = request.getfixturevalue("pg_server")
    mine: list[str] = []

    def new_database() -> str:
        url = str(server.new_database())
        server.made.pop()
        mine.append(url)
        return url

    try:
        yield new_database
    finally:
        for url in mine:
            server.drop(url)


def db_kind(config: pytest.Config) -> str:
    kind = config.getoption("--db", default=None) or os.environ.get("OPENETS_TEST_DB") or "memory"
    if kind not in KINDS:
        raise pytest.UsageError(f"OPENETS_TEST_DB={kind!r}: expected one of {', '.join(KINDS)}")
    return str(kind)


class PgServer:
    """A PostgreSQL server for tests, and the databases made on it."""

    def __init__(self, base_url: str, stop: Callable[[], None] = lambda: None) -> None:
        from sqlalchemy.engine import make_url

        self.base = make_url(base_url).set(drivername="postgresql+psycopg")
        self._stop = stop
        self._names = itertools.count(1)
        self._prefix = f"t{os.getpid()}_"
        self.template = f"openets_template_{os.getpid()}"  # workers may share one server
        self._admin: Any = None
        self.made: list[str] = []

    def url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def admin(self) -> Any:
        """An autocommit psycopg connection to the maintenance database."""
        if self._admin is None or self._admin.closed:
            import psycopg

            u = self.base.set(database="postgres")
            kw = {k: v for k, v in u.query.items() if isinstance(v, str)}
            self._admin = psycopg.connect(
                host=kw.pop("host", u.host),
                port=u.port,
                user=u.username,
                password=u.password,
                dbname="postgres",
                autocommit=True,
                **kw,
            )
        return self._admin

    def prepare_template(self) -> None:
        """A database at the schema head: fresh test databases are copies of it."""
        from openets.store.db import make_engine

        a = self.admin()
        a.execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        a.execute(f'CREATE DATABASE "{self.template}"')
        eng = make_engine(self.url(self.template))
        eng.dispose()
        self._file_copy = int(a.info.server_version) >= 150000

    def new_database(self, *, empty: bool = False) -> str:
        """CREATE DATABASE from the template (or template0 when ``empty``); returns its URL."""
        name = f"{self._prefix}{next(self._names)}"
        template = "template0" if empty else self.template
        strategy = " STRATEGY FILE_COPY" if self._file_copy else ""
        self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')
        self.made.append(name)
        if len(self.made) % _TOO_MANY_OPEN == 0:
            gc.collect()  # markets no test holds any more give back their connections
        return self.url(name)

    def drop(self, url_or_name: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url_or_name).database if "://" in url_or_name else url_or_name
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.made:
            self.made.remove(name)

    def drop_made(self) -> None:
        for name in list(self.made):
            self.drop(name)

    def stop(self) -> None:
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self.drop_made()
                self.admin().execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            self._admin.close()
            self._admin = None
        self._stop()


def start_cluster(bindir: Path) -> PgServer:
    """initdb + start a throwaway cluster (openets.ops.pgcluster), fsync off, on a unix socket."""
    cluster = Cluster.create(name="pg", bindir=bindir, settings={**FAST, "max_connections": "400"})
    try:
        cluster.start()
    except RuntimeError:
        cluster.remove()
        raise
    return PgServer(cluster.url(), cluster.remove)


_server: PgServer | None = None
_failure: str | None = None


def get_server(required: bool = False) -> PgServer:
    """The session's server, started on first use.

    Without one the test is skipped, or fails when the run asked for PostgreSQL (``required``).
    """
    global _server, _failure
    if _server is None and _failure is None:
        try:
            external = os.environ.get("OPENETS_TEST_PG_URL")
            if external:
                _server = PgServer(external)
            else:
                bindir = find_bindir()
                if bindir is None:
                    raise RuntimeError(
                        "no PostgreSQL server binaries (initdb, pg_ctl): install postgresql, "
                        "or set OPENETS_PG_BIN or OPENETS_TEST_PG_URL"
                    )
                _server = start_cluster(bindir)
            _server.prepare_template()
        except Exception as exc:
            _failure = f"no PostgreSQL for tests: {exc}"
            if _server is not None:
                _server.stop()
                _server = None
    if _server is None:
        if required:
            pytest.fail(f"--db=postgres: {_failure}", pytrace=False)
        pytest.skip(_failure or "no PostgreSQL for tests")
    return _server


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[PgServer]:
    server = get_server(required=db_kind(request.config) == "postgres")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(pg_server: PgServer) -> str:
    return pg_server.url("postgres")


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    url = pg_server.new_database()
    yield url
    pg_server.drop(url)


@pytest.fixture
def pg_empty_url(pg_server: PgServer) -> Iterator[str]:
    url = pg_server.new_database(empty=True)
    yield url
    pg_server.drop(url)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh market database of the kind the run asks for (SQLite unless ``--db=postgres``)."""
    if db_kind(request.config) == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"sqlite:///{tmp_path / 'market.db'}"


@pytest.fixture(autouse=True)
def _given_database(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[None]:
    """With ``--db=postgres|sqlite`` every ``Given`` market gets a fresh database of that kind."""
    kind = db_kind(request.config)
    if kind == "memory":
        yield
        return
    from dsl import Given

    if kind == "postgres":
        server = request.getfixturevalue("pg_server")
        Given.db_factory = server.new_database
    else:
        names = itertools.count(1)
        where = tmp_path_factory.mktemp("given")
        Given.db_factory = lambda: f"sqlite:///{where / f'market{next(names)}.db'}"
    try:
        yield
    finally:
        Given.db_factory = None
        if kind == "postgres":
            server.drop_made()
