"""Live feeds: an engine subscriber that fans market data and private updates out to WebSocket
clients through bounded asyncio queues.

The engine calls :meth:`Feeds.__call__` after each accepted command, inside the sequencer's
batch (in the event loop). It only notes what changed (cheaply, and not at all while nobody
listens) and schedules one :meth:`Feeds.flush` for after the batch, which has committed by then:
each instrument's depth at most once per batch (and only when it changed), each trade, the
running bar, a closed day's bar; and, to the market watch's connections (``WATCH``), the
ticker row of each instrument whose figures moved. Public messages never carry an account.
Private messages go to the account's own connections: its listings and orders as they rest,
fill and end, its fills.

A client that cannot keep up (its queue is full) is disconnected rather than slowing the writer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import orjson

from openets.api.routers._trading_views import (
    closed_bar,
    depth_out,
    listing_out,
    running_bar,
    tape_out,
    ticker_row,
    trade_out,
    trading_of,
)
from openets.api.schemas.common import yuan
from openets.api.schemas.trading import LevelOut
from openets.market import MarketState
from openets.trading.events import (
    DayClosed,
    DayFinished,
    DayOpened,
    InstrumentStatusChanged,
    ListingCancelled,
    ListingPosted,
    TradeExecuted,
)

QUEUE_SIZE = 2000
CLOSE = b""
WATCH = "*"
"""The key of the market watch's subscriptions: every instrument's ticker row."""
"""Put on a queue to tell its sender to close the connection (the client is too slow)."""


class Subscription:
    """One WebSocket client's queue of encoded messages."""

    __slots__ = ("key", "queue")

    def __init__(self, key: str) -> None:
        self.key = key
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE_SIZE)

    def put(self, msg: bytes) -> None:
        try:
            self.queue.put_nowait(msg)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(CLOSE)


def encode(kind: str, data: Any) -> bytes:
    return orjson.dumps({"type": kind, "data": data})


class Feeds:
    def __init__(self, state: Callable[[], MarketState], now: Callable[[], str]) -> None:
        self._state = state
        self._now = now
        self.market: dict[str, set[Subscription]] = {}
        self.private: dict[str, set[Subscription]] = {}
        self._owners: dict[str, str] = {}
        """Listing id -> account, for the listings of accounts with a private connection."""
        self._dirty: set[str] = set()
        self._all_dirty = False
        self._trades: list[TradeExecuted] = []
        self._closed: list[DayClosed] = []
        self._status: list[InstrumentStatusChanged] = []
        self._out: list[tuple[str, bytes]] = []
        self._last_depth: dict[str, tuple[list[LevelOut], list[LevelOut]]] = {}
        self._last_ticker: dict[str, bytes] = {}
        self._moved: set[str] = set()
        self._all_moved = False
        """Instruments whose ticker row may have changed in this batch."""
        self._scheduled = False

    # --- subscriptions ------------------------------------------------------------------------
    def subscribe_market(self, instrument: str) -> Subscription:
        sub = Subscription(instrument)
        self.market.setdefault(instrument, set()).add(sub)
        return sub

    def subscribe_watch(self) -> Subscription:
        sub = Subscription(WATCH)
        self.market.setdefault(WATCH, set()).add(sub)
        return sub

    def subscribe_private(self, account_id: str) -> Subscription:
        sub = Subscription(account_id)
        if account_id not in self.private:
            t = trading_of(self._state())
            for lst in t.listings.values():
                if lst.account_id == account_id:
                    self._owners[lst.listing_id] = account_id
        self.private.setdefault(account_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        for table in (self.market, self.private):
            subs = table.get(sub.key)
            if subs is not None and sub in subs:
                subs.discard(sub)
                if not subs:
                    del table[sub.key]
                    if table is self.market:
                        self._last_depth.pop(sub.key, None)
                        if sub.key == WATCH:
                            self._last_ticker.clear()
                    else:
                        self._owners = {k: v for k, v in self._owners.items() if v != sub.key}

    # --- snapshots ----------------------------------------------------------------------------
    def market_snapshot(self, instrument: str, trades: int = 50) -> bytes:
        st = self._state()
        t = trading_of(st)
        tape = [tape_out(e).model_dump() for e in reversed(t.tape) if e.instrument == instrument]
        bars = [closed_bar(e).model_dump() for e in t.bars.get(instrument, [])[-30:]]
        live = running_bar(st, instrument)
        if live is not None:
            bars.append(live.model_dump())
        depth = depth_out(st, instrument, self._now())
        self._last_depth[instrument] = (depth.bids, depth.asks)
        data = {"instrument": instrument, "depth": depth.model_dump(), "trades": tape[:trades]}
        return encode("snapshot", {**data, "bars": bars})

    def watch_snapshot(self) -> bytes:
        """Every instrument's ticker row (the market watch's first message)."""
        st = self._state()
        rows = []
        for code, inst in sorted(trading_of(st).instruments.items()):
            row = ticker_row(st, inst).model_dump()
            self._last_ticker[code] = orjson.dumps(row)
            rows.append(row)
        return encode("snapshot", {"time": self._now(), "ticker": rows})

    def private_snapshot(self, account_id: str) -> bytes:
        t = trading_of(self._state())
        mine = [
            listing_out(t, x).model_dump()
            for x in t.listings.values()
            if x.account_id == account_id
        ]
        return encode("snapshot", {"account_id": account_id, "listings": mine})

    # --- the engine's subscriber --------------------------------------------------------------
    def __call__(self, records: Sequence[object], events: Sequence[object]) -> None:
        if not self.market and not self.private:
            return
        for ev in events:
            on = self._ON.get(type(ev))
            if on is not None:
                on(self, ev)
        if not self._scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # a command submitted outside the server's loop
                return
            self._scheduled = True
            loop.call_soon(self.flush)

    def _on_posted(self, ev: ListingPosted) -> None:
        self._dirty.add(ev.instrument)
        self._moved.add(ev.instrument)
        if ev.account_id in self.private:
            self._owners[ev.listing_id] = ev.account_id
            self._private_listing(ev.account_id, ev.listing_id, "open")

    def _on_cancelled(self, ev: ListingCancelled) -> None:
        self._all_dirty = True  # the event does not name the instrument
        acct = self._owners.pop(ev.listing_id, None)
        if acct is not None and acct in self.private:
            self._out.append((acct, encode("listing", _ended(ev))))

    def _on_trade(self, ev: TradeExecuted) -> None:
        self._dirty.add(ev.instrument)
        self._moved.add(ev.instrument)
        self._trades.append(ev)
        for acct in {ev.buyer, ev.seller}:
            if acct in self.private:
                self._private_fill(acct, ev)

    def _on_closed(self, ev: DayClosed) -> None:
        self._closed.append(ev)
        self._moved.add(ev.instrument)

    def _on_status(self, ev: InstrumentStatusChanged) -> None:
        self._status.append(ev)
        self._moved.add(ev.code)

    def _on_day(self, ev: DayOpened | DayFinished) -> None:
        self._all_moved = True

    _ON: ClassVar[dict[type, Callable[[Feeds, Any], None]]] = {
        ListingPosted: _on_posted,
        ListingCancelled: _on_cancelled,
        TradeExecuted: _on_trade,
        DayClosed: _on_closed,
        InstrumentStatusChanged: _on_status,
        DayOpened: _on_day,
        DayFinished: _on_day,
    }

    def _private_listing(self, acct: str, listing_id: str, status: str) -> None:
        t = trading_of(self._state())
        lst = t.listings.get(listing_id)
        if lst is not None:
            data = listing_out(t, lst).model_dump()
            data["status"] = status
            self._out.append((acct, encode("listing", data)))

    def _private_fill(self, acct: str, ev: TradeExecuted) -> None:
        t = trading_of(self._state())
        self._out.append((acct, encode("fill", trade_out(t, ev, acct).model_dump())))
        if ev.maker_id and self._owners.get(ev.maker_id) == acct and ev.maker_id in t.listings:
            self._private_listing(acct, ev.maker_id, "open")  # its remainder after the fill

    # --- after the batch ----------------------------------------------------------------------
    def flush(self) -> None:
        self._scheduled = False
        st = self._state()
        self._flush_ticker(st)
        self._flush_depth(st)
        self._flush_trades(st)
        for acct, msg in self._out:
            for sub in tuple(self.private.get(acct, ())):
                sub.put(msg)
        self._out = []

    def _flush_ticker(self, st: MarketState) -> None:
        """The ticker row of each instrument whose figures moved, to the market watch (a
        cancellation does not name its instrument: then every row is checked)."""
        moved, every = self._moved, self._all_moved or self._all_dirty
        self._moved = set()
        self._all_moved = False
        watchers = self.market.get(WATCH)
        if not watchers:
            return
        instruments = trading_of(st).instruments
        for code in sorted(instruments if every else moved & instruments.keys()):
            row = ticker_row(st, instruments[code]).model_dump()
            key = orjson.dumps(row)
            if self._last_ticker.get(code) != key:
                self._last_ticker[code] = key
                self._broadcast(WATCH, encode("ticker", row))

    def _flush_depth(self, st: MarketState) -> None:
        market = self.market
        dirty = set(market) if self._all_dirty else self._dirty & market.keys()
        self._dirty = set()
        self._all_dirty = False
        now = self._now()
        books = trading_of(st).books
        for code in sorted(dirty):
            if code not in books:
                continue
            depth = depth_out(st, code, now)
            key = (depth.bids, depth.asks)
            if self._last_depth.get(code) != key:  # the time aside
                self._last_depth[code] = key
                self._broadcast(code, encode("depth", depth.model_dump()))

    def _flush_trades(self, st: MarketState) -> None:
        market = self.market
        barred: set[str] = set()
        for ev in self._trades:
            if ev.instrument in market:
                self._broadcast(ev.instrument, encode("trade", tape_out(ev).model_dump()))
                barred.add(ev.instrument)
        self._trades = []
        for code in sorted(barred):
            bar = running_bar(st, code)
            if bar is not None:
                self._broadcast(code, encode("bar", bar.model_dump()))
        for closed in self._closed:
            if closed.instrument in market:
                self._broadcast(closed.instrument, encode("bar", closed_bar(closed).model_dump()))
        self._closed = []
        for sc in self._status:
            if sc.code in market:
                data = {"instrument": sc.code, "suspended": sc.suspended, "reason": sc.reason}
                self._broadcast(sc.code, encode("status", data))
        self._status = []

    def _broadcast(self, instrument: str, msg: bytes) -> None:
        for sub in tuple(self.market.get(instrument, ())):
            sub.put(msg)


def _ended(ev: ListingCancelled) -> dict[str, Any]:
    """A listing off the book: ``cancelled``, ``expired`` or ``filled``."""
    return {
        "listing_id": ev.listing_id,
        "status": ev.reason,
        "remaining": ev.remaining,
        "released": yuan(ev.released_fen),
    }
