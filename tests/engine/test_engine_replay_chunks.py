"""Replay by chunks (openets.engine.replay) gives the record-by-record replay's state: the same
events applied in the same order, the same id counters, the same last record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest
from dsl import Given

from openets.composition import build_tables, new_state
from openets.engine import codec
from openets.engine.journal import GENESIS, MemoryJournal, Record, record_hash
from openets.engine.replay import chunks_of, replay_chunks
from openets.registry import commands as rc
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _fixture_records() -> list[Record]:
    """The journal written by earlier code (tests/fixtures): trading, settlement, transfers."""
    rows = [
        orjson.loads(line) for line in (FIXTURES / "journal_v1.jsonl").read_bytes().splitlines()
    ]
    return [Record(*r[:5], r[5].encode(), r[6].encode(), r[7], r[8]) for r in rows]


def _on_sqlite(path: Path, records: list[Record]) -> SqlJournal:
    from openets.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    journal = SqlJournal(engine)
    journal.append(records)
    journal.commit()
    return journal


def _seen(st: Any) -> tuple[object, ...]:
    """What replay leaves behind: the state, the id counters and the last record."""
    return (
        st.state_hash(),
        st.ids.snapshot(),
        st.last_seq,
        st.last_cmd_seq,
        st.last_ts,
        st.last_hash,
    )


def _event_by_event(records: list[Record]) -> tuple[object, ...]:
    handlers, appliers = build_tables()
    from openets.domain.clock import SimulatedClock, parse_iso
    from openets.engine.core import Engine

    engine = Engine(
        MemoryJournal(), SimulatedClock(parse_iso("2021-07-17T09:00+08:00")), handlers, appliers
    )
    st = new_state()
    engine.replay_into(st, records)
    return _seen(st)


def _batched(chunks: Any) -> tuple[object, ...]:
    _, appliers = build_tables()
    st = new_state()
    replay_chunks(appliers, st, chunks)
    return _seen(st)


def _market_records(tmp_path: Path) -> list[Record]:
    """A market's journal with many commands, each moving id counters."""
    g = Given.on_sqlite(tmp_path / "live.db")
    a = g.account(tonnes={"CEA21": 1_000}, fen=50_000)
    b = g.account(fen=20_000)
    for q in range(1, 12):
        (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", q, "x"), actor="alice")
        g.ok(rc.Decide(req.request_id, q % 4 != 0, "" if q % 4 else "no"), actor="bob")
    g.ok(rc.Freeze(b, "CEA21", 3, "court"))
    return list(g.engine.journal.read())


@pytest.mark.parametrize("chunk", [1, 3, 7, 2000])
def test_batched_replay_equals_event_by_event_replay(tmp_path: Path, chunk: int) -> None:
    records = _fixture_records()
    journal = _on_sqlite(tmp_path / "fixture.db", records)
    expected = _event_by_event(records)
    assert _batched(journal.read_chunks_for_replay(0, chunk)) == expected
    assert _batched(chunks_of(records, chunk)) == expected
    market = _market_records(tmp_path)
    assert _batched(chunks_of(market, chunk)) == _event_by_event(market)


def test_batched_replay_of_a_market_database_equals_event_by_event_replay(tmp_path: Path) -> None:
    records = _market_records(tmp_path)
    journal = SqlJournal(make_engine(f"sqlite:///{tmp_path / 'live.db'}"))
    expected = _event_by_event(records)
    for chunk in (1, 5, 2000):
        assert _batched(journal.read_chunks_for_replay(0, chunk)) == expected


def test_batched_replay_after_a_seq_applies_only_the_records_after_it(tmp_path: Path) -> None:
    records = _fixture_records()
    journal = _on_sqlite(tmp_path / "fixture.db", records)
    chunks = list(journal.read_chunks_for_replay(40, 7))
    assert sum(c.size for c in chunks) == len(records) - 40
    assert chunks[-1].last == (records[-1].seq, records[-1].cmd_seq, records[-1].ts,
                               records[-1].hash)  # fmt: skip
    assert chunks[0].types.split(",") == [r.type for r in records[40:47]]


def test_batched_replay_reads_a_payload_the_typed_decoder_refuses(tmp_path: Path) -> None:
    # A payload the typed decoder refuses (a string field journaled as a number): read by
    # the generated decoder, as record by record.
    payload = (
        b'{"tx_id":"TX000001","tx_type":"issuance","postings":['
        b'{"account_id":"@ISSUED","product":"CEA21","bucket":0,"delta":-5},'
        b'{"account_id":"A000001","product":"CEA21","bucket":0,"delta":5}],"ref":"","memo":7}'
    )
    h = record_hash(GENESIS, 1, 1, 10, "op", "LedgerPosted", payload, b'{"TX":1}')
    records = [Record(1, 1, 10, "op", "LedgerPosted", payload, b'{"TX":1}', GENESIS, h)]
    with pytest.raises(msgspec.ValidationError):
        codec.payload_decoders("LedgerPosted")[0](payload)
    journal = _on_sqlite(tmp_path / "odd.db", records)
    expected = _event_by_event(records)
    assert _batched(journal.read_chunks_for_replay(0)) == expected
    st = new_state()
    replay_chunks(build_tables()[1], st, journal.read_chunks_for_replay(0))
    assert st.registry.bucket("A000001", "CEA21")[0] == 5 and st.ids.snapshot()["TX"] == 1


def test_recover_on_a_sql_journal_replays_by_chunks(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(tonnes={"CEA21": 100})
    b = g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", 30, "x"), actor="alice")
    g.ok(rc.Decide(req.request_id, True), actor="bob")
    live = _seen(g.state)
    from openets.bootstrap import open_engine

    seen: list[int] = []
    journal = SqlJournal(make_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    read = journal.read_chunks_for_replay

    def counting(after_seq: int = 0, chunk: int = 2000) -> Any:
        for c in read(after_seq, chunk):
            seen.append(c.size)
            yield c

    journal.read_chunks_for_replay = counting  # type: ignore[method-assign]
    engine = open_engine(journal, g.clock, genesis=False)
    assert _seen(engine.state) == live and sum(seen) == live[2]


def test_batched_replay_of_a_simulated_market_equals_event_by_event_replay(tmp_path: Path) -> None:
    # Every kind of event a simulated market journals: trading, blocks, a paid auction, the
    # compliance cycle, settlement.
    from openets.sim.simulate import SimConfig, run_simulation

    url = f"sqlite:///{tmp_path / 'sim.db'}"
    config = SimConfig(entities=12, days=3, seed=3, db_url=url, makers=1,
                       paid_auction="shanghai-2024", paid_auction_day=0)  # fmt: skip
    run_simulation(config)
    journal = SqlJournal(make_engine(url))
    records = list(journal.read())
    assert len({r.type for r in records}) >= 30
    expected = _event_by_event(records)
    for chunk in (1, 7, 1000):
        assert _batched(journal.read_chunks_for_replay(0, chunk)) == expected
        assert _batched(chunks_of(records, chunk)) == expected


def test_batched_replay_reads_id_counters_whose_names_hold_braces(tmp_path: Path) -> None:
    # The chunk's id objects are read as one merged object unless a name holds "},{".
    rows = [(1, 1, 10, "op", "MarketConfigured", b'{"preset":"cn"}', b'{"a},{b":4,"TX":2}'),
            (2, 2, 11, "op", "MarketConfigured", b'{"preset":"cn"}', b""),
            (3, 3, 12, "op", "MarketConfigured", b'{"preset":"cn"}', b'{"TX":3}')]  # fmt: skip
    records, prev = [], GENESIS
    for seq, cmd_seq, ts, actor, typ, payload, ids in rows:
        h = record_hash(prev, seq, cmd_seq, ts, actor, typ, payload, ids)
        records.append(Record(seq, cmd_seq, ts, actor, typ, payload, ids, prev, h))
        prev = h
    expected = _event_by_event(records)
    assert expected[1] == {"a},{b": 4, "TX": 3}
    journal = _on_sqlite(tmp_path / "braces.db", records)
    for chunk in (1, 2, 3):
        assert _batched(journal.read_chunks_for_replay(0, chunk)) == expected
        assert _batched(chunks_of(records, chunk)) == expected
