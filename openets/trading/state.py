"""The trading context's state: instruments, books, listings, the day's trades and prices."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openets.domain.products import is_cea
from openets.trading.book import OrderBook, Side, book_errors
from openets.trading.events import (
    CompositeClosed,
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
_METHODS = {m.value: m for m in TradingMethod}
"""A trade's method by its text (a look-up, where calling the enum costs a few times more)."""


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
    composite_bars: list[CompositeClosed] = field(default_factory=list)
    """The composite's (COMCEA) daily bars, oldest first; its previous close is the last."""
    # Per (account, instrument) indexes kept by the appliers, so that a pre-trade position
    # check costs a few look-ups instead of a scan of the day's trades and listings.
    open_buys: dict[tuple[str, str], int] = field(default_factory=dict)
    bought: dict[tuple[str, str], int] = field(default_factory=dict)
    sold: dict[tuple[str, str], int] = field(default_factory=dict)
    ledger: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """The dated trade ledger of allowances: (account, trade day) → (tonnes of CEA sold,
    tonnes bought) in the trades of that day, dated when the trade is made (not when it is
    settled or rolled); kept for good, as the carry-over counts net sales by year."""

    def _bump(self, index: dict[tuple[str, str], int], key: tuple[str, str], qty: int) -> None:
        v = index.get(key, 0) + qty
        if v:
            index[key] = v
        else:
            index.pop(key, None)

    def settle(self, trade_id: str) -> None:
        """A trade left the day's unsettled trades (its delivery is done)."""
        x = self.unsettled.pop(trade_id)
        self._bump(self.bought, (x.buyer, x.instrument), -x.quantity)
        self._bump(self.sold, (x.seller, x.instrument), -x.quantity)

    def settle_many(self, trade_ids: Iterable[str]) -> None:
        """Trades left the day's unsettled trades: :meth:`settle` of each, the positions'
        indexes moved once per account and instrument by the trades' net."""
        bought: defaultdict[tuple[str, str], int] = defaultdict(int)
        sold: defaultdict[tuple[str, str], int] = defaultdict(int)
        for x in map(self.unsettled.pop, trade_ids):
            bought[x.buyer, x.instrument] += x.quantity
            sold[x.seller, x.instrument] += x.quantity
        for index, net in ((self.bought, bought), (self.sold, sold)):
            get, pop = index.get, index.pop
            for key, qty in net.items():
                v = get(key, 0) - qty
                if v:
                    index[key] = v
                else:
                    pop(key, None)

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
        if ev.side is Side.BUY:
            self._bump(self.open_buys, (ev.account_id, ev.instrument), ev.quantity)

    def apply_cancelled(self, ev: ListingCancelled) -> None:
        lst = self.listings.pop(ev.listing_id)
        book = self.books[lst.instrument]
        if ev.listing_id in book:
            left = book.cancel(ev.listing_id) or 0
            if lst.side is Side.BUY:
                self._bump(self.open_buys, (lst.account_id, lst.instrument), -left)

    def apply_trade(self, ev: TradeExecuted) -> None:
        if ev.maker_id:
            lst = self.listings[ev.maker_id]
            self.books[ev.instrument].take(ev.maker_id, ev.quantity)
            if lst.side is Side.BUY:
                self._bump(self.open_buys, (lst.account_id, lst.instrument), -ev.quantity)
                lst.lock_left -= ev.buyer_lock_used
                lst.lock_recv -= min(lst.lock_recv, ev.buyer_lock_used)
        self.unsettled[ev.trade_id] = ev
        inst = self.instruments.get(ev.instrument)
        if inst is not None and is_cea(inst.product):
            self._book_trade(ev.seller, ev.quantity, 0)
            self._book_trade(ev.buyer, 0, ev.quantity)
        self._bump(self.bought, (ev.buyer, ev.instrument), ev.quantity)
        self._bump(self.sold, (ev.seller, ev.instrument), ev.quantity)
        self.tape.append(ev)
        self.trade_count += 1
        st = self.stats.get(ev.instrument)
        if st is None:
            st = self.stats[ev.instrument] = DayStats()
        st.record(_METHODS.get(ev.method) or TradingMethod(ev.method), ev.price, ev.quantity,
                  self.trade_count)

    def _book_trade(self, account: str, sold: int, bought: int) -> None:
        key = (account, self.day)
        s, b = self.ledger.get(key, (0, 0))
        self.ledger[key] = (s + sold, b + bought)

    def traded(self, first: int, last: int) -> dict[str, tuple[int, int]]:
        """Account → (sold, bought) tonnes of CEA in trades made in the years first..last."""
        out: dict[str, tuple[int, int]] = {}
        for (acct, day), (s, b) in self.ledger.items():
            if day and first <= int(day[:4]) <= last:
                s0, b0 = out.get(acct, (0, 0))
                out[acct] = (s0 + s, b0 + b)
        return out

    def apply_day_closed(self, ev: DayClosed) -> None:
        self.phase = "closed"
        self.instruments[ev.instrument].prev_close = ev.close
        self.bars.setdefault(ev.instrument, []).append(ev)

    def apply_composite_closed(self, ev: CompositeClosed) -> None:
        self.composite_bars.append(ev)

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
        return out + self._index_errors()

    def _index_errors(self) -> list[str]:
        """The position indexes agree with a recount of the day's trades and the books."""
        buys: dict[tuple[str, str], int] = {}
        bought: dict[tuple[str, str], int] = {}
        sold: dict[tuple[str, str], int] = {}
        for code, book in self.books.items():
            for o in book:
                if o.side is Side.BUY:
                    buys[(o.account, code)] = buys.get((o.account, code), 0) + o.remaining
        for x in self.unsettled.values():
            bought[(x.buyer, x.instrument)] = bought.get((x.buyer, x.instrument), 0) + x.quantity
            sold[(x.seller, x.instrument)] = sold.get((x.seller, x.instrument), 0) + x.quantity
        out = []
        for name, kept, recount in (
            ("open buys", self.open_buys, buys),
            ("bought", self.bought, bought),
            ("sold", self.sold, sold),
        ):
            if kept != recount:
                out.append(f"the {name} index disagrees with a recount")
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
            "ledger": sorted([a, d, s, b] for (a, d), (s, b) in self.ledger.items()),
        }


APPLIERS: dict[type, Any] = {
    InstrumentListed: TradingState.apply_listed,
    InstrumentStatusChanged: TradingState.apply_status,
    DayOpened: TradingState.apply_day_opened,
    ListingPosted: TradingState.apply_posted,
    ListingCancelled: TradingState.apply_cancelled,
    TradeExecuted: TradingState.apply_trade,
    DayClosed: TradingState.apply_day_closed,
    CompositeClosed: TradingState.apply_composite_closed,
    DayFinished: TradingState.apply_day_finished,
}
