"""The regulator works a case in the page: opened on an alert, reviewed with a note, closed
with a finding and its reason, each step in the case's history; the date column says when the
case was opened (立案时间, not 开户时间). The regulator's views of large holders, restricted
accounts and one account's positions, in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

from openets.supervision import messages as sm
from openets.supervision.risk import Limit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = "2021-07-16"
CODE = "CEA19-20"


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    """A closed day where one seller sold and one buyer bought 20,000 t (an alert on each, so
    each test opens its own case); the seller restricted from trading; a 1,000 t reporting line
    that both holdings pass."""
    with live_web(tmp_path_factory.mktemp("cases")) as live:
        live.instrument(CODE, "48.00")
        seller = live.participant("案件卖方电厂", tonnes=50_000)
        buyer = live.participant("案件买方电厂", yuan_fen=10_000_000_000)
        exop = live.client("exop")
        exop.advance_clock(to=f"{DAY}T13:30+08:00")
        for _ in range(4):
            listing = live.client(seller.username).post_listing(
                seller.account_id, CODE, "sell", "48.00", 5_000
            )
            live.client(buyer.username).take_listing(listing["listing_id"], buyer.account_id, 5_000)
        exop.advance_clock(to=f"{DAY}T15:30+08:00")
        exop.end_of_day()
        reg = live.client("regulator")
        reg.post("/supervision/surveillance", {"day": DAY})
        reg.post("/supervision/restrictions", {
            "account_id": seller.account_id, "trading": True, "transfer": False,
            "reason": "涉嫌异常交易协查",
        })  # fmt: skip
        limit = (Limit("entity", 1_000, False),)
        live.submit(sm.SetRiskRules("test", (), limit, "测试报告线"), "regulator")
        reg.post("/supervision/large-holders/scan")
        live.accounts = {"seller": seller.account_id, "buyer": buyer.account_id}  # type: ignore[attr-defined]
        yield live


def _fresh_alert(web: LiveWeb) -> str:
    """An alert without a case (each test opens its own)."""
    reg = web.client("regulator")
    free = [a for a in reg.get("/supervision/alerts")["data"] if not a.get("case_id")]
    if not free:
        pytest.fail("the fixture's day raised too few alerts for the tests")
    return str(free[0]["alert_id"])


@pytest.mark.parametrize(
    ("lang", "opened", "reviewing", "closed", "finding"),
    [("zh", "立案时间", "调查中", "已结案", "移送处理"),
     ("en", "Opened", "Under review", "Closed", "Referred")],
)  # fmt: skip
def test_a_case_is_opened_reviewed_with_a_note_and_closed_with_a_reason_in_the_page(
    watched: LiveWeb, browser: Any, lang: str, opened: str, reviewing: str, closed: str,
    finding: str,
) -> None:
    alert = _fresh_alert(watched)
    tab = Tab(browser, watched, lang=lang)
    tab.login("regulator")
    tab.go("/regulator/alerts")
    page = tab.page
    page.locator(f"#f-alerts tr[data-alert='{alert}'] form button[type=submit]").click()
    page.wait_for_function(
        "(a) => !document.querySelector(`#f-alerts tr[data-alert='${a}'] form`)", arg=alert
    )
    case_id = page.locator(f"#f-alerts tr[data-alert='{alert}'] td .id").inner_text().strip()
    heads = page.locator("#f-alerts table.cases thead th").all_inner_texts()
    assert opened in heads and "开户时间" not in heads
    row = page.locator(f"#f-alerts tr[data-case='{case_id}']")
    row.locator("form.case-review input[name=note]").fill("调取双方近一月成交记录")
    row.locator("form.case-review button[type=submit]").click()
    row.locator("td.case-status", has_text=reviewing).wait_for()
    row.locator("form.case-close select[name=finding]").select_option("referred")
    row.locator("form.case-close button[type=submit]").click()  # no reason: refused
    row.locator("form.case-close input[name=note].invalid").wait_for()  # the field named
    tab.toast("说明" if lang == "zh" else "note is required")
    assert watched.client("regulator").get(f"/supervision/cases/{case_id}")["status"] == (
        "under_review"
    )
    row.locator("form.case-close input[name=note]").fill("价格操纵嫌疑，移送执法")
    row.locator("form.case-close button[type=submit]").click()
    row.locator("td.case-status", has_text=closed).wait_for()
    assert row.locator("td.case-finding").inner_text().strip() == finding
    history = row.locator("ol.case-history li").all_inner_texts()
    assert len(history) == 3
    assert "调取双方近一月成交记录" in history[1] and "价格操纵嫌疑，移送执法" in history[2]
    assert row.locator("form").count() == 0  # nothing left to do on a closed case
    c = watched.client("regulator").get(f"/supervision/cases/{case_id}")
    assert (c["status"], c["finding"]) == ("closed", "referred")
    assert c["note"] == "价格操纵嫌疑，移送执法"
    tab.shot(f"regulator_case_closed_{lang}")
    tab.close()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ("大户报告", "受限账户", "限制交易", "待提交", "交收后持仓")),
     ("en", ("Large-holder reports", "Restricted accounts", "Trading", "Due", "After settlement"))],
)  # fmt: skip
def test_regulator_sees_large_holders_restrictions_and_an_accounts_positions(
    watched: LiveWeb, browser: Any, lang: str, words: tuple[str, ...]
) -> None:
    seller = watched.accounts["seller"]  # type: ignore[attr-defined]
    tab = Tab(browser, watched, lang=lang)
    tab.login("regulator")
    tab.go("/regulator")
    tab.page.locator("nav.menu a[href='/regulator/holders']").click()
    holders = tab.page.locator("#f-large_holders table.large-holders tbody tr[data-obligation]")
    holders.first.wait_for()
    owners = [r.locator("td").nth(1).inner_text().strip() for r in holders.all()]
    assert seller in owners
    restricted = tab.page.locator(f"#f-restrictions tr[data-account='{seller}']")
    assert "涉嫌异常交易协查" in restricted.inner_text()
    restricted.locator("a").click()  # the account's positions
    table = tab.page.locator(f"#f-positions table.positions[data-account='{seller}']")
    table.wait_for()
    cells = table.locator("tr[data-product='CEA19-20'] td[data-col]")
    figures = {str(c.get_attribute("data-col")): c.inner_text().strip() for c in cells.all()}
    assert (figures["held"], figures["position"]) == ("30,000", "30,000")
    text = tab.page.locator("main").inner_text()
    assert all(w in text for w in words), [w for w in words if w not in text]
    tab.page.fill("form.positions-lookup input[name=account]", "A 1")
    tab.page.locator("form.positions-lookup button[type=submit]").click()
    tab.page.locator("#f-positions p.problem").wait_for()
    tab.close()


@pytest.mark.parametrize(
    ("lang", "trading", "reason", "text"),
    [("zh", False, "大额划转核查", "请关注持仓集中风险"),
     ("en", True, "Transfer review", "Mind your concentration")],
)  # fmt: skip
def test_regulator_restricts_an_account_and_issues_a_risk_warning_in_the_page(
    watched: LiveWeb, browser: Any, lang: str, trading: bool, reason: str, text: str
) -> None:
    """Each language sets other restrictions (a restriction set again unchanged keeps its
    first reason)."""
    buyer = watched.accounts["buyer"]  # type: ignore[attr-defined]
    tab = Tab(browser, watched, lang=lang)
    tab.login("regulator")
    tab.go("/regulator/holders")
    form = tab.page.locator("form.restrict-account")
    form.locator("input[name=account_id]").fill(buyer)
    form.locator("input[name=transfer]").check()
    if trading:
        form.locator("input[name=trading]").check()
    form.locator("input[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    form.locator(".form-msg.ok").wait_for()
    assert tab.dialogs, "setting a restriction asks to confirm"
    # the list is fetched again after the answer: wait for the new reason, not the old row
    row = tab.page.locator(f"#f-restrictions tr[data-account='{buyer}']", has_text=reason)
    row.wait_for()
    got = watched.client("regulator").get("/supervision/restrictions")["data"]
    mine = next(r for r in got if r["account_id"] == buyer)
    assert (mine["trading"], mine["transfer"], mine["reason"]) == (trading, True, reason)
    warn = tab.page.locator("form.risk-warning")
    warn.locator("input[name=account_id]").fill(buyer)
    warn.locator("input[name=text]").fill(text)
    warn.locator("button[type=submit]").click()
    warn.locator(".form-msg.ok").wait_for()
    measures = watched.client("regulator").get("/supervision/measures")["data"]
    assert any(m["kind"] == "warning" and m.get("account_id") == buyer for m in measures)
    tab.shot(f"regulator_measures_{lang}")
    tab.close()
