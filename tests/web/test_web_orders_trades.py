"""The trader's order history (委托) with its filters (status: open, filled, partly filled,
cancelled, expired; instrument; side; the day posted) and its pages; the trades (成交) list,
each settled trade linked to the statement lines that settled it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import NARROW, Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BULK = 100
"""Open one-tonne listings besides the story's four: 104 in all, two pages of 100."""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("orders")) as web:
        web.instrument("CEA19-20", "48.00")
        web.instrument("CEA21", "60.00")
        s = web.participant("委托筛选电厂", tonnes=10_000, yuan_fen=10**9)
        b = web.participant("委托对手电厂", yuan_fen=10**9)
        cs, cb = web.client(s.username), web.client(b.username)
        def post(code: str, side: str, price: str, qty: int) -> str:
            return str(cs.post_listing(s.account_id, code, side, price, qty)["listing_id"])

        for _ in range(BULK):
            post("CEA19-20", "sell", "52.00", 1)
        ids = {"partly": post("CEA19-20", "sell", "48.00", 100)}
        cb.take_listing(ids["partly"], b.account_id, 40)
        ids["filled"] = post("CEA19-20", "sell", "48.10", 50)
        cb.take_listing(ids["filled"], b.account_id, 50)
        ids["cancelled"] = post("CEA19-20", "sell", "49.00", 100)
        cs.cancel_listing(ids["cancelled"])
        ids["bid"] = post("CEA21", "buy", "59.00", 10)
        web.firm, web.ids = s, ids  # type: ignore[attr-defined]
        yield web


def _rows(tab: Tab) -> dict[str, str]:
    tab.page.locator("#f-order_history table.order-history").wait_for()
    rows = tab.page.locator("#f-order_history tr[data-listing]").all()
    return {str(r.get_attribute("data-listing")): str(r.get_attribute("data-status")) for r in rows}


def test_order_history_filters_by_status_instrument_side_and_date_and_pages(
    book: LiveWeb, browser: Any
) -> None:
    ids = book.ids  # type: ignore[attr-defined]
    tab = Tab(browser, book, viewport=NARROW)
    tab.login(book.firm.username)  # type: ignore[attr-defined]
    tab.go("/orders")
    assert len(_rows(tab)) == 100
    assert "共 104 笔委托" in tab.page.locator("#f-order_history").inner_text()
    tab.page.locator("#f-order_history a.next-page").click()
    tab.page.wait_for_url("**offset=100*")
    assert len(_rows(tab)) == 4
    tab.page.locator("#f-order_history a.prev-page").wait_for()

    tab.page.locator(".pills a[data-status=partly_filled]").click()
    tab.page.wait_for_url("**status=partly_filled*")
    assert _rows(tab) == {ids["partly"]: "open"}
    row = tab.page.locator(f'#f-order_history tr[data-listing="{ids["partly"]}"]')
    assert "部分成交" in row.inner_text() and "40" in row.inner_text()

    tab.go("/orders?status=all")
    form = tab.page.locator("form.orders-filter")
    form.locator("select[name=side]").select_option("buy")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_url("**side=buy*")
    assert _rows(tab) == {ids["bid"]: "open"}
    form = tab.page.locator("form.orders-filter")
    form.locator("select[name=side]").select_option("")
    form.locator("select[name=instrument]").select_option("CEA21")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_url("**instrument=CEA21*")
    assert _rows(tab) == {ids["bid"]: "open"}

    tab.go("/orders?status=filled&instrument=CEA19-20&side=sell")
    assert _rows(tab) == {ids["filled"]: "filled"}
    tab.go("/orders?status=cancelled")
    assert _rows(tab) == {ids["cancelled"]: "cancelled"}
    tab.go("/orders?status=all&from=2021-07-17")
    tab.page.locator("#f-order_history td.empty").wait_for()
    table = tab.page.locator("#f-order_history").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 1024
    tab.shot("order_history_filters_zh")
    tab.close()


def test_order_history_filters_speak_english(book: LiveWeb, browser: Any) -> None:
    ids = book.ids  # type: ignore[attr-defined]
    tab = Tab(browser, book, lang="en")
    tab.login(book.firm.username)  # type: ignore[attr-defined]
    tab.go("/orders?status=partly_filled")
    assert _rows(tab) == {ids["partly"]: "open"}
    pills = tab.page.locator(".pills").inner_text()
    assert all(w in pills for w in ("All", "Open", "Filled", "Partly filled", "Cancelled"))
    filters = tab.page.locator("form.orders-filter").inner_text()
    assert "Side" in filters and "Buy" in filters
    assert "partly filled" in tab.page.locator("#f-order_history").inner_text()
    tab.close()


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    """Two trades settled at the end of day: 40 t at 50.00 and 10 t at 49.00."""
    with live_web(tmp_path_factory.mktemp("settled")) as web:
        web.instrument("CEA19-20", "48.00")
        s = web.participant("成交卖方电厂", tonnes=1_000)
        b = web.participant("成交买方电厂", yuan_fen=10**9)
        cs, cb = web.client(s.username), web.client(b.username)
        first = cs.post_listing(s.account_id, "CEA19-20", "sell", "50.00", 100)["listing_id"]
        trade = cb.take_listing(first, b.account_id, 40)["trade_id"]
        other = cs.post_listing(s.account_id, "CEA19-20", "sell", "49.00", 10)["listing_id"]
        cb.take_listing(other, b.account_id, 10)
        exop = web.client("exop")
        exop.advance_clock(to="2021-07-16T15:30+08:00")
        exop.end_of_day()
        web.buyer, web.seller, web.trade = b, s, trade  # type: ignore[attr-defined]
        yield web


@pytest.mark.parametrize(
    ("lang", "link", "note", "bought", "sold"),
    [
        ("zh", "对账单记录", "结算该笔成交", "+40 吨", "-40 吨"),
        ("en", "Statement lines", "settled trade", "+40 t", "-40 t"),
    ],
)
def test_each_trade_links_to_the_statement_lines_that_settled_it(
    settled: LiveWeb, browser: Any, lang: str, link: str, note: str, bought: str, sold: str
) -> None:
    trade = settled.trade  # type: ignore[attr-defined]
    parties = ((settled.buyer, bought), (settled.seller, sold))  # type: ignore[attr-defined]
    for firm, delivered in parties:
        tab = Tab(browser, settled, lang=lang)
        tab.login(firm.username)
        tab.go("/trades")
        a = tab.page.locator(f'#f-my_trades tr[data-trade="{trade}"] a.statement-line')
        assert a.inner_text() == link
        assert tab.page.locator("#f-my_trades a.statement-line").count() == 2
        a.click()
        tab.page.wait_for_url(f"**/statements?ref={trade}*")
        lines = tab.page.locator("#f-statement table.statement tbody tr[data-ref]")
        lines.first.wait_for()
        assert {ln.get_attribute("data-ref") for ln in lines.all()} == {trade}
        settles = tab.page.locator("#f-statement tr.settles")
        assert settles.count() == 1 and delivered in settles.inner_text()
        assert note in tab.page.locator("#f-statement .statement-ref").inner_text()
        who = "buyer" if delivered == bought else "seller"
        tab.shot(f"trade_statement_lines_{lang}_{who}")
        tab.close()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "交收：货银对付"), ("en", "settlement: delivery versus payment")],
)
def test_a_settlement_lines_memo_is_said_in_the_pages_language(
    settled: LiveWeb, browser: Any, lang: str, said: str
) -> None:
    trade = settled.trade  # type: ignore[attr-defined]
    tab = Tab(browser, settled, lang=lang)
    tab.login(settled.buyer.username)  # type: ignore[attr-defined]
    tab.go(f"/statements?ref={trade}")
    settles = tab.page.locator("#f-statement tr.settles")
    settles.wait_for()
    assert said in settles.inner_text()
    tab.close()
