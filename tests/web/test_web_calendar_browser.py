"""The compliance calendar and the carry-over in a real browser (Debian's chromium driven by
Playwright), in Chinese and English: each step of the cycle with its Beijing time and the time
left, the entity's next step, and what it may carry over past 2024."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from test_web_browser import Session

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    """A market of its own (the shared one's clock and entities stay untouched)."""
    with live_web(tmp_path_factory.mktemp("calendar-web")) as live:
        yield live


def test_the_entity_sees_its_calendar_and_carry_over_on_its_compliance_page(
    own_web: LiveWeb, browser: Any, tmp_path: Path
) -> None:
    firm = own_web.participant("日历示范电厂", tonnes=30_000)
    own_web.client("regop").post("/compliance/entities", {
        "entity_id": "CAL1", "name": "日历示范电厂", "province": "山东",
        "account_id": firm.account_id, "sector": "power",
    })  # fmt: skip
    for lang, words in (
        ("zh", ("履约日历", "完成配额清缴", "仍受理，标记逾期", "下一个事项", "配额结转")),
        ("en", ("Compliance calendar", "Surrender complete", "accepted, marked late",
                "Next step", "Carry-over")),
    ):  # fmt: skip
        s = Session(browser, own_web, lang)
        s.login(firm.username)
        s.go("/compliance?year=2019")
        row = s.page.locator('#f-calendar tr[data-step="surrender"]')
        row.wait_for()
        assert "2021-12-31 17:00" in row.inner_text()
        left = row.locator('td[data-fig="left"]').inner_text()
        assert ("天" if lang == "zh" else " d ") in left
        text = s.page.locator("main").inner_text()
        assert all(w in text for w in words), (lang, [w for w in words if w not in text])
        quota = s.page.locator('#f-carry_over td[data-fig="carry-quota"]').inner_text()
        assert quota == "10,000"
        not_carried = s.page.locator('#f-carry_over td[data-fig="not-carried"]').inner_text()
        assert not_carried == "20,000"  # 30,000 t of CEA19-20 held, 10,000 t carried
        s.shot(f"compliance_calendar_{lang}")
        s.close()
