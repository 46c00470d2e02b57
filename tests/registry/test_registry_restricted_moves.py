"""What an account's restriction blocks on the paths that move its allowances or funds outside
trading: registry transfers (requested and approved) and withdrawals.

- the registry's ``restricted`` status: the account may receive, not send (no transfer out, no
  withdrawal); ``frozen``: it neither sends nor receives;
- the regulator's or the exchange's restriction from transfers: nothing moves out (allowances or
  funds); receiving stays allowed; a restriction from trading only leaves transfers and
  withdrawals alone.

Each refusal names the field, the account's status or measure and the rule, and changes nothing.
"""

from __future__ import annotations

import pytest
from dsl import Given

from openets.clearing import funds
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.supervision import messages as sm
from openets.supervision.messages import Authority

CEA = "CEA19-20"


def _market() -> tuple[Given, str, str]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn")
    g.at("2021-07-16T09:30+08:00")
    a = g.account(tonnes={CEA: 100}, fen=10**7)
    b = g.account(tonnes={CEA: 100}, fen=10**7)
    return g, a, b


@pytest.mark.parametrize("status", [AccountStatus.RESTRICTED, AccountStatus.FROZEN])
def test_account_restricted_or_frozen_by_the_registry_cannot_withdraw_funds(
    status: AccountStatus,
) -> None:
    g, a, _ = _market()
    g.ok(rc.ChangeAccountStatus(a, status, "court order"))
    r = g.rejects(funds.RequestWithdrawal(a, 1_000, "WDR-1"))
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "account_id")
    assert f"is {status.value}" in r.message and "withdrawal" in r.message
    assert g.funds(a) == [10**7, 0, 0, 0]


@pytest.mark.parametrize("status", [AccountStatus.RESTRICTED, AccountStatus.FROZEN])
def test_account_restricted_or_frozen_by_the_registry_cannot_send_a_transfer(
    status: AccountStatus,
) -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, status, "court order"))
    r = g.rejects(rc.RequestTransfer(a, b, CEA, 10, "gift"))
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "from_account")
    assert f"is {status.value}" in r.message and "to send" in r.message


def test_account_restricted_by_the_registry_may_still_receive_a_transfer() -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    (rq,) = g.ok(rc.RequestTransfer(b, a, CEA, 10, "gift"))
    g.ok(rc.Decide(rq.request_id, True, "seen"), "op2")
    assert g.holding(a)[0] == 110


def test_frozen_account_cannot_receive_a_transfer() -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    r = g.rejects(rc.RequestTransfer(b, a, CEA, 10, "gift"))
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "to_account")
    assert "is frozen" in r.message and "to receive" in r.message


def test_transfer_to_an_account_frozen_after_the_request_is_refused_at_approval() -> None:
    g, a, b = _market()
    (rq,) = g.ok(rc.RequestTransfer(b, a, CEA, 10, "gift"))
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    r = g.rejects(rc.Decide(rq.request_id, True, "seen"), "op2")
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "to_account")
    assert g.holding(a)[0] == 100 and g.holding(b)[0] == 100


def test_transfer_from_an_account_restricted_after_the_request_is_refused_at_approval() -> None:
    g, a, b = _market()
    (rq,) = g.ok(rc.RequestTransfer(a, b, CEA, 10, "gift"))
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    r = g.rejects(rc.Decide(rq.request_id, True, "seen"), "op2")
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "from_account")


def test_account_restricted_from_transfers_cannot_send_a_transfer_or_withdraw() -> None:
    g, a, b = _market()
    g.ok(sm.RestrictAccount(a, False, True, "investigation", Authority.REGULATOR), "reg1")
    r = g.rejects(rc.RequestTransfer(a, b, CEA, 10, "gift"))
    assert (r.code, r.field) == (Code.ACCOUNT_RESTRICTED, "from_account")
    r = g.rejects(funds.RequestWithdrawal(a, 1_000, "WDR-1"))
    assert (r.code, r.field) == (Code.ACCOUNT_RESTRICTED, "account_id")
    assert "restricted from transfer by the regulator" in r.message


def test_account_restricted_from_transfers_may_still_receive_a_transfer() -> None:
    g, a, b = _market()
    g.ok(sm.RestrictAccount(a, False, True, "investigation", Authority.REGULATOR), "reg1")
    (rq,) = g.ok(rc.RequestTransfer(b, a, CEA, 10, "gift"))
    g.ok(rc.Decide(rq.request_id, True, "seen"), "op2")
    assert g.holding(a)[0] == 110


def test_account_restricted_from_trading_only_may_still_transfer_and_withdraw() -> None:
    g, a, b = _market()
    g.ok(sm.RestrictAccount(a, True, False, "spoofing", Authority.EXCHANGE), "ex1")
    (rq,) = g.ok(rc.RequestTransfer(a, b, CEA, 10, "gift"))
    g.ok(rc.Decide(rq.request_id, True, "seen"), "op2")
    g.ok(funds.RequestWithdrawal(a, 1_000, "WDR-1"))
    assert g.holding(a)[0] == 90 and g.funds(a)[funds.FundBucket.PENDING_WITHDRAWAL] == 1_000
