"""What a new user hit in the first hour, each fixed and walked through in chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import NARROW, Tab

from openets.web import i18n

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def market(tmp_path: Path) -> Iterator[LiveWeb]:
    """A market of its own per test: each moves the clock as its story needs."""
    with live_web(tmp_path) as live:
        live.instrument("CEA19-20", "48.00")
        yield live


def test_a_suspended_instrument_can_be_resumed_from_the_page(market: LiveWeb, browser: Any) -> None:
    exop = Tab(browser, market)
    exop.login("exop")
    exop.go("/exchange/instruments")
    row = exop.page.locator('#f-instruments_admin tr[data-instrument="CEA19-20"]')
    row.locator("input[name=reason]").fill("异常波动")
    row.locator("button[type=submit]").click()
    exop.toast("已完成")
    row.locator(".tag.warn").wait_for()
    row.locator("input[name=reason]").fill("核查完毕")
    row.locator("button[type=submit]").click()
    row.locator(".tag.ok").wait_for()
    assert market.client("exop").instruments()["data"][0]["suspended"] is False
    exop.close()


def test_a_directed_block_offer_can_be_accepted_by_the_named_counterparty(
    market: LiveWeb, browser: Any
) -> None:
    seller = market.participant("大宗卖方电厂", tonnes=200_000)
    buyer = market.participant("大宗买方电厂", yuan_fen=10_000_000_000)
    market.client("exop").advance_clock(to="2021-07-16T13:30+08:00")
    s = Tab(browser, market)
    s.login(seller.username)
    s.go("/block")
    form = s.page.locator("form[data-api='POST /api/v1/block/requests']")
    form.locator("input[name=side][value=sell]").check()
    form.locator("input[name=price]").fill("48.00")
    form.locator("input[name=quantity]").fill("100000")
    form.locator("input[name=counterparty]").fill(buyer.account_id)
    form.locator("button[type=submit]").click()
    s.page.locator("#f-block_requests tr[data-request]").first.wait_for()
    s.close()

    b = Tab(browser, market)
    b.login(buyer.username)
    b.go("/block")
    row = b.page.locator("#f-block_requests tr[data-request]").first
    accept = row.locator("form[data-api$='/accept'] button")
    assert accept.count() == 1
    accept.click()
    b.toast("大宗协议成交")
    b.go("/account")
    to_settle = b.page.locator('#f-holdings tr[data-product="CEA19-20"] td[data-bucket="pending"]')
    assert to_settle.inner_text().strip() == "100,000"
    b.close()


def test_holdings_show_bought_tonnes_to_settle_and_sold_tonnes_to_deliver(
    market: LiveWeb, browser: Any
) -> None:
    seller = market.participant("持仓卖方电厂", tonnes=10_000)
    buyer = market.participant("持仓买方电厂", yuan_fen=1_000_000_000)
    listing = market.client(seller.username).post_listing(
        seller.account_id, "CEA19-20", "sell", "48.00", 3_000
    )
    market.client(buyer.username).take_listing(listing["listing_id"], buyer.account_id, 1_000)

    def cells(tab: Tab) -> dict[str, str]:
        row = tab.page.locator('#f-holdings tr[data-product="CEA19-20"]')
        return {
            str(c.get_attribute("data-bucket")): c.inner_text().strip()
            for c in row.locator("td[data-bucket]").all()
        }

    b = Tab(browser, market)
    b.login(buyer.username)
    b.go("/account")
    assert cells(b)["pending"] == "1,000"
    b.close()
    s = Tab(browser, market)
    s.login(seller.username)
    s.go("/account")
    got = cells(s)
    assert (got["available"], got["locked"], got["to_deliver"]) == ("7,000", "2,000", "1,000")
    s.close()


def test_an_auction_closes_at_its_close_time(market: LiveWeb, browser: Any) -> None:
    seller = market.participant("竞价卖方电厂", tonnes=5_000)
    buyer = market.participant("竞价买方电厂", yuan_fen=1_000_000_000)
    exop = market.client("exop")
    a = exop.post(
        "/auctions",
        {
            "initiator": seller.account_id,
            "side": "sell",
            "instrument": "CEA19-20",
            "quantity": 1_000,
            "reserve_price": "45.00",
            "closes_at": "2021-07-16T10:30+08:00",
        },
    )
    market.client(buyer.username).post(
        f"/auctions/{a['auction_id']}/bids",
        {"account_id": buyer.account_id, "price": "46.00", "quantity": 1_000},
    )
    tab = Tab(browser, market)
    tab.login("exop")
    tab.go("/exchange/auctions")
    row = tab.page.locator(f'#f-auctions tr[data-auction="{a["auction_id"]}"]')
    # before the deadline the page does not offer to clear (the engine would refuse)
    assert row.locator("form[data-api$='/close']").count() == 0
    assert row.locator("form[data-api$='/cancel']").count() == 1
    exop.advance_clock(to="2021-07-16T10:31+08:00")
    row.locator("td.result", has_text="1,000").wait_for(timeout=10_000)
    assert exop.get(f"/auctions/{a['auction_id']}")["status"] == "cleared"
    tab.close()


def test_a_cancelled_auction_shows_its_reason(market: LiveWeb, browser: Any) -> None:
    seller = market.participant("流拍卖方电厂", tonnes=5_000)
    buyer = market.participant("流拍买方电厂", yuan_fen=1_000_000_000)
    exop = market.client("exop")
    a = exop.post(
        "/auctions",
        {
            "initiator": seller.account_id,
            "side": "sell",
            "instrument": "CEA19-20",
            "quantity": 4_000,
            "reserve_price": "45.00",
            "closes_at": "2021-07-16T10:30+08:00",
        },
    )
    market.client(buyer.username).post(
        f"/auctions/{a['auction_id']}/bids",
        {"account_id": buyer.account_id, "price": "46.00", "quantity": 1_000},
    )
    exop.advance_clock(to="2021-07-16T10:31+08:00")
    tab = Tab(browser, market, viewport=NARROW)
    tab.login(buyer.username)
    tab.go("/auctions")
    row = tab.page.locator(f'#f-auctions tr[data-auction="{a["auction_id"]}"]')
    row.locator("[data-cancel-reason='cover_short']", has_text="有效申报不足").wait_for(
        timeout=10_000
    )
    tab.close()


def test_end_of_day_mid_session_offers_the_emergency_close(market: LiveWeb, browser: Any) -> None:
    tab = Tab(browser, market)
    tab.login("exop")
    tab.go("/exchange/eod")
    tab.page.locator("form.eod button[type=submit]").click()
    tab.page.locator("form.eod .form-msg.err").wait_for()
    tab.page.locator("form.eod-force button[type=submit]").click()
    tab.toast("日终处理完成")
    assert any("紧急收市" in d or "强制" in d for d in tab.dialogs)
    tab.close()


def test_end_of_day_page_warns_of_the_open_session_only_while_it_runs(market: LiveWeb) -> None:
    exop = market.client("exop")  # the market starts at 10:00, in the morning session
    with market.http("exop") as h:
        assert "in-session" in h.get("/frag/trading_day").text
        exop.advance_clock(to="2021-07-16T15:30+08:00")
        assert "in-session" not in h.get("/frag/trading_day").text


def test_market_watch_shows_an_instrument_trading_only_while_the_session_runs(
    market: LiveWeb,
) -> None:
    with market.http("exop") as h:
        assert i18n.ZH["status.trading"] in h.get("/frag/overview").text
        market.client("exop").advance_clock(to="2021-07-16T12:00+08:00")
        lunch = h.get("/frag/overview").text
    assert i18n.ZH["status.trading"] not in lunch and 'data-status="out_of_session"' in lunch


def test_order_history_shows_filled_cancelled_and_expired_listings(
    market: LiveWeb, browser: Any
) -> None:
    seller = market.participant("委托历史电厂", tonnes=10_000)
    buyer = market.participant("委托买方电厂", yuan_fen=1_000_000_000)
    c = market.client(seller.username)
    filled = c.post_listing(seller.account_id, "CEA19-20", "sell", "48.00", 100)["listing_id"]
    market.client(buyer.username).take_listing(filled, buyer.account_id, 100)
    cancelled = c.post_listing(seller.account_id, "CEA19-20", "sell", "49.00", 100)["listing_id"]
    c.cancel_listing(cancelled)
    expired = c.post_listing(seller.account_id, "CEA19-20", "sell", "50.00", 100)["listing_id"]
    exop = market.client("exop")
    exop.advance_clock(to="2021-07-16T15:30+08:00")
    exop.end_of_day()
    tab = Tab(browser, market)
    tab.login(seller.username)
    tab.go("/orders")
    rows = tab.page.locator("#f-order_history tr[data-listing]")
    rows.first.wait_for()
    got = {r.get_attribute("data-listing"): r.get_attribute("data-status") for r in rows.all()}
    assert got == {filled: "filled", cancelled: "cancelled", expired: "expired"}
    tab.page.locator(".pills a[data-status=expired]").click()
    tab.page.wait_for_url("**/orders?status=expired*")
    assert tab.page.locator("#f-order_history tr[data-listing]").count() == 1
    assert "已过期" in tab.page.locator("#f-order_history tr[data-listing]").inner_text()
    tab.page.locator("form.orders-filter input[name=from]").fill("2021-07-17")
    tab.page.locator("form.orders-filter button[type=submit]").click()
    tab.page.locator("#f-order_history td.empty").wait_for()
    tab.shot("participant_orders_zh")
    tab.close()


def test_intraday_line_of_a_single_trade_is_drawn_as_a_dot(market: LiveWeb, browser: Any) -> None:
    seller = market.participant("单笔分时卖方", tonnes=1_000)
    buyer = market.participant("单笔分时买方", yuan_fen=100_000_000)
    lid = market.client(seller.username).post_listing(
        seller.account_id, "CEA19-20", "sell", "48.50", 100
    )["listing_id"]
    market.client(buyer.username).take_listing(lid, buyer.account_id, 100)
    tab = Tab(browser, market)
    tab.login(buyer.username)
    tab.go("/trade/CEA19-20")
    tab.page.locator("#intraday-chart[data-drawn]").wait_for()
    symbol = tab.page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById('intraday-chart'))
                 .getOption().series[0].symbol"""
    )
    assert symbol == "circle"
    tab.close()
