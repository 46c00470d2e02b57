"""Read the trading state into response bodies (shared by the trading, market and feed routes).

Public views (depth, tape, bars, the ticker) carry prices, quantities and times only, never an
account; a trade is shown with an account only to that account (:func:`trade_out`).
"""

from __future__ import annotations

from typing import Literal

import orjson

from openets.api.schemas.common import yuan
from openets.api.schemas.trading import (
    BarOut,
    DepthOut,
    InstrumentOut,
    LevelOut,
    ListingOut,
    MethodVolumeOut,
    TapeTradeOut,
    TickerRow,
    TradeOut,
)
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.presets import MarketRules
from openets.trading.bands import price_band
from openets.trading.book import Level, Side
from openets.trading.events import CompositeClosed, DayClosed, TradeExecuted
from openets.trading.prices import DayStats
from openets.trading.service_checks import rules
from openets.trading.state import Instrument, Listing, TradingState

SideName = Literal["buy", "sell"]


def trading_of(state: MarketState) -> TradingState:
    t: TradingState = state.trading
    return t


def market_rules(state: MarketState) -> MarketRules:
    return rules(state)


def side_name(side: Side | int) -> SideName:
    return "buy" if side == Side.BUY else "sell"


def instrument_or_rejection(state: MarketState, code: str) -> Instrument | Rejection:
    inst = trading_of(state).instruments.get(code)
    if inst is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {code!r}", "instrument")
    return inst


def _band(prev_close: int, bps: int | None, tick: int) -> tuple[str | None, str | None]:
    if bps is None or prev_close <= 0:
        return None, None
    low, high = price_band(prev_close, bps, tick)
    return yuan(low), yuan(high)


def instrument_out(state: MarketState, inst: Instrument) -> InstrumentOut:
    mr = market_rules(state)
    tr = mr.trading
    low, high = _band(inst.prev_close, tr.listing_band_bps, tr.tick_fen)
    block_low, block_high = _band(inst.prev_close, mr.block.band_bps, tr.tick_fen)
    return InstrumentOut(
        code=inst.code,
        product=inst.product,
        prev_close=yuan(inst.prev_close),
        band_low=low,
        band_high=high,
        block_band_low=block_low,
        block_band_high=block_high,
        tick=yuan(tr.tick_fen),
        suspended=inst.suspended,
    )


def remaining_of(t: TradingState, lst: Listing) -> int:
    resting = t.books[lst.instrument].get(lst.listing_id)
    return resting.remaining if resting is not None else 0


def listing_fields(t: TradingState, lst: Listing) -> dict[str, object]:
    """A listing's :class:`ListingOut` fields, in its order (the model, or the JSON body)."""
    return {
        "listing_id": lst.listing_id,
        "kind": "order" if lst.continuous else "listing",
        "status": "open",
        "account_id": lst.account_id,
        "instrument": lst.instrument,
        "side": side_name(lst.side),
        "price": yuan(lst.price),
        "quantity": lst.quantity,
        "remaining": remaining_of(t, lst),
        "locked": yuan(max(lst.lock_left, 0) if lst.side is Side.BUY else 0),
    }


def listing_out(t: TradingState, lst: Listing) -> ListingOut:
    return ListingOut(**listing_fields(t, lst))  # type: ignore[arg-type]


def listing_json(t: TradingState, lst: Listing) -> bytes:
    """The :class:`ListingOut` body, as pydantic writes it, without building the model (a
    command's answer; ``tests/api/test_api_answer_bodies.py`` holds the two equal)."""
    return orjson.dumps(listing_fields(t, lst))


def trade_fields(t: TradingState, ev: TradeExecuted, account_id: str) -> dict[str, object]:
    """``ev`` as ``account_id`` (its buyer or its seller) sees it: :class:`TradeOut`'s
    fields, in its order."""
    buying = ev.buyer == account_id
    side: SideName = "buy" if buying else "sell"
    role: Literal["maker", "taker"] | None = None
    if ev.maker_id:
        role = "maker" if side_name(ev.maker_side) == side else "taker"
    return {
        "trade_id": ev.trade_id,
        "account_id": account_id,
        "instrument": ev.instrument,
        "method": ev.method,
        "side": side,
        "role": role,
        "listing_id": ev.maker_id or None,
        "price": yuan(ev.price),
        "quantity": ev.quantity,
        "amount": yuan(ev.price * ev.quantity),
        "fee": yuan(ev.buyer_fee if buying else ev.seller_fee),
        "time": ev.time,
        "settled": ev.trade_id not in t.unsettled,
    }


def trade_out(t: TradingState, ev: TradeExecuted, account_id: str) -> TradeOut:
    """``ev`` as ``account_id`` (its buyer or its seller) sees it."""
    return TradeOut(**trade_fields(t, ev, account_id))  # type: ignore[arg-type]


def trade_json(t: TradingState, ev: TradeExecuted, account_id: str) -> bytes:
    """The :class:`TradeOut` body, as pydantic writes it, without building the model."""
    return orjson.dumps(trade_fields(t, ev, account_id))


def tape_out(ev: TradeExecuted) -> TapeTradeOut:
    return TapeTradeOut(
        trade_id=ev.trade_id,
        instrument=ev.instrument,
        price=yuan(ev.price),
        quantity=ev.quantity,
        time=ev.time,
        method=ev.method,
    )


def _levels(levels: tuple[Level, ...]) -> list[LevelOut]:
    return [LevelOut(price=yuan(x.price), quantity=x.quantity, count=x.orders) for x in levels]


def depth_out(state: MarketState, code: str, now: str) -> DepthOut:
    n = market_rules(state).trading.best_levels
    book = trading_of(state).books[code]
    return DepthOut(
        instrument=code,
        bids=_levels(book.best_levels(Side.BUY, n)),
        asks=_levels(book.best_levels(Side.SELL, n)),
        time=now,
    )


def _volume(volume: int, turnover: int) -> MethodVolumeOut:
    return MethodVolumeOut(volume=volume, turnover=yuan(turnover))


def closed_bar(ev: DayClosed | CompositeClosed) -> BarOut:
    """A closed day's bar (a vintage's or the composite's): with no listing trade its prices
    are the previous close carried."""
    by = {m: (v, f) for m, v, f in ev.volumes}
    pc = ev.prev_close
    traded = ev.open is not None
    lv, bv, av = (by.get(m, (0, 0)) for m in ("listing", "block", "auction"))
    return BarOut(
        day=ev.day,
        open=yuan(ev.open if ev.open is not None else pc),
        high=yuan(ev.high if ev.high is not None else pc),
        low=yuan(ev.low if ev.low is not None else pc),
        close=yuan(ev.close),
        prev_close=yuan(pc),
        traded=traded,
        volume=lv[0] + bv[0] + av[0],
        turnover=yuan(lv[1] + bv[1] + av[1]),
        listing=_volume(*lv),
        block=_volume(*bv),
        auction=_volume(*av),
        final=True,
    )


def running_bar(state: MarketState, code: str) -> BarOut | None:
    """The day in progress, from the engine's running statistics (None when no day is open)."""
    t = trading_of(state)
    st = t.stats.get(code)
    inst = t.instruments.get(code)
    if t.phase != "open" or st is None or inst is None:
        return None
    b = st.bar(inst.prev_close, market_rules(state).trading.tick_fen)
    return BarOut(
        day=t.day,
        open=yuan(b.open),
        high=yuan(b.high),
        low=yuan(b.low),
        close=yuan(b.close),
        prev_close=yuan(b.prev_close),
        traded=b.traded,
        volume=b.total_volume,
        turnover=yuan(b.total_turnover),
        listing=_volume(b.listing_volume, b.listing_turnover),
        block=_volume(b.block_volume, b.block_turnover),
        auction=_volume(b.auction_volume, b.auction_turnover),
        final=False,
    )


def _pct(change: int, base: int) -> str:
    """``change / base`` as a percentage with two places, half away from zero."""
    bps = (abs(change) * 20_000 // base + 1) // 2 if base > 0 else 0
    sign = "-" if change < 0 and bps else ""
    return f"{sign}{bps // 100}.{bps % 100:02d}%"


def last_price(t: TradingState, code: str) -> int | None:
    """The day's last listing trade price from the tape (None: none today)."""
    if t.phase == "idle":
        return None
    for ev in reversed(t.tape):
        if not ev.time.startswith(t.day):
            return None
        if ev.instrument == code and ev.method == "listing":
            return ev.price
    return None


def _closed_stats(ev: DayClosed) -> DayStats:
    """A closed day's figures as running statistics (what the ticker shows after the close)."""
    by = {m: (v, f) for m, v, f in ev.volumes}
    lv, bv, av = (by.get(m, (0, 0)) for m in ("listing", "block", "auction"))
    return DayStats(
        open=ev.open,
        high=ev.high,
        low=ev.low,
        listing_volume=lv[0],
        listing_turnover=lv[1],
        block_volume=bv[0],
        block_turnover=bv[1],
        auction_volume=av[0],
        auction_turnover=av[1],
    )


def _last_trade_of(t: TradingState, code: str, day: str) -> int | None:
    """The last listing trade price of ``day`` (None: no listing trade that day)."""
    for ev in reversed(t.tape):
        if ev.time[:10] < day:
            return None
        if ev.instrument == code and ev.method == "listing" and ev.time.startswith(day):
            return ev.price
    return None


def ticker_row(state: MarketState, inst: Instrument) -> TickerRow:
    t = trading_of(state)
    st = (t.stats.get(inst.code) if t.phase != "idle" else None) or DayStats()
    prev = inst.prev_close
    book = t.books.get(inst.code)
    last = last_price(t, inst.code)
    bars = t.bars.get(inst.code)
    if t.phase != "open" and bars and bars[-1].day == t.day:
        # once the day has closed (and until the next opens): the closed day's figures, its
        # previous close (the instrument's is already the day's close) and its last trade
        closed = bars[-1]
        prev, st = closed.prev_close, _closed_stats(closed)
        last = _last_trade_of(t, inst.code, closed.day)
    return TickerRow(
        instrument=inst.code,
        product=inst.product,
        day=t.day,
        last=yuan(last) if last is not None else None,
        prev_close=yuan(prev),
        change=yuan(last - prev) if last is not None else None,
        change_pct=_pct(last - prev, prev) if last is not None else None,
        open=yuan(st.open) if st.open is not None else None,
        high=yuan(st.high) if st.high is not None else None,
        low=yuan(st.low) if st.low is not None else None,
        volume=st.listing_volume + st.block_volume + st.auction_volume,
        turnover=yuan(st.listing_turnover + st.block_turnover + st.auction_turnover),
        best_bid=yuan(book.best_bid) if book and book.best_bid is not None else None,
        best_ask=yuan(book.best_ask) if book and book.best_ask is not None else None,
        suspended=inst.suspended,
    )
