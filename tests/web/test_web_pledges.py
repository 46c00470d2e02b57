"""Pledges worked in the pages: the pledgor pledges allowances to a lender on its account page,
the lender releases the pledge there once the loan is repaid; a registry operator asks to
enforce a pledge on default and another rejects it on the approvals page. In Chinese and
English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/web/conftest.py)

PRODUCT = "CEA19-20"


@pytest.fixture
def firms(tmp_path: Path) -> Iterator[tuple[LiveWeb, Any, Any]]:
    """A pledgor holding 5,000 t and a lender (a bank's account)."""
    with live_web(tmp_path) as live:
        pledgor = live.participant("出质电厂", tonnes=5_000)
        lender = live.participant("质权银行", kind="institution")
        yield live, pledgor, lender


def _pledges(web: LiveWeb, user: str) -> list[tuple[str, int, str]]:
    got = web.client(user).get("/finance/pledges")["data"]
    return [(p["lender"], p["quantity"], p["status"]) for p in got]


@pytest.mark.parametrize(
    ("lang", "pledged", "status", "released"),
    [("zh", "质押已登记", "质押中", "已解押"), ("en", "Pledge registered", "Pledged", "Released")],
)
def test_a_pledgor_pledges_allowances_and_the_lender_releases_them_in_the_page(
    firms: tuple[LiveWeb, Any, Any], browser: Any, lang: str, pledged: str, status: str,
    released: str,
) -> None:  # fmt: skip
    web, pledgor, lender = firms
    tab = Tab(browser, web, lang=lang)
    tab.login(pledgor.username)
    tab.go("/account")
    form = tab.page.locator("form.new-pledge")
    form.locator("input[name=lender]").fill(lender.account_id)
    form.locator("input[name=product]").fill(PRODUCT)
    form.locator("input[name=quantity]").fill("9000")  # more than held: refused, nothing moves
    form.locator("input[name=loan]").fill("400000.00")
    form.locator("input[name=maturity]").fill("2022-07-15")
    form.locator("input[name=reference]").fill("JK-2021-001")
    form.locator("button[type=submit]").click()
    form.locator(".form-msg.err").wait_for()
    assert _pledges(web, pledgor.username) == []
    form.locator("input[name=quantity]").fill("1000")
    form.locator("button[type=submit]").click()
    tab.toast(pledged)
    assert tab.dialogs, "pledging asks to confirm"
    row = tab.page.locator("#f-pledges tr[data-pledge]", has_text=status)
    row.wait_for()
    assert row.locator("form").count() == 0  # the pledgor cannot release its own pledge
    assert _pledges(web, pledgor.username) == [(lender.account_id, 1_000, "active")]
    tab.close()
    bank = Tab(browser, web, lang=lang)
    bank.login(lender.username)
    bank.go("/account")
    mine = bank.page.locator("#f-pledges tr[data-pledge]")
    mine.locator("form.release-pledge button[type=submit]").click()
    bank.page.locator("#f-pledges tr[data-pledge]", has_text=released).wait_for()
    assert _pledges(web, lender.username) == [(lender.account_id, 1_000, "released")]
    held = web.client(pledgor.username).get(f"/registry/accounts/{pledgor.account_id}")
    assert [(h["available"], h["pledged"]) for h in held["holdings"]] == [(5_000, 0)]
    bank.close()


@pytest.mark.parametrize(
    ("lang", "pending", "active"),
    [("zh", "违约处置待复核", "质押中"), ("en", "Default awaiting approval", "Pledged")],
)
def test_a_default_asked_by_one_registry_operator_is_rejected_by_another_in_the_page(
    firms: tuple[LiveWeb, Any, Any], browser: Any, lang: str, pending: str, active: str
) -> None:
    web, pledgor, lender = firms
    p = web.client(pledgor.username).post("/finance/pledges", {
        "pledgor": pledgor.account_id, "lender": lender.account_id, "product": PRODUCT,
        "quantity": 1_000, "loan": "400000.00", "maturity": "2022-07-15",
        "reference": "JK-2021-002",
    })  # fmt: skip
    one = Tab(browser, web, lang=lang)
    one.login("regop")
    one.go("/registry/approvals")
    row = one.page.locator(f"#f-pledges tr[data-pledge='{p['pledge_id']}']")
    row.locator("input[name=reason]").fill("借款人逾期未还")
    row.locator("button[type=submit]").click()
    row.locator("td", has_text=pending).wait_for()
    one.close()
    two = Tab(browser, web, lang=lang)
    two.login("regop2")
    two.go("/registry/approvals")
    row = two.page.locator(f"#f-pledges tr[data-pledge='{p['pledge_id']}']")
    reject = row.locator("form.reject-default")
    reject.locator("input[name=reason]").fill("借款人已补足还款")
    reject.locator("button[type=submit]").click()
    row.locator("td", has_text=active).wait_for()
    assert web.client("regop").get("/finance/pledges")["data"][0]["status"] == "active"
    two.close()
