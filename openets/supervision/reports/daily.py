"""The daily market report, in the exchange's 2024+ format (reference §9.1).

Title 【CEA】全国碳市场每日综合价格行情及成交信息YYYYMMDD; the composite's open, high, low, close
and change; listing, block and one-way bidding volume and turnover (or 今日无单向竞价); the
day's total, the year to date and the cumulative totals; then the per-vintage table (各年度)
with open, high, low, close, change, the day's and the cumulative volume and turnover, and the
trading method. Markdown, CSV or JSON; Chinese or English.

A day without any trade (no listing, block or one-way bidding trade in any vintage) is reported
as the exchange does: 全国碳市场无成交, with the open and the close only (the previous close
carried); the JSON has ``no_trade`` true and no high or low, the CSV leaves them empty.
The composite's composition of the day (the vintages and their weights) is in the JSON.

Then the day's stability-reserve actions (市场调节（储备操作）,
:mod:`openets.supervision.reports.reserve_lines`): a section in Markdown, ``reserve_actions``
in the JSON (empty on a day without any), and in the CSV, on a day with any, six more columns
after the existing ones (``reserve_mechanism, reserve_action, reserve_quantity_t,
reserve_price, reserve_reference, reserve_note``; empty on the price rows) and a row per
action (its date and instrument, the price columns empty). A day without a reserve action
shows nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from openets.domain.money import format_yuan
from openets.supervision.reports import fmt, reserve_lines
from openets.supervision.reports.history import (
    COMPOSITE,
    METHOD_CODES,
    METHODS,
    Bar,
    History,
    Prices,
    Volumes,
)
from openets.supervision.reports.reserve_lines import ReserveLine, reserve_json, reserve_md

METHOD_NAMES = {
    "zh": {"listing": "挂牌协议", "block": "大宗协议", "auction": "单向竞价"},
    "en": {"listing": "listing", "block": "block", "auction": "one-way bidding"},
}
DISCLAIMER = {
    "zh": "声明：全国碳市场行情信息由交易机构发布，本报告仅供参考。",
    "en": "Only the exchange publishes the market's official prices; this report is for reference.",
}


@dataclass(frozen=True, slots=True)
class Line:
    """One instrument (a vintage, or the composite) on the report's day."""

    bar: Bar
    ytd: Volumes
    cum: Volumes


@dataclass(frozen=True, slots=True)
class DailyReport:
    day: str
    composite: Line
    vintages: tuple[Line, ...]
    composition: tuple[str, tuple[tuple[str, int], ...]] | None = None
    """(method, (vintage, parts)...) of the composite, when the journal records it."""
    reserve: tuple[ReserveLine, ...] = ()
    """The day's stability-reserve actions, in journal order."""

    @property
    def no_trade(self) -> bool:
        """No trade of any method in any vintage that day (全国碳市场无成交)."""
        return self.composite.bar.volumes.total_t == 0


def _line(h: History, day: str, instrument: str) -> Line:
    bar = h.bar(day, instrument)
    assert bar is not None
    return Line(bar, h.total(instrument, f"{day[:4]}-01-01", day), h.total(instrument, "", day))


def daily_report(h: History, day: str) -> DailyReport:
    """The report of a closed trading day; ValueError if the journal has no such day."""
    if day not in h.bars:
        closed = f"{h.days[0]}..{h.days[-1]}" if h.days else "none"
        raise ValueError(f"no closed trading day {day} in the journal (closed days: {closed})")
    return DailyReport(
        day,
        _line(h, day, COMPOSITE),
        tuple(_line(h, day, i) for i in h.instruments(day)),
        h.composition.get(day),
        tuple(h.reserve.get(day, ())),
    )


def render_daily(r: DailyReport, form: str = "md", lang: str = "zh") -> str:
    fmt.check(form, lang)
    if form == "json":
        return orjson.dumps(daily_json(r, lang), option=orjson.OPT_INDENT_2).decode() + "\n"
    if form == "csv":
        return fmt.csv_text(*daily_rows(r, lang))
    if r.no_trade:
        return _with_reserve(_md_no_trade(r, lang), r, lang)
    return _with_reserve(_md_zh(r) if lang == "zh" else _md_en(r), r, lang)


def _with_reserve(text: str, r: DailyReport, lang: str) -> str:
    """The reserve section before the disclaimer (the report's last paragraph)."""
    section = reserve_md(r.reserve, lang)
    if not section:
        return text
    cut = text.rindex("\n\n> ")
    return f"{text[:cut]}\n\n{section}{text[cut:]}"


# --- json and csv -------------------------------------------------------------------------------


def prices_json(p: Prices) -> dict[str, Any]:
    return {
        "open": format_yuan(p.open),
        "high": format_yuan(p.high),
        "low": format_yuan(p.low),
        "close": format_yuan(p.close),
        "prev_close": format_yuan(p.prev_close),
        "change": format_yuan(p.change),
        "change_pct": fmt.plain_pct(p.change_bps),
        "change_bps": p.change_bps,
        "traded": p.traded,
    }


def volumes_json(v: Volumes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in METHODS:
        t, f = v.of(m)
        out[m] = {"volume_t": t, "value": format_yuan(f)}
    out["total"] = {"volume_t": v.total_t, "value": format_yuan(v.total_fen)}
    return out


def title(day: str, lang: str) -> str:
    compact = day.replace("-", "")
    if lang == "zh":
        return f"【CEA】全国碳市场每日综合价格行情及成交信息{compact}"
    return f"[CEA] National carbon market daily composite prices and trading {compact}"


def composition_json(r: DailyReport) -> dict[str, Any] | None:
    if r.composition is None:
        return None
    method, weights = r.composition
    total = sum(p for _, p in weights)
    return {
        "method": method,
        "weights": [{"instrument": c, "weight": f"{p}/{total}"} for c, p in weights],
    }


def daily_json(r: DailyReport, lang: str = "zh") -> dict[str, Any]:
    def prices(p: Prices) -> dict[str, Any]:
        out = prices_json(p)
        if r.no_trade:  # the exchange gives the open and the close only
            out["high"] = out["low"] = None
        return out

    def line(x: Line) -> dict[str, Any]:
        return {
            "instrument": x.bar.instrument,
            "prices": prices(x.bar.prices),
            "day": volumes_json(x.bar.volumes),
            "ytd": volumes_json(x.ytd),
            "cum": volumes_json(x.cum),
        }

    return {
        "title": title(r.day, lang),
        "date": r.day,
        "no_trade": r.no_trade,
        "composite": line(r.composite),
        "composition": composition_json(r),
        "auction_today": r.composite.bar.volumes.auction_t > 0,
        "vintages": [line(v) for v in r.vintages],
        "reserve_actions": reserve_json(r.reserve, lang),
        "disclaimer": DISCLAIMER[lang],
    }


CSV_HEADER = {
    "en": [
        "date",
        "instrument",
        "method",
        "open",
        "high",
        "low",
        "close",
        "pct_change",
        "volume_t",
        "value_cny",
        "ytd_volume",
        "ytd_value",
        "cum_volume",
        "cum_value",
    ],
    "zh": [
        "日期",
        "产品",
        "交易方式",
        "开盘价",
        "最高价",
        "最低价",
        "收盘价",
        "涨跌幅",
        "成交量",
        "成交额",
        "年内成交量",
        "年内成交额",
        "累计成交量",
        "累计成交额",
    ],
}


def csv_lines(day: str, line: Line, no_trade: bool = False) -> list[list[object]]:
    """Rows of one instrument: all methods, then each method (10, 20, 21); prices only on the
    rows that listing trades make (all, 10); on a day without trades no high nor low."""
    p = line.bar.prices
    hi, lo = ("", "") if no_trade else (format_yuan(p.high), format_yuan(p.low))
    prices = [format_yuan(p.open), hi, lo, format_yuan(p.close)]
    change = fmt.plain_pct(p.change_bps)
    v, y, c = line.bar.volumes, line.ytd, line.cum
    rows: list[list[object]] = [
        [
            day,
            line.bar.instrument,
            "all",
            *prices,
            change,
            v.total_t,
            format_yuan(v.total_fen),
            y.total_t,
            format_yuan(y.total_fen),
            c.total_t,
            format_yuan(c.total_fen),
        ]
    ]
    for m in METHODS:
        px = [*prices, change] if m == "listing" else ["", "", "", "", ""]
        t, f = v.of(m)
        yt, yf = y.of(m)
        ct, cf = c.of(m)
        rows.append(
            [
                day,
                line.bar.instrument,
                METHOD_CODES[m],
                *px,
                t,
                format_yuan(f),
                yt,
                format_yuan(yf),
                ct,
                format_yuan(cf),
            ]
        )
    return rows


def daily_rows(r: DailyReport, lang: str) -> tuple[list[str], list[list[object]]]:
    rows = csv_lines(r.day, r.composite, r.no_trade)
    for v in r.vintages:
        rows += csv_lines(r.day, v, r.no_trade)
    if not r.reserve:
        return CSV_HEADER[lang], rows
    width = len(CSV_HEADER[lang])
    extra = len(reserve_lines.CSV_HEADER[lang])
    rows = [[*row, *[""] * extra] for row in rows]
    for x in r.reserve:
        lead: list[object] = [r.day, x.where, *[""] * (width - 2)]
        rows.append([*lead, *reserve_lines.reserve_csv_cells(x, lang)])
    return [*CSV_HEADER[lang], *reserve_lines.CSV_HEADER[lang]], rows


# --- markdown -----------------------------------------------------------------------------------


def _vintage_rows(r: DailyReport, lang: str) -> list[list[str]]:
    rows = []
    for x in r.vintages:
        p = x.bar.prices
        for m in METHODS:
            t, f = x.bar.volumes.of(m)
            ct, cf = x.cum.of(m)
            if m != "listing" and not t:
                continue
            px = (
                [
                    fmt.yuan(p.open),
                    fmt.yuan(p.high),
                    fmt.yuan(p.low),
                    fmt.yuan(p.close),
                    fmt.pct(p.change_bps),
                ]
                if m == "listing"
                else ["—"] * 5
            )
            name = METHOD_NAMES[lang][m]
            rows.append([x.bar.instrument, *px, fmt.tonnes(t), fmt.yuan(f)])
            rows[-1] += [fmt.tonnes(ct), fmt.yuan(cf), name]
    return rows


def _md_zh(r: DailyReport) -> str:
    p, v = r.composite.bar.prices, r.composite.bar.volumes
    y, c = r.composite.ytd, r.composite.cum
    auction = (
        f"单向竞价成交量{fmt.tonnes(v.auction_t)}吨，成交额{fmt.yuan(v.auction_fen)}元。"
        if v.auction_t
        else "今日无单向竞价。"
    )
    header = "年度 开盘价 最高价 最低价 收盘价 涨跌幅 日成交量（吨） 日成交额（元）"
    header += " 累计成交量（吨） 累计成交额（元） 交易方式"
    parts = [
        f"# {title(r.day, 'zh')}",
        f"{fmt.zh_date(r.day)}，全国碳排放权交易市场综合价格行情：开盘价{fmt.yuan(p.open)}元/吨，"
        f"最高价{fmt.yuan(p.high)}元/吨，最低价{fmt.yuan(p.low)}元/吨，收盘价{fmt.yuan(p.close)}"
        f"元/吨，收盘价较前一日{fmt.zh_change(p.change_bps)}。",
        f"挂牌协议交易成交量{fmt.tonnes(v.listing_t)}吨，成交额{fmt.yuan(v.listing_fen)}元；"
        f"大宗协议交易成交量{fmt.tonnes(v.block_t)}吨，成交额{fmt.yuan(v.block_fen)}元；{auction}",
        f"全国碳排放配额总成交量{fmt.tonnes(v.total_t)}吨，总成交额{fmt.yuan(v.total_fen)}元。",
        f"{r.day[:4]}年以来，全国碳市场碳排放配额成交量{fmt.tonnes(y.total_t)}吨，成交额"
        f"{fmt.yuan(y.total_fen)}元。截至今日，全国碳市场碳排放配额累计成交量"
        f"{fmt.tonnes(c.total_t)}吨，累计成交额{fmt.yuan(c.total_fen)}元。",
        "## 各年度碳排放配额价格行情",
        fmt.md_table(header.split(), _vintage_rows(r, "zh")),
        f"> {DISCLAIMER['zh']}",
    ]
    return "\n\n".join(parts) + "\n"


def _md_no_trade(r: DailyReport, lang: str) -> str:
    """全国碳市场无成交: the composite's and each vintage's open and close only."""
    p = r.composite.bar.prices
    rows = [
        [x.bar.instrument, fmt.yuan(x.bar.prices.open), fmt.yuan(x.bar.prices.close)]
        for x in r.vintages
    ]
    if lang == "zh":
        parts = [
            f"# {title(r.day, 'zh')}",
            f"{fmt.zh_date(r.day)}，全国碳市场无成交。综合价格行情：开盘价{fmt.yuan(p.open)}元/吨，"
            f"收盘价{fmt.yuan(p.close)}元/吨。",
            "## 各年度碳排放配额价格行情",
            fmt.md_table(["年度", "开盘价", "收盘价"], rows),
            f"> {DISCLAIMER['zh']}",
        ]
    else:
        parts = [
            f"# {title(r.day, 'en')}",
            f"No trades in the national carbon market on {fmt.en_date(r.day)}. Composite "
            f"prices: open {fmt.yuan(p.open)} CNY/t, close {fmt.yuan(p.close)} CNY/t.",
            "## Prices by vintage",
            fmt.md_table(["Vintage", "Open", "Close"], rows),
            f"> {DISCLAIMER['en']}",
        ]
    return "\n\n".join(parts) + "\n"


def _md_en(r: DailyReport) -> str:
    p, v = r.composite.bar.prices, r.composite.bar.volumes
    y, c = r.composite.ytd, r.composite.cum
    auction = (
        f"one-way bidding {fmt.tonnes(v.auction_t)} t, CNY {fmt.yuan(v.auction_fen)}."
        if v.auction_t
        else "no one-way bidding today."
    )
    header = [
        "Vintage",
        "Open",
        "High",
        "Low",
        "Close",
        "Change",
        "Volume (t)",
        "Turnover (CNY)",
        "Cumulative volume (t)",
        "Cumulative turnover (CNY)",
        "Method",
    ]
    parts = [
        f"# {title(r.day, 'en')}",
        f"On {fmt.en_date(r.day)} the national carbon market's composite prices were: open "
        f"{fmt.yuan(p.open)} CNY/t, high {fmt.yuan(p.high)} CNY/t, low {fmt.yuan(p.low)} CNY/t, "
        f"close {fmt.yuan(p.close)} CNY/t, {fmt.en_change(p.change_bps)} on the previous close.",
        f"Listing agreement trading {fmt.tonnes(v.listing_t)} t, CNY {fmt.yuan(v.listing_fen)}; "
        f"block agreement trading {fmt.tonnes(v.block_t)} t, CNY {fmt.yuan(v.block_fen)}; "
        f"{auction}",
        f"Total CEA volume {fmt.tonnes(v.total_t)} t, turnover CNY {fmt.yuan(v.total_fen)}.",
        f"Year to date ({r.day[:4]}): {fmt.tonnes(y.total_t)} t, CNY {fmt.yuan(y.total_fen)}. "
        f"Cumulative since launch: {fmt.tonnes(c.total_t)} t, CNY {fmt.yuan(c.total_fen)}.",
        "## Prices by vintage",
        fmt.md_table(header, _vintage_rows(r, "en")),
        f"> {DISCLAIMER['en']}",
    ]
    return "\n\n".join(parts) + "\n"
