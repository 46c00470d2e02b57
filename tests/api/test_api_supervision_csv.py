"""The regulator's lists download as CSV (``format=csv``): alerts and cases as ``text/csv``, a
row per item, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from liveapi import LiveApi
from marketapi import at, error, instrument, listed, market_server, ok, take

DAY = "2021-07-16"
FORMULA_TITLE = '=HYPERLINK("http://example.invalid","点此")'


@pytest.fixture(scope="module")
def sapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("supervision_csv")) as live:
        at(live, "13:30")
        yield live


@pytest.fixture(scope="module")
def flagged(sapi: LiveApi) -> dict[str, Any]:
    """A concentration alert (one buyer takes 20,000 t) and a case with a formula for a title."""
    code = instrument(sapi)
    s = sapi.participant(tonnes={"CEA21": 50_000})
    b = sapi.participant(fen=10**9)
    for _ in range(4):
        ok(take(b, listed(s, code, "sell", "48.00", 5_000), 5_000), 201)
    reg = sapi.client("regulator")
    run = ok(reg.request("POST", "/supervision/surveillance", json={"day": DAY}), 201)
    first = run["alerts"][0]["alert_id"]
    body = {"alert_ids": [first], "title": FORMULA_TITLE}
    case = ok(reg.request("POST", "/supervision/cases", json=body), 201)
    return {"run": run, "case": case}


def download(sapi: LiveApi, path: str, **params: str) -> list[list[str]]:
    r = sapi.client("regulator").request("GET", path, params={"format": "csv", **params})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(r.text.removeprefix("\ufeff"))))


def test_the_regulators_alerts_download_as_csv(sapi: LiveApi, flagged: dict[str, Any]) -> None:
    rows = download(sapi, "/supervision/alerts")
    assert rows[0][:3] == ["预警编号", "监测批次", "交易日"]
    listed_ids = [
        a["alert_id"] for a in sapi.client("regulator").get("/supervision/alerts")["data"]
    ]
    assert [r[0] for r in rows[1:]] == listed_ids and len(listed_ids) >= 1
    by_id = {r[0]: r for r in rows[1:]}
    case = flagged["case"]
    assert by_id[case["alert_ids"][0]][-1] == case["case_id"]


def test_the_alerts_csv_keeps_the_lists_filters(sapi: LiveApi, flagged: dict[str, Any]) -> None:
    rows = download(sapi, "/supervision/alerts", detector="concentration")
    assert len(rows) > 1 and {r[3] for r in rows[1:]} == {"concentration"}
    assert download(sapi, "/supervision/alerts", day="2021-07-17")[1:] == []


def test_the_regulators_cases_download_as_csv_with_formulas_neutralised(
    sapi: LiveApi, flagged: dict[str, Any]
) -> None:
    rows = download(sapi, "/supervision/cases")
    (row,) = [r for r in rows[1:] if r[0] == flagged["case"]["case_id"]]
    assert row[1] == "'" + FORMULA_TITLE  # text, never a formula
    assert row[2] == "open" and row[3] == flagged["case"]["alert_ids"][0]


def test_csv_column_names_follow_the_asked_language(sapi: LiveApi, flagged: dict[str, Any]) -> None:
    assert download(sapi, "/supervision/cases", lang="en")[0][:3] == ["case_id", "title", "status"]
    assert download(sapi, "/supervision/alerts", lang="en")[0][0] == "alert_id"


@pytest.mark.parametrize("path", ["/supervision/alerts", "/supervision/cases"])
def test_only_the_regulator_downloads_its_lists(sapi: LiveApi, path: str) -> None:
    c = sapi.client("exchange_operator")
    error(c.request("GET", path, params={"format": "csv"}), 403, "NOT_PERMITTED")


def test_an_unknown_format_is_refused_naming_the_field(sapi: LiveApi) -> None:
    r = sapi.client("regulator").request("GET", "/supervision/cases", params={"format": "xls"})
    error(r, 422, "INVALID_FIELD", "format")
