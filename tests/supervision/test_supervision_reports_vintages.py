"""The daily report in the 2024+ format with several vintages: the composite first (from
2025-04-29 the equal-weighted average of five vintages), then each vintage; a day without any
trade reported as 全国碳市场无成交 with the open and the close only."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from dsl import Given

from openets.supervision.reports.daily import daily_report, render_daily
from openets.supervision.reports.history import history
from openets.trading.block import BlockSide
from openets.trading.block_messages import AcceptBlockQuote, PostBlockRequest
from openets.trading.book import Side
from openets.trading.commands import ListInstrument, PostListing, TakeListing

FIVE = ("CEA19-20", "CEA21", "CEA22", "CEA23", "CEA24")
REFS = dict(zip(FIVE, (7000, 7100, 7200, 7300, 7400), strict=True))
D1, D2, D3 = "2025-04-29", "2025-04-30", "2025-05-06"


@pytest.fixture(scope="module")
def rows() -> list[tuple[int, str, Any]]:
    """D1: listing trades in CEA21 and CEA24; D2: no trade at all; D3: a block trade only."""
    g = Given.in_memory(f"{D1}T09:00+08:00")
    for c in FIVE:
        g.ok(ListInstrument(c, c, REFS[c]), "exchange")
    s = g.account(tonnes={c: 500_000 for c in FIVE}, fen=10**9)
    b = g.account(fen=10**11)
    g.at(f"{D1}T09:31+08:00")
    for inst, price, qty in (("CEA24", 7600, 1_000), ("CEA21", 7000, 10), ("CEA21", 7300, 10)):
        lid = g.ok(PostListing(s, inst, Side.SELL, price, qty))[-1].listing_id
        g.ok(TakeListing(lid, b, qty))
    for day in (D1, D2):
        g.at(f"{day}T15:05+08:00")
        g.end_of_day()
    g.at(f"{D3}T13:30+08:00")
    ev = g.ok(PostBlockRequest(s, "CEA22", BlockSide.SELL, 7000, 100_000))
    g.ok(AcceptBlockQuote(ev[-1].request.request_id, b, 7000, 100_000, ""))
    g.at(f"{D3}T15:05+08:00")
    g.end_of_day()
    return [(r.ts, r.type, r.payload) for r in g.engine.journal.read()]


def _json(rows: list[tuple[int, str, Any]], day: str, lang: str = "en") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_daily(daily_report(history(rows), day), "json", lang))
    return doc


def test_daily_report_puts_the_composite_first_then_each_vintage(
    rows: list[tuple[int, str, Any]],
) -> None:
    doc = _json(rows, D1)
    assert doc["composite"]["instrument"] == "COMCEA"
    assert [v["instrument"] for v in doc["vintages"]] == list(FIVE)
    table = list(csv.reader(io.StringIO(render_daily(daily_report(history(rows), D1), "csv"))))
    assert [r[1] for r in table[1:5]] == ["COMCEA"] * 4
    assert [r[1] for r in table[5::4]] == list(FIVE)
    for lang, head in (("zh", "综合价格行情"), ("en", "composite prices")):
        md = render_daily(daily_report(history(rows), D1), "md", lang)
        assert md.index(head) < md.index("CEA19-20")


def test_daily_report_composite_is_the_equal_weighted_average_of_the_five_vintages(
    rows: list[tuple[int, str, Any]],
) -> None:
    doc = _json(rows, D1)
    closes = [v["prices"]["close"] for v in doc["vintages"]]
    assert closes == ["70.00", "71.50", "72.00", "73.00", "76.00"]
    comp = doc["composite"]
    assert comp["prices"]["close"] == "72.50"  # (70.00 + 71.50 + 72.00 + 73.00 + 76.00) / 5
    assert (comp["prices"]["open"], comp["prices"]["high"]) == ("72.20", "72.80")
    assert comp["prices"]["prev_close"] == "72.00"
    assert doc["composition"] == {
        "method": "weighted",
        "weights": [{"instrument": c, "weight": "1/5"} for c in FIVE],
    }
    assert comp["day"]["listing"]["volume_t"] == 1_020  # volumes still add up over vintages


def test_day_without_trades_reports_open_and_close_only(rows: list[tuple[int, str, Any]]) -> None:
    doc = _json(rows, D2)
    assert doc["no_trade"] is True
    for line in (doc["composite"], *doc["vintages"]):
        p = line["prices"]
        assert p["high"] is None and p["low"] is None
        assert p["open"] == p["close"]
    assert doc["composite"]["prices"]["close"] == "72.50"  # the previous close carried
    zh = render_daily(daily_report(history(rows), D2), "md", "zh")
    assert "全国碳市场无成交" in zh and "开盘价72.50元/吨，收盘价72.50元/吨" in zh
    assert "最高价" not in zh and "最低价" not in zh
    en = render_daily(daily_report(history(rows), D2), "md", "en")
    assert "No trades in the national carbon market" in en and "High" not in en
    table = list(csv.reader(io.StringIO(render_daily(daily_report(history(rows), D2), "csv"))))
    assert table[1][3:7] == ["72.50", "", "", "72.50"]


def test_day_with_only_a_block_trade_is_not_a_day_without_trades(
    rows: list[tuple[int, str, Any]],
) -> None:
    doc = _json(rows, D3)
    assert doc["no_trade"] is False
    assert doc["composite"]["prices"]["high"] == "72.50"  # carried, but a high is published
    assert doc["composite"]["day"]["block"]["volume_t"] == 100_000
    assert "全国碳市场无成交" not in render_daily(daily_report(history(rows), D3), "md", "zh")
