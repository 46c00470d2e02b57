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

This module clears; the values are in :mod:`openets.trading.auction_types` and the checks and
locks before the close in :mod:`openets.trading.auction_bids`. It re-exports both, so the
auction's whole vocabulary stays importable from here.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import datetime

from openets.domain.clock import to_utc_micros
from openets.domain.money import round_half_up_div
from openets.domain.rejection import Code, Rejection
from openets.trading.auction_bids import (
    beyond_reserve,
    check_bid,
    check_spec,
    initiator_lock,
    iso_micros,
    lock_needed,
    modify_bid,
    place_bid,
    spec_problems,
    withdraw_bid,
)
from openets.trading.auction_fixed import allocate_pro_rata
from openets.trading.auction_types import (
    CN_AUCTION_RULES,
    FULL_COVER_BPS,
    AuctionOutcome,
    AuctionResult,
    AuctionRules,
    AuctionSide,
    AuctionSpec,
    AuctionSummary,
    Bid,
    BidAllocation,
    CancelReason,
    InitiatorSettlement,
    Lock,
    LockAsset,
    LockChange,
    PricingRule,
    ReserveRule,
    TieBreak,
)

__all__ = [
    "CN_AUCTION_RULES",
    "FULL_COVER_BPS",
    "AuctionOutcome",
    "AuctionResult",
    "AuctionRules",
    "AuctionSide",
    "AuctionSpec",
    "AuctionSummary",
    "Bid",
    "BidAllocation",
    "CancelReason",
    "InitiatorSettlement",
    "Lock",
    "LockAsset",
    "LockChange",
    "PricingRule",
    "ReserveRule",
    "TieBreak",
    "check_bid",
    "check_spec",
    "clear_auction",
    "close_auction",
    "initiator_lock",
    "lock_needed",
    "modify_bid",
    "place_bid",
    "rank_bids",
    "spec_problems",
    "withdraw_bid",
]

# -- clearing ------------------------------------------------------------------------------------


def close_auction(
    spec: AuctionSpec, bids: Iterable[Bid], now: datetime, seed: int
) -> AuctionResult | Rejection:
    """Clear the auction once its window has closed."""
    t = to_utc_micros(now)
    if t < spec.closes_at_us:
        closes = iso_micros(spec.closes_at_us)
        msg = f"auction {spec.auction_id} closes at {closes}, now {iso_micros(t)}"
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
        if spec.reserve_rule is ReserveRule.REJECT_BIDS and beyond_reserve(spec, b.price):
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
        and beyond_reserve(spec, clearing)
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
