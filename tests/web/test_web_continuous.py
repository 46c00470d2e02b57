"""On a market of continuous matching (the ``cn-cda`` preset) the trade page places orders
(``POST /orders``), not listings, and a participant cancels its resting order from the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/web/conftest.py)


@pytest.fixture
def cda(tmp_path: Path) -> Iterator[LiveWeb]:
    with live_web(tmp_path, preset="cn-cda") as live:
        live.instrument("CEA19-20", "48.00")
        yield live


def _order(tab: Tab, side: str, price: str, qty: str) -> None:
    form = tab.page.locator("form.post-order")
    form.locator(f"input[name=side][value={side}]").check()
    form.locator("input[name=price]").fill(price)
    form.locator("input[name=quantity]").fill(qty)
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize(
    ("lang", "title", "accepted"),
    [("zh", "委托下单", "委托已受理"), ("en", "Place an order", "Order accepted")],
)
def test_the_trade_page_of_a_continuous_market_places_and_cancels_orders(
    cda: LiveWeb, browser: Any, lang: str, title: str, accepted: str
) -> None:
    seller = cda.participant("连续卖方电厂", tonnes=5_000)
    buyer = cda.participant("连续买方电厂", yuan_fen=1_000_000_000)
    s = Tab(browser, cda, lang=lang)
    s.login(seller.username)
    s.go("/trade/CEA19-20")
    assert title in s.page.locator("main").inner_text()
    assert s.page.locator("form.post-order[data-api='POST /api/v1/orders']").count() == 1
    assert s.page.locator("#f-best_listings").count() == 0  # nothing to take: orders match
    _order(s, "sell", "48.50", "1000")
    s.toast(accepted)
    mine = s.page.locator("#f-my_listings tr[data-kind=order]")
    mine.wait_for()
    order_id = str(mine.get_attribute("data-listing"))
    b = Tab(browser, cda, lang=lang)
    b.login(buyer.username)
    b.go("/trade/CEA19-20")
    _order(b, "buy", "49.00", "400")  # trades 400 at the resting order's 48.50 at once
    b.toast(accepted)
    trades = cda.client(buyer.username).get("/trades", account_id=buyer.account_id)["data"]
    assert [(t["price"], t["quantity"]) for t in trades] == [("48.50", 400)]
    s.page.locator(f"#f-my_listings tr[data-listing='{order_id}'] td[data-col=remaining]",
                   has_text="600").wait_for()  # fmt: skip
    mine.locator("button[type=submit]").click()
    mine.wait_for(state="detached")
    assert s.dialogs, "cancelling an order asks to confirm"
    assert cda.client(seller.username).get("/orders", account_id=seller.account_id)["data"] == []
    s.close()
    b.close()
