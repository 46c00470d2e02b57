"""Trading commands."""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Command
from openets.trading.book import Side


@dataclass(frozen=True, slots=True)
class ListInstrument(Command):
    code: str
    product: str
    reference_price: int


@dataclass(frozen=True, slots=True)
class ListDueVintages(Command):
    """List every vintage whose listing date (the market's vintage schedule) has come and that
    is not listed yet, each as its own instrument."""

    reference_price: int | None = None
    """The previous close of their first day (fen); None: the composite's last close, or the
    market's first-day reference before any close (the reference is silent: [U])."""


@dataclass(frozen=True, slots=True)
class SetInstrumentStatus(Command):
    code: str
    suspended: bool
    reason: str


@dataclass(frozen=True, slots=True)
class PostListing(Command):
    """挂牌: a maker posts a buy or sell listing (China preset)."""

    account_id: str
    instrument: str
    side: Side
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class TakeListing(Command):
    """摘牌: a taker picks one listing within the best levels and trades its own quantity."""

    listing_id: str
    account_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class CancelListing(Command):
    listing_id: str
    account_id: str


@dataclass(frozen=True, slots=True)
class PlaceOrder(Command):
    """A limit order of the continuous-auction preset: matched at once, the rest rests."""

    account_id: str
    instrument: str
    side: Side
    price: int
    quantity: int
