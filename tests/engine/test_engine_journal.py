import sqlite3
from pathlib import Path

from dsl import Given

from openets.bootstrap import open_market
from openets.engine.journal import verify_chain
from openets.ops.verify import replay_market, verify_market
from openets.registry import commands as rc


def test_every_command_is_in_the_journal_before_the_caller_is_answered(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(tonnes={"CEA21": 10})
    con = sqlite3.connect(tmp_path / "m.db")  # another connection sees it: it is committed
    (n,) = con.execute("select count(*) from journal").fetchone()
    assert n == g.state.last_seq and a


def test_replay_gives_the_same_state_hash_as_the_live_state(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(tonnes={"CEA21": 100}, fen=10_000)
    b = g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", 30, "x"), actor="alice")
    g.ok(rc.Decide(req.request_id, True), actor="bob")
    live = g.state.state_hash()
    n, replayed, _ = replay_market(f"sqlite:///{tmp_path / 'm.db'}")
    assert replayed == live and n == g.state.last_seq


def test_restart_resumes_ids_and_chain_where_they_stopped(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    first = g.account()
    m2 = open_market(f"sqlite:///{tmp_path / 'm.db'}", g.clock)
    from openets.domain.identity import make_uscc
    from openets.registry.model import SubjectType

    (ev,) = m2.engine.submit(
        rc.OpenAccount(SubjectType.ENTITY, "x", make_uscc("91110000ABCDEFGHJ"), "北京"), "op"
    )
    assert ev.account_id != first
    assert verify_chain(m2.engine.journal.read())[1] is None


def test_verify_detects_an_edited_journal_row(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    g.account(tonnes={"CEA21": 1000})
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert verify_market(url)[0]
    con = sqlite3.connect(tmp_path / "m.db")
    seq = g.state.last_seq
    con.execute(
        "update journal set payload = replace(payload, '1000', '9000') where seq = ?", (seq,)
    )
    con.commit()
    ok, lines = verify_market(url)
    assert not ok and f"seq {seq}" in lines[0]


def test_verify_detects_a_deleted_journal_row(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    g.account(tonnes={"CEA21": 1000})
    con = sqlite3.connect(tmp_path / "m.db")
    con.execute("delete from journal where seq = 3")
    con.commit()
    ok, lines = verify_market(f"sqlite:///{tmp_path / 'm.db'}")
    assert not ok and "missing" in lines[0]


def test_snapshot_then_replay_matches_a_full_replay(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(tonnes={"CEA21": 100})
    g.engine.snapshot()
    g.ok(rc.Freeze(a, "CEA21", 10, "x"))
    m2 = open_market(f"sqlite:///{tmp_path / 'm.db'}", g.clock)
    assert m2.state.state_hash() == g.state.state_hash()
    ok, lines = verify_market(f"sqlite:///{tmp_path / 'm.db'}")
    assert ok and any("snapshot" in x for x in lines)


def test_rejected_command_leaves_the_journal_unchanged(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account()
    g.rejects(rc.Issue(a, "CEA21", -1, "x"))
    con = sqlite3.connect(tmp_path / "m.db")
    (n,) = con.execute("select count(*) from journal").fetchone()
    assert n == g.state.last_seq


def test_rejection_does_not_consume_an_id(given: Given) -> None:
    a = given.account()
    given.rejects(rc.Issue(a, "CEA21", -1, "x"))
    (tx,) = given.ok(rc.Issue(a, "CEA21", 1, "x"))
    (tx2,) = given.ok(rc.Issue(a, "CEA21", 1, "x"))
    assert int(tx2.tx_id[2:]) == int(tx.tx_id[2:]) + 1


def test_replay_restores_the_journaled_clock() -> None:
    from dsl import Given

    from openets.market import MarketState
    from openets.ops.clock_service import AdvanceClock, journaled_now

    g = Given.in_memory()
    g.ok(AdvanceClock("2021-09-01T10:00:00+08:00"), actor="exop")
    fresh = g.market.engine._state_factory()
    assert isinstance(fresh, MarketState)
    g.engine.replay_into(fresh, g.engine.journal.read())
    assert journaled_now(fresh) is not None
    assert journaled_now(fresh).isoformat() == "2021-09-01T10:00:00+08:00"  # type: ignore[union-attr]
    assert fresh.state_hash() == g.state.state_hash()


def test_clock_advance_backwards_in_the_journal_is_rejected() -> None:
    from dsl import Given

    from openets.domain.rejection import Code
    from openets.ops.clock_service import AdvanceClock

    g = Given.in_memory()
    g.ok(AdvanceClock("2021-09-01T10:00:00+08:00"), actor="exop")
    r = g.rejects(AdvanceClock("2021-08-01T10:00:00+08:00"), actor="exop")
    assert r.code is Code.INVALID_FIELD and r.field == "to" and "2021-08-01" in r.message
