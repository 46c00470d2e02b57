"""A journal readable for decades: a journal written by the code of its time (kept under
tests/fixtures, never rewritten) decodes and replays with today's code; older payloads take
their fields' defaults and are brought up by the event's upcasters."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import orjson
import pytest

from openets.composition import build_tables, new_state
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.messages import EVENT_TYPES
from openets.engine import codec
from openets.engine.core import Engine
from openets.engine.journal import MemoryJournal, Record, verify_chain

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


FIXTURES = Path(__file__).parent.parent / "fixtures"
CEA = "CEA19-20"


def _records(name: str) -> list[Record]:
    rows = [orjson.loads(line) for line in (FIXTURES / name).read_bytes().splitlines()]
    return [Record(*r[:5], r[5].encode(), r[6].encode(), r[7], r[8]) for r in rows]


def _replayed(records: list[Record]) -> Engine:
    journal = MemoryJournal()
    journal.append(records)
    journal.commit()
    handlers, appliers = build_tables()
    clock = SimulatedClock(parse_iso("2021-07-17T09:00+08:00"))
    engine = Engine(journal, clock, handlers, appliers, state_factory=new_state)
    engine.recover()
    return engine


def test_journal_written_by_earlier_code_decodes_every_record() -> None:
    records = _records("journal_v1.jsonl")
    assert verify_chain(records) == (len(records), None)
    decoded = [codec.decode(r.type, r.payload) for r in records]
    assert [type(e).__name__ for e in decoded] == [r.type for r in records]


def test_journal_written_by_earlier_code_replays_to_its_holdings_and_funds() -> None:
    records = _records("journal_v1.jsonl")
    engine = _replayed(records)
    st = engine.state
    assert st.last_seq == len(records) and st.last_hash == records[-1].hash
    seller, buyer = sorted(a for a, acct in st.registry.accounts.items() if acct.id_code)
    assert st.registry.bucket(seller, CEA)[0] == 100 - 40 - 5  # sold 40 t, transferred 5 t
    assert st.registry.bucket(buyer, CEA)[0] == 40 + 5
    assert st.funds.of(seller)[0] == 40 * 4800  # paid at the end of day
    assert list(st.funds.of(buyer)) == [10_000_000 - 40 * 4800 - 1_000, 0, 0, 1_000]
    assert seller in st.supervision.restrictions
    assert st.violations() == []


def test_every_event_type_has_a_version_and_its_upcasters() -> None:
    build_tables()  # every context's events are imported
    for name, cls in EVENT_TYPES.items():
        assert isinstance(cls.VERSION, int) and cls.VERSION >= 1, name
        assert set(range(1, cls.VERSION)) <= set(cls.UPCASTERS), name


@dataclasses.dataclass(frozen=True, slots=True)
class _Fee:
    amount_fen: int
    payer: str
    note: str = ""
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    VERSION: ClassVar[int] = 3
    UPCASTERS: ClassVar[dict[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {
        1: lambda d: {**{k: v for k, v in d.items() if k != "amount"}, "amount_yuan": d["amount"]},
        2: lambda d: {
            **{k: v for k, v in d.items() if k != "amount_yuan"},
            "amount_fen": d["amount_yuan"] * 100,
        },
    }


def test_payload_missing_a_field_added_later_takes_its_default() -> None:
    fee = codec.decoder_for(_Fee)({"_v": 3, "amount_fen": 250, "payer": "A"})
    assert fee == _Fee(250, "A", "", ())


def test_payload_of_an_older_version_is_upcast_step_by_step() -> None:
    assert codec.decoder_for(_Fee)({"amount": 3, "payer": "A"}) == _Fee(300, "A")
    assert codec.decoder_for(_Fee)({"_v": 2, "amount_yuan": 4, "payer": "B"}) == _Fee(400, "B")


def test_payload_of_a_later_version_carries_it() -> None:
    blob = codec.encode(_Fee(5, "A", "n", ("x",)))  # type: ignore[arg-type]
    payload = {"_v": 3, "amount_fen": 5, "payer": "A", "note": "n", "tags": ["x"]}
    assert orjson.loads(blob) == payload
    assert codec.decoder_for(_Fee)(orjson.loads(blob)) == _Fee(5, "A", "n", ("x",))


def test_event_version_without_its_upcaster_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class _Bad:
        a: int
        VERSION: ClassVar[int] = 2

    with pytest.raises(TypeError, match="no upcaster"):
        codec.decoder_for(_Bad)


def test_a_v1_trades_settled_event_reads_as_v2() -> None:
    from openets.clearing.settlement import Delivery, TradesSettled

    (record,) = [r for r in _records("journal_v1.jsonl") if r.type == "TradesSettled"]
    written = orjson.loads(record.payload)
    assert "_v" not in written  # written as version 1: a list of delivery objects
    settled = codec.decode(record.type, record.payload)
    assert isinstance(settled, TradesSettled) and TradesSettled.VERSION == 2
    assert settled.deliveries == tuple(Delivery(**d) for d in written["deliveries"])
    assert settled.tx_ids == tuple(d["tx_id"] for d in written["deliveries"])
    again = codec.decode(record.type, codec.encode(settled))
    assert again == settled and list(again.entries()) == list(settled.entries())
