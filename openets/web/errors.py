"""The API's error messages in the reader's language, money in yuan.

The API answers ``{code, message, field}`` with the message in English (for logs and API
users). A page shows the code's label in its language and, where the message matches one of
:data:`PATTERNS`, the figures of the message worded in that language: money in yuan with
thousands separators, tonnes with separators. Every other refusal the engine
can word has a Chinese form by its message's shape (:data:`SHAPES`, from
:mod:`openets.web.i18n_refusals`; the API's own errors and validation messages from
:mod:`openets.web.i18n_refusals_api`; the messages passed through as another error's text from
:mod:`openets.web.i18n_refusals_passed`); a message of no known shape is shown in Chinese with the
label
(the rule), the field's name and the value the message names, the English message staying in
the element's title. In English a
page shows the label and the message, any ``N fen`` turned into yuan. The same patterns and shapes
run in the page script (``static/app.js``) for the errors of commands sent from the browser.

Group names carry the kind of figure: ``f_`` fen (shown in yuan), ``y_`` yuan, ``q_`` tonnes,
``s_`` an English word of the message (a status, a direction…) worded by its ``errw.`` entry,
``w_`` a value of a shape: worded by its ``errw.`` or ``field.`` entry when it has one.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from openets.web import (
    i18n,
    i18n_refusals,
    i18n_refusals_api,
    i18n_refusals_more,
    i18n_refusals_passed,
)

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
_SLOT = re.compile(r"\{(\w+)\}")
_TONNES = re.compile(r" t(?![\w-])")
_CHOICES = re.compile(r"'[^']*'(?:, '[^']*')* or '[^']*'")
"""The values a field may take, as pydantic lists them (``'buy' or 'sell'``)."""

REFUSALS_ZH: dict[str, str] = {
    **i18n_refusals.ZH,
    **i18n_refusals_more.ZH,
    **i18n_refusals_api.ZH,
    **i18n_refusals_passed.ZH,
}
"""Every refusal's shape (the English message, ``{}`` where a value goes) and its Chinese form:
the engine's rejections, the API's own errors and validation messages, and the messages passed
through as another error's text."""


def shape_pattern(shape: str) -> tuple[str, list[str]]:
    """The regular expression a shape's messages match in full, and its groups' names in order:
    ``f_N`` a value followed by ``fen``, ``q_N`` one followed by ``t``, ``w_N`` any other."""
    parts = shape.replace("{{", "\x00").replace("}}", "\x01").split("{}")
    rx, names = "^", []
    for i, lit in enumerate(parts):
        rx += re.escape(lit.replace("\x00", "{").replace("\x01", "}"))
        if i == len(parts) - 1:
            break
        after = parts[i + 1]
        if after.startswith(" fen"):
            name, body = f"f_{i}", r"-?\d+"
        elif _TONNES.match(after):
            name, body = f"q_{i}", r"[+-]?\d[\d,]*"
        else:
            name, body = f"w_{i}", r"[\s\S]+?"
        names.append(name)
        rx += f"(?P<{name}>{body})"
    return rx + "$", names


def _shapes() -> tuple[tuple[str, str], ...]:
    out = []
    for shape, zh in REFUSALS_ZH.items():
        rx, names = shape_pattern(shape)
        tpl = _SLOT.sub(lambda m, names=names: "{" + names[int(m.group(1))] + "}", zh)  # type: ignore[misc]
        out.append((len(shape) - 2 * len(names), rx, tpl))
    # the most specific shape first: the one with the most words of its own
    return tuple((rx, tpl) for _, rx, tpl in sorted(out, key=lambda x: -x[0]))


SHAPES: tuple[tuple[str, str], ...] = _shapes()
"""Each shape's expression and Chinese form (``{f_0}``… naming the groups), most specific first."""
_SHAPES_COMPILED = tuple((re.compile(rx), tpl) for rx, tpl in SHAPES)


def _yuan(fen: str) -> str:
    return f"{Decimal(int(fen)) / 100:,.2f}"


def _figure(name: str, value: str, lang: str) -> str:
    if name.startswith("f_"):
        return _yuan(value)
    if name.startswith("y_"):
        return f"{Decimal(value.replace(',', '')):,.2f}"
    if name.startswith("q_"):
        sign = "+" if value.startswith("+") else ""
        return f"{sign}{int(value.replace(',', '')):,}"
    if name.startswith("s_"):
        return i18n.translate(lang, f"errw.{value}", default=value)
    if name.startswith("w_"):
        word = i18n.translate(lang, f"errw.{value}", default="")
        alts = value.split("/")  # states allowed: "active/default_pending"
        words = [i18n.translate(lang, f"errw.{a}", default="") for a in alts]
        if not word and len(alts) > 1 and all(words):
            return ("或" if lang == "zh" else " or ").join(words)
        if not word and lang == "zh" and _CHOICES.fullmatch(value):
            return value.replace(" or ", "、").replace(", ", "、")
        return word or field_name(lang, value)
    return value


def _fill(tpl: str, figures: dict[str, str]) -> str:
    return _SLOT.sub(lambda m: figures.get(m.group(1), m.group(0)), tpl)


def detail(lang: str, message: str) -> str | None:
    """The message's figures worded in ``lang``, if it matches a known pattern (or, in Chinese,
    a known shape)."""
    for rx, key in _COMPILED:
        m = rx.search(message)
        if m:
            figures = {k: _figure(k, v, lang) for k, v in m.groupdict().items()}
            return i18n.translate(lang, key, **figures)
    if lang != "zh":
        return None
    for srx, tpl in _SHAPES_COMPILED:
        m = srx.match(message)
        if m:
            return _fill(tpl, {k: _figure(k, v, lang) for k, v in m.groupdict().items()})
    return None


_QUOTED_OR_NUMBER = re.compile(r"'([^']*)'|\"([^\"]*)\"|(-?\d[\d,.]*)")


def message_value(message: str) -> str | None:
    """The value a message names: what follows its last ``was`` (or ``were``), else its first
    quoted text or number."""
    at = max(message.rfind(" was "), message.rfind(" were "))
    if at >= 0:
        return message[message.index(" ", at + 1) + 1 :].rstrip(".")
    m = _QUOTED_OR_NUMBER.search(message)
    return next(g for g in m.groups() if g is not None) if m else None


def field_name(lang: str, field: str) -> str:
    """A field's name in ``lang`` (``items[0].product`` by its last part), else the field."""
    for key in (field, re.sub(r"\[\d+\]", "", field), field.rsplit(".", 1)[-1]):
        name = i18n.translate(lang, f"field.{key}", default="")
        if name:
            return name
    return field


def unknown_zh(label: str, field: str | None, message: str) -> str:
    """A refusal of no known shape in Chinese: the rule (the code's label), the field and the
    value the message names (the English message stays in the element's title)."""
    where = f"字段“{field_name('zh', field)}”" if field else ""
    value = message_value(message)
    if value is not None:
        where += f"的取值 {value} " if field else f"取值 {value} "
    return f"{label}：{where}不符合“{label}”的规则"


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
        return unknown_zh(label, str(field) if field else None, message)
    return f"{label}: {english_yuan(message)}" if message else label


def js_patterns() -> list[list[str]]:
    """The patterns for the page script (JavaScript spells named groups ``(?<name>…)``)."""
    return [[p.replace("(?P<", "(?<"), key] for p, key in PATTERNS]


_JS_SHAPES: dict[str, str] = {}


def js_shapes(lang: str) -> str:
    """The shapes for the page script in ``lang`` as JSON, each ``[expression, "", form]`` (none
    in English, where the message is the English form); the script fetches them once a page is
    loaded (``/i18n/refusals/{lang}.json``), the page itself carrying only :func:`js_patterns`."""
    found = _JS_SHAPES.get(lang)
    if found is None:
        shapes = [[rx.replace("(?P<", "(?<"), "", tpl] for rx, tpl in SHAPES]
        if lang != "zh":
            shapes = []
        found = _JS_SHAPES[lang] = json.dumps(shapes, ensure_ascii=False)
    return found


def about(alert: dict[str, Any], t: Any) -> str:
    """What an alert is about, in the page's language: its instrument, else its subject worded
    by its detector (``about.<detector>``: the accounts and the subject), else its accounts."""
    if alert.get("instrument"):
        return str(alert["instrument"])
    accounts = ", ".join(alert.get("accounts") or ())
    subject = str(alert.get("subject") or "")
    ref = f" {subject}" if subject else ""
    said = t(f"about.{alert.get('detector')}", default="", accounts=accounts, ref=ref)
    if said:
        return str(said)
    return str(t("about.accounts", accounts=accounts)) if accounts else "—"


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
            shown = t("side.buy" if value == 0 else "side.sell")  # the book's Side: 0 buys
        else:
            shown = f"{value:,}"
        parts.append(f"{t('metric.' + name, default=name)} {shown}")
    return "；".join(parts) if getattr(t, "lang", "zh") == "zh" else "; ".join(parts)
