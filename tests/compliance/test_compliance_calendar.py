"""The yearly calendar of each plan: dated steps with Beijing clock times, and what the registry
does with an action out of its time (marked late, refused, or a notice)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest
from compliance_world import (
    ENTITY,
    OPERATOR,
    PROVINCE,
    REGULATOR,
    VERIFIER,
    World,
    line,
)

from openets.compliance.calendar import Enforcement, StepKind
from openets.compliance.cycle_messages import (
    FinalAllocationDetermined,
    FinalizeAllocation,
    PreAllocate,
    PreAllocationDetermined,
)
from openets.compliance.mrv import (
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    ReportSubmitted,
    SubmitReport,
    VerifyReport,
)
from openets.compliance.plans import (
    PLAN_2019_2020,
    PLAN_2021,
    PLAN_2024,
    PLAN_2025,
    Category,
    Sector,
)
from openets.compliance.state import ReportLine
from openets.domain.clock import BEIJING

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


REPORT_2021 = (line("U1", 900_000, 1_100_000), line("U2", 40_000, 100_000))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(BEIJING)


def test_the_2025_plan_carries_the_mee_calendar_with_its_dates() -> None:
    steps = {s.key: s for s in PLAN_2025.steps}
    assert steps["report.2025"].due == date(2026, 3, 31)
    assert steps["preallocation.steel+cement+aluminium"].due == date(2026, 4, 10)
    assert steps["preallocation.power"].due == date(2026, 6, 30)
    assert steps["final_quantities"].due == date(2026, 9, 20)
    assert steps["final_issuance"].due == date(2026, 9, 30)
    assert steps["entity_list.2027"].due == date(2026, 10, 31)
    assert steps["surrender"].due == date(2026, 12, 31)
    assert [s.due_at for s in PLAN_2025.steps] == sorted(s.due_at for s in PLAN_2025.steps)


def test_deadlines_carry_a_clock_time_in_beijing_time() -> None:
    cycle1 = {s.key: s for s in PLAN_2019_2020.steps}
    assert cycle1["surrender"].due_at == datetime(2021, 12, 31, 17, 0, tzinfo=BEIJING)
    assert cycle1["interim"].due_at == datetime(2021, 12, 15, 17, 0, tzinfo=BEIJING)
    assert cycle1["surrender"].due_text == "2021-12-31 17:00"
    assert PLAN_2025.step(StepKind.SURRENDER).at == time(17, 0)  # type: ignore[union-attr]
    whole_day = PLAN_2025.step(StepKind.REPORT, 2025)
    assert whole_day is not None and whole_day.due_at.time() == time(23, 59, 59, 999_999)
    assert whole_day.due_at.utcoffset() == BEIJING.utcoffset(whole_day.due_at)


def test_unconfirmed_clock_time_of_the_2025_surrender_is_listed_in_the_plan() -> None:
    assert "calendar.surrender.time" in PLAN_2025.unconfirmed


def test_each_step_says_what_the_registry_does_out_of_time() -> None:
    by_kind = {s.kind: s.enforcement for s in PLAN_2025.steps}
    assert by_kind[StepKind.REPORT] is Enforcement.LATE
    assert by_kind[StepKind.PREALLOCATION] is Enforcement.LATE
    assert by_kind[StepKind.FINAL_ISSUANCE] is Enforcement.LATE
    assert by_kind[StepKind.ENTITY_LIST] is Enforcement.NOTICE
    assert by_kind[StepKind.SURRENDER] is Enforcement.LATE
    carry = PLAN_2024.step(StepKind.CARRY_OVER)
    assert carry is not None and carry.enforcement is Enforcement.REFUSE_BEFORE
    strict = replace(PLAN_2025, accept_late_surrender=False)
    assert strict.step(StepKind.SURRENDER).enforcement is Enforcement.REFUSE_AFTER  # type: ignore[union-attr]


def test_emission_report_after_its_step_is_accepted_and_marked_late() -> None:
    w = World(at("2022-03-31T23:00+08:00")).with_power_entity()
    (on_time,) = w.ok(OPERATOR, SubmitReport(ENTITY, 2021, REPORT_2021))
    assert isinstance(on_time, ReportSubmitted) and not on_time.late
    w.ok(REGULATOR, RegisterEntity("E2", "示例二厂", PROVINCE, "A000002", ("op-e2",)))
    w.ok(REGULATOR, RegisterInstallation("E2", "U1", Sector.POWER, Category.GAS))
    w.now = at("2022-04-01T00:00+08:00")
    (late,) = w.ok("op-e2", SubmitReport("E2", 2021, (ReportLine("U1", 5),)))
    assert isinstance(late, ReportSubmitted) and late.late
    assert w.state.reports[("E2", 2021)].late and not w.state.reports[(ENTITY, 2021)].late
    assert w.replayed().reports[("E2", 2021)].late


def _power_2025(w: World) -> None:
    w.ok(REGULATOR, RegisterEntity("P1", "示例电厂", PROVINCE, "A000003", ("op-p1",)))
    w.ok(REGULATOR, RegisterInstallation("P1", "U1", Sector.POWER, Category.COAL_300_PLUS))


def test_preallocation_is_marked_late_after_the_step_of_the_entitys_sector() -> None:
    w = World(at("2026-04-11T10:00+08:00")).with_people()
    w.ok(REGULATOR, RegisterEntity("C1", "示例水泥", PROVINCE, "A000010", ("op-c1",)))
    w.ok(REGULATOR, RegisterInstallation("C1", "K1", Sector.CEMENT, None))
    _power_2025(w)
    (cement,) = w.ok(REGULATOR, PreAllocate("C1", 2025, "2025", (ReportLine("K1", 1_000),)))
    prior = (line("U1", 0, 1_000),)
    (power,) = w.ok(REGULATOR, PreAllocate("P1", 2025, "2025", prior))
    assert isinstance(cement, PreAllocationDetermined) and cement.late  # due 2026-04-10
    assert isinstance(power, PreAllocationDetermined) and not power.late  # due 2026-06-30
    assert w.state.years[("C1", 2025)].preallocation_late
    assert not w.state.years[("P1", 2025)].preallocation_late


def test_final_allocation_after_the_final_step_is_marked_late() -> None:
    w = World(at("2023-07-15T20:00+08:00")).with_power_entity()
    w.ok(OPERATOR, SubmitReport(ENTITY, 2021, REPORT_2021))
    w.ok(VERIFIER, VerifyReport(ENTITY, 2021, REPORT_2021))
    w.ok(REGULATOR, ApproveReport(ENTITY, 2021))
    on_time, _ = w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2021, "2021"))
    assert isinstance(on_time, FinalAllocationDetermined) and not on_time.late
    assert PLAN_2021.step(StepKind.FINAL_QUANTITIES).due == date(2023, 7, 15)  # type: ignore[union-attr]
    w.now = at("2023-07-16T09:00+08:00")
    w.ok(OPERATOR, SubmitReport(ENTITY, 2022, REPORT_2021))
    w.ok(VERIFIER, VerifyReport(ENTITY, 2022, REPORT_2021))
    w.ok(REGULATOR, ApproveReport(ENTITY, 2022))
    late, _ = w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2022, "2022"))
    assert isinstance(late, FinalAllocationDetermined) and late.late
    assert w.state.years[(ENTITY, 2022)].final_late
