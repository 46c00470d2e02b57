"""Agents act through the engine's commands: takes within the best five, posts, surrender."""

from __future__ import annotations

import random

import pytest
from dsl import Given

from openets.domain.money import parse_yuan
from openets.presets import preset
from openets.sim.agent_market import Broker, Desk, Period
from openets.sim.agents import ComplianceAgent
from openets.trading.book import Side
from openets.trading.commands import PostListing
from openets.trading.events import TradeExecuted

CEA = "CEA19-20"


@pytest.fixture
def g() -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T10:00+08:00")
    return g


def _desk(g: Given, day: int = 0, days: int = 10) -> Desk:
    desk = Desk(g.engine, Broker(g.engine), preset("cn"), CEA, CEA)
    desk.period = Period(day, days)
    return desk


def _buyer(g: Given, gap: int, fen: int) -> ComplianceAgent:
    a = ComplianceAgent("E1", 1_000, ((2019, 1_000 + gap),), buy_target=gap, cap_fen=6000)
    a.done_ppm, a.exponent = 100_000, 1
    a.account_id = g.account(tonnes={CEA: 1_000}, fen=fen)

    def feed(_records: object, events: object) -> None:
        for e in events:  # type: ignore[attr-defined]
            if isinstance(e, TradeExecuted):
                a.on_trade(e)

    g.engine.subscribers.append(feed)
    return a


def test_buyer_takes_the_cheapest_listing_within_its_limit(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    g.ok(PostListing(seller, CEA, Side.SELL, parse_yuan("48.50"), 300))
    g.ok(PostListing(seller, CEA, Side.SELL, parse_yuan("48.20"), 300))
    a = _buyer(g, 200, 10**8)
    a.act(_desk(g), random.Random(1), False)
    assert a.bought == 200
    assert g.holding(seller)[1] == 600  # both listings still locked until settlement


def test_buyer_posts_a_bid_when_no_listing_suits_it(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    g.ok(PostListing(seller, CEA, Side.SELL, parse_yuan("52.80"), 300))
    a = _buyer(g, 200, 10**8)
    a.cap_fen = 4900
    a.act(_desk(g), random.Random(1), False)
    assert a.bought == 0
    assert [o[0] for o in a.open.values()] == [int(Side.BUY)]


def test_buyer_tops_up_its_fund_account_when_short_of_cash(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    g.ok(PostListing(seller, CEA, Side.SELL, parse_yuan("48.00"), 500))
    a = _buyer(g, 500, 100)
    a.act(_desk(g), random.Random(1), False)
    assert a.bought == 500 and a.deposits == 1


def test_seller_keeps_what_it_must_surrender(g: Given) -> None:
    buyer = g.account(fen=10**8)
    g.ok(PostListing(buyer, CEA, Side.BUY, parse_yuan("48.00"), 5_000))
    a = ComplianceAgent("E2", 1_000, ((2019, 900),), sell_target=5_000, floor_fen=4000)
    a.done_ppm, a.exponent = 100_000, 1
    a.account_id = g.account(tonnes={CEA: 1_000})
    a.act(_desk(g), random.Random(1), False)
    assert g.holding(a.account_id)[0] == 900


def test_entity_surrenders_its_obligation_per_year_when_due(g: Given) -> None:
    a = ComplianceAgent("E3", 1_000, ((2019, 400), (2020, 500)), surrender_ppm=500_000)
    a.account_id = g.account(tonnes={CEA: 1_000})
    a.after_close(_desk(g, day=5, days=10))
    assert a.surrendered == 900 and a.surrendered_by_year == {2019: 400, 2020: 500}
    assert g.holding(a.account_id)[0] == 100


def test_entity_waits_for_its_surrender_date(g: Given) -> None:
    a = ComplianceAgent("E4", 1_000, ((2019, 400),), surrender_ppm=900_000)
    a.account_id = g.account(tonnes={CEA: 1_000})
    a.after_close(_desk(g, day=2, days=10))
    assert a.surrendered == 0


def test_short_entity_surrenders_what_it_has_on_the_last_day(g: Given) -> None:
    a = ComplianceAgent("E5", 1_000, ((2019, 1_200),), surrender_ppm=900_000)
    a.account_id = g.account(tonnes={CEA: 1_000})
    a.after_close(_desk(g, day=9, days=10))
    assert a.surrendered == 1_000
