"""``openets verify`` and ``openets replay`` refuse what they cannot vouch for with one line
and exit 1: a missing database (never created by the check), a broken hash chain, a record the
rules cannot read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from dsl import Given
from typer.testing import CliRunner

from openets.cli import app
from openets.engine.chain import link_py

pytestmark = pytest.mark.own_db


def _market(tmp_path: Path) -> str:
    db = tmp_path / "m.db"
    g = Given.on_sqlite(db)
    g.account(fen=10_000)
    g.account(tonnes={"CEA21": 50})
    g.engine.journal.close()
    return f"sqlite:///{db}"


def _rewrite(url: str, seq: int, payload: bytes, rechain: bool) -> None:
    """Put ``payload`` in record ``seq``; with ``rechain`` recompute every later hash, as a
    forger who knows the format would."""
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.execute("UPDATE journal SET payload = ? WHERE seq = ?", (payload, seq))
    if rechain:
        rows = con.execute(
            "SELECT seq, cmd_seq, ts, actor, type, payload, ids, prev_hash FROM journal "
            "WHERE seq >= ? ORDER BY seq",
            (seq,),
        ).fetchall()
        prev = rows[0][7]
        for s, cmd, ts, actor, name, body, ids, _ in rows:
            h = link_py(prev, s, f"|{cmd}|{ts}|{actor}|".encode(), name, bytes(body), bytes(ids))
            con.execute("UPDATE journal SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, s))
            prev = h
    con.commit()
    con.close()


def _last_seq(url: str) -> int:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return int(con.execute("SELECT max(seq) FROM journal").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize("command", ["verify", "replay"])
def test_check_of_a_missing_database_is_refused_and_creates_nothing(
    tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "nowhere.db"
    r = CliRunner().invoke(app, [command, "--db", f"sqlite:///{missing}"])
    assert r.exit_code == 1 and f"no market database at {missing}" in r.output
    assert not missing.exists()


def test_replay_refuses_a_journal_whose_hash_chain_is_broken(tmp_path: Path) -> None:
    url = _market(tmp_path)
    _rewrite(url, 1, b'{"tampered":true}', rechain=False)
    r = CliRunner().invoke(app, ["replay", "--db", url])
    assert r.exit_code == 1 and "error: journal:" in r.output and "state hash" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


@pytest.mark.parametrize("command", ["verify", "replay"])
def test_a_record_the_rules_cannot_read_is_said_not_a_traceback(
    tmp_path: Path, command: str
) -> None:
    url = _market(tmp_path)
    _rewrite(url, _last_seq(url), b"{}", rechain=True)
    r = CliRunner().invoke(app, [command, "--db", url])
    assert r.exit_code == 1, r.output
    assert "error: the journal cannot be replayed after seq" in r.output
    assert isinstance(r.exception, SystemExit)
