"""Stability mechanisms through the engine: ApplyReserveRule moves allowances with the
registry's own postings and sells a release by one-way bidding (journaled, replayable)."""

from __future__ import annotations

from pathlib import Path

from dsl import Given

from openets.domain.rejection import Code
from openets.ops.verify import replay_market
from openets.registry import commands as rc
from openets.registry.events import LedgerPosted
from openets.registry.model import SystemRole, TxType
from openets.supervision.reserve_messages import ApplyReserveRule, ReserveRuleApplied
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import (
    AnnounceAuction,
    AuctionAnnounced,
    AuctionResultPublished,
    CloseAuction,
    PlaceBid,
)

CEA = "CEA19-20"
DAYS = ["2021-07-16", "2021-07-19", "2021-07-20", "2021-07-21", "2021-07-22", "2021-07-23",
        "2021-07-26", "2021-07-27", "2021-07-28", "2021-07-29"]  # fmt: skip


def _sys(g: Given, role: SystemRole) -> str:
    acct = g.state.registry.system_account(role, "")
    assert acct is not None
    return str(acct)


def _applied(events: tuple[object, ...]) -> ReserveRuleApplied:
    return next(e for e in events if isinstance(e, ReserveRuleApplied))


def _eu(auction_t: int = 0, reserve_t: int = 0) -> Given:
    g = Given.in_memory(preset="eu-like")
    if auction_t:
        g.ok(rc.Issue(_sys(g, SystemRole.AUCTION), CEA, auction_t, "auction volume"))
    if reserve_t:
        g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, reserve_t, "reserve"))
    return g


def test_msr_intake_moves_the_auction_accounts_allowances_into_the_reserve() -> None:
    g = _eu(auction_t=500_000_000)
    ev = g.ok(ApplyReserveRule("msr", CEA, year=2023, tnac=1_134_794_738), actor="regulator")
    a = _applied(ev)
    assert (a.decision, a.decided, a.moved) == ("intake", 272_350_737, 272_350_737)
    post = next(e for e in ev if isinstance(e, LedgerPosted))
    assert post.tx_type is TxType.TRANSFER and post.tx_id == a.tx_id
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 272_350_737
    assert g.holding(_sys(g, SystemRole.AUCTION), CEA)[0] == 500_000_000 - 272_350_737


def test_msr_intake_is_at_most_what_the_auction_account_holds() -> None:
    g = _eu(auction_t=100_000_000)
    a = _applied(g.ok(ApplyReserveRule("msr", CEA, year=2026, tnac=1_023_494_202)))
    assert (a.decision, a.decided, a.moved) == ("buffer", 190_494_202, 100_000_000)


def test_msr_release_moves_100_million_from_the_reserve_to_the_auction_account() -> None:
    g = _eu(reserve_t=300_000_000)
    a = _applied(g.ok(ApplyReserveRule("msr", CEA, year=2025, tnac=350_000_000)))
    assert (a.decision, a.moved) == ("release", 100_000_000)
    assert g.holding(_sys(g, SystemRole.AUCTION), CEA)[0] == 100_000_000


def test_msr_invalidation_cancels_the_reserve_above_400_million() -> None:
    g = _eu(reserve_t=1_000_000_000)
    a = _applied(g.ok(ApplyReserveRule("msr_invalidation", CEA, year=2026)))
    assert (a.decision, a.moved) == ("invalidation", 600_000_000)
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 400_000_000
    assert g.holding(_sys(g, SystemRole.CANCELLATION), CEA)[0] == 600_000_000


def test_msr_applied_twice_for_one_year_is_rejected() -> None:
    g = _eu(auction_t=500_000_000)
    g.ok(ApplyReserveRule("msr", CEA, year=2023, tnac=1_134_794_738))
    r = g.rejects(ApplyReserveRule("msr", CEA, year=2023, tnac=1_134_794_738))
    assert r.code is Code.ALREADY_DONE and r.field == "year"
    g.ok(ApplyReserveRule("msr", CEA, year=2024, tnac=900_000_000))  # the next year's
    g.ok(ApplyReserveRule("msr_invalidation", CEA, year=2023, previous_auction_volume=0))
    assert g.rejects(ApplyReserveRule("msr_invalidation", CEA, year=2023)).field == "year"


def test_msr_in_a_market_without_it_is_rejected() -> None:
    g = Given.in_memory(preset="cn")
    r = g.rejects(ApplyReserveRule("msr", CEA, year=2025, tnac=1_000_000_000))
    assert r.code is Code.INVALID_FIELD and r.field == "rule" and "(cn)" in r.message


def test_reserve_rule_with_bad_fields_is_rejected_naming_the_field() -> None:
    g = _eu()
    assert g.rejects(ApplyReserveRule("msr", CEA, year=2025, tnac=-5)).field == "tnac"
    assert g.rejects(ApplyReserveRule("msr", CEA, year=1900, tnac=5)).field == "year"
    assert g.rejects(ApplyReserveRule("nope", CEA)).field == "rule"
    assert g.rejects(ApplyReserveRule("msr", "XYZ", year=2025, tnac=5)).field == "product"


MANUAL = {"reserves.band.automatic": False}
"""The band reserve applied by the regulator only (no end-of-day step)."""


def _band_market(close: str) -> Given:
    g = Given.in_memory(preset="cn-reserve", rules=MANUAL)
    g.instrument(CEA, close)
    for day in DAYS:
        g.at(f"{day}T15:05+08:00")
        g.end_of_day()
    return g


def test_band_reserve_sells_by_one_way_bidding_after_10_closes_above_the_band() -> None:
    g = _band_market("130.00")  # above the 120.00 top of cn-reserve's band, 10 days
    reserve, auctioneer = _sys(g, SystemRole.RESERVE), _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(reserve, CEA, 5_000_000, "reserve"))
    cmd = ApplyReserveRule("band", CEA, instrument=CEA, closes_at="2021-07-30T11:00+08:00")
    ev = g.ok(cmd, actor="regulator")
    au = next(e for e in ev if isinstance(e, AuctionAnnounced))
    assert au.spec.initiator == auctioneer and au.spec.side is AuctionSide.SELL
    assert au.spec.quantity == 1_000_000 and au.spec.reserve_price == 120_00
    assert au.spec.paid_allocation and au.lock.tonnes == 1_000_000
    a = _applied(ev)
    assert (a.decision, a.moved, a.auction_id) == ("release", 1_000_000, au.spec.auction_id)
    assert g.holding(reserve, CEA)[0] == 4_000_000
    assert g.holding(auctioneer, CEA)[:2] == [0, 1_000_000]  # on offer: locked


def test_band_reserve_does_nothing_inside_the_band() -> None:
    g = _band_market("80.00")
    a = _applied(g.ok(ApplyReserveRule("band", CEA, instrument=CEA, closes_at="")))
    assert (a.decision, a.moved, a.auction_id) == ("none", 0, "")


def _band_market_with_proceeds(close: str) -> Given:
    """cn-reserve: a government sale of 1,000,000 t at 40.00 on the first day (its proceeds pay
    a buy-back), then 10 composite closes at ``close``."""
    g = Given.in_memory(preset="cn-reserve", rules=MANUAL)
    g.instrument(CEA, close)
    auctioneer = _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(auctioneer, CEA, 1_000_000, "paid allocation"))
    ann = AnnounceAuction(auctioneer, AuctionSide.SELL, CEA, 1_000_000, 40_00, DAY1_CLOSES)
    aid = str(g.ok(ann, "exchange")[-1].spec.auction_id)
    buyer = g.account(fen=10**10)
    g.ok(PlaceBid(aid, buyer, 40_00, 1_000_000), buyer)
    g.at(DAY1_CLOSES)
    g.ok(CloseAuction(aid), "exchange")
    for day in DAYS:
        g.at(f"{day}T15:05+08:00")
        g.end_of_day()
    return g


DAY1_CLOSES = "2021-07-16T10:00+08:00"


def test_band_reserve_buys_back_by_one_way_bidding_after_10_closes_below_the_band() -> None:
    g = _band_market_with_proceeds("30.00")  # below the 40.00 bottom of cn-reserve's band
    auctioneer = _sys(g, SystemRole.AUCTION)
    assert g.funds(auctioneer)[0] == 40_00 * 1_000_000
    cmd = ApplyReserveRule("band", CEA, instrument=CEA, closes_at="2021-07-30T10:00+08:00")
    ev = g.ok(cmd, actor="regulator")
    au = next(e for e in ev if isinstance(e, AuctionAnnounced))
    assert au.spec.initiator == auctioneer and au.spec.side is AuctionSide.BUY
    assert (au.spec.quantity, au.spec.reserve_price) == (1_000_000, 40_00)
    a = _applied(ev)
    assert (a.decision, a.decided, a.auction_id) == ("buy_back", 1_000_000, au.spec.auction_id)
    seller = g.account(tonnes={CEA: 1_000_000})
    g.ok(PlaceBid(au.spec.auction_id, seller, 35_00, 1_000_000), seller)
    g.at("2021-07-30T10:00+08:00")
    g.ok(CloseAuction(au.spec.auction_id), "exchange")
    g.at("2021-07-30T15:05+08:00")
    g.end_of_day()
    assert sum(g.holding(auctioneer, CEA)) == 1_000_000  # bought back, out of circulation
    assert sum(g.holding(seller, CEA)) == 0
    assert g.funds(auctioneer)[0] == (40_00 - 35_00) * 1_000_000  # paid at the clearing price


def test_band_reserve_buy_back_without_government_funds_is_refused() -> None:
    g = _band_market("30.00")
    r = g.rejects(ApplyReserveRule("band", CEA, instrument=CEA, closes_at="2021-07-30T11:00+08:00"))
    assert r.code is Code.INSUFFICIENT_FUNDS


# --- containment reserves (wci-like) -------------------------------------------------------------

CLOSES = "2021-07-16T10:00+08:00"


def _wci_sale(
    quantity: int, bids: list[tuple[int, int]], reserve_t: int = 0
) -> tuple[Given, str, tuple[object, ...]]:
    """A government sale of ``quantity`` t in wci-like, ``bids`` (fen, t), closed at 10:00."""
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="wci-like")
    g.instrument(CEA, "48.00")
    auctioneer = _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(auctioneer, CEA, quantity, "auction volume"))
    if reserve_t:
        g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, reserve_t, "containment reserve"))
    ann = AnnounceAuction(auctioneer, AuctionSide.SELL, CEA, quantity, 100, CLOSES, lot_size=100)
    aid = str(g.ok(ann, "exchange")[-1].spec.auction_id)
    for price, qty in bids:
        b = g.account(fen=10**9)
        g.ok(PlaceBid(aid, b, price, qty), b)
    g.at(CLOSES)
    return g, aid, g.ok(CloseAuction(aid), "exchange")


def test_ecr_withholds_at_the_close_what_bids_at_the_trigger_leave_unsold() -> None:
    # 2021 ECR trigger 6.00: 300 t bid at or above it, 900 t below -> 700 t of 1,000 withheld
    g, aid, ev = _wci_sale(1_000, [(700, 300), (500, 900)])
    summary = next(e for e in ev if isinstance(e, AuctionResultPublished)).summary
    assert (summary.supply, summary.volume, summary.clearing_price) == (300, 300, 700)
    a = _applied(ev)
    assert (a.rule, a.decision, a.moved, a.auction_id) == ("ecr", "withheld", 700, aid)
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 700
    assert g.holding(_sys(g, SystemRole.AUCTION), CEA)[:2] == [0, 300]  # sold: settles at EOD


def test_ecr_withholds_nothing_when_the_bids_at_the_trigger_cover_the_supply() -> None:
    g, _, ev = _wci_sale(1_000, [(700, 1_000), (500, 900)])
    assert not [e for e in ev if isinstance(e, ReserveRuleApplied)]
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 0


def test_ccr_adds_the_reserves_tonnes_the_bids_above_the_trigger_ask_for_beyond_the_supply() -> (
    None
):
    # 2021 CCR trigger 13.00: 1,500 t bid above it for 1,000 on sale -> 500 t added from the CCR
    g, aid, ev = _wci_sale(1_000, [(1_500, 900), (1_400, 600)], reserve_t=1_000)
    summary = next(e for e in ev if isinstance(e, AuctionResultPublished)).summary
    assert (summary.supply, summary.volume, summary.clearing_price) == (1_500, 1_500, 1_400)
    a = _applied(ev)
    assert (a.rule, a.decision, a.moved, a.auction_id) == ("ccr", "released", 500, aid)
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 500
    assert g.holding(_sys(g, SystemRole.AUCTION), CEA)[:2] == [0, 1_500]  # sold: settles at EOD
    g.at("2021-07-17T00:30+08:00")  # 18:30 in Brussels: after eu-like's session
    g.end_of_day()
    assert g.holding(_sys(g, SystemRole.AUCTION), CEA)[:2] == [0, 0]


def test_ccr_adds_at_most_what_the_reserve_holds() -> None:
    _, _, ev = _wci_sale(1_000, [(1_500, 900), (1_400, 600)], reserve_t=200)
    assert _applied(ev).moved == 200


def test_pcr_sells_the_tier_the_auction_price_reached_at_the_tier_price() -> None:
    # wci-like tiers 41.40 and 53.20: an auction cleared at 45.00 reaches the first only
    g, _, _ = _wci_sale(1_000, [(4_500, 1_000)])
    reserve = _sys(g, SystemRole.RESERVE)
    g.ok(rc.Issue(reserve, CEA, 50_000_000, "price containment reserve"))
    cmd = ApplyReserveRule("pcr", CEA, instrument=CEA, closes_at="2021-07-16T11:00+08:00")
    ev = g.ok(cmd, actor="regulator")
    au = next(e for e in ev if isinstance(e, AuctionAnnounced))
    assert (au.spec.reserve_price, au.spec.quantity) == (4_140, 10_000_000)
    assert _applied(ev).decision == "tier 41.40"
    assert g.holding(reserve, CEA)[0] == 40_000_000
    again = g.ok(cmd, actor="regulator")  # the tier is on offer: nothing left of it
    assert _applied(again).decision == "none" and _applied(again).moved == 0


def test_pcr_before_any_auction_has_cleared_is_rejected() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="wci-like")
    g.instrument(CEA, "48.00")
    r = g.rejects(ApplyReserveRule("pcr", CEA, instrument=CEA, closes_at=CLOSES))
    assert r.code is Code.INVALID_STATE and r.field == "instrument"


def test_reserve_movements_replay_from_the_journal_to_the_same_state(tmp_path: Path) -> None:
    g = Given.on_db(tmp_path / "m.db", preset="eu-like")
    g.ok(rc.Issue(_sys(g, SystemRole.AUCTION), CEA, 500_000_000, "auction volume"))
    g.ok(ApplyReserveRule("msr", CEA, year=2023, tnac=1_134_794_738), actor="regulator")
    g.ok(ApplyReserveRule("msr_invalidation", CEA, year=2026), actor="regulator")
    assert [a.decision for a in g.state.supervision.reserve_actions] == ["intake", "invalidation"]
    n, replayed, _ = replay_market(g.market.db_url or "")  # SQLite, or PostgreSQL in that run
    assert replayed == g.state.state_hash() and n == g.state.last_seq
