"""The regulator's daily report page lists the day's stability-reserve actions (市场调节（储备
操作）): the band reserve's release by one-way bidding at the end of day, in Chinese; a day
without any shows no such section."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

from openets.presets import preset
from openets.registry.model import SystemRole

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CEA = "CEA19-20"
DAYS = [
    d.isoformat()
    for d in preset("cn-reserve").calendar.trading_days(date(2021, 7, 16), date(2021, 8, 31))
]


@pytest.fixture
def released(tmp_path: Path) -> Iterator[LiveWeb]:
    """cn-reserve: 10 closes at 130.00 above the band's 120.00 top, then the release."""
    with live_web(tmp_path, preset="cn-reserve") as web:
        web.instrument(CEA, "130.00")
        reserve = web.market.engine.state.registry.system_account(SystemRole.RESERVE, "")
        web.client("regop").issue(
            str(reserve), CEA, 5_000_000, "reserve", approver=web.client("regop2")
        )
        exop = web.client("exop")
        for day in DAYS[:10]:
            exop.advance_clock(to=f"{day}T15:05+08:00")
            exop.end_of_day()
        yield web


def test_the_regulators_report_page_lists_the_days_band_reserve_release_in_chinese(
    released: LiveWeb, browser: Any
) -> None:
    (a,) = released.market.engine.state.supervision.reserve_actions
    tab = Tab(browser, released)
    tab.login("regulator")
    tab.go(f"/regulator/report?date={DAYS[9]}")
    title = tab.page.locator("#f-daily_report h4.reserve-actions-title")
    title.wait_for()
    assert title.inner_text() == "市场调节（储备操作）"
    row = tab.page.locator("#f-daily_report table.report-reserve-actions tbody tr")
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    release = ["价格区间储备", "投放（单向竞价）", CEA, "1,000,000", "120.00", a.auction_id, ""]
    assert cells == release
    head = tab.page.locator("#f-daily_report table.report-reserve-actions th").all_inner_texts()
    assert head[:2] == ["机制", "操作"] and "价格（元/吨）" in head
    tab.shot("regulator-report-reserve-zh")
    tab.go(f"/regulator/report?date={DAYS[8]}")
    tab.page.locator("#f-daily_report table.report").wait_for()
    assert tab.page.locator("#f-daily_report .reserve-actions-title").count() == 0
    tab.close()
