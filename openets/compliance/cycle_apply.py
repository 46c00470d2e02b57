"""How the compliance cycle's events change the compliance state (the appliers of
:mod:`openets.compliance.cycle`'s handlers), kept apart from the handlers that decide them.
"""

from __future__ import annotations

from openets.compliance.cycle_messages import (
    AllocationDeductionScheduled,
    AllowancesBorrowed,
    CarryOverDetermined,
    FinalAllocationDetermined,
    ObligationDetermined,
    PenaltyAssessed,
    PreAllocationDetermined,
    SurrenderRecorded,
)
from openets.compliance.state import ComplianceState, EntityYear
from openets.domain.messages import Event


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
