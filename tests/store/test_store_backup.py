"""Backup and restore: a logical dump that SQLite and PostgreSQL both restore, verified."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest
import typer
from dsl import START, Given
from sqlalchemy import select
from typer.testing import CliRunner

from openets.api import idempotency
from openets.bootstrap import open_market
from openets.cli_ops import register
from openets.domain.clock import SimulatedClock, parse_iso
from openets.ops.backup import BackupError, backup, restore
from openets.ops.verify import verify_market
from openets.registry import commands as rc
from openets.store import schema
from openets.store.db import make_engine


def busy_market(url: str) -> Given:
    """A market with transfers, a snapshot, a user and an idempotency answer."""
    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(url, clock), clock)
    a = g.account(tonnes={"CEA21": 100}, fen=10_000)
    b = g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", 30, "x"), actor="alice")
    g.ok(rc.Decide(req.request_id, True), actor="bob")
    g.engine.snapshot()
    g.ok(rc.Freeze(a, "CEA21", 10, "x"))
    conn = g.engine.journal.connection()
    conn.execute(
        schema.users.insert(),
        {
            "username": "op1",
            "password_hash": "$argon2id$x",
            "role": "registry_operator",
            "account_id": None,
            "permissions": "view",
            "created_ts": 1,
        },
    )
    idempotency.stage(conn, "key-1", "op1", "f" * 64, 201, b'{"ok":true}')
    g.engine.journal.commit()
    return g


def sqlite_url(tmp_path: Path, name: str) -> str:
    return f"sqlite:///{tmp_path / name}"


def rows(url: str, table: str) -> list[tuple[object, ...]]:
    t = schema.metadata.tables[table]
    with make_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]


@pytest.mark.postgres
def test_backup_of_sqlite_restores_into_postgres_with_the_same_state_hash(
    tmp_path: Path, pg_url: str
) -> None:
    g = busy_market(sqlite_url(tmp_path, "a.db"))
    made = backup(sqlite_url(tmp_path, "a.db"), tmp_path / "a.backup")
    got, report = restore(pg_url, tmp_path / "a.backup")
    assert made.state_hash == got.state_hash == g.state.state_hash()
    assert report[-1] == f"state hash {g.state.state_hash()}"
    assert open_market(pg_url, g.clock).state.state_hash() == g.state.state_hash()


@pytest.mark.postgres
def test_backup_of_postgres_restores_into_sqlite_with_every_row(
    tmp_path: Path, pg_url: str
) -> None:
    g = busy_market(pg_url)
    backup(pg_url, tmp_path / "p.backup")
    target = sqlite_url(tmp_path, "b.db")
    got, _ = restore(target, tmp_path / "p.backup")
    assert got.state_hash == g.state.state_hash()
    for table in ("journal", "snapshots", "users", "idempotency"):
        assert rows(target, table) == rows(pg_url, table), table
    assert verify_market(target)[0]


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    busy_market(sqlite_url(tmp_path, "a.db"))
    backup(sqlite_url(tmp_path, "a.db"), tmp_path / "a.backup")
    with pytest.raises(BackupError, match=r"needs an empty database.*journal"):
        restore(sqlite_url(tmp_path, "a.db"), tmp_path / "a.backup")


def rewrite(src: Path, dst: Path, edit: object) -> None:
    with gzip.open(src, "rb") as f:
        lines = [orjson.loads(x) for x in f]
    lines = edit(lines)  # type: ignore[operator]
    with gzip.open(dst, "wb") as f:
        f.write(b"".join(orjson.dumps(x) + b"\n" for x in lines))


def test_restore_of_a_backup_cut_short_loads_nothing(tmp_path: Path) -> None:
    busy_market(sqlite_url(tmp_path, "a.db"))
    backup(sqlite_url(tmp_path, "a.db"), tmp_path / "a.backup")
    rewrite(tmp_path / "a.backup", tmp_path / "cut.backup", lambda ls: ls[: len(ls) // 2])
    target = sqlite_url(tmp_path, "b.db")
    with pytest.raises(BackupError, match="cut short"):
        restore(target, tmp_path / "cut.backup")
    assert rows(target, "journal") == []


def test_restore_of_a_backup_with_an_edited_record_is_refused(tmp_path: Path) -> None:
    busy_market(sqlite_url(tmp_path, "a.db"))
    backup(sqlite_url(tmp_path, "a.db"), tmp_path / "a.backup")

    def edit(ls: list[object]) -> list[object]:
        row = ls[5]
        assert isinstance(row, list)
        row[3] = "mallory"  # the actor of journal record 4
        return ls

    rewrite(tmp_path / "a.backup", tmp_path / "bad.backup", edit)
    target = sqlite_url(tmp_path, "b.db")
    with pytest.raises(BackupError, match="seq 4 does not match its hash"):
        restore(target, tmp_path / "bad.backup")
    assert rows(target, "journal") == []


def test_backup_refuses_a_journal_whose_chain_is_broken(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path, "a.db")
    busy_market(url)
    with make_engine(url).begin() as conn:
        conn.execute(schema.journal.delete().where(schema.journal.c.seq == 3))
    with pytest.raises(BackupError, match="does not follow"):
        backup(url, tmp_path / "a.backup")
    assert not (tmp_path / "a.backup").exists()


def test_openets_backup_and_restore_commands_round_trip(tmp_path: Path) -> None:
    g = busy_market(sqlite_url(tmp_path, "a.db"))
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = tmp_path / "a.backup"
    b = runner.invoke(app, ["backup", "--db", str(tmp_path / "a.db"), "--out", str(out)])
    r = runner.invoke(app, ["restore", "--db", str(tmp_path / "b.db"), "--from", str(out)])
    again = runner.invoke(app, ["restore", "--db", str(tmp_path / "b.db"), "--from", str(out)])
    assert b.exit_code == 0 and g.state.state_hash() in b.output
    assert r.exit_code == 0 and "hash chain intact" in r.output
    assert again.exit_code == 1 and "empty database" in again.output
