"""One-way bidding (单向竞价): announcement, sealed bids, clearing.

The rules are :mod:`openets.trading.auction` (pure). Here they get real locks: the initiator's
allowances on offer (a government seller's come from its own available bucket) or funds at the
reserve; each bid's funds with the auction buy fee bound, or its allowances. At the close every
winning bid becomes one ``TradeExecuted`` (method ``auction``) through :func:`trade_events`, so
the end-of-day settlement delivers the allowances and books the fees; the rest is released.
A random tie-break uses a seed fixed in the announcement, so replay clears identically.

Bids are sealed: :func:`auction_view` shows each viewer the public announcement, its own bids
and, after the close, the published figures. :func:`due_auctions` tells whoever drives the
clock which auctions to close.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from openets.clearing.port import Wallets
from openets.domain.checks import check_int
from openets.domain.clock import to_utc_micros
from openets.domain.messages import Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.domain.when import WhenError, parse_time
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import SubjectType, SystemRole
from openets.supervision.port import check_position_limit
from openets.trading import auction as core
from openets.trading.auction import AuctionSide, AuctionSpec, Bid, LockAsset
from openets.trading.auction_book import OPEN, AuctionBook, AuctionRecord, AuctionView
from openets.trading.auction_common import auction_record, release_all, relock
from openets.trading.auction_fixed import QUALIFYING_SUBJECT, bidder_rejection
from openets.trading.auction_messages import (
    NO_LOCK,
    AnnounceAuction,
    AuctionAllocated,
    AuctionAnnounced,
    AuctionCancelled,
    AuctionLock,
    AuctionResultPublished,
    BidModified,
    BidPlaced,
    BidWithdrawn,
    CancelAuction,
    ModifyBid,
    PlaceBid,
    WithdrawBid,
)
from openets.trading.pilot_auction import bidder_rejection as preset_bidder_rejection
from openets.trading.pilot_auction import preset_announcement
from openets.trading.rules import TradingMethod
from openets.trading.service_checks import (
    method_offered,
    rules,
    trading,
    trading_account,
)

GOVERNMENT_ROLES = (SystemRole.AUCTION, SystemRole.PROVINCIAL_ALLOCATION)


def auction_book(m: MarketState) -> AuctionBook:
    b: AuctionBook = m.auction
    return b


# -- queries (per viewer) ------------------------------------------------------------------------


def auction_view(
    m: MarketState, auction_id: str, viewer: str | None, *, operator: bool = False
) -> AuctionView | None:
    """One auction as ``viewer`` sees it (see :meth:`AuctionBook.view`)."""
    return auction_book(m).view(auction_id, viewer, operator=operator)


def due_auctions(m: MarketState, now: datetime) -> tuple[str, ...]:
    """Open auctions whose window has closed: submit ``CloseAuction`` for each."""
    return auction_book(m).due(to_utc_micros(now))


# -- helpers -------------------------------------------------------------------------------------


def _seed(auction_id: str, head: str) -> int:
    """The tie-break seed: fixed at the announcement, unknown before it (the journal head)."""
    digest = hashlib.sha256(f"auction-seed|{auction_id}|{head}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _open_record(m: MarketState, auction_id: object) -> AuctionRecord | Rejection:
    a = auction_record(m, auction_id)
    if isinstance(a, AuctionRecord) and a.status != OPEN:
        return Rejection(Code.AUCTION_CLOSED, f"auction {auction_id} is {a.status}", "auction_id")
    return a


def _fen_needed(m: MarketState, notional: int) -> int:
    return notional + rules(m).fees.rate("auction", "buy").fee_bound(notional)


def _bid_target(m: MarketState, spec: AuctionSpec, price: int, qty: int) -> tuple[int, int]:
    lock = core.lock_needed(spec, price, qty)
    if lock.asset is LockAsset.FUNDS:
        return _fen_needed(m, lock.amount), 0
    return 0, lock.amount


def _initiator(
    m: MarketState, account_id: object, side: AuctionSide, government_buy: bool = False
) -> bool | Rejection:
    """Whether the initiator is a government account (paid allocation), or why it may not be;
    a government account buys only in a reserve's buy-back (``government_buy``)."""
    acct = registry_port.account(m, account_id)
    if acct is None or acct.subject_type is not SubjectType.SYSTEM:
        r = trading_account(m, account_id, "initiator")
        return r if r else False
    if acct.system_role not in GOVERNMENT_ROLES:
        msg = f"system account {account_id} ({acct.system_role}) cannot initiate an auction"
        return Rejection(Code.NOT_PERMITTED, msg, "initiator")
    if side is not AuctionSide.SELL and not government_buy:
        msg = f"a government account sells in paid allocation; side was {side}"
        return Rejection(Code.NOT_PERMITTED, msg, "side")
    return True


def _parse_time(text: object, name: str, default: datetime) -> datetime | Rejection:
    if text in ("", None):
        return default
    try:
        return parse_time(text)
    except WhenError as exc:
        return Rejection(Code.INVALID_FIELD, f"{name} {exc}", name)


def _enum(cls: Any, value: object, name: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(x.value for x in cls)
        return Rejection(
            Code.INVALID_FIELD, f"{name} must be one of {allowed}, was {value!r}", name
        )


def _allowed(m: MarketState, pricing: core.PricingRule, tie: core.TieBreak) -> Rejection | None:
    """NOT_PERMITTED for a pricing or tie-break the market's auction rules do not offer."""
    ar = rules(m).auction
    choices: tuple[tuple[str, StrEnum, tuple[StrEnum, ...]], ...] = (
        ("pricing", pricing, ar.pricing),
        ("tie_break", tie, ar.tie_breaks),
    )
    for name, value, allowed in choices:
        if value not in allowed:
            offered = ", ".join(x.value for x in allowed)
            msg = f"{name} must be one of {offered} in this market ({rules(m).name}), was {value}"
            return Rejection(Code.NOT_PERMITTED, msg, name)
    return None


# -- handlers ------------------------------------------------------------------------------------


def _announce_checks(
    m: MarketState, cmd: AnnounceAuction, government_buy: bool = False
) -> tuple[Any, ...] | Rejection:
    """The announcement's fields: (side, pricing, tie-break, reserve rule, paid, instrument)."""
    offered = method_offered(m, TradingMethod.AUCTION, "instrument")
    if offered:
        return offered
    side = _enum(AuctionSide, cmd.side, "side")
    pricing = _enum(core.PricingRule, cmd.pricing, "pricing")
    tie = _enum(core.TieBreak, cmd.tie_break, "tie_break")
    reserve_rule = _enum(core.ReserveRule, cmd.reserve_rule, "reserve_rule")
    for v in (side, pricing, tie, reserve_rule):
        if isinstance(v, Rejection):
            return v
    r = _allowed(m, pricing, tie)
    if r:
        return r
    paid = _initiator(m, cmd.initiator, side, government_buy)
    if isinstance(paid, Rejection):
        return paid
    inst = trading(m).instruments.get(cmd.instrument) if isinstance(cmd.instrument, str) else None
    if inst is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {cmd.instrument!r}", "instrument")
    r = check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes") or check_int(
        cmd.lot_size, "lot_size", Code.INVALID_QUANTITY, "whole tonnes"
    )
    for name in ("reserve_price", "per_bidder_cap"):
        value = getattr(cmd, name)
        if r is None and value is not None:
            r = check_int(value, name, Code.INVALID_FIELD, "an integer")
    cover = cmd.min_cover_bps
    if r is None and (isinstance(cover, bool) or not isinstance(cover, int)):
        msg = f"min_cover_bps must be an integer, was {cover!r}"
        r = Rejection(Code.INVALID_FIELD, msg, "min_cover_bps")
    return r or (side, pricing, tie, reserve_rule, paid, inst)


def announce(m: MarketState, cmd: AnnounceAuction, ctx: Ctx) -> Result:
    spec = announced_spec(m, cmd, ctx)
    if isinstance(spec, Rejection):
        return spec
    return locked_announcement(m, spec, ctx)


def locked_announcement(m: MarketState, spec: AuctionSpec, ctx: Ctx) -> Result:
    """The initiator's lock (its tonnes on offer, or its funds at the reserve price with the
    fee bound) and the announcement."""
    product = trading(m).instruments[spec.instrument].product
    if spec.side is AuctionSide.BUY:  # the initiator buys: within its position limit
        r = check_position_limit(m, spec.initiator, product, spec.quantity)
        if r:
            return r
    need = core.initiator_lock(spec)
    fen, tonnes = (
        (_fen_needed(m, need.amount), 0) if need.asset is LockAsset.FUNDS else (0, need.amount)
    )
    done = relock(
        m, spec.initiator, product, NO_LOCK, fen, tonnes, ctx, spec.auction_id, Wallets(m)
    )
    if isinstance(done, Rejection):
        return done
    events, lock = done
    return (*events, announced(m, spec, product, lock))


def announced(m: MarketState, spec: AuctionSpec, product: str, lock: AuctionLock) -> Event:
    """The announcement's event, its tie-break seed fixed from the journal head."""
    return AuctionAnnounced(spec, product, _seed(spec.auction_id, m.last_hash), lock)


def announced_spec(
    m: MarketState, cmd: AnnounceAuction, ctx: Ctx, *, government_buy: bool = False
) -> AuctionSpec | Rejection:
    """The announcement's terms, checked (no lock taken): a new auction id from ``ctx``."""
    if cmd.preset:
        mr = rules(m)
        tz = mr.calendar.tz
        bars = [b for code in sorted(trading(m).bars) for b in trading(m).bars[code]]
        filled = preset_announcement(
            cmd, bars, ctx.now.astimezone(tz).date(), tz, mr.trading.tick_fen
        )
        if isinstance(filled, Rejection):
            return filled
        cmd = filled
    checked = _announce_checks(m, cmd, government_buy)
    if isinstance(checked, Rejection):
        return checked
    side, pricing, tie, reserve_rule, paid, inst = checked
    opens = _parse_time(cmd.opens_at, "opens_at", ctx.now)
    if isinstance(opens, Rejection):
        return opens
    closes = _parse_time(cmd.closes_at, "closes_at", ctx.now)
    if isinstance(closes, Rejection):
        return closes
    if closes <= ctx.now:
        msg = f"closes_at {cmd.closes_at} is not after now ({ctx.now.isoformat()})"
        return Rejection(Code.INVALID_FIELD, msg, "closes_at")
    if closes <= opens:
        # Quoted as sent: the caller wrote these texts, not microseconds since the epoch.
        msg = f"the window must close after it opens, was {cmd.opens_at}..{cmd.closes_at}"
        return Rejection(Code.INVALID_FIELD, msg, "closes_at")
    spec = AuctionSpec(
        auction_id=ctx.ids.next("AU"),
        initiator=cmd.initiator,
        side=side,
        instrument=inst.code,
        quantity=cmd.quantity,
        reserve_price=cmd.reserve_price,
        opens_at_us=to_utc_micros(opens),
        closes_at_us=to_utc_micros(closes),
        lot_size=cmd.lot_size,
        per_bidder_cap=cmd.per_bidder_cap,
        pricing=pricing,
        tie_break=tie,
        min_cover_bps=cmd.min_cover_bps,
        reserve_rule=reserve_rule,
        tick=rules(m).trading.tick_fen,
        paid_allocation=paid,
        covered_only=bool(cmd.preset),
        preset=cmd.preset,
    )
    r = core.check_spec(spec)
    return r if r else spec


def _other_qty(a: AuctionRecord, bidder: str, except_bid: str = "") -> int:
    """The tonnes of ``bidder``'s other open bids (for the per-bidder cap)."""
    mine = a.bids.get(except_bid)
    return a.open_qty.get(bidder, 0) - (mine.quantity if mine else 0)


def place(m: MarketState, cmd: PlaceBid, ctx: Ctx) -> Result:
    a = _open_record(m, cmd.auction_id)
    if isinstance(a, Rejection):
        return a
    r = (
        trading_account(m, cmd.account_id)
        or check_int(cmd.price, "price", Code.INVALID_PRICE, "a price in fen (ticks of 0.01)")
        or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")
    )
    if r:
        return r
    if a.spec.fixed_price:  # a reserve sale: covered entities only
        subject = registry_port.subject_type(m, cmd.account_id).value
        r = bidder_rejection(cmd.account_id, subject)
        if r:
            return r
    if a.spec.covered_only:  # a pilot's paid auction: covered entities only
        subject = registry_port.subject_type(m, cmd.account_id).value
        if subject != QUALIFYING_SUBJECT:
            return preset_bidder_rejection(
                a.spec.auction_id, a.spec.preset, cmd.account_id, subject
            )
    if a.spec.side is AuctionSide.SELL:  # bidders buy
        r = check_position_limit(m, cmd.account_id, a.product, cmd.quantity)
        if r:
            return r
    bid = Bid(ctx.ids.next("AB"), cmd.account_id, cmd.price, cmd.quantity, a.seq + 1)
    change = core.place_bid(a.spec, bid, ctx.now, _other_qty(a, cmd.account_id))
    if isinstance(change, Rejection):
        return change
    fen, tonnes = _bid_target(m, a.spec, bid.price, bid.quantity)
    done = relock(m, bid.bidder, a.product, NO_LOCK, fen, tonnes, ctx, bid.bid_id, Wallets(m))
    if isinstance(done, Rejection):
        return done
    return (*done[0], BidPlaced(a.spec.auction_id, bid, done[1]))


def _bid(a: AuctionRecord, bid_id: object) -> Bid | Rejection:
    bid = a.bids.get(bid_id) if isinstance(bid_id, str) else None
    if bid is None:
        msg = f"no bid {bid_id!r} in auction {a.spec.auction_id}"
        return Rejection(Code.UNKNOWN_ORDER, msg, "bid_id")
    return bid


def modify(m: MarketState, cmd: ModifyBid, ctx: Ctx) -> Result:
    a = _open_record(m, cmd.auction_id)
    if isinstance(a, Rejection):
        return a
    old = _bid(a, cmd.bid_id)
    if isinstance(old, Rejection):
        return old
    r = check_int(cmd.price, "price", Code.INVALID_PRICE, "a price in fen") or check_int(
        cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes"
    )
    if r:
        return r
    if a.spec.side is AuctionSide.SELL and cmd.quantity > old.quantity:  # bidders buy
        r = check_position_limit(m, old.bidder, a.product, cmd.quantity - old.quantity)
        if r:
            return r
    other = _other_qty(a, old.bidder, old.bid_id)
    done = core.modify_bid(
        a.spec, old, cmd.account_id, cmd.price, cmd.quantity, a.seq + 1, ctx.now, other
    )
    if isinstance(done, Rejection):
        return done
    new = done[0]
    fen, tonnes = _bid_target(m, a.spec, new.price, new.quantity)
    cur = a.bid_locks[old.bid_id]
    relocked = relock(m, new.bidder, a.product, cur, fen, tonnes, ctx, new.bid_id, Wallets(m))
    if isinstance(relocked, Rejection):
        return relocked
    return (*relocked[0], BidModified(a.spec.auction_id, new, relocked[1]))


def withdraw(m: MarketState, cmd: WithdrawBid, ctx: Ctx) -> Result:
    a = _open_record(m, cmd.auction_id)
    if isinstance(a, Rejection):
        return a
    bid = _bid(a, cmd.bid_id)
    if isinstance(bid, Rejection):
        return bid
    change = core.withdraw_bid(a.spec, bid, cmd.account_id, ctx.now)
    if isinstance(change, Rejection):
        return change
    return bid_withdrawal(m, a, bid.bid_id, ctx)


def bid_withdrawal(m: MarketState, a: AuctionRecord, bid_id: str, ctx: Ctx) -> tuple[Event, ...]:
    """A bid out of an open auction, its whole lock released."""
    bid = a.bids[bid_id]
    done = relock(m, bid.bidder, a.product, a.bid_locks[bid_id], 0, 0, ctx, bid_id, Wallets(m))
    assert not isinstance(done, Rejection)  # releases only
    return (*done[0], BidWithdrawn(a.spec.auction_id, bid_id))


def cancel(m: MarketState, cmd: CancelAuction, ctx: Ctx) -> Result:
    a = _open_record(m, cmd.auction_id)
    if isinstance(a, Rejection):
        return a
    if not isinstance(cmd.reason, str) or not cmd.reason.strip():
        return Rejection(Code.INVALID_FIELD, "a cancellation needs a reason", "reason")
    return cancellation(m, a, cmd.reason, ctx)


def cancellation(m: MarketState, a: AuctionRecord, reason: str, ctx: Ctx) -> tuple[Event, ...]:
    """An open auction called off: every lock released, the reason journaled."""
    return (*release_all(m, a, ctx), AuctionCancelled(a.spec.auction_id, reason))


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part

    handlers[AnnounceAuction] = announce
    handlers[PlaceBid] = place
    handlers[ModifyBid] = modify
    handlers[WithdrawBid] = withdraw
    handlers[CancelAuction] = cancel
    appliers.update(
        {
            AuctionAnnounced: apply_part("auction", AuctionBook.apply_announced),
            BidPlaced: apply_part("auction", AuctionBook.apply_bid),
            BidModified: apply_part("auction", AuctionBook.apply_bid),
            BidWithdrawn: apply_part("auction", AuctionBook.apply_withdrawn),
            AuctionAllocated: apply_part("auction", AuctionBook.apply_allocated),
            AuctionResultPublished: apply_part("auction", AuctionBook.apply_result),
            AuctionCancelled: apply_part("auction", AuctionBook.apply_cancelled),
        }
    )
