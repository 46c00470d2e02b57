"""The listing entry shows, beside the form, the account's available funds and, for the
instrument chosen in the form, the available tonnes of its product and the day's price band
(limit down, limit up); a change of instrument changes them in place. In both languages, at
1024 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveWeb, live_web
from tabs import NARROW, Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    with live_web(tmp_path_factory.mktemp("entry")) as web:
        web.instrument("CEA19-20", "48.00")
        web.instrument("CEA21", "60.00")
        firm = web.participant("挂牌录入电厂", tonnes=12_345, yuan_fen=123_456_789)
        web.firm = firm  # type: ignore[attr-defined]
        yield web


def _shown(tab: Tab) -> dict[str, str]:
    box = tab.page.locator("#f-entry")
    inst = box.locator("dl.entry-inst:visible")
    assert inst.count() == 1
    keys = ("tonnes", "lower", "upper")
    out = {k: inst.locator(f'[data-entry="{k}"]').inner_text() for k in keys}
    out["funds"] = box.locator('[data-entry="funds"]').inner_text()
    out["for"] = str(inst.get_attribute("data-entry-for"))
    return out


@pytest.mark.parametrize(("lang", "yuan", "t"), [("zh", "元", "吨"), ("en", "CNY", "t")])
def test_listing_entry_shows_funds_tonnes_and_the_band_of_the_chosen_instrument(
    desk: LiveWeb, browser: Any, lang: str, yuan: str, t: str
) -> None:
    tab = Tab(browser, desk, lang=lang, viewport=NARROW)
    tab.login(desk.firm.username)  # type: ignore[attr-defined]
    tab.go("/trade/CEA19-20")
    tab.page.locator("#f-entry dl.entry-inst").first.wait_for(state="attached")
    assert _shown(tab) == {
        "for": "CEA19-20", "funds": f"1,234,567.89 {yuan}", "tonnes": f"12,345 {t}",
        "lower": "43.20", "upper": "52.80",
    }  # fmt: skip
    labels = tab.page.locator("#f-entry").inner_text()
    words = {
        "zh": ("可用资金", "可用配额", "跌停", "涨停"),
        "en": ("Available funds", "Available allowances", "Limit down", "Limit up"),
    }
    assert all(w in labels for w in words[lang])
    tab.page.locator("form.post-listing select[name=instrument]").select_option("CEA21")
    assert _shown(tab) == {
        "for": "CEA21", "funds": f"1,234,567.89 {yuan}", "tonnes": f"0 {t}",
        "lower": "54.00", "upper": "66.00",
    }  # fmt: skip
    box = tab.page.locator("#f-entry").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1024
    tab.shot(f"listing_entry_{lang}")
    tab.close()


def test_a_listing_posted_for_the_chosen_instrument_goes_to_that_instrument(
    desk: LiveWeb, browser: Any
) -> None:
    firm = desk.firm  # type: ignore[attr-defined]
    regop2 = desk.client("regop2")
    desk.client("regop").issue(firm.account_id, "CEA21", 500, "allocation", approver=regop2)
    tab = Tab(browser, desk)
    tab.login(firm.username)
    tab.go("/trade/CEA19-20")
    form = tab.page.locator("form.post-listing")
    form.locator("select[name=instrument]").select_option("CEA21")
    assert _shown(tab)["tonnes"] == "500 吨"
    form.locator("input[name=side][value=sell]").check()
    form.locator("input[name=price]").fill("61.00")
    form.locator("input[name=quantity]").fill("200")
    form.locator("button[type=submit]").click()
    tab.toast("挂牌成功")
    mine = desk.client(firm.username).get("/listings", account_id=firm.account_id)["data"]
    assert [(x["instrument"], x["quantity"]) for x in mine] == [("CEA21", 200)]
    left = '#f-entry dl[data-entry-for="CEA21"] [data-entry="tonnes"]'
    tab.page.locator(left, has_text="300").wait_for()
    assert _shown(tab)["for"] == "CEA21"
    tab.close()
