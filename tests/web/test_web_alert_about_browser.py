"""What an alert is about, on the regulator's alerts page in a real browser (Debian's chromium
driven by Playwright): a withdrawal the bank paid after the account was frozen raises an alert on
no instrument; its column shows the account and the withdrawal's bank reference (in Chinese and
in English) instead of a blank, as does the regulator's notification of it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveWeb
from tabs import Tab

from openets.clearing import funds
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.web import errors, i18n
from openets.web.loaders_notes import words

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _alert_row(web: LiveWeb, browser: Any, lang: str, alert_id: str) -> tuple[str, str]:
    tab = Tab(browser, web, lang)
    try:
        tab.login_in_form("regulator")
        tab.go("/regulator/alerts")
        row = tab.page.locator(f"tr[data-alert='{alert_id}']")
        row.wait_for()
        header = tab.page.locator("table.alerts thead th").nth(4).inner_text()
        return header, row.locator("td.about").inner_text().strip()
    finally:
        tab.close()


def test_withdrawal_paid_while_barred_alert_shows_its_account_and_withdrawal_in_both_languages(
    web: LiveWeb, browser: Any
) -> None:
    p = web.participant("冻结后出金电厂", yuan_fen=100_000)
    web.server.services.bank.slow_accounts.add(p.account_id)
    out = web.client(p.username).withdraw(p.account_id, "400.00")
    ref = out["bank_ref"]
    web.submit(rc.ChangeAccountStatus(p.account_id, AccountStatus.FROZEN, "司法冻结"), "regop")
    web.submit(funds.ConfirmWithdrawal(ref, True), "bank")  # the bank's late report
    (alert,) = web.client("regulator").get(
        "/supervision/alerts", detector="withdrawal_paid_while_barred", account_id=p.account_id
    )["data"]
    assert alert["instrument"] == "" and alert["subject"] == ref

    header, zh = _alert_row(web, browser, "zh", alert["alert_id"])
    assert header == i18n.ZH["col.alert_about"] and zh == f"账户 {p.account_id} 的出金 {ref}"
    header, en = _alert_row(web, browser, "en", alert["alert_id"])
    assert header == "Instrument / subject" and en == f"withdrawal {ref} of account {p.account_id}"

    with web.http("regulator", lang="zh") as h:
        assert f"账户 {p.account_id} 的出金 {ref}" in h.get("/notifications").text
    notes = web.client("regulator").get("/notifications")["data"]
    assert any(f"{ref} of account {p.account_id}" in n["text"] for n in notes), notes


def test_alert_on_an_instrument_shows_the_instrument_and_one_on_none_its_accounts() -> None:
    zh, en = i18n.translator("zh"), i18n.translator("en")
    on_instrument = {"detector": "wash_trade", "instrument": "CEA19-20", "accounts": ["A1", "A2"]}
    assert errors.about(on_instrument, zh) == "CEA19-20"
    unknown = {"detector": "a_later_detector", "instrument": "", "accounts": ["A1", "A2"]}
    assert errors.about(unknown, zh) == "账户 A1, A2"
    assert errors.about(unknown, en) == "account A1, A2"
    old = {"detector": "withdrawal_paid_while_barred", "instrument": "", "accounts": ["A1"]}
    assert errors.about(old, zh) == "账户 A1 的出金"  # journaled before alerts had a subject


def test_risk_warning_on_no_instrument_names_the_whole_market() -> None:
    note = {"kind": "risk_warning", "params": {"instrument": "", "text": "注意风险"}}
    assert words("zh", note) == "风险提示（全市场）：注意风险"
    assert words("en", note) == "Risk warning (the whole market): 注意风险"
    on_one = {"kind": "risk_warning", "params": {"instrument": "CEA19-20", "text": "注意风险"}}
    assert words("zh", on_one) == "风险提示（CEA19-20）：注意风险"
