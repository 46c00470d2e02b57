"""Listing agreement trading through the engine: locks, takes, the day, T+1."""

from __future__ import annotations

import pytest
from dsl import Given

from openets.clearing import funds
from openets.domain.money import parse_yuan
from openets.domain.rejection import Code
from openets.trading.book import Side
from openets.trading.commands import (
    CancelListing,
    PostListing,
    SetInstrumentStatus,
    TakeListing,
)

CEA = "CEA19-20"


@pytest.fixture
def g() -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T09:30+08:00")
    return g


def _sell(g: Given, acct: str, price: str, qty: int) -> str:
    ev = g.ok(PostListing(acct, CEA, Side.SELL, parse_yuan(price), qty))
    return str(ev[-1].listing_id)


def _buy(g: Given, acct: str, price: str, qty: int) -> str:
    ev = g.ok(PostListing(acct, CEA, Side.BUY, parse_yuan(price), qty))
    return str(ev[-1].listing_id)


def test_first_day_upper_band_is_52_80_and_52_81_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    _sell(g, s, "52.80", 1)
    r = g.rejects(PostListing(s, CEA, Side.SELL, parse_yuan("52.81"), 1))
    assert r.code is Code.PRICE_OUT_OF_BAND and r.field == "price" and "52.81" in r.message


def test_first_day_lower_band_is_43_20(g: Given) -> None:
    b = g.account(fen=10**8)
    _buy(g, b, "43.20", 1)
    assert g.rejects(PostListing(b, CEA, Side.BUY, 4319, 1)).code is Code.PRICE_OUT_OF_BAND


def test_listing_of_100000_t_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    r = g.rejects(PostListing(s, CEA, Side.SELL, 5000, 100_000))
    assert r.code is Code.QUANTITY_OUT_OF_RANGE and r.field == "quantity"


def test_sell_listing_locks_allowances(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    _sell(g, s, "50.00", 30)
    assert g.holding(s) == [70, 30, 0, 0, 0]


def test_sell_listing_beyond_available_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    r = g.rejects(PostListing(s, CEA, Side.SELL, 5000, 11))
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_buy_listing_locks_price_times_quantity(g: Given) -> None:
    b = g.account(fen=1_000_000)
    _buy(g, b, "50.00", 100)
    assert g.funds(b)[:2] == [500_000, 500_000]


def test_buy_listing_beyond_funds_is_rejected_no_credit(g: Given) -> None:
    b = g.account(fen=499_999)
    r = g.rejects(PostListing(b, CEA, Side.BUY, 5000, 100))
    assert r.code is Code.INSUFFICIENT_FUNDS and "4999.99 yuan" in r.message


def test_float_price_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    r = g.rejects(PostListing(s, CEA, Side.SELL, 50.0, 1))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_PRICE and r.field == "price"


def test_take_trades_the_takers_quantity_at_the_makers_price(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    lid = _sell(g, s, "50.00", 100)
    (_, trade) = g.ok(TakeListing(lid, b, 40))
    assert (trade.price, trade.quantity, trade.buyer, trade.seller) == (5000, 40, b, s)
    assert g.state.trading.books[CEA].get(lid).remaining == 60


def test_take_beyond_the_listings_remainder_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    lid = _sell(g, s, "50.00", 10)
    assert g.rejects(TakeListing(lid, b, 11)).code is Code.QUANTITY_OUT_OF_RANGE


def test_participant_cannot_take_its_own_listing(g: Given) -> None:
    s = g.account(tonnes={CEA: 100}, fen=10**7)
    lid = _sell(g, s, "50.00", 10)
    assert g.rejects(TakeListing(lid, s, 1)).code is Code.SELF_TRADE


def test_take_beyond_the_fifth_level_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    ids = [_sell(g, s, f"50.{i:02d}", 1) for i in range(6)]
    r = g.rejects(TakeListing(ids[5], b, 1))
    assert r.code is Code.BEYOND_BEST_FIVE
    g.ok(TakeListing(ids[4], b, 1))


def test_any_listing_of_an_eligible_level_may_be_picked(g: Given) -> None:
    s1 = g.account(tonnes={CEA: 10})
    s2 = g.account(tonnes={CEA: 10})
    b = g.account(fen=10**7)
    _sell(g, s1, "50.00", 5)
    second = _sell(g, s2, "50.00", 5)
    trade = g.ok(TakeListing(second, b, 5))[1]
    assert trade.seller == s2


def test_cancelled_listing_releases_its_lock(g: Given) -> None:
    b = g.account(fen=1_000_000)
    lid = _buy(g, b, "50.00", 100)
    g.ok(CancelListing(lid, b))
    assert g.funds(b) == [1_000_000, 0, 0, 0]


def test_cancel_by_another_account_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    other = g.account()
    lid = _sell(g, s, "50.00", 5)
    assert g.rejects(CancelListing(lid, other)).code is Code.NOT_PERMITTED


def test_allowances_bought_today_are_not_sellable_today(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 50))
    r = g.rejects(PostListing(b, CEA, Side.SELL, 5000, 1))
    assert r.code is Code.INSUFFICIENT_HOLDINGS and "next trading day" in r.message


def test_allowances_bought_today_are_sellable_the_next_trading_day(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 50))
    g.at("2021-07-16T15:05+08:00")
    g.end_of_day()
    assert g.holding(b) == [50, 0, 0, 0, 0]
    g.at("2021-07-19T09:30+08:00")  # Monday
    _sell(g, b, "50.00", 50)


def test_sale_proceeds_are_usable_for_buying_the_same_day(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    s2 = g.account(tonnes={CEA: 100})
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 100))
    assert g.funds(s)[0] == 0
    g.ok(TakeListing(_sell(g, s2, "50.00", 100), s, 100))  # paid from today's proceeds
    assert g.funds(s) == [0, 0, 0, 0]


def test_sale_proceeds_are_not_withdrawable_the_same_day(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 100))
    r = g.rejects(funds.RequestWithdrawal(s, 1, "w1"))
    assert r.code is Code.INSUFFICIENT_FUNDS and "next trading day" in r.message


def test_sale_proceeds_are_withdrawable_the_next_trading_day(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 100))
    g.at("2021-07-16T15:05+08:00")
    g.end_of_day()
    g.at("2021-07-19T09:00+08:00")
    g.ok(funds.RequestWithdrawal(s, 500_000, "w1"))


def test_listing_at_lunch_break_is_rejected_market_closed(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    g.at("2021-07-16T12:00+08:00")
    r = g.rejects(PostListing(s, CEA, Side.SELL, 5000, 1))
    assert r.code is Code.MARKET_CLOSED and "12:00" in r.message


def test_listing_on_a_saturday_is_rejected_market_closed(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    g.at("2021-07-17T10:00+08:00")
    r = g.rejects(PostListing(s, CEA, Side.SELL, 5000, 1))
    assert r.code is Code.MARKET_CLOSED and "not a trading day" in r.message


def test_listing_on_national_day_is_rejected_market_closed() -> None:
    g = Given.in_memory("2021-10-01T09:00+08:00")
    g.instrument(CEA, "48.00")
    s = g.account(tonnes={CEA: 10})
    g.at("2021-10-01T10:00+08:00")
    assert g.rejects(PostListing(s, CEA, Side.SELL, 5000, 1)).code is Code.MARKET_CLOSED


def test_suspended_instrument_rejects_listings_until_resumed(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    g.ok(SetInstrumentStatus(CEA, True, "abnormal volatility"), actor="exchange")
    assert g.rejects(PostListing(s, CEA, Side.SELL, 5000, 1)).code is Code.INSTRUMENT_SUSPENDED
    g.ok(SetInstrumentStatus(CEA, False, "resumed"), actor="exchange")
    _sell(g, s, "50.00", 1)


def test_listings_lapse_at_the_end_of_the_day(g: Given) -> None:
    s = g.account(tonnes={CEA: 10})
    b = g.account(fen=1_000_000)
    _sell(g, s, "50.00", 5)
    _buy(g, b, "45.00", 5)
    g.at("2021-07-16T15:00+08:00")
    g.end_of_day()
    assert g.holding(s) == [10, 0, 0, 0, 0] and g.funds(b) == [1_000_000, 0, 0, 0]
    assert not g.state.trading.listings


def test_close_is_the_quantity_weighted_average_of_listing_trades(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**8)
    g.ok(TakeListing(_sell(g, s, "50.00", 10), b, 10))
    g.ok(TakeListing(_sell(g, s, "51.00", 30), b, 30))
    g.at("2021-07-16T15:01+08:00")
    g.end_of_day()
    (bar,) = g.state.trading.bars[CEA]
    # (50.00 × 10 + 51.00 × 30) / 40 = 50.75
    assert (bar.open, bar.high, bar.low, bar.close) == (5000, 5100, 5000, 5075)


def test_next_days_band_comes_from_the_close(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**8)
    g.ok(TakeListing(_sell(g, s, "50.00", 10), b, 10))
    g.at("2021-07-16T15:01+08:00")
    g.end_of_day()
    g.at("2021-07-19T09:30+08:00")
    _sell(g, s, "55.00", 1)  # 50.00 + 10%
    assert g.rejects(PostListing(s, CEA, Side.SELL, 5501, 1)).code is Code.PRICE_OUT_OF_BAND


def test_no_trade_carries_the_previous_close(g: Given) -> None:
    g.at("2021-07-16T15:01+08:00")
    g.end_of_day()
    (bar,) = g.state.trading.bars[CEA]
    assert bar.close == 4800 and bar.open is None


def test_settlement_delivers_allowances_versus_payment(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 60))
    assert g.holding(b) == [0, 0, 0, 0, 0] and g.holding(s)[1] == 100
    g.at("2021-07-16T15:01+08:00")
    g.end_of_day()
    assert g.holding(s) == [40, 0, 0, 0, 0] and g.holding(b) == [60, 0, 0, 0, 0]
    assert g.funds(s) == [300_000, 0, 0, 0] and g.funds(b) == [10**7 - 300_000, 0, 0, 0]
    assert g.state.violations() == []


def test_end_of_day_twice_settles_nothing_twice(g: Given) -> None:
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    g.ok(TakeListing(_sell(g, s, "50.00", 100), b, 60))
    g.at("2021-07-16T15:01+08:00")
    g.end_of_day()
    h = g.state.state_hash()
    g.end_of_day()
    assert g.state.state_hash() == h


def test_end_of_day_during_the_session_is_refused(g: Given) -> None:
    from openets.trading.day_service import CloseDay

    assert g.rejects(CloseDay()).code is Code.INVALID_STATE
