"""The trading context's state: instruments, books, listings, the day's trades and prices."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from openets.trading.book import OrderBook, Side, book_errors
from openets.trading.events import (
    DayClosed,
    DayFinished,
    DayOpened,
    InstrumentListed,
    InstrumentStatusChanged,
    ListingCancelled,
    ListingPosted,
    TradeExecuted,
)
from openets.trading.prices import DayStats
from openets.trading.rules import TradingMethod

TAPE_LENGTH = 1000


@dataclass(slots=True)
class Instrument:
    code: str
    product: str
    prev_close: int
    suspended: bool = False


@dataclass(slots=True)
class Listing:
    listing_id: str
    instrument: str
    account_id: str
    side: Side
    price: int
    quantity: int
    lock_left: int
    lock_recv: int
    """The part of ``lock_left`` that came from today's unsettled proceeds."""
    continuous: bool


@dataclass(slots=True)
class TradingState:
    instruments: dict[str, Instrument] = field(default_factory=dict)
    books: dict[str, OrderBook[str]] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)
    day: str = ""
    """The trading day in progress ('' before the first day)."""
    phase: str = "idle"
    """idle (no day open) -> open -> closed (prices fixed, settling) -> idle."""
    stats: dict[str, DayStats] = field(default_factory=dict)
    unsettled: dict[str, TradeExecuted] = field(default_factory=dict)
    tape: deque[TradeExecuted] = field(default_factory=lambda: deque(maxlen=TAPE_LENGTH))
    bars: dict[str, list[DayClosed]] = field(default_factory=dict)
    trade_count: int = 0

    def book(self, code: str) -> OrderBook[str]:
        b = self.books.get(code)
        if b is None:
            b = self.books[code] = OrderBook()
        return b

    # --- apply ---------------------------------------------------------------------------
    def apply_listed(self, ev: InstrumentListed) -> None:
        self.instruments[ev.code] = Instrument(ev.code, ev.product, ev.reference_price)
        self.book(ev.code)

    def apply_status(self, ev: InstrumentStatusChanged) -> None:
        self.instruments[ev.code].suspended = ev.suspended

    def apply_day_opened(self, ev: DayOpened) -> None:
        self.day = ev.day
        self.phase = "open"
        self.stats = {code: DayStats() for code in self.instruments}

    def apply_posted(self, ev: ListingPosted) -> None:
        self.listings[ev.listing_id] = Listing(
            ev.listing_id,
            ev.instrument,
            ev.account_id,
            ev.side,
            ev.price,
            ev.quantity,
            ev.lock_fen,
            ev.lock_recv_fen,
            ev.continuous,
        )
        self.books[ev.instrument].post(ev.listing_id, ev.account_id, ev.side, ev.price, ev.quantity)

    def apply_cancelled(self, ev: ListingCancelled) -> None:
        lst = self.listings.pop(ev.listing_id)
        book = self.books[lst.instrument]
        if ev.listing_id in book:
            book.cancel(ev.listing_id)

    def apply_trade(self, ev: TradeExecuted) -> None:
        if ev.maker_id:
            lst = self.listings[ev.maker_id]
            self.books[ev.instrument].take(ev.maker_id, ev.quantity)
            if lst.side is Side.BUY:
                lst.lock_left -= ev.buyer_lock_used
                lst.lock_recv -= min(lst.lock_recv, ev.buyer_lock_used)
        self.unsettled[ev.trade_id] = ev
        self.tape.append(ev)
        self.trade_count += 1
        st = self.stats.get(ev.instrument)
        if st is None:
            st = self.stats[ev.instrument] = DayStats()
        st.record(TradingMethod(ev.method), ev.price, ev.quantity, self.trade_count)

    def apply_day_closed(self, ev: DayClosed) -> None:
        self.phase = "closed"
        self.instruments[ev.instrument].prev_close = ev.close
        self.bars.setdefault(ev.instrument, []).append(ev)

    def apply_day_finished(self, ev: DayFinished) -> None:
        self.phase = "idle"
        self.stats = {}

    # --- invariants ----------------------------------------------------------------------
    def violations(self) -> list[str]:
        out: list[str] = []
        for code, book in self.books.items():
            out += [f"{code}: {e}" for e in book_errors(book)]
            for order in book:
                lst = self.listings.get(order.order_id)
                if lst is None:
                    out.append(f"{code}: resting {order.order_id} has no listing record")
                elif lst.lock_left < 0:
                    out.append(f"listing {lst.listing_id} has a negative lock {lst.lock_left}")
        for lid, lst in self.listings.items():
            if lid not in self.books[lst.instrument]:
                out.append(f"listing {lid} is recorded but not on the book")
        return out

    def canonical(self) -> dict[str, Any]:
        return {
            "instruments": sorted(
                (i.code, i.prev_close, i.suspended) for i in self.instruments.values()
            ),
            "listings": sorted(
                (
                    x.listing_id,
                    x.instrument,
                    x.account_id,
                    int(x.side),
                    x.price,
                    self.books[x.instrument].get(x.listing_id).remaining  # type: ignore[union-attr]
                    if x.listing_id in self.books[x.instrument]
                    else 0,
                    x.lock_left,
                )
                for x in self.listings.values()
            ),
            "day": self.day,
            "phase": self.phase,
            "unsettled": sorted(self.unsettled),
            "trades": self.trade_count,
        }


APPLIERS: dict[type, Any] = {
    InstrumentListed: TradingState.apply_listed,
    InstrumentStatusChanged: TradingState.apply_status,
    DayOpened: TradingState.apply_day_opened,
    ListingPosted: TradingState.apply_posted,
    ListingCancelled: TradingState.apply_cancelled,
    TradeExecuted: TradingState.apply_trade,
    DayClosed: TradingState.apply_day_closed,
    DayFinished: TradingState.apply_day_finished,
}
