"""Funds over HTTP: deposits, withdrawals through the simulated bank, balances; money as
decimal strings only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from liveapi import LiveApi, make_live_api

from openets.client import ApiError

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live


def _post(api: LiveApi, who: Any, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    r = who.request("POST", path, json=body)
    return r.status_code, r.json()


def test_deposit_credits_available_money(api: LiveApi) -> None:
    p = api.participant()
    out = p.client.deposit(p.account_id, "1234.56")
    assert out["amount"] == "1234.56" and out["bank_ref"].startswith("DEP-")
    assert out["balances"]["available"] == "1234.56"
    assert api.state.funds.of(p.account_id)[0] == 123456


def test_amount_with_three_decimals_is_refused_naming_amount(api: LiveApi) -> None:
    p = api.participant()
    with api.unchanged():
        status, body = _post(
            api, p.client, "/funds/deposits", {"account_id": p.account_id, "amount": "12.345"}
        )
    assert status == 422
    assert (body["error"]["code"], body["error"]["field"]) == ("INVALID_AMOUNT", "amount")
    assert "12.345" in body["error"]["message"]


@pytest.mark.parametrize("amount", [12.5, 12, 1e3, None, [], "12,50", "¥12", ""])
def test_money_that_is_not_a_decimal_string_is_refused(api: LiveApi, amount: object) -> None:
    p = api.participant()
    with api.unchanged():
        status, body = _post(
            api, p.client, "/funds/deposits", {"account_id": p.account_id, "amount": amount}
        )
    assert status == 422 and body["error"]["field"] == "amount"
    assert body["error"]["code"] == "INVALID_AMOUNT"


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00"])
def test_amount_that_is_not_positive_is_refused(api: LiveApi, amount: str) -> None:
    p = api.participant()
    with api.unchanged():
        status, body = _post(
            api, p.client, "/funds/deposits", {"account_id": p.account_id, "amount": amount}
        )
    assert status == 422 and body["error"]["code"] == "INVALID_AMOUNT"


def test_missing_amount_is_refused_naming_it(api: LiveApi) -> None:
    p = api.participant()
    status, body = _post(api, p.client, "/funds/deposits", {"account_id": p.account_id})
    assert status == 422 and body["error"]["field"] == "amount"


def test_withdrawal_is_paid_at_once_by_the_simulated_bank(api: LiveApi) -> None:
    p = api.participant(fen=100_000)
    out = p.client.withdraw(p.account_id, "400.00")
    assert out["status"] == "paid" and out["bank_ref"].startswith("WDR-")
    assert out["balances"]["available"] == "600.00"
    assert out["balances"]["pending_withdrawal"] == "0.00"
    assert api.state.funds.violations() == []


def test_withdrawal_beyond_the_withdrawable_balance_is_409(api: LiveApi) -> None:
    p = api.participant(fen=10_000)
    with api.unchanged(), pytest.raises(ApiError) as exc:
        p.client.withdraw(p.account_id, "100.01")
    assert (exc.value.status, exc.value.code, exc.value.field) == (
        409,
        "INSUFFICIENT_FUNDS",
        "amount",
    )


def test_withdrawal_the_bank_fails_returns_the_money(api: LiveApi) -> None:
    p = api.participant(fen=10_000)
    api.services.bank.failing_accounts.add(p.account_id)
    out = p.client.withdraw(p.account_id, "30.00")
    assert out["status"] == "failed" and out["balances"]["available"] == "100.00"


def test_balances_show_every_bucket_as_decimal_strings(api: LiveApi) -> None:
    p = api.participant(fen=123_456)
    assert p.client.funds(p.account_id) == {
        "account_id": p.account_id,
        "available": "1234.56",
        "locked": "0.00",
        "withdrawable": "1234.56",
        "receivable": "0.00",
        "pending_withdrawal": "0.00",
    }


def test_balances_of_unknown_account_are_404(api: LiveApi) -> None:
    with pytest.raises(ApiError) as exc:
        api.client("regulator").funds("A999999")
    assert (exc.value.status, exc.value.code) == (404, "UNKNOWN_ACCOUNT")


def test_deposit_into_a_closed_account_is_409(api: LiveApi) -> None:
    from openets.registry import commands as rc
    from openets.registry.model import AccountStatus

    p = api.participant()
    api.submit(rc.ChangeAccountStatus(p.account_id, AccountStatus.FROZEN, "court"), "regop")
    with api.unchanged(), pytest.raises(ApiError) as exc:
        p.client.deposit(p.account_id, "1.00")
    assert (exc.value.status, exc.value.code) == (409, "ACCOUNT_NOT_ACTIVE")
