"""The yearly calendar and the carry-over over HTTP and in the pages: what is due and when
(Beijing time, with the time left), the due steps in the notifications and on the first page of
those concerned, a late report marked, and the carry-over shown before the 2024 deadline (net
sales by trade date) and applied after it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from liveapi import PASSWORD, LiveApi, Participant
from marketapi import error, instrument, listed, market_server, ok, take


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.request("POST", path, json=body if body is not None else {})


def at(api: LiveApi, when: str) -> None:
    api.client("exop").advance_clock(to=when)


def page(api: LiveApi, p: Participant, lang: str, path: str, **params: Any) -> str:
    with httpx.Client(base_url=api.base_url, timeout=30.0) as h:
        h.cookies.set("openets_lang", lang)
        body = {"username": p.username, "password": PASSWORD}
        assert h.post("/api/v1/auth/session", json=body).status_code == 200
        return h.get(path, params=params).text


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, dict[str, Any]]]:
    """P1 (a power entity with 5,000 t CEA21) sells 2,000 t to B on 2024-12-02, unsettled."""
    path = tmp_path_factory.mktemp("calendar")
    with market_server(path, start="2024-12-02T10:00+08:00") as api:
        p1 = api.participant(tonnes={"CEA21": 5_000}, province="山东")
        b = api.participant(fen=10**9, province="山东")
        regop = api.client("regop")
        body = {"entity_id": "P1", "name": "P1 示例电厂", "province": "山东",
                "account_id": p1.account_id, "sector": "power"}  # fmt: skip
        ok(post(regop, "/compliance/entities", body), 201)
        unit = {"unit_id": "U1", "sector": "power", "category": "coal_300_plus",
                "cooling": "water", "capacity_mw": 600}  # fmt: skip
        ok(post(regop, "/compliance/entities/P1/installations", unit), 201)
        code = instrument(api, "48.00", "CEA21")
        lid = listed(p1, code, "sell", "48.00", 2_000)
        ok(take(b, lid, 2_000), 201)
        yield api, {"p1": p1, "b": b}


def test_carry_over_is_shown_to_the_entity_before_the_deadline_with_net_sales_by_trade_date(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, w = world
    (row,) = w["p1"].client.get("/compliance/carry-over", year=2024)["data"]
    assert (row["sold_t"], row["bought_t"], row["net_sales_t"]) == (2_000, 0, 2_000)
    assert (row["base_t"], row["sales_multiple"], row["quota_t"]) == (10_000, "1.5", 13_000)
    assert row["applied"] is False
    assert row["deadline_at"] == "2025-12-31T23:59:59.999999+08:00"
    (other,) = w["b"].client.get("/compliance/carry-over", year=2024)["data"] or [None]
    assert other is None  # B is not a covered entity
    for lang, title in (("zh", "配额结转"), ("en", "Carry-over")):
        html = page(api, w["p1"], lang, "/compliance", year=2024)
        assert title in html and 'data-fig="carry-quota">13,000<' in html


def test_calendar_over_http_gives_each_step_with_its_beijing_clock_time_and_time_left(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    _, w = world
    cal = w["p1"].client.get("/compliance/calendar", year=2025)
    assert (cal["plan"], cal["timezone"]) == ("2025", "Asia/Shanghai")
    steps = {s["key"]: s for s in cal["steps"]}
    surrender = steps["surrender"]
    assert (surrender["due"], surrender["at"]) == ("2026-12-31", "17:00")
    assert surrender["due_at"] == "2026-12-31T17:00:00+08:00"
    assert surrender["unconfirmed"] is True and surrender["enforcement"] == "late"
    assert steps["preallocation.power"]["concerns_me"] is True
    assert steps["preallocation.steel+cement+aluminium"]["concerns_me"] is False
    report = steps["report.2025"]
    assert (report["due_at"], report["done"], report["passed"]) == (
        "2026-03-31T23:59:59.999999+08:00", False, False,
    )  # fmt: skip
    assert (report["days_left"], report["hours_left"]) == (484, 13)  # from 2024-12-02 10:00
    assert cal["next_step"] == "report.2025"
    y24 = {s["key"]: s for s in w["p1"].client.get("/compliance/calendar", year=2024)["steps"]}
    assert y24["carry_over"]["enforcement"] == "refuse_before"


def test_calendar_of_a_year_no_plan_covers_is_refused_naming_the_year(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    _, w = world
    r = w["p1"].client.request("GET", "/compliance/calendar", params={"year": 2031})
    err = error(r, 422, "INVALID_FIELD", "year")
    assert "2031" in err["message"]


def test_the_compliance_pages_show_the_calendar_in_chinese_and_english(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, w = world
    zh = ("履约日历", "完成配额清缴", "北京时间")
    en = ("Compliance calendar", "Surrender complete", "Beijing time")
    for lang, words in (("zh", zh), ("en", en)):
        html = page(api, w["p1"], lang, "/compliance", year=2025)
        assert all(x in html for x in words), lang
        assert 'data-step="surrender"' in html and "2026-12-31 17:00" in html


def test_applying_the_carry_over_before_the_deadline_is_refused_over_http(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, _ = world
    with api.unchanged():
        err = error(post(api.client("regulator"), "/compliance/carry-over/apply", {"year": 2024}),
                    409, "INVALID_STATE", "year")  # fmt: skip
    assert "2025-12-31" in err["message"]


def test_due_steps_show_in_the_notifications_and_the_first_page_of_those_concerned(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, w = world
    at(api, "2024-12-02T15:30+08:00")
    ok(post(api.client("exop"), "/ops/eod"))
    at(api, "2025-03-10T10:00+08:00")
    notes = w["p1"].client.get("/notifications")["data"]
    due = [n for n in notes if n["kind"] == "step_due"]
    assert [n["params"]["step"] for n in due] == ["report.2024"]
    assert due[0]["params"]["due"] == "2025-03-31" and due[0]["params"]["days_left"] == 21
    assert "Beijing time" in due[0]["text"]
    regop_notes = api.client("regop").get("/notifications")["data"]
    assert not [n for n in regop_notes if n["kind"] == "step_due"]  # reports are not its step
    reg_due = api.client("regulator").get("/compliance/calendar/due")["data"]
    assert [d["key"] for d in reg_due] == ["report.2024"]
    ok(post(w["p1"].client, f"/notifications/{due[0]['notification_id']}/read"))
    unread = w["p1"].client.get("/notifications", unread="true")["data"]
    assert not [n for n in unread if n["kind"] == "step_due"]
    for lang, word in (("zh", "提交上年度排放报告"), ("en", "Emission report for the year")):
        html = page(api, w["p1"], lang, "/frag/work")
        assert 'data-step="report.2024"' in html and word in html


def test_a_report_after_its_step_is_accepted_and_marked_late_over_http(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, w = world
    at(api, "2025-04-01T10:00+08:00")
    lines = [{"unit_id": "U1", "supply_mwh": 1_000_000, "heat_gj": 0, "heat_ratio": "0",
              "load_factor": "0.9", "emissions_t": 800_000}]  # fmt: skip
    r = ok(post(w["p1"].client, "/compliance/reports",
                {"entity_id": "P1", "year": 2024, "lines": lines}), 201)  # fmt: skip
    assert r["late"] is True


def test_carry_over_is_applied_after_the_deadline_over_http(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, w = world
    at(api, "2026-01-05T10:00+08:00")
    out = ok(post(api.client("regulator"), "/compliance/carry-over/apply", {"year": 2024}), 201)
    assert out["entities"] == 1
    (row,) = w["p1"].client.get("/compliance/carry-over", year=2024)["data"]
    assert (row["applied"], row["quota_t"], row["net_sales_t"]) == (True, 13_000, 2_000)
    err = error(post(api.client("regulator"), "/compliance/carry-over/apply", {"year": 2024}),
                409, "ALREADY_DONE", "year")  # fmt: skip
    assert "applied" in err["message"]
