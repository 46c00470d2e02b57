"""The daily market report lists the day's stability-reserve actions (市场调节（储备操作）), read
from the journal: the band reserve's release or buy-back by one-way bidding, a sale's unsold
tonnes returned, a refused operation, the containment reserves at an auction's close and the
MSR, in Markdown, CSV and JSON, Chinese and English; a day without any shows nothing more."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from dsl import Given
from typer.testing import CliRunner

from openets.cli import app
from openets.ops.eod import run_end_of_day
from openets.presets import preset
from openets.registry import commands as rc
from openets.registry.model import SystemRole
from openets.supervision.reports.daily import CSV_HEADER, daily_report, render_daily
from openets.supervision.reports.history import history
from openets.supervision.reserve_messages import ApplyReserveRule
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, CloseAuction, PlaceBid

CEA = "CEA19-20"
DAYS = [
    d.isoformat()
    for d in preset("cn-reserve").calendar.trading_days(date(2021, 7, 16), date(2021, 8, 31))
]
RESERVE_COLUMNS = [
    "reserve_mechanism",
    "reserve_action",
    "reserve_quantity_t",
    "reserve_price",
    "reserve_reference",
    "reserve_note",
]


def _sys(g: Given, role: SystemRole) -> str:
    acct = g.state.registry.system_account(role, "")
    assert acct is not None
    return str(acct)


def _eod(g: Given, day: str) -> None:
    g.at(f"{day}T15:05+08:00")
    run_end_of_day(g.engine)


def _rows(g: Given) -> list[tuple[int, str, Any]]:
    return [(r.ts, r.type, r.payload) for r in g.engine.journal.read()]


def _render(g: Given, day: str, form: str, lang: str) -> str:
    return render_daily(daily_report(history(_rows(g)), day), form, lang)


def _released(days: int = 11, reserve_t: int = 5_000_000) -> Given:
    """cn-reserve (band 40.00-120.00, 10 closes, 1,000,000 t) with closes at 130.00."""
    g = Given.in_memory(preset="cn-reserve")
    g.instrument(CEA, "130.00")
    if reserve_t:
        g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, reserve_t, "reserve"))
    for d in DAYS[:days]:
        _eod(g, d)
    return g


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_daily_report_lists_the_days_band_reserve_release() -> None:
    g = _released(days=10)
    (a,) = g.state.supervision.reserve_actions
    zh = _render(g, DAYS[9], "md", "zh")
    assert "## 市场调节（储备操作）" in zh
    row = f"| 价格区间储备 | 投放（单向竞价） | {CEA} | 1,000,000 | 120.00 | {a.auction_id} | — |"
    assert row in zh
    assert zh.index("市场调节") < zh.index("> 声明")  # before the disclaimer
    en = _render(g, DAYS[9], "md", "en")
    assert "## Reserve actions" in en
    assert f"| band reserve | release (one-way bidding) | {CEA} | 1,000,000 | 120.00 |" in en
    (j,) = json.loads(_render(g, DAYS[9], "json", "en"))["reserve_actions"]
    assert (j["mechanism"], j["action"], j["quantity_t"], j["price"], j["reference"]) == (
        "band", "release", 1_000_000, "120.00", a.auction_id
    )  # fmt: skip
    assert (j["auction_id"], j["tx_id"], j["instrument"]) == (a.auction_id, a.tx_id, CEA)
    table = _csv(_render(g, DAYS[9], "csv", "en"))
    assert table[0] == CSV_HEADER["en"] + RESERVE_COLUMNS  # the existing columns first
    width = len(CSV_HEADER["en"])
    assert table[-1] == [DAYS[9], CEA, *[""] * (width - 2),
                         "band", "release", "1000000", "120.00", a.auction_id, ""]  # fmt: skip
    assert all(r[width:] == [""] * 6 for r in table[1:-1])  # the price rows as they were
    zh_csv = _csv(_render(g, DAYS[9], "csv", "zh"))
    zh_columns = ["储备机制", "储备操作", "储备数量", "储备价格", "储备操作编号", "储备说明"]
    assert zh_csv[0][width:] == zh_columns


def test_a_day_without_a_reserve_action_adds_nothing_to_the_daily_report() -> None:
    g = _released(days=10)
    for lang in ("zh", "en"):
        md = _render(g, DAYS[8], "md", lang)
        assert "储备操作" not in md and "Reserve actions" not in md
        assert json.loads(_render(g, DAYS[8], "json", lang))["reserve_actions"] == []
        table = _csv(_render(g, DAYS[8], "csv", lang))
        assert table[0] == CSV_HEADER[lang] and len(table) == 1 + 2 * 4


def test_the_daily_report_lists_the_band_release_returned_unsold_on_the_day_it_closes() -> None:
    g = _released(days=11)  # the release's bidding closes on the 11th day without a bid
    (j,) = json.loads(_render(g, DAYS[10], "json", "zh"))["reserve_actions"]
    assert (j["mechanism"], j["action"], j["action_name"], j["quantity_t"], j["price"]) == (
        "band", "returned", "未售出，退回储备", 1_000_000, None
    )  # fmt: skip
    assert "| band reserve | unsold, back to the reserve |" in _render(g, DAYS[10], "md", "en")
    release_day = json.loads(_render(g, DAYS[9], "json", "zh"))["reserve_actions"]
    assert [x["action"] for x in release_day] == ["release"]  # each on its own day


def test_the_daily_report_lists_a_refused_band_operation_with_its_reason() -> None:
    g = _released(days=10, reserve_t=0)  # the reserve holds nothing to release
    (j,) = json.loads(_render(g, DAYS[9], "json", "en"))["reserve_actions"]
    assert (j["action"], j["quantity_t"], j["price"], j["reference"]) == ("release", 0, None, "")
    assert j["note"] == f"not carried out: the reserve holds no {CEA} to release"
    zh = _render(g, DAYS[9], "md", "zh")
    note = "未能执行（INSUFFICIENT_HOLDINGS）"
    assert f"| 价格区间储备 | 投放（单向竞价） | {CEA} | 0 | — | — | {note} |" in zh


def test_the_daily_report_lists_a_band_buy_back_with_the_tonnes_sought_and_its_top_price() -> None:
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
    g.ok(CloseAuction(sale), "exchange")  # the government's proceeds to buy back with
    for d in DAYS[:10]:
        _eod(g, d)
    (j,) = json.loads(_render(g, DAYS[9], "json", "zh"))["reserve_actions"]
    assert (j["action"], j["action_name"], j["quantity_t"], j["price"]) == (
        "buy_back", "回购（单向竞价）", 1_000_000, "40.00"
    )  # fmt: skip


def test_the_daily_report_lists_the_ecr_withholding_at_the_auctions_clearing_price() -> None:
    # wci-like, 2021 ECR trigger 6.00: 300 t bid at or above it -> 700 t of 1,000 withheld
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="wci-like")
    g.instrument(CEA, "48.00")
    auctioneer = _sys(g, SystemRole.AUCTION)
    g.ok(rc.Issue(auctioneer, CEA, 1_000, "auction volume"))
    closes = "2021-07-16T10:00+08:00"
    ann = AnnounceAuction(auctioneer, AuctionSide.SELL, CEA, 1_000, 100, closes, lot_size=100)
    aid = str(g.ok(ann, "exchange")[-1].spec.auction_id)
    for price, qty in ((700, 300), (500, 900)):
        b = g.account(fen=10**9)
        g.ok(PlaceBid(aid, b, price, qty), b)
    g.at(closes)
    g.ok(CloseAuction(aid), "exchange")
    g.at("2021-07-17T00:30+08:00")  # after wci-like's session (Brussels time)
    g.end_of_day()
    (j,) = json.loads(_render(g, "2021-07-16", "json", "en"))["reserve_actions"]
    assert (j["mechanism"], j["action"], j["quantity_t"], j["price"], j["reference"]) == (
        "ecr", "withheld", 700, "7.00", aid
    )  # fmt: skip
    assert j["mechanism_name"] == "emissions containment reserve"
    assert "| 排放控制储备 | 扣留 |" in _render(g, "2021-07-16", "md", "zh")


def test_the_daily_report_lists_the_msr_intake_with_its_transaction_and_no_price() -> None:
    g = Given.in_memory(preset="eu-like")
    g.instrument(CEA, "48.00")
    g.ok(rc.Issue(_sys(g, SystemRole.AUCTION), CEA, 500_000_000, "auction volume"))
    ev = g.ok(ApplyReserveRule("msr", CEA, year=2023, tnac=1_134_794_738), actor="regulator")
    tx = next(e for e in ev if type(e).__name__ == "ReserveRuleApplied").tx_id
    g.at("2021-07-17T00:30+08:00")
    g.end_of_day()
    (j,) = json.loads(_render(g, "2021-07-16", "json", "zh"))["reserve_actions"]
    assert (j["mechanism"], j["action"], j["quantity_t"], j["price"], j["reference"]) == (
        "msr", "intake", 272_350_737, None, tx
    )  # fmt: skip
    assert (j["mechanism_name"], j["action_name"]) == ("市场稳定储备", "吸纳")


def test_openets_report_daily_lists_the_reserve_actions_from_the_database(tmp_path: Path) -> None:
    g = Given.on_db(tmp_path / "m.db", preset="cn-reserve")
    g.instrument(CEA, "130.00")
    g.ok(rc.Issue(_sys(g, SystemRole.RESERVE), CEA, 5_000_000, "reserve"))
    for d in DAYS[:10]:
        _eod(g, d)
    db = g.market.db_url or ""
    args = ["report", "daily", "--db", db, "--date", DAYS[9], "--lang", "en"]
    got = CliRunner().invoke(app, args)
    assert got.exit_code == 0, got.output
    assert "## Reserve actions" in got.output
    row = f"| band reserve | release (one-way bidding) | {CEA} | 1,000,000 | 120.00 |"
    assert row in got.output
