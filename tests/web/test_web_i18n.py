"""The terminal's words and formats: both catalogs complete, numbers and dates by language."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from openets.api.auth import Role
from openets.domain.provinces import PROVINCES
from openets.domain.rejection import Code
from openets.web import fmt, i18n
from openets.web.views import PAGES

TEMPLATES = Path(i18n.__file__).parent / "templates"
KEY = re.compile(r"""['"]((?:[a-z_]+\.)+[a-z_A-Z0-9]+)['"]""")
FAMILIES = {k.split(".")[0] for k in i18n.ZH}


def template_keys() -> set[str]:
    """Every literal catalog key in the templates (t('…'), label='…', ok='…', confirm='…')."""
    keys: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        for m in KEY.finditer(path.read_text()):
            key = m.group(1)
            if key.split(".")[0] in FAMILIES and not key.endswith("."):
                keys.add(key)
    return keys


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(i18n.ZH) == set(i18n.EN)


def test_every_catalog_entry_is_translated() -> None:
    for key in i18n.ZH:
        assert i18n.ZH[key].strip() and i18n.EN[key].strip(), key


def test_chinese_catalog_is_written_in_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    exempt = {"app.name", "list.sep", "list.open", "list.close"}  # a Latin name; punctuation
    missing = [k for k, v in i18n.ZH.items() if not han.search(v) and k not in exempt]
    assert missing == [], missing


def test_every_key_the_templates_use_is_in_the_catalogs() -> None:
    used = template_keys()
    assert used, "the scan found no keys"
    assert sorted(used - set(i18n.ZH)) == []


def test_every_page_and_role_has_a_name() -> None:
    for page in PAGES:
        assert f"nav.{page.name}" in i18n.ZH
    for role in Role:
        assert f"role.{role.value}" in i18n.EN


def test_every_rejection_code_has_a_message() -> None:
    assert [c.value for c in Code if f"err.{c.value}" not in i18n.ZH] == []


def test_every_province_has_an_english_name() -> None:
    assert set(i18n.PROVINCE_EN) == set(PROVINCES)


def test_translate_fills_fields_and_falls_back_to_the_default() -> None:
    assert i18n.translate("zh", "depth.ask", n=1) == "卖1"
    assert i18n.translate("en", "depth.ask", n=1) == "Ask 1"
    assert i18n.translate("en", "no.such.key", default="x") == "x"
    assert i18n.translate("en", "no.such.key") == "no.such.key"


@pytest.mark.parametrize(
    ("cookie", "accept", "lang"),
    [
        ("en", "zh-CN,zh;q=0.9", "en"),
        (None, "en-GB,en;q=0.8", "en"),
        (None, "zh-TW", "zh"),
        (None, "fr-FR", "zh"),
        ("xx", None, "zh"),
    ],
)
def test_language_is_the_cookie_then_the_browser_then_chinese(
    cookie: str | None, accept: str | None, lang: str
) -> None:
    assert i18n.pick_lang(cookie, accept) == lang


def test_prices_have_two_decimals_and_thousands_separators() -> None:
    assert fmt.fmt_price("52.8") == "52.80"
    assert fmt.fmt_price(Decimal("1234.5")) == "1,234.50"
    assert fmt.fmt_price(None) == fmt.DASH


def test_quantities_have_thousands_separators() -> None:
    assert fmt.fmt_qty(1234567) == "1,234,567"
    assert fmt.fmt_signed_qty(-100000) == "-100,000"


def test_changes_carry_their_sign() -> None:
    assert fmt.fmt_signed("4.80") == "+4.80"
    assert fmt.fmt_signed("-0.5") == "-0.50"
    assert fmt.fmt_pct("-1.58%") == "-1.58%"
    assert fmt.fmt_pct("10") == "+10.00%"


def test_times_are_written_the_chinese_or_english_way_in_beijing_time() -> None:
    t = "2021-07-16T01:30:00+00:00"  # 09:30 in Beijing
    assert fmt.fmt_datetime(t, "zh") == "2021-07-16 09:30:00"
    assert fmt.fmt_datetime(t, "en") == "16 Jul 2021 09:30:00"
    assert fmt.fmt_date("2021-07-16", "zh") == "2021年7月16日"
    assert fmt.fmt_date("2021-07-16", "en") == "16 Jul 2021"


def test_rises_are_red_in_chinese_and_green_in_english() -> None:
    assert i18n.UPDOWN == {"zh": "red-up", "en": "green-up"}


def test_an_english_count_of_one_takes_the_singular() -> None:
    en, zh = i18n.translator("en"), i18n.translator("zh")
    assert (en("cycle.days", n=1), en("cycle.days", n=2)) == ("1 day", "2 days")
    assert en("accounts.count", n="1,000") == "1,000 accounts"
    assert zh("cycle.days", n=1) == "1 天"


def test_no_text_the_page_script_reads_has_two_forms() -> None:
    # the script fills texts itself: it would show both forms of a "one|many" text
    assert [k for k, v in i18n.EN.items() if k.startswith(i18n.JS_PREFIXES) and "|" in v] == []
