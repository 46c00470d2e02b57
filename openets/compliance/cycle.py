"""Handlers of the compliance cycle after MRV: allocation, obligation, borrowing, surrender,
penalties, and how their events change the state. The messages, and what each event asks of
the registry, are in :mod:`openets.compliance.cycle_messages`; the allocation handlers in
:mod:`openets.compliance.cycle_allocation` and the appliers in :mod:`openets.compliance.cycle_apply`
(this module's ``HANDLERS`` and ``apply_cycle`` cover the whole cycle).

The engine runs :func:`openets.compliance.mrv.handle` for ``RecordSurrender`` and the registry's
surrender together and applies both sets of events only if neither is refused.
"""

from __future__ import annotations

from openets.compliance.cycle_allocation import Result, finalize_allocation, pre_allocate
from openets.compliance.cycle_apply import apply_cycle
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
from openets.compliance.obligations import (
    Obligation,
    borrowing_limit_t,
    borrowing_vintage,
    carry_over_quota_t,
    is_carried_vintage,
    is_late,
)
from openets.compliance.penalties import MonthlyPrice, assess, penalty_month
from openets.compliance.plans import Plan, carry_over_for
from openets.compliance.rules import SurrenderCheck, validate_surrender
from openets.compliance.state import (
    ComplianceState,
    EntityRecord,
    EntityYear,
    entity_for_operator,
    entity_for_regulator,
)
from openets.domain.messages import Ctx
from openets.domain.money import format_yuan
from openets.domain.products import is_ccer
from openets.domain.rejection import Code, Rejection
from openets.domain.tables import PartTable

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


HANDLERS = PartTable[ComplianceState]()
HANDLERS[PreAllocate] = pre_allocate
HANDLERS[FinalizeAllocation] = finalize_allocation
HANDLERS[BorrowAllowances] = _borrow
HANDLERS[RecordSurrender] = _surrender
HANDLERS[DetermineCarryOver] = _carry_over
HANDLERS[AssessPenalty] = _assess_penalty
HANDLERS[DeductAllocation] = _deduct
