"""Numbers and dates the way the viewer's language writes them (template filters).

Prices and money have two decimals, quantities are whole tonnes, both with thousands
separators (zh-CN and en agree on these). Times are Beijing time: ``2021-07-16 10:00:00`` in
Chinese, ``16 Jul 2021 10:00:00`` in English; dates ``2021年7月16日`` and ``16 Jul 2021``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from openets.domain.clock import BEIJING
from openets.web.i18n import DEFAULT_LANG, PROVINCE_EN
from openets.web.memo import memo_filter

DASH = "—"


# --- numbers ---------------------------------------------------------------------------------
def to_decimal(x: Any) -> Decimal | None:
    if x is None or isinstance(x, bool) or x == "":
        return None
    if isinstance(x, Decimal):
        return x
    try:
        return Decimal(str(x).strip().rstrip("%"))
    except InvalidOperation:
        return None


def fmt_price(x: Any) -> str:
    """``52.78`` (two decimals, thousands separated); a dash when there is none."""
    d = to_decimal(x)
    return DASH if d is None else f"{d:,.2f}"


def fmt_qty(x: Any) -> str:
    """``1,234,567`` tonnes."""
    if x is None or isinstance(x, bool) or x == "":
        return DASH
    try:
        return f"{int(x):,}"
    except (TypeError, ValueError):
        return str(x)


def fmt_signed(x: Any) -> str:
    d = to_decimal(x)
    if d is None:
        return DASH
    return f"{d:+,.2f}" if d else "0.00"


def fmt_signed_qty(x: Any) -> str:
    if x is None or x == "":
        return DASH
    n = int(x)
    return f"{n:+,}" if n else "0"


def fmt_pct(x: Any, sign: bool = True) -> str:
    d = to_decimal(x)
    if d is None:
        return DASH
    return (f"{d:+.2f}%" if d else "0.00%") if sign else f"{d:.2f}%"


def times(price: Any, qty: Any) -> Decimal | None:
    d = to_decimal(price)
    return None if d is None or qty is None else d * int(qty)


# --- dates -------------------------------------------------------------------------------------
def _parse_when(x: Any) -> datetime | date | None:
    if isinstance(x, datetime | date):
        return x
    if not x:
        return None
    text = str(x)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt.astimezone(BEIJING) if dt.tzinfo is not None else dt


def fmt_datetime(x: Any, lang: str) -> str:
    when = _parse_when(x)
    if when is None:
        return DASH if not x else str(x)
    if not isinstance(when, datetime):
        return fmt_date(when, lang)
    if lang == "en":
        return when.strftime("%d %b %Y %H:%M:%S")
    return when.strftime("%Y-%m-%d %H:%M:%S")


def fmt_date(x: Any, lang: str) -> str:
    when = _parse_when(x)
    if when is None:
        return DASH if not x else str(x)
    if lang == "en":
        return when.strftime("%d %b %Y")
    return f"{when.year}年{when.month}月{when.day}日"


def province_name(code: Any, lang: str) -> str:
    if lang == "en":
        return PROVINCE_EN.get(str(code), str(code))
    return str(code)


# --- template filters (the context's language where it matters) --------------------------------
def _lang(ctx: Context) -> str:
    return str(ctx.get("lang", DEFAULT_LANG))


@pass_context
def _dtime(ctx: Context, x: Any) -> str:
    return fmt_datetime(x, _lang(ctx))


@pass_context
def _ddate(ctx: Context, x: Any) -> str:
    return fmt_date(x, _lang(ctx))


@pass_context
def _province(ctx: Context, x: Any) -> str:
    return province_name(x, _lang(ctx))


def provinces_json(rows: list[tuple[str, dict[str, Any]]], lang: str) -> str:
    """Chart data of the compliance-by-province view: name, obligation, surrendered."""
    return json.dumps(
        [[province_name(n, lang), r["obligation"], r["surrendered"]] for n, r in rows],
        ensure_ascii=False,
    )


FILTERS: dict[str, Callable[..., Any]] = {
    "price": fmt_price,
    "money": fmt_price,
    "qty": fmt_qty,
    "signed": fmt_signed,
    "signed_money": fmt_signed,
    "signed_qty": fmt_signed_qty,
    "pct": fmt_pct,
    "times": times,
    "dtime": _dtime,
    "ddate": _ddate,
    "province": _province,
    "provinces_json": provinces_json,
    "memo": memo_filter,
}
