"""Each account's order history (委托), for ``GET /listings?status=all``: every listing and
continuous order with what became of it — open, filled, cancelled or expired — and when.

A read model beside the engine like the trade log: listings posted while the server runs come
from the engine's subscriber; older ones are read back from the journal once, in a worker
thread, the first time someone asks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from openets.domain.clock import from_utc_micros
from openets.engine import codec
from openets.engine.journal import Journal, Record
from openets.trading.book import Side
from openets.trading.events import ListingCancelled, ListingPosted, TradeExecuted

_TYPES = frozenset({"ListingPosted", "ListingCancelled", "TradeExecuted"})


@dataclass
class Entry:
    listing_id: str
    account_id: str
    instrument: str
    side: str
    price: int
    quantity: int
    continuous: bool
    posted_us: int
    filled: int = 0
    status: str = "open"
    ended_us: int | None = None


class History:
    """Listings by id and by account, in posting order."""

    def __init__(self) -> None:
        self.by_id: dict[str, Entry] = {}
        self.by_account: dict[str, list[Entry]] = {}

    def apply(self, ts: int, ev: object) -> None:
        """Apply one event journaled at ``ts`` (UTC microseconds)."""
        if type(ev) is ListingPosted:
            e = Entry(
                ev.listing_id,
                ev.account_id,
                ev.instrument,
                "buy" if ev.side == Side.BUY else "sell",
                ev.price,
                ev.quantity,
                ev.continuous,
                ts,
            )
            self.by_id[e.listing_id] = e
            self.by_account.setdefault(e.account_id, []).append(e)
        elif type(ev) is TradeExecuted:
            e2 = self.by_id.get(ev.maker_id) if ev.maker_id else None
            if e2 is not None:
                e2.filled += ev.quantity
                if e2.filled >= e2.quantity:
                    e2.status, e2.ended_us = "filled", ts
        elif type(ev) is ListingCancelled:
            e3 = self.by_id.get(ev.listing_id)
            if e3 is not None and e3.status == "open":
                e3.status = "expired" if ev.reason == "expired" else "cancelled"
                if ev.reason.startswith("filled"):
                    e3.status = "filled"
                e3.ended_us = ts


class ListingLog:
    def __init__(self, journal: Journal, start_seq: int) -> None:
        self.journal = journal
        self.start_seq = start_seq
        self.history = History()
        self._loaded = False
        # Events of the running server until the past is read: their time and the event only
        # (the record's payload and hashes would double what they weigh).
        self._pending: list[tuple[int, object]] = []
        self._lock: asyncio.Lock | None = None

    def __call__(self, records: Sequence[Record], events: Sequence[object]) -> None:
        """The engine's subscriber (in the writer): kept aside until the past is read."""
        for r, ev in zip(records, events, strict=True):
            if r.type in _TYPES:
                if self._loaded:
                    self.history.apply(r.ts, ev)
                else:
                    self._pending.append((r.ts, ev))

    async def of(self, account_id: str | None) -> list[Entry]:
        """The account's listings (every account's with None), oldest first."""
        if not self._loaded:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if not self._loaded:
                    past = await asyncio.to_thread(self._load)
                    for ts, ev in self._pending:
                        past.apply(ts, ev)
                    self.history, self._pending, self._loaded = past, [], True
        if account_id is None:
            return sorted(self.history.by_id.values(), key=lambda e: e.posted_us)
        return list(self.history.by_account.get(account_id, []))

    def _load(self) -> History:
        h = History()
        for r in self.journal.read(0):
            if r.seq > self.start_seq:
                break
            if r.type in _TYPES:
                h.apply(r.ts, codec.decode(r.type, r.payload))
        return h


def iso(us: int | None) -> str | None:
    return None if us is None else from_utc_micros(us).isoformat()
