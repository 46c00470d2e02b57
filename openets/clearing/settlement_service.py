"""End of day: close the market, fix daily prices, settle every trade DvP, roll the day.

Three commands, each atomic and idempotent, so that a crash anywhere loses nothing and a
rerun finishes the job (:func:`openets.ops.eod.run_end_of_day` drives them):

1. ``CloseDay``: stop trading, expire every listing (locks released), fix each instrument's
   open, high, low, close and volumes.
2. ``SettleTrades``: trade by trade, gross, delivery versus payment: the seller's locked
   allowances go to the buyer's pending-delivery bucket and the fees leave the clearing
   account for the fee-income account, one registry and one fund transaction per trade
   through the ledgers' posting path (statements show them), journaled in batches of
   ``limit`` (:class:`~openets.clearing.settlement.TradesSettled`).
3. ``FinishDay``: reconcile (the clearing account is empty, every trade has its delivery),
   then roll pending deliveries and receivables to available for the next trading day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.clearing.port import system_fund_account
from openets.clearing.settlement import Delivery, TradesSettled
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.market import Applier, Handler, MarketState
from openets.registry.events import LedgerPosted
from openets.registry.model import Bucket, Posting, SystemRole, TxType
from openets.trading.events import CompositeClosed, DayClosed, DayFinished, DayOpened
from openets.trading.prices import DayStats, composite
from openets.trading.rules import TradingMethod
from openets.trading.service import release_listing
from openets.trading.service_checks import rules, trading
from openets.trading.vintages import CompositeMethod, Ohlc, weighted_average, weighted_bar


@dataclass(frozen=True, slots=True)
class CloseDay(Command):
    """Stop trading for today (after the last session), expire listings, fix daily prices."""

    force: bool = False
    """Close even during a session (an emergency halt by the exchange)."""


@dataclass(frozen=True, slots=True)
class SettleTrades(Command):
    limit: int = 10_000


@dataclass(frozen=True, slots=True)
class FinishDay(Command):
    pass


def close_day(m: MarketState, cmd: CloseDay, ctx: Ctx) -> Result:
    t = trading(m)
    mr = rules(m)
    cal = mr.calendar
    local = ctx.now.astimezone(cal.tz)
    today = local.date().isoformat()
    events: list[Event] = []
    if t.phase == "closed" or (t.phase == "idle" and t.day == today):
        return ()  # already closed: nothing to do twice
    if t.phase == "idle" and not t.instruments:
        return ()  # nothing listed: no day to open or close
    if t.phase == "idle":
        if not cal.is_trading_day(local.date()):
            return Rejection(Code.MARKET_CLOSED, f"{today} is not a trading day", None)
        events.append(DayOpened(today))
    day = t.day if t.phase == "open" else today
    last_end = max(end for _, end in mr.trading.listing_sessions)
    if day == today and local.time() < last_end and not cmd.force:
        return Rejection(
            Code.INVALID_STATE,
            f"the session runs until {last_end:%H:%M}; close "
            "the day after it (or force an emergency close)",
            "force",
        )
    for lst in list(t.listings.values()):
        events += release_listing(m, lst, "expired", ctx)
    from openets.trading.block_service import expire_block_requests

    events += expire_block_requests(m, ctx)
    tick = mr.trading.tick_fen
    for code in sorted(t.instruments):
        inst = t.instruments[code]
        st = t.stats.get(code) or DayStats()
        bar = st.bar(inst.prev_close, tick)
        vols = tuple(
            (meth.value, vol, turn)
            for meth, vol, turn in (
                (TradingMethod.LISTING, bar.listing_volume, bar.listing_turnover),
                (TradingMethod.BLOCK, bar.block_volume, bar.block_turnover),
                (TradingMethod.AUCTION, bar.auction_volume, bar.auction_turnover),
            )
        )
        events.append(
            DayClosed(day, code, st.open, st.high, st.low, bar.close, inst.prev_close, vols)
        )
    closed = [e for e in events if isinstance(e, DayClosed)]
    if closed:
        events.append(composite_of_day(m, day, closed))
    return tuple(events)


def composite_of_day(m: MarketState, day: str, closed: list[DayClosed]) -> CompositeClosed:
    """The composite (COMCEA) of the day from the vintages' bars, by the stage of the market's
    :class:`~openets.trading.vintages.VintageRules` in force that day (rounding half-up to the
    tick). Its previous close is its last close; on its first day the stage's average of the
    vintages' previous closes (pooled: the first listed vintage's)."""
    t = trading(m)
    vr = rules(m).vintages
    tick = rules(m).trading.tick_fen
    stage = vr.stage_on(date.fromisoformat(day))
    by = {e.instrument: e for e in closed}
    volumes = tuple(
        (meth, sum(v for e in closed for mm, v, _ in e.volumes if mm == meth),
         sum(f for e in closed for mm, _, f in e.volumes if mm == meth))
        for meth in (x.value for x in TradingMethod)
    )  # fmt: skip
    weights = tuple((c, p) for c, p in stage.weights if c in by)
    prev = t.composite_bars[-1].close if t.composite_bars else None
    if stage.method is CompositeMethod.WEIGHTED and weights:
        ohlc = {c: Ohlc(e.open, e.high, e.low, e.close) for c, e in by.items()}
        got = weighted_bar(weights, ohlc, tick)
        assert got is not None
        if prev is None:
            prev = weighted_average([(p, by[c].prev_close) for c, p in weights], tick)
        return CompositeClosed(
            day, vr.composite_code, got.open, got.high, got.low, got.close, prev, volumes,
            CompositeMethod.WEIGHTED.value, weights,
        )  # fmt: skip
    order = [c for c in t.instruments if c in by]  # listing order
    pooled = composite(t.stats.get(c) or DayStats() for c in order)
    if prev is None:
        prev = by[order[0]].prev_close
    close = pooled.close_or_carry(prev, tick)
    return CompositeClosed(
        day, vr.composite_code, pooled.open, pooled.high, pooled.low, close, prev, volumes,
        CompositeMethod.POOLED.value, tuple((c, 1) for c in order),
    )  # fmt: skip


def settle_trades(m: MarketState, cmd: SettleTrades, ctx: Ctx) -> Result:
    t = trading(m)
    if t.phase != "closed":
        return (
            ()
            if t.phase == "idle"
            else Rejection(Code.INVALID_STATE, f"close the day {t.day} before settling it", None)
        )
    if isinstance(cmd.limit, bool) or not isinstance(cmd.limit, int) or cmd.limit <= 0:
        return Rejection(
            Code.INVALID_FIELD, f"limit must be a positive integer, was {cmd.limit!r}", "limit"
        )
    clearing = system_fund_account(m, SystemRole.EXCHANGE_CLEARING)
    fee_income = system_fund_account(m, SystemRole.FEE_INCOME)
    products = {code: inst.product for code, inst in t.instruments.items()}
    deliveries = []
    nxt = ctx.ids.next
    for n, trade in enumerate(t.unsettled.values()):
        if n == cmd.limit:
            break
        deliveries.append(
            Delivery(
                trade.trade_id,
                nxt("TX"),
                products[trade.instrument],
                trade.seller,
                trade.buyer,
                trade.quantity,
                trade.buyer_fee + trade.seller_fee,
            )
        )
    if not deliveries:
        return ()
    return (TradesSettled(t.day, clearing, fee_income, tuple(deliveries)),)


def apply_settled(m: MarketState, ev: TradesSettled) -> None:
    """Each delivery through the ledgers' one posting path: the registry's DELIVERY
    transaction (seller's locked -> buyer's pending), the fees' fund transaction (clearing ->
    fee income); then the trade leaves the day's unsettled trades."""
    post, post_funds, settle = m.registry.post, m.funds.post, trading(m).settle
    fee_postings = ev.fee_postings
    for d in ev.deliveries:
        post(d.tx_id, TxType.DELIVERY, d.postings(), d.trade_id)
        if d.fees:
            post_funds(fee_postings(d))
        settle(d.trade_id)


def finish_day(m: MarketState, cmd: FinishDay, ctx: Ctx) -> Result:
    t = trading(m)
    if t.phase == "idle":
        return ()
    if t.phase != "closed":
        return Rejection(Code.INVALID_STATE, f"close the day {t.day} before finishing it", None)
    if t.unsettled:
        return Rejection(
            Code.INVALID_STATE, f"{len(t.unsettled)} trades of {t.day} are not settled yet", None
        )
    clearing = system_fund_account(m, SystemRole.EXCHANGE_CLEARING)
    left = m.funds.of(clearing)
    if any(left):
        return Rejection(
            Code.INVALID_STATE,
            f"reconciliation failed: the clearing account still holds "
            f"{format_yuan(sum(left))} yuan after settlement",
            None,
        )
    events: list[Event] = []
    roll = tuple(
        p
        for (acct, prod), b in sorted(m.registry.holdings.items())
        if b[Bucket.PENDING]
        for p in (
            Posting(acct, prod, Bucket.PENDING, -b[Bucket.PENDING]),
            Posting(acct, prod, Bucket.AVAILABLE, b[Bucket.PENDING]),
        )
    )
    if roll:
        events.append(
            LedgerPosted(
                ctx.ids.next("TX"),
                TxType.ROLL,
                roll,
                t.day,
                "pending deliveries usable from the next trading day",
            )
        )
    recv = tuple(
        p
        for acct, b in sorted(m.funds.balances.items())
        if b[FundBucket.RECEIVABLE]
        for p in (
            FundPosting(acct, FundBucket.RECEIVABLE, -b[FundBucket.RECEIVABLE]),
            FundPosting(acct, FundBucket.AVAILABLE, b[FundBucket.RECEIVABLE]),
        )
    )
    if recv:
        events.append(FundsPosted(ctx.ids.next("F"), "settled_proceeds", recv, t.day))
    events.append(DayFinished(t.day))
    return tuple(events)


def register(handlers: dict[type, Handler], appliers: dict[type, Applier]) -> None:
    handlers.update({CloseDay: close_day, SettleTrades: settle_trades, FinishDay: finish_day})
    appliers[TradesSettled] = apply_settled
