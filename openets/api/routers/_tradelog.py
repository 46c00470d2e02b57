"""Each account's trades, for ``GET /trades``: a small read model beside the engine.

Trades made while the server runs come from the engine's subscriber as they are journaled;
those from before the server started are read back from the journal once, in a worker thread,
the first time someone asks (so a large market does not start slower for it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from openets.engine import codec
from openets.engine.journal import Journal, Record
from openets.trading.events import TradeExecuted

_TYPE = "TradeExecuted"


class TradeLog:
    def __init__(self, journal: Journal, start_seq: int) -> None:
        self.journal = journal
        self.start_seq = start_seq
        self.live: dict[str, list[TradeExecuted]] = {}
        self._past: dict[str, list[TradeExecuted]] | None = None
        self._lock: asyncio.Lock | None = None

    def __call__(self, records: Sequence[Record], events: Sequence[object]) -> None:
        """The engine's subscriber: called after each accepted command, in the writer."""
        for ev in events:
            if type(ev) is TradeExecuted:
                _add(self.live, ev)

    async def of(self, account_id: str) -> list[TradeExecuted]:
        """The account's trades, oldest first."""
        if self._past is None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._past is None:
                    self._past = await asyncio.to_thread(self._load)
        return self._past.get(account_id, []) + self.live.get(account_id, [])

    def _load(self) -> dict[str, list[TradeExecuted]]:
        out: dict[str, list[TradeExecuted]] = {}
        for r in self.journal.read(0):
            if r.seq > self.start_seq:
                break
            if r.type == _TYPE:
                ev = codec.decode(r.type, r.payload)
                assert isinstance(ev, TradeExecuted)
                _add(out, ev)
        return out


def _add(index: dict[str, list[TradeExecuted]], ev: TradeExecuted) -> None:
    index.setdefault(ev.buyer, []).append(ev)
    if ev.seller != ev.buyer:
        index.setdefault(ev.seller, []).append(ev)
