"""The daily market report over HTTP lists the day's stability-reserve actions: the band
reserve's release by one-way bidding at the end of day (cn-reserve), in JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from marketapi import market_server, ok

from openets.presets import preset
from openets.registry.model import SystemRole

CEA = "CEA19-20"
DAYS = [
    d.isoformat()
    for d in preset("cn-reserve").calendar.trading_days(date(2021, 7, 16), date(2021, 8, 31))
]


def test_the_daily_report_over_http_lists_the_days_band_reserve_release(tmp_path: Path) -> None:
    with market_server(tmp_path, preset="cn-reserve", auction_tick_seconds=0) as api:
        exop = api.client("exop")
        ok(exop.request("POST", "/instruments", json={
            "code": CEA, "product": CEA, "reference_price": "130.00",
        }), 201)  # fmt: skip  above the band's 120.00 top
        reserve = api.state.registry.system_account(SystemRole.RESERVE, "")
        api.client("regop").issue(
            str(reserve), CEA, 5_000_000, "reserve", approver=api.client("regop2")
        )
        for day in DAYS[:10]:
            exop.advance_clock(to=f"{day}T15:05+08:00")
            exop.end_of_day()
        (a,) = api.state.supervision.reserve_actions
        anon = api.anon()
        assert anon.get("/reports/daily", date=DAYS[8])["reserve_actions"] == []
        (j,) = anon.get("/reports/daily", date=DAYS[9], lang="en")["reserve_actions"]
        assert (j["mechanism"], j["action"], j["quantity_t"], j["price"], j["reference"]) == (
            "band", "release", 1_000_000, "120.00", a.auction_id
        )  # fmt: skip
        assert j["mechanism_name"] == "band reserve"
        md = anon.request("GET", "/reports/daily", params={"date": DAYS[9], "format": "md"})
        assert "## 市场调节（储备操作）" in md.text
        assert f"| 价格区间储备 | 投放（单向竞价） | {CEA} | 1,000,000 | 120.00 |" in md.text
        got = anon.request(
            "GET", "/reports/daily", params={"date": DAYS[9], "format": "csv", "lang": "en"}
        )
        table = list(csv.reader(io.StringIO(got.text)))
        assert table[0][:3] == ["date", "instrument", "method"]
        assert table[0][14:] == [
            "reserve_mechanism", "reserve_action", "reserve_quantity_t", "reserve_price",
            "reserve_reference", "reserve_note",
        ]  # fmt: skip
        row = next(r for r in table if "band" in r)
        assert row[:2] == [DAYS[9], CEA]
        assert row[14:] == ["band", "release", "1000000", "120.00", a.auction_id, ""]


def test_a_reserve_action_after_the_days_close_shows_in_that_days_report_over_http(
    tmp_path: Path,
) -> None:
    """eu-like (Brussels time): the day closes, its report is read (and kept by the server),
    then the regulator applies the MSR the same evening: the report shows the intake."""
    with market_server(tmp_path, preset="eu-like", auction_tick_seconds=0) as api:
        exop = api.client("exop")
        ok(exop.request("POST", "/instruments", json={
            "code": "CEA21", "product": "CEA21", "reference_price": "48.00",
        }), 201)  # fmt: skip
        auctioneer = api.state.registry.system_account(SystemRole.AUCTION, "")
        api.client("regop").issue(
            str(auctioneer), "CEA21", 400_000_000, "auction volume", approver=api.client("regop2")
        )
        exop.advance_clock(to="2021-07-17T00:30+08:00")  # 18:30 in Brussels: after the session
        exop.end_of_day()
        day = "2021-07-16"
        anon = api.anon()
        assert anon.get("/reports/daily", date=day)["reserve_actions"] == []
        exop.advance_clock(to="2021-07-17T05:00+08:00")  # 23:00 in Brussels, the same day
        body = {"rule": "msr", "product": "CEA21", "year": 2023, "tnac": 1_134_794_738}
        out = ok(api.client("regulator").request(
            "POST", "/supervision/reserves/apply", json=body
        ), 201)  # fmt: skip
        (j,) = anon.get("/reports/daily", date=day)["reserve_actions"]
        assert (j["mechanism"], j["action"], j["quantity_t"], j["reference"]) == (
            "msr", "intake", 272_350_737, out["tx_id"]
        )  # fmt: skip
