"""The bank's report of a withdrawal paid after the account was barred (restricted or frozen by
the registry, or restricted from transfers by the regulator) is a fact: the money left the
settlement account. It is recorded as any paid withdrawal (the ledger keeps agreeing with the
bank) and flagged to the regulator with an alert naming the account, the bank's reference and
the amount. A payment the bank reports failed returns the money and flags nothing."""

from __future__ import annotations

import pytest
from dsl import Given

from openets.clearing import funds
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.supervision import messages as sm
from openets.supervision.funds_watch import DETECTOR
from openets.supervision.messages import Authority
from openets.supervision.model import Severity


def _requested() -> tuple[Given, str]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn")
    g.at("2021-07-16T09:30+08:00")
    a = g.account(fen=100_000)
    g.ok(funds.RequestWithdrawal(a, 40_000, "WDR-1"))
    assert g.funds(a) == [60_000, 0, 0, 40_000]
    return g, a


def _alerts(g: Given) -> list[sm.AlertRaised]:
    return [e for e in g.state.supervision.alerts.values() if e.alert.detector == DETECTOR]


@pytest.mark.parametrize("status", [AccountStatus.RESTRICTED, AccountStatus.FROZEN])
def test_withdrawal_paid_after_the_account_was_barred_is_recorded_and_flagged(
    status: AccountStatus,
) -> None:
    g, a = _requested()
    g.ok(rc.ChangeAccountStatus(a, status, "司法冻结"))
    g.ok(funds.ConfirmWithdrawal("WDR-1", True), "bank")
    assert g.funds(a) == [60_000, 0, 0, 0]
    assert "withdrawal:WDR-1" in g.state.funds.bank_refs  # recorded as paid
    (ev,) = _alerts(g)
    assert ev.alert.accounts == (a,) and ev.alert.severity is Severity.HIGH
    assert ev.alert.day == "2021-07-16" and ev.alert.metric("amount_fen") == 40_000
    assert "WDR-1" in ev.alert.summary and f"{status.value} by the registry" in ev.alert.summary


def test_withdrawal_paid_after_a_regulators_transfer_restriction_is_flagged() -> None:
    g, a = _requested()
    g.ok(sm.RestrictAccount(a, False, True, "investigation", Authority.REGULATOR), "reg1")
    g.ok(funds.ConfirmWithdrawal("WDR-1", True), "bank")
    (ev,) = _alerts(g)
    assert "restricted from transfers by the regulator: investigation" in ev.alert.summary


def test_withdrawal_paid_from_an_active_account_is_not_flagged() -> None:
    g, a = _requested()
    g.ok(funds.ConfirmWithdrawal("WDR-1", True), "bank")
    assert g.funds(a) == [60_000, 0, 0, 0] and _alerts(g) == []


def test_withdrawal_the_bank_failed_after_a_freeze_returns_the_money_and_is_not_flagged() -> None:
    g, a = _requested()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "司法冻结"))
    g.ok(funds.ConfirmWithdrawal("WDR-1", False), "bank")
    assert g.funds(a) == [100_000, 0, 0, 0] and _alerts(g) == []


def test_bank_report_delivered_twice_after_a_freeze_flags_once() -> None:
    g, a = _requested()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "司法冻结"))
    g.ok(funds.ConfirmWithdrawal("WDR-1", True), "bank")
    g.ok(funds.ConfirmWithdrawal("WDR-1", True), "bank")
    assert len(_alerts(g)) == 1 and g.funds(a) == [60_000, 0, 0, 0]
