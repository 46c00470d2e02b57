"""Daily prices and volumes per instrument, and the composite across vintages (COMCEA).

The exchange's rules (cn-ets-rules §3.1, §4, [V]):

- open = the price of the day's first listing (挂牌协议) trade;
- close = the quantity-weighted average price of all the day's listing trades (rounded here
  half-up to the tick, the rounding is [U]);
- with no listing trade, open and close are the previous close, carried forward;
- block (大宗协议) and auction (单向竞价) trades count in volume and turnover of their own
  method but never set the open, high, low or close.

The composite (综合价格行情) pools every vintage's listing trades: its close is the volume-weighted
average over all of them (the exact definition is [U]). Integer arithmetic only: prices in fen,
quantities in tonnes, turnover in fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openets.domain.money import round_half_up_div
from openets.trading.rules import TradingMethod


@dataclass(frozen=True, slots=True)
class DailyBar:
    """One instrument's (or the composite's) published figures for one trading day."""

    prev_close: int
    open: int
    high: int
    low: int
    close: int
    listing_trades: int
    listing_volume: int
    listing_turnover: int
    block_volume: int
    block_turnover: int
    auction_volume: int
    auction_turnover: int

    @property
    def traded(self) -> bool:
        """True if a listing trade set the prices (False: the previous close was carried)."""
        return self.listing_trades > 0

    @property
    def change(self) -> int:
        """Close minus previous close, in fen."""
        return self.close - self.prev_close

    @property
    def change_bps(self) -> int:
        """The close's change on the previous close in basis points, half-up (+6.73% = 673)."""
        return round_half_up_div((self.close - self.prev_close) * 10_000, self.prev_close)

    @property
    def total_volume(self) -> int:
        return self.listing_volume + self.block_volume + self.auction_volume

    @property
    def total_turnover(self) -> int:
        return self.listing_turnover + self.block_turnover + self.auction_turnover


@dataclass(slots=True)
class DayStats:
    """One instrument's trading day, accumulated trade by trade (engine state, hence mutable).

    ``first_seq`` is the sequence number (e.g. the journal's) of the first listing trade, so the
    composite can tell which vintage traded first.
    """

    open: int | None = None
    high: int | None = None
    low: int | None = None
    first_seq: int | None = None
    listing_trades: int = 0
    listing_volume: int = 0
    listing_turnover: int = 0
    block_volume: int = 0
    block_turnover: int = 0
    auction_volume: int = 0
    auction_turnover: int = 0

    def record(self, method: TradingMethod, price: int, qty: int, seq: int = 0) -> None:
        """Add one trade of ``qty`` tonnes at ``price`` fen."""
        if price <= 0 or qty <= 0:
            raise ValueError(f"a trade needs a positive price and quantity, was {price} x {qty}")
        turnover = price * qty
        if method is TradingMethod.LISTING:
            if self.open is None:
                self.open = self.high = self.low = price
                self.first_seq = seq
            else:
                assert self.high is not None and self.low is not None
                if price > self.high:
                    self.high = price
                if price < self.low:
                    self.low = price
            self.listing_trades += 1
            self.listing_volume += qty
            self.listing_turnover += turnover
        elif method is TradingMethod.BLOCK:
            self.block_volume += qty
            self.block_turnover += turnover
        elif method is TradingMethod.AUCTION:
            self.auction_volume += qty
            self.auction_turnover += turnover
        else:  # pragma: no cover - the enum is closed
            raise ValueError(f"unknown trading method {method!r}")

    def close_or_carry(self, prev_close: int, tick: int = 1) -> int:
        """The day's close: the listing VWAP rounded half-up to the tick, else ``prev_close``."""
        if not self.listing_volume:
            return prev_close
        return round_half_up_div(self.listing_turnover, self.listing_volume * tick) * tick

    def bar(self, prev_close: int, tick: int = 1) -> DailyBar:
        """The day's published figures; with no listing trade every price is ``prev_close``."""
        close = self.close_or_carry(prev_close, tick)
        return DailyBar(
            prev_close=prev_close,
            open=prev_close if self.open is None else self.open,
            high=prev_close if self.high is None else self.high,
            low=prev_close if self.low is None else self.low,
            close=close,
            listing_trades=self.listing_trades,
            listing_volume=self.listing_volume,
            listing_turnover=self.listing_turnover,
            block_volume=self.block_volume,
            block_turnover=self.block_turnover,
            auction_volume=self.auction_volume,
            auction_turnover=self.auction_turnover,
        )


def composite(stats: Iterable[DayStats]) -> DayStats:
    """The composite of several vintages' days (COMCEA): pooled trades, volume-weighted close.

    Open is the first listing trade across vintages by ``first_seq`` (ties: the earlier in
    ``stats``); high and low are the extremes; volumes and turnovers add up. Its
    :meth:`DayStats.close_or_carry` is then the VWAP of all the vintages' listing trades.
    """
    out = DayStats()
    for s in stats:
        if s.open is not None:
            assert s.high is not None and s.low is not None and s.first_seq is not None
            if out.first_seq is None or s.first_seq < out.first_seq:
                out.open, out.first_seq = s.open, s.first_seq
            out.high = s.high if out.high is None else max(out.high, s.high)
            out.low = s.low if out.low is None else min(out.low, s.low)
        out.listing_trades += s.listing_trades
        out.listing_volume += s.listing_volume
        out.listing_turnover += s.listing_turnover
        out.block_volume += s.block_volume
        out.block_turnover += s.block_turnover
        out.auction_volume += s.auction_volume
        out.auction_turnover += s.auction_turnover
    return out
