"""Closing a one-way bidding (单向竞价): the clearing of the sealed bids, one trade per winning
bid, every lock's remainder released. The market stability reserves act at the close (the
ECR withholds, the CCR adds supply): supervision's :class:`ContainmentReserves`, passed in
where the table is written (:mod:`openets.composition`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from openets.clearing.port import Wallets
from openets.domain.messages import Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.trading import auction as core
from openets.trading import checks
from openets.trading.auction import AuctionSide
from openets.trading.auction_book import OPEN, AuctionRecord
from openets.trading.auction_common import auction_record, release_all, relock
from openets.trading.auction_messages import (
    AuctionAllocated,
    AuctionLock,
    AuctionResultPublished,
    BidFill,
    CloseAuction,
)
from openets.trading.book import Side
from openets.trading.events import TradeExecuted
from openets.trading.service import trade_events
from openets.trading.service_checks import (
    day_guard,
    rules,
    trading,
)


class ContainmentReserves(Protocol):
    """The containment reserves at a government sale's close (supervision's port)."""

    def ecr_at_close(self, m: MarketState, a: AuctionRecord, ctx: Ctx) -> int: ...

    def ccr_at_close(self, m: MarketState, a: AuctionRecord, ctx: Ctx) -> int: ...

    def closing_record(self, a: AuctionRecord, withheld: int, added: int) -> AuctionRecord: ...

    def ecr_events(
        self, m: MarketState, a: AuctionRecord, withheld: int, ctx: Ctx
    ) -> tuple[Event, ...]: ...

    def ccr_events(
        self, m: MarketState, a: AuctionRecord, added: int, ctx: Ctx
    ) -> tuple[Event, ...]: ...

    def returned_at_close(
        self, m: MarketState, a: AuctionRecord, volume: int, ctx: Ctx
    ) -> tuple[Event, ...]: ...


def closing(reserves: ContainmentReserves) -> Callable[[MarketState, CloseAuction, Ctx], Result]:
    """The handler of :class:`CloseAuction`, with the containment reserves acting at the close."""

    def close(m: MarketState, cmd: CloseAuction, ctx: Ctx) -> Result:
        return _close(m, cmd, ctx, reserves)

    return close


def _close(m: MarketState, cmd: CloseAuction, ctx: Ctx, reserves: ContainmentReserves) -> Result:
    a = auction_record(m, cmd.auction_id)
    if isinstance(a, Rejection):
        return a
    if a.status != OPEN:
        return ()  # already closed: nothing to do twice
    withheld = reserves.ecr_at_close(m, a, ctx)
    added = 0 if withheld else reserves.ccr_at_close(m, a, ctx)
    closing = reserves.closing_record(a, withheld, added)
    result = core.close_auction(closing.spec, a.bids.values(), ctx.now, a.seed)
    if isinstance(result, Rejection):
        return result
    summary = result.summary
    if summary.outcome is core.AuctionOutcome.CANCELLED:
        back = reserves.returned_at_close(m, a, 0, ctx)  # a reserve's sale: back to the reserve
        return (*release_all(m, a, ctx), AuctionResultPublished(summary), *back)
    before = reserves.ccr_events(m, a, added, ctx) if added else ()
    cleared = _clear(m, closing, result, ctx)
    if isinstance(cleared, Rejection):
        return cleared
    after = reserves.ecr_events(m, a, withheld, ctx) if withheld else ()
    back = reserves.returned_at_close(m, closing, summary.volume, ctx)
    return (*before, *cleared, *after, *back)


def _clear(m: MarketState, a: AuctionRecord, result: core.AuctionResult, ctx: Ctx) -> Result:
    """One trade per winning bid, then every lock's remainder released."""
    inst = trading(m).instruments[a.spec.instrument]
    mr = rules(m)
    local = ctx.now.astimezone(mr.calendar.tz)
    if not mr.calendar.is_trading_day(local.date()):
        msg = f"auction trades settle on trading days; {local.date()} is not one"
        return Rejection(Code.MARKET_CLOSED, msg, None)
    r = checks.check_not_suspended(inst.suspended, inst.code)
    if r:
        return r
    opened = day_guard(m, ctx.now)
    if isinstance(opened, Rejection):
        return opened
    events: list[Event] = list(opened)
    wallets = Wallets(m)
    sell = a.spec.side is AuctionSide.SELL
    initiator = a.spec.initiator
    init_fen = a.lock.fen  # a buying initiator pays every trade from its lock
    fills: list[BidFill] = []
    releases: list[Event] = []
    for al in result.allocations:
        lk = a.bid_locks[al.bid_id]
        if al.allocated == 0 or al.price is None:
            fills.append(BidFill(al.bid_id, 0, None, ""))
            done = relock(m, al.bidder, a.product, lk, 0, 0, ctx, al.bid_id, wallets)
            assert not isinstance(done, Rejection)
            releases += done[0]
            continue
        trade = trade_events(
            m,
            ctx,
            wallets,
            instrument=inst.code,
            method="auction",
            price=al.price,
            qty=al.allocated,
            buyer=al.bidder if sell else initiator,
            seller=initiator if sell else al.bidder,
            maker=None,
            maker_side=Side.SELL if sell else Side.BUY,
            buyer_locked=lk.fen if sell else init_fen,
        )
        if isinstance(trade, Rejection):  # pragma: no cover - the locks cover every payment
            return trade
        executed = trade[-1]
        assert isinstance(executed, TradeExecuted)
        events += trade
        fills.append(BidFill(al.bid_id, al.allocated, al.price, executed.trade_id))
        used = executed.buyer_lock_used
        if sell:  # the bidder paid from its lock: release what is left
            left = AuctionLock(lk.fen - used, max(0, lk.recv_fen - used), 0)
            done = relock(m, al.bidder, a.product, left, 0, 0, ctx, al.bid_id, wallets)
        else:  # the bidder's allocated tonnes stay locked for delivery
            init_fen -= used
            left = AuctionLock(0, 0, lk.tonnes - al.allocated)
            done = relock(m, al.bidder, a.product, left, 0, 0, ctx, al.bid_id, wallets)
        assert not isinstance(done, Rejection)
        releases += done[0]
    if sell:
        init_left = AuctionLock(0, 0, a.lock.tonnes - result.initiator.volume)
    else:
        used_all = a.lock.fen - init_fen
        init_left = AuctionLock(init_fen, max(0, a.lock.recv_fen - used_all), 0)
    done = relock(m, initiator, a.product, init_left, 0, 0, ctx, a.spec.auction_id, wallets)
    assert not isinstance(done, Rejection)
    events += releases
    events += done[0]
    events.append(AuctionAllocated(a.spec.auction_id, tuple(fills)))
    events.append(AuctionResultPublished(result.summary))
    return tuple(events)
