"""The continuous-auction preset and the fee schedule, through the engine."""

from __future__ import annotations

from dsl import Given

from openets.domain.rejection import Code
from openets.trading.book import Side
from openets.trading.commands import CancelListing, PlaceOrder, PostListing, TakeListing

CEA = "CEA21"


def _cda() -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn-cda")
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T09:30+08:00")
    return g


def test_continuous_order_matches_at_the_makers_price_in_price_time_order() -> None:
    g = _cda()
    s1, s2 = g.account(tonnes={CEA: 100}), g.account(tonnes={CEA: 100})
    b = g.account(fen=10**8)
    g.ok(PlaceOrder(s1, CEA, Side.SELL, 4900, 10))
    g.ok(PlaceOrder(s2, CEA, Side.SELL, 4900, 10))
    g.ok(PlaceOrder(s2, CEA, Side.SELL, 4850, 5))
    ev = g.ok(PlaceOrder(b, CEA, Side.BUY, 5000, 20))
    trades = [e for e in ev if type(e).__name__ == "TradeExecuted"]
    assert [(t.seller, t.price, t.quantity) for t in trades] == [
        (s2, 4850, 5),
        (s1, 4900, 10),
        (s2, 4900, 5),
    ]
    book = g.state.trading.books[CEA]
    assert not book.is_crossed() and book.best_ask == 4900


def test_continuous_order_remainder_rests_with_its_lock() -> None:
    g = _cda()
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**6)
    g.ok(PlaceOrder(s, CEA, Side.SELL, 4900, 10))
    g.ok(PlaceOrder(b, CEA, Side.BUY, 4950, 15))
    assert g.funds(b)[1] == 5 * 4950 + 14  # 5 bps of 24,750 fen = 12.4, bounded up: 14 fen
    assert g.state.violations() == []


def test_continuous_order_that_would_trade_with_itself_is_rejected() -> None:
    g = _cda()
    a = g.account(tonnes={CEA: 100}, fen=10**6)
    g.ok(PlaceOrder(a, CEA, Side.SELL, 4900, 10))
    assert g.rejects(PlaceOrder(a, CEA, Side.BUY, 5000, 5)).code is Code.SELF_TRADE


def test_continuous_buy_sweeping_levels_cannot_spend_the_same_funds_twice() -> None:
    g = _cda()
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=4900 * 10 + 4950 * 10 - 1)
    g.ok(PlaceOrder(s, CEA, Side.SELL, 4900, 10))
    g.ok(PlaceOrder(s, CEA, Side.SELL, 4950, 10))
    assert g.rejects(PlaceOrder(b, CEA, Side.BUY, 5000, 20)).code is Code.INSUFFICIENT_FUNDS


def test_listing_market_refuses_continuous_orders() -> None:
    g = Given.in_memory("2021-07-16T09:30+08:00")
    g.instrument(CEA, "48.00")
    a = g.account(tonnes={CEA: 10})
    assert g.rejects(PlaceOrder(a, CEA, Side.SELL, 4900, 1)).code is Code.NOT_PERMITTED


def test_continuous_order_cancel_releases_its_lock() -> None:
    g = _cda()
    b = g.account(fen=10**6)
    (*_, posted) = g.ok(PlaceOrder(b, CEA, Side.BUY, 4900, 10))
    g.ok(CancelListing(posted.listing_id, b))
    assert g.funds(b) == [10**6, 0, 0, 0]


def _fees() -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn-demo")  # 5 bps a side
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T09:30+08:00")
    return g


def test_fee_is_basis_points_of_the_amount_rounded_half_up_to_the_fen() -> None:
    g = _fees()
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    (*_, posted) = g.ok(PostListing(s, CEA, Side.SELL, 4811, 7))
    trade = next(
        e for e in g.ok(TakeListing(posted.listing_id, b, 7)) if type(e).__name__ == "TradeExecuted"
    )
    # 48.11 × 7 = 336.77 yuan = 33,677 fen; 5 bps = 16.8385 fen -> 17 fen
    assert (trade.buyer_fee, trade.seller_fee) == (17, 17)


def test_buy_listing_locks_price_quantity_and_fees() -> None:
    g = _fees()
    b = g.account(fen=10**7)
    g.ok(PostListing(b, CEA, Side.BUY, 5000, 100))
    locked = g.funds(b)[1]
    assert locked >= 500_000 + 250 and locked <= 500_000 + 252


def test_fees_are_credited_to_the_fee_income_account_at_settlement() -> None:
    from openets.registry.model import SystemRole

    g = _fees()
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    (*_, posted) = g.ok(PostListing(s, CEA, Side.SELL, 5000, 100))
    g.ok(TakeListing(posted.listing_id, b, 100))
    g.at("2021-07-16T15:01+08:00")
    g.end_of_day()
    income = g.state.registry.system_account(SystemRole.FEE_INCOME)
    assert g.funds(income)[0] == 250 + 250
    assert g.funds(s)[0] == 500_000 - 250 and g.funds(b)[0] == 10**7 - 500_000 - 250
    assert g.state.violations() == []


def test_partly_taken_buy_listing_releases_its_unused_lock_when_cancelled() -> None:
    g = _fees()
    s = g.account(tonnes={CEA: 100})
    b = g.account(fen=10**7)
    (*_, posted) = g.ok(PostListing(b, CEA, Side.BUY, 5000, 100))
    g.ok(TakeListing(posted.listing_id, s, 30))
    g.ok(CancelListing(posted.listing_id, b))
    assert g.funds(b) == [10**7 - 150_000 - 75, 0, 0, 0]
