"""Bodies of one-way bidding (单向竞价): announcements, sealed bids, results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from openets.api.schemas.common import (
    AccountRef,
    InModel,
    IsoTime,
    OutModel,
    Price,
    Quantity,
)
from openets.api.schemas.trading import InstrumentCode, NonEmptyReason


class AuctionIn(InModel):
    """An auction for ``initiator`` (a participant, or a government account selling in paid
    allocation). Times are ISO 8601 with an offset; without ``opens_at`` bidding opens now."""

    initiator: AccountRef
    side: Literal["sell", "buy"]
    """The initiator's side: ``sell`` to many buyers (bids ranked highest first)."""
    instrument: InstrumentCode
    quantity: Quantity
    reserve_price: Price | None = None
    closes_at: IsoTime | None = None
    """Required unless a preset gives the window."""
    opens_at: IsoTime | None = None
    lot_size: Quantity = 1
    per_bidder_cap: Quantity | None = None
    pricing: Literal["uniform", "pay_as_bid"] = "uniform"
    tie_break: Literal["time", "random"] = "time"
    min_cover_bps: Annotated[int, Field(strict=True, ge=0, le=1_000_000)] = 10_000
    reserve_rule: Literal["reject_bids", "cancel_auction"] = "reject_bids"
    preset: Literal["", "shanghai-2024"] = ""
    """A pilot's paid auction (``shanghai-2024``: floor 1.2 × the six-month listing average,
    price then time priority, covered entities only, 09:30-11:30 when ``closes_at`` is
    empty); the engine sets the reserve price."""


class BidIn(InModel):
    account_id: AccountRef
    price: Price
    quantity: Quantity


class AuctionCancelIn(InModel):
    reason: NonEmptyReason


class BidOut(OutModel):
    """A bid as its bidder sees it (sealed from everyone else until the close)."""

    bid_id: str
    auction_id: str
    price: str
    quantity: int
    locked_funds: str
    locked_tonnes: int
    allocated: int | None
    """None until the auction clears."""
    trade_price: str | None
    trade_id: str | None


class BidWithdrawnOut(OutModel):
    auction_id: str
    bid_id: str
    status: Literal["withdrawn"]


class AuctionSummaryOut(OutModel):
    """The published result: figures only, no identities."""

    outcome: str
    cancel_reason: str | None
    supply: int
    bid_volume: int
    eligible_volume: int
    volume: int
    clearing_price: str | None
    average_price: str | None
    turnover: str
    cover_ratio_bps: int
    bids: int
    bidders: int
    winners: int


class AuctionOut(OutModel):
    auction_id: str
    instrument: str
    side: str
    quantity: int
    lot_size: int
    reserve_price: str | None
    """Hidden from bidders when secret (a reserve that cancels the auction)."""
    opens_at: str
    closes_at: str
    per_bidder_cap: int | None
    pricing: str
    tie_break: str
    min_cover_bps: int
    reserve_rule: str
    paid_allocation: bool
    fixed_price: bool
    covered_only: bool
    """Only covered entities may bid (a pilot paid-auction preset)."""
    preset: str
    """The pilot paid-auction preset the announcement named ('' none), e.g. shanghai-2024."""
    """A price containment reserve's tier sale: bids at the reserve price only, covered
    entities only, pro rata when oversubscribed."""
    status: str
    """open, cleared or cancelled."""
    cancel_reason: str
    initiator: str | None
    """Shown to the initiator, the exchange and the regulator."""
    bids: list[BidOut]
    """The viewer's own bids; the exchange and the regulator see every bid after the close."""
    summary: AuctionSummaryOut | None


class AuctionsOut(OutModel):
    data: list[AuctionOut]
    count: int
