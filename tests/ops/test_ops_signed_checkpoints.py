"""Tamper evidence with a key: signed checkpoints, ``verify --public-key``, ``keys generate``."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import orjson
from dsl import Given
from typer.testing import CliRunner

from openets.audit.keys import generate, load_private, load_public, signature_ok
from openets.audit.service import CheckpointSigned, audit_part
from openets.audit.signer import Signer
from openets.cli import app
from openets.engine.journal import record_hash
from openets.ops.verify import verify_market
from openets.trading.book import Side
from openets.trading.commands import PostListing


def _keys(tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "market.key"
    generate(key)
    return key, Path(f"{key}.pub")


def _signed_market(tmp_path: Path, every: int = 5) -> tuple[Given, Signer, Path]:
    key, pub = _keys(tmp_path)
    g = Given.on_sqlite(tmp_path / "m.db")
    signer = Signer(load_private(key), every)
    g.engine.subscribers.append(signer.watch)
    for _ in range(4):
        g.account(tonnes={"CEA21": 100}, fen=10_000)
        signer.maybe_sign(g.engine)
    return g, signer, pub


def test_keys_generate_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    out = tmp_path / "k"
    r = CliRunner().invoke(app, ["keys", "generate", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert load_public(f"{out}.pub") == load_private(out).public_key()
    assert "public key " in r.output and "key id " in r.output


def test_keys_generate_does_not_overwrite_a_key(tmp_path: Path) -> None:
    out = tmp_path / "k"
    out.write_text("precious")
    r = CliRunner().invoke(app, ["keys", "generate", "--out", str(out)])
    assert r.exit_code == 1 and out.read_text() == "precious"


def test_checkpoint_every_n_records_signs_the_chain_head(tmp_path: Path) -> None:
    g, _, pub = _signed_market(tmp_path)
    cp = audit_part(g.state).latest
    assert cp is not None and audit_part(g.state).count >= 2
    record = next(r for r in g.engine.journal.read(cp.seq - 1) if r.seq == cp.seq)
    assert record.hash == cp.hash
    assert signature_ok(load_public(pub), cp.seq, cp.hash, cp.signed_at, cp.signature)


def test_end_of_day_gets_a_signed_checkpoint_of_its_day(tmp_path: Path) -> None:
    g, signer, _ = _signed_market(tmp_path, every=10_000)
    g.instrument("CEA21", "48.00")
    seller = g.account(tonnes={"CEA21": 100})
    g.at("2021-07-16T09:45+08:00")
    g.ok(PostListing(seller, "CEA21", Side.SELL, 4800, 10))
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert signer.maybe_sign(g.engine)
    cp = audit_part(g.state).by_day["2021-07-16"]
    assert cp.seq == g.state.last_seq - 1


def test_verify_with_the_public_key_passes_on_an_untouched_journal(tmp_path: Path) -> None:
    _, _, pub = _signed_market(tmp_path)
    ok, lines = verify_market(f"sqlite:///{tmp_path / 'm.db'}", str(pub))
    assert ok, lines
    assert any(line.startswith("signed checkpoints: ") for line in lines)


def test_journal_edited_and_rehashed_after_a_signed_checkpoint_fails_verify(
    tmp_path: Path,
) -> None:
    _signed_market(tmp_path)
    db = tmp_path / "m.db"
    con = sqlite3.connect(db)
    rows = con.execute(
        "select seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash from journal "
        "order by seq"
    ).fetchall()
    # A deposit ×10, then every hash recomputed from there on (checkpoints too).
    target = next(r for r in rows if r[4] == "FundsPosted")
    payload = orjson.loads(target[5])
    for p in payload["postings"]:
        p["delta"] *= 10
    prev = None
    for r in rows:
        seq, cmd_seq, ts, actor, type_, body, ids, prev_hash, _ = r
        if seq == target[0]:
            body = orjson.dumps(payload)
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
    url = f"sqlite:///{db}"
    ok_without_key, _ = verify_market(url)
    assert ok_without_key  # the chain alone cannot tell
    ok, lines = verify_market(url, str(tmp_path / "market.key.pub"))
    assert not ok
    assert "changed after it was signed" in lines[-1]


def test_verify_with_another_key_fails(tmp_path: Path) -> None:
    _signed_market(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _, pub = _keys(other)
    ok, lines = verify_market(f"sqlite:///{tmp_path / 'm.db'}", str(pub))
    assert not ok and "not by this key" in lines[-1]


def test_checkpoint_not_of_the_chain_head_is_rejected(tmp_path: Path) -> None:
    g, signer, _ = _signed_market(tmp_path)
    cmd = signer.checkpoint(g.engine)
    stale = type(cmd)(cmd.seq - 1, cmd.hash, cmd.signed_at, cmd.signature, cmd.key_id)
    r = g.rejects(stale, actor="audit")
    assert r.field == "seq"
    assert isinstance(audit_part(g.state).latest, CheckpointSigned)


def test_daily_and_registry_reports_print_the_days_signed_head(tmp_path: Path) -> None:
    g, signer, _ = _signed_market(tmp_path, every=10_000)
    g.instrument("CEA21", "48.00")
    seller = g.account(tonnes={"CEA21": 100})
    g.at("2021-07-16T09:45+08:00")
    g.ok(PostListing(seller, "CEA21", Side.SELL, 4800, 10))
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    signer.maybe_sign(g.engine)
    cp = audit_part(g.state).by_day["2021-07-16"]
    g.engine.journal.close()
    db = f"sqlite:///{tmp_path / 'm.db'}"
    run = CliRunner().invoke
    daily = run(app, ["report", "daily", "--db", db, "--date", "2021-07-16", "--lang", "en"])
    assert daily.exit_code == 0, daily.output
    assert "## Signed head" in daily.output and cp.hash in daily.output
    assert cp.signature in daily.output
    zh = run(app, ["report", "daily", "--db", db, "--date", "2021-07-16"])
    assert "签名链头" in zh.output and cp.hash in zh.output
    reg = run(app, ["report", "registry", "--db", db, "--format", "json"])
    assert reg.exit_code == 0, reg.output
    assert orjson.loads(reg.output)["signed_head"]["hash"] == cp.hash
