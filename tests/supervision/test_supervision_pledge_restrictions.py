"""A pledge's enforcement moves the pledged tonnes from the pledgor to the lender, so it is held
to the rules of a registry transfer: a frozen pledgor sends nothing (a court's freeze stops the
creditor's enforcement too: the court deducts by its own order), a restricted one sends nothing,
nor one the regulator restricted from transfers; a frozen lender receives nothing; the tonnes in
must not take the lender over its position limit when the preset enforces limits. Repayment only
releases the tonnes inside the pledgor's account and goes on whatever the account's status.
Each refusal names the field, the value and the rule, and changes nothing."""

from __future__ import annotations

from dsl import Given

from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.supervision import messages as sm
from openets.supervision.finance import (
    DecidePledgeEnforcement,
    PledgeStatus,
    RegisterPledge,
    RepayPledge,
    RequestPledgeEnforcement,
    fin,
)
from openets.supervision.messages import Authority

CEA = "CEA19-20"


def _pledged(preset: str = "cn", owned: int = 1_000, qty: int = 600) -> tuple[Given, str, str, str]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.at("2021-07-16T09:30+08:00")
    owner, bank = g.account(tonnes={CEA: owned}), g.account(name="某银行")
    ev = g.ok(RegisterPledge(owner, bank, CEA, qty, 2_000_000, "2022-07-15", "贷款合同-001"))
    pid = str(ev[-1].pledge_id)
    g.ok(RequestPledgeEnforcement(pid, "loan in default"), "op1")
    return g, owner, bank, pid


def test_enforcement_of_a_pledge_on_a_frozen_pledgor_is_refused() -> None:
    g, owner, bank, pid = _pledged()
    g.ok(rc.ChangeAccountStatus(owner, AccountStatus.FROZEN, "司法冻结"))
    r = g.rejects(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "pledgor")
    assert f"account {owner} is frozen" in r.message and "pledge's enforcement" in r.message
    assert fin(g.state).pledges[pid].status is PledgeStatus.DEFAULT_PENDING
    assert g.holding(owner) == [400, 0, 0, 600, 0] and g.holding(bank)[0] == 0


def test_enforcement_refused_by_a_freeze_goes_through_once_the_freeze_is_lifted() -> None:
    g, owner, bank, pid = _pledged()
    g.ok(rc.ChangeAccountStatus(owner, AccountStatus.FROZEN, "司法冻结"))
    g.rejects(DecidePledgeEnforcement(pid, True, "default"), "op2")
    g.ok(rc.ChangeAccountStatus(owner, AccountStatus.ACTIVE, "解除冻结"))
    g.ok(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert g.holding(bank)[0] == 600


def test_enforcement_of_a_pledge_on_a_restricted_pledgor_is_refused() -> None:
    g, owner, _, pid = _pledged()
    g.ok(rc.ChangeAccountStatus(owner, AccountStatus.RESTRICTED, "court order"))
    r = g.rejects(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "pledgor")
    assert "is restricted" in r.message and "to send" in r.message


def test_enforcement_on_a_pledgor_restricted_from_transfers_by_the_regulator_is_refused() -> None:
    g, owner, _, pid = _pledged()
    g.ok(sm.RestrictAccount(owner, False, True, "investigation", Authority.REGULATOR), "reg1")
    r = g.rejects(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert (r.code, r.field) == (Code.ACCOUNT_RESTRICTED, "pledgor")
    assert "restricted from transfer by the regulator" in r.message


def test_enforcement_to_a_frozen_lender_is_refused() -> None:
    g, _, bank, pid = _pledged()
    g.ok(rc.ChangeAccountStatus(bank, AccountStatus.FROZEN, "司法冻结"))
    r = g.rejects(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "lender")
    assert f"account {bank} is frozen" in r.message and "to receive" in r.message


def test_enforcement_to_a_restricted_lender_is_allowed() -> None:
    g, _, bank, pid = _pledged()
    g.ok(rc.ChangeAccountStatus(bank, AccountStatus.RESTRICTED, "court order"))
    g.ok(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert g.holding(bank)[0] == 600


def test_rejecting_an_enforcement_on_a_frozen_pledgor_is_allowed() -> None:
    g, owner, _, pid = _pledged()
    g.ok(rc.ChangeAccountStatus(owner, AccountStatus.FROZEN, "司法冻结"))
    g.ok(DecidePledgeEnforcement(pid, False, "court first"), "op2")
    assert fin(g.state).pledges[pid].status is PledgeStatus.ACTIVE


def test_enforcement_over_the_lenders_position_limit_is_refused() -> None:
    # cn-pilot-limits: an entity may hold its allocation + 1,000,000 t
    g, owner, bank, pid = _pledged("cn-pilot-limits", owned=3_000_000, qty=1_000_001)
    r = g.rejects(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert (r.code, r.field) == (Code.POSITION_LIMIT, "quantity")
    assert f"account {bank} would hold 1000001 t" in r.message
    assert "over its position limit of 1000000 t" in r.message
    assert g.holding(owner)[3] == 1_000_001 and g.holding(bank)[0] == 0


def test_enforcement_up_to_the_lenders_position_limit_is_allowed() -> None:
    g, _, bank, pid = _pledged("cn-pilot-limits", owned=3_000_000, qty=1_000_000)
    g.ok(DecidePledgeEnforcement(pid, True, "default"), "op2")
    assert g.holding(bank)[0] == 1_000_000


def test_repayment_of_a_pledge_on_a_frozen_pledgor_releases_the_tonnes_inside_its_account() -> None:
    g, owner, bank, pid = _pledged()
    g.ok(DecidePledgeEnforcement(pid, False, "paid after all"), "op2")
    g.ok(rc.ChangeAccountStatus(owner, AccountStatus.FROZEN, "司法冻结"))
    g.ok(RepayPledge(pid, "loan repaid"), "bank-officer")
    assert g.holding(owner) == [1_000, 0, 0, 0, 0] and g.holding(bank)[0] == 0
    # still frozen: the released tonnes leave by no transfer
    r = g.rejects(rc.RequestTransfer(owner, bank, CEA, 10, "gift"))
    assert (r.code, r.field) == (Code.ACCOUNT_NOT_ACTIVE, "from_account")
