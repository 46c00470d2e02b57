"""Weekly and annual summaries (reference §9.1: weekly high, low and close change, volume and
turnover per method, cumulative totals; annual totals and average prices, as in §9.2).

A period's open is its first listing-traded day's open, its high and low are over the days with
listing trades, its close is the last day's close and its change is against the close before
the period. Average prices are turnover / volume, rounded half-up to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson

from openets.domain.money import format_yuan, round_half_up_div
from openets.supervision.reports import fmt
from openets.supervision.reports.daily import DISCLAIMER, METHOD_NAMES, prices_json, volumes_json
from openets.supervision.reports.history import (
    COMPOSITE,
    METHOD_CODES,
    METHODS,
    History,
    Prices,
    Volumes,
)


@dataclass(frozen=True, slots=True)
class PeriodLine:
    instrument: str
    prices: Prices
    volumes: Volumes
    cum: Volumes

    @property
    def average(self) -> int | None:
        v = self.volumes
        return round_half_up_div(v.total_fen, v.total_t) if v.total_t else None

    @property
    def listing_average(self) -> int | None:
        v = self.volumes
        return round_half_up_div(v.listing_fen, v.listing_t) if v.listing_t else None


@dataclass(frozen=True, slots=True)
class PeriodReport:
    kind: str
    """weekly | annual."""
    label: str
    start: str
    end: str
    days: tuple[str, ...]
    composite: PeriodLine
    vintages: tuple[PeriodLine, ...]


def period_prices(h: History, instrument: str, days: list[str]) -> Prices:
    bars = [b for d in days if (b := h.bar(d, instrument)) is not None]
    traded = [b.prices for b in bars if b.prices.traded]
    prev = bars[0].prices.prev_close
    if not traded:
        close = bars[-1].prices.close
        return Prices(prev, prev, prev, close, prev, False)
    return Prices(
        traded[0].open,
        max(p.high for p in traded),
        min(p.low for p in traded),
        bars[-1].prices.close,
        prev,
        True,
    )


def _report(h: History, kind: str, label: str, start: str, end: str) -> PeriodReport:
    days = h.span(start, end)
    if not days:
        raise ValueError(f"no closed trading day from {start} to {end} in the journal")
    instruments = sorted({i for d in days for i in h.instruments(d)})

    def line(inst: str) -> PeriodLine:
        return PeriodLine(
            inst,
            period_prices(h, inst, days),
            h.total(inst, start, end),
            h.total(inst, "", end),
        )

    return PeriodReport(
        kind, label, start, end, tuple(days), line(COMPOSITE), tuple(line(i) for i in instruments)
    )


def weekly_report(h: History, day: str) -> PeriodReport:
    """The week (Monday to Sunday) that contains ``day``."""
    d = date.fromisoformat(day)
    monday = d - timedelta(days=d.weekday())
    year, week, _ = d.isocalendar()
    label = f"{year}-W{week:02d}"
    return _report(h, "weekly", label, monday.isoformat(), (monday + timedelta(6)).isoformat())


def annual_report(h: History, year: int) -> PeriodReport:
    return _report(h, "annual", str(year), f"{year}-01-01", f"{year}-12-31")


def render_period(r: PeriodReport, form: str = "md", lang: str = "zh") -> str:
    fmt.check(form, lang)
    if form == "json":
        return orjson.dumps(period_json(r, lang), option=orjson.OPT_INDENT_2).decode() + "\n"
    if form == "csv":
        return fmt.csv_text(*period_rows(r, lang))
    return _md(r, lang)


def period_title(r: PeriodReport, lang: str) -> str:
    if lang == "zh":
        what = "周报" if r.kind == "weekly" else "年度报告"
        return f"全国碳市场{what} {r.label}（{r.days[0]} 至 {r.days[-1]}）"
    what = "weekly report" if r.kind == "weekly" else "annual report"
    return f"National carbon market {what} {r.label} ({r.days[0]} to {r.days[-1]})"


def _avg(x: int | None) -> str:
    return format_yuan(x) if x is not None else ""


def period_json(r: PeriodReport, lang: str = "zh") -> dict[str, Any]:
    def line(x: PeriodLine) -> dict[str, Any]:
        return {
            "instrument": x.instrument,
            "prices": prices_json(x.prices),
            "period": volumes_json(x.volumes),
            "cum": volumes_json(x.cum),
            "average_price": _avg(x.average),
            "listing_average_price": _avg(x.listing_average),
        }

    return {
        "title": period_title(r, lang),
        "kind": r.kind,
        "period": r.label,
        "start": r.start,
        "end": r.end,
        "trading_days": len(r.days),
        "composite": line(r.composite),
        "vintages": [line(v) for v in r.vintages],
        "disclaimer": DISCLAIMER[lang],
    }


PERIOD_HEADER = {
    "en": [
        "period",
        "start",
        "end",
        "instrument",
        "method",
        "open",
        "high",
        "low",
        "close",
        "pct_change",
        "volume_t",
        "value_cny",
        "average_price",
        "cum_volume",
        "cum_value",
    ],
    "zh": [
        "期间",
        "起始日",
        "截止日",
        "产品",
        "交易方式",
        "开盘价",
        "最高价",
        "最低价",
        "收盘价",
        "涨跌幅",
        "成交量",
        "成交额",
        "成交均价",
        "累计成交量",
        "累计成交额",
    ],
}


def period_rows(r: PeriodReport, lang: str) -> tuple[list[str], list[list[object]]]:
    rows: list[list[object]] = []
    for x in (r.composite, *r.vintages):
        p = x.prices
        px = [format_yuan(p.open), format_yuan(p.high), format_yuan(p.low), format_yuan(p.close)]
        px.append(fmt.plain_pct(p.change_bps))
        head = [r.label, r.days[0], r.days[-1], x.instrument]
        v, c = x.volumes, x.cum
        rows.append(
            [
                *head,
                "all",
                *px,
                v.total_t,
                format_yuan(v.total_fen),
                _avg(x.average),
                c.total_t,
                format_yuan(c.total_fen),
            ]
        )
        for m in METHODS:
            t, f = v.of(m)
            ct, cf = c.of(m)
            mpx = px if m == "listing" else [""] * 5
            avg = _avg(round_half_up_div(f, t) if t else None)
            rows.append([*head, METHOD_CODES[m], *mpx, t, format_yuan(f), avg, ct, format_yuan(cf)])
    return PERIOD_HEADER[lang], rows


def _md(r: PeriodReport, lang: str) -> str:
    zh = lang == "zh"
    c = r.composite
    p, v, cum = c.prices, c.volumes, c.cum
    names = METHOD_NAMES[lang]
    if zh:
        span = "本周" if r.kind == "weekly" else f"{r.label}年"
        before = "上周" if r.kind == "weekly" else "上年末"
        methods = "；".join(
            f"{names[m]}成交量{fmt.tonnes(v.of(m)[0])}吨，成交额{fmt.yuan(v.of(m)[1])}元"
            for m in METHODS
            if m != "auction" or v.auction_t
        ) + ("" if v.auction_t else f"；{span}无单向竞价")
        text = [
            f"{span}共{len(r.days)}个交易日。综合价格：开盘价{fmt.yuan(p.open)}元/吨，最高价"
            f"{fmt.yuan(p.high)}元/吨，最低价{fmt.yuan(p.low)}元/吨，收盘价{fmt.yuan(p.close)}元/吨，"
            f"较{before}收盘{fmt.zh_change(p.change_bps)}。",
            f"{methods}。",
            f"{span}总成交量{fmt.tonnes(v.total_t)}吨，总成交额{fmt.yuan(v.total_fen)}元，成交均价"
            f"{_avg(c.average) or '—'}元/吨（挂牌协议{_avg(c.listing_average) or '—'}元/吨）。"
            f"截至{r.days[-1]}，累计成交量{fmt.tonnes(cum.total_t)}吨，累计成交额"
            f"{fmt.yuan(cum.total_fen)}元。",
        ]
        header = "年度 开盘价 最高价 最低价 收盘价 涨跌幅 成交量（吨） 成交额（元） 成交均价"
        header += " 累计成交量（吨） 累计成交额（元）"
        heads = header.split()
        section = "## 各年度碳排放配额"
    else:
        span = "This week" if r.kind == "weekly" else f"In {r.label}"
        before = "the previous week's close" if r.kind == "weekly" else "the previous year's close"
        methods = "; ".join(
            f"{names[m]} {fmt.tonnes(v.of(m)[0])} t, CNY {fmt.yuan(v.of(m)[1])}"
            for m in METHODS
            if m != "auction" or v.auction_t
        ) + ("" if v.auction_t else "; no one-way bidding")
        text = [
            f"{span}: {len(r.days)} trading days. Composite prices: open {fmt.yuan(p.open)}, "
            f"high {fmt.yuan(p.high)}, low {fmt.yuan(p.low)}, close {fmt.yuan(p.close)} CNY/t, "
            f"{fmt.en_change(p.change_bps)} on {before}.",
            f"Volume by method: {methods}.",
            f"Total {fmt.tonnes(v.total_t)} t, CNY {fmt.yuan(v.total_fen)}; average price "
            f"{_avg(c.average) or '—'} CNY/t (listing {_avg(c.listing_average) or '—'}). "
            f"Cumulative to {r.days[-1]}: {fmt.tonnes(cum.total_t)} t, "
            f"CNY {fmt.yuan(cum.total_fen)}.",
        ]
        heads = [
            "Vintage",
            "Open",
            "High",
            "Low",
            "Close",
            "Change",
            "Volume (t)",
            "Turnover (CNY)",
            "Average",
            "Cumulative volume (t)",
            "Cumulative turnover (CNY)",
        ]
        section = "## By vintage"
    rows = [
        [
            x.instrument,
            fmt.yuan(x.prices.open),
            fmt.yuan(x.prices.high),
            fmt.yuan(x.prices.low),
            fmt.yuan(x.prices.close),
            fmt.pct(x.prices.change_bps),
            fmt.tonnes(x.volumes.total_t),
            fmt.yuan(x.volumes.total_fen),
            _avg(x.average) or "—",
            fmt.tonnes(x.cum.total_t),
            fmt.yuan(x.cum.total_fen),
        ]
        for x in r.vintages
    ]
    parts = [f"# {period_title(r, lang)}", *text, section, fmt.md_table(heads, rows)]
    parts.append(f"> {DISCLAIMER[lang]}")
    return "\n\n".join(parts) + "\n"
