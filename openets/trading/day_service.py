"""Closing the trading day: stop trading, expire the listings, fix the daily prices.

``CloseDay`` is the first of the end of day's three commands; clearing settles the day's
trades and rolls the day after it (:mod:`openets.clearing.settlement_service`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.trading.block_service import expire_block_requests
from openets.trading.events import CompositeClosed, DayClosed, DayOpened
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


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[CloseDay] = close_day
