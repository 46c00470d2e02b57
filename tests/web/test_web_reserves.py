"""The regulator's market stability page (中文 and English): the reserve's state and history, the
band reserve's count, the price containment tiers, and applying a rule from the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

from openets.registry.model import SystemRole

CEA21 = "CEA21"


def _system(web: LiveWeb, role: SystemRole) -> str:
    acct = web.market.engine.state.registry.system_account(role, "")
    assert acct is not None
    return str(acct)


@pytest.fixture
def eu(tmp_path: Path) -> Iterator[LiveWeb]:
    with live_web(tmp_path, preset="eu-like") as live:
        auctioneer = _system(live, SystemRole.AUCTION)
        live.client("regop").issue(
            auctioneer, CEA21, 400_000_000, "2023 auction volume", approver=live.client("regop2")
        )
        yield live


@pytest.mark.browser
@pytest.mark.slow
def test_regulator_applies_the_msr_intake_on_the_reserves_page_and_sees_it_in_the_history(
    eu: LiveWeb, browser: Any
) -> None:
    tab = Tab(browser, eu)
    tab.login("regulator")
    tab.go("/regulator/reserves")
    assert tab.page.locator("nav a[href='/regulator/reserves']").count() == 1
    history = tab.page.locator("#f-reserves table.reserve-actions")
    assert "尚无操作记录" in history.inner_text()
    form = tab.page.locator("form.apply-reserve")
    assert form.locator("select[name=rule] option").all_inner_texts() == [
        "市场稳定储备（吸纳/投放）", "市场稳定储备（作废）"
    ]  # fmt: skip
    form.locator("select[name=rule]").select_option("msr")
    form.locator("input[name=product]").fill(CEA21)
    form.locator("input[name=year]").fill("2023")
    form.locator("input[name=tnac]").fill("1134794738")  # the Commission's 2023 TNAC
    form.locator("button[type=submit]").click()
    tab.toast("储备规则已执行")
    row = tab.page.locator("#f-reserves tr[data-decision=intake]")
    row.wait_for()
    assert row.locator("td.moved").inner_text() == "272,350,737"  # 24% of the TNAC
    assert "吸纳" in row.inner_text() and "2023" in row.inner_text()
    held = tab.page.locator('#f-reserves table.reserve-holdings tr[data-product="CEA21"]')
    assert held.locator("td.available").inner_text() == "272,350,737"
    assert any("储备规则" in d for d in tab.dialogs)  # asked to confirm first
    last = tab.page.locator("#f-reserves dl.msr-status dd.msr-last").inner_text()
    assert last == "2023 · 吸纳 272,350,737"
    tab.shot("regulator-reserves-zh")
    tab.close()

    en = Tab(browser, eu, lang="en")
    en.login("regulator")
    en.go("/regulator/reserves")
    assert en.page.locator("main h2").first.inner_text() == "Stability reserves"
    row = en.page.locator("#f-reserves tr[data-decision=intake]")
    assert "intake" in row.inner_text() and "Market stability reserve" in row.inner_text()
    rules = en.page.locator('#f-reserves tr[data-rule-name="reserves.msr.upper_threshold"]')
    assert "TNAC intake threshold" in rules.inner_text()
    assert "833,000,000 tonnes" in rules.inner_text()
    rates = en.page.locator('#f-reserves tr[data-rule-name="reserves.msr.intake_rates"]')
    assert "24.00% from 2019, 12.00% from 2031" in rates.inner_text()
    en.shot("regulator-reserves-en")
    en.close()


def test_reserves_page_refuses_a_bad_tnac_naming_the_field(eu: LiveWeb) -> None:
    with eu.http("regulator") as h:
        body = {"rule": "msr", "product": CEA21, "year": 2023, "tnac": -1}
        r = h.post("/api/v1/supervision/reserves/apply", json=body)
        assert r.status_code == 422 and r.json()["error"]["field"] == "tnac"
        page = h.get("/regulator/reserves")
        assert page.status_code == 200 and 'data-decision="intake"' not in page.text


def test_reserves_page_shows_the_band_reserves_count_in_both_languages(tmp_path: Path) -> None:
    with live_web(tmp_path, preset="cn-reserve") as web:
        web.instrument("CEA19-20", "130.00")  # above the band's 120.00 top
        exop = web.client("exop")
        for day in ("2021-07-16", "2021-07-19", "2021-07-20"):
            exop.advance_clock(to=f"{day}T15:05+08:00")
            exop.end_of_day()
        for lang, words in (("zh", ("连续高于区间", "日终自动执行")),
                            ("en", ("Running above the band", "automatically"))):  # fmt: skip
            with web.http("regulator", lang=lang) as h:
                page = h.get("/regulator/reserves").text
            assert 'data-closes="3" data-above="3" data-below="0"' in page
            assert all(w in page for w in words)
            assert "3 / 10" in page


def test_reserves_page_of_a_market_without_mechanisms_says_so(tmp_path: Path) -> None:
    with live_web(tmp_path) as web, web.http("regulator", lang="en") as h:
        page = h.get("/regulator/reserves").text
    assert "This market has no market stability mechanisms." in page
    assert 'China national market <span class="code">cn</span>' in page
    assert "This market has no reserve rule the regulator applies." in page
