"""A refusal of a shape no worded pattern covered, in a real browser (Debian's chromium driven
by Playwright): the registry operator asks to move allowances from an account to itself; the
Chinese page words the refusal in Chinese with the account (its shape's form, which the page
script fetches from /i18n/refusals/zh.json), the English page shows the English message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import LiveWeb
from tabs import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _refused_transfer(web: LiveWeb, browser: Any, lang: str, account_id: str) -> str:
    tab = Tab(browser, web, lang)
    try:
        tab.login_in_form("regop")
        tab.go("/registry/approvals")
        tab.page.wait_for_load_state("networkidle")
        form = tab.page.locator("form.transfer")
        form.locator("input[name=from_account]").fill(account_id)
        form.locator("input[name=to_account]").fill(account_id)
        form.locator("input[name=product]").fill("CEA19-20")
        form.locator("input[name=quantity]").fill("500")
        form.locator("button[type=submit]").click()
        msg = form.locator(".form-msg.err")
        msg.wait_for()
        assert msg.get_attribute("data-code") == "INVALID_FIELD"
        return msg.inner_text()
    finally:
        tab.close()


def test_refusal_of_any_shape_is_worded_in_chinese_in_the_browser(
    web: LiveWeb, browser: Any
) -> None:
    a = web.participant("自转测试电厂", tonnes=2_000)
    zh = _refused_transfer(web, browser, "zh", a.account_id)
    assert f"转出账户与转入账户均为 {a.account_id}" in zh, zh
    assert "from_account" not in zh, zh
    en = _refused_transfer(web, browser, "en", a.account_id)
    assert f"from_account and to_account are both {a.account_id}" in en, en
    assert web.market.state.registry.bucket(a.account_id, "CEA19-20")[0] == 2_000


def test_the_chinese_forms_of_refusals_are_served_to_the_page_script(web: LiveWeb) -> None:
    zh = httpx.get(web.base_url + "/i18n/refusals/zh.json")
    assert zh.status_code == 200 and zh.headers["content-type"].startswith("application/json")
    forms = {tpl for _, _, tpl in zh.json()}
    assert "转出账户与转入账户均为 {w_0}" in forms
    assert httpx.get(web.base_url + "/i18n/refusals/en.json").json() == []
    assert httpx.get(web.base_url + "/i18n/refusals/xx.json").status_code == 404
