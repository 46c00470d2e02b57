"""Supervision over a live server: a surveillance run and its alerts with evidence, cases,
account restrictions and warnings, related accounts, large-holder reports, the risk rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from liveapi import LiveApi
from marketapi import at, error, instrument, listed, listing, market_server, ok, take

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

DAY = "2021-07-16"


@pytest.fixture(scope="module")
def sapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("supervision"), preset="cn-pilot-limits") as live:
        at(live, "13:30")
        yield live


@pytest.fixture(scope="module")
def run(sapi: LiveApi) -> dict[str, Any]:
    """A day where one buyer takes all of 20,000 t: a concentration alert."""
    code = instrument(sapi)
    s = sapi.participant(tonnes={"CEA21": 50_000})
    b = sapi.participant(fen=10**9)
    for _ in range(4):
        ok(take(b, listed(s, code, "sell", "48.00", 5_000), 5_000), 201)
    out = ok(
        sapi.client("regulator").request("POST", "/supervision/surveillance", json={"day": DAY}),
        201,
    )
    return {"code": code, "buyer": b.account_id, "seller": s.account_id, **out}


def conc(run: dict[str, Any]) -> dict[str, Any]:
    (a,) = [
        x
        for x in run["alerts"]
        if x["detector"] == "concentration" and run["buyer"] in x["accounts"]
    ]
    return dict(a)


def test_surveillance_run_records_alerts_with_their_evidence(run: dict[str, Any]) -> None:
    assert run["day"] == DAY and run["new"] == len(run["alerts"]) >= 1
    a = conc(run)
    assert a["instrument"] == run["code"] and len(a["trades"]) == 4
    assert a["evidence_count"] >= 4 and a["case_id"] is None


def test_regulator_reads_the_alerts(sapi: LiveApi, run: dict[str, Any]) -> None:
    a = conc(run)
    rows = sapi.client("regulator").get("/supervision/alerts", day=DAY)["data"]
    assert a["alert_id"] in [r["alert_id"] for r in rows]
    one = sapi.client("regulator").get(f"/supervision/alerts/{a['alert_id']}")
    assert one["trades"] == a["trades"]


def test_a_rerun_does_not_repeat_a_finding(sapi: LiveApi, run: dict[str, Any]) -> None:
    body = {"day": DAY, "detectors": ["concentration"]}
    again = ok(
        sapi.client("regulator").request("POST", "/supervision/surveillance", json=body), 201
    )
    assert (again["new"], again["alerts"]) == (0, [])


@pytest.mark.parametrize(
    "role", ["participant", "registry_operator", "exchange_operator", "verifier"]
)
def test_only_the_regulator_reads_alerts(sapi: LiveApi, role: str) -> None:
    c = sapi.participant().client if role == "participant" else sapi.client(role)
    error(c.request("GET", "/supervision/alerts"), 403, "NOT_PERMITTED")


def test_surveillance_day_must_be_a_date(sapi: LiveApi) -> None:
    with sapi.unchanged():
        r = sapi.client("regulator").request(
            "POST", "/supervision/surveillance", json={"day": "today"}
        )
    error(r, 422, "INVALID_FIELD", "day")


def test_case_is_opened_reviewed_and_closed_with_a_finding(
    sapi: LiveApi, run: dict[str, Any]
) -> None:
    reg = sapi.client("regulator")
    a = conc(run)
    case = ok(
        reg.request(
            "POST", "/supervision/cases", json={"alert_ids": [a["alert_id"]], "title": "集中买入"}
        ),
        201,
    )
    cid = case["case_id"]
    assert (case["status"], case["opened_by"]) == ("open", "regulator")
    assert reg.get(f"/supervision/alerts/{a['alert_id']}")["case_id"] == cid
    with sapi.unchanged():
        early = reg.request(
            "POST", f"/supervision/cases/{cid}/close", json={"finding": "violation", "note": "x"}
        )
    error(early, 409, "INVALID_STATE", "case_id")
    ok(reg.request("POST", f"/supervision/cases/{cid}/review", json={"note": "调取成交记录"}))
    done = ok(
        reg.request(
            "POST",
            f"/supervision/cases/{cid}/close",
            json={"finding": "no_violation", "note": "正常履约需求"},
        )
    )
    assert (done["status"], done["finding"]) == ("closed", "no_violation")
    assert [h["status"] for h in done["history"]] == ["open", "under_review", "closed"]
    assert cid in [c["case_id"] for c in reg.get("/supervision/cases", status="closed")["data"]]


def test_reviewing_an_unknown_case_is_404(sapi: LiveApi) -> None:
    with sapi.unchanged():
        r = sapi.client("regulator").request("POST", "/supervision/cases/CS999999/review", json={})
    error(r, 404, "NOT_FOUND", "case_id")


def test_case_on_an_unknown_alert_is_refused(sapi: LiveApi) -> None:
    body = {"alert_ids": ["AL999999"], "title": "x"}
    with sapi.unchanged():
        r = sapi.client("regulator").request("POST", "/supervision/cases", json=body)
    error(r, 422, "INVALID_FIELD", "alert_ids")


@pytest.mark.parametrize("role", ["exchange_operator", "regulator"])
def test_a_restricted_account_cannot_trade_until_lifted(sapi: LiveApi, role: str) -> None:
    code = instrument(sapi)
    p = sapi.participant(tonnes={"CEA21": 100})
    c = sapi.client(role)
    body = {"account_id": p.account_id, "trading": True, "transfer": False, "reason": "异常交易"}
    out = ok(c.request("POST", "/supervision/restrictions", json=body))
    assert (out["trading"], out["authority"]) == (
        True,
        "exchange" if role == "exchange_operator" else "regulator",
    )
    assert p.account_id in [
        r["account_id"] for r in sapi.client("regulator").get("/supervision/restrictions")["data"]
    ]
    with sapi.unchanged():
        error(listing(p, code, "sell", "48.00", 1), 409, "ACCOUNT_RESTRICTED", "account_id")
    ok(
        c.request(
            "POST", "/supervision/restrictions", json={**body, "trading": False, "reason": "解除"}
        )
    )
    ok(listing(p, code, "sell", "48.00", 1), 201)


def test_exchange_issues_a_risk_warning(sapi: LiveApi) -> None:
    p = sapi.participant()
    body = {"account_id": p.account_id, "text": "请注意交易风险"}
    out = ok(sapi.client("exop").request("POST", "/supervision/warnings", json=body), 201)
    assert (out["kind"], out["authority"], out["account_id"]) == (
        "warning",
        "exchange",
        p.account_id,
    )
    kinds = [
        (m["kind"], m["id"]) for m in sapi.client("regulator").get("/supervision/measures")["data"]
    ]
    assert ("warning", out["id"]) in kinds


def test_participant_cannot_take_measures(sapi: LiveApi) -> None:
    p = sapi.participant()
    body = {"account_id": p.account_id, "trading": True, "transfer": True, "reason": "x"}
    with sapi.unchanged():
        error(
            p.client.request("POST", "/supervision/restrictions", json=body), 403, "NOT_PERMITTED"
        )


def test_regulator_links_and_unlinks_related_accounts(sapi: LiveApi) -> None:
    a, b = sapi.participant(), sapi.participant()
    reg = sapi.client("regulator")
    body = {"group_id": "G-1", "account_ids": [a.account_id, b.account_id], "reason": "同一控制人"}
    out = ok(reg.request("POST", "/supervision/links", json=body))
    assert sorted(out["groups"]["G-1"]) == sorted([a.account_id, b.account_id])
    gone = ok(
        reg.request(
            "POST",
            "/supervision/links/remove",
            json={"account_ids": [a.account_id], "reason": "更正"},
        )
    )
    assert gone["groups"]["G-1"] == [b.account_id]


def test_risk_rules_in_force_name_their_source(sapi: LiveApi) -> None:
    r = sapi.client("regulator").get("/supervision/risk-rules")
    assert r["name"] == "cn-pilot-analogue" and "[U]" in r["source"]
    assert {"subject_type": "entity", "base_t": 500_000, "plus_allocation": True} in r["reporting"]


def test_large_holder_reports_are_owed_filed_and_seen_by_their_own_account(sapi: LiveApi) -> None:
    code = instrument(sapi)
    s = sapi.participant(tonnes={"CEA21": 600_000})
    b, other = sapi.participant(fen=10**10), sapi.participant()
    body = {
        "account_id": s.account_id,
        "instrument": code,
        "side": "sell",
        "price": "48.00",
        "quantity": 600_000,
    }
    rid = ok(s.client.request("POST", "/block/requests", json=body), 201)["request_id"]
    accept = {"account_id": b.account_id, "price": "48.00", "quantity": 600_000}
    ok(b.client.request("POST", f"/block/requests/{rid}/accept", json=accept), 201)
    raised = ok(sapi.client("regulator").request("POST", "/supervision/large-holders/scan"))["data"]
    (ob,) = [o for o in raised if o["account_id"] == b.account_id]
    assert (ob["status"], ob["position"], ob["threshold"]) == ("open", 600_000, 500_000)
    mine = ok(b.client.request("GET", "/supervision/large-holders"))["data"]
    assert [o["obligation_id"] for o in mine] == [ob["obligation_id"]]
    assert ok(other.client.request("GET", "/supervision/large-holders"))["data"] == []
    path = f"/supervision/large-holders/{ob['obligation_id']}/file"
    with sapi.unchanged():
        error(
            other.client.request("POST", path, json={"text": "x"}),
            404,
            "NOT_FOUND",
            "obligation_id",
        )
    filed = ok(b.client.request("POST", path, json={"text": "履约需求，持有至清缴"}))
    assert (filed["status"], filed["filed_text"]) == ("filed", "履约需求，持有至清缴")
    with sapi.unchanged():
        error(b.client.request("POST", path, json={"text": "again"}), 409, "ALREADY_DONE")
