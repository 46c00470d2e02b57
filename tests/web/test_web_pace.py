"""The demo's first page says how its time runs: the clock's speed (how many real seconds a
demo minute takes, how long the trading day lasts), that agents trade on the other accounts,
and the listing and block sessions; without a set speed, the sessions only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("pace")) as web:
        web.instrument("CEA19-20", "48.00")
        web.firm = web.participant("演示时钟电厂")  # type: ignore[attr-defined]
        yield web


def _card(tab: Tab, user: str) -> dict[str, str]:
    tab.login(user)
    tab.page.locator("section.work").wait_for()
    return {
        str(p.get_attribute("data-pace")): p.inner_text()
        for p in tab.page.locator("section.work [data-pace]").all()
    }


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("1 演示分钟 = 0.5 秒", "120 倍速", "约 2.8 分钟",
                "挂牌交易时段 09:30–11:30、13:00–15:00", "大宗交易时段 13:00–15:00",
                "模拟交易主体")),
        ("en", ("1 demo minute = 0.5 s", "120× real time", "about 2.8 minutes",
                "Listing sessions 09:30–11:30, 13:00–15:00", "block sessions 13:00–15:00",
                "agents")),
    ],
)  # fmt: skip
def test_the_first_page_states_the_clock_speed_and_the_session_times(
    demo: LiveWeb, browser: Any, lang: str, words: tuple[str, ...]
) -> None:
    demo.server.services.extras["clock_speed"] = 120.0  # as the demo sets it
    try:
        for user in (demo.firm.username, "exop"):  # type: ignore[attr-defined]
            tab = Tab(browser, demo, lang=lang)
            text = " ".join(_card(tab, user).values())
            assert [w for w in words if w not in text] == []
            tab.shot(f"first_page_pace_{lang}_{'exop' if user == 'exop' else 'trader'}")
            tab.close()
    finally:
        del demo.server.services.extras["clock_speed"]


def test_without_a_set_speed_the_first_page_states_the_sessions_only(
    demo: LiveWeb, browser: Any
) -> None:
    tab = Tab(browser, demo)
    card = _card(tab, "regulator")
    assert set(card) == {"sessions"}
    assert "挂牌交易时段 09:30–11:30、13:00–15:00" in card["sessions"]
    tab.close()
