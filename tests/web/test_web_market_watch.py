"""The trader's market watch: every listed instrument with its open, high, low, last, change
against the previous close (前收), volume, turnover and best bid and ask; after the end of day
the closed day's figures. Depth prices take the colour of their move against the previous
close (red up in Chinese, green up in English), not of their side; so do the best listings'
prices."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = "2021-07-16"
RED, GREEN = "rgb(208, 49, 45)", "rgb(19, 138, 75)"
"""--red and --green of static/app.css."""


def _trade_day(live: LiveWeb) -> dict[str, str]:
    """CEA19-20 (前收 48.00) trades 49.00 then 47.00 (500 t, 23,900 yuan) and keeps a bid at
    46.50 and an ask at 49.50; CEA21 (前收 60.00) has no trade."""
    live.instrument("CEA19-20", "48.00")
    live.instrument("CEA21", "60.00")
    s = live.participant("行情卖方电厂", tonnes=10_000)
    b = live.participant("行情买方电厂", yuan_fen=10**10)
    cs, cb = live.client(s.username), live.client(b.username)
    for price, qty in (("49.00", 200), ("47.00", 300)):
        lid = cs.post_listing(s.account_id, "CEA19-20", "sell", price, qty)["listing_id"]
        cb.take_listing(lid, b.account_id, qty)
    cb.post_listing(b.account_id, "CEA19-20", "buy", "46.50", 100)
    cs.post_listing(s.account_id, "CEA19-20", "sell", "49.50", 100)
    return {"seller": s.username, "buyer": b.username}


@pytest.fixture(scope="module")
def open_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("watch-open")) as live:
        live.users = _trade_day(live)  # type: ignore[attr-defined]
        yield live


@pytest.fixture(scope="module")
def closed_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("watch-closed")) as live:
        live.users = _trade_day(live)  # type: ignore[attr-defined]
        exop = live.client("exop")
        exop.advance_clock(to=f"{DAY}T15:30+08:00")
        exop.end_of_day()
        yield live


def _watch(tab: Tab) -> dict[str, dict[str, tuple[str, str]]]:
    """Each instrument's row: column -> (text, class)."""
    tab.go("/market")
    rows = tab.page.locator("#f-overview table.market-watch tbody tr[data-instrument]")
    rows.first.wait_for()
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for row in rows.all():
        cells = {}
        for td in row.locator("td[data-col]").all():
            col = str(td.get_attribute("data-col"))
            cells[col] = (td.inner_text().strip(), str(td.get_attribute("class")))
        out[str(row.get_attribute("data-instrument"))] = cells
    return out


def _figures(row: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {k: v[0] for k, v in row.items()}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_market_watch_shows_open_high_low_last_change_turnover_and_best_prices(
    open_day: LiveWeb, browser: Any, lang: str
) -> None:
    tab = Tab(browser, open_day, lang=lang)
    tab.login(open_day.users["buyer"])  # type: ignore[attr-defined]
    watch = _watch(tab)
    head = tab.page.locator("#f-overview table.market-watch thead").inner_text()
    words = ("买一价", "卖一价", "成交额") if lang == "zh" else ("Best bid", "Best ask", "Turnover")
    assert all(w in head for w in words)
    assert set(watch) == {"CEA19-20", "CEA21"}
    assert _figures(watch["CEA19-20"]) == {
        "open": "49.00", "high": "49.00", "low": "47.00", "last": "47.00", "change": "-1.00",
        "pct": "-2.08%", "bid": "46.50", "ask": "49.50", "volume": "500", "turnover": "23,900.00",
    }  # fmt: skip
    row = watch["CEA19-20"]
    assert "up" in row["open"][1].split() and "down" in row["last"][1].split()
    assert _figures(watch["CEA21"])["last"] == "—"
    assert _figures(watch["CEA21"])["volume"] == "0"
    tab.shot(f"market_watch_{lang}")
    tab.close()


def test_market_watch_after_the_end_of_day_shows_the_closed_days_figures(
    closed_day: LiveWeb, browser: Any
) -> None:
    tab = Tab(browser, closed_day)
    tab.login(closed_day.users["buyer"])  # type: ignore[attr-defined]
    figures = _figures(_watch(tab)["CEA19-20"])
    assert {k: figures[k] for k in ("open", "high", "low", "last", "volume", "turnover")} == {
        "open": "49.00", "high": "49.00", "low": "47.00", "last": "47.00", "volume": "500",
        "turnover": "23,900.00",
    }  # fmt: skip
    tab.close()


@pytest.mark.parametrize(("lang", "up", "down"), [("zh", RED, GREEN), ("en", GREEN, RED)])
def test_depth_prices_are_coloured_against_the_previous_close_not_by_side(
    open_day: LiveWeb, browser: Any, lang: str, up: str, down: str
) -> None:
    tab = Tab(browser, open_day, lang=lang)
    tab.login(open_day.users["seller"])  # type: ignore[attr-defined]
    tab.go("/trade/CEA19-20")
    table = tab.page.locator("#f-depth table.depth")
    table.wait_for()
    assert table.get_attribute("data-prev-close") == "48.00"

    def colour(kind: str, n: int) -> str:
        cell = table.locator(f"tr.{kind}").nth(n).locator("td").first
        return str(cell.evaluate("e => getComputedStyle(e).color"))

    ask1 = table.locator("tr.ask").last.locator("td").first
    assert ask1.inner_text().strip() == "49.50"
    assert colour("ask", 4) == up  # 卖一 49.50 above 48.00
    bid1 = table.locator("tr.bid").first.locator("td").first
    assert bid1.inner_text().strip() == "46.50"
    assert colour("bid", 0) == down  # 买一 46.50 below 48.00: a bid, yet a fall's colour
    # the best listings (what a taker picks from) the same way
    buy = tab.page.locator("#f-best_listings table.listings.buy tr[data-listing] td.num").first
    sell = tab.page.locator("#f-best_listings table.listings.sell tr[data-listing] td.num").first
    assert (buy.inner_text().strip(), sell.inner_text().strip()) == ("46.50", "49.50")
    assert buy.evaluate("e => getComputedStyle(e).color") == down
    assert sell.evaluate("e => getComputedStyle(e).color") == up
    tab.close()
