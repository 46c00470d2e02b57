"""A refused transfer in a real browser (Debian's chromium driven by Playwright): the registry
operator asks to move allowances out of an account the registry has restricted, and the page
says why in Chinese, worded (the account, its status, what it may not do), not only the code's
label and the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import PASSWORD, LiveWeb

from openets.registry import commands as rc
from openets.registry.model import AccountStatus

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_restricted_accounts_transfer_refusal_shows_the_chinese_worded_reason(
    web: LiveWeb, browser: Any
) -> None:
    a = web.participant("受限测试电厂", tonnes=2_000)
    b = web.participant("受让测试电厂", province="江苏")
    web.submit(rc.ChangeAccountStatus(a.account_id, AccountStatus.RESTRICTED, "司法协助"), "regop")

    ctx = browser.new_context(locale="zh-CN")
    ctx.add_cookies([{"name": "openets_lang", "value": "zh", "url": web.base_url}])
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    try:
        page.goto(web.base_url + "/login")
        page.fill("input[name=username]", "regop")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
        page.goto(web.base_url + "/registry/approvals")
        form = page.locator("form.transfer")
        form.locator("input[name=from_account]").fill(a.account_id)
        form.locator("input[name=to_account]").fill(b.account_id)
        form.locator("input[name=product]").fill("CEA19-20")
        form.locator("input[name=quantity]").fill("500")
        form.locator("button[type=submit]").click()
        msg = form.locator(".form-msg.err")
        msg.wait_for()
        text = msg.inner_text()
        assert msg.get_attribute("data-code") == "ACCOUNT_NOT_ACTIVE"
        assert f"账户 {a.account_id} 当前为“受限”状态，不得转出" in text, text
        assert "受限账户可转入、不可转出" in text, text
        page.locator("#toast .t.err", has_text="不得转出").first.wait_for()
    finally:
        ctx.close()
    assert web.market.state.registry.bucket(a.account_id, "CEA19-20")[0] == 2_000
