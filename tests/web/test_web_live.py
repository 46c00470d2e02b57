"""The market watch and the trade page update live over the WebSocket: a trade placed over
HTTP by someone else shows on an open page within 2 s, without a reload and without the page
asking the server for the market's figures (no fragment or market-data request)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUSH_MS = 2_000
MARKET_REQUESTS = re.compile(r"/frag/(overview|quote|depth|tape)\b|/api/v1/market/")
"""What a page would ask for to learn the market's figures (polling): none may be sent."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("live")) as web:
        web.instrument("CEA19-20", "48.00")
        web.seller = web.participant("推送卖方电厂", tonnes=100_000)  # type: ignore[attr-defined]
        web.buyer = web.participant("推送买方电厂", yuan_fen=10**10)  # type: ignore[attr-defined]
        web.viewer = web.participant("看盘电厂")  # type: ignore[attr-defined]
        yield web


def _watching(tab: Tab) -> list[str]:
    """Marks the page (a reload would lose the mark) and records its requests from now on."""
    tab.page.locator('html[data-live-feed="1"]').wait_for()
    tab.page.evaluate("window.__stillHere = true")
    sent: list[str] = []
    tab.page.on("request", lambda r: sent.append(r.url))
    return sent


def _trade(web: LiveWeb, price: str, qty: int) -> str:
    """The seller posts a listing and the buyer takes it, both over HTTP; the trade's id."""
    s, b = web.seller, web.buyer  # type: ignore[attr-defined]
    lid = web.client(s.username).post_listing(s.account_id, "CEA19-20", "sell", price, qty)
    got = web.client(b.username).take_listing(lid["listing_id"], b.account_id, qty)
    return str(got["trade_id"])


def _no_reload_and_no_poll(tab: Tab, sent: list[str]) -> None:
    assert tab.page.evaluate("window.__stillHere") is True
    assert [u for u in sent if MARKET_REQUESTS.search(u)] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_trade_placed_over_http_shows_on_the_open_market_watch_within_2_s_without_a_poll(
    live: LiveWeb, browser: Any, lang: str
) -> None:
    tab = Tab(browser, live, lang=lang)
    tab.login(live.viewer.username)  # type: ignore[attr-defined]
    tab.go("/market")
    row = tab.page.locator('#f-overview tr[data-instrument="CEA19-20"]')
    row.wait_for()
    volume = int(row.locator('[data-col="volume"]').inner_text().replace(",", "") or 0)
    sent = _watching(tab)
    price = "48.30" if lang == "zh" else "48.40"
    _trade(live, price, 1_200)
    last = row.locator('[data-col="last"]')
    last.filter(has_text=price).wait_for(timeout=PUSH_MS)
    assert "up" in str(last.get_attribute("class")).split()  # above the 48.00 previous close
    assert row.locator('[data-col="volume"]').inner_text() == f"{volume + 1_200:,}"
    assert row.locator('[data-col="change"]').inner_text() == f"+{float(price) - 48:.2f}"
    _no_reload_and_no_poll(tab, sent)
    tab.shot(f"market_watch_live_{lang}")
    tab.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_trade_placed_over_http_shows_on_the_open_trade_page_within_2_s_without_a_poll(
    live: LiveWeb, browser: Any, lang: str
) -> None:
    tab = Tab(browser, live, lang=lang)
    tab.login(live.viewer.username)  # type: ignore[attr-defined]
    tab.go("/trade/CEA19-20")
    tab.page.locator('[data-feed][data-live="1"]').wait_for()
    tab.page.locator('#intraday-chart[data-drawn]').wait_for()
    sent = _watching(tab)
    s = live.seller  # type: ignore[attr-defined]
    resting = live.client(s.username)
    ask = "49.90" if lang == "zh" else "49.80"
    resting.post_listing(s.account_id, "CEA19-20", "sell", ask, 700)
    ask1 = tab.page.locator("#f-depth table.depth tr.ask").last
    ask1.filter(has_text=ask).wait_for(timeout=PUSH_MS)
    assert "700" in ask1.inner_text()
    price = "47.60" if lang == "zh" else "47.70"
    trade_id = _trade(live, price, 2_500)
    row = tab.page.locator(f'#f-tape tr[data-trade="{trade_id}"]')
    row.wait_for(timeout=PUSH_MS)
    assert price in row.inner_text() and "2,500" in row.inner_text()
    assert ("挂牌" if lang == "zh" else "Listing") in row.inner_text()
    quote = tab.page.locator('.quote[data-quote="CEA19-20"]')
    quote.locator('[data-col="last"]').filter(has_text=price).wait_for(timeout=PUSH_MS)
    assert "down" in str(quote.locator('[data-col="last"]').get_attribute("class")).split()
    assert quote.locator('[data-col="ask"]').inner_text() == ask
    _no_reload_and_no_poll(tab, sent)
    tab.shot(f"trade_page_live_{lang}")
    tab.close()
