"""The settlement bank's reports over HTTP: the bank's service identity (a settlement_bank login,
requested by one registry operator and approved by another) reports a deposit received or
failed and a withdrawal paid or failed by its reference; each report is posted to the fund
ledger, journaled (replay restores it), idempotent on the reference and on Idempotency-Key; a
report of an unknown reference, a contrary one, or one whose account or amount differ from the
reference's is refused naming the field and changes nothing; only the bank reports, and the
exchange operators, the regulator and the bank list the reports."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from liveapi import PASSWORD, LiveApi, make_live_api

from openets.client import ApiError, Client
from openets.ops.verify import replay_market

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def bank_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("bank")) as live:
        person = {"name": "王银行", "id_number": secrets.token_hex(9).upper()}
        asked = live.client("regop").create_user(
            "bank1", PASSWORD, "settlement_bank", person=person
        )
        assert asked["status"] == "pending_approval"
        live.client("regop2").approve_user("bank1")  # a different person approves
        yield live


def _bank(api: LiveApi) -> Client:
    return api.client("bank1")


def _pending_withdrawal(api: LiveApi, yuan: str = "400.00") -> tuple[str, str]:
    p = api.participant(fen=100_000)
    api.services.bank.slow_accounts.add(p.account_id)
    out = p.client.withdraw(p.account_id, yuan)
    assert out["status"] == "pending"
    return p.account_id, out["bank_ref"]


def _pending_deposit(api: LiveApi, yuan: str = "250.00") -> tuple[str, str]:
    p = api.participant()
    api.services.bank.slow_accounts.add(p.account_id)
    out = p.client.deposit(p.account_id, yuan)
    assert out["status"] == "pending"
    return p.account_id, out["bank_ref"]


def _report(api: LiveApi, **body: str) -> tuple[int, dict]:
    r = _bank(api).request("POST", "/bank/reports", json=body)
    return r.status_code, r.json()


def test_settlement_bank_login_needs_a_second_registry_operator(fresh_api: LiveApi) -> None:
    person = {"name": "赵银行", "id_number": secrets.token_hex(9).upper()}
    fresh_api.client("regop").create_user("bankx", PASSWORD, "settlement_bank", person=person)
    with pytest.raises(ApiError) as e:
        fresh_api.login("bankx")
    assert e.value.status in (401, 403)
    with pytest.raises(ApiError) as e:
        fresh_api.client("regop").approve_user("bankx")
    assert e.value.code == "SAME_PERSON_APPROVAL"
    fresh_api.client("regop2").approve_user("bankx")
    assert fresh_api.login("bankx").get("/bank/reports")["count"] == 0


def test_bank_reports_a_withdrawal_paid_and_the_money_leaves(bank_api: LiveApi) -> None:
    api = bank_api
    acct, ref = _pending_withdrawal(api)
    status, body = _report(api, kind="withdrawal_paid", bank_ref=ref)
    assert status == 201 and body["status"] == "recorded" and body["tx_id"]
    assert (body["account_id"], body["amount"]) == (acct, "400.00")
    funds = api.client("regulator").funds(acct)
    assert funds["pending_withdrawal"] == "0.00" and funds["available"] == "600.00"
    (row,) = api.client("exop").get("/bank/reports", bank_ref=ref)["data"]
    assert row["reported_by"] == "bank1" and row["kind"] == "withdrawal_paid"
    assert row["amount"] == "400.00" and row["tx_id"] == body["tx_id"]


def test_bank_reports_a_withdrawal_failed_and_the_money_returns(bank_api: LiveApi) -> None:
    api = bank_api
    acct, ref = _pending_withdrawal(api)
    status, body = _report(api, kind="withdrawal_failed", bank_ref=ref, account_id=acct)
    assert status == 201 and body["status"] == "recorded"
    funds = api.client("regulator").funds(acct)
    assert funds["pending_withdrawal"] == "0.00" and funds["available"] == "1000.00"


def test_bank_reports_an_instructed_deposit_received_and_failed(bank_api: LiveApi) -> None:
    api = bank_api
    acct, ref = _pending_deposit(api)
    status, body = _report(api, kind="deposit_received", bank_ref=ref, amount="250.00")
    assert status == 201 and body["account_id"] == acct
    assert api.client("regulator").funds(acct)["available"] == "250.00"
    acct2, ref2 = _pending_deposit(api)
    status, body = _report(api, kind="deposit_failed", bank_ref=ref2)
    assert status == 201 and body["tx_id"] is None
    assert api.client("regulator").funds(acct2)["available"] == "0.00"
    (row,) = api.client("regulator").get("/bank/reports", bank_ref=ref2)["data"]
    assert (row["kind"], row["account_id"], row["amount"]) == ("deposit_failed", acct2, "250.00")


def test_bank_reports_money_paid_in_on_its_own_reference(bank_api: LiveApi) -> None:
    api = bank_api
    p = api.participant()
    ref = f"BANK-{secrets.token_hex(6)}"
    body = {"kind": "deposit_received", "bank_ref": ref, "account_id": p.account_id}
    status, got = _report(api, **body, amount="88.80")
    assert status == 201 and got["amount"] == "88.80"
    assert api.client("regulator").funds(p.account_id)["available"] == "88.80"


def test_same_bank_report_again_is_recorded_once(bank_api: LiveApi) -> None:
    api = bank_api
    acct, ref = _pending_withdrawal(api)
    assert _report(api, kind="withdrawal_paid", bank_ref=ref)[0] == 201
    seq = api.seq()
    status, body = _report(api, kind="withdrawal_paid", bank_ref=ref)
    assert status == 200 and body["status"] == "already_recorded"
    assert body["account_id"] == acct and body["amount"] == "400.00"
    assert api.seq() == seq
    assert len(api.client("exop").get("/bank/reports", bank_ref=ref)["data"]) == 1


def test_bank_report_with_the_same_idempotency_key_is_answered_as_the_first_time(
    bank_api: LiveApi,
) -> None:
    api = bank_api
    _, ref = _pending_withdrawal(api)
    body = {"kind": "withdrawal_paid", "bank_ref": ref}
    first = _bank(api).request("POST", "/bank/reports", json=body, headers={"Idempotency-Key": ref})
    seq = api.seq()
    again = _bank(api).request("POST", "/bank/reports", json=body, headers={"Idempotency-Key": ref})
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert api.seq() == seq


def test_bank_report_contrary_to_the_recorded_one_is_refused(bank_api: LiveApi) -> None:
    api = bank_api
    _, ref = _pending_withdrawal(api)
    _report(api, kind="withdrawal_failed", bank_ref=ref)
    with api.unchanged():
        status, body = _report(api, kind="withdrawal_paid", bank_ref=ref)
    assert status == 409 and body["error"]["field"] == "kind"
    assert (
        f"bank reference {ref} was reported withdrawal_failed, not withdrawal_paid"
        == (body["error"]["message"])
    )


def test_bank_report_of_an_unknown_reference_is_refused_naming_bank_ref(bank_api: LiveApi) -> None:
    # the path exists: the body names a reference the fund ledger does not know (422, not 404)
    api = bank_api
    for kind in ("withdrawal_paid", "withdrawal_failed", "deposit_failed"):
        with api.unchanged():
            status, body = _report(api, kind=kind, bank_ref="NO-SUCH-REF")
        assert status == 422 and body["error"]["field"] == "bank_ref", (kind, body)
        assert body["error"]["code"] == "INVALID_FIELD"
        assert "open" in body["error"]["message"] and "'NO-SUCH-REF'" in body["error"]["message"]
    assert api.client("exop").get("/bank/reports", bank_ref="NO-SUCH-REF")["count"] == 0
    with api.unchanged():
        status, body = _report(api, kind="deposit_received", bank_ref="NO-SUCH-REF")
    assert status == 422 and body["error"]["field"] == "account_id"
    assert "no deposit instruction" in body["error"]["message"]


def test_bank_report_naming_another_account_or_amount_is_refused(bank_api: LiveApi) -> None:
    api = bank_api
    acct, ref = _pending_withdrawal(api)
    dacct, dref = _pending_deposit(api)
    for kind, r, a, yuan in (
        ("withdrawal_paid", ref, acct, "400.00"),
        ("withdrawal_failed", ref, acct, "400.00"),
        ("deposit_received", dref, dacct, "250.00"),
        ("deposit_failed", dref, dacct, "250.00"),
    ):
        with api.unchanged():
            status, body = _report(api, kind=kind, bank_ref=r, account_id="A999999")
        assert status == 422 and body["error"]["field"] == "account_id", (kind, body)
        assert body["error"]["code"] == "INVALID_FIELD"
        assert f"is for account {a}, the report names A999999" in body["error"]["message"]
        with api.unchanged():
            status, body = _report(api, kind=kind, bank_ref=r, amount="400.01")
        assert status == 422 and body["error"]["field"] == "amount", (kind, body)
        assert f"is for {yuan} yuan, the report says 400.01 yuan" in body["error"]["message"]
    assert api.client("exop").get("/bank/reports", bank_ref=ref)["count"] == 0
    assert _report(api, kind="withdrawal_paid", bank_ref=ref, account_id=acct)[0] == 201


def test_bank_report_of_bad_input_names_the_field(bank_api: LiveApi) -> None:
    api = bank_api
    for body, field in (
        ({"kind": "refund", "bank_ref": "R1"}, "kind"),
        ({"kind": "withdrawal_paid", "bank_ref": ""}, "bank_ref"),
        ({"kind": "deposit_received", "bank_ref": "R1", "amount": "1.001"}, "amount"),
        ({"kind": "withdrawal_paid"}, "bank_ref"),
    ):
        with api.unchanged():
            r = _bank(api).request("POST", "/bank/reports", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.text)


@pytest.mark.parametrize("who", ["participant", "regop", "exop", "regulator", "verifier"])
def test_only_the_settlement_bank_reports_to_the_fund_ledger(bank_api: LiveApi, who: str) -> None:
    api = bank_api
    _, ref = _pending_withdrawal(api)
    client = api.participant().client if who == "participant" else api.client(who)
    with api.unchanged():
        r = client.request(
            "POST", "/bank/reports", json={"kind": "withdrawal_paid", "bank_ref": ref}
        )
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("participant", 403), ("regop", 403), ("verifier", 403)]
)
def test_only_the_clearing_side_the_regulator_and_the_bank_list_bank_reports(
    bank_api: LiveApi, who: str, status: int
) -> None:
    client = bank_api.participant().client if who == "participant" else bank_api.client(who)
    assert client.request("GET", "/bank/reports").status_code == status
    for allowed in ("exop", "regulator", "bank1"):
        assert bank_api.client(allowed).request("GET", "/bank/reports").status_code == 200


def test_bank_reports_are_restored_by_replay(bank_api: LiveApi) -> None:
    api = bank_api
    _, ref = _pending_withdrawal(api)
    _report(api, kind="withdrawal_paid", bank_ref=ref)
    live = (api.state.last_seq, api.state.state_hash())
    n, replayed, _ = replay_market(api.market.db_url or "")
    assert (n, replayed) == live
    assert f"withdrawal:{ref}" in api.state.funds.bank_refs
