"""Allocation handlers of the compliance cycle: the pre-allocation and the final allocation (with
the obligation it determines), each by a regulator under the entity's plan.

Kept apart from :mod:`openets.compliance.cycle` (borrowing, surrender, carry-over, penalties,
deductions) because allocation is the one part that reads the installations, the reports and the
plan's allocation methods.
"""

from __future__ import annotations

from typing import Any

from openets.compliance.allocation import final_allocation_t, preallocation_t
from openets.compliance.calendar import StepKind
from openets.compliance.cycle_messages import (
    FinalAllocationDetermined,
    FinalizeAllocation,
    ObligationDetermined,
    PreAllocate,
    PreAllocationDetermined,
)
from openets.compliance.industry import emission_preallocation_t, industry_final_t
from openets.compliance.obligations import UnitPosition, compute_obligation, is_late
from openets.compliance.plans import (
    Category,
    Cooling,
    Plan,
    Sector,
)
from openets.compliance.state import (
    ComplianceState,
    ReportLine,
    ReportStatus,
    UnitTonnes,
    check_lines,
    entity_for_regulator,
)
from openets.domain.messages import Ctx, Event
from openets.domain.products import cea_for_year
from openets.domain.rejection import Code, Rejection

Result = tuple[Event, ...] | Rejection
"""A handler's answer: the events to apply, or why the command is refused."""


def _plan(state: ComplianceState, name: str, year: int) -> Plan | Rejection:
    plan = state.plans.get(name)
    if plan is None:
        known = ", ".join(state.plans)
        return Rejection(Code.INVALID_FIELD, f"unknown plan {name!r}; known: {known}", "plan")
    if year not in plan.years:
        return Rejection(
            Code.INVALID_FIELD, f"plan {name} allocates {plan.years}, not {year}", "year"
        )
    return plan


def step_late(
    plan: Plan, kinds: tuple[StepKind, ...], year: int, sectors: set[Sector], ctx: Ctx
) -> bool:
    """After the plan's step of the first of ``kinds`` it has (for the entity's sectors: the
    earliest that concerns one of them): the action is marked late."""
    for kind in kinds:
        found = [
            s
            for s in plan.steps
            if s.kind is kind
            and s.year in (None, year)
            and (not s.sectors or not sectors or sectors & set(s.sectors))
        ]
        if found:
            return is_late(ctx.now, min(s.due_at for s in found))
    return False


def _year_record_plan(
    state: ComplianceState, entity_id: str, year: int, plan: Plan
) -> Rejection | None:
    ey = state.years.get((entity_id, year))
    if ey is not None and ey.plan != plan.name:
        return Rejection(
            Code.INVALID_FIELD, f"{entity_id} {year} is allocated under plan {ey.plan}", "plan"
        )
    return None


def _allocation_target(
    state: ComplianceState, entity_id: str, plan_name: str, year: int, actor: str
) -> tuple[Any, Plan, Any] | Rejection:
    """The entity, its plan and its year record, for an allocation by a regulator."""
    entity = entity_for_regulator(state, entity_id, actor)
    if isinstance(entity, Rejection):
        return entity
    plan = _plan(state, plan_name, year)
    if isinstance(plan, Rejection):
        return plan
    bad = _year_record_plan(state, entity_id, year, plan)
    if bad is not None:
        return bad
    return entity, plan, state.years.get((entity_id, year))


def pre_allocate(state: ComplianceState, cmd: PreAllocate, ctx: Ctx) -> Result:
    target = _allocation_target(state, cmd.entity_id, cmd.plan, cmd.year, ctx.actor)
    if isinstance(target, Rejection):
        return target
    entity, plan, ey = target
    if ey is not None and ey.preallocated:
        return Rejection(Code.ALREADY_DONE, f"{cmd.entity_id} {cmd.year} is pre-allocated", "year")
    units = {
        u.unit_id: u
        for u in state.installations.get(cmd.entity_id, {}).values()
        if u.category is not None or u.sector in plan.emission_preallocation_sectors
    }
    if not units:
        industry = ", ".join(sorted(plan.emission_preallocation_sectors)) or "none"
        return Rejection(
            Code.INVALID_STATE,
            f"{cmd.entity_id} has no installation plan {plan.name} pre-allocates (power units; "
            f"industrial sectors pre-allocated on emissions: {industry})",
            "entity_id",
        )
    prior = cmd.prior
    if not prior:
        report = state.reports.get((cmd.entity_id, cmd.year - 1))
        if report is None or report.status is not ReportStatus.APPROVED:
            return Rejection(
                Code.INVALID_STATE,
                f"no prior output given and no approved {cmd.year - 1} report",
                "prior",
            )
        prior = report.verified
    bad = check_lines(state, cmd.entity_id, prior, "prior", complete=False)
    if bad is not None:
        return bad
    by_unit = {line.unit_id: line for line in prior}
    tonnes = []
    for unit_id in sorted(units):
        unit = units[unit_id]
        found = by_unit.get(unit_id)
        if found is None:
            t = 0
        elif unit.category is None:  # an industrial installation: its prior verified emissions
            t = emission_preallocation_t(plan, found.emissions_t)
        else:
            t = preallocation_t(plan, unit.category, unit.cooling, found.activity)
        tonnes.append(UnitTonnes(unit_id, t))
    total = sum(u.tonnes for u in tonnes)
    withheld = min(total, state.withholding_due(cmd.entity_id, cmd.year))
    return (
        PreAllocationDetermined(
            entity.entity_id,
            entity.account_id,
            entity.province,
            cmd.year,
            plan.name,
            cea_for_year(cmd.year),
            tuple(tonnes),
            total,
            withheld,
            total - withheld,
            step_late(plan, (StepKind.PREALLOCATION,), cmd.year,
                      {u.sector for u in units.values()}, ctx),
        ),
    )  # fmt: skip


def _unit_final_t(
    plan: Plan, unit_sector: Sector, category: Category | None, line: ReportLine, cooling: Cooling
) -> int | None:
    if category is not None:
        return final_allocation_t(plan, category, cooling, line.activity)
    return industry_final_t(plan, unit_sector, line.emissions_t, line.output_t)


def finalize_allocation(state: ComplianceState, cmd: FinalizeAllocation, ctx: Ctx) -> Result:
    target = _allocation_target(state, cmd.entity_id, cmd.plan, cmd.year, ctx.actor)
    if isinstance(target, Rejection):
        return target
    entity, plan, ey = target
    if ey is not None and ey.final_allocation_t is not None:
        return Rejection(Code.ALREADY_DONE, f"{cmd.entity_id} {cmd.year} is finalised", "year")
    report = state.reports.get((cmd.entity_id, cmd.year))
    if report is None or report.status is not ReportStatus.APPROVED:
        return Rejection(
            Code.INVALID_STATE, f"the {cmd.year} report of {cmd.entity_id} is not approved", "year"
        )
    installations = state.installations.get(cmd.entity_id, {})
    tonnes: list[UnitTonnes] = []
    positions: list[UnitPosition] = []
    for line in sorted(report.verified, key=lambda x: x.unit_id):
        unit = installations[line.unit_id]
        final = _unit_final_t(plan, unit.sector, unit.category, line, unit.cooling)
        if final is None:
            return Rejection(
                Code.INVALID_STATE,
                f"plan {plan.name} has no allocation method for sector {unit.sector}",
                "plan",
            )
        tonnes.append(UnitTonnes(line.unit_id, final))
        positions.append(
            UnitPosition(line.unit_id, unit.category is Category.GAS, line.emissions_t, final)
        )
    total = sum(u.tonnes for u in tonnes)
    pre = ey.preallocation_t if ey is not None else 0
    true_up = total - pre
    withheld = min(max(0, true_up), state.withholding_due(cmd.entity_id, cmd.year))
    obligation = compute_obligation(plan, positions)
    return (
        FinalAllocationDetermined(
            entity.entity_id,
            entity.account_id,
            entity.province,
            cmd.year,
            plan.name,
            cea_for_year(cmd.year),
            tuple(tonnes),
            total,
            pre,
            true_up,
            withheld,
            max(0, true_up) - withheld,
            max(0, -true_up),
            step_late(
                plan,
                (StepKind.FINAL_ISSUANCE, StepKind.FINAL_QUANTITIES),
                cmd.year,
                {installations[x.unit_id].sector for x in report.verified},
                ctx,
            ),
        ),
        ObligationDetermined(entity.entity_id, cmd.year, obligation),
    )
