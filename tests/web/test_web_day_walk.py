"""Each role's whole day in the browser, in Chinese and English, at 1024 px and 1440 px: the
participants trade (a listing posted from the keyboard, taken by another firm), the registry
and the verifier look through their pages, the exchange moves the clock past the close and
runs the end of day, the regulator runs surveillance and works the case it opens to its close.
Every page of every role is visited, fits the window's width and has no script error; each is
kept as a screenshot under artifacts/screenshots/ (CI keeps the folder).

One market per language: the day's steps are taken once, in the language's own window (Chinese
at 1024 px, English at 1440 px), and each page is checked at both widths (the window resized
in place), so the two widths share one day instead of repeating it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SCREENSHOTS, Firm, LiveWeb, live_web
from pg import db_kind
from tabs import NARROW, WIDE, Tab

from openets.web.views import nav_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/web/conftest.py)

CODE = "CEA19-20"
DAY = "2021-07-16"
WIDTHS = {1024: NARROW, 1440: WIDE}
OWN_WIDTH = {"zh": 1024, "en": 1440}  # the window each language's day is taken in


def test_the_day_walks_market_is_on_the_runs_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """On PostgreSQL in the PostgreSQL pass: the pages in front of a market on a server."""
    with live_web(tmp_path) as live:
        on_server = bool(getattr(live.market.engine.journal, "on_server", False))
    assert on_server is (db_kind(request.config) == "postgres")


@pytest.fixture
def market(tmp_path: Path) -> Iterator[tuple[LiveWeb, Firm, Firm]]:
    with live_web(tmp_path) as live:
        live.instrument(CODE, "48.00")
        seller = live.participant("全天卖方电厂", tonnes=50_000, kind="institution")
        buyer = live.participant("全天买方电厂", yuan_fen=10**10, kind="institution")
        yield live, seller, buyer


class Walk:
    """One run of the day: the language, its window and where the screenshots go."""

    def __init__(self, web: LiveWeb, browser: Any, lang: str) -> None:
        self.web, self.browser, self.lang = web, browser, lang
        self.width = OWN_WIDTH[lang]
        self.shots: dict[int, list[Path]] = {w: [] for w in WIDTHS}

    def tab(self, username: str) -> Tab:
        tab = Tab(self.browser, self.web, lang=self.lang, viewport=WIDTHS[self.width])
        tab.login_in_form(username)  # each role signs in through the login page's form
        return tab

    def check(self, tab: Tab, role: str, name: str) -> None:
        """At each width (the language's own first, as loaded, then the window resized) the page
        fits the window (no sideways scrolling) and is kept as a screenshot."""
        page = tab.page
        assert page.locator("main").count() == 1, (role, name)
        slug = name.strip("/").replace("/", "_") or "home"
        for width in sorted(WIDTHS, key=lambda w: w != self.width):
            page.set_viewport_size(WIDTHS[width])
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 1, (role, name, width, page.url, wide)
            self.shots[width].append(tab.shot(f"day_{self.lang}_{width}_{role}_{slug}"))
        page.set_viewport_size(WIDTHS[self.width])

    def pages(self, tab: Tab, role: str, who: str = "") -> None:
        """Every page of the role's menu, in menu order."""
        for p in nav_for(role):
            tab.go(p.path)
            self.check(tab, who or role, p.path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_roles_day_walks_through_in_the_browser(
    market: tuple[LiveWeb, Firm, Firm], browser: Any, lang: str
) -> None:
    web, seller, buyer = market
    walk = Walk(web, browser, lang)

    # morning: the seller posts a listing from the keyboard (F2, price, quantity, Enter)
    s = walk.tab(seller.username)
    s.go(f"/trade/{CODE}")
    s.page.locator("body").click()
    s.page.keyboard.press("F2")
    s.page.keyboard.type("48.60")
    s.page.keyboard.press("Tab")
    s.page.keyboard.type("20000")
    s.page.keyboard.press("Enter")
    s.page.locator("form.post-listing .form-msg.ok").wait_for()
    walk.check(s, "seller", "posted")

    # the buyer takes it from the best listings
    b = walk.tab(buyer.username)
    b.go(f"/trade/{CODE}")
    b.page.locator("#f-best_listings form.take button[type=submit]").first.click()
    b.page.locator("#f-best_listings form.take .form-msg.ok, #toast .t").first.wait_for()
    trades = web.client(buyer.username).get("/trades", account_id=buyer.account_id)["data"]
    assert [(t["price"], t["quantity"]) for t in trades] == [("48.60", 20_000)]
    walk.pages(b, "participant", "buyer")
    walk.pages(s, "participant", "seller")
    s.close()
    b.close()

    # the registry and the verifier look through their pages
    for user, role in (("regop", "registry_operator"), ("verifier", "verifier")):
        tab = walk.tab(user)
        walk.pages(tab, role)
        tab.close()

    # the exchange moves the clock past the close and runs the end of day
    x = walk.tab("exop")
    walk.pages(x, "exchange_operator")
    x.go("/exchange/clock")
    x.page.locator("form.advance input[name=to]").fill(f"{DAY}T15:30+08:00")
    x.page.locator("form.advance button[type=submit]").click()
    x.page.locator("form.advance .form-msg.ok").wait_for()
    x.go("/exchange/eod")
    x.page.locator("form.eod button[type=submit]").click()
    x.page.locator('#f-trading_day [data-phase="idle"]').wait_for()
    walk.check(x, "exchange_operator", "closed")
    x.close()

    # the regulator runs surveillance on the closed day and works the case to its close
    g = walk.tab("regulator")
    g.go("/regulator/alerts")
    g.page.locator("form.surveillance button[type=submit]").click()
    g.page.locator("#f-alerts tr[data-alert] form button[type=submit]").first.click()
    row = g.page.locator("#f-alerts tr[data-case]").first
    row.locator("form.case-review button[type=submit]").click()
    row.locator("form.case-close input[name=note]").fill("成交集中，已核实为正常交易")
    row.locator("form.case-close button[type=submit]").click()
    row.locator('[data-status="closed"], td.case-finding:not(:empty)').first.wait_for()
    cases = web.client("regulator").get("/supervision/cases")["data"]
    assert [c["status"] for c in cases] == ["closed"]
    walk.check(g, "regulator", "case_closed")
    walk.pages(g, "regulator")
    g.close()

    # after the end of day the market watch shows the closed day's figures
    w = walk.tab(buyer.username)
    w.go("/market")
    last = w.page.locator(f"#f-overview tr[data-instrument='{CODE}'] td[data-col=last]")
    assert last.inner_text().strip() == "48.60"
    w.close()

    for shots in walk.shots.values():
        assert all(p.is_file() and p.parent == SCREENSHOTS for p in shots)
        assert len(shots) >= 25
