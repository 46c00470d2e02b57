"""The account log behind ``GET /trades`` and the order history: it keeps sequence numbers and
reads the events back from the journal when asked, so the server's memory does not grow with
the order flow; the accounts of listings are kept only while they rest."""

from __future__ import annotations

import asyncio
import dataclasses
import random

import pytest

from openets.api.routers._accountlog import AccountLog, Seqs
from openets.api.routers._listinglog import ListingLog
from openets.api.routers._tradelog import TradeLog
from openets.engine import codec
from openets.engine.journal import MemoryJournal, Record
from openets.trading.book import Side
from openets.trading.events import Event, ListingCancelled, ListingPosted, TradeExecuted

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

T0 = 1_626_400_800_000_000


def _posted(lid: str, account: str, qty: int) -> ListingPosted:
    return ListingPosted(lid, "CEA21", account, Side.SELL, 4800, qty, 0, 0, False)


def _trade(tid: str, buyer: str, seller: str, maker: str, qty: int) -> TradeExecuted:
    return TradeExecuted(tid, "CEA21", "listing", 4800, qty, buyer, seller, maker, Side.SELL,
                         0, 0, 0, "2021-07-16T10:00:00+08:00")


class Market:
    """A journal, the log subscribed to it, and which listings rest."""

    def __init__(self, journal: MemoryJournal | None = None, start_seq: int = 0) -> None:
        self.journal = journal or MemoryJournal()
        self.seq = start_seq
        self.book: set[str] = set()
        self.log = AccountLog(self.journal, start_seq, self.book.__contains__, {})

    def command(self, *events: Event, commit: bool = True) -> None:
        records = []
        for ev in events:
            self.seq += 1
            records.append(Record(self.seq, self.seq, T0 + self.seq, "t", type(ev).__name__,
                                  codec.encode(ev), b"", "", ""))
            if isinstance(ev, ListingPosted):
                self.book.add(ev.listing_id)
            elif isinstance(ev, ListingCancelled):
                self.book.discard(ev.listing_id)
        self.journal.append(records)
        if commit:
            self.journal.commit()
        self.log(records, list(events))


def test_the_account_log_keeps_sequence_numbers_and_reads_the_trades_from_the_journal() -> None:
    m = Market()
    m.command(_posted("L1", "S", 100))
    for i in range(1, 4):
        m.command(_trade(f"T{i}", "B", "S", "L1", 10))
    trades = asyncio.run(TradeLog(m.log).of("B"))
    assert [t.trade_id for t in trades] == ["T1", "T2", "T3"]
    assert {a: m.log.seqs(a) for a in "SB"} == {"S": [1, 2, 3, 4], "B": [2, 3, 4]}
    assert {a: list(s) for a, s in m.log.live.items()} == {"S": [1]}  # the listings' records
    assert m.log.trade_seqs("S", "CEA21") == m.log.trade_seqs("B", None) == [2, 3, 4]


def test_the_order_history_is_made_from_the_journal_when_asked() -> None:
    m = Market()
    m.command(_posted("L1", "S", 20))
    m.command(_posted("L2", "S", 5))
    m.command(_trade("T1", "B", "S", "L1", 20))
    m.book.discard("L1")  # filled
    m.command(ListingCancelled("L2", 5, 0, "cancelled"))
    entries = asyncio.run(ListingLog(m.log).of("S"))
    assert [(e.listing_id, e.status, e.filled) for e in entries] == [
        ("L1", "filled", 20), ("L2", "cancelled", 0)
    ]
    assert [e.listing_id for e in asyncio.run(ListingLog(m.log).of(None))] == ["L1", "L2"]


def test_a_listing_that_left_the_book_is_forgotten_by_the_account_log() -> None:
    m = Market()
    m.command(_posted("L1", "S", 10), _posted("L2", "S", 10))
    m.book.discard("L1")
    m.command(_trade("T1", "B", "S", "L1", 10))  # filled: no cancellation will name it
    m.command(ListingCancelled("L2", 10, 0, "cancelled"))
    assert m.log.owners == {}


def test_records_not_yet_durable_are_read_from_the_journals_unwritten() -> None:
    class Unwritten(MemoryJournal):
        def unwritten(self) -> list[Record]:
            return list(self._staged)

    m = Market(Unwritten())
    m.command(_posted("L1", "S", 10))
    m.command(_trade("T1", "B", "S", "L1", 4), commit=False)
    assert [t.trade_id for t in asyncio.run(TradeLog(m.log).of("S"))] == ["T1"]


def test_records_from_before_the_start_are_indexed_from_the_journal_once_asked() -> None:
    before = Market()
    before.command(_posted("L1", "S", 10))
    before.command(_trade("T1", "B", "S", "L1", 4))
    m = Market(before.journal, start_seq=before.seq)
    m.command(_trade("T2", "B", "S", "L1", 6))
    assert {a: m.log.seqs(a) for a in "SB"} == {"B": [3], "S": [3]}  # before asking
    assert [t.trade_id for t in asyncio.run(TradeLog(m.log).of("B"))] == ["T1", "T2"]
    assert [(e.listing_id, e.filled) for e in asyncio.run(ListingLog(m.log).of("S"))] == [
        ("L1", 10)
    ]


def test_the_account_log_stores_a_small_gap_in_one_byte() -> None:
    seqs = Seqs()
    numbers = [1, 2, 130, 131, 20_000, 20_001, 2**40]
    for n in numbers:
        seqs.append(n)
    assert list(seqs) == numbers
    assert len(seqs.data) == 1 + 1 + 2 + 1 + 3 + 1 + 6


def test_a_sequence_number_not_above_the_last_is_refused_by_the_account_log() -> None:
    seqs = Seqs()
    seqs.append(5)
    with pytest.raises(ValueError, match="ascend"):
        seqs.append(5)


def test_a_page_of_an_accounts_trades_reads_that_page_alone_newest_first() -> None:
    class Counting(MemoryJournal):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[int] = []

        def read_seqs(self, seqs: list[int]) -> list[Record]:
            self.asked.extend(seqs)
            wanted = set(seqs)
            return [r for r in self.read(0) if r.seq in wanted]

    m = Market(Counting())
    m.command(_posted("L1", "S", 100))
    for i in range(1, 21):
        m.command(_trade(f"T{i}", "B", "S", "L1", 1))
    m.command(dataclasses.replace(_trade("X1", "B", "S", "L1", 1), instrument="CCER"))
    m.journal.asked.clear()  # type: ignore[attr-defined]
    total, page = asyncio.run(TradeLog(m.log).page("B", "CEA21", 5, 3))
    assert (total, [t.trade_id for t in page]) == (20, ["T15", "T14", "T13"])
    assert len(m.journal.asked) == 3  # type: ignore[attr-defined]
    total, page = asyncio.run(TradeLog(m.log).page("S", None, 0, 2))
    assert (total, [t.trade_id for t in page]) == (21, ["X1", "T20"])
    assert asyncio.run(TradeLog(m.log).page("S", None, 30, 5)) == (21, [])


def test_a_page_of_the_order_history_is_the_same_page_of_the_whole_history() -> None:
    rng = random.Random(7)
    for start in (0, 40):  # every record live; or the older ones from before the start
        before = Market()
        m = before
        resting: dict[str, str] = {}
        n = 0
        for step in range(160):
            if step == start and start:
                m = Market(before.journal, start_seq=before.seq)
                m.book |= before.book
                m.log._indexer.owner.update(resting)
            op = rng.random()
            if op < 0.5 or not resting:
                n += 1
                lid, acct = f"L{n}", rng.choice("ABC")
                m.command(_posted(lid, acct, rng.randint(1, 5)))
                resting[lid] = acct
            elif op < 0.8:
                lid = rng.choice(sorted(resting))
                buyer = rng.choice([a for a in "ABC" if a != resting[lid]])
                m.command(_trade(f"T{step}", buyer, resting[lid], lid, 1))
                if rng.random() < 0.3:
                    m.book.discard(lid)
                    del resting[lid]
            else:
                lid = rng.choice(sorted(resting))
                del resting[lid]
                m.command(ListingCancelled(lid, 1, 0, rng.choice(["cancelled", "expired"])))
        log = ListingLog(m.log)
        for acct in "ABC":
            whole = asyncio.run(log.of(acct))[::-1]
            for offset, limit in [(0, 1), (0, 5), (3, 7), (10, 100), (len(whole) - 1, 3), (500, 5)]:
                total, page = asyncio.run(log.page(acct, offset, limit))
                assert total == len(whole)
                assert page == whole[offset : offset + limit], (start, acct, offset, limit)
