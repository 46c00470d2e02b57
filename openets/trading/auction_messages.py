"""Commands and events of one-way bidding (单向竞价).

Bids are sealed: their events name the bidder and the price, so they stay inside the journal;
what may be published is :class:`AuctionAnnounced` (the rules of the auction),
:class:`AuctionResultPublished` (figures only) and :class:`AuctionCancelled`.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Command, Event
from openets.trading.auction import (
    FULL_COVER_BPS,
    AuctionSide,
    AuctionSpec,
    AuctionSummary,
    Bid,
    PricingRule,
    ReserveRule,
    TieBreak,
)

# -- commands ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnounceAuction(Command):
    """The exchange announces an auction for ``initiator``: a participant, or a government
    account (the registry's auction or a provincial allocation account) selling in paid
    allocation. Times are ISO 8601 with an offset; an empty ``opens_at`` opens at once."""

    initiator: str
    side: AuctionSide
    instrument: str
    quantity: int
    reserve_price: int | None
    closes_at: str
    opens_at: str = ""
    lot_size: int = 1
    per_bidder_cap: int | None = None
    pricing: PricingRule = PricingRule.UNIFORM
    tie_break: TieBreak = TieBreak.TIME
    min_cover_bps: int = FULL_COVER_BPS
    reserve_rule: ReserveRule = ReserveRule.REJECT_BIDS
    preset: str = ""
    """A pilot's paid-auction preset (:mod:`openets.trading.pilot_auction`, e.g.
    ``shanghai-2024``): the engine fixes the floor, the priority, the window (when
    ``closes_at`` is empty) and who may bid; '' none."""


@dataclass(frozen=True, slots=True)
class PlaceBid(Command):
    """A sealed bid (an offer in a buy auction), locked in full with its fee bound."""

    auction_id: str
    account_id: str
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class ModifyBid(Command):
    auction_id: str
    bid_id: str
    account_id: str
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class WithdrawBid(Command):
    auction_id: str
    bid_id: str
    account_id: str


@dataclass(frozen=True, slots=True)
class CloseAuction(Command):
    """Clear the auction after its window: by the operator, or by whoever drives the clock."""

    auction_id: str


@dataclass(frozen=True, slots=True)
class CancelAuction(Command):
    """The operator calls the auction off before it clears; every lock is released."""

    auction_id: str
    reason: str


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuctionLock:
    """What a bid or the initiator holds: fen (with the part from today's receivable), tonnes."""

    fen: int
    recv_fen: int
    tonnes: int


NO_LOCK = AuctionLock(0, 0, 0)


@dataclass(frozen=True, slots=True)
class AuctionAnnounced(Event):
    """``seed`` orders random tie-breaks; fixed here so that replay clears identically."""

    spec: AuctionSpec
    product: str
    seed: int
    lock: AuctionLock


@dataclass(frozen=True, slots=True)
class BidPlaced(Event):
    auction_id: str
    bid: Bid
    lock: AuctionLock


@dataclass(frozen=True, slots=True)
class BidModified(Event):
    auction_id: str
    bid: Bid
    lock: AuctionLock


@dataclass(frozen=True, slots=True)
class BidWithdrawn(Event):
    auction_id: str
    bid_id: str


@dataclass(frozen=True, slots=True)
class BidFill:
    """What one bid got; ``price`` None and ``trade_id`` '' when it got nothing."""

    bid_id: str
    allocated: int
    price: int | None
    trade_id: str


@dataclass(frozen=True, slots=True)
class AuctionAllocated(Event):
    """Private results per bid (rank order), with the trades they made."""

    auction_id: str
    fills: tuple[BidFill, ...]


@dataclass(frozen=True, slots=True)
class AuctionResultPublished(Event):
    """The public result: figures only, no identities. Ends the auction; locks are settled."""

    summary: AuctionSummary


@dataclass(frozen=True, slots=True)
class AuctionCancelled(Event):
    """Called off by the operator before clearing; every lock released."""

    auction_id: str
    reason: str
