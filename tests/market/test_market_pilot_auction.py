"""The Shanghai 2024 pilot paid auction as a preset of one-way bidding (§13 [V]): floor 1.2 × the
six-month volume-weighted average of listing trades, price then time priority, covered
entities only, 09:30-11:30."""

from __future__ import annotations

from datetime import date

import pytest
from dsl import Given

from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import SubjectType, SystemRole
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, CloseAuction, PlaceBid
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing
from openets.trading.events import TradeExecuted
from openets.trading.pilot_auction import SHANGHAI_2024, floor_price, lookback_start

CEA = "CEA19-20"
PRESET = "shanghai-2024"


def _trade(g: Given, seller: str, buyer: str, price: int, qty: int) -> None:
    ev = g.ok(PostListing(seller, CEA, Side.SELL, price, qty), seller)
    g.ok(TakeListing(ev[-1].listing_id, buyer, qty), buyer)


@pytest.fixture
def g() -> Given:
    """A first day with listing trades of 1,000 t at 50.00 and 500 t at 52.00 (average 50.67),
    then the next morning."""
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    seller = g.account(tonnes={CEA: 10_000})
    buyer = g.account(fen=10**9)
    g.at("2021-07-16T09:31+08:00")
    _trade(g, seller, buyer, 5000, 1_000)
    _trade(g, seller, buyer, 5200, 500)
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    g.at("2021-07-19T09:00+08:00")
    return g


def _gov(g: Given, tonnes: int = 5_000) -> str:
    gov = g.state.registry.system_account(SystemRole.AUCTION)
    g.ok(rc.Issue(gov, CEA, tonnes, "paid allocation volume"))
    return gov


def _announce(g: Given, gov: str, qty: int = 2_000, **kw: object) -> str:
    cmd = AnnounceAuction(gov, AuctionSide.SELL, CEA, qty, None, "", preset=PRESET, **kw)  # type: ignore[arg-type]
    return str(g.ok(cmd, "exchange")[-1].spec.auction_id)


def test_lookback_is_the_six_months_before_the_auction_day() -> None:
    assert lookback_start(date(2024, 9, 30), 6) == date(2024, 3, 30)
    assert lookback_start(date(2024, 8, 31), 6) == date(2024, 2, 29)


def test_floor_is_rounded_up_to_the_tick() -> None:
    # 1.2 × 5101/3 fen = 2040.4 fen -> 2041
    assert floor_price(SHANGHAI_2024, 5101, 3, 1) == 2041


def test_shanghai_2024_floor_is_1_2_times_the_six_month_listing_average(g: Given) -> None:
    aid = _announce(g, _gov(g))
    spec = g.state.auction.auctions[aid].spec
    assert spec.reserve_price == 6080  # 1.2 × (50.00 × 1,000 + 52.00 × 500) / 1,500
    assert spec.covered_only and spec.preset == PRESET and spec.paid_allocation
    assert g.state.auction.auctions[aid].spec.tie_break.value == "time"


def test_shanghai_2024_window_is_0930_to_1130_of_the_day(g: Given) -> None:
    aid = _announce(g, _gov(g))
    spec = g.state.auction.auctions[aid].spec
    hours = spec.closes_at_us - spec.opens_at_us
    assert hours == 2 * 3600 * 10**6
    assert SHANGHAI_2024.window[0].isoformat() == "09:30:00"


def test_shanghai_2024_auction_with_another_floor_is_refused(g: Given) -> None:
    gov = _gov(g)
    cmd = AnnounceAuction(gov, AuctionSide.SELL, CEA, 2_000, 5_000, "", preset=PRESET)
    r = g.rejects(cmd, "exchange")
    assert r.code is Code.INVALID_PRICE and r.field == "reserve_price" and "6080" in r.message


def test_shanghai_2024_auction_without_listing_trades_is_refused() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    cmd = AnnounceAuction(_gov(g), AuctionSide.SELL, CEA, 2_000, None, "", preset=PRESET)
    r = g.rejects(cmd, "exchange")
    assert r.code is Code.INVALID_FIELD and r.field == "preset" and "no listing trade" in r.message


def test_unknown_auction_preset_is_refused_naming_the_presets(g: Given) -> None:
    cmd = AnnounceAuction(_gov(g), AuctionSide.SELL, CEA, 2_000, None, "", preset="beijing")
    r = g.rejects(cmd, "exchange")
    assert r.field == "preset" and "shanghai-2024" in r.message and "'beijing'" in r.message


def test_shanghai_2024_auction_refuses_bids_from_others_than_covered_entities(g: Given) -> None:
    aid = _announce(g, _gov(g))
    g.at("2021-07-19T09:31+08:00")
    ev = g.ok(rc.OpenAccount(SubjectType.INSTITUTION, "某碳资产公司", _uscc(), "上海"))
    inst = ev[0].account_id
    g.deposit(inst, 10**9)
    r = g.rejects(PlaceBid(aid, inst, 7000, 1_000), inst)
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED and r.field == "account_id"
    assert "covered entities only" in r.message


def test_shanghai_2024_auction_ranks_by_price_then_time(g: Given) -> None:
    aid = _announce(g, _gov(g))
    g.at("2021-07-19T09:31+08:00")
    a, b, c = (g.account(fen=10**9) for _ in range(3))
    g.ok(PlaceBid(aid, a, 6500, 1_000), a)
    g.ok(PlaceBid(aid, b, 6200, 800), b)
    g.at("2021-07-19T09:32+08:00")
    g.ok(PlaceBid(aid, c, 6200, 800), c)
    g.at("2021-07-19T11:30+08:00")
    events = g.ok(CloseAuction(aid), "exchange")
    got = {t.buyer: t.quantity for t in events if isinstance(t, TradeExecuted)}
    assert got == {a: 1_000, b: 800, c: 200}
    assert g.state.violations() == []


def _uscc() -> str:
    import random

    from openets.sim.population_names import draw_uscc

    return draw_uscc(random.Random("pilot-auction-institution"), "310115")
