"""The terminal's words, in Chinese (the default) and English: one catalog per language.

Every string a page shows comes from the catalog of its language, ``ZH`` or ``EN`` (the same
keys; a test checks both and every key the templates use). Rises are red and falls green in
Chinese, the other way round in English. Number and date formats: :mod:`openets.web.fmt`.

The words themselves are kept area by area in the ``i18n_*`` modules beside this one, which
:func:`_extend` gathers into the two catalogs; this module holds the lookups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
UPDOWN = {"zh": "red-up", "en": "green-up"}
"""Which colour a rise takes: red in Chinese markets, green in Western ones."""

JS_PREFIXES = (
    "js.", "err.", "errd.", "errw.", "field.", "msg.", "confirm.", "chart.", "side.", "method."
)
"""Catalog entries the page script needs (toasts, errors, confirmations, chart labels)."""

PROVINCE_EN = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi",
    "内蒙古": "Inner Mongolia", "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang",
    "上海": "Shanghai", "江苏": "Jiangsu", "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian",
    "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan",
    "广东": "Guangdong", "广西": "Guangxi", "海南": "Hainan", "重庆": "Chongqing",
    "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "西藏": "Tibet", "陕西": "Shaanxi",
    "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia", "新疆": "Xinjiang",
    "兵团": "XPCC",
}  # fmt: skip
PROVINCE_ORDER = tuple(PROVINCE_EN)


def pick_lang(cookie: str | None, accept_language: str | None) -> str:
    """The language cookie if set, else the browser's first choice of ours, else Chinese."""
    if cookie in LANGS:
        return str(cookie)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANG


def translate(lang: str, key: str, default: str | None = None, **kw: Any) -> str:
    """The catalog's text for ``key``, with ``{name}`` fields filled; the key itself if absent.
    A text ``one|many`` counts ``n``: the first form for exactly 1 (English: "1 day", "2 days")."""
    text = CATALOGS.get(lang, CATALOGS[DEFAULT_LANG]).get(key)
    if text is None:
        text = default if default is not None else key
    if "|" in text and "n" in kw:
        one, many = text.split("|", 1)
        text = one if str(kw["n"]).strip() == "1" else many
    if kw:
        try:
            return text.format(**kw)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, default: str | None = None, **kw: Any) -> str:
        return translate(lang, key, default, **kw)

    t.lang = lang  # type: ignore[attr-defined]  # the errors filter words messages by it
    return t


def js_strings(lang: str) -> dict[str, str]:
    cat = CATALOGS.get(lang, CATALOGS[DEFAULT_LANG])
    return {k: v for k, v in cat.items() if k.startswith(JS_PREFIXES)}


ZH: dict[str, str] = {}
"""The Chinese catalog: every page's words, gathered by :func:`_extend`."""
EN: dict[str, str] = {}
"""The English catalog, with the same keys."""


def _extend() -> None:
    """Gather the catalogs from the modules that keep the words area by area, in this order (a
    later module's word wins where two share a key): :mod:`openets.web.i18n_shell` (the frame
    every page shares), :mod:`openets.web.i18n_tables` (column headings, buttons, status words),
    :mod:`openets.web.i18n_script` (what the page script shows), :mod:`openets.web.i18n_trading`
    (the market and trading pages), :mod:`openets.web.i18n_accounts` (the registry's and the
    holder's pages), :mod:`openets.web.i18n_supervision` (surveillance); then the later screens:
    :mod:`openets.web.i18n_more`, :mod:`openets.web.i18n_identity` (users, persons, two-factor
    login), :mod:`openets.web.i18n_cycle` (the compliance cycle), :mod:`openets.web.i18n_terminal`
    (downloads), :mod:`openets.web.i18n_work` (what waits on each role's first page),
    :mod:`openets.web.i18n_desk` (the trader's and the registry's desks),
    :mod:`openets.web.i18n_calendar` (the compliance calendar and the carry-over) and
    :mod:`openets.web.i18n_reserves` (the market stability mechanisms),
    :mod:`openets.web.i18n_reserve_rules` (the reserve's parameters, the presets) and
    :mod:`openets.web.i18n_bank` (the settlement bank's reports), then
    :mod:`openets.web.i18n_errors` (the worded details of status, restriction and limit
    refusals)."""
    from openets.web import (
        i18n_accounts,
        i18n_bank,
        i18n_calendar,
        i18n_cycle,
        i18n_desk,
        i18n_errors,
        i18n_identity,
        i18n_more,
        i18n_reserve_rules,
        i18n_reserves,
        i18n_script,
        i18n_shell,
        i18n_supervision,
        i18n_tables,
        i18n_terminal,
        i18n_trading,
        i18n_work,
    )

    for more in (
        i18n_shell,
        i18n_tables,
        i18n_script,
        i18n_trading,
        i18n_accounts,
        i18n_supervision,
        i18n_more,
        i18n_identity,
        i18n_cycle,
        i18n_terminal,
        i18n_work,
        i18n_desk,
        i18n_calendar,
        i18n_reserves,
        i18n_reserve_rules,
        i18n_bank,
        i18n_errors,
    ):
        ZH.update(more.ZH)
        EN.update(more.EN)


_extend()
CATALOGS: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}
