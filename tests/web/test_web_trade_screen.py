"""The trade page's charts and keys: the daily K-line with its MA5, MA10 and MA20 lines and
its volume split by trading method (block trades never in the listing bars), the intraday line
of the day's listing trades, and keyboard entry of a listing (F1 buy, F2 sell, Enter submits,
Esc clears), documented on the page in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CODE = "CEA19-20"
CLOSED_DAYS = ["2021-07-16", "2021-07-19", "2021-07-20", "2021-07-21", "2021-07-22", "2021-07-23"]
TODAY = "2021-07-26"
BLOCK_T = 100_000


@pytest.fixture(scope="module")
def six_days(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    """Six closed days, each with one listing trade (48.50, 49.00, … 51.00) and a 100,000 t
    block trade on the first; today two listing trades (51.20 then 50.80) and a block trade."""
    with live_web(tmp_path_factory.mktemp("trade-screen")) as live:
        live.instrument(CODE, "48.00")
        s = live.participant("K线卖方电厂", tonnes=1_000_000)
        b = live.participant("K线买方电厂", yuan_fen=10**11)
        cs, cb, exop = live.client(s.username), live.client(b.username), live.client("exop")

        def listing(price: str, qty: int) -> None:
            lid = cs.post_listing(s.account_id, CODE, "sell", price, qty)["listing_id"]
            cb.take_listing(lid, b.account_id, qty)

        def block(price: str) -> None:
            exop.advance_clock(to=f"{day}T13:30+08:00")
            rid = cs.post("/block/requests", {
                "account_id": s.account_id, "instrument": CODE, "side": "sell",
                "price": price, "quantity": BLOCK_T,
            })["request_id"]  # fmt: skip
            cb.post(
                f"/block/requests/{rid}/accept",
                {"account_id": b.account_id, "price": price, "quantity": BLOCK_T},
            )

        for i, day in enumerate(CLOSED_DAYS):
            exop.advance_clock(to=f"{day}T10:00+08:00")
            listing(f"{48.5 + i * 0.5:.2f}", 100 + i)
            if i == 0:
                block("49.00")
            exop.advance_clock(to=f"{day}T15:30+08:00")
            exop.end_of_day()
        day = TODAY
        exop.advance_clock(to=f"{day}T10:00+08:00")
        listing("51.20", 10)
        exop.advance_clock(to=f"{day}T10:05+08:00")
        listing("50.80", 20)
        block("50.00")
        live.users = {"seller": s.username, "buyer": b.username}  # type: ignore[attr-defined]
        yield live


def _series(tab: Tab, chart_id: str) -> dict[str, Any]:
    """The chart's series by id, as ECharts holds them once drawn."""
    tab.page.wait_for_function(
        "(id) => document.getElementById(id).dataset.drawn === '1'", arg=chart_id
    )
    return dict(
        tab.page.evaluate(
            """(id) => {
                const opt = echarts.getInstanceByDom(document.getElementById(id)).getOption();
                const out = {};
                for (const s of opt.series) out[s.id || s.name] = { name: s.name, data: s.data };
                out.__x = opt.xAxis[0].data;
                return out;
            }""",
            chart_id,
        )
    )


def _ma(closes: list[Decimal], n: int) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(closes)):
        if i < n - 1:
            out.append(None)
        else:
            avg = sum(closes[i - n + 1 : i + 1]) / n
            out.append(float(avg.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kline_draws_ma5_ma10_ma20_and_volume_split_by_method(
    six_days: LiveWeb, browser: Any, lang: str
) -> None:
    bars = six_days.client("exop").get(f"/market/{CODE}/bars")["data"]
    closes = [Decimal(b["close"]) for b in bars]
    tab = Tab(browser, six_days, lang=lang)
    tab.login(six_days.users["buyer"])  # type: ignore[attr-defined]
    tab.go(f"/trade/{CODE}")
    s = _series(tab, "kline-chart")
    assert s["__x"] == [*CLOSED_DAYS, TODAY]
    assert s["ma5"]["data"] == _ma(closes, 5)
    assert s["ma5"]["data"][:4] == [None] * 4 and s["ma5"]["data"][4] is not None
    assert s["ma10"]["data"] == [None] * 7 and s["ma20"]["data"] == [None] * 7
    assert [s[k]["name"] for k in ("ma5", "ma10", "ma20")] == ["MA5", "MA10", "MA20"]
    listing = [b["listing"]["volume"] for b in bars]
    assert s["vol-listing"]["data"] == listing == [100, 101, 102, 103, 104, 105, 30]
    assert s["vol-block"]["data"] == [BLOCK_T, 0, 0, 0, 0, 0, BLOCK_T]
    names = {"zh": ("挂牌成交量", "大宗成交量"), "en": ("Listing volume", "Block volume")}[lang]
    assert (s["vol-listing"]["name"], s["vol-block"]["name"]) == names
    tab.shot(f"trade_kline_{lang}")
    tab.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_intraday_line_shows_the_days_listing_trades_in_time_order(
    six_days: LiveWeb, browser: Any, lang: str
) -> None:
    tab = Tab(browser, six_days, lang=lang)
    tab.login(six_days.users["seller"])  # type: ignore[attr-defined]
    tab.go(f"/trade/{CODE}")
    s = _series(tab, "intraday-chart")
    assert s["__x"] == ["10:00:00", "10:05:00"]  # today's listing trades only: no block trade
    assert s["intraday"]["data"] == [51.2, 50.8]
    title = tab.page.locator("h2", has_text="分时" if lang == "zh" else "Intraday")
    assert title.count() == 1
    tab.close()


@pytest.mark.parametrize(
    ("lang", "doc"),
    [("zh", ["F1", "买入", "F2", "卖出", "回车", "提交挂牌", "ESC", "清空"]),
     ("en", ["F1", "buy", "F2", "sell", "Enter", "posts the listing", "ESC", "clears"])],
)  # fmt: skip
def test_keyboard_entry_f1_buy_f2_sell_enter_submits_esc_clears(
    six_days: LiveWeb, browser: Any, lang: str, doc: list[str]
) -> None:
    seller = six_days.users["seller"]  # type: ignore[attr-defined]
    tab = Tab(browser, six_days, lang=lang)
    tab.login(seller)
    tab.go(f"/trade/{CODE}")
    keys = tab.page.locator("#entry-keys").inner_text()
    assert all(word in keys for word in doc), keys
    page, form = tab.page, tab.page.locator("form.post-listing")
    page.locator("body").click()
    page.keyboard.press("F2")  # sell: the price box has the focus
    assert form.locator("input[name=side][value=sell]").is_checked()
    assert page.evaluate("document.activeElement.name") == "price"
    page.keyboard.type("52.00")
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    page.keyboard.press("Escape")  # clears everything, back to buy
    assert form.locator("input[name=price]").input_value() == ""
    assert form.locator("input[name=quantity]").input_value() == ""
    assert form.locator("input[name=side][value=buy]").is_checked()
    page.keyboard.press("F2")
    page.keyboard.type("52.00")
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    before = _open_sells(six_days, seller)
    page.keyboard.press("Enter")
    form.locator(".form-msg.ok").wait_for()
    assert _open_sells(six_days, seller) == [*before, ("52.00", 7)]
    page.keyboard.press("F1")
    assert form.locator("input[name=side][value=buy]").is_checked()
    assert page.evaluate("document.activeElement.name") == "price"
    tab.close()


def _open_sells(web: LiveWeb, username: str) -> list[tuple[str, int]]:
    c = web.client(username)
    acct = c.me()["account_id"]
    rows = c.get("/listings", account_id=acct)["data"]
    return sorted((r["price"], r["remaining"]) for r in rows if r["side"] == "sell")
