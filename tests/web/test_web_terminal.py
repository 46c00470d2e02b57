"""A terminal to work in all day: the header clock follows the market's clock, and each role
starts on its own page after login."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from conftest import PASSWORD, LiveWeb
from tabs import Tab

from openets.client import Client
from openets.domain.clock import parse_iso

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_SPEED = 120
"""The demo's clock: two simulated minutes a real second."""
CLOCK_POLL_S = 2
"""How often the page reads the market's clock (static/app.js CLOCK_MS)."""


def _shown(tab: Tab) -> tuple[str, str]:
    el = tab.page.locator("#market-clock")
    return str(el.get_attribute("data-now")), el.inner_text().strip()


def test_header_clock_moves_with_the_market_clock(web: LiveWeb, browser: Any) -> None:
    tab = Tab(browser, web)
    tab.login("verifier")
    tab.go("/verifier")
    first, _ = _shown(tab)
    mover = Client.login(web.base_url, "exop", PASSWORD)
    stop = threading.Event()

    def run_like_the_demo() -> None:
        while not stop.is_set():
            mover.advance_clock(seconds=DEMO_SPEED // 2)
            stop.wait(0.5)

    runner = threading.Thread(target=run_like_the_demo, daemon=True)
    runner.start()
    try:
        # the page stays open: the shown time changes twice, without a reload
        seen = [first]
        for _ in range(2):
            tab.page.wait_for_function(
                "(was) => document.getElementById('market-clock').dataset.now !== was",
                arg=seen[-1],
            )
            seen.append(_shown(tab)[0])
        shown_iso, _ = _shown(tab)
        server = web.client("exop").get("/ops/clock")["now"]
        lag = parse_iso(server) - parse_iso(shown_iso)
        # behind the server by at most two reads of a clock running 120x (plus a little)
        assert timedelta(0) <= lag <= timedelta(seconds=DEMO_SPEED * CLOCK_POLL_S * 2 + 60)
    finally:
        stop.set()
        runner.join()
        mover.close()
    assert parse_iso(seen[2]) > parse_iso(seen[1]) > parse_iso(first)
    # once the clock stands still the header catches up with it exactly
    server = web.client("exop").get("/ops/clock")["now"]
    tab.page.wait_for_function(
        "(now) => document.getElementById('market-clock').dataset.now === now", arg=server
    )
    _, text = _shown(tab)
    assert text == f"{server[:10]} {server[11:19]}"
    tab.close()


def test_header_clock_speaks_the_page_language(web: LiveWeb, browser: Any) -> None:
    tab = Tab(browser, web, lang="en")
    tab.login("verifier")
    tab.go("/verifier")
    web.client("exop").advance_clock(seconds=90)
    server = web.client("exop").get("/ops/clock")["now"]
    tab.page.wait_for_function(
        "(now) => document.getElementById('market-clock').dataset.now === now", arg=server
    )
    _, text = _shown(tab)
    assert re.fullmatch(r"\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}", text), text
    assert text.endswith(server[11:19]) and text.startswith(server[8:10])
    tab.close()


FIRST_PAGES = {
    "participant": r"/trade(/[^/?]+)?$",
    "covered_entity": r"/compliance$",
    "exchange_operator": r"/exchange/instruments$",
    "registry_operator": r"/registry/accounts$",
    "regulator": r"/regulator$",
    "verifier": r"/verifier$",
}
STAFF_LOGINS = {
    "exchange_operator": "exop",
    "registry_operator": "regop",
    "regulator": "regulator",
    "verifier": "verifier",
}


@pytest.mark.parametrize("role", list(FIRST_PAGES))
def test_after_login_each_role_lands_on_its_own_first_page(
    web: LiveWeb, browser: Any, role: str
) -> None:
    if role == "participant":
        username = web.participant("首页投资机构", kind="institution").username
    elif role == "covered_entity":
        username = web.participant("首页控排电厂").username
    else:
        username = STAFF_LOGINS[role]
    tab = Tab(browser, web)
    tab.login_in_form(username)
    tab.page.wait_for_url(re.compile(FIRST_PAGES[role]))
    assert tab.page.locator(".menu a.on").count() == 1  # its page is one of its menu's
    tab.close()
