"""The band reserve as an end-of-day step (cn-reserve: band 40.00-120.00, 10 closes, 1,000,000
t): after 10 composite closes outside the band since its last operation the end of day
releases or buys back by one-way bidding through the engine's own commands, journaled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dsl import Given

from openets.ops.eod import run_end_of_day
from openets.ops.verify import replay_market
from openets.presets import preset
from openets.registry import commands as rc
from openets.registry.model import SystemRole
from openets.supervision.reserves_service import band_status
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, CloseAuction, PlaceBid

CEA = "CEA19-20"
DAYS = [
    d.isoformat()
    for d in preset("cn-reserve").calendar.trading_days(date(2021, 7, 16), date(2021, 8, 31))
]


def _sys(g: Given, role: SystemRole) -> str:
    acct = g.state.registry.system_account(role, "")
    assert acct is not None
    return str(acct)


def _eod(g: Given, day: str) -> list[str]:
    g.at(f"{day}T15:05+08:00")
    return run_end_of_day(g.engine).reserve


def _band(g: Given) -> list[object]:
    return [a for a in g.state.supervision.reserve_actions if a.rule == "band"]


def test_band_reserve_releases_at_the_end_of_day_after_10_closes_above_the_band() -> None:
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "130.00")  # above the band's 120.00 top
    reserve, auctioneer = _sys(g, SystemRole.RESERVE), _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(reserve, CEA, 5_000_000, "reserve"))
    assert [_eod(g, d) for d in DAYS[:9]] == [[]] * 9  # 9 closes: not yet
    assert _eod(g, DAYS[9]) == ["release"]
    (a,) = g.state.supervision.reserve_actions
    assert (a.decision, a.decided, a.moved, a.day, a.note) == (
        "release", 1_000_000, 1_000_000, DAYS[9], ""
    )  # fmt: skip
    au = g.state.auction.auctions[a.auction_id]
    assert (au.spec.side, au.spec.initiator, au.spec.quantity) == (
        AuctionSide.SELL, auctioneer, 1_000_000
    )  # fmt: skip
    assert au.spec.reserve_price == 120_00  # the band's top
    assert au.spec.closes_at_us == _micros(f"{DAYS[10]}T11:30+08:00")  # next day's 1st session
    assert g.holding(reserve, CEA)[0] == 4_000_000
    assert g.holding(auctioneer, CEA)[:2] == [0, 1_000_000]  # on offer: locked
    tx = g.state.registry.transactions[a.tx_id]  # the registry's own posting
    assert tx.ref == a.auction_id and {p.account_id for p in tx.postings} == {reserve, auctioneer}


def _micros(iso: str) -> int:
    from openets.domain.clock import parse_iso, to_utc_micros

    return to_utc_micros(parse_iso(iso))


def test_band_reserve_acts_again_only_after_10_more_closes_outside_the_band() -> None:
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "130.00")
    g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, 5_000_000, "reserve"))
    decided = [(d, _eod(g, d)) for d in DAYS[:20]]
    assert [d for d, r in decided if r] == [DAYS[9], DAYS[19]]
    days = [a.day for a in _band(g) if a.decision == "release"]  # type: ignore[attr-defined]
    assert days == [DAYS[9], DAYS[19]]


def test_band_reserve_buys_back_at_the_end_of_day_after_10_closes_below_the_band() -> None:
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "30.00")  # below the band's 40.00 bottom
    auctioneer = _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(auctioneer, CEA, 1_000_000, "paid allocation"))
    closes = f"{DAYS[0]}T10:00+08:00"
    ann = AnnounceAuction(auctioneer, AuctionSide.SELL, CEA, 1_000_000, 40_00, closes)
    sale = str(g.ok(ann, "exchange")[-1].spec.auction_id)
    buyer = g.account(fen=10**10)
    g.ok(PlaceBid(sale, buyer, 40_00, 1_000_000), buyer)
    g.at(closes)
    g.ok(CloseAuction(sale), "exchange")
    assert [_eod(g, d) for d in DAYS[:10]][-1] == ["buy_back"]
    assert g.funds(auctioneer)[0] == 0  # the proceeds locked for the bidding
    (a,) = _band(g)
    au = g.state.auction.auctions[a.auction_id]  # type: ignore[attr-defined]
    assert (au.spec.side, au.spec.quantity, au.spec.reserve_price) == (
        AuctionSide.BUY, 1_000_000, 40_00
    )  # fmt: skip
    seller = g.account(tonnes={CEA: 1_000_000})
    g.ok(PlaceBid(au.spec.auction_id, seller, 35_00, 1_000_000), seller)
    assert _eod(g, DAYS[10]) == []  # the bidding closes at this end of day; no new operation
    assert sum(g.holding(auctioneer, CEA)) == 1_000_000  # bought back, out of circulation
    assert g.funds(auctioneer)[0] == (40_00 - 35_00) * 1_000_000


def test_band_reserve_end_of_day_step_refused_is_journaled_and_the_day_finishes() -> None:
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "130.00")  # the reserve holds nothing to release
    assert [_eod(g, d) for d in DAYS[:10]][-1] == ["release"]
    (a,) = _band(g)
    assert (a.decided, a.moved, a.auction_id) == (1_000_000, 0, "")  # type: ignore[attr-defined]
    assert a.note.startswith("refused: INSUFFICIENT_HOLDINGS")  # type: ignore[attr-defined]
    assert g.state.trading.phase == "idle"  # the day finished


def test_band_reserve_end_of_day_operations_replay_to_the_same_state(tmp_path: Path) -> None:
    g = Given.on_db(tmp_path / "m.db", preset="cn-reserve")
    g.instrument(CEA, "130.00")
    g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, 5_000_000, "reserve"))
    for d in DAYS[:11]:
        _eod(g, d)  # the release's bidding closes on the 11th day without a bid
    assert [a.decision for a in g.state.supervision.reserve_actions] == ["release", "returned"]
    assert g.holding(_sys(g, SystemRole.RESERVE), CEA)[0] == 5_000_000  # all back
    n, replayed, _ = replay_market(g.market.db_url or "")
    assert replayed == g.state.state_hash() and n == g.state.last_seq


def test_band_reserve_status_counts_the_closes_since_its_last_operation() -> None:
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "130.00")
    g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, 5_000_000, "reserve"))
    for d in DAYS[:4]:
        _eod(g, d)
    assert band_status(g.state) == (4, 4, 0, 130_00, None)
    for d in DAYS[4:11]:
        _eod(g, d)
    assert band_status(g.state) == (1, 1, 0, 130_00, DAYS[9])  # counting again after it


def test_band_release_the_bidding_does_not_sell_goes_back_to_the_reserve() -> None:
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "130.00")
    reserve, auctioneer = _sys(g, SystemRole.RESERVE), _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(reserve, CEA, 5_000_000, "reserve"))
    for d in DAYS[:10]:
        _eod(g, d)
    (sale,) = _band(g)
    buyer = g.account(fen=10**11)
    g.at(f"{DAYS[10]}T10:00+08:00")
    g.ok(PlaceBid(sale.auction_id, buyer, 125_00, 300_000), buyer)  # type: ignore[attr-defined]
    _eod(g, DAYS[10])  # closes the bidding: 300,000 t bid for 1,000,000, cancelled (cover)
    back = _band(g)[-1]
    assert (back.decision, back.moved, back.auction_id) == (  # type: ignore[attr-defined]
        "returned", 1_000_000, sale.auction_id  # type: ignore[attr-defined]
    )  # fmt: skip
    assert g.holding(reserve, CEA)[0] == 5_000_000
    assert sum(g.holding(auctioneer, CEA)) == 0 and sum(g.holding(buyer, CEA)) == 0
    assert g.funds(buyer)[0] == 10**11  # the bid's lock released
