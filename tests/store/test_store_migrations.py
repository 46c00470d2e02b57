"""Alembic migrations: an empty database of either kind reaches exactly schema.metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from typer.testing import CliRunner

from openets.bootstrap import open_market
from openets.cli_ops import register
from openets.domain.identity import make_uscc
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.store import schema
from openets.store.db import make_engine
from openets.store.migrate import HEAD, config, current, script_head, upgrade


def shape(url: str) -> dict[str, Any]:
    """Tables, columns (type class, nullability), primary keys and indexes, as inspected."""
    eng = create_engine(url)
    insp = inspect(eng)
    out: dict[str, Any] = {}
    for t in sorted(insp.get_table_names()):
        cols = {
            c["name"]: (type(c["type"]).__name__.upper(), c["nullable"])
            for c in insp.get_columns(t)
        }
        idx = sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t))
        out[t] = (cols, tuple(insp.get_pk_constraint(t)["constrained_columns"]), idx)
    eng.dispose()
    return out


def ops_app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def differences(url: str) -> list[Any]:
    eng = create_engine(url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    eng.dispose()
    return diff


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_empty_url")
        return url
    return f"sqlite:///{tmp_path / 'empty.db'}"


def test_head_constant_names_the_newest_migration_script() -> None:
    assert script_head() == HEAD


def test_upgrade_head_on_an_empty_database_gives_exactly_the_schema_tables(
    empty_url: str,
) -> None:
    before, after = upgrade(make_engine(empty_url, migrate=False))
    assert (before, after) == (None, HEAD)
    assert differences(empty_url) == []
    tables = set(shape(empty_url)) - {"alembic_version"}
    assert tables == set(schema.metadata.tables)


@pytest.mark.postgres
def test_upgrade_head_gives_the_same_tables_on_sqlite_and_postgres(
    tmp_path: Path, pg_empty_url: str
) -> None:
    lite = f"sqlite:///{tmp_path / 'm.db'}"
    make_engine(lite)
    make_engine(pg_empty_url)
    a, b = shape(lite), shape(pg_empty_url)
    assert a.keys() == b.keys()
    for t in a:
        cols_a, pk_a, idx_a = a[t]
        cols_b, pk_b, idx_b = b[t]
        assert cols_a.keys() == cols_b.keys(), t
        assert {k: v[1] for k, v in cols_a.items()} == {k: v[1] for k, v in cols_b.items()}, t
        assert (pk_a, idx_a) == (pk_b, idx_b), t


def test_a_database_made_by_create_all_is_adopted_and_keeps_its_rows(empty_url: str) -> None:
    eng = create_engine(empty_url)
    schema.metadata.create_all(eng)
    with eng.begin() as conn:
        conn.execute(schema.meta.insert(), {"key": "k", "value": "kept"})
    eng.dispose()
    before, after = upgrade(make_engine(empty_url, migrate=False))
    assert (before, after) == (None, HEAD)
    assert differences(empty_url) == []
    with create_engine(empty_url).connect() as conn:
        assert conn.execute(select(schema.meta.c.value)).scalar_one() == "kept"


def test_a_market_made_before_migrations_opens_with_the_same_state(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    m = open_market(url)
    live = m.state.state_hash()
    m.engine.journal.close()
    with create_engine(url).begin() as conn:  # as if the file predated migrations
        conn.execute(text("DROP TABLE alembic_version"))
    again = open_market(url)
    assert again.state.state_hash() == live
    with make_engine(url).connect() as conn:
        assert current(conn) == HEAD


def test_opening_an_up_to_date_database_runs_no_migration(empty_url: str) -> None:
    make_engine(empty_url)
    assert upgrade(make_engine(empty_url, migrate=False)) == (HEAD, HEAD)


def test_openets_migrate_reports_what_it_did(empty_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(ops_app(), ["migrate", "--db", empty_url])
    second = runner.invoke(ops_app(), ["migrate", "--db", empty_url])
    assert first.exit_code == 0 and f"from revision none to {HEAD}" in first.output
    assert second.exit_code == 0 and "nothing to do" in second.output


def journal_indexes(url: str) -> set[str]:
    eng = create_engine(url)
    names = {str(i["name"]) for i in inspect(eng).get_indexes("journal")}
    eng.dispose()
    return names


def test_journal_has_no_cmd_seq_index_and_a_database_that_had_it_opens_the_same(
    tmp_path: Path,
) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'indexed.db'}"
    m = open_market(url)
    for i in range(3):
        (ev,) = m.engine.submit(
            rc.OpenAccount(SubjectType.ENTITY, f"e{i}", make_uscc(f"91370000{i:09d}"), "山东"), "op"
        )
        m.engine.submit(rc.Issue(ev.account_id, "CEA21", 100 + i, "seed"), "op")
    live, last = m.state.state_hash(), m.state.last_seq
    m.engine.journal.close()
    assert journal_indexes(url) == set()
    eng = make_engine(url, migrate=False)
    with eng.begin() as conn:  # the database as revision 0003 left it: with the index
        command.downgrade(config(conn), "0003")
    eng.dispose()
    assert journal_indexes(url) == {"ix_journal_cmd_seq"}
    again = open_market(url)
    assert (again.state.state_hash(), again.state.last_seq) == (live, last)
    assert journal_indexes(url) == set()
    with make_engine(url).connect() as conn:
        assert current(conn) == HEAD
