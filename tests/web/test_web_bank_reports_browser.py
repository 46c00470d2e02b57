"""The settlement bank's reports in a real browser (Debian's chromium driven by Playwright): the
bank's service identity reports a withdrawal paid on its page in Chinese (a report of an unknown
reference is refused in Chinese and changes nothing), and the exchange operator, who runs
clearing, sees the report on the same page in English."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import PASSWORD, LiveWeb
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def banked(web: LiveWeb) -> Iterator[LiveWeb]:
    person = {"name": "钱银行", "id_number": secrets.token_hex(9).upper()}
    web.client("regop").create_user("bank1", PASSWORD, "settlement_bank", person=person)
    web.client("regop2").approve_user("bank1")  # a different person approves
    yield web


def _page(web: LiveWeb, browser: Any, user: str, lang: str) -> tuple[Tab, Any]:
    tab = Tab(browser, web, lang)
    tab.login_in_form(user)
    return tab, tab.page


def test_settlement_bank_reports_a_withdrawal_paid_in_its_page_and_the_clearing_side_sees_it(
    banked: LiveWeb, browser: Any
) -> None:
    web = banked
    p = web.participant("银行报告测试电厂", yuan_fen=100_000)
    web.server.services.bank.slow_accounts.add(p.account_id)
    ref = web.client(p.username).withdraw(p.account_id, "400.00")["bank_ref"]

    tab, page = _page(web, browser, "bank1", "zh")
    try:
        assert page.url.endswith("/clearing/bank-reports")
        page.wait_for_load_state("networkidle")
        form = page.locator("form.bank-report")
        form.locator("select[name=kind]").select_option("withdrawal_paid")
        form.locator("input[name=bank_ref]").fill("NO-SUCH-REF")
        form.locator("button[type=submit]").click()
        err = form.locator(".form-msg.err")
        err.wait_for()
        assert "没有未完成的出金 'NO-SUCH-REF'" in err.inner_text(), err.inner_text()
        assert web.market.state.funds.withdrawals.get(ref) == (p.account_id, 40_000)

        form.locator("input[name=bank_ref]").fill(ref)
        form.locator("input[name=account_id]").fill(p.account_id)
        form.locator("input[name=amount]").fill("400.00")
        form.locator("button[type=submit]").click()
        form.locator(".form-msg.ok").wait_for()
        row = page.locator(f"table.bank-reports tr[data-bank-ref='{ref}']")
        row.wait_for()
        assert "出金已付" in row.inner_text() and "400.00" in row.inner_text()
    finally:
        tab.close()
    assert ref not in web.market.state.funds.withdrawals
    assert f"withdrawal:{ref}" in web.market.state.funds.bank_refs

    tab, page = _page(web, browser, "exop", "en")
    try:
        page.goto(web.base_url + "/clearing/bank-reports")
        row = page.locator(f"table.bank-reports tr[data-bank-ref='{ref}']")
        row.wait_for()
        text = row.inner_text()
        assert "withdrawal paid" in text and "bank1" in text and p.account_id in text, text
        assert page.locator("form.bank-report").count() == 0  # the exchange only reads them
        nav = page.locator("nav.menu").inner_text()
        assert "Bank reports" in nav
    finally:
        tab.close()
