"""Repo (碳回购, reference §10): a sale with an agreed repurchase date and price.

The seller proposes, the buyer accepts: the first leg trades at once; on or after the
repurchase date either party triggers the second leg, the buyer selling the same quantity back
at the agreed price. Both legs are ordinary trades through trading's port
(:func:`~openets.trading.port.trade_events`), paid through the clearing account and settled at
the end of the day like any other; supervision's port checks restrictions and position limits.

They are recorded with method ``block``: :class:`~openets.trading.prices.DayStats` counts only
the methods listing, block and auction (``TradingMethod(method)`` raises on anything else, and
that would happen while the trade is applied), and a repo leg is a negotiated off-screen trade,
which is what block trades are: they count in block volume and never set the open or close.
The first leg's price obeys the block band of its day; the second leg's price was fixed by the
agreement and is not checked again. The block minimum size does not apply to repos.
Pledges of allowances are the registry's (:mod:`openets.registry.pledge_service`).
"""

from __future__ import annotations

from openets.clearing.port import Wallets
from openets.domain.checks import check_int, checked_day
from openets.domain.messages import Ctx, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.supervision.port import (
    FINANCE_APPLIERS,
    PLEDGE_EVENTS,
    AcceptRepo,
    CancelRepo,
    ProposeRepo,
    RepoCancelled,
    RepoLegTraded,
    RepoProposed,
    RepoRecord,
    RepoStatus,
    RepurchaseRepo,
    check_account_restriction,
    check_position_limit,
    finance_appliers,
    repo,
)
from openets.trading.port import (
    Side,
    check_not_suspended,
    check_price_within_band,
    check_session_open,
    day_guard,
    instrument,
    lock_for,
    price_band,
    trade_events,
    trading_account,
)


def _can_trade(m: MarketState, account_id: str, name: str) -> Rejection | None:
    return trading_account(m, account_id, name) or check_account_restriction(
        m, account_id, "trading", name
    )


def propose_repo(m: MarketState, cmd: ProposeRepo, ctx: Ctx) -> Result:
    r = (
        _can_trade(m, cmd.seller, "seller")
        or _can_trade(m, cmd.buyer, "buyer")
        or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")
        or check_int(cmd.price, "price", Code.INVALID_PRICE, "a price in fen")
        or check_int(cmd.repurchase_price, "repurchase_price", Code.INVALID_PRICE, "fen")
    )
    if r:
        return r
    if cmd.seller == cmd.buyer:
        return Rejection(Code.SELF_TRADE, f"seller and buyer are both {cmd.buyer}", "buyer")
    if instrument(m, cmd.instrument) is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {cmd.instrument!r}", "instrument")
    due = checked_day(cmd.repurchase_date, "repurchase_date")
    if isinstance(due, Rejection):
        return due
    cal = m.rules.calendar
    today = ctx.now.astimezone(cal.tz).date()
    if due <= today or not cal.is_trading_day(due):
        return Rejection(
            Code.INVALID_FIELD,
            f"repurchase_date must be a trading day after {today}, was {cmd.repurchase_date}",
            "repurchase_date",
        )
    rid = ctx.ids.next("RP")
    return (
        RepoProposed(
            rid,
            cmd.seller,
            cmd.buyer,
            cmd.instrument,
            cmd.quantity,
            cmd.price,
            cmd.repurchase_price,
            due.isoformat(),
            ctx.actor,
            ctx.now.isoformat(),
        ),
    )


def _repo(m: MarketState, repo_id: object, status: RepoStatus) -> RepoRecord | Rejection:
    rec = repo(m, repo_id)
    if rec is None:
        return Rejection(Code.INVALID_FIELD, f"no repo {repo_id!r}", "repo_id")
    if rec.status is not status:
        return Rejection(
            Code.INVALID_STATE, f"repo {repo_id} is {rec.status.value}, not {status}", "repo_id"
        )
    return rec


def cancel_repo(m: MarketState, cmd: CancelRepo, ctx: Ctx) -> Result:
    rec = _repo(m, cmd.repo_id, RepoStatus.PROPOSED)
    if isinstance(rec, Rejection):
        return rec
    return (RepoCancelled(cmd.repo_id, cmd.reason, ctx.actor),)


def _leg(
    m: MarketState,
    rid: str,
    leg: int,
    seller: str,
    buyer: str,
    price: int,
    t: RepoProposed,
    ctx: Ctx,
) -> Result:
    """One leg: the seller's tonnes locked, the trade through the clearing account."""
    r = _can_trade(m, seller, "seller") or _can_trade(m, buyer, "buyer")
    if r:
        return r
    inst = instrument(m, t.instrument)
    if inst is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {t.instrument!r}", "repo_id")
    mr = m.rules
    r = check_not_suspended(inst.suspended, inst.code) or check_session_open(
        mr.calendar, ctx.now, mr.block.sessions, "block trading"
    )
    if r:
        return r
    band_bps = mr.block.band_bps
    if leg == 1 and band_bps is not None:
        band = price_band(inst.prev_close, band_bps, mr.trading.tick_fen)
        r = check_price_within_band(price, band, inst.prev_close)
        if r:
            return r
    if leg == 1:
        r = check_position_limit(m, buyer, inst.product, t.quantity)
        if r:
            return r
    opened = day_guard(m, ctx.now)
    if isinstance(opened, Rejection):
        return opened
    locked = lock_for(m, Side.SELL, seller, inst.product, price, t.quantity, ctx, rid)
    if isinstance(locked, Rejection):
        return locked
    trade = trade_events(
        m,
        ctx,
        Wallets(m),
        instrument=t.instrument,
        method="block",
        price=price,
        qty=t.quantity,
        buyer=buyer,
        seller=seller,
        maker=None,
        maker_side=Side.SELL,
        buyer_locked=0,
    )
    if isinstance(trade, Rejection):
        return trade
    tid = trade[-1].trade_id  # type: ignore[attr-defined]
    return (*opened, *locked[0], *trade, RepoLegTraded(rid, leg, tid))


def accept_repo(m: MarketState, cmd: AcceptRepo, ctx: Ctx) -> Result:
    rec = _repo(m, cmd.repo_id, RepoStatus.PROPOSED)
    if isinstance(rec, Rejection):
        return rec
    t = rec.terms
    if cmd.account_id != t.buyer:
        return Rejection(
            Code.NOT_PERMITTED, f"repo {cmd.repo_id} is offered to {t.buyer}", "account_id"
        )
    return _leg(m, cmd.repo_id, 1, t.seller, t.buyer, t.price, t, ctx)


def repurchase_repo(m: MarketState, cmd: RepurchaseRepo, ctx: Ctx) -> Result:
    rec = _repo(m, cmd.repo_id, RepoStatus.OPEN)
    if isinstance(rec, Rejection):
        return rec
    t = rec.terms
    today = ctx.now.astimezone(m.rules.calendar.tz).date().isoformat()
    if today < t.repurchase_date:
        return Rejection(
            Code.INVALID_STATE,
            f"repo {cmd.repo_id} is repurchased on {t.repurchase_date}, today is {today}",
            "repo_id",
        )
    return _leg(m, cmd.repo_id, 2, t.buyer, t.seller, t.repurchase_price, t, ctx)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    """The repo commands and the appliers of the repos' events."""
    handlers[ProposeRepo] = propose_repo
    handlers[CancelRepo] = cancel_repo
    handlers[AcceptRepo] = accept_repo
    handlers[RepurchaseRepo] = repurchase_repo
    appliers.update(finance_appliers(e for e in FINANCE_APPLIERS if e not in PLEDGE_EVENTS))
