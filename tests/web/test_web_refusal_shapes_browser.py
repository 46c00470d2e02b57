"""A refusal of a shape no worded pattern covered, in a real browser (Debian's chromium driven
by Playwright): the registry operator asks to move allowances from an account to itself; the
Chinese page words the refusal in Chinese with the account (its shape's form, which the page
script fetches from /i18n/refusals/zh.json), the English page shows the English message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import LiveWeb
from tabs import refused_transfer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_refusal_of_any_shape_is_worded_in_chinese_in_the_browser(
    web: LiveWeb, browser: Any
) -> None:
    a = web.participant("自转测试电厂", tonnes=2_000)
    code, zh = refused_transfer(browser, web, "zh", a.account_id, a.account_id, "500")
    assert code == "INVALID_FIELD"
    assert f"转出账户与转入账户均为 {a.account_id}" in zh, zh
    assert "from_account" not in zh, zh
    _, en = refused_transfer(browser, web, "en", a.account_id, a.account_id, "500")
    assert f"from_account and to_account are both {a.account_id}" in en, en
    assert web.market.state.registry.bucket(a.account_id, "CEA19-20")[0] == 2_000


def test_the_chinese_forms_of_refusals_are_served_to_the_page_script(web: LiveWeb) -> None:
    zh = httpx.get(web.base_url + "/i18n/refusals/zh.json")
    assert zh.status_code == 200 and zh.headers["content-type"].startswith("application/json")
    forms = {tpl for _, _, tpl in zh.json()}
    assert "转出账户与转入账户均为 {w_0}" in forms
    assert httpx.get(web.base_url + "/i18n/refusals/en.json").json() == []
    assert httpx.get(web.base_url + "/i18n/refusals/xx.json").status_code == 404
