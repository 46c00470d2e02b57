"""The pages at 1024 px (a laptop, half a wide screen) and on a phone (390 px): nothing a user
needs is cut off, no cell wraps one character per line, chart labels do not overlap, and a
table too wide for its box scrolls inside it instead of the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import STAFF, Firm, LiveWeb, live_web
from tabs import NARROW, PHONE, Tab

from openets.web.views import nav_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CODE = "CEA19-20"


@pytest.fixture(scope="module")
def book(web: LiveWeb) -> dict[str, Firm]:
    """Five listings a side from two firms, and a trade on the tape."""
    web.instrument(CODE, "48.00")
    seller = web.participant("版面卖方电厂", tonnes=200_000)
    buyer = web.participant("版面买方电厂", yuan_fen=20_000_000_000)
    s, b = web.client(seller.username), web.client(buyer.username)
    for i, price in enumerate(("48.50", "49.00", "49.50", "50.00", "50.50")):
        s.post_listing(seller.account_id, CODE, "sell", price, 1_000 * (i + 1))
    for i, price in enumerate(("47.50", "47.00", "46.50", "46.00", "45.50")):
        b.post_listing(buyer.account_id, CODE, "buy", price, 10_000 * (i + 1))
    taken = s.post_listing(seller.account_id, CODE, "sell", "48.20", 5_000)
    b.take_listing(taken["listing_id"], buyer.account_id, 1_234)
    return {"seller": seller, "buyer": buyer}


def box(tab: Tab, selector: str) -> dict[str, float]:
    got = tab.page.locator(selector).first.bounding_box()
    assert got is not None, f"{selector} is not shown"
    return dict(got)


def within(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
    )


VIEWPORT_1024 = {"x": 0.0, "width": float(NARROW["width"])}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_1024_px_the_bid_side_take_button_is_fully_visible_and_clickable(
    web: LiveWeb, browser: Any, book: dict[str, Firm], lang: str
) -> None:
    tab = Tab(browser, web, lang=lang, viewport=NARROW)
    tab.login(book["seller"].username)
    tab.go(f"/trade/{CODE}")
    card = tab.page.locator("section.card", has=tab.page.locator("#f-best_listings"))
    buttons = tab.page.locator("#f-best_listings table.buy form.take button[type=submit]")
    buttons.first.wait_for()
    assert buttons.count() >= 4
    card_box = dict(card.bounding_box() or {})
    for b in buttons.all():
        b.scroll_into_view_if_needed()
        bb = dict(b.bounding_box() or {})
        assert within(bb, VIEWPORT_1024) and within(bb, card_box), (bb, card_box)
    # nothing of the book hides behind a sideways scroll of its card
    assert card.evaluate("el => el.scrollWidth <= el.clientWidth")
    # and the button takes the clicks (nothing lies over it)
    first = buttons.first
    bb = dict(first.bounding_box() or {})
    hit = tab.page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button') !== null",
        [bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2],
    )
    assert hit
    first.click()
    tab.toast("摘牌成交" if lang == "zh" else "Traded")
    tab.shot(f"participant_trade_1024_{lang}")
    tab.close()


def test_at_1024_px_the_trade_tape_keeps_each_cell_on_one_line(
    web: LiveWeb, browser: Any, book: dict[str, Firm]
) -> None:
    tab = Tab(browser, web, viewport=NARROW)
    tab.login(book["buyer"].username)
    tab.go(f"/trade/{CODE}")
    tab.page.locator("#f-tape tr[data-trade]").first.wait_for()
    lines = tab.page.evaluate(
        """() => Array.from(document.querySelectorAll('#f-tape tr[data-trade] td')).map(td => {
             const r = document.createRange(); r.selectNodeContents(td);
             const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
             return [td.textContent.trim(), tops.size];
           })"""
    )
    assert lines and all(n == 1 for _, n in lines), lines
    assert any(text == "挂牌协议" for text, _ in lines)
    wrap = tab.page.locator("#f-tape .scroll")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    tab.close()


def test_at_1024_px_the_depth_chart_axis_labels_do_not_overlap(
    web: LiveWeb, browser: Any, book: dict[str, Firm]
) -> None:
    tab = Tab(browser, web, viewport=NARROW)
    tab.login(book["buyer"].username)
    tab.go(f"/trade/{CODE}")
    tab.page.locator('#depth-chart[data-drawn="1"]').wait_for()
    labels = tab.page.evaluate(
        """() => Array.from(document.querySelectorAll('#depth-chart svg text'))
             .filter(e => e.textContent.trim())
             .map(e => { const r = e.getBoundingClientRect();
                         return [e.textContent, r.left, r.right, r.top, r.bottom]; })"""
    )
    prices = [x for x in labels if x[0].count(".") == 1 and "," not in x[0]]
    assert len(prices) >= 2, labels  # the price axis is labelled
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            apart = a[2] <= b[1] or b[2] <= a[1] or a[4] <= b[3] or b[4] <= a[3]
            assert apart, (a, b)
    tab.close()


@pytest.fixture
def closed_day(tmp_path: Path) -> Iterator[LiveWeb]:
    """A market whose first day traded and closed: the daily report has its rows."""
    with live_web(tmp_path) as live:
        live.instrument(CODE, "48.00")
        seller = live.participant("日报卖方电厂", tonnes=10_000)
        buyer = live.participant("日报买方电厂", yuan_fen=1_000_000_000)
        listing = live.client(seller.username).post_listing(
            seller.account_id, CODE, "sell", "48.20", 2_000
        )
        live.client(buyer.username).take_listing(listing["listing_id"], buyer.account_id, 1_234)
        exop = live.client("exop")
        exop.advance_clock(to="2021-07-16T15:30+08:00")
        exop.end_of_day()
        yield live


def test_the_regulators_daily_report_is_not_clipped(closed_day: LiveWeb, browser: Any) -> None:
    # at 1024 px the dashboard gives the report the page's width: every column shows
    tab = Tab(browser, closed_day, viewport=NARROW)
    tab.login("regulator")
    tab.go("/regulator")
    wrap = tab.page.locator("#f-daily_report .report-wrap")
    wrap.locator("table.report tbody tr").first.wait_for()
    card = tab.page.locator("section.card", has=wrap)
    assert within(dict(wrap.bounding_box() or {}), VIEWPORT_1024)
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert card.evaluate("el => el.scrollWidth <= el.clientWidth")
    tab.close()
    # on a phone the table scrolls inside its own box, and its last column can be reached
    phone = Tab(browser, closed_day, viewport=PHONE)
    phone.login("regulator")
    phone.go("/regulator/report")
    wrap = phone.page.locator("#f-daily_report .report-wrap")
    wrap.locator("table.report tbody tr").first.wait_for()
    wrap_box = dict(wrap.bounding_box() or {})
    assert within(wrap_box, {"x": 0.0, "width": float(PHONE["width"])})
    assert wrap.evaluate("el => getComputedStyle(el).overflowX") in ("auto", "scroll")
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    last = dict(wrap.locator("thead th").last.bounding_box() or {})
    assert within(last, wrap_box), (last, wrap_box)
    phone.close()


def test_on_a_phone_the_main_pages_do_not_scroll_sideways(
    web: LiveWeb, browser: Any, book: dict[str, Firm]
) -> None:
    logins = {"participant": book["buyer"].username}
    logins.update({role: user for user, role in STAFF.items() if user != "regop2"})
    wide: list[tuple[str, int]] = []
    for role, username in logins.items():
        tab = Tab(browser, web, viewport=PHONE)
        tab.login(username)
        for page in nav_for(role):
            tab.go(page.path)
            tab.page.wait_for_load_state("load")
            width = int(tab.page.evaluate("document.documentElement.scrollWidth"))
            if width > PHONE["width"]:
                wide.append((page.path, width))
        tab.close()
    assert wide == []
