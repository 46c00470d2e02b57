"""The compliance cycle: pre-allocation, true-up, obligation, borrowing, surrender, penalties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from compliance_world import (
    ACCOUNT,
    ENTITY,
    OPERATOR,
    PROVINCE,
    REGULATOR,
    VERIFIER,
    World,
    line,
)

from openets.compliance.cycle import (
    AllocationDeductionScheduled,
    AllowancesBorrowed,
    AssessPenalty,
    BorrowAllowances,
    CarryOverDetermined,
    DeductAllocation,
    DetermineCarryOver,
    FinalAllocationDetermined,
    FinalizeAllocation,
    ObligationDetermined,
    PenaltyAssessed,
    PreAllocate,
    PreAllocationDetermined,
    RecordSurrender,
    SurrenderRecorded,
)
from openets.compliance.mrv import (
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    SubmitReport,
    VerifyReport,
)
from openets.compliance.obligations import Status
from openets.compliance.plans import PLAN_2024, PenaltyRegime, Sector
from openets.compliance.rules import SurrenderItem
from openets.compliance.state import SYSTEM_ACTOR, ReportLine, UnitTonnes
from openets.domain.clock import BEIJING
from openets.domain.rejection import Code

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


PRIOR = (line("U1", 0, 1_000_000), line("U2", 0, 100_000))
REPORT_2023 = (line("U1", 900_000, 1_100_000), line("U2", 40_000, 100_000))
AFTER_2023_DEADLINE = datetime(2025, 1, 5, 10, tzinfo=BEIJING)


def items(*pairs: tuple[str, int]) -> tuple[SurrenderItem, ...]:
    return tuple(SurrenderItem(p, q) for p, q in pairs)


def preallocated_2023() -> World:
    w = World(datetime(2024, 3, 1, 10, tzinfo=BEIJING)).with_power_entity()
    w.ok(REGULATOR, PreAllocate(ENTITY, 2023, "2023", PRIOR))
    return w


def finalised_2023(report: tuple[ReportLine, ...] = REPORT_2023) -> World:
    w = preallocated_2023().with_report(2023, *report)
    w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2023, "2023"))
    return w


def test_preallocation_is_70_percent_of_prior_output_per_unit_summed() -> None:
    """U1: 0.7 × 1,000,000 × 0.7861 = 550,270; U2 gas: 0.7 × 100,000 × 0.3305 = 23,135."""
    w = World().with_power_entity()
    (e,) = w.ok(REGULATOR, PreAllocate(ENTITY, 2023, "2023", PRIOR))
    assert e == PreAllocationDetermined(
        ENTITY,
        ACCOUNT,
        PROVINCE,
        2023,
        "2023",
        "CEA23",
        (UnitTonnes("U1", 550_270), UnitTonnes("U2", 23_135)),
        573_405,
        0,
        573_405,
    )


def test_preallocation_uses_the_approved_prior_year_report_by_default() -> None:
    w = World().with_power_entity().with_report(2022, *PRIOR)
    (e,) = w.ok(REGULATOR, PreAllocate(ENTITY, 2023, "2023"))
    assert isinstance(e, PreAllocationDetermined) and e.preallocation_t == 573_405


def test_preallocation_without_prior_output_is_rejected() -> None:
    r = World().with_power_entity().refused(REGULATOR, PreAllocate(ENTITY, 2023, "2023"))
    assert (r.code, r.field) == (Code.INVALID_STATE, "prior")


def test_preallocation_twice_is_rejected() -> None:
    r = preallocated_2023().refused(REGULATOR, PreAllocate(ENTITY, 2023, "2023", PRIOR))
    assert r.code is Code.ALREADY_DONE


def test_preallocation_by_the_entity_is_rejected() -> None:
    r = World().with_power_entity().refused(OPERATOR, PreAllocate(ENTITY, 2023, "2023", PRIOR))
    assert r.code is Code.NOT_PERMITTED


def test_preallocation_under_a_plan_for_another_year_is_rejected() -> None:
    r = World().with_power_entity().refused(REGULATOR, PreAllocate(ENTITY, 2023, "2021", PRIOR))
    assert (r.code, r.field) == (Code.INVALID_FIELD, "year")


def test_final_allocation_before_report_approval_is_rejected() -> None:
    r = preallocated_2023().refused(REGULATOR, FinalizeAllocation(ENTITY, 2023, "2023"))
    assert r.code is Code.INVALID_STATE


def test_final_allocation_issues_the_true_up_and_fixes_the_obligation() -> None:
    """Final: U1 1,100,000 × 0.7861 = 864,710; U2 100,000 × 0.3305 = 33,050; total 897,760.
    True-up 897,760 − 573,405 = 324,355 issued.
    Obligation: gas min(40,000, 33,050) = 33,050; coal min(900,000, 864,710 + 180,000) =
    900,000; total 933,050."""
    w = preallocated_2023().with_report(2023, *REPORT_2023)
    final, obligation = w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2023, "2023"))
    assert isinstance(final, FinalAllocationDetermined)
    assert (final.final_allocation_t, final.true_up_t, final.issue_t, final.clawback_t) == (
        897_760,
        324_355,
        324_355,
        0,
    )
    assert isinstance(obligation, ObligationDetermined)
    assert obligation.obligation.obligation_t == 933_050
    assert obligation.obligation.gas_obligation_t == 33_050


def test_final_allocation_below_preallocation_is_clawed_back() -> None:
    """U1 500,000 MWh → 393,050; + U2 33,050 = 426,100; 426,100 − 573,405 = −147,305."""
    w = finalised_2023((line("U1", 400_000, 500_000), line("U2", 40_000, 100_000)))
    final = next(e for e in w.journal if isinstance(e, FinalAllocationDetermined))
    assert (final.true_up_t, final.issue_t, final.clawback_t) == (-147_305, 0, 147_305)


def test_final_allocation_twice_is_rejected() -> None:
    r = finalised_2023().refused(REGULATOR, FinalizeAllocation(ENTITY, 2023, "2023"))
    assert r.code is Code.ALREADY_DONE


def test_surrender_on_time_within_the_ccer_cap_makes_the_entity_compliant() -> None:
    w = finalised_2023()
    w.now = datetime(2024, 12, 20, 14, tzinfo=BEIJING)
    (e,) = w.ok(
        OPERATOR, RecordSurrender(ENTITY, 2023, items(("CEA23", 886_398), ("CCER", 46_652)))
    )
    assert isinstance(e, SurrenderRecorded) and not e.late and e.ccer_t == 46_652
    position = w.state.position(ENTITY, 2023)
    assert position is not None and position.status is Status.COMPLIANT


def test_surrender_of_ccer_above_5_percent_is_rejected() -> None:
    w = finalised_2023()
    r = w.refused(OPERATOR, RecordSurrender(ENTITY, 2023, items(("CCER", 46_653))))
    assert r.code is Code.CCER_CAP


def test_surrender_after_the_deadline_is_recorded_late() -> None:
    w = finalised_2023()
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2023, items(("CEA23", 900_000))))
    w.now = AFTER_2023_DEADLINE
    (e,) = w.ok(SYSTEM_ACTOR, RecordSurrender(ENTITY, 2023, items(("CEA19-20", 33_050))))
    assert isinstance(e, SurrenderRecorded) and e.late
    position = w.state.position(ENTITY, 2023)
    assert position is not None and position.status is Status.LATE


def test_surrender_by_someone_not_acting_for_the_entity_is_rejected() -> None:
    r = finalised_2023().refused(VERIFIER, RecordSurrender(ENTITY, 2023, items(("CEA23", 1))))
    assert r.code is Code.NOT_PERMITTED


def borrowing_world() -> World:
    """2022: U1 coal emits 1,100,000 t on 1,000,000 MWh (allocation 817,700); U2 gas emits
    30,000 t on 100,000 MWh (allocation 39,010). Obligation 30,000 + min(1,100,000,
    817,700 + 220,000) = 1,067,700 on allocation 856,710: gap 210,990 > 10% → borrow ≤ 105,495."""
    w = World().with_power_entity().with_report(2022, *REPORT_2022)
    w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2022, "2022"))
    return w


REPORT_2022 = (line("U1", 1_100_000, 1_000_000), line("U2", 30_000, 100_000))


def test_borrowing_2021_22_up_to_half_the_gap_issues_cea23() -> None:
    w = borrowing_world()
    (e,) = w.ok(OPERATOR, BorrowAllowances(ENTITY, 2022, 100_000))
    assert e == AllowancesBorrowed(ENTITY, ACCOUNT, PROVINCE, 2022, "CEA23", 100_000, 2023)
    r = w.refused(OPERATOR, BorrowAllowances(ENTITY, 2022, 5_496))
    assert r.code is Code.CAP_EXCEEDED and "105495" in r.message
    w.ok(OPERATOR, BorrowAllowances(ENTITY, 2022, 5_495))


def test_borrowed_cea23_may_be_surrendered_for_2022_and_is_withheld_from_2023() -> None:
    w = borrowing_world()
    w.ok(OPERATOR, BorrowAllowances(ENTITY, 2022, 100_000))
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2022, items(("CEA23", 100_000), ("CEA22", 967_700))))
    position = w.state.position(ENTITY, 2022)
    assert position is not None and position.status is Status.COMPLIANT
    (pre,) = w.ok(REGULATOR, PreAllocate(ENTITY, 2023, "2023"))
    assert isinstance(pre, PreAllocationDetermined)
    assert (pre.preallocation_t, pre.withheld_t, pre.issue_t) == (573_405, 100_000, 473_405)
    assert w.state.withholdings == {}


def test_borrowing_is_refused_under_the_2023_plan() -> None:
    w = finalised_2023()
    r = w.refused(OPERATOR, BorrowAllowances(ENTITY, 2023, 1))
    assert r.code is Code.NOT_PERMITTED


def test_penalty_before_the_deadline_is_rejected() -> None:
    w = finalised_2023()
    r = w.refused(REGULATOR, AssessPenalty(ENTITY, 2023, 1, 38_800_000, 4_000))
    assert r.code is Code.INVALID_STATE and "2024-12-31" in r.message


def test_penalty_after_the_deadline_is_5_to_10_times_shortfall_times_month_average() -> None:
    """Shortfall 933,050 − 900,000 = 33,050 t; December average 38,800,000 / 4,000 = 9,700
    fen: range 5 × 33,050 × 9,700 = 1,602,925,000 to 3,205,850,000 fen."""
    w = finalised_2023()
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2023, items(("CEA23", 900_000))))
    w.now = AFTER_2023_DEADLINE
    r = w.refused(REGULATOR, AssessPenalty(ENTITY, 2023, 1_602_924_999, 38_800_000, 4_000))
    assert (r.code, r.field) == (Code.INVALID_AMOUNT, "fine_fen")
    (e,) = w.ok(REGULATOR, AssessPenalty(ENTITY, 2023, 2_000_000_000, 38_800_000, 4_000))
    assert e == PenaltyAssessed(
        ENTITY,
        2023,
        PenaltyRegime.REGS_2024,
        33_050,
        1_602_925_000,
        3_205_850_000,
        2_000_000_000,
        9_700,
    )
    again = w.refused(REGULATOR, AssessPenalty(ENTITY, 2023, 2_000_000_000, 38_800_000, 4_000))
    assert again.code is Code.ALREADY_DONE


def test_unsurrendered_quantity_is_deducted_one_for_one_from_next_year_allocation() -> None:
    w = finalised_2023()
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2023, items(("CEA23", 900_000))))
    w.now = AFTER_2023_DEADLINE
    (e,) = w.ok(REGULATOR, DeductAllocation(ENTITY, 2023))
    assert e == AllocationDeductionScheduled(ENTITY, 2023, 2024, 33_050)
    (pre,) = w.ok(REGULATOR, PreAllocate(ENTITY, 2024, "2024", PRIOR))
    assert isinstance(pre, PreAllocationDetermined)
    assert (pre.withheld_t, pre.issue_t) == (33_050, pre.preallocation_t - 33_050)
    assert w.refused(REGULATOR, DeductAllocation(ENTITY, 2023)).code is Code.ALREADY_DONE


def steel_world() -> World:
    w = World(datetime(2025, 4, 1, 10, tzinfo=BEIJING)).with_people()
    w.ok(REGULATOR, RegisterEntity("S1", "示例钢铁", PROVINCE, "A000009", (OPERATOR,)))
    w.ok(REGULATOR, RegisterInstallation("S1", "BF1", Sector.STEEL, None))
    w.ok(OPERATOR, SubmitReport("S1", 2024, (line("BF1", 2_345_678),)))
    w.ok(VERIFIER, VerifyReport("S1", 2024, (line("BF1", 2_345_678),)))
    w.ok(REGULATOR, ApproveReport("S1", 2024))
    return w


def test_steel_2024_allocation_equals_verified_emissions_and_so_does_the_obligation() -> None:
    w = steel_world()
    final, obligation = w.ok(REGULATOR, FinalizeAllocation("S1", 2024, "2024"))
    assert isinstance(final, FinalAllocationDetermined) and isinstance(
        obligation, ObligationDetermined
    )
    assert (final.final_allocation_t, final.preallocation_t, final.issue_t) == (
        2_345_678,
        0,
        2_345_678,
    )
    assert obligation.obligation.obligation_t == 2_345_678


def test_steel_2024_has_no_preallocation() -> None:
    r = steel_world().refused(REGULATOR, PreAllocate("S1", 2024, "2024", ()))
    assert r.code is Code.INVALID_STATE


def test_steel_under_a_benchmark_only_plan_cannot_be_finalised() -> None:
    w = steel_world()
    w.state.plans["2024"] = replace(PLAN_2024, equal_allocation_sectors=frozenset())
    r = w.refused(REGULATOR, FinalizeAllocation("S1", 2024, "2024"))
    assert r.code is Code.INVALID_STATE and "steel" in r.message


def test_surrender_for_2025_limits_old_vintages_to_the_carry_over_quota() -> None:
    """Net sales 20,000 t over 2019-2024 → quota 10,000 + 30,000 = 40,000 t of ≤CEA24."""
    w = World(datetime(2026, 6, 1, 10, tzinfo=BEIJING)).with_power_entity()
    w.state.plans["2025"] = replace(
        PLAN_2024, name="2025", years=(2025,), cycle_years=(2025,), deadline=date(2026, 12, 31)
    )
    w.ok(REGULATOR, PreAllocate(ENTITY, 2025, "2025", PRIOR))
    w.with_report(2025, *REPORT_2023)
    w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2025, "2025"))
    (e,) = w.ok(REGULATOR, DetermineCarryOver(ENTITY, 20_000))
    assert isinstance(e, CarryOverDetermined) and e.quota_t == 40_000
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2025, items(("CEA24", 30_000), ("CEA25", 1))))
    r = w.refused(OPERATOR, RecordSurrender(ENTITY, 2025, items(("CEA19-20", 10_001))))
    assert r.code is Code.CAP_EXCEEDED and "40000" in r.message
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2025, items(("CEA19-20", 10_000))))
    assert w.state.carry_over_used[ENTITY] == 40_000


def test_replaying_a_whole_cycle_rebuilds_the_same_state() -> None:
    w = borrowing_world()
    w.ok(OPERATOR, BorrowAllowances(ENTITY, 2022, 100_000))
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2022, items(("CEA23", 100_000))))
    w.ok(REGULATOR, PreAllocate(ENTITY, 2023, "2023"))
    assert w.replayed() == w.state
