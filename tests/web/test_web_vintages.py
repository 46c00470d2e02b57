"""The regulator's daily report page with five vintages: the composite (COMCEA) row first,
its composition shown, in Chinese and English; a day without trades says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIVE = ("CEA19-20", "CEA21", "CEA22", "CEA23", "CEA24")
D1, D2 = "2025-04-29", "2025-04-30"


@pytest.fixture(scope="module")
def vintages_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    """Five vintages listed on 2025-04-29; a trade in CEA24 that day; 04-30 without trades."""
    path: Path = tmp_path_factory.mktemp("vintages-web")
    with live_web(path) as live:
        exop = live.client("exop")
        exop.advance_clock(to=f"{D1}T09:00+08:00")
        for i, code in enumerate(FIVE):
            live.instrument(code, f"{70 + i}.00")
        seller = live.participant("年度配额卖方")
        live.client("regop").issue(
            seller.account_id, "CEA24", 1_000, "allocation", approver=live.client("regop2")
        )
        buyer = live.participant("年度配额买方", yuan_fen=10**9)
        exop.advance_clock(to=f"{D1}T10:00+08:00")
        listing = live.client(seller.username).post_listing(
            seller.account_id, "CEA24", "sell", "76.00", 100
        )
        live.client(buyer.username).take_listing(listing["listing_id"], buyer.account_id, 100)
        for day in (D1, D2):
            exop.advance_clock(to=f"{day}T15:30+08:00")
            exop.end_of_day()
        yield live


def _rows(tab: Tab, day: str) -> list[str]:
    tab.go(f"/regulator/report?date={day}")
    rows = tab.page.locator("#f-daily_report table.report tbody tr")
    rows.first.wait_for()
    return [r.locator("td").first.inner_text().strip() for r in rows.all()]


@pytest.mark.parametrize(
    ("lang", "weighted", "no_trade"),
    [
        ("zh", "各年度价格加权平均", "全国碳市场无成交"),
        ("en", "weighted average of the vintages' prices", "No trades in the national"),
    ],
)
def test_daily_report_page_shows_the_composite_first(
    vintages_web: LiveWeb, browser: Any, lang: str, weighted: str, no_trade: str
) -> None:
    tab = Tab(browser, vintages_web, lang=lang)
    tab.login("regulator")
    assert _rows(tab, D1) == ["COMCEA", *FIVE]
    first = tab.page.locator("#f-daily_report table.report tbody tr").first
    assert "composite" in (first.get_attribute("class") or "")
    assert "72.40" in first.inner_text()  # (70 + 71 + 72 + 73 + 76) / 5
    composition = tab.page.locator("#f-daily_report .composition").inner_text()
    assert "CEA24 1/5" in composition and weighted in composition
    assert tab.page.locator("#f-daily_report .no-trade").count() == 0
    assert _rows(tab, D2) == ["COMCEA", *FIVE]
    assert no_trade in tab.page.locator("#f-daily_report .no-trade").inner_text()
    tab.close()


@pytest.mark.parametrize(("lang", "listed"), [("zh", "已上市"), ("en", "Listed")])
def test_exchange_lists_the_vintages_due_from_its_instruments_page(
    tmp_path: Path, browser: Any, lang: str, listed: str
) -> None:
    with live_web(tmp_path) as live:
        live.instrument("CEA19-20", "48.00")
        live.client("exop").advance_clock(to="2023-08-28T09:00+08:00")
        tab = Tab(browser, live, lang=lang)
        tab.login("exop")
        tab.go("/exchange/instruments")
        frag = tab.page.locator("#f-instruments_admin")
        assert listed not in frag.locator("tr[data-vintage=CEA21]").inner_text()
        form = frag.locator("form[data-api='POST /api/v1/instruments/due']")
        form.locator("input[name=reference_price]").fill("70.00")
        form.locator("button[type=submit]").click()
        frag.locator("tr[data-instrument=CEA22]").wait_for()
        assert listed in frag.locator("tr[data-vintage=CEA21]").inner_text()
        assert listed not in frag.locator("tr[data-vintage=CEA23]").inner_text()
        data = live.client("exop").get("/instruments")["data"]
        codes = {i["code"]: i["prev_close"] for i in data}
        assert codes == {"CEA19-20": "48.00", "CEA21": "70.00", "CEA22": "70.00"}
        tab.close()
