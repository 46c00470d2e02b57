"""Each account has a page of its own for the registry, the exchange and the regulator,
reached from the searchable, paged account list: the holder, holdings per product and bucket,
funds, what restricts it (its status, frozen tonnes, the regulator's trading or transfer
restriction), its recent transactions and a link to its full statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from dsl import fresh_uscc
from tabs import NARROW, Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BULK = 100
"""Accounts opened besides the story's: the list runs to a second page (100 a page)."""


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("accounts")) as web:
        web.instrument("CEA19-20", "48.00")
        seller = web.participant("账户详情电厂", tonnes=5_000)
        buyer = web.participant("账户详情买方", yuan_fen=10**9)
        lid = web.client(seller.username).post_listing(
            seller.account_id, "CEA19-20", "sell", "48.00", 300
        )["listing_id"]
        web.client(buyer.username).take_listing(lid, buyer.account_id, 300)
        web.client("regop").freeze(seller.account_id, "CEA19-20", 200, "司法冻结")
        web.client("regulator").post(
            "/supervision/restrictions",
            {"account_id": seller.account_id, "trading": True, "transfer": False,
             "reason": "异常交易核查"},
        )  # fmt: skip
        regop = web.client("regop")
        for n in range(BULK):
            regop.open_account("institution", f"批量机构{n:03d}", fresh_uscc(), "湖北")
        web.seller, web.buyer = seller, buyer  # type: ignore[attr-defined]
        yield web


def _cell(tab: Tab, product: str, bucket: str) -> str:
    row = tab.page.locator(f'table.acct-holdings tr[data-product="{product}"]')
    return row.locator(f'td[data-bucket="{bucket}"]').inner_text()


def test_an_account_found_in_the_list_opens_its_own_page(registry: LiveWeb, browser: Any) -> None:
    seller = registry.seller  # type: ignore[attr-defined]
    tab = Tab(browser, registry, viewport=NARROW)
    tab.login("regop")
    tab.go("/registry/accounts")
    form = tab.page.locator("form.account-search")
    form.locator("input[name=q]").fill("账户详情电厂")
    form.locator("button[type=submit]").click()
    rows = tab.page.locator("#f-accounts tr[data-account]")
    rows.first.wait_for()
    assert rows.count() == 1
    rows.first.locator(f'a[href="/registry/accounts/{seller.account_id}"]').click()
    tab.page.wait_for_url(f"**/registry/accounts/{seller.account_id}")
    holder = tab.page.locator("section.account-holder")
    assert "账户详情电厂" in holder.inner_text() and "重点排放单位" in holder.inner_text()
    assert _cell(tab, "CEA19-20", "available") == "4,500"
    assert _cell(tab, "CEA19-20", "to_deliver") == "300"
    assert _cell(tab, "CEA19-20", "frozen") == "200"
    limits = tab.page.locator("ul.acct-limits")
    assert "CEA19-20 冻结 200 吨" in limits.inner_text()
    assert limits.locator('[data-limit="supervision"]').count() == 0  # the regulator's view
    recent = tab.page.locator("table.statement.recent tbody tr[data-tx]")
    assert recent.count() >= 2
    assert "冻结" in tab.page.locator("table.statement.recent").inner_text()
    link = tab.page.locator("a.statement-link")
    total = int("".join(ch for ch in link.inner_text() if ch.isdigit()))
    page = tab.page.locator("section.card").last.bounding_box()
    assert page is not None and page["x"] + page["width"] <= 1024
    tab.shot("registry_account_detail_zh")
    link.click()
    tab.page.wait_for_url(f"**/registry/accounts/{seller.account_id}/statement")
    lines = tab.page.locator("#f-statement table.statement tbody tr[data-tx]")
    lines.first.wait_for()
    assert lines.count() == total
    tab.close()


def test_an_account_on_the_lists_second_page_opens_its_own_page(
    registry: LiveWeb, browser: Any
) -> None:
    tab = Tab(browser, registry)
    tab.login("regop")
    tab.go("/registry/accounts")
    tab.page.locator("#f-accounts a.next-page").click()
    tab.page.wait_for_url("**cursor=*")
    row = tab.page.locator("#f-accounts tr[data-account]").first
    row.wait_for()
    name = row.locator("td").nth(1).inner_text()
    acct = str(row.get_attribute("data-account"))
    row.locator("td.id a").click()
    tab.page.wait_for_url(f"**/registry/accounts/{acct}")
    assert name in tab.page.locator("section.account-holder h2").inner_text()
    assert tab.page.locator('[data-limit="none"]').inner_text() == "无限制"
    tab.close()


def test_the_regulator_finds_an_account_and_sees_its_restriction_in_english(
    registry: LiveWeb, browser: Any
) -> None:
    seller = registry.seller  # type: ignore[attr-defined]
    tab = Tab(browser, registry, lang="en")
    tab.login("regulator")
    tab.page.locator("nav.menu a[href='/accounts']").click()
    form = tab.page.locator("form.account-search")
    form.locator("input[name=q]").fill(seller.account_id)
    form.locator("button[type=submit]").click()
    tab.page.locator(f'#f-accounts tr[data-account="{seller.account_id}"] td.id a').click()
    tab.page.wait_for_url(f"**/registry/accounts/{seller.account_id}")
    text = tab.page.locator("main").inner_text()
    for words in ("Holdings per product", "Funds", "Restrictions", "Recent transactions",
                  "Covered entity", "CEA19-20: 200 t frozen", "Full statement"):  # fmt: skip
        assert words in text, words
    restriction = tab.page.locator('[data-limit="supervision"]')
    assert "Trading" in restriction.inner_text() and "异常交易核查" in restriction.inner_text()
    tab.shot("regulator_account_detail_en")
    tab.close()


def test_an_unknown_account_page_is_not_found_and_a_participant_is_refused(
    registry: LiveWeb,
) -> None:
    seller = registry.seller  # type: ignore[attr-defined]
    with registry.http("regop") as h:
        assert h.get("/registry/accounts/NOPE404").status_code == 404
        assert h.get("/registry/accounts/NOPE404/statement").status_code == 404
    with registry.http(registry.buyer.username) as h:  # type: ignore[attr-defined]
        r = h.get(f"/registry/accounts/{seller.account_id}")
        assert r.status_code == 403 and "账户详情电厂" not in r.text
