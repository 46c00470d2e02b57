"""The API's error messages in the reader's language, money in yuan.

The API answers ``{code, message, field}`` with the message in English (for logs and API
users). A page shows the code's label in its language and, where the message matches one of
:data:`PATTERNS`, the figures of the message worded in that language: money in yuan with
thousands separators, tonnes with separators. A message that matches none is shown in Chinese
as the label and the field's name only (the English text stays in the element's title); in
English as the label and the message, any ``N fen`` turned into yuan. The same patterns run in
the page script (``static/app.js``) for the errors of commands sent from the browser.

Group names carry the kind of figure: ``f_`` fen (shown in yuan), ``y_`` yuan, ``q_`` tonnes,
``s_`` an English word of the message (a status, a direction…) worded by its ``errw.`` entry.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from openets.web import i18n

PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"has (?P<f_have>\d+) fen of buying power, needs (?P<f_need>\d+) fen",
        "errd.buying_power",
    ),
    (
        r"has (?P<q_have>\d+) t of (?P<product>[\w-]+) available, needs (?P<q_need>\d+) t",
        "errd.holdings",
    ),
    (
        r"price (?P<y_price>[\d.,]+) is outside today's band "
        r"(?P<y_low>[\d.,]+)\.\.(?P<y_high>[\d.,]+)",
        "errd.band",
    ),
    (r"price (?P<y_price>[\d.,]+) is not a multiple of the (?P<y_tick>[\d.,]+) tick", "errd.tick"),
    (r"take quantity must be 1\.\.(?P<q_max>\d+) t", "errd.take_qty"),
    (
        r"price (?P<f_price>\d+) fen is outside the block band "
        r"(?P<f_low>\d+)\.\.(?P<f_high>\d+) fen",
        "errd.block_band",
    ),
    (r"a block order must be at least (?P<q_min>\d+) t", "errd.block_min"),
    (r"a block order must be at most (?P<q_max>\d+) t", "errd.block_max"),
    (
        r"account (?P<account>\S+) is (?P<s_status>[a-z]+), it must be [a-z ]+? "
        r"to (?P<s_role>send|receive)\b",
        "errd.status_move",
    ),
    (r"account (?P<account>\S+) is (?P<s_status>[a-z]+), it must be active$", "errd.status_active"),
    (r"account (?P<account>\S+) is restricted from trading$", "errd.restricted_trading"),
    (
        r"account (?P<account>\S+) is restricted from (?P<s_what>trading|transfer) by the "
        r"(?P<s_authority>regulator|exchange) since (?P<since_day>\d{4}-\d\d-\d\d)T"
        r"(?P<since_time>\d\d:\d\d): (?P<reason>[\s\S]*)",
        "errd.restricted",
    ),
    (
        r"account (?P<account>\S+) would hold (?P<q_after>\d+) t of (?P<product>[\w-]+) "
        r"\(holds (?P<q_held>\d+) t, unsettled (?P<unsettled>[+-]\d+) t, open buys "
        r"(?P<q_open>\d+) t, (?P<s_what>this order|this transfer) (?P<q_extra>\d+) t\), "
        r"over its position limit of (?P<q_cap>\d+) t \((?P<rule>[\s\S]*)\)",
        "errd.position",
    ),
)
_COMPILED = tuple((re.compile(p), key) for p, key in PATTERNS)
_FEN = re.compile(r"(-?\d+) fen\b")


def _yuan(fen: str) -> str:
    return f"{Decimal(int(fen)) / 100:,.2f}"


def _figure(name: str, value: str, lang: str) -> str:
    if name.startswith("f_"):
        return _yuan(value)
    if name.startswith("y_"):
        return f"{Decimal(value.replace(',', '')):,.2f}"
    if name.startswith("q_"):
        return f"{int(value):,}"
    if name.startswith("s_"):
        return i18n.translate(lang, f"errw.{value}", default=value)
    return value


def detail(lang: str, message: str) -> str | None:
    """The message's figures worded in ``lang``, if it matches a known pattern."""
    for rx, key in _COMPILED:
        m = rx.search(message)
        if m:
            figures = {k: _figure(k, v, lang) for k, v in m.groupdict().items()}
            return i18n.translate(lang, key, **figures)
    return None


def english_yuan(message: str) -> str:
    """``… 5772000 fen …`` as ``… 57,720.00 yuan …``."""
    return _FEN.sub(lambda m: f"{_yuan(m.group(1))} yuan", message)


def localise(lang: str, err: dict[str, Any] | None) -> str:
    """One error as a page shows it in ``lang``."""
    if not err:
        return i18n.translate(lang, "js.error")
    code = str(err.get("code", ""))
    label = i18n.translate(lang, f"err.{code}", default=code)
    message = str(err.get("message") or "")
    found = detail(lang, message)
    if found:
        return f"{label}：{found}" if lang == "zh" else f"{label}: {found}"
    if lang == "zh":
        field = err.get("field")
        name = i18n.translate(lang, f"field.{field}", default="") if field else ""
        return f"{label}（{name}）" if name else label
    return f"{label}: {english_yuan(message)}" if message else label


def js_patterns() -> list[list[str]]:
    """The patterns for the page script (JavaScript spells named groups ``(?<name>…)``)."""
    return [[p.replace("(?P<", "(?<"), key] for p, key in PATTERNS]


def evidence(metrics: dict[str, Any] | None, t: Any) -> str:
    """An alert's figures in the page's language: basis points as percent, prices in yuan."""
    parts = []
    for name, value in sorted((metrics or {}).items()):
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        if name.endswith("_bps"):
            shown = f"{Decimal(value) / 100:,.2f}%"
        elif name.startswith("close") or name.endswith("_fen"):
            shown = f"{Decimal(value) / 100:,.2f}"
        elif name == "side":
            shown = t("side.buy" if value == 1 else "side.sell")
        else:
            shown = f"{value:,}"
        parts.append(f"{t('metric.' + name, default=name)} {shown}")
    return "；".join(parts) if getattr(t, "lang", "zh") == "zh" else "; ".join(parts)
