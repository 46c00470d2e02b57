"""Over HTTP: a withdrawal the bank has not yet paid, the account frozen meanwhile, the bank's
late report of the payment recorded (the money has left), and the regulator finding the alert
on its list of alerts, with the account, the bank's reference and the amount."""

from __future__ import annotations

from liveapi import LiveApi

from openets.clearing import funds
from openets.registry import commands as rc
from openets.registry.model import AccountStatus


def test_withdrawal_paid_after_a_freeze_is_recorded_and_the_regulator_sees_the_alert(
    api: LiveApi,
) -> None:
    p = api.participant(fen=100_000)
    api.services.bank.slow_accounts.add(p.account_id)
    out = p.client.withdraw(p.account_id, "400.00")
    assert out["status"] == "pending" and out["balances"]["pending_withdrawal"] == "400.00"
    api.submit(rc.ChangeAccountStatus(p.account_id, AccountStatus.FROZEN, "司法冻结"), "regop")
    api.submit(funds.ConfirmWithdrawal(out["bank_ref"], True), "bank")  # the bank's late report
    assert api.client("regulator").funds(p.account_id)["pending_withdrawal"] == "0.00"
    body = api.client("regulator").get(
        "/supervision/alerts", detector="withdrawal_paid_while_barred", account_id=p.account_id
    )
    (alert,) = body["data"]
    assert alert["severity"] == "high" and alert["accounts"] == [p.account_id]
    assert alert["metrics"] == {"amount_fen": 40_000}
    assert out["bank_ref"] in alert["summary"] and "frozen by the registry" in alert["summary"]
