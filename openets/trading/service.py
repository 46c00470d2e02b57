"""Listing agreement trading (挂牌协议) and the continuous-auction preset: trading's service.

A trade moves funds at once through the exchange clearing account: the buyer pays price ×
quantity + its fee into it, and the seller's proceeds (less its fee) come out of it into the
seller's *receivable* bucket, usable for buying the same day but not withdrawable. The
allowances stay locked in the seller's account until the end-of-day settlement delivers them
(DvP, trade by trade); the fees stay in the clearing account until then.
"""

from __future__ import annotations

from datetime import datetime

from openets.clearing import port as funds_port
from openets.clearing.port import Wallets, lock_funds, release_funds
from openets.domain.checks import check_int
from openets.domain.messages import Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import Bucket, TxType, move
from openets.supervision.port import check_position_limit
from openets.trading import checks
from openets.trading import commands as tc
from openets.trading.bands import price_band
from openets.trading.book import BUY, Side
from openets.trading.codes import instrument_code_problem
from openets.trading.events import (
    InstrumentListed,
    InstrumentStatusChanged,
    ListingCancelled,
    ListingPosted,
    TradeExecuted,
)
from openets.trading.rules import Matching
from openets.trading.service_checks import day_guard, parse_side, rules, trading, trading_account
from openets.trading.state import APPLIERS, Listing


def list_instrument(m: MarketState, cmd: tc.ListInstrument, ctx: Ctx) -> Result:
    r = registry_port.check_product(cmd.product) or check_int(
        cmd.reference_price, "reference_price", Code.INVALID_PRICE, "a price in fen"
    )
    if r:
        return r
    listed = m.rules.venue.products
    if listed is not None and cmd.product not in listed:
        return Rejection(
            Code.UNKNOWN_PRODUCT,
            f"the {m.rules.name} market lists {', '.join(sorted(listed))} only, "
            f"product was {cmd.product!r}",
            "product",
        )
    bad = instrument_code_problem(cmd.code, cmd.product)
    if bad is not None and cmd.code != m.rules.vintages.composite_code:
        return bad
    if cmd.code in trading(m).instruments:
        return Rejection(Code.DUPLICATE, f"instrument {cmd.code} is already listed", "code")
    if cmd.code == m.rules.vintages.composite_code:
        return Rejection(
            Code.INVALID_FIELD,
            f"code {cmd.code} is the composite price of the vintages, a statistic that is "
            "not tradable",
            "code",
        )
    return (InstrumentListed(cmd.code, cmd.product, cmd.reference_price),)


def list_due_vintages(m: MarketState, cmd: tc.ListDueVintages, ctx: Ctx) -> Result:
    """The vintages due by today (market time) per the schedule, not listed yet; none: nothing."""
    mr = m.rules
    t = trading(m)
    ref = cmd.reference_price
    if ref is not None:
        r = check_int(ref, "reference_price", Code.INVALID_PRICE, "a price in fen")
        if r:
            return r
    elif t.composite_bars:
        ref = t.composite_bars[-1].close
    else:
        ref = mr.trading.first_day_reference_fen
    today = ctx.now.astimezone(mr.calendar.tz).date()
    due = mr.vintages.due(today, list(t.instruments))
    return tuple(InstrumentListed(v.code, v.code, ref) for v in due)


def set_status(m: MarketState, cmd: tc.SetInstrumentStatus, ctx: Ctx) -> Result:
    inst = trading(m).instruments.get(cmd.code)
    if inst is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {cmd.code!r}", "code")
    if inst.suspended == bool(cmd.suspended):
        return ()
    return (InstrumentStatusChanged(cmd.code, bool(cmd.suspended), cmd.reason),)


def _new_order_checks(
    m: MarketState, cmd: tc.PostListing | tc.PlaceOrder, ctx: Ctx
) -> tuple[Side, tuple[Event, ...]] | Rejection:
    r = trading_account(m, cmd.account_id)
    if r:
        return r
    side = parse_side(cmd.side)
    if isinstance(side, Rejection):
        return side
    inst = m.trading.instruments.get(cmd.instrument)
    if inst is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {cmd.instrument!r}", "instrument")
    r = (
        check_int(cmd.price, "price", Code.INVALID_PRICE, "a price in fen (ticks of 0.01)")
        or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")
        or checks.check_not_suspended(inst.suspended, inst.code)
    )
    if r:
        return r
    mr = m.rules
    tr = mr.trading
    band = (
        price_band(inst.prev_close, tr.listing_band_bps, tr.tick_fen)
        if tr.listing_band_bps is not None
        else None
    )
    r = checks.check_listing_order(
        tr, mr.calendar, ctx.now, band, inst.prev_close, cmd.price, cmd.quantity
    )
    if r:
        return r
    opened = day_guard(m, ctx.now)
    if isinstance(opened, Rejection):
        return opened
    return side, opened


def lock_for(
    m: MarketState,
    side: Side,
    account_id: str,
    product: str,
    price: int,
    qty: int,
    ctx: Ctx,
    ref: str,
) -> tuple[tuple[Event, ...], int, int] | Rejection:
    """Lock what a resting buy or sell needs: (events, funds locked, from receivable)."""
    if side is BUY:
        notional = price * qty
        amount = notional + rules(m).fees.rate("listing", "buy").fee_bound(notional)
        locked = lock_funds(m, account_id, amount, ctx, ref)
        if isinstance(locked, Rejection):
            return locked
        return (locked[0],), amount, locked[1]
    have = registry_port.available(m, account_id, product)
    if have < qty:
        t = trading(m)
        bought = sum(
            x.quantity
            for x in t.unsettled.values()
            if x.buyer == account_id and t.instruments[x.instrument].product == product
        )
        why = (
            f" ({bought} t bought today are delivered at settlement and usable from the "
            "next trading day)"
            if bought
            else ""
        )
        return Rejection(
            Code.INSUFFICIENT_HOLDINGS,
            f"account {account_id} has {have} t of {product} available, needs {qty} t{why}",
            "quantity",
        )
    return (
        (
            move(
                ctx.ids.next("TX"),
                TxType.LOCK,
                account_id,
                product,
                Bucket.AVAILABLE,
                Bucket.LOCKED,
                qty,
                ref=ref,
            ),
        ),
        0,
        0,
    )


def post_listing(m: MarketState, cmd: tc.PostListing, ctx: Ctx) -> Result:
    if rules(m).trading.matching is not Matching.LISTING:
        return Rejection(
            Code.NOT_PERMITTED,
            "this market trades by continuous matching: send orders, not listings",
            None,
        )
    checked = _new_order_checks(m, cmd, ctx)
    if isinstance(checked, Rejection):
        return checked
    side, opened = checked
    product = trading(m).instruments[cmd.instrument].product
    if side is Side.BUY:
        r = check_position_limit(m, cmd.account_id, product, cmd.quantity)
        if r:
            return r
    lid = ctx.ids.next("L")
    locked = lock_for(m, side, cmd.account_id, product, cmd.price, cmd.quantity, ctx, lid)
    if isinstance(locked, Rejection):
        return locked
    events, amount, recv = locked
    return (
        *opened,
        *events,
        ListingPosted(
            lid, cmd.instrument, cmd.account_id, side, cmd.price, cmd.quantity, amount, recv, False
        ),
    )


def trade_events(
    m: MarketState,
    ctx: Ctx,
    wallets: Wallets,
    *,
    instrument: str,
    method: str,
    price: int,
    qty: int,
    buyer: str,
    seller: str,
    maker: Listing | None,
    maker_side: Side,
    buyer_locked: int,
) -> tuple[Event, ...] | Rejection:
    """Funds of one trade through the clearing account, then the trade itself.

    ``buyer_locked`` is how much of the buyer's payment may come from its locked bucket (a
    resting buy listing's lock); the rest comes from its buying power.
    """
    fees = m.rules.fees
    notional = price * qty
    fee_b = fees.fee(method, "buy", notional)
    fee_s = fees.fee(method, "sell", notional)
    paid = funds_port.trade_payment(
        m, wallets, buyer=buyer, seller=seller, notional=notional, fees=(fee_b, fee_s),
        buyer_locked=buyer_locked,
    )  # fmt: skip
    if isinstance(paid, Rejection):
        return paid
    postings, from_lock = paid
    tid = ctx.ids.next("T")
    return (
        funds_port.posted(ctx, "trade", postings, tid),
        TradeExecuted(
            tid,
            instrument,
            method,
            price,
            qty,
            buyer,
            seller,
            maker.listing_id if maker else "",
            maker_side,
            fee_b,
            fee_s,
            from_lock,
            _iso(ctx.now),
        ),
    )


_last_iso: tuple[datetime | None, str] = (None, "")
"""The last (time, ISO text) :func:`_iso` worked out: the trades of one command (and the commands
of one clock reading) share their time."""


def _iso(now: datetime) -> str:
    """``now.isoformat()``, worked out once per time."""
    global _last_iso
    last = _last_iso
    if last[0] is now:
        return last[1]
    text = now.isoformat()
    _last_iso = (now, text)  # one tuple: a reader sees the old entry or the new one whole
    return text


def finish_maker(maker: Listing, qty: int, lock_used: int, ctx: Ctx) -> tuple[Event, ...]:
    """A listing that the trade filled completely: release what is left of its lock."""
    left = maker.lock_left - lock_used
    recv_left = max(0, maker.lock_recv - lock_used)
    out: list[Event] = []
    if left > 0:
        out.append(
            release_funds(maker.account_id, left, min(recv_left, left), ctx, maker.listing_id)
        )
    out.append(ListingCancelled(maker.listing_id, 0, max(left, 0), "filled"))
    return tuple(out)


def take_listing(m: MarketState, cmd: tc.TakeListing, ctx: Ctx) -> Result:
    t = trading(m)
    maker = t.listings.get(cmd.listing_id) if isinstance(cmd.listing_id, str) else None
    if maker is None or maker.continuous:
        return Rejection(
            Code.UNKNOWN_LISTING,
            f"no listing {cmd.listing_id!r} (it may have been taken, cancelled or expired)",
            "listing_id",
        )
    r = trading_account(m, cmd.account_id) or check_int(
        cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes"
    )
    if r:
        return r
    inst = t.instruments[maker.instrument]
    r = checks.check_not_suspended(inst.suspended, inst.code)
    if r:
        return r
    mr = rules(m)
    book = t.books[maker.instrument]
    resting = book.get(maker.listing_id)
    assert resting is not None
    r = checks.check_take(
        mr.trading, mr.calendar, ctx.now, book, resting, cmd.account_id, cmd.quantity
    )
    if r:
        return r
    if maker.side is Side.SELL:
        r = check_position_limit(m, cmd.account_id, inst.product, cmd.quantity)
        if r:
            return r
    opened = day_guard(m, ctx.now)
    if isinstance(opened, Rejection):
        return opened
    qty, price = cmd.quantity, maker.price
    events: list[Event] = list(opened)
    if maker.side is Side.BUY:  # the taker sells: its allowances are locked until delivery
        locked = lock_for(
            m, Side.SELL, cmd.account_id, inst.product, price, qty, ctx, maker.listing_id
        )
        if isinstance(locked, Rejection):
            return locked
        events += locked[0]
        buyer, seller, buyer_locked = maker.account_id, cmd.account_id, maker.lock_left
    else:
        buyer, seller, buyer_locked = cmd.account_id, maker.account_id, 0
    trade = trade_events(
        m,
        ctx,
        Wallets(m),
        instrument=maker.instrument,
        method="listing",
        price=price,
        qty=qty,
        buyer=buyer,
        seller=seller,
        maker=maker,
        maker_side=maker.side,
        buyer_locked=buyer_locked,
    )
    if isinstance(trade, Rejection):
        return trade
    events += trade
    if qty == resting.remaining:
        used = trade[-1].buyer_lock_used if maker.side is Side.BUY else 0  # type: ignore[attr-defined]
        events += finish_maker(maker, qty, used, ctx)
    return tuple(events)


def cancel_listing(m: MarketState, cmd: tc.CancelListing, ctx: Ctx) -> Result:
    lst = m.trading.listings.get(cmd.listing_id) if isinstance(cmd.listing_id, str) else None
    if lst is None:
        return Rejection(
            Code.UNKNOWN_LISTING,
            f"no listing {cmd.listing_id!r} (it may have been taken, cancelled or expired)",
            "listing_id",
        )
    if lst.account_id != cmd.account_id:
        return Rejection(
            Code.NOT_PERMITTED, f"listing {cmd.listing_id} belongs to another account", "listing_id"
        )
    return release_listing(m, lst, "cancelled", ctx)


def release_listing(m: MarketState, lst: Listing, reason: str, ctx: Ctx) -> tuple[Event, ...]:
    """Take a listing off the book and release its lock (cancel or end-of-day expiry)."""
    t = m.trading
    resting = t.books[lst.instrument].get(lst.listing_id)
    remaining = resting.remaining if resting else 0
    events: list[Event] = []
    if lst.side is BUY:
        if lst.lock_left > 0:
            events.append(
                release_funds(
                    lst.account_id,
                    lst.lock_left,
                    min(lst.lock_recv, lst.lock_left),
                    ctx,
                    lst.listing_id,
                )
            )
    elif remaining:
        product = t.instruments[lst.instrument].product
        events.append(
            move(
                ctx.ids.next("TX"),
                TxType.UNLOCK,
                lst.account_id,
                product,
                Bucket.LOCKED,
                Bucket.AVAILABLE,
                remaining,
                ref=lst.listing_id,
            )
        )
    released = lst.lock_left if lst.side is BUY else 0
    events.append(ListingCancelled(lst.listing_id, remaining, released, reason))
    return tuple(events)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part

    handlers[tc.ListInstrument] = list_instrument
    handlers[tc.ListDueVintages] = list_due_vintages
    handlers[tc.SetInstrumentStatus] = set_status
    handlers[tc.PostListing] = post_listing
    handlers[tc.TakeListing] = take_listing
    handlers[tc.CancelListing] = cancel_listing
    for ev_t, fn in APPLIERS.items():
        appliers[ev_t] = apply_part("trading", fn)
