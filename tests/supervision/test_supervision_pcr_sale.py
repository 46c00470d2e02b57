"""The price containment reserve's tier sale (wci-like: tiers 41.40 and 53.20, 10,000,000 t
each, bids in lots of 1,000 t): once an auction has cleared at a tier's price, the tier is sold
at that fixed price to covered entities only, pro rata when they bid for more than it holds."""

from __future__ import annotations

from dsl import Given, fresh_uscc

from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import SubjectType, SystemRole
from openets.supervision.reserve_messages import ApplyReserveRule
from openets.supervision.reserves_service import tier_sales
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, CloseAuction, PlaceBid

CEA = "CEA19-20"
SALE_CLOSES = "2021-07-16T11:00+08:00"
TIER_1 = 41_40


def _sys(g: Given, role: SystemRole) -> str:
    acct = g.state.registry.system_account(role, "")
    assert acct is not None
    return str(acct)


def _tier_sale() -> tuple[Given, str]:
    """wci-like: a government sale cleared at 45.00 (tier 1 reached), then the reserve's sale of
    tier 1 announced (the reserve holds 50,000,000 t)."""
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="wci-like")
    g.instrument(CEA, "48.00")
    auctioneer = _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(auctioneer, CEA, 1_000, "auction volume"))
    closes = "2021-07-16T10:00+08:00"
    ann = AnnounceAuction(auctioneer, AuctionSide.SELL, CEA, 1_000, 100, closes)
    aid = str(g.ok(ann, "exchange")[-1].spec.auction_id)
    b = g.account(fen=10**9)
    g.ok(PlaceBid(aid, b, 45_00, 1_000), b)
    g.at(closes)
    g.ok(CloseAuction(aid), "exchange")
    g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, 50_000_000, "price containment reserve"))
    ev = g.ok(ApplyReserveRule("pcr", CEA, instrument=CEA, closes_at=SALE_CLOSES), "regulator")
    sale = next(e for e in ev if type(e).__name__ == "AuctionAnnounced")
    assert sale.spec.fixed_price and sale.spec.reserve_price == TIER_1  # type: ignore[attr-defined]
    assert sale.spec.lot_size == 1_000  # type: ignore[attr-defined]
    return g, str(sale.spec.auction_id)  # type: ignore[attr-defined]


def _close(g: Given, sale: str) -> dict[str, tuple[int, int | None]]:
    g.at(SALE_CLOSES)
    g.ok(CloseAuction(sale), "exchange")
    a = g.state.auction.auctions[sale]
    return {a.bids[f.bid_id].bidder: (f.allocated, f.price) for f in a.fills.values()}


def test_pcr_tier_oversubscribed_is_sold_pro_rata_at_the_tiers_fixed_price() -> None:
    # 15,000,000 t bid for 10,000,000: A 7/15 = 4,666,666 -> 4,666,000 in lots, B 8/15 ->
    # 5,333,000; the 1,000 t left over go to the first bid (A): 4,667,000 and 5,333,000.
    g, sale = _tier_sale()
    a, b = g.account(fen=10**11), g.account(fen=10**11)
    g.ok(PlaceBid(sale, a, TIER_1, 7_000_000), a)
    g.ok(PlaceBid(sale, b, TIER_1, 8_000_000), b)
    got = _close(g, sale)
    assert got == {a: (4_667_000, TIER_1), b: (5_333_000, TIER_1)}
    summary = g.state.auction.auctions[sale].summary
    assert summary is not None and (summary.volume, summary.clearing_price) == (10_000_000, TIER_1)
    assert summary.turnover == 10_000_000 * TIER_1  # 414,000,000.00 yuan
    assert tier_sales(g.state) == [(41_40, 10_000_000, 10_000_000, 0), (53_20, 10_000_000, 0, 0)]
    g.at("2021-07-17T00:30+08:00")  # after wci-like's session (Europe/Berlin)
    g.end_of_day()
    assert sum(g.holding(a, CEA)) == 4_667_000 and sum(g.holding(b, CEA)) == 5_333_000
    assert 4_667_000 * TIER_1 == 19_321_380_000  # 193,213,800.00 yuan
    assert sum(g.funds(a)) == 10**11 - 19_321_380_000 - 5_796_414  # and wci-like's 3 bps fee


def test_pcr_tier_sale_fills_every_bid_in_full_when_the_bids_fit_the_tier() -> None:
    g, sale = _tier_sale()
    a, b = g.account(fen=10**11), g.account(fen=10**11)
    g.ok(PlaceBid(sale, a, TIER_1, 3_000_000), a)
    g.ok(PlaceBid(sale, b, TIER_1, 2_000_000), b)
    assert _close(g, sale) == {a: (3_000_000, TIER_1), b: (2_000_000, TIER_1)}
    summary = g.state.auction.auctions[sale].summary
    assert summary is not None and summary.outcome.value == "cleared"  # no minimum cover
    # the 5,000,000 t unsold go back to the reserve: 50,000,000 - 10,000,000 + 5,000,000
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 45_000_000
    assert tier_sales(g.state)[0] == (41_40, 10_000_000, 5_000_000, 0)


def test_pcr_tier_sale_bid_at_another_price_is_refused_naming_the_price() -> None:
    g, sale = _tier_sale()
    a = g.account(fen=10**11)
    r = g.rejects(PlaceBid(sale, a, 45_00, 1_000), a)
    assert r.code is Code.INVALID_PRICE and r.field == "price" and "4140" in r.message


def test_pcr_tier_sale_bid_by_an_account_that_is_not_a_covered_entity_is_refused() -> None:
    g, sale = _tier_sale()
    opened = g.ok(rc.OpenAccount(SubjectType.INSTITUTION, "投资机构", fresh_uscc(), "山东"))
    inst = str(opened[0].account_id)  # type: ignore[attr-defined]
    r = g.rejects(PlaceBid(sale, inst, TIER_1, 1_000), inst)
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED and r.field == "account_id"
    assert "covered entities" in r.message


def test_pcr_tier_sale_bid_not_in_whole_lots_of_1000_is_refused() -> None:
    g, sale = _tier_sale()
    a = g.account(fen=10**11)
    r = g.rejects(PlaceBid(sale, a, TIER_1, 1_500), a)
    assert r.field == "quantity" and "1000" in r.message
