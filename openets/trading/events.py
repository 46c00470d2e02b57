"""Trading events: instruments, listings and orders, trades, daily prices."""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Event
from openets.trading.book import Side


@dataclass(frozen=True, slots=True)
class InstrumentListed(Event):
    code: str
    product: str
    reference_price: int
    """The previous close of the first trading day (fen)."""


@dataclass(frozen=True, slots=True)
class InstrumentStatusChanged(Event):
    code: str
    suspended: bool
    reason: str


@dataclass(frozen=True, slots=True)
class DayOpened(Event):
    """A trading day began: bands are fixed from each instrument's previous close."""

    day: str


@dataclass(frozen=True, slots=True)
class ListingPosted(Event):
    """A listing (or a continuous-market order) rests on the book with its locks."""

    listing_id: str
    instrument: str
    account_id: str
    side: Side
    price: int
    quantity: int
    lock_fen: int
    """Funds locked for a buy (price × quantity + a fee bound); 0 for a sell."""
    lock_recv_fen: int
    """The part of ``lock_fen`` taken from today's unsettled proceeds (returned there)."""
    continuous: bool


@dataclass(frozen=True, slots=True)
class ListingCancelled(Event):
    listing_id: str
    remaining: int
    released_fen: int
    reason: str  # cancelled | expired | filled-lock-release


@dataclass(frozen=True, slots=True)
class TradeExecuted(Event):
    trade_id: str
    instrument: str
    method: str  # listing | block | auction
    price: int
    quantity: int
    buyer: str
    seller: str
    maker_id: str
    """The listing or order that rested; '' for block and auction trades."""
    maker_side: Side
    buyer_fee: int
    seller_fee: int
    buyer_lock_used: int
    """Funds taken from the buyer's locked bucket (the rest from buying power)."""
    time: str


@dataclass(frozen=True, slots=True)
class DayClosed(Event):
    """Daily prices of one instrument (listing trades only set open, high, low, close)."""

    day: str
    instrument: str
    open: int | None
    high: int | None
    low: int | None
    close: int
    prev_close: int
    volumes: tuple[tuple[str, int, int], ...]
    """(method, tonnes, turnover fen) per trading method."""


@dataclass(frozen=True, slots=True)
class CompositeClosed(Event):
    """The composite price (综合价格, not tradable) of a day, computed from the vintages' bars
    after their ``DayClosed`` (:mod:`openets.trading.vintages`); ``open`` None: no listing
    trade in any of its vintages (open and close are the previous close)."""

    day: str
    instrument: str
    open: int | None
    high: int | None
    low: int | None
    close: int
    prev_close: int
    volumes: tuple[tuple[str, int, int], ...]
    """(method, tonnes, turnover fen) per trading method, over every listed vintage."""
    method: str
    """pooled | weighted (:class:`openets.trading.vintages.CompositeMethod`)."""
    weights: tuple[tuple[str, int], ...]
    """(vintage, parts) that made the price; pooled: every listed vintage with 1."""


@dataclass(frozen=True, slots=True)
class DayFinished(Event):
    """Settlement done: pending deliveries and receivables are usable from the next day."""

    day: str
