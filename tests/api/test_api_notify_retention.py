"""How much of the notifications the server keeps in memory: each recipient's newest notes,
as many as ``GET /notifications`` lists at most; older ones are forgotten (the journal keeps
their events), so a long session's memory does not grow with its fills."""

from __future__ import annotations

import asyncio

from openets.api.auth import Principal, Role
from openets.api.notify import NotificationCenter
from openets.engine import codec
from openets.engine.journal import MemoryJournal, Record
from openets.trading.book import Side
from openets.trading.events import TradeExecuted


def _trade(n: int, buyer: str, seller: str) -> TradeExecuted:
    return TradeExecuted(
        f"T{n}", "CEA21", "listing", 4800, 1, buyer, seller, f"L{n}", Side.SELL, 0, 0, 0,
        "2021-07-16T10:00:00+08:00",
    )


def _record(seq: int, ev: TradeExecuted) -> Record:
    payload = codec.encode(ev)
    return Record(seq, seq, 1_626_400_800_000_000 + seq, "trader", "TradeExecuted", payload,
                  b"", "", "")


def _participant(account: str) -> Principal:
    return Principal(f"user-{account}", Role.PARTICIPANT, account)


def test_notifications_beyond_the_newest_kept_per_recipient_are_forgotten() -> None:
    center = NotificationCenter(MemoryJournal(), 0, keep=5)
    for seq in range(1, 13):  # A buys twelve times from B; C buys once, first
        ev = _trade(seq, "A" if seq > 1 else "C", "B")
        center([_record(seq, ev)], [ev])
    a = asyncio.run(center.of(_participant("A")))
    c = asyncio.run(center.of(_participant("C")))
    assert [n.params["trade_id"] for n in a] == ["T12", "T11", "T10", "T9", "T8"]
    assert [n.params["trade_id"] for n in c] == ["T1"]  # a busy account does not push it out
    assert sum(len(kept) for kept in center.live.values()) == 5 + 5 + 1


def test_notifications_from_before_the_start_are_kept_to_the_same_bound() -> None:
    journal = MemoryJournal()
    for seq in range(1, 9):
        journal.append([_record(seq, _trade(seq, "A", "B"))])
    journal.commit()
    center = NotificationCenter(journal, 8, keep=3)
    ev = _trade(9, "A", "B")
    center([_record(9, ev)], [ev])
    a = asyncio.run(center.of(_participant("A")))
    assert [n.params["trade_id"] for n in a] == ["T9", "T8", "T7"]


def test_read_marks_of_forgotten_notifications_are_dropped() -> None:
    center = NotificationCenter(MemoryJournal(), 0, keep=2)
    p = _participant("A")
    for seq in range(1, 8):
        ev = _trade(seq, "A", "B")
        center([_record(seq, ev)], [ev])
        center.mark_read(p, [n.note_id for n in asyncio.run(center.of(p))])
    assert len(center.read[p.username]) <= 2 * 2
    assert all(center.is_read(p, n.note_id) for n in asyncio.run(center.of(p)))

