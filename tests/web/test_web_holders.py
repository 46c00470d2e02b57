"""Large-holder reports and related accounts worked in the pages: the regulator scans the
positions and declares or removes a link between accounts on the holders page; a participant
finds the report it owes waiting and files it on its account page. In Chinese and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

from openets.supervision import messages as sm
from openets.supervision.risk import Limit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/web/conftest.py)


@pytest.fixture
def holders(tmp_path: Path) -> Iterator[LiveWeb]:
    """Two participants holding 50,000 t and 2,000 t under a 10,000 t reporting line."""
    with live_web(tmp_path) as live:
        big = live.participant("大户电厂", tonnes=50_000)
        small = live.participant("小户电厂", tonnes=2_000)
        line = (Limit("entity", 10_000, False),)
        live.submit(sm.SetRiskRules("test", (), line, "测试报告线"), "regulator")
        live.accounts = {"big": big, "small": small}  # type: ignore[attr-defined]
        yield live


@pytest.mark.parametrize(
    ("lang", "scanned", "unknown"), [("zh", "扫描完成", "账户"), ("en", "Scan done", "account")]
)
def test_the_regulator_scans_positions_and_links_and_unlinks_accounts_in_the_page(
    holders: LiveWeb, browser: Any, lang: str, scanned: str, unknown: str
) -> None:
    big = holders.accounts["big"].account_id  # type: ignore[attr-defined]
    small = holders.accounts["small"].account_id  # type: ignore[attr-defined]
    reg = holders.client("regulator")
    tab = Tab(browser, holders, lang=lang)
    tab.login("regulator")
    tab.go("/regulator/holders")
    tab.page.locator("form.scan-holders button[type=submit]").click()
    tab.toast(scanned)
    tab.page.locator("#f-large_holders tr[data-obligation]", has_text=big).wait_for()
    got = reg.get("/supervision/large-holders")["data"]
    assert [(o["account_id"], o["status"]) for o in got] == [(big, "open")]
    form = tab.page.locator("form.link-accounts")
    form.locator("input[name=group_id]").fill("G-华能")
    form.locator("input[name=account_ids]").fill(f"{big}, A999999")  # no such account
    form.locator("input[name=reason]").fill("同一实际控制人")
    form.locator("button[type=submit]").click()
    err = form.locator(".form-msg.err")
    err.wait_for()
    assert unknown in err.inner_text() and "A999999" in err.inner_text()
    assert reg.get("/supervision/links")["groups"] == {}
    form.locator("input[name=account_ids]").fill(f"{big}，{small}")  # a full-width comma too
    form.locator("button[type=submit]").click()
    form.locator(".form-msg.ok").wait_for()
    assert reg.get("/supervision/links")["groups"] == {"G-华能": [big, small]}
    row = tab.page.locator(f"#f-links tr[data-account='{small}']")
    row.wait_for()
    row.locator("input[name=reason]").fill("股权已转让")
    row.locator("button[type=submit]").click()
    row.wait_for(state="detached")
    assert tab.dialogs, "unlinking asks to confirm"
    assert small not in str(reg.get("/supervision/links")["groups"])
    tab.close()


@pytest.mark.parametrize(
    ("lang", "waiting", "filed"),
    [("zh", "待提交的大户报告", "大户报告已提交"), ("en", "Large-holder reports to file",
                                                 "Large-holder report filed")],
)  # fmt: skip
def test_a_participant_finds_its_large_holder_report_waiting_and_files_it_in_the_page(
    holders: LiveWeb, browser: Any, lang: str, waiting: str, filed: str
) -> None:
    big = holders.accounts["big"]  # type: ignore[attr-defined]
    holders.client("regulator").post("/supervision/large-holders/scan")
    tab = Tab(browser, holders, lang=lang)
    tab.login(big.username)
    item = tab.page.locator("li[data-work='work.holder_reports']")
    item.wait_for()
    assert waiting in item.inner_text() and item.locator(".count").inner_text() == "1"
    item.locator("a").click()
    tab.page.wait_for_url("**/account")
    row = tab.page.locator("#f-large_holders tr[data-status=open]")
    row.locator("input[name=text]").fill("持仓来自2019-2020年度配额分配，用于履约清缴")
    row.locator("button[type=submit]").click()
    tab.toast(filed)
    tab.page.locator("#f-large_holders tr[data-status=filed]").wait_for()
    assert tab.dialogs, "filing asks to confirm"
    mine = holders.client(big.username).get("/supervision/large-holders")["data"]
    assert [(o["status"], o["filed_text"]) for o in mine] == [
        ("filed", "持仓来自2019-2020年度配额分配，用于履约清缴")
    ]
    tab.close()
