"""Pre-trade checks, one rule each, with the examples of the national market."""

from __future__ import annotations

from datetime import datetime

import pytest

from openets.domain.clock import BEIJING
from openets.domain.rejection import Code, Rejection
from openets.trading.bands import price_band
from openets.trading.block import CN_BLOCK_RULES
from openets.trading.book import BUY, SELL, OrderBook
from openets.trading.calendar import TradingCalendar, WeekdayCalendar
from openets.trading.checks import (
    check_listing_order,
    check_no_self_take,
    check_not_suspended,
    check_price_on_tick,
    check_price_within_band,
    check_quantity_within_range,
    check_session_open,
    check_take,
    check_take_within_best_levels,
    check_take_within_remaining,
)
from openets.trading.rules import CN_TRADING_RULES, EU_LIKE_TRADING_RULES

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


RULES = CN_TRADING_RULES
CAL = TradingCalendar()
OPEN = datetime(2021, 7, 16, 10, 0, tzinfo=BEIJING)
BAND = price_band(4800, RULES.listing_band_bps or 0)


def _listing(price: int = 5000, qty: int = 100) -> Rejection | None:
    return check_listing_order(RULES, CAL, OPEN, BAND, 4800, price, qty)


def test_listing_at_the_upper_band_52_80_is_accepted() -> None:
    assert _listing(price=5280) is None


def test_listing_price_above_upper_band_is_rejected() -> None:
    r = check_price_within_band(5281, BAND, 4800)
    assert r is not None and r.code is Code.PRICE_OUT_OF_BAND and r.field == "price"
    assert "52.81" in r.message and "43.20..52.80" in r.message and "48.00" in r.message


def test_listing_price_below_lower_band_is_rejected() -> None:
    r = _listing(price=4319)
    assert r is not None and r.code is Code.PRICE_OUT_OF_BAND


def test_listing_price_off_the_tick_is_rejected() -> None:
    r = check_price_on_tick(5005, 10)
    assert r is not None and r.code is Code.TICK_SIZE and r.field == "price"


def test_listing_price_of_zero_is_rejected() -> None:
    r = check_price_on_tick(0, 1)
    assert r is not None and r.code is Code.INVALID_PRICE


def test_listing_quantity_of_100000_is_rejected() -> None:
    r = _listing(qty=100_000)
    assert r is not None and r.code is Code.QUANTITY_OUT_OF_RANGE and r.field == "quantity"
    assert "100000" in r.message and "1..99999" in r.message


def test_listing_quantity_of_99999_is_accepted() -> None:
    assert check_quantity_within_range(99_999, 1, 99_999) is None


def test_listing_quantity_of_zero_is_rejected() -> None:
    r = check_quantity_within_range(0, 1, 99_999)
    assert r is not None and r.code is Code.QUANTITY_OUT_OF_RANGE


def test_block_quantity_below_100000_is_rejected() -> None:
    r = check_quantity_within_range(99_999, CN_BLOCK_RULES.min_qty, CN_BLOCK_RULES.max_qty)
    assert r is not None and "at least 100000 t" in r.message


def test_listing_on_a_weekend_is_rejected_as_market_closed() -> None:
    r = check_session_open(
        CAL, datetime(2021, 7, 17, 10, 0, tzinfo=BEIJING), RULES.listing_sessions
    )
    assert r is not None and r.code is Code.MARKET_CLOSED and "not a trading day" in r.message


def test_listing_on_national_day_is_rejected_as_market_closed() -> None:
    r = check_session_open(
        CAL, datetime(2021, 10, 1, 10, 0, tzinfo=BEIJING), RULES.listing_sessions
    )
    assert r is not None and r.code is Code.MARKET_CLOSED and "2021-10-01" in r.message


def test_listing_at_noon_is_rejected_as_market_closed() -> None:
    r = check_session_open(
        CAL, datetime(2021, 7, 16, 12, 0, tzinfo=BEIJING), RULES.listing_sessions
    )
    assert r is not None and r.code is Code.MARKET_CLOSED
    assert "12:00:00" in r.message and "09:30-11:30, 13:00-15:00" in r.message


def test_block_request_in_the_morning_is_rejected_as_market_closed() -> None:
    r = check_session_open(CAL, OPEN, CN_BLOCK_RULES.sessions, "block trading")
    assert r is not None and "block trading hours 13:00-15:00" in r.message


def test_listing_during_the_session_is_accepted() -> None:
    assert _listing() is None


def test_eu_like_preset_has_no_band_to_check() -> None:
    cal = WeekdayCalendar(EU_LIKE_TRADING_RULES.timezone)
    when = datetime(2021, 7, 16, 10, 0, tzinfo=cal.tz)
    r = check_listing_order(EU_LIKE_TRADING_RULES, cal, when, None, 4800, 99_999_99, 1_000_000)
    assert r is None


def _book() -> OrderBook[str]:
    book: OrderBook[str] = OrderBook()
    for i in range(7):
        book.post(f"L{i}", "S", SELL, 5000 + i, 100)
    book.post("L9", "S2", SELL, 5000, 100)
    return book


def test_take_within_the_best_five_is_accepted() -> None:
    book = _book()
    listing = book.get("L4")
    assert listing is not None
    assert check_take(RULES, CAL, OPEN, book, listing, "B", 100) is None


def test_take_beyond_the_best_five_is_rejected() -> None:
    book = _book()
    listing = book.get("L5")
    assert listing is not None
    r = check_take_within_best_levels(book, listing, 5)
    assert r is not None and r.code is Code.BEYOND_BEST_FIVE and "level 6" in r.message


def test_take_of_any_listing_of_a_level_is_accepted() -> None:
    book = _book()
    later = book.get("L9")  # second listing at the best price: no time priority
    assert later is not None
    assert check_take(RULES, CAL, OPEN, book, later, "B", 1) is None


def test_take_of_own_listing_is_rejected_as_self_trade() -> None:
    book = _book()
    listing = book.get("L0")
    assert listing is not None
    r = check_no_self_take("S", listing)
    assert r is not None and r.code is Code.SELF_TRADE
    assert check_take(RULES, CAL, OPEN, book, listing, "S", 1) == r


def test_take_above_the_listing_remainder_is_rejected() -> None:
    book = _book()
    listing = book.get("L0")
    assert listing is not None
    r = check_take_within_remaining(101, listing)
    assert r is not None and r.code is Code.QUANTITY_OUT_OF_RANGE and "1..100" in r.message


def test_take_at_noon_is_rejected_as_market_closed() -> None:
    book = _book()
    listing = book.get("L0")
    assert listing is not None
    noon = datetime(2021, 7, 16, 12, 0, tzinfo=BEIJING)
    r = check_take(RULES, CAL, noon, book, listing, "B", 1)
    assert r is not None and r.code is Code.MARKET_CLOSED


def test_buy_listing_best_five_counts_from_the_highest_bid() -> None:
    book: OrderBook[str] = OrderBook()
    for i in range(6):
        book.post(f"B{i}", "B", BUY, 5000 - i, 1)
    best, sixth = book.get("B0"), book.get("B5")
    assert best is not None and sixth is not None
    assert check_take_within_best_levels(book, best) is None
    assert check_take_within_best_levels(book, sixth) is not None


def test_suspended_instrument_is_rejected() -> None:
    r = check_not_suspended(True, "CEA21")
    assert r is not None and r.code is Code.INSTRUMENT_SUSPENDED
    assert check_not_suspended(False, "CEA21") is None
