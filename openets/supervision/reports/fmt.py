"""Number and text formatting of published reports, in Chinese and English.

Money is shown in yuan with two places and thousands separators (``31,050,818.35``), tonnes as
integers with separators, changes as signed percentages with two places (``+6.73%``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from openets.domain.cells import safe_row
from openets.domain.money import format_yuan

LANGS = ("zh", "en")
FORMATS = ("md", "csv", "json")


def yuan(fen: int) -> str:
    """``3105081835`` -> ``'31,050,818.35'``."""
    whole, cents = format_yuan(fen).split(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{cents}"


def tonnes(t: int) -> str:
    return f"{t:,}"


def pct(bps: int) -> str:
    """Signed percentage: 673 -> '+6.73%', -158 -> '-1.58%', 0 -> '0.00%'."""
    sign = "+" if bps > 0 else "-" if bps < 0 else ""
    a = abs(bps)
    return f"{sign}{a // 100}.{a % 100:02d}%"


def plain_pct(bps: int) -> str:
    """Unsigned-positive form for data files: 673 -> '6.73', -158 -> '-1.58'."""
    return pct(bps).rstrip("%").lstrip("+")


def zh_change(bps: int) -> str:
    """'上涨6.73%' / '下跌1.58%' / '持平'."""
    if bps == 0:
        return "持平"
    return ("上涨" if bps > 0 else "下跌") + pct(abs(bps)).lstrip("+")


def en_change(bps: int) -> str:
    if bps == 0:
        return "unchanged"
    return ("up " if bps > 0 else "down ") + pct(abs(bps)).lstrip("+")


def zh_date(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


def en_date(day: str) -> str:
    return date.fromisoformat(day).strftime("%d %B %Y").lstrip("0")


def check(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, was {fmt!r}")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, was {lang!r}")


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(safe_row(header))
    w.writerows(safe_row(r) for r in rows)
    return buf.getvalue()
