"""A bidder changes or withdraws its own sealed bid on the auctions page while bidding is open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def bidding(tmp_path: Path) -> Iterator[tuple[LiveWeb, Any, str, str]]:
    """A sell auction of 1,000 t open until 10:30 and one bid of the buyer's, 46.00 × 1,000."""
    with live_web(tmp_path) as web:
        web.instrument("CEA19-20", "48.00")
        seller = web.participant("改价卖方电厂", tonnes=5_000)
        buyer = web.participant("改价买方电厂", yuan_fen=1_000_000_000)
        body = {"initiator": seller.account_id, "side": "sell", "instrument": "CEA19-20",
                "quantity": 1_000, "reserve_price": "45.00",
                "closes_at": "2021-07-16T10:30+08:00"}  # fmt: skip
        a = web.client("exop").post("/auctions", body)
        bid = web.client(buyer.username).post(
            f"/auctions/{a['auction_id']}/bids",
            {"account_id": buyer.account_id, "price": "46.00", "quantity": 1_000},
        )
        yield web, buyer, str(a["auction_id"]), str(bid["bid_id"])


def _my_bids(web: LiveWeb, buyer: Any, auction: str) -> list[tuple[str, int]]:
    got = web.client(buyer.username).get(f"/auctions/{auction}")
    return [(b["price"], b["quantity"]) for b in got["bids"]]


@pytest.mark.parametrize(
    ("lang", "refused", "changed"),
    [("zh", "价格无效", "出价已修改"), ("en", "47.505", "Bid changed")],
)
def test_a_bidder_changes_and_withdraws_its_bid_in_the_page(
    bidding: tuple[LiveWeb, Any, str, str], browser: Any, lang: str, refused: str, changed: str
) -> None:
    """An inline form answers in a toast (its message element keeps the text, hidden)."""
    web, buyer, auction, bid = bidding
    tab = Tab(browser, web, lang=lang)
    tab.login(buyer.username)
    tab.go("/auctions")
    mine = tab.page.locator(f'#f-auctions tr[data-auction="{auction}"] .my-bid[data-bid="{bid}"]')
    change = mine.locator("form.change-bid")
    # a price of more than two decimals is refused in the page, and the bid stays as it was
    change.locator("input[name=price]").fill("47.505")
    change.locator("button[type=submit]").click()
    err = change.locator(".form-msg.err")
    err.wait_for(state="attached")
    assert refused in str(err.text_content())
    assert change.locator("input[name=price].invalid").count() == 1
    assert _my_bids(web, buyer, auction) == [("46.00", 1_000)]
    change.locator("input[name=price]").fill("47.50")
    change.locator("input[name=quantity]").fill("800")
    change.locator("button[type=submit]").click()
    tab.toast(changed)
    assert _my_bids(web, buyer, auction) == [("47.50", 800)]
    tab.page.locator(f'.my-bid[data-bid="{bid}"]', has_text="47.50").wait_for()
    mine.locator("form.withdraw-bid button[type=submit]").click()
    mine.wait_for(state="detached")  # the list is fetched again without it
    assert tab.dialogs, "withdrawing a bid asks to confirm"
    assert _my_bids(web, buyer, auction) == []
    tab.close()
