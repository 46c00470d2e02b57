"""Notifications in the terminal: the bell counts what is new, a fill arrives while the page
is open (pushed on the private feed, no reload), the list page marks them read."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveWeb
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_fill_notification_arrives_in_the_open_page(web: LiveWeb, browser: Any) -> None:
    web.instrument("CEA19-20", "48.00")
    seller = web.participant("通知卖方电厂", tonnes=5_000)
    buyer = web.participant("通知买方电厂", yuan_fen=100_000_000)
    listing = web.client(seller.username).post_listing(
        seller.account_id, "CEA19-20", "sell", "48.00", 2_000
    )
    s = Tab(browser, web)
    s.login(seller.username)
    s.go("/trade/CEA19-20")
    s.page.locator('#who[data-live="1"]').wait_for()
    s.page.locator("#bell details.bell").wait_for()
    web.client(buyer.username).take_listing(listing["listing_id"], buyer.account_id, 940)
    s.toast("成交回报：卖出 CEA19-20 940 吨")
    count = s.page.locator("#bell .count")
    assert int(count.inner_text()) >= 1
    s.page.locator("#bell summary").click()
    s.page.locator("#bell a.note.unread[data-kind=fill]").first.wait_for()
    s.shot("participant_notifications_zh")
    s.go("/notifications")
    row = s.page.locator("#f-notes tr[data-kind=fill]").first
    row.locator("button").click()
    row.locator("button").wait_for(state="detached")
    s.close()


def test_the_notification_list_is_worded_in_english(web: LiveWeb, browser: Any) -> None:
    firm = web.participant("英文通知电厂")
    web.client("regop").issue(
        firm.account_id, "CEA19-20", 1_234, "allocation", approver=web.client("regop2")
    )
    tab = Tab(browser, web, lang="en")
    tab.login(firm.username)
    tab.go("/notifications")
    text = tab.page.locator("#f-notes tr[data-kind=allowances]").first.inner_text()
    assert "Allowances: issuance of 1,234 t CEA19-20" in text
    tab.close()
