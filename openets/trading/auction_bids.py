"""Announcing and bidding in a one-way auction: the checks on an announcement and a bid, and the
locks a bid or the initiator takes, changes or releases before the close.

The clearing at the close is in :mod:`openets.trading.auction`; this module is what the engine
asks while the window is open.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from openets.domain.clock import from_utc_micros, to_utc_micros
from openets.domain.rejection import Code, Rejection
from openets.trading.auction_fixed import price_rejection
from openets.trading.auction_types import (
    AuctionSide,
    AuctionSpec,
    Bid,
    Lock,
    LockAsset,
    LockChange,
    ReserveRule,
)

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
            f"window must close after it opens, was {iso_micros(spec.opens_at_us)}.."
            f"{iso_micros(spec.closes_at_us)}"
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


def iso_micros(us: int) -> str:
    return from_utc_micros(us).isoformat()


def _window_rejection(spec: AuctionSpec, now: datetime) -> Rejection | None:
    t = to_utc_micros(now)
    if spec.opens_at_us <= t < spec.closes_at_us:
        return None
    msg = (
        f"auction {spec.auction_id} takes bids from {iso_micros(spec.opens_at_us)} until "
        f"{iso_micros(spec.closes_at_us)}, now {iso_micros(t)}"
    )
    return Rejection(Code.AUCTION_CLOSED, msg, "auction_id")


def beyond_reserve(spec: AuctionSpec, price: int) -> bool:
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
    if spec.reserve_rule is ReserveRule.REJECT_BIDS and beyond_reserve(spec, price):
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
