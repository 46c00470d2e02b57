"""Allocation through the engine: national issuance, provincial budgets, pre-allocation, true-up,
claw-back and borrowing, each moving allowances in the registry in the same command."""

from __future__ import annotations

from compliance_engine_world import (
    CEA21,
    FINAL_T,
    NATIONAL_REG,
    PRE_T,
    PRIOR,
    REG_SD,
    SD,
    World,
    line,
    op,
)

from openets.compliance.cycle_messages import BorrowAllowances, FinalizeAllocation, PreAllocate
from openets.compliance.service import IssueAllocation, ProvinceBudget
from openets.compliance.service_reads import province_budgets
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import AccountStatus, SystemRole, TxType

GD = "广东"
LOW_REPORT = (line("U1", 400_000, 500_000), line("U2", 40_000, 100_000))
"""Final 410,900 + 39,200 = 450,100 t: 152,600 t below the pre-allocation."""
SHORT_REPORT = (line("U1", 1_100_000, 1_100_000), line("U2", 40_000, 100_000))
"""Obligation 1,139,200 t on 943,180 t allocated: gap 196,020 t > 10%, may borrow 98,010 t."""


def test_allocation_is_issued_to_the_national_account_and_passed_to_the_provinces() -> None:
    w = World()
    budgets = (ProvinceBudget(SD, 1_000_000), ProvinceBudget(GD, 500_000))
    issuance, transfer, _ = w.g.ok(IssueAllocation(2021, budgets, reserve_t=100_000), NATIONAL_REG)
    assert (issuance.tx_type, transfer.tx_type) == (TxType.ISSUANCE, TxType.TRANSFER)
    assert w.held(w.system(SystemRole.NATIONAL_ALLOCATION)) == 100_000
    assert (w.province_holds(CEA21, SD), w.province_holds(CEA21, GD)) == (1_000_000, 500_000)
    assert w.state.registry.issued(CEA21) == 1_600_000
    assert province_budgets(w.state, 2021) == {GD: (500_000, 500_000), SD: (1_000_000, 1_000_000)}
    assert w.state.violations() == []


def test_allocation_issuance_by_a_provincial_regulator_is_rejected() -> None:
    w = World()
    r = w.g.rejects(IssueAllocation(2021, (ProvinceBudget(SD, 1),)), REG_SD)
    assert r.code is Code.NOT_PERMITTED


def test_allocation_budget_for_an_unknown_province_is_rejected() -> None:
    w = World()
    r = w.g.rejects(IssueAllocation(2021, (ProvinceBudget("Shandong", 1),)), NATIONAL_REG)
    assert r.code is Code.INVALID_FIELD and r.field == "budgets[0].province"


def test_allocation_budget_naming_a_province_twice_is_rejected() -> None:
    w = World()
    twice = (ProvinceBudget(SD, 1), ProvinceBudget(SD, 2))
    r = w.g.rejects(IssueAllocation(2021, twice), NATIONAL_REG)
    assert r.code is Code.INVALID_FIELD and r.field == "budgets[1].province"


def test_allocation_budget_of_zero_tonnes_is_rejected() -> None:
    w = World()
    r = w.g.rejects(IssueAllocation(2021, (ProvinceBudget(SD, 0),)), NATIONAL_REG)
    assert r.code is Code.INVALID_QUANTITY and r.field == "budgets[0].quantity"


def test_allocation_for_a_year_no_plan_covers_is_rejected() -> None:
    w = World()
    r = w.g.rejects(IssueAllocation(2031, (ProvinceBudget(SD, 1),)), NATIONAL_REG)
    assert r.code is Code.INVALID_FIELD and r.field == "year"


def test_preallocation_moves_allowances_from_the_provincial_account_to_the_entity() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.entity("E1")
    (_, tx) = w.pre("E1")
    assert tx.tx_type is TxType.ISSUANCE and tx.ref == "2021"
    assert {p.account_id: p.delta for p in tx.postings} == {
        w.system(SystemRole.PROVINCIAL_ALLOCATION, SD): -PRE_T,
        acct: PRE_T,
    }
    assert (w.held(acct), w.province_holds()) == (PRE_T, 1_000_000 - PRE_T)


def test_preallocation_beyond_the_provincial_budget_is_rejected_and_changes_nothing() -> None:
    w = World()
    w.budget(2021, PRE_T - 1)
    w.entity("E1")
    r = w.g.rejects(PreAllocate("E1", 2021, "2021", PRIOR), NATIONAL_REG)
    assert r.code is Code.INSUFFICIENT_HOLDINGS and r.field == "quantity"
    assert f"{PRE_T - 1} t of CEA21" in r.message and f"needs {PRE_T} t" in r.message
    assert ("E1", 2021) not in w.comp.years


def test_preallocation_to_a_frozen_account_is_rejected() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.entity("E1")
    w.g.ok(rc.ChangeAccountStatus(acct, AccountStatus.FROZEN, "court order"))
    r = w.g.rejects(PreAllocate("E1", 2021, "2021", PRIOR), NATIONAL_REG)
    assert r.code is Code.ACCOUNT_NOT_ACTIVE


def test_final_true_up_is_issued_from_the_provincial_account() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.finalised("E1")
    assert w.held(acct) == FINAL_T
    assert w.province_holds() == 1_000_000 - FINAL_T
    assert w.comp.years[("E1", 2021)].final_allocation_t == FINAL_T


def test_final_over_allocation_is_clawed_back_to_the_provincial_account() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.entity("E1")
    w.pre("E1")
    w.report("E1", 2021, LOW_REPORT)
    final, _, tx = w.final("E1")
    assert (final.final_allocation_t, final.clawback_t) == (450_100, 152_600)
    assert tx.tx_type is TxType.CLAWBACK
    assert w.held(acct) == 450_100
    assert w.province_holds() == 1_000_000 - 450_100
    assert w.state.violations() == []


def test_claw_back_beyond_the_available_allowances_is_rejected_and_changes_nothing() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.entity("E1")
    w.pre("E1")
    w.report("E1", 2021, LOW_REPORT)
    w.g.ok(rc.Freeze(acct, CEA21, 500_000, "court order"))
    r = w.g.rejects(FinalizeAllocation("E1", 2021, "2021"), NATIONAL_REG)
    assert r.code is Code.INSUFFICIENT_HOLDINGS and "102700 t" in r.message
    assert w.comp.years[("E1", 2021)].final_allocation_t is None


def test_borrowing_issues_the_2023_vintage_from_the_provincial_account() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    w.budget(2023, 200_000)
    acct = w.finalised("E1", SHORT_REPORT)
    (ev, tx) = w.g.ok(BorrowAllowances("E1", 2021, 98_010), op("E1"))
    assert (ev.product, ev.quantity, tx.tx_type) == ("CEA23", 98_010, TxType.ISSUANCE)
    assert w.held(acct, "CEA23") == 98_010
    assert w.province_holds("CEA23") == 200_000 - 98_010
    assert w.comp.withholdings == {("E1", 2023): 98_010}


def test_borrowing_over_half_the_gap_is_rejected() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    w.budget(2023, 200_000)
    w.finalised("E1", SHORT_REPORT)
    r = w.g.rejects(BorrowAllowances("E1", 2021, 98_011), op("E1"))
    assert r.code is Code.CAP_EXCEEDED


def test_borrowing_without_the_2023_budget_is_rejected_and_changes_nothing() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    w.finalised("E1", SHORT_REPORT)
    r = w.g.rejects(BorrowAllowances("E1", 2021, 1_000), op("E1"))
    assert r.code is Code.INSUFFICIENT_HOLDINGS and "CEA23" in r.message
    assert w.comp.withholdings == {}
    assert w.comp.years[("E1", 2021)].borrowed_t == 0


def test_borrowing_a_float_quantity_is_rejected() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    w.budget(2023, 200_000)
    w.finalised("E1", SHORT_REPORT)
    r = w.g.rejects(BorrowAllowances("E1", 2021, 10.5), op("E1"))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_QUANTITY and r.field == "quantity"
