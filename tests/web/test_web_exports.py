"""The regulator's lists download as CSV from the pages: alerts, cases and the daily report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = "2021-07-16"
CODE = "CEA19-20"


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A closed day where one buyer took 20,000 t (an alert), and a case opened on it."""
    with live_web(tmp_path) as live:
        live.instrument(CODE, "48.00")
        seller = live.participant("导出卖方电厂", tonnes=50_000)
        buyer = live.participant("导出买方电厂", yuan_fen=10_000_000_000)
        live.client("exop").advance_clock(to=f"{DAY}T13:30+08:00")
        for _ in range(4):
            listing = live.client(seller.username).post_listing(
                seller.account_id, CODE, "sell", "48.00", 5_000
            )
            live.client(buyer.username).take_listing(listing["listing_id"], buyer.account_id, 5_000)
        exop = live.client("exop")
        exop.advance_clock(to=f"{DAY}T15:30+08:00")
        exop.end_of_day()
        reg = live.client("regulator")
        run = reg.post("/supervision/surveillance", {"day": DAY})
        alert_id = run["alerts"][0]["alert_id"]
        case = reg.post("/supervision/cases", {"alert_ids": [alert_id], "title": "=集中买入"})
        yield {"web": live, "alerts": run["alerts"], "case": case}


def fetch(tab: Tab, selector: str) -> tuple[str, list[list[str]]]:
    """Click a download link; the file's name and its rows."""
    with tab.page.expect_download() as info:
        tab.page.locator(selector).click()
    d = info.value
    text = Path(d.path()).read_text(encoding="utf-8-sig")
    return d.suggested_filename, list(csv.reader(io.StringIO(text)))


def test_the_regulators_lists_download_as_csv_from_the_pages(
    watched: dict[str, Any], browser: Any
) -> None:
    tab = Tab(browser, watched["web"])
    tab.login("regulator")
    tab.go("/regulator/alerts")
    name, rows = fetch(tab, "#f-alerts a[data-export=alerts]")
    assert name == "alerts.csv" and rows[0][0] == "预警编号"
    assert {r[0] for r in rows[1:]} == {a["alert_id"] for a in watched["alerts"]}
    name, rows = fetch(tab, "#f-alerts a[data-export=cases]")
    assert name == "cases.csv"
    assert rows[1][:2] == [watched["case"]["case_id"], "'=集中买入"]  # a formula made text
    tab.go(f"/regulator/report?date={DAY}")
    name, rows = fetch(tab, "#f-daily_report a[data-export=report]")
    assert name == f"daily-{DAY}.csv"
    assert any(CODE in r for r in rows) and any(
        "20,000" in c or "20000" in c for r in rows for c in r
    )
    tab.close()


def test_the_csv_links_speak_the_page_language(watched: dict[str, Any], browser: Any) -> None:
    tab = Tab(browser, watched["web"], lang="en")
    tab.login("regulator")
    tab.go("/regulator/alerts")
    link = tab.page.locator("#f-alerts a[data-export=alerts]")
    assert link.inner_text() == "Export alerts (CSV)"
    _, rows = fetch(tab, "#f-alerts a[data-export=cases]")
    assert rows[0][:2] == ["case_id", "title"]
    tab.close()
