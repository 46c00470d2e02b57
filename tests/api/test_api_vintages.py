"""Vintages over HTTP: five vintages listed on 2025-04-29, each with its own band and bar; the
composite (COMCEA) first in the daily report and as its own daily bars; a day without trades."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from liveapi import LiveApi
from marketapi import at, error, listed, market_server, ok, take

FIVE = ("CEA19-20", "CEA21", "CEA22", "CEA23", "CEA24")
REFS = dict(zip(FIVE, ("70.00", "71.00", "72.00", "73.00", "74.00"), strict=True))
D1, D2 = "2025-04-29", "2025-04-30"


@pytest.fixture(scope="module")
def vapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, dict[str, Any]]]:
    with market_server(tmp_path_factory.mktemp("vintages"), start=f"{D1}T09:00+08:00") as api:
        exop = api.client("exop")
        for c in FIVE:
            body = {"code": c, "product": c, "reference_price": REFS[c]}
            ok(exop.request("POST", "/instruments", json=body), 201)
        s = api.participant(tonnes={"CEA24": 10_000, "CEA21": 10_000})
        b = api.participant(fen=10**9)
        at(api, f"{D1}T10:00+08:00")
        refused = exop.request("POST", "/instruments", json={
            "code": "COMCEA", "product": "CEA24", "reference_price": "72.00",
        })  # fmt: skip
        ok(take(b, listed(s, "CEA24", "sell", "76.00", 100), 100), 201)
        ok(take(b, listed(s, "CEA21", "sell", "71.50", 10), 10), 201)
        at(api, f"{D1}T15:30+08:00")
        ok(exop.request("POST", "/ops/eod", json={}))
        bands = {i["code"]: i for i in api.anon().get("/instruments")["data"]}
        at(api, f"{D2}T15:30+08:00")
        ok(exop.request("POST", "/ops/eod", json={}))
        yield api, {"refused": refused, "bands": bands}


def test_the_composite_cannot_be_listed_over_http(vapi: tuple[LiveApi, dict[str, Any]]) -> None:
    error(vapi[1]["refused"], 422, "INVALID_FIELD", "code")


def test_each_vintage_has_its_own_previous_close_and_bands_over_http(
    vapi: tuple[LiveApi, dict[str, Any]],
) -> None:
    bands = vapi[1]["bands"]
    assert {c: bands[c]["prev_close"] for c in FIVE} == {
        "CEA19-20": "70.00",
        "CEA21": "71.50",
        "CEA22": "72.00",
        "CEA23": "73.00",
        "CEA24": "76.00",
    }
    assert (bands["CEA24"]["band_low"], bands["CEA24"]["band_high"]) == ("68.40", "83.60")
    assert (bands["CEA22"]["band_low"], bands["CEA22"]["band_high"]) == ("64.80", "79.20")


def test_daily_report_over_http_shows_the_composite_first(
    vapi: tuple[LiveApi, dict[str, Any]],
) -> None:
    api = vapi[0]
    rep = api.anon().get("/reports/daily", date=D1)
    assert rep["composite"]["instrument"] == "COMCEA"
    assert rep["composite"]["prices"]["close"] == "72.50"  # (70+71.5+72+73+76) / 5
    assert [w["weight"] for w in rep["composition"]["weights"]] == ["1/5"] * 5
    assert [v["instrument"] for v in rep["vintages"]] == list(FIVE)
    for lang in ("zh", "en"):
        csv = api.anon().request(
            "GET", "/reports/daily", params={"date": D1, "format": "csv", "lang": lang}
        )
        assert csv.text.splitlines()[1].split(",")[1] == "COMCEA"


def test_daily_report_over_http_of_a_day_without_trades(
    vapi: tuple[LiveApi, dict[str, Any]],
) -> None:
    api = vapi[0]
    rep = api.anon().get("/reports/daily", date=D2)
    assert rep["no_trade"] is True
    p = rep["composite"]["prices"]
    assert (p["open"], p["high"], p["low"], p["close"]) == ("72.50", None, None, "72.50")
    md = api.anon().request("GET", "/reports/daily", params={"date": D2, "format": "md"})
    assert "全国碳市场无成交" in md.text


def test_composite_has_its_own_daily_bars(vapi: tuple[LiveApi, dict[str, Any]]) -> None:
    bars = vapi[0].anon().get("/market/COMCEA/bars")["data"]
    assert [(b["day"], b["close"], b["traded"]) for b in bars] == [
        (D1, "72.50", True),
        (D2, "72.50", False),
    ]
    assert (bars[0]["open"], bars[0]["high"], bars[0]["prev_close"]) == ("72.50", "72.50", "72.00")
    assert bars[0]["volume"] == 110


# --- the schedule -------------------------------------------------------------------------------


def test_vintages_due_are_listed_on_their_dates_over_http(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with market_server(tmp_path_factory.mktemp("due"), start="2023-08-25T09:00+08:00") as api:
        exop = api.client("exop")
        first = ok(exop.request("POST", "/instruments/due", json={}))
        assert [(i["code"], i["prev_close"]) for i in first["data"]] == [("CEA19-20", "48.00")]
        assert ok(exop.request("POST", "/instruments/due", json={}))["count"] == 0
        at(api, "2023-08-28T09:00+08:00")
        body = {"reference_price": "70.00"}
        later = ok(exop.request("POST", "/instruments/due", json=body))
        assert [(i["code"], i["prev_close"]) for i in later["data"]] == [
            ("CEA21", "70.00"),
            ("CEA22", "70.00"),
        ]
        sched = api.anon().get("/instruments/vintages")
        assert [(v["code"], v["listed"]) for v in sched["vintages"]] == [
            ("CEA19-20", True),
            ("CEA21", True),
            ("CEA22", True),
            ("CEA23", False),
            ("CEA24", False),
            ("CEA25", False),
        ]
        assert {v["code"]: v["confirmed"] for v in sched["vintages"]}["CEA23"] is False
        (stage,) = [s for s in sched["composite"] if s["since"] == "2025-04-29"]
        assert stage["confirmed"] and [w["weight"] for w in stage["weights"]] == ["1/5"] * 5
        assert sched["composite_today"] == "2021-07-16"
