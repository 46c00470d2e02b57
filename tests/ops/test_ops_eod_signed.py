"""``openets eod --signing-key``: the end of day run on a stopped market journals a signed
checkpoint of that day's end, as ``serve --signing-key`` does; ``verify --public-key`` checks it
and fails on a journal edited afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from dsl import Given
from typer.testing import CliRunner

from openets.audit.keys import generate, load_public, signature_ok
from openets.audit.service import audit_part
from openets.bootstrap import open_market
from openets.cli import app
from openets.engine.journal import record_hash
from openets.trading.book import Side
from openets.trading.commands import PostListing

DAY = "2021-07-16"


def _market_with_a_listing(tmp_path: Path) -> str:
    g = Given.on_sqlite(tmp_path / "m.db")
    g.instrument("CEA21", "48.00")
    seller = g.account(tonnes={"CEA21": 100}, fen=10_000)
    g.at(f"{DAY}T09:45+08:00")
    g.ok(PostListing(seller, "CEA21", Side.SELL, 4800, 10))
    g.engine.journal.close()
    return f"sqlite:///{tmp_path / 'm.db'}"


def _state_after(db: str) -> Any:
    market = open_market(db)
    try:
        return market.engine.state
    finally:
        market.engine.journal.close()


def _signed_eod(tmp_path: Path) -> tuple[str, Path]:
    db = _market_with_a_listing(tmp_path)
    key = tmp_path / "market.key"
    generate(key)
    at = f"{DAY}T15:30+08:00"
    r = CliRunner().invoke(app, ["eod", "--db", db, "--at", at, "--signing-key", str(key)])
    assert r.exit_code == 0, r.output
    assert "signed checkpoint of seq" in r.output
    return db, Path(f"{key}.pub")


def test_cli_end_of_day_with_a_signing_key_journals_a_signed_checkpoint_of_the_day(
    tmp_path: Path,
) -> None:
    db, pub = _signed_eod(tmp_path)
    market = open_market(db)
    try:
        state = market.engine.state
        cp = audit_part(state).by_day[DAY]  # what GET /audit/head and the reports read
        assert audit_part(state).latest == cp
        assert cp.seq == state.last_seq - 1  # the head right after the day's end
        assert signature_ok(load_public(pub), cp.seq, cp.hash, cp.signed_at, cp.signature)
    finally:
        market.engine.journal.close()
    r = CliRunner().invoke(app, ["verify", "--db", db, "--public-key", str(pub)])
    assert r.exit_code == 0, r.output


def test_journal_edited_and_rehashed_after_a_cli_signed_end_of_day_fails_verify(
    tmp_path: Path,
) -> None:
    db, pub = _signed_eod(tmp_path)
    con = sqlite3.connect(tmp_path / "m.db")
    rows = con.execute(
        "select seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash from journal "
        "order by seq"
    ).fetchall()
    # The listing's price changed, then every hash recomputed from there on.
    target = next(r for r in rows if r[4] == "ListingPosted")
    prev = None
    for seq, cmd_seq, ts, actor, type_, body, ids, prev_hash, _ in rows:
        if seq == target[0]:
            body = bytes(body).replace(b"4800", b"4700")
            assert body != bytes(target[5])
        if prev is not None:
            prev_hash = prev
        h = record_hash(prev_hash, seq, cmd_seq, ts, actor, type_, bytes(body), bytes(ids))
        con.execute(
            "update journal set payload = ?, prev_hash = ?, hash = ? where seq = ?",
            (body, prev_hash, h, seq),
        )
        prev = h
    con.commit()
    con.close()
    r = CliRunner().invoke(app, ["verify", "--db", db, "--public-key", str(pub)])
    assert r.exit_code == 1, r.output
    assert "changed after it was signed" in r.output


def test_cli_end_of_day_refuses_an_unreadable_signing_key(tmp_path: Path) -> None:
    db = _market_with_a_listing(tmp_path)
    key = tmp_path / "bad.key"
    key.write_text("not a key")
    at = f"{DAY}T15:30+08:00"
    r = CliRunner().invoke(app, ["eod", "--db", db, "--at", at, "--signing-key", str(key)])
    assert r.exit_code == 2
    assert "error:" in r.output
    assert audit_part(_state_after(db)).latest is None
