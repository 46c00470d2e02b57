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
    ("lang", "pledged", "status", "released", "refused"),
    [("zh", "质押已登记", "质押中", "已解押", "须为"),
     ("en", "Pledge registered", "Pledged", "Released", "Not allowed now")],
)  # fmt: skip
def test_a_pledgor_pledges_allowances_and_the_lender_releases_them_in_the_page(
    firms: tuple[LiveWeb, Any, Any], browser: Any, lang: str, pledged: str, status: str,
    released: str, refused: str,
) -> None:  # fmt: skip
    """The lender finds the pledge waiting on its first page; the release is refused in the
    page while an enforcement is pending, and goes through once a second operator has rejected
    the enforcement."""
    web, pledgor, lender = firms
    tab = Tab(browser, web, lang=lang)
    tab.login(pledgor.username)
    tab.go("/account")
    form = tab.page.locator("form.new-pledge")
    form.locator("input[name=lender]").fill(lender.account_id)
    form.locator("input[name=product]").fill(PRODUCT)
    form.locator("input[name=quantity]").fill("9000")  # more than held: refused, nothing moves
    form.locator("input[name=loan]").fill("400000.00")
    form.locator("input[name=maturity]").fill("2099-06-30")
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
    waiting = bank.page.locator("li[data-work='work.pledges_to_release']")  # its first page
    assert waiting.locator(".count").inner_text() == "1"
    waiting.locator("a").click()
    bank.page.wait_for_url("**/account")
    mine = bank.page.locator("#f-pledges tr[data-pledge]")
    release = mine.locator("form.release-pledge")
    release.wait_for()
    pledge_id = web.client(lender.username).get("/finance/pledges")["data"][0]["pledge_id"]
    web.client("regop").post(f"/finance/pledges/{pledge_id}/default", {"reason": "逾期"})
    release.locator("button[type=submit]").click()  # the page still shows the pledge active
    bank.page.locator("#toast .t.err", has_text=refused).first.wait_for()
    assert _pledges(web, lender.username) == [(lender.account_id, 1_000, "default_pending")]
    web.client("regop2").post(f"/finance/pledges/{pledge_id}/default/reject", {"reason": "已还"})
    bank.go("/account")
    mine.locator("form.release-pledge button[type=submit]").click()
    bank.page.locator("#f-pledges tr[data-pledge]", has_text=released).wait_for()
    assert _pledges(web, lender.username) == [(lender.account_id, 1_000, "released")]
    held = web.client(pledgor.username).get(f"/registry/accounts/{pledgor.account_id}")
    assert [(h["available"], h["pledged"]) for h in held["holdings"]] == [(5_000, 0)]
    bank.close()


@pytest.mark.parametrize(
    ("lang", "pending", "active", "refused"),
    [("zh", "违约处置待复核", "质押中", "须由另一人审批"),
     ("en", "Default awaiting approval", "Pledged", "You cannot approve your own request")],
)  # fmt: skip
def test_a_default_asked_by_one_registry_operator_is_rejected_by_another_in_the_page(
    firms: tuple[LiveWeb, Any, Any], browser: Any, lang: str, pending: str, active: str,
    refused: str,
) -> None:  # fmt: skip
    """The operator who asked cannot reject its own request: refused in the page."""
    web, pledgor, lender = firms
    p = web.client(pledgor.username).post("/finance/pledges", {
        "pledgor": pledgor.account_id, "lender": lender.account_id, "product": PRODUCT,
        "quantity": 1_000, "loan": "400000.00", "maturity": "2099-06-30",
        "reference": "JK-2021-002",
    })  # fmt: skip
    one = Tab(browser, web, lang=lang)
    one.login("regop")
    one.go("/registry/approvals")
    row = one.page.locator(f"#f-pledges tr[data-pledge='{p['pledge_id']}']")
    row.locator("input[name=reason]").fill("借款人逾期未还")
    row.locator("button[type=submit]").click()
    row.locator("td", has_text=pending).wait_for()
    own = row.locator("form.reject-default")
    own.locator("input[name=reason]").fill("自己申请的")
    own.locator("button[type=submit]").click()
    one.page.locator("#toast .t.err", has_text=refused).first.wait_for()
    assert tuple(one.dialogs), "rejecting asks to confirm"
    got = web.client("regop").get("/finance/pledges")["data"]
    assert [(g["status"], g["default_requested_by"]) for g in got] == [
        ("default_pending", "regop")
    ]
    one.go("/")  # the asker's first page counts no enforcement for it to decide
    mine = one.page.locator("li[data-work='work.pledge_defaults']")
    mine.wait_for()
    assert mine.locator(".count").inner_text() == "0"
    one.close()
    two = Tab(browser, web, lang=lang)
    two.login("regop2")
    waiting = two.page.locator("li[data-work='work.pledge_defaults']")  # its first page
    assert waiting.locator(".count").inner_text() == "1"
    waiting.locator("a").click()
    two.page.wait_for_url("**/registry/approvals")
    row = two.page.locator(f"#f-pledges tr[data-pledge='{p['pledge_id']}']")
    reject = row.locator("form.reject-default")
    reject.locator("input[name=reason]").fill("借款人已补足还款")
    reject.locator("button[type=submit]").click()
    row.locator("td", has_text=active).wait_for()
    assert web.client("regop").get("/finance/pledges")["data"][0]["status"] == "active"
    two.close()
