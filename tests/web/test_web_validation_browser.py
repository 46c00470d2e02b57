"""A request the API's validation refuses, in a real browser (Debian's chromium driven by
Playwright): the registry operator asks to move one and a half tonnes; the Chinese page words the
validation error in Chinese (the field, the value, the rule: the form fetched from
/i18n/refusals/zh.json), the English page shows the English message, and nothing moves."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveWeb
from tabs import refused_transfer

from openets.web import i18n

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_quantity_that_is_not_a_whole_number_is_worded_in_chinese_in_the_browser(
    web: LiveWeb, browser: Any
) -> None:
    a = web.participant("半吨测试电厂", tonnes=2_000)
    b = web.participant("半吨测试买方", tonnes=0)
    code, zh = refused_transfer(browser, web, "zh", a.account_id, b.account_id, "1.5")
    assert code == "INVALID_QUANTITY"
    label = i18n.ZH["err.INVALID_QUANTITY"]
    assert zh == f"{label}：{i18n.ZH['field.quantity']}须为整数吨（JSON 整数），实为 '1.5'", zh
    _, en = refused_transfer(browser, web, "en", a.account_id, b.account_id, "1.5")
    assert "quantity must be a whole number of tonnes (a JSON integer), was '1.5'" in en, en
    assert web.market.state.registry.bucket(a.account_id, "CEA19-20")[0] == 2_000
