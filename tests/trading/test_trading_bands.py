"""Price bands: ±X% of the previous close, half-up to the tick."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openets.trading.bands import in_band, price_band

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def test_listing_band_of_a_48_yuan_close_is_43_20_to_52_80() -> None:
    assert price_band(4800, 1000) == (4320, 5280)


def test_block_band_of_a_48_yuan_close_is_33_60_to_62_40() -> None:
    assert price_band(4800, 3000) == (3360, 6240)


def test_band_limits_round_half_up_to_the_fen() -> None:
    assert price_band(4805, 1000) == (4325, 5286)  # 4324.5 and 5285.5


def test_band_limits_round_half_up_to_a_coarser_tick() -> None:
    assert price_band(4805, 1000, tick_fen=5) == (4325, 5285)  # 4324.5 and 5285.5 on a 5 tick


def test_lower_band_is_at_least_one_tick() -> None:
    assert price_band(1, 1000) == (1, 1)
    assert price_band(3, 10_000, tick_fen=2) == (2, 6)


def test_band_is_never_empty() -> None:
    assert price_band(1, 0, tick_fen=5) == (5, 5)


def test_band_ends_are_inside_the_band() -> None:
    low, high = price_band(4800, 1000)
    assert in_band(low, (low, high)) and in_band(high, (low, high))
    assert not in_band(high + 1, (low, high)) and not in_band(low - 1, (low, high))


@given(st.integers(1, 10**6), st.integers(0, 10_000), st.sampled_from([1, 5, 10, 100]))
def test_band_limits_are_on_tick_and_within_half_a_tick_of_the_exact_limits(
    ticks: int, bps: int, tick: int
) -> None:
    prev = ticks * tick  # a close is on the tick
    low, high = price_band(prev, bps, tick)
    assert low % tick == 0 and high % tick == 0 and tick <= low <= high
    assert abs(high * 10_000 - prev * (10_000 + bps)) * 2 <= tick * 10_000
    if low > tick:
        assert abs(low * 10_000 - prev * (10_000 - bps)) * 2 <= tick * 10_000
