"""A pilot paid auction on the auctions page: the preset and who may bid are named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def paid(tmp_path: Path) -> Iterator[tuple[LiveWeb, str]]:
    """A listing trade at 50.00 on 2021-07-16, then the Shanghai 2024 paid auction the next
    trading day (its floor 60.00, 1.2 × the six-month listing average)."""
    with live_web(tmp_path) as web:
        web.instrument("CEA19-20", "48.00")
        s = web.participant("有偿竞价卖方", tonnes=5_000)
        b = web.participant("有偿竞价买方", yuan_fen=10**9)
        exop = web.client("exop")
        exop.advance_clock(to="2021-07-16T10:00+08:00")
        listing = web.client(s.username).post_listing(
            s.account_id, "CEA19-20", "sell", "50.00", 1_000
        )
        web.client(b.username).take_listing(listing["listing_id"], b.account_id, 1_000)
        exop.advance_clock(to="2021-07-16T15:10+08:00")
        exop.end_of_day()
        exop.advance_clock(to="2021-07-19T09:00+08:00")
        body = {"initiator": s.account_id, "side": "sell", "instrument": "CEA19-20",
                "quantity": 500, "preset": "shanghai-2024"}  # fmt: skip
        a = exop.post("/auctions", body)
        assert a["reserve_price"] == "60.00"
        yield web, str(a["auction_id"])


@pytest.mark.parametrize(
    ("lang", "preset", "who"),
    [
        ("zh", "上海2024有偿竞价", "仅限重点排放单位"),
        ("en", "Shanghai 2024 paid auction", "covered entities only"),
    ],
)
def test_a_pilot_paid_auction_names_its_preset_and_who_may_bid(
    paid: tuple[LiveWeb, str], browser: Any, lang: str, preset: str, who: str
) -> None:
    web, auction = paid
    tab = Tab(browser, web, lang=lang)
    tab.login("exop")
    tab.go("/exchange/auctions")
    row = tab.page.locator(f'#f-auctions tr[data-auction="{auction}"]')
    row.wait_for()
    assert preset in row.locator("[data-preset='shanghai-2024']").inner_text()
    assert who in row.locator(".covered-only").inner_text()
    assert "60.00" in row.inner_text()
    tab.close()
