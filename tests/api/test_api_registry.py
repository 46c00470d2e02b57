"""The registry over HTTP: every endpoint's success and its rejections."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from dsl import fresh_uscc
from liveapi import LiveApi

from openets.client import ApiError, Client
from openets.registry.model import SystemRole

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


def _fails(fn: Any, *args: Any, **kw: Any) -> ApiError:
    with pytest.raises(ApiError) as exc:
        fn(*args, **kw)
    return exc.value


def _raw(c: Client, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    r = c.request("POST", path, json=body)
    return r.status_code, r.json()


# --- accounts -----------------------------------------------------------------------------
def test_registry_operator_opens_an_active_account(api: LiveApi) -> None:
    code = fresh_uscc()
    a = api.client("regop").open_account("entity", "某某热电有限公司", code, "广东")
    assert a["status"] == "active" and a["id_code"] == code and a["province"] == "广东"
    assert a["account_id"] in api.state.registry.accounts and a["holdings"] == []


def test_account_with_invalid_credit_code_is_refused(api: LiveApi) -> None:
    with api.unchanged():
        e = _fails(api.client("regop").open_account, "entity", "x", "91350100M000100Y44", "山东")
    assert (e.status, e.code, e.field) == (422, "INVALID_ID_CODE", "id_code")


def test_second_account_for_one_subject_is_refused(api: LiveApi) -> None:
    code = fresh_uscc()
    api.client("regop").open_account("entity", "x", code, "山东")
    with api.unchanged():
        e = _fails(api.client("regop").open_account, "entity", "y", code, "山东")
    assert (e.status, e.code) == (409, "DUPLICATE_SUBJECT")


def test_account_in_unknown_province_is_refused(api: LiveApi) -> None:
    e = _fails(api.client("regop").open_account, "entity", "x", fresh_uscc(), "Atlantis")
    assert (e.status, e.code, e.field) == (422, "INVALID_FIELD", "province")


def test_system_subject_type_cannot_be_opened_over_http(api: LiveApi) -> None:
    status, body = _raw(
        api.client("regop"),
        "/registry/accounts",
        {"subject_type": "system", "name": "x", "id_code": fresh_uscc(), "province": "山东"},
    )
    assert status == 422 and body["error"]["field"] == "subject_type"


def test_unknown_body_field_is_refused(api: LiveApi) -> None:
    status, body = _raw(
        api.client("regop"),
        "/registry/accounts",
        {
            "subject_type": "entity",
            "name": "x",
            "id_code": fresh_uscc(),
            "province": "山东",
            "colour": "red",
        },
    )
    assert status == 422 and body["error"]["field"] == "colour"


def test_account_shows_holdings_per_product_and_bucket(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 100, "CEA19-20": 50})
    api.client("regop").freeze(p.account_id, "CEA21", 30)
    holdings = {h["product"]: h for h in p.client.account(p.account_id)["holdings"]}
    assert holdings["CEA21"] == {
        "product": "CEA21",
        "available": 70,
        "locked": 0,
        "pending": 0,
        "pledged": 0,
        "frozen": 30,
        "total": 100,
    }
    assert holdings["CEA19-20"]["available"] == 50


def test_unknown_account_is_404(api: LiveApi) -> None:
    e = _fails(api.client("regulator").account, "A999999")
    assert (e.status, e.code, e.field) == (404, "UNKNOWN_ACCOUNT", "account_id")


def test_participant_lists_only_its_own_account(api: LiveApi) -> None:
    p = api.participant()
    api.participant()
    listed = p.client.accounts()
    assert [a["account_id"] for a in listed["data"]] == [p.account_id] and listed["count"] == 1


def test_regulator_lists_every_participant_account(api: LiveApi) -> None:
    a, b = api.participant(), api.participant()
    ids = {x["account_id"] for x in api.client("regulator").accounts(limit=1000)["data"]}
    assert {a.account_id, b.account_id} <= ids
    assert not any(i.startswith("S") for i in ids)


# --- issuance -----------------------------------------------------------------------------
def test_issuance_credits_the_account_once_a_second_operator_approves(api: LiveApi) -> None:
    p = api.participant()
    rq = api.client("regop").issue(p.account_id, "CEA21", 1234, "2021 allocation")
    assert rq["kind"] == "issuance" and rq["memo"] == "2021 allocation"
    assert rq["status"] == "pending" and api.state.registry.bucket(p.account_id, "CEA21")[0] == 0
    done = api.client("regop2").post(f"/registry/requests/{rq['request_id']}/approve", {})
    assert done["status"] == "approved" and done["tx_id"]
    assert api.state.registry.bucket(p.account_id, "CEA21")[0] == 1234


def test_issuance_approved_by_its_requester_is_rejected(api: LiveApi) -> None:
    p = api.participant()
    rq = api.client("regop").issue(p.account_id, "CEA21", 50, "2021 allocation")
    with api.unchanged():
        e = _fails(
            api.client("regop").post, f"/registry/requests/{rq['request_id']}/approve", {}
        )
    assert (e.status, e.code) == (409, "SAME_PERSON_APPROVAL")
    assert api.state.registry.bucket(p.account_id, "CEA21")[0] == 0


def test_issuance_to_unknown_account_is_404(api: LiveApi) -> None:
    with api.unchanged():
        e = _fails(api.client("regop").issue, "A999999", "CEA21", 1)
    assert (e.status, e.code) == (404, "UNKNOWN_ACCOUNT")


def test_issuance_of_unknown_product_is_404(api: LiveApi) -> None:
    p = api.participant()
    e = _fails(api.client("regop").issue, p.account_id, "GOLD", 1)
    assert (e.status, e.code, e.field) == (404, "UNKNOWN_PRODUCT", "product")


@pytest.mark.parametrize("quantity", [0, -5, 1.5, "5", True, 10**13])
def test_issuance_of_a_non_positive_or_non_integer_quantity_is_422(
    api: LiveApi, quantity: object
) -> None:
    p = api.participant()
    with api.unchanged():
        status, body = _raw(
            api.client("regop"),
            "/registry/issuances",
            {"account_id": p.account_id, "product": "CEA21", "quantity": quantity},
        )
    assert status == 422
    assert (body["error"]["code"], body["error"]["field"]) == ("INVALID_QUANTITY", "quantity")


# --- transfers (four eyes) ------------------------------------------------------------------
def test_transfer_waits_for_a_second_operator_then_moves(api: LiveApi) -> None:
    a, b = api.participant(tonnes={"CEA21": 100}), api.participant()
    rq = api.client("regop").request_transfer(
        a.account_id, b.account_id, "CEA21", 40, "court order"
    )
    assert rq["status"] == "pending" and rq["initiator"] == "regop"
    assert api.state.registry.bucket(a.account_id, "CEA21")[0] == 100
    done = api.client("regop2").approve_transfer(rq["request_id"])
    assert done["status"] == "approved" and done["approver"] == "regop2" and done["tx_id"]
    assert api.state.registry.bucket(b.account_id, "CEA21")[0] == 40


def test_transfer_cannot_be_approved_by_its_initiator(api: LiveApi) -> None:
    a, b = api.participant(tonnes={"CEA21": 100}), api.participant()
    rq = api.client("regop").request_transfer(a.account_id, b.account_id, "CEA21", 40)
    with api.unchanged():
        e = _fails(api.client("regop").approve_transfer, rq["request_id"])
    assert (e.status, e.code) == (409, "SAME_PERSON_APPROVAL")


def test_rejected_transfer_moves_nothing(api: LiveApi) -> None:
    a, b = api.participant(tonnes={"CEA21": 100}), api.participant()
    rq = api.client("regop").request_transfer(a.account_id, b.account_id, "CEA21", 40)
    out = api.client("regop2").reject_transfer(rq["request_id"], "no basis")
    assert out["status"] == "rejected" and out["tx_id"] is None
    assert api.state.registry.bucket(a.account_id, "CEA21")[0] == 100
    assert rq["request_id"] not in api.state.registry.pending


def test_transfer_of_more_than_available_is_409(api: LiveApi) -> None:
    a, b = api.participant(tonnes={"CEA21": 10}), api.participant()
    e = _fails(api.client("regop").request_transfer, a.account_id, b.account_id, "CEA21", 11)
    assert (e.status, e.code) == (409, "INSUFFICIENT_HOLDINGS")


def test_approving_an_unknown_transfer_is_404(api: LiveApi) -> None:
    e = _fails(api.client("regop2").approve_transfer, "RQ999999")
    assert (e.status, e.code, e.field) == (404, "UNKNOWN_TRANSACTION", "request_id")


def test_a_correction_request_is_not_approved_as_a_transfer(api: LiveApi) -> None:
    p = api.participant()
    tx = api.client("regop").issue(p.account_id, "CEA21", 5, approver=api.client("regop2"))
    rq = api.client("regop").request_correction(tx["tx_id"], "wrong account")
    with api.unchanged():
        e = _fails(api.client("regop2").approve_transfer, rq["request_id"])
    assert (e.status, e.code) == (404, "UNKNOWN_TRANSACTION")


def test_pending_requests_are_listed_for_operators(api: LiveApi) -> None:
    a, b = api.participant(tonnes={"CEA21": 100}), api.participant()
    rq = api.client("regop").request_transfer(a.account_id, b.account_id, "CEA21", 1)
    ids = {r["request_id"] for r in api.client("regulator").pending_requests()["data"]}
    assert rq["request_id"] in ids


# --- surrender ------------------------------------------------------------------------------
def test_owner_surrenders_allowances_into_the_surrender_account(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA19-20": 100, "CCER": 10})
    tx = p.client.surrender(p.account_id, 2020, [("CEA19-20", 90), ("CCER", 5)])
    assert tx["tx_type"] == "surrender" and tx["ref"] == "2020"
    target = api.state.registry.system_account(SystemRole.SURRENDER)
    assert any(x["account_id"] == target and x["delta"] == 90 for x in tx["postings"])
    assert api.state.registry.bucket(p.account_id, "CEA19-20")[0] == 10


def test_surrender_of_more_than_held_is_409_and_changes_nothing(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    with api.unchanged():
        e = _fails(p.client.surrender, p.account_id, 2021, [("CEA21", 11)])
    assert (e.status, e.code) == (409, "INSUFFICIENT_HOLDINGS")


def test_surrender_without_items_is_422(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    e = _fails(p.client.surrender, p.account_id, 2021, [])
    assert (e.status, e.field) == (422, "items")


def test_surrender_for_a_year_out_of_range_is_422(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    e = _fails(p.client.surrender, p.account_id, 1999, [("CEA21", 1)])
    assert (e.status, e.code, e.field) == (422, "INVALID_FIELD", "compliance_year")


def test_surrender_item_quantity_error_names_the_item(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    e = _fails(p.client.surrender, p.account_id, 2021, [("CEA21", 1), ("CEA21", 0)])
    assert (e.code, e.field) == ("INVALID_QUANTITY", "items[1].quantity")


# --- freezes ------------------------------------------------------------------------------
def test_freeze_then_unfreeze_moves_between_available_and_frozen(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 100})
    api.client("regop").freeze(p.account_id, "CEA21", 60, "court ruling 2021-1")
    assert api.state.registry.bucket(p.account_id, "CEA21")[0::4] == [40, 60]
    api.client("regop").unfreeze(p.account_id, "CEA21", 25)
    assert api.state.registry.bucket(p.account_id, "CEA21")[0::4] == [65, 35]


def test_freeze_of_more_than_available_is_409(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    with api.unchanged():
        e = _fails(api.client("regop").freeze, p.account_id, "CEA21", 11)
    assert (e.status, e.code) == (409, "INSUFFICIENT_HOLDINGS")


def test_unfreeze_of_more_than_frozen_is_409(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    api.client("regop").freeze(p.account_id, "CEA21", 3)
    e = _fails(api.client("regop").unfreeze, p.account_id, "CEA21", 4)
    assert (e.status, e.code) == (409, "INSUFFICIENT_HOLDINGS")


# --- corrections ----------------------------------------------------------------------------
def test_approved_correction_reverses_the_transaction(api: LiveApi) -> None:
    p = api.participant()
    tx = api.client("regop").issue(p.account_id, "CEA21", 70, approver=api.client("regop2"))
    rq = api.client("regop").request_correction(tx["tx_id"], "issued to the wrong account")
    assert rq["kind"] == "correction" and rq["ref"] == tx["tx_id"]
    done = api.client("regop2").approve_correction(rq["request_id"])
    assert done["status"] == "approved"
    assert api.state.registry.bucket(p.account_id, "CEA21")[0] == 0


def test_rejected_correction_leaves_the_transaction(api: LiveApi) -> None:
    p = api.participant()
    tx = api.client("regop").issue(p.account_id, "CEA21", 70, approver=api.client("regop2"))
    rq = api.client("regop").request_correction(tx["tx_id"])
    api.client("regop2").reject_correction(rq["request_id"])
    assert api.state.registry.bucket(p.account_id, "CEA21")[0] == 70


def test_correction_of_unknown_transaction_is_404(api: LiveApi) -> None:
    e = _fails(api.client("regop").request_correction, "TX999999")
    assert (e.status, e.code, e.field) == (404, "UNKNOWN_TRANSACTION", "tx_id")


def test_second_correction_of_a_reversed_transaction_is_409(api: LiveApi) -> None:
    p = api.participant()
    tx = api.client("regop").issue(p.account_id, "CEA21", 70, approver=api.client("regop2"))
    rq = api.client("regop").request_correction(tx["tx_id"])
    api.client("regop2").approve_correction(rq["request_id"])
    e = _fails(api.client("regop").request_correction, tx["tx_id"])
    assert (e.status, e.code) == (409, "ALREADY_DONE")


def test_correction_cannot_be_approved_by_its_initiator(api: LiveApi) -> None:
    p = api.participant()
    tx = api.client("regop").issue(p.account_id, "CEA21", 7, approver=api.client("regop2"))
    rq = api.client("regop").request_correction(tx["tx_id"])
    e = _fails(api.client("regop").approve_correction, rq["request_id"])
    assert (e.status, e.code) == (409, "SAME_PERSON_APPROVAL")


# --- report and statements -------------------------------------------------------------------
def test_report_lists_holdings_and_conserves_each_product(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 500})
    p.client.surrender(p.account_id, 2021, [("CEA21", 100)])
    rep = api.client("regulator").report(product="CEA21")
    rows = [r for r in rep["data"] if r["account_id"] == p.account_id]
    assert rows == [
        {
            "account_id": p.account_id,
            "name": "测试电厂",
            "province": "山东",
            "product": "CEA21",
            "available": 400,
            "locked": 0,
            "pending": 0,
            "pledged": 0,
            "frozen": 0,
            "total": 400,
        }
    ]
    (total,) = rep["totals"]
    assert total["issued"] - total["retired"] == total["held"]


def test_statement_lists_the_accounts_movements_in_the_period(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 100})
    p.client.deposit(p.account_id, "250.00")
    api.client("regop").freeze(p.account_id, "CEA21", 10)
    st = p.client.statement(p.account_id)
    kinds = [
        (x["tx_type"], x["asset"], x["bucket"], x["quantity"], x["amount"]) for x in st["data"]
    ]
    assert kinds == [
        ("issuance", "CEA21", "available", 100, None),
        ("deposit", "CNY", "available", None, "250.00"),
        ("freeze", "CEA21", "available", -10, None),
        ("freeze", "CEA21", "frozen", 10, None),
    ]


def test_statement_excludes_movements_outside_the_period(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 100})
    now = api.clock.now()
    api.client("exop").advance_clock(seconds=86_400)
    api.client("regop").issue(p.account_id, "CEA21", 5, approver=api.client("regop2"))
    day = now.date().isoformat()
    st = p.client.statement(p.account_id, from_=day, to=day)
    assert [x["quantity"] for x in st["data"]] == [100]
    later = p.client.statement(p.account_id, from_=(now.replace(hour=23)).isoformat())
    assert [x["quantity"] for x in later["data"]] == [5]


def test_statement_with_a_malformed_date_is_422(api: LiveApi) -> None:
    p = api.participant()
    e = _fails(p.client.statement, p.account_id, from_="yesterday")
    assert (e.status, e.code, e.field) == (422, "INVALID_FIELD", "from")


def test_statement_of_unknown_account_is_404(api: LiveApi) -> None:
    e = _fails(api.client("regop").statement, f"A9{secrets.randbelow(10**5):05d}")
    assert (e.status, e.code) == (404, "UNKNOWN_ACCOUNT")
