"""Handlers of the compliance cycle after MRV: allocation, obligation, borrowing, surrender,
penalties, and how their events change the state. The messages, and what each event asks of
the registry, are in :mod:`openets.compliance.cycle_messages`.

The engine runs :func:`openets.compliance.mrv.handle` for ``RecordSurrender`` and the registry's
surrender together and applies both sets of events only if neither is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openets.compliance.allocation import final_allocation_t, preallocation_t
from openets.compliance.calendar import StepKind
from openets.compliance.cycle_messages import (
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
from openets.compliance.industry import emission_preallocation_t, industry_final_t
from openets.compliance.obligations import (
    Obligation,
    UnitPosition,
    borrowing_limit_t,
    borrowing_vintage,
    carry_over_quota_t,
    compute_obligation,
    is_carried_vintage,
    is_late,
)
from openets.compliance.penalties import MonthlyPrice, assess, penalty_month
from openets.compliance.plans import (
    Category,
    Cooling,
    Plan,
    Sector,
    carry_over_for,
)
from openets.compliance.rules import SurrenderCheck, validate_surrender
from openets.compliance.state import (
    ComplianceState,
    EntityRecord,
    EntityYear,
    ReportLine,
    ReportStatus,
    UnitTonnes,
    check_lines,
    entity_for_operator,
    entity_for_regulator,
)
from openets.domain.messages import Command, Ctx, Event
from openets.domain.money import format_yuan
from openets.domain.products import cea_for_year, is_ccer
from openets.domain.rejection import Code, Rejection

__all__ = [
    "HANDLERS",
    "AllocationDeductionScheduled",
    "AllowancesBorrowed",
    "AssessPenalty",
    "BorrowAllowances",
    "CarryOverDetermined",
    "DeductAllocation",
    "DetermineCarryOver",
    "FinalAllocationDetermined",
    "FinalizeAllocation",
    "ObligationDetermined",
    "PenaltyAssessed",
    "PreAllocate",
    "PreAllocationDetermined",
    "RecordSurrender",
    "SurrenderRecorded",
    "apply_cycle",
]

Result = tuple[Event, ...] | Rejection

# --- handlers -------------------------------------------------------------------------------


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


def _pre_allocate(state: ComplianceState, cmd: PreAllocate, ctx: Ctx) -> Result:
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


def _finalize(state: ComplianceState, cmd: FinalizeAllocation, ctx: Ctx) -> Result:
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


def _year_with_obligation(
    state: ComplianceState, entity_id: str, year: int
) -> tuple[EntityYear, Obligation, Plan] | Rejection:
    ey = state.years.get((entity_id, year))
    if ey is None or ey.obligation is None:
        return Rejection(
            Code.INVALID_STATE, f"the {year} obligation of {entity_id} is not determined", "year"
        )
    return ey, ey.obligation, state.plans[ey.plan]


def _borrow(state: ComplianceState, cmd: BorrowAllowances, ctx: Ctx) -> Result:
    entity = entity_for_operator(state, cmd.entity_id, ctx.actor)
    if isinstance(entity, Rejection):
        return entity
    found = _year_with_obligation(state, cmd.entity_id, cmd.year)
    if isinstance(found, Rejection):
        return found
    ey, obligation, plan = found
    vintage = borrowing_vintage(plan)
    if plan.borrowing is None or vintage is None:
        return Rejection(Code.NOT_PERMITTED, f"plan {plan.name} allows no borrowing", "year")
    if is_late(ctx.now, plan.deadline_at):
        return Rejection(
            Code.DEADLINE_PASSED, f"borrowing closed with the deadline {plan.deadline_text}", "year"
        )
    if cmd.quantity <= 0:
        return Rejection(
            Code.INVALID_QUANTITY, f"quantity must be positive, was {cmd.quantity}", "quantity"
        )
    limit = borrowing_limit_t(plan, obligation)
    if ey.borrowed_t + cmd.quantity > limit:
        return Rejection(
            Code.CAP_EXCEEDED,
            f"borrowing would total {ey.borrowed_t + cmd.quantity} t, the limit is {limit} t "
            f"(gap {obligation.gap_t} t on allocation {obligation.allocation_t} t; a gap over "
            f"{plan.borrowing.gap_threshold * 100}% of the allocation allows "
            f"{plan.borrowing.max_share_of_gap * 100}% of it)",
            "quantity",
        )
    return (
        AllowancesBorrowed(
            entity.entity_id,
            entity.account_id,
            entity.province,
            cmd.year,
            vintage,
            cmd.quantity,
            plan.borrowing.from_vintage_year,
        ),
    )


def _surrender(state: ComplianceState, cmd: RecordSurrender, ctx: Ctx) -> Result:
    entity = entity_for_operator(state, cmd.entity_id, ctx.actor)
    if isinstance(entity, Rejection):
        return entity
    ey = state.years.get((cmd.entity_id, cmd.year))
    plan = state.plans.get(ey.plan) if ey is not None else state.plan_for(cmd.year)
    if plan is None:
        return Rejection(Code.INVALID_FIELD, f"no plan covers {cmd.year}", "compliance_year")
    rule = carry_over_for(cmd.year, state.plans)
    quota = 0
    if rule is not None:
        quota = state.carry_over_quota.get(cmd.entity_id, carry_over_quota_t(rule, 0))
    check = SurrenderCheck(
        plan=plan,
        year=cmd.year,
        items=cmd.items,
        at=ctx.now,
        obligation_t=None if ey is None or ey.obligation is None else ey.obligation.obligation_t,
        surrendered_t=0 if ey is None else ey.on_time_t + ey.late_t,
        surrendered_ccer_t=0 if ey is None else ey.ccer_t,
        borrowed_t=0 if ey is None else ey.borrowed_t,
        borrowed_used_t=0 if ey is None else ey.borrowed_used_t,
        carry_over=rule,
        carry_over_quota_t=quota,
        carry_over_used_t=state.carry_over_used.get(cmd.entity_id, 0),
    )
    rejection = validate_surrender(check)
    if rejection is not None:
        return rejection
    vintage = borrowing_vintage(plan) if check.borrowed_t else None
    carried = 0
    if rule is not None and cmd.year > rule.last_vintage_year:
        carried = check.quantity_of(lambda p: is_carried_vintage(rule, p))
    recorded = SurrenderRecorded(
        entity.entity_id,
        entity.account_id,
        entity.province,
        cmd.year,
        cmd.items,
        is_late(ctx.now, plan.deadline_at),
        check.quantity_of(is_ccer),
        check.quantity_of(lambda p: p == vintage),
        carried,
    )
    return (recorded,)


def _carry_over(state: ComplianceState, cmd: DetermineCarryOver, ctx: Ctx) -> Result:
    entity = entity_for_regulator(state, cmd.entity_id, ctx.actor)
    if isinstance(entity, Rejection):
        return entity
    rules = [p.carry_over for p in state.plans.values() if p.carry_over is not None]
    if not rules:
        return Rejection(Code.NOT_PERMITTED, "no plan has a carry-over rule", "entity_id")
    if cmd.entity_id in state.carry_over_quota:
        return Rejection(
            Code.ALREADY_DONE, f"the carry-over of {cmd.entity_id} is determined", "entity_id"
        )
    quota = carry_over_quota_t(rules[0], cmd.net_sales_t)
    return (CarryOverDetermined(cmd.entity_id, cmd.net_sales_t, quota),)


def _after_deadline_shortfall(
    state: ComplianceState, entity_id: str, year: int, ctx: Ctx
) -> tuple[EntityRecord, EntityYear, Plan, int] | Rejection:
    entity = entity_for_regulator(state, entity_id, ctx.actor)
    if isinstance(entity, Rejection):
        return entity
    found = _year_with_obligation(state, entity_id, year)
    if isinstance(found, Rejection):
        return found
    ey, obligation, plan = found
    if not is_late(ctx.now, plan.deadline_at):
        return Rejection(
            Code.INVALID_STATE, f"the deadline {plan.deadline_text} has not passed", "year"
        )
    shortfall = max(0, obligation.obligation_t - ey.on_time_t - ey.late_t)
    if shortfall == 0:
        return Rejection(Code.INVALID_STATE, f"{entity_id} owes nothing for {year}", "year")
    return entity, ey, plan, shortfall


def _assess_penalty(state: ComplianceState, cmd: AssessPenalty, ctx: Ctx) -> Result:
    found = _after_deadline_shortfall(state, cmd.entity_id, cmd.year, ctx)
    if isinstance(found, Rejection):
        return found
    _, ey, plan, shortfall = found
    if ey.penalty_fine_fen is not None:
        return Rejection(Code.ALREADY_DONE, f"a penalty for {cmd.year} was assessed", "year")
    if cmd.trade_value_fen < 0 or cmd.trade_quantity_t < 0:
        return Rejection(Code.INVALID_FIELD, "trade totals must be ≥ 0", "trade_value_fen")
    start, end = penalty_month(plan.deadline)
    price = MonthlyPrice(start, end, cmd.trade_value_fen, cmd.trade_quantity_t, 0)
    assessment = assess(plan.penalty_regime, shortfall, price)
    if isinstance(assessment, Rejection):
        return assessment
    if not assessment.fine_min_fen <= cmd.fine_fen <= assessment.fine_max_fen:
        return Rejection(
            Code.INVALID_AMOUNT,
            f"fine {format_yuan(cmd.fine_fen)} yuan is outside "
            f"{format_yuan(assessment.fine_min_fen)}..{format_yuan(assessment.fine_max_fen)} yuan "
            f"({plan.penalty_regime})",
            "fine_fen",
        )
    return (
        PenaltyAssessed(
            cmd.entity_id,
            cmd.year,
            plan.penalty_regime,
            shortfall,
            assessment.fine_min_fen,
            assessment.fine_max_fen,
            cmd.fine_fen,
            assessment.average_price_fen,
        ),
    )


def _deduct(state: ComplianceState, cmd: DeductAllocation, ctx: Ctx) -> Result:
    found = _after_deadline_shortfall(state, cmd.entity_id, cmd.year, ctx)
    if isinstance(found, Rejection):
        return found
    _, ey, plan, shortfall = found
    if ey.deduction_scheduled_t is not None:
        return Rejection(Code.ALREADY_DONE, f"a deduction for {cmd.year} is scheduled", "year")
    return (
        AllocationDeductionScheduled(cmd.entity_id, cmd.year, max(plan.cycle_years) + 1, shortfall),
    )


HANDLERS: dict[type[Command], Callable[[ComplianceState, Any, Ctx], Result]] = {
    PreAllocate: _pre_allocate,
    FinalizeAllocation: _finalize,
    BorrowAllowances: _borrow,
    RecordSurrender: _surrender,
    DetermineCarryOver: _carry_over,
    AssessPenalty: _assess_penalty,
    DeductAllocation: _deduct,
}


# --- apply ----------------------------------------------------------------------------------


def _year(state: ComplianceState, entity_id: str, year: int, plan: str) -> EntityYear:
    key = (entity_id, year)
    ey = state.years.get(key)
    if ey is None:
        ey = state.years[key] = EntityYear(entity_id, year, plan)
    return ey


def _consume_withholding(state: ComplianceState, entity_id: str, year: int, qty: int) -> None:
    for key in sorted(k for k in state.withholdings if k[0] == entity_id and k[1] <= year):
        if qty == 0:
            break
        take = min(qty, state.withholdings[key])
        state.withholdings[key] -= take
        qty -= take
        if state.withholdings[key] == 0:
            del state.withholdings[key]
    if qty:
        raise AssertionError(f"withheld more than was due for {entity_id} {year}")


def _apply_surrender(state: ComplianceState, e: SurrenderRecorded) -> None:
    ey = state.years[(e.entity_id, e.year)]
    total = sum(i.quantity for i in e.items)
    if e.late:
        ey.late_t += total
    else:
        ey.on_time_t += total
    ey.ccer_t += e.ccer_t
    ey.borrowed_used_t += e.borrowed_vintage_t
    for i in e.items:
        ey.by_product[i.product] = ey.by_product.get(i.product, 0) + i.quantity
    if e.carried_over_t:
        used = state.carry_over_used.get(e.entity_id, 0)
        state.carry_over_used[e.entity_id] = used + e.carried_over_t


def apply_cycle(state: ComplianceState, event: Event) -> bool:
    """Apply a cycle event; False if it is not one."""
    match event:
        case PreAllocationDetermined() as e:
            ey = _year(state, e.entity_id, e.year, e.plan)
            ey.preallocation_t = e.preallocation_t
            ey.preallocated = True
            ey.preallocation_late = e.late
            _consume_withholding(state, e.entity_id, e.year, e.withheld_t)
        case FinalAllocationDetermined() as e:
            ey = _year(state, e.entity_id, e.year, e.plan)
            ey.final_allocation_t = e.final_allocation_t
            ey.final_late = e.late
            _consume_withholding(state, e.entity_id, e.year, e.withheld_t)
        case ObligationDetermined() as e:
            state.years[(e.entity_id, e.year)].obligation = e.obligation
        case AllowancesBorrowed() as e:
            state.years[(e.entity_id, e.year)].borrowed_t += e.quantity
            key = (e.entity_id, e.withheld_from_year)
            state.withholdings[key] = state.withholdings.get(key, 0) + e.quantity
        case SurrenderRecorded() as e:
            _apply_surrender(state, e)
        case CarryOverDetermined() as e:
            state.carry_over_quota[e.entity_id] = e.quota_t
        case PenaltyAssessed() as e:
            state.years[(e.entity_id, e.year)].penalty_fine_fen = e.fine_fen
        case AllocationDeductionScheduled() as e:
            state.years[(e.entity_id, e.year)].deduction_scheduled_t = e.quantity
            key = (e.entity_id, e.from_year)
            state.withholdings[key] = state.withholdings.get(key, 0) + e.quantity
        case _:
            return False
    return True
