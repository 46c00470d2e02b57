"""Each role's first page says what this role does here and what waits for it, in both
languages, counting only what another person asked for where four eyes apply."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import BROWSER_ARGS, PASSWORD, LiveWeb

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def browser(chromium_path: Any) -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=BROWSER_ARGS)
        yield b
        b.close()


def _first_page(browser: Any, web: LiveWeb, user: str, lang: str) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_cookies([{"name": "openets_lang", "value": lang, "url": web.base_url}])
    page = ctx.new_page()
    page.goto(web.base_url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.locator("section.work").wait_for()
    return ctx, page


def _count(page: Any, key: str) -> int:
    text = page.locator(f'li[data-work="{key}"] .count').inner_text()
    return int(text.replace(",", ""))


def test_registry_operator_sees_the_requests_another_operator_made_not_its_own(
    web: LiveWeb, browser: Any
) -> None:
    firm = web.participant("待办测试电厂", tonnes=1_000)
    other = web.participant("待办对手电厂")
    web.client("regop").request_transfer(firm.account_id, other.account_id, "CEA19-20", 10)
    ctx, page = _first_page(browser, web, "regop2", "zh")
    assert page.locator("section.work h2").inner_text() == "待办事项"
    assert _count(page, "work.registry_requests") >= 1
    ctx.close()
    ctx, page = _first_page(browser, web, "regop", "en")
    assert page.locator("section.work h2").inner_text() == "What waits for you"
    mine = web.client("regop").pending_requests()["data"]
    others = [r for r in mine if r["status"] == "pending" and r["initiator"] != "regop"]
    assert _count(page, "work.registry_requests") == len(others)
    ctx.close()


@pytest.mark.parametrize("user", ["exop", "regulator", "verifier", "regop"])
def test_each_staff_first_page_says_what_the_role_does_in_both_languages(
    web: LiveWeb, browser: Any, user: str
) -> None:
    for lang, title in (("zh", "待办事项"), ("en", "What waits for you")):
        ctx, page = _first_page(browser, web, user, lang)
        card = page.locator("section.work")
        assert card.locator("h2").inner_text() == title
        assert card.locator("p.muted").first.inner_text().strip()
        assert card.locator("li[data-work]").count() >= 1
        ctx.close()
