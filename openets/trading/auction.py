"""One-way bidding (单向竞价): the auction announcement, sealed bids and the clearing at the close.

The exchange announces an auction for an initiator (a participant, or a government account for
paid allocation). In a SELL auction the initiator sells and bidders buy (they lock funds); in a
BUY auction the initiator buys and bidders offer allowances (they lock allowances). Everything
here is pure and deterministic: the engine owns the state, the locks and settlement, and asks
these functions what to lock, release and settle:

* announce: ``check_spec`` then lock ``initiator_lock(spec)`` on the initiator;
* place a bid: ``place_bid`` returns the lock to take from the bidder;
* modify a bid: ``modify_bid`` returns the new bid and the lock difference (more or less);
* withdraw a bid: ``withdraw_bid`` returns the lock to release;
* close: ``close_auction`` / ``clear_auction`` returns, per bid and for the initiator, the
  amount settlement consumes and the amount to release (``consumed + released == locked``).

Prices are integer fen per tonne, quantities integer tonnes, times integer microseconds since
the epoch (``openets.domain.clock.to_utc_micros``). Fees are not included: clearing adds them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from openets.domain.clock import from_utc_micros, to_utc_micros
from openets.domain.money import round_half_up_div
from openets.domain.rejection import Code, Rejection
from openets.trading.auction_fixed import allocate_pro_rata, price_rejection

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
    covered_only: bool = False
    """Only covered entities (accounts of subject type entity) may bid (a pilot preset's)."""
    preset: str = ""
    """The pilot paid-auction preset the announcement named, if any."""
    """A fixed-price sale (:mod:`openets.trading.auction_fixed`): bids at ``reserve_price``
    only, every winner pays it, pro rata when the bids ask for more than ``quantity``."""


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


# -- validation ----------------------------------------------------------------------------------


def spec_problems(spec: AuctionSpec) -> tuple[Rejection, ...]:
    """Every reason the announcement is invalid (empty when it is fine)."""
    out: list[Rejection] = []
    for name in ("auction_id", "initiator", "instrument"):
        if not getattr(spec, name):
            out.append(Rejection(Code.INVALID_FIELD, f"{name} must not be empty", name))
    if spec.lot_size <= 0:
        out.append(_bad_qty(f"lot size must be positive, was {spec.lot_size}", "lot_size"))
    if spec.quantity <= 0:
        out.append(_bad_qty(f"quantity must be positive, was {spec.quantity}", "quantity"))
    elif spec.lot_size > 0 and spec.quantity % spec.lot_size:
        msg = f"quantity must be whole lots of {spec.lot_size} t, was {spec.quantity}"
        out.append(_bad_qty(msg, "quantity"))
    if spec.tick <= 0:
        out.append(Rejection(Code.INVALID_FIELD, f"tick must be positive, was {spec.tick}", "tick"))
    out.extend(_reserve_problems(spec))
    if spec.fixed_price and (spec.side is not AuctionSide.SELL or spec.reserve_price is None):
        msg = "a fixed-price sale sells (side sell) at its reserve price, which it needs"
        out.append(Rejection(Code.INVALID_FIELD, msg, "reserve_price"))
    if spec.closes_at_us <= spec.opens_at_us:
        msg = (
            f"window must close after it opens, was {_iso(spec.opens_at_us)}.."
            f"{_iso(spec.closes_at_us)}"
        )
        out.append(Rejection(Code.INVALID_FIELD, msg, "closes_at"))
    cap = spec.per_bidder_cap
    if cap is not None and (cap <= 0 or (spec.lot_size > 0 and cap % spec.lot_size)):
        msg = f"per-bidder cap must be whole lots of {spec.lot_size} t, was {cap}"
        out.append(_bad_qty(msg, "per_bidder_cap"))
    if not 0 <= spec.min_cover_bps <= 1_000_000:
        msg = f"minimum cover must be 0..1000000 bps, was {spec.min_cover_bps}"
        out.append(Rejection(Code.INVALID_FIELD, msg, "min_cover_bps"))
    return tuple(out)


def _reserve_problems(spec: AuctionSpec) -> list[Rejection]:
    reserve = spec.reserve_price
    if reserve is None:
        if spec.side is AuctionSide.BUY:
            msg = "a buy auction needs a reserve (maximum) price to lock the initiator's funds"
            return [Rejection(Code.INVALID_PRICE, msg, "reserve_price")]
        return []
    if reserve <= 0:
        msg = f"reserve price must be positive, was {reserve}"
        return [Rejection(Code.INVALID_PRICE, msg, "reserve_price")]
    if spec.tick > 0 and reserve % spec.tick:
        msg = f"reserve price must be a multiple of the {spec.tick} fen tick, was {reserve}"
        return [Rejection(Code.TICK_SIZE, msg, "reserve_price")]
    return []


def check_spec(spec: AuctionSpec) -> Rejection | None:
    """The first reason the announcement is invalid, or None."""
    problems = spec_problems(spec)
    return problems[0] if problems else None


def _bad_qty(message: str, field: str) -> Rejection:
    return Rejection(Code.INVALID_QUANTITY, message, field)


def _iso(us: int) -> str:
    return from_utc_micros(us).isoformat()


def _window_rejection(spec: AuctionSpec, now: datetime) -> Rejection | None:
    t = to_utc_micros(now)
    if spec.opens_at_us <= t < spec.closes_at_us:
        return None
    msg = (
        f"auction {spec.auction_id} takes bids from {_iso(spec.opens_at_us)} until "
        f"{_iso(spec.closes_at_us)}, now {_iso(t)}"
    )
    return Rejection(Code.AUCTION_CLOSED, msg, "auction_id")


def _beyond_reserve(spec: AuctionSpec, price: int) -> bool:
    r = spec.reserve_price
    if r is None:
        return False
    return price < r if spec.side is AuctionSide.SELL else price > r


def _terms_rejection(spec: AuctionSpec, price: int, quantity: int) -> Rejection | None:
    if price <= 0:
        return Rejection(Code.INVALID_PRICE, f"price must be positive, was {price}", "price")
    if price % spec.tick:
        msg = f"price must be a multiple of the {spec.tick} fen tick, was {price}"
        return Rejection(Code.TICK_SIZE, msg, "price")
    if quantity <= 0:
        return _bad_qty(f"quantity must be positive, was {quantity}", "quantity")
    if quantity % spec.lot_size:
        return _bad_qty(
            f"quantity must be whole lots of {spec.lot_size} t, was {quantity}", "quantity"
        )
    if spec.fixed_price and spec.reserve_price is not None:
        return price_rejection(spec.reserve_price, price)
    if spec.reserve_rule is ReserveRule.REJECT_BIDS and _beyond_reserve(spec, price):
        word = "below the reserve" if spec.side is AuctionSide.SELL else "above the maximum"
        msg = f"price {price} fen is {word} price {spec.reserve_price} fen"
        return Rejection(Code.INVALID_PRICE, msg, "price")
    return None


def _cap_rejection(spec: AuctionSpec, quantity: int, other_open_qty: int) -> Rejection | None:
    cap = spec.per_bidder_cap
    if cap is None or other_open_qty + quantity <= cap:
        return None
    msg = f"bids would total {other_open_qty + quantity} t, above the per-bidder cap of {cap} t"
    return Rejection(Code.CAP_EXCEEDED, msg, "quantity")


def check_bid(
    spec: AuctionSpec, bid: Bid, now: datetime, other_open_qty: int = 0
) -> Rejection | None:
    """Whether ``bid`` may be placed now; ``other_open_qty``: the bidder's other open bids (t)."""
    closed = _window_rejection(spec, now)
    if closed is not None:
        return closed
    if bid.bidder == spec.initiator:
        msg = f"the initiator {bid.bidder} cannot bid in its own auction"
        return Rejection(Code.SELF_TRADE, msg, "account_id")
    return _terms_rejection(spec, bid.price, bid.quantity) or _cap_rejection(
        spec, bid.quantity, other_open_qty
    )


# -- locks ---------------------------------------------------------------------------------------


def lock_needed(spec: AuctionSpec, price: int, quantity: int) -> Lock:
    """What a bid at ``price`` for ``quantity`` must hold: its full funds (SELL auction: the
    bidder pays at most its price) or the offered allowances (BUY auction)."""
    if spec.side is AuctionSide.SELL:
        return Lock(LockAsset.FUNDS, price * quantity)
    return Lock(LockAsset.ALLOWANCES, quantity)


def initiator_lock(spec: AuctionSpec) -> Lock:
    """What the initiator holds from the announcement to the close: the allowances on offer
    (SELL) or the funds for the whole volume at the reserve (maximum) price (BUY)."""
    if spec.side is AuctionSide.SELL:
        return Lock(LockAsset.ALLOWANCES, spec.quantity)
    if spec.reserve_price is None:
        raise ValueError(f"buy auction {spec.auction_id} has no reserve price")
    return Lock(LockAsset.FUNDS, spec.reserve_price * spec.quantity)


def place_bid(
    spec: AuctionSpec, bid: Bid, now: datetime, other_open_qty: int = 0
) -> LockChange | Rejection:
    """Validate a new bid and say what to lock on the bidder."""
    problem = check_bid(spec, bid, now, other_open_qty)
    if problem is not None:
        return problem
    lock = lock_needed(spec, bid.price, bid.quantity)
    return LockChange(bid.bidder, lock.asset, lock.amount)


def modify_bid(
    spec: AuctionSpec,
    old: Bid,
    by: str,
    price: int,
    quantity: int,
    seq: int,
    now: datetime,
    other_open_qty: int = 0,
) -> tuple[Bid, LockChange] | Rejection:
    """Change a bid's price or quantity before the close; returns the new bid and the lock
    difference. A quantity cut at the same price keeps time priority; anything else takes
    ``seq`` (the bid moves behind bids already placed)."""
    if by != old.bidder:
        msg = f"bid {old.bid_id} belongs to another account, not {by}"
        return Rejection(Code.NOT_PERMITTED, msg, "bid_id")
    new = Bid(old.bid_id, old.bidder, price, quantity, seq)
    if price == old.price and quantity <= old.quantity:
        new = replace(new, seq=old.seq)
    problem = check_bid(spec, new, now, other_open_qty)
    if problem is not None:
        return problem
    before = lock_needed(spec, old.price, old.quantity)
    after = lock_needed(spec, price, quantity)
    return new, LockChange(old.bidder, after.asset, after.amount - before.amount)


def withdraw_bid(spec: AuctionSpec, bid: Bid, by: str, now: datetime) -> LockChange | Rejection:
    """Withdraw a bid before the close; returns the release of its whole lock."""
    if by != bid.bidder:
        msg = f"bid {bid.bid_id} belongs to another account, not {by}"
        return Rejection(Code.NOT_PERMITTED, msg, "bid_id")
    closed = _window_rejection(spec, now)
    if closed is not None:
        return closed
    lock = lock_needed(spec, bid.price, bid.quantity)
    return LockChange(bid.bidder, lock.asset, -lock.amount)


# -- clearing ------------------------------------------------------------------------------------


def close_auction(
    spec: AuctionSpec, bids: Iterable[Bid], now: datetime, seed: int
) -> AuctionResult | Rejection:
    """Clear the auction once its window has closed."""
    t = to_utc_micros(now)
    if t < spec.closes_at_us:
        msg = f"auction {spec.auction_id} closes at {_iso(spec.closes_at_us)}, now {_iso(t)}"
        return Rejection(Code.INVALID_STATE, msg, "auction_id")
    return clear_auction(spec, bids, seed)


def rank_bids(spec: AuctionSpec, bids: Sequence[Bid], seed: int) -> list[Bid]:
    """Best price first (highest bid in a SELL auction, lowest offer in a BUY auction), then
    the tie-break: time (``seq``) or a seeded random order that depends only on the seed and
    the set of bid ids, not on the order the bids are given in."""
    sign = -1 if spec.side is AuctionSide.SELL else 1
    if spec.tie_break is TieBreak.TIME:
        return sorted(bids, key=lambda b: (sign * b.price, b.seq, b.bid_id))
    order = sorted(b.bid_id for b in bids)
    random.Random(seed).shuffle(order)
    position = {bid_id: i for i, bid_id in enumerate(order)}
    return sorted(bids, key=lambda b: (sign * b.price, position[b.bid_id]))


def _check_invariants(spec: AuctionSpec, bids: Sequence[Bid]) -> None:
    problem = check_spec(spec)
    if problem is not None:
        raise ValueError(f"invalid auction spec: {problem}")
    seen: set[str] = set()
    for b in bids:
        if b.bid_id in seen:
            raise ValueError(f"bid id {b.bid_id} appears twice")
        seen.add(b.bid_id)
        if b.price <= 0 or b.quantity <= 0 or b.quantity % spec.lot_size:
            raise ValueError(f"bid {b.bid_id} should have been refused: {b}")


def _eligible(spec: AuctionSpec, ranked: Sequence[Bid]) -> list[int]:
    """Per ranked bid, the quantity that may win: zero beyond the reserve (REJECT_BIDS), and
    each bidder's best bids count first against its cap."""
    used: dict[str, int] = {}
    cap = spec.per_bidder_cap
    out: list[int] = []
    for b in ranked:
        if spec.reserve_rule is ReserveRule.REJECT_BIDS and _beyond_reserve(spec, b.price):
            out.append(0)
            continue
        q = b.quantity
        if cap is not None:
            room = cap - used.get(b.bidder, 0)
            q = min(q, room - room % spec.lot_size)
            used[b.bidder] = used.get(b.bidder, 0) + q
        out.append(q)
    return out


def _allocate(supply: int, eligible: Sequence[int]) -> list[int]:
    """Fill in rank order; the marginal bid gets the remainder."""
    left = supply
    out: list[int] = []
    for q in eligible:
        take = min(q, left)
        out.append(take)
        left -= take
    return out


def clear_auction(spec: AuctionSpec, bids: Iterable[Bid], seed: int) -> AuctionResult:
    """Rank, allocate, price and settle an auction. Pure: the same spec, bids and seed give the
    same result. Cancels if the eligible volume is below ``min_cover_bps`` of the supply, or if
    (``ReserveRule.CANCEL_AUCTION``) the clearing price is beyond the reserve."""
    bid_list = list(bids)
    _check_invariants(spec, bid_list)
    ranked = rank_bids(spec, bid_list, seed)
    eligible = _eligible(spec, ranked)
    eligible_volume = sum(eligible)
    cancel: CancelReason | None = None
    if (
        eligible_volume == 0
        or eligible_volume * FULL_COVER_BPS < spec.quantity * spec.min_cover_bps
    ):
        cancel = CancelReason.COVER_SHORT
    if spec.fixed_price:
        allocated = allocate_pro_rata(spec.quantity, eligible, spec.lot_size)
    else:
        allocated = _allocate(spec.quantity, eligible)
    winners_idx = [i for i, q in enumerate(allocated) if q > 0]
    clearing = ranked[winners_idx[-1]].price if winners_idx else None
    if (
        cancel is None
        and clearing is not None
        and spec.reserve_rule is ReserveRule.CANCEL_AUCTION
        and _beyond_reserve(spec, clearing)
    ):
        cancel = CancelReason.RESERVE_NOT_MET
    if cancel is not None:
        allocated = [0] * len(ranked)
        clearing = None
    allocations = tuple(
        _bid_allocation(spec, i, b, eligible[i], allocated[i], clearing)
        for i, b in enumerate(ranked)
    )
    return _result(spec, bid_list, allocations, eligible_volume, clearing, cancel)


def _bid_allocation(
    spec: AuctionSpec, rank: int, bid: Bid, eligible: int, allocated: int, clearing: int | None
) -> BidAllocation:
    lock = lock_needed(spec, bid.price, bid.quantity)
    price: int | None = None
    if allocated > 0:
        price = clearing if spec.pricing is PricingRule.UNIFORM else bid.price
    if price is None:
        consumed = 0
    elif lock.asset is LockAsset.FUNDS:
        consumed = price * allocated
    else:
        consumed = allocated
    return BidAllocation(
        bid_id=bid.bid_id,
        bidder=bid.bidder,
        rank=rank + 1,
        bid_price=bid.price,
        bid_quantity=bid.quantity,
        eligible=eligible,
        allocated=allocated,
        price=price,
        locked=lock,
        consumed=consumed,
        released=lock.amount - consumed,
    )


def _result(
    spec: AuctionSpec,
    bids: Sequence[Bid],
    allocations: tuple[BidAllocation, ...],
    eligible_volume: int,
    clearing: int | None,
    cancel: CancelReason | None,
) -> AuctionResult:
    volume = sum(a.allocated for a in allocations)
    turnover = sum(a.amount for a in allocations)
    lock = initiator_lock(spec)
    consumed = volume if lock.asset is LockAsset.ALLOWANCES else turnover
    summary = AuctionSummary(
        auction_id=spec.auction_id,
        instrument=spec.instrument,
        side=spec.side,
        pricing=spec.pricing,
        outcome=AuctionOutcome.CLEARED if cancel is None else AuctionOutcome.CANCELLED,
        cancel_reason=cancel,
        supply=spec.quantity,
        bid_volume=sum(b.quantity for b in bids),
        eligible_volume=eligible_volume,
        volume=volume,
        clearing_price=clearing,
        average_price=round_half_up_div(turnover, volume) if volume else None,
        turnover=turnover,
        cover_ratio_bps=round_half_up_div(eligible_volume * FULL_COVER_BPS, spec.quantity),
        bids=len(bids),
        bidders=len({b.bidder for b in bids}),
        winners=len({a.bidder for a in allocations if a.allocated > 0}),
    )
    initiator = InitiatorSettlement(
        account=spec.initiator,
        locked=lock,
        consumed=consumed,
        released=lock.amount - consumed,
        volume=volume,
        turnover=turnover,
    )
    return AuctionResult(summary, allocations, initiator)
