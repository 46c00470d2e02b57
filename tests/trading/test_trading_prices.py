"""Daily prices: open, high, low, close (listing VWAP), carry-forward, volumes per method."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openets.trading.prices import DayStats, composite
from openets.trading.rules import TradingMethod

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


LISTING, BLOCK, AUCTION = TradingMethod.LISTING, TradingMethod.BLOCK, TradingMethod.AUCTION


def test_open_is_the_first_listing_trade() -> None:
    day = DayStats()
    day.record(BLOCK, 5000, 200_000)
    day.record(LISTING, 5278, 160)
    day.record(LISTING, 5280, 10)
    assert day.bar(4800).open == 5278


def test_close_is_the_quantity_weighted_average_rounded_to_the_tick() -> None:
    day = DayStats()
    day.record(LISTING, 5000, 1)
    day.record(LISTING, 5001, 2)  # (5000 + 10002) / 3 = 5000.67
    assert day.close_or_carry(4800) == 5001


def test_close_rounds_half_up() -> None:
    day = DayStats()
    day.record(LISTING, 5000, 1)
    day.record(LISTING, 5001, 1)  # 5000.5
    assert day.close_or_carry(4800) == 5001


def test_close_rounds_to_a_coarser_tick() -> None:
    day = DayStats()
    day.record(LISTING, 5000, 1)
    day.record(LISTING, 5010, 1)  # 5005 on a 10 fen tick: half-up to 5010
    assert day.close_or_carry(4800, tick=10) == 5010


def test_no_listing_trade_carries_the_previous_close() -> None:
    bar = DayStats().bar(7831)
    assert (bar.open, bar.high, bar.low, bar.close) == (7831, 7831, 7831, 7831)
    assert not bar.traded and bar.change == 0


def test_block_trade_does_not_move_the_close() -> None:
    day = DayStats()
    day.record(BLOCK, 6000, 500_000)
    bar = day.bar(7831)
    assert bar.close == 7831 and bar.open == 7831
    assert (bar.block_volume, bar.block_turnover) == (500_000, 3_000_000_000)


def test_auction_trade_does_not_move_the_close() -> None:
    day = DayStats()
    day.record(LISTING, 5000, 10)
    day.record(AUCTION, 9000, 1_000)
    bar = day.bar(4800)
    assert (bar.open, bar.high, bar.low, bar.close) == (5000, 5000, 5000, 5000)
    assert (bar.auction_volume, bar.auction_turnover) == (1_000, 9_000_000)


def test_high_and_low_come_from_listing_trades_only() -> None:
    day = DayStats()
    for price in (5278, 5280, 4800, 5100):
        day.record(LISTING, price, 100)
    day.record(BLOCK, 9999, 100_000)
    day.record(BLOCK, 1, 100_000)
    bar = day.bar(4800)
    assert (bar.high, bar.low) == (5280, 4800)


def test_volume_and_turnover_are_kept_per_method() -> None:
    day = DayStats()
    day.record(LISTING, 5000, 10)
    day.record(BLOCK, 5100, 100_000)
    day.record(AUCTION, 5200, 7)
    bar = day.bar(4800)
    assert (bar.listing_volume, bar.listing_turnover) == (10, 50_000)
    assert bar.total_volume == 100_017
    assert bar.total_turnover == 50_000 + 510_000_000 + 36_400


def test_change_is_stated_in_basis_points_of_the_previous_close() -> None:
    day = DayStats()
    day.record(LISTING, 5123, 1)  # first day's close 51.23 on 48.00: +6.73%
    assert day.bar(4800).change_bps == 673


def test_composite_close_is_the_vwap_over_all_vintages() -> None:
    a, b = DayStats(), DayStats()
    a.record(LISTING, 6000, 100, seq=2)
    b.record(LISTING, 7000, 300, seq=1)
    b.record(BLOCK, 1, 100_000, seq=3)
    com = composite([a, b])
    assert com.close_or_carry(6500) == 6750  # (600,000 + 2,100,000) / 400
    bar = com.bar(6500)
    assert (bar.open, bar.high, bar.low) == (7000, 7000, 6000)  # b traded first (seq 1)
    assert bar.block_volume == 100_000


def test_composite_without_listing_trades_carries_its_previous_close() -> None:
    a = DayStats()
    a.record(BLOCK, 7000, 100_000)
    assert composite([a, DayStats()]).close_or_carry(7831) == 7831


@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 10**5)), min_size=1))
def test_close_lies_between_low_and_high(trades: list[tuple[int, int]]) -> None:
    day = DayStats()
    for price, qty in trades:
        day.record(LISTING, price, qty)
    bar = day.bar(4800)
    assert bar.low <= bar.close <= bar.high
    assert bar.listing_turnover == sum(p * q for p, q in trades)
