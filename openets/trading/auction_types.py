"""The one-way auction's values: the announcement, bids, locks, the result and the market's rules.

Kept apart from the algorithm (:mod:`openets.trading.auction` clears,
:mod:`openets.trading.auction_bids` checks bids and says what to lock) because the messages, the
book, the presets and the routes need the values without the clearing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FULL_COVER_BPS = 10_000
"""A cover of 100%: the eligible bid volume equals the supply."""


class AuctionSide(StrEnum):
    """Which way the initiator trades."""

    SELL = "sell"  # the initiator sells to many buyers; bids are ranked by price, highest first
    BUY = "buy"  # the initiator buys from many sellers; offers are ranked by price, lowest first


class PricingRule(StrEnum):
    UNIFORM = "uniform"  # every winner trades at the clearing (marginal) price
    PAY_AS_BID = "pay_as_bid"  # every winner trades at its own price


class TieBreak(StrEnum):
    TIME = "time"  # earlier bid first (KRX)
    RANDOM = "random"  # a seeded random order (EEX, Auctioning Regulation Art. 7)


class ReserveRule(StrEnum):
    """What the reserve price does (a minimum in a SELL auction, a maximum in a BUY auction)."""

    REJECT_BIDS = "reject_bids"  # public reserve: bids beyond it are refused (WCI, RGGI)
    CANCEL_AUCTION = "cancel_auction"  # a clearing price beyond it cancels the auction (EEX)


@dataclass(frozen=True, slots=True)
class AuctionRules:
    """What a market lets an announcement choose (its preset's ``auction``).

    The announcement (竞价公告) fixes each auction's own terms; the market limits the price
    determination and the tie-break it may pick from.
    """

    pricing: tuple[PricingRule, ...]
    """The pricing rules an announcement may choose."""
    tie_breaks: tuple[TieBreak, ...]
    """The tie-breaks an announcement may choose."""

    def __post_init__(self) -> None:
        if not self.pricing or not self.tie_breaks:
            raise ValueError("a market's auction rules allow at least one pricing and tie-break")


CN_AUCTION_RULES = AuctionRules(
    pricing=(PricingRule.UNIFORM, PricingRule.PAY_AS_BID),  # [U] the method is not published
    tie_breaks=(TieBreak.TIME, TieBreak.RANDOM),  # [U] not published
)
"""China's one-way bidding: the price determination is not published (cn-ets-rules §3.3 [U]),
so an announcement may choose either, as the reference recommends."""


class LockAsset(StrEnum):
    FUNDS = "funds"  # fen
    ALLOWANCES = "allowances"  # tonnes of the instrument


class AuctionOutcome(StrEnum):
    CLEARED = "cleared"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    COVER_SHORT = "cover_short"
    RESERVE_NOT_MET = "reserve_not_met"


@dataclass(frozen=True, slots=True)
class Lock:
    """An amount to hold: fen of funds or tonnes of allowances."""

    asset: LockAsset
    amount: int


@dataclass(frozen=True, slots=True)
class LockChange:
    """Lock more (``amount > 0``) or release (``amount < 0``) for ``party``."""

    party: str
    asset: LockAsset
    amount: int


@dataclass(frozen=True, slots=True)
class AuctionSpec:
    """The auction announcement (竞价公告). ``quantity`` is the volume on offer (or wanted)."""

    auction_id: str
    initiator: str
    side: AuctionSide
    instrument: str
    quantity: int
    reserve_price: int | None
    opens_at_us: int
    closes_at_us: int
    lot_size: int = 1
    per_bidder_cap: int | None = None
    pricing: PricingRule = PricingRule.UNIFORM
    tie_break: TieBreak = TieBreak.TIME
    min_cover_bps: int = FULL_COVER_BPS
    reserve_rule: ReserveRule = ReserveRule.REJECT_BIDS
    tick: int = 1
    paid_allocation: bool = False
    fixed_price: bool = False
    """A fixed-price sale (:mod:`openets.trading.auction_fixed`): bids at ``reserve_price``
    only, every winner pays it, pro rata when the bids ask for more than ``quantity``."""
    covered_only: bool = False
    """Only covered entities (accounts of subject type entity) may bid (a pilot preset's)."""
    preset: str = ""
    """The pilot paid-auction preset the announcement named, if any."""


@dataclass(frozen=True, slots=True)
class Bid:
    """A sealed bid (or offer, in a BUY auction). ``seq`` orders bids in time."""

    bid_id: str
    bidder: str
    price: int
    quantity: int
    seq: int


@dataclass(frozen=True, slots=True)
class BidAllocation:
    """What one bid got at the close; private to its bidder, settlement and the operator."""

    bid_id: str
    bidder: str
    rank: int
    bid_price: int
    bid_quantity: int
    eligible: int  # after the reserve and the per-bidder cap
    allocated: int
    price: int | None  # per tonne paid (SELL auction) or received (BUY auction); None if 0 t
    locked: Lock
    consumed: int  # of the locked amount, what settlement takes
    released: int  # of the locked amount, what goes back to the bidder

    @property
    def amount(self) -> int:
        """Fen that change hands for this bid."""
        return 0 if self.price is None else self.price * self.allocated


@dataclass(frozen=True, slots=True)
class InitiatorSettlement:
    account: str
    locked: Lock
    consumed: int
    released: int
    volume: int
    turnover: int


@dataclass(frozen=True, slots=True)
class AuctionSummary:
    """The published result: figures only, no identities."""

    auction_id: str
    instrument: str
    side: AuctionSide
    pricing: PricingRule
    outcome: AuctionOutcome
    cancel_reason: CancelReason | None
    supply: int
    bid_volume: int  # all bids submitted
    eligible_volume: int  # after the reserve and the per-bidder cap
    volume: int  # allocated
    clearing_price: int | None  # the marginal accepted price
    average_price: int | None  # turnover / volume, half-up to the fen
    turnover: int
    cover_ratio_bps: int  # eligible volume / supply
    bids: int
    bidders: int
    winners: int


@dataclass(frozen=True, slots=True)
class AuctionResult:
    summary: AuctionSummary
    allocations: tuple[BidAllocation, ...]  # in rank order
    initiator: InitiatorSettlement
