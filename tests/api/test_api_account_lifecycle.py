"""Accounts over their whole life over HTTP: search and paging, activate / restrict / close with a
second operator's approval, claw-back (four-eyes), pledges (release by the lender, default with
registry four-eyes). Every refusal changes nothing (journal seq and state hash unchanged)."""

from __future__ import annotations

from typing import Any

from dsl import fresh_uscc
from liveapi import LiveApi
from marketapi import error, ok

from openets.bootstrap import new_state
from openets.engine import snapshot as snapshots


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.request("POST", path, json=body if body is not None else {})


def opened(api: LiveApi, name: str, *, activate: bool = True) -> dict[str, Any]:
    body = {
        "subject_type": "entity",
        "name": name,
        "id_code": fresh_uscc(),
        "province": "湖北",
        "activate": activate,
    }
    return dict(ok(post(api.client("regop"), "/registry/accounts", body), 201))


def status_of(api: LiveApi, account_id: str) -> str:
    return str(api.client("regop").account(account_id)["status"])


def test_accounts_are_found_by_id_name_or_code_and_paged_with_a_cursor(fresh_api: LiveApi) -> None:
    api = fresh_api
    accts = [opened(api, f"江汉热电{i}") for i in range(5)]
    opened(api, "武昌钢铁")
    regop = api.client("regop")
    found = regop.get("/registry/accounts", q="江汉")
    assert found["count"] == 5 and found["next_cursor"] is None
    assert [a["name"] for a in regop.get("/registry/accounts", q=accts[2]["id_code"])["data"]] == [
        "江汉热电2"
    ]
    by_id = regop.get("/registry/accounts", q=accts[3]["account_id"].lower())
    assert [a["account_id"] for a in by_id["data"]] == [accts[3]["account_id"]]
    first = regop.get("/registry/accounts", q="江汉", limit=2)
    second = regop.get("/registry/accounts", q="江汉", limit=2, cursor=first["next_cursor"])
    third = regop.get("/registry/accounts", q="江汉", limit=2, cursor=second["next_cursor"])
    pages = [a["account_id"] for p in (first, second, third) for a in p["data"]]
    assert pages == sorted(a["account_id"] for a in accts) and third["next_cursor"] is None


def test_account_list_refuses_a_cursor_that_is_no_account_id(fresh_api: LiveApi) -> None:
    r = fresh_api.client("regop").request("GET", "/registry/accounts", params={"cursor": "zz"})
    error(r, 422, "INVALID_FIELD", "cursor")


def test_account_is_activated_only_when_a_second_operator_approves(fresh_api: LiveApi) -> None:
    api = fresh_api
    acct = opened(api, "申请中电厂", activate=False)["account_id"]
    assert api.client("regop").get("/registry/accounts", status="applied")["count"] == 1
    rq = ok(
        post(api.client("regop"), f"/registry/accounts/{acct}/activate", {"reason": "资料齐全"}),
        202,
    )
    assert (rq["kind"], rq["status"], rq["new_status"]) == ("activate", "pending", "active")
    assert [r["request_id"] for r in api.client("regop2").pending_requests()["data"]] == [
        rq["request_id"]
    ]
    blob = snapshots.dump(api.state, new_state)  # the pending request survives a snapshot
    assert snapshots.load(blob, new_state).state_hash() == api.state.state_hash()
    with api.unchanged():
        error(
            post(api.client("regop"), f"/registry/requests/{rq['request_id']}/approve"),
            409,
            "SAME_PERSON_APPROVAL",
        )
    assert status_of(api, acct) == "applied"
    done = ok(post(api.client("regop2"), f"/registry/requests/{rq['request_id']}/approve"))
    assert (done["status"], done["approver"]) == ("approved", "regop2")
    assert status_of(api, acct) == "active"


def test_restricted_account_cannot_be_closed_without_reactivation(fresh_api: LiveApi) -> None:
    api = fresh_api
    acct = opened(api, "限制电厂")["account_id"]
    rq = ok(
        post(api.client("regop"), f"/registry/accounts/{acct}/restrict", {"reason": "司法协查"}),
        202,
    )
    ok(post(api.client("regop2"), f"/registry/requests/{rq['request_id']}/approve"))
    assert status_of(api, acct) == "restricted"
    with api.unchanged():
        err = error(
            post(api.client("regop"), f"/registry/accounts/{acct}/close", {"reason": "注销"}),
            409,
            "INVALID_STATE",
            "status",
        )
    assert "cannot go from restricted to closing" in err["message"]


def test_account_still_holding_allowances_is_not_closed(fresh_api: LiveApi) -> None:
    api = fresh_api
    acct = opened(api, "关闭电厂")["account_id"]
    api.client("regop").issue(acct, "CEA21", 10, "test", approver=api.client("regop2"))
    rq = ok(post(api.client("regop"), f"/registry/accounts/{acct}/close", {"reason": "停产"}), 202)
    ok(post(api.client("regop2"), f"/registry/requests/{rq['request_id']}/approve"))
    assert status_of(api, acct) == "closing"
    with api.unchanged():
        err = error(
            post(api.client("regop"), f"/registry/accounts/{acct}/close", {"reason": "停产"}),
            409,
            "INVALID_STATE",
            "status",
        )
    assert "empty it before closing" in err["message"]


def test_status_request_needs_a_registry_operator(fresh_api: LiveApi) -> None:
    api = fresh_api
    acct = opened(api, "某电厂")["account_id"]
    with api.unchanged():
        error(
            post(api.client("regulator"), f"/registry/accounts/{acct}/restrict", {"reason": "x"}),
            403,
            "NOT_PERMITTED",
        )


def test_clawback_moves_allowances_only_after_a_second_operator_approves(
    fresh_api: LiveApi,
) -> None:
    api = fresh_api
    p = api.participant(tonnes={"CEA21": 100})
    body = {"account_id": p.account_id, "product": "CEA21", "quantity": 30, "reason": "多发收回"}
    rq = ok(post(api.client("regop"), "/registry/clawbacks", body), 202)
    assert rq["kind"] == "clawback"
    with api.unchanged():
        error(
            post(api.client("regop"), f"/registry/requests/{rq['request_id']}/approve"),
            409,
            "SAME_PERSON_APPROVAL",
        )
    out = ok(post(api.client("regop2"), f"/registry/requests/{rq['request_id']}/approve"))
    assert out["tx_id"]
    held = api.client("regop").account(p.account_id)["holdings"]
    assert sum(h["available"] for h in held if h["product"] == "CEA21") == 70


def test_clawback_beyond_the_holding_is_refused(fresh_api: LiveApi) -> None:
    api = fresh_api
    p = api.participant(tonnes={"CEA21": 10})
    body = {"account_id": p.account_id, "product": "CEA21", "quantity": 11, "reason": "x"}
    with api.unchanged():
        error(post(api.client("regop"), "/registry/clawbacks", body), 409, "INSUFFICIENT_HOLDINGS")


def test_pledge_is_released_by_the_lender(fresh_api: LiveApi) -> None:
    api = fresh_api
    owner = api.participant(tonnes={"CEA21": 1_000})
    lender = api.participant()
    body = {
        "pledgor": owner.account_id, "lender": lender.account_id, "product": "CEA21",
        "quantity": 600, "loan": "20000.00", "maturity": "2099-06-30", "reference": "贷-001",
    }  # fmt: skip
    pl = ok(post(owner.client, "/finance/pledges", body), 201)
    assert (pl["status"], pl["loan"]) == ("active", "20000.00")
    with api.unchanged():
        error(
            post(owner.client, f"/finance/pledges/{pl['pledge_id']}/release"), 403, "NOT_PERMITTED"
        )
    out = ok(post(lender.client, f"/finance/pledges/{pl['pledge_id']}/release"))
    assert out["status"] == "released"
    held = api.client("regop").account(owner.account_id)["holdings"]
    assert [(h["available"], h["pledged"]) for h in held if h["product"] == "CEA21"] == [(1000, 0)]


def test_pledge_default_needs_a_second_registry_operator(fresh_api: LiveApi) -> None:
    api = fresh_api
    owner = api.participant(tonnes={"CEA21": 1_000})
    lender = api.participant()
    body = {
        "pledgor": owner.account_id, "lender": lender.account_id, "product": "CEA21",
        "quantity": 400, "loan": "10000.00", "maturity": "2099-06-30", "reference": "贷-002",
    }  # fmt: skip
    pid = ok(post(owner.client, "/finance/pledges", body), 201)["pledge_id"]
    asked = ok(post(api.client("regop"), f"/finance/pledges/{pid}/default", {"reason": "逾期未还"}))
    assert asked["status"] == "default_pending"
    with api.unchanged():
        error(
            post(api.client("regop"), f"/finance/pledges/{pid}/default/approve"),
            409,
            "SAME_PERSON_APPROVAL",
        )
    done = ok(post(api.client("regop2"), f"/finance/pledges/{pid}/default/approve"))
    assert done["status"] == "enforced"
    held = api.client("regop").account(lender.account_id)["holdings"]
    assert [h["available"] for h in held if h["product"] == "CEA21"] == [400]


def test_a_pledge_that_does_not_exist_is_not_found(fresh_api: LiveApi) -> None:
    api = fresh_api
    lender = api.participant()
    with api.unchanged():
        r = post(lender.client, "/finance/pledges/P999999/release")
        error(r, 404, "NOT_FOUND", "pledge_id")
        for path in ("/default", "/default/approve", "/default/reject"):
            r = post(api.client("regop"), f"/finance/pledges/P999999{path}", {"reason": "逾期未还"})
            error(r, 404, "NOT_FOUND", "pledge_id")
