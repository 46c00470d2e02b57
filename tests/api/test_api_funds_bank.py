"""Money in through the bank: a deposit is an instruction the bank confirms (idempotent by the
bank reference), within the preset's per-transaction and daily limits."""

from __future__ import annotations

import pytest
from liveapi import LiveApi

from openets.clearing import funds
from openets.client import ApiError

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


def test_deposit_of_the_largest_money_string_is_over_the_per_transaction_limit(
    api: LiveApi,
) -> None:
    p = api.participant()
    with api.unchanged(), pytest.raises(ApiError) as e:
        p.client.deposit(p.account_id, "999999999999999.99")
    assert (e.value.status, e.value.code, e.value.field) == (422, "AMOUNT_OVER_LIMIT", "amount")
    assert "100000000.00 yuan" in e.value.message and "999999999999999.99" in e.value.message


def test_deposits_beyond_the_daily_limit_are_refused_until_the_next_day(
    fresh_api: LiveApi,
) -> None:
    api = fresh_api
    p = api.participant()
    for _ in range(5):
        p.client.deposit(p.account_id, "100000000.00")
    with api.unchanged(), pytest.raises(ApiError) as e:
        p.client.deposit(p.account_id, "0.01")
    assert (e.value.status, e.value.code, e.value.field) == (409, "DAILY_LIMIT", "amount")
    assert "500000000.00 yuan a day" in e.value.message
    api.client("exop").advance_clock(seconds=86_400)
    assert p.client.deposit(p.account_id, "0.01")["status"] == "confirmed"


def test_withdrawal_above_the_per_transaction_limit_is_refused(api: LiveApi) -> None:
    p = api.participant(fen=200_000_000_00)
    with api.unchanged(), pytest.raises(ApiError) as e:
        p.client.withdraw(p.account_id, "100000000.01")
    assert (e.value.status, e.value.code) == (422, "AMOUNT_OVER_LIMIT")


def test_deposit_is_an_instruction_the_bank_confirms(api: LiveApi) -> None:
    p = api.participant()
    before = api.seq()
    out = p.client.deposit(p.account_id, "10.00")
    assert out["status"] == "confirmed" and out["tx_id"]
    records = list(api.market.engine.journal.read(before))
    kinds = [(r.type, r.actor) for r in records]
    assert kinds == [("FundsInstructed", p.username), ("FundsPosted", "bank")]


def test_deposit_the_bank_does_not_receive_credits_nothing(api: LiveApi) -> None:
    p = api.participant()
    api.services.bank.failing_accounts.add(p.account_id)
    out = p.client.deposit(p.account_id, "10.00")
    assert (out["status"], out["tx_id"]) == ("failed", None)
    assert out["balances"]["available"] == "0.00"
    assert api.state.funds.pending_deposits == {} or all(
        a != p.account_id for a, _ in api.state.funds.pending_deposits.values()
    )


def test_pending_deposit_is_credited_once_by_the_banks_confirmation(api: LiveApi) -> None:
    p = api.participant()
    api.services.bank.slow_accounts.add(p.account_id)
    out = p.client.deposit(p.account_id, "25.00")
    assert out["status"] == "pending" and out["balances"]["available"] == "0.00"
    api.submit(funds.ConfirmDeposit(out["bank_ref"], True), "bank")
    api.submit(funds.ConfirmDeposit(out["bank_ref"], True), "bank")  # delivered twice
    api.submit(funds.Deposit(p.account_id, 2500, out["bank_ref"]), "bank")  # and as a credit
    assert p.client.funds(p.account_id)["available"] == "25.00"
