"""The trader's own listings follow the private feed (/ws/private) in place: a fill by someone
else changes "my listings" (remaining, locked funds) and the listing's row among the best
listings, a full fill takes the row away, without the page asking for the listings again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUSH_MS = 2_000
MINE_REQUESTS = re.compile(r"/frag/my_listings\b|/api/v1/listings\b")
"""What the page would ask for to learn its own listings again: none may be sent."""


@pytest.fixture
def web(tmp_path: Any) -> Iterator[LiveWeb]:
    with live_web(tmp_path) as live:
        live.instrument("CEA19-20", "48.00")
        yield live


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_fill_updates_my_listings_in_place_without_a_listings_request(
    web: LiveWeb, browser: Any, lang: str
) -> None:
    seller = web.participant("挂牌卖方电厂", tonnes=100_000)
    buyer = web.participant("摘牌买方电厂", yuan_fen=10**10)
    mine = web.client(seller.username)
    lid = mine.post_listing(seller.account_id, "CEA19-20", "sell", "48.50", 1_000)["listing_id"]
    tab = Tab(browser, web, lang=lang)
    tab.login(seller.username)
    tab.go("/trade/CEA19-20")
    tab.page.locator('html[data-private-feed="1"][data-live-feed="1"]').wait_for()
    row = tab.page.locator(f'#f-my_listings tr[data-listing="{lid}"]')
    assert row.locator('[data-col="remaining"]').inner_text() == "1,000"
    tab.page.evaluate("window.__stillHere = true")
    sent: list[str] = []
    tab.page.on("request", lambda r: sent.append(r.url))
    taker = web.client(buyer.username)
    taker.take_listing(lid, buyer.account_id, 300)
    row.locator('[data-col="remaining"]').filter(has_text="700").wait_for(timeout=PUSH_MS)
    best = tab.page.locator(f'#f-best_listings tr[data-listing="{lid}"] [data-col="remaining"]')
    best.filter(has_text="700").wait_for(timeout=PUSH_MS)
    taker.take_listing(lid, buyer.account_id, 700)  # filled: off the book
    row.wait_for(state="detached", timeout=PUSH_MS)
    empty = "暂无" if lang == "zh" else "No"
    assert empty in tab.page.locator("#f-my_listings td.empty").inner_text()
    tab.page.wait_for_timeout(500)  # a refetch would have been sent by now (150 ms debounce)
    assert tab.page.evaluate("window.__stillHere") is True
    assert [u for u in sent if MINE_REQUESTS.search(u)] == []
    tab.close()


def test_a_new_listing_of_mine_posted_elsewhere_is_fetched_into_my_listings(
    web: LiveWeb, browser: Any
) -> None:
    seller = web.participant("另一终端挂牌电厂", tonnes=100_000)
    tab = Tab(browser, web)
    tab.login(seller.username)
    tab.go("/trade/CEA19-20")
    tab.page.locator('html[data-private-feed="1"]').wait_for()
    sent: list[str] = []
    tab.page.on("request", lambda r: sent.append(r.url))
    got = web.client(seller.username).post_listing(
        seller.account_id, "CEA19-20", "sell", "48.60", 500
    )  # from another terminal: the message has no row (nor its cancel form) to show
    row = tab.page.locator(f'#f-my_listings tr[data-listing="{got["listing_id"]}"]')
    row.wait_for(timeout=PUSH_MS)
    assert row.locator('[data-col="remaining"]').inner_text() == "500"
    assert any("/frag/my_listings" in u for u in sent)
    tab.close()
