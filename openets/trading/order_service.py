"""The continuous-auction preset's limit orders: an order walks the book once, trades with the
makers it reaches (each trade through :func:`openets.trading.service.trade_events`), and rests
what is left with its lock."""

from __future__ import annotations

from openets.clearing.port import Wallets, lock_event
from openets.domain.messages import Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.supervision.port import check_position_limit
from openets.trading import commands as tc
from openets.trading.book import BUY, SELL, Fill, Side
from openets.trading.events import (
    ListingPosted,
)
from openets.trading.rules import Matching
from openets.trading.service import _new_order_checks, finish_maker, lock_for, trade_events
from openets.trading.service_checks import rules

_CONTINUOUS = Matching.CONTINUOUS  # a constant: looking a member up on its enum is slower


def place_order(m: MarketState, cmd: tc.PlaceOrder, ctx: Ctx) -> Result:
    """A continuous-market limit order: match against the book, rest what is left."""
    if m.rules.trading.matching is not _CONTINUOUS:
        return Rejection(
            Code.NOT_PERMITTED,
            "this market trades by listing agreement: post a listing or take one",
            None,
        )
    checked = _new_order_checks(m, cmd, ctx)
    if isinstance(checked, Rejection):
        return checked
    side, opened = checked
    t = m.trading
    book = t.books[cmd.instrument]
    product = t.instruments[cmd.instrument].product
    if side is BUY:
        r = check_position_limit(m, cmd.account_id, product, cmd.quantity)
        if r:
            return r
    fills = book.crossing(side, cmd.price, cmd.quantity)
    filled = 0
    for f in fills:
        filled += f[3]
    oid = ctx.ids.next("O")
    events: list[Event] = list(opened)
    wallets = Wallets(m)
    if side is SELL:  # lock everything the order may sell
        locked = lock_for(m, SELL, cmd.account_id, product, cmd.price, cmd.quantity, ctx, oid)
        if isinstance(locked, Rejection):
            return locked
        events += locked[0]
    made = _fill_events(m, ctx, wallets, cmd, side, fills) if fills else ()
    if isinstance(made, Rejection):
        return made
    events += made
    rest = cmd.quantity - filled
    if rest:
        lock, recv = 0, 0
        if side is BUY:
            notional = cmd.price * rest
            lock = notional + rules(m).fees.rate("listing", "buy").fee_bound(notional)
            spent = wallets.spend(cmd.account_id, lock)
            if isinstance(spent, Rejection):
                return spent
            recv = spent[1]
            events.append(lock_event(cmd.account_id, spent, ctx, oid))
        events.append(
            ListingPosted(
                oid, cmd.instrument, cmd.account_id, side, cmd.price, rest, lock, recv, True
            )
        )
    return tuple(events)


def _fill_events(
    m: MarketState,
    ctx: Ctx,
    wallets: Wallets,
    cmd: tc.PlaceOrder,
    side: Side,
    fills: list[Fill[str]],
) -> list[Event] | Rejection:
    """The trades of an incoming continuous order against the makers it reaches."""
    t = m.trading
    events: list[Event] = []
    for maker_id, maker_acct, price, qty, maker_left in fills:
        maker = t.listings[maker_id]
        if maker_acct == cmd.account_id and rules(m).trading.prevent_self_trade:
            return Rejection(
                Code.SELF_TRADE,
                f"the order would trade with the account's own order {maker_id} "
                f"at {format_yuan(price)} yuan",
                "price",
            )
        buyer, seller = (
            (cmd.account_id, maker_acct) if side is BUY else (maker_acct, cmd.account_id)
        )
        trade = trade_events(
            m,
            ctx,
            wallets,
            instrument=cmd.instrument,
            method="listing",
            price=price,
            qty=qty,
            buyer=buyer,
            seller=seller,
            maker=maker,
            maker_side=maker.side,
            buyer_locked=maker.lock_left if side is SELL else 0,
        )
        if isinstance(trade, Rejection):
            return trade
        events += trade
        if maker_left == 0:
            used = trade[-1].buyer_lock_used if side is SELL else 0  # type: ignore[attr-defined]
            events += finish_maker(maker, qty, used, ctx)
    return events


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[tc.PlaceOrder] = place_order
