"""The yearly calendar and the carry-over over HTTP.

==========================================  ======================  ==========================
``GET /compliance/calendar?year=``          the entity; staff       the plan's dated steps
``GET /compliance/calendar/due``            the entity; staff       steps due within 30 days
``GET /compliance/carry-over?year=``        the entity; staff       what each may carry over
``POST /compliance/carry-over/apply``       national regulator      ApplyCarryOver
==========================================  ======================  ==========================

Each step says when it is due (Beijing time, with its clock time), how long remains, what the
registry does out of time (``late``, ``refuse_after``, ``refuse_before``, ``notice``), whom it
concerns, and for a participant whether its entity has done it. :func:`due_steps` gives the
steps due soon for one user (the notifications and the first page's card use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from openets.api.auth import Action, Principal, authorize
from openets.api.deps import CommandDep, PrincipalDep, Render, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.notify import Note, Params
from openets.api.routers._compliance_views import visible_entities
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, InModel, OutModel
from openets.compliance.calendar import Step, StepKind, remaining
from openets.compliance.plans import Plan
from openets.compliance.service import CompliancePart, part
from openets.compliance.service_carry_over import (
    ApplyCarryOver,
    CarryOverApplied,
    carry_over_view,
)
from openets.compliance.state import EntityRecord
from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState

router = APIRouter(tags=["compliance"])

DUE_WITHIN = timedelta(days=30)
"""A step shows as due (notifications, the first page) from 30 days before it."""


class StepOut(OutModel):
    key: str
    """``report.2025``, ``preallocation.power``, ``final_issuance``, ``surrender`` …"""
    kind: str
    year: int | None
    due: str
    """The day (Beijing)."""
    at: str | None
    """The clock time (Beijing), ``17:00``; null: the end of the day."""
    due_at: str
    """The last moment on time, ISO 8601 with the +08:00 offset."""
    due_text: str
    timezone: str
    enforcement: str
    """``late`` (accepted, marked late), ``refuse_after``, ``refuse_before`` or ``notice``."""
    roles: list[str]
    sectors: list[str]
    tag: str
    """The reference's confidence in the date: V, M or U."""
    unconfirmed: bool
    """The plan lists this step's date or time as unconfirmed (``calendar.<key>``)."""
    passed: bool
    days_left: int
    hours_left: int
    concerns_me: bool
    done: bool | None
    """For a participant: whether its entity has done it (null where it is not the entity's)."""


class CalendarOut(OutModel):
    year: int
    plan: str
    now: str
    timezone: str
    steps: list[StepOut]
    next_step: str | None
    """The key of the next step that concerns the caller."""
    unconfirmed: list[str]


class DueOut(OutModel):
    key: str
    kind: str
    year: int
    due_at: str
    due_text: str
    days_left: int
    hours_left: int
    enforcement: str


class DuesOut(OutModel):
    data: list[DueOut]
    count: int


class CarryOverOut(OutModel):
    entity_id: str
    account_id: str
    year: int
    sold_t: int
    bought_t: int
    net_sales_t: int
    """Sold minus bought, CEA, trades made (trade date) from 2019 to ``year``."""
    base_t: int
    sales_multiple: str
    quota_t: int
    """``base_t + sales_multiple × max(0, net_sales_t)``, rounded down."""
    held_t: int
    """Vintages up to ``year`` held (every bucket)."""
    carried_t: int
    not_carried_t: int
    """Held above the quota: not usable for later obligations (marked, not cancelled)."""
    deadline_at: str
    applied: bool


class CarryOversOut(OutModel):
    data: list[CarryOverOut]
    count: int


class CarryOverApplyIn(InModel):
    year: int


class CarryOverAppliedOut(OutModel):
    year: int
    entities: int
    not_carried_t: int


@dataclass(frozen=True, slots=True)
class Due:
    plan: Plan
    step: Step
    days_left: int
    hours_left: int


def _entity_sector(comp: CompliancePart, entity: EntityRecord | None) -> set[str]:
    if entity is None:
        return set()
    sector = comp.sectors.get(entity.entity_id)
    if sector is not None:
        return {str(sector)}
    return {str(u.sector) for u in comp.installations.get(entity.entity_id, {}).values()}


def _concerns(step: Step, role: str, sectors: set[str]) -> bool:
    if role not in step.roles:
        return False
    return not step.sectors or not sectors or bool(sectors & set(step.sectors))


def _done(comp: CompliancePart, plan: Plan, step: Step, entity: EntityRecord | None) -> bool | None:
    """Whether the participant's entity has done the step (None: not an entity's step)."""
    if entity is None:
        return None
    eid = entity.entity_id
    years = (step.year,) if step.year is not None else plan.years
    eys = [comp.years.get((eid, y)) for y in years]
    match step.kind:
        case StepKind.REPORT:
            return all((eid, y) in comp.reports for y in years)
        case StepKind.PREALLOCATION:
            return all(ey is not None and ey.preallocated for ey in eys)
        case StepKind.FINAL_ISSUANCE | StepKind.FINAL_QUANTITIES:
            return all(ey is not None and ey.final_allocation_t is not None for ey in eys)
        case StepKind.SURRENDER | StepKind.INTERIM:
            return all(
                ey is not None
                and ey.obligation is not None
                and ey.on_time_t + ey.late_t >= ey.obligation.obligation_t
                for ey in eys
            )
        case StepKind.CARRY_OVER:
            return eid in comp.carry_over_applied
    return None


def _own_entity(comp: CompliancePart, principal: Principal) -> EntityRecord | None:
    if not principal.is_participant:
        return None
    return comp.entity_for_account(principal.account_id or "")


def _step_out(
    comp: CompliancePart, plan: Plan, step: Step, now: datetime, principal: Principal
) -> StepOut:
    entity = _own_entity(comp, principal)
    days, hours = remaining(step, now)
    return StepOut(
        key=step.key,
        kind=str(step.kind),
        year=step.year,
        due=step.due.isoformat(),
        at=None if step.at is None else step.at.strftime("%H:%M"),
        due_at=step.due_at.isoformat(),
        due_text=step.due_text,
        timezone="Asia/Shanghai",
        enforcement=str(step.enforcement),
        roles=list(step.roles),
        sectors=[str(s) for s in step.sectors],
        tag=step.tag,
        unconfirmed=f"calendar.{step.key}" in plan.unconfirmed
        or (step.key == "surrender" and "calendar.surrender.time" in plan.unconfirmed),
        passed=step.is_late(now),
        days_left=days,
        hours_left=hours,
        concerns_me=_concerns(step, principal.role.value, _entity_sector(comp, entity)),
        done=_done(comp, plan, step, entity) if principal.is_participant else None,
    )


def due_steps(st: MarketState, principal: Principal, now: datetime) -> list[Due]:
    """The steps of every plan that concern ``principal`` (its role; a participant's entity and
    sector, not yet done) and fall due within :data:`DUE_WITHIN`, soonest first."""
    comp = part(st)
    entity = _own_entity(comp, principal)
    if principal.is_participant and entity is None:
        return []
    sectors = _entity_sector(comp, entity)
    out: list[Due] = []
    for plan in comp.plans.values():
        for step in plan.steps:
            if not now <= step.due_at <= now + DUE_WITHIN:
                continue
            if not _concerns(step, principal.role.value, sectors):
                continue
            if _done(comp, plan, step, entity):
                continue
            days, hours = remaining(step, now)
            out.append(Due(plan, step, days, hours))
    unique = {(d.step.key, d.step.due_at): d for d in out}  # plans sharing a cycle share steps
    return sorted(unique.values(), key=lambda d: (d.step.due_at, d.step.key))


STEP_LINKS = {
    "participant": "/compliance",
    "regulator": "/regulator/compliance",
    "registry_operator": "/registry/issuance",
    "verifier": "/regulator/compliance",
}


def due_notes(st: MarketState, principal: Principal, now: datetime) -> list[Note]:
    """The steps due soon for ``principal`` as notifications (``step_due``), soonest first; their
    ids are stable (``due-<step>-<day>``), so a read mark sticks."""
    out = []
    for d in due_steps(st, principal, now):
        params: Params = {
            "step_kind": str(d.step.kind),
            "step": d.step.key,
            "year": str(d.step.year or d.plan.years[-1]),
            "due": d.step.due_text,
            "days_left": d.days_left,
            "hours_left": d.hours_left,
            "enforcement": str(d.step.enforcement),
        }
        out.append(
            Note(
                f"due-{d.step.key}-{d.step.due.isoformat()}",
                0,
                now.isoformat(),
                "step_due",
                params,
                user=principal.username,
                link=STEP_LINKS.get(principal.role.value, ""),
            )
        )
    return out


@router.get("/compliance/calendar", response_model=CalendarOut, responses=QUERY_ERRORS)
async def calendar(
    principal: PrincipalDep,
    services: ServicesDep,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> Response:
    """The dated steps of the plan that allocates ``year``: what is due, by when (Beijing time,
    with its clock time), how long remains, what the registry does out of time."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    comp = part(services.state)
    plan = comp.plan_for(year)
    if plan is None:
        known = ", ".join(str(y) for p in comp.plans.values() for y in p.years)
        raise ApiError(Code.INVALID_FIELD, f"no plan covers {year}; plans cover {known}", "year")
    now = services.clock.now()
    steps = [_step_out(comp, plan, s, now, principal) for s in plan.steps]
    nxt = next((s.key for s in steps if s.concerns_me and not s.passed and not s.done), None)
    out = CalendarOut(
        year=year,
        plan=plan.name,
        now=now.isoformat(),
        timezone="Asia/Shanghai",
        steps=steps,
        next_step=nxt,
        unconfirmed=[u for u in plan.unconfirmed if u.startswith("calendar.")],
    )
    return json_response(out)


@router.get("/compliance/calendar/due", response_model=DuesOut, responses=QUERY_ERRORS)
async def due(principal: PrincipalDep, services: ServicesDep) -> Response:
    """The steps of every plan due within 30 days that concern the caller (its role; for a
    participant its entity's sector, and not yet done), soonest first."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    data = [
        DueOut(
            key=d.step.key,
            kind=str(d.step.kind),
            year=d.step.year or d.plan.years[-1],
            due_at=d.step.due_at.isoformat(),
            due_text=d.step.due_text,
            days_left=d.days_left,
            hours_left=d.hours_left,
            enforcement=str(d.step.enforcement),
        )
        for d in due_steps(services.state, principal, services.clock.now())
    ]
    return json_response(DuesOut(data=data, count=len(data)))


@router.get("/compliance/carry-over", response_model=CarryOversOut, responses=QUERY_ERRORS)
async def carry_over(
    principal: PrincipalDep,
    services: ServicesDep,
    year: Annotated[int, Query(ge=2000, le=2100)] = 2024,
    entity_id: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """What each visible entity may carry over past ``year`` (a participant: its own): net sales
    by trade date, the quota, what it holds of the old vintages and what would not be carried;
    as of now until the deadline, as applied after it."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    st = services.state
    comp = part(st)
    data: list[CarryOverOut] = []
    traded = st.trading.traded(2019, year)
    for e in visible_entities(comp, principal, entity_id):
        v = carry_over_view(st, e, year, traded)
        if isinstance(v, Rejection):
            raise ApiError(v.code, v.message, "year")
        data.append(
            CarryOverOut(
                entity_id=v.entity_id,
                account_id=v.account_id,
                year=v.year,
                sold_t=v.sold_t,
                bought_t=v.bought_t,
                net_sales_t=v.net_sales_t,
                base_t=v.base_t,
                sales_multiple=v.sales_multiple,
                quota_t=v.quota_t,
                held_t=v.held_t,
                carried_t=v.carried_t,
                not_carried_t=v.not_carried_t,
                deadline_at=v.deadline_at.isoformat(),
                applied=v.applied,
            )
        )
    if entity_id is not None and not data:
        raise ApiError(Code.INVALID_FIELD, f"no entity {entity_id!r} visible to you", "entity_id")
    return json_response(CarryOversOut(data=data, count=len(data)))


def _render_applied(year: int) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> CarryOverAppliedOut:
        applied = [e for e in events if isinstance(e, CarryOverApplied)]
        return CarryOverAppliedOut(
            year=year,
            entities=len(applied),
            not_carried_t=sum(e.not_carried_t for e in applied),
        )

    return render


@router.post(
    "/compliance/carry-over/apply",
    status_code=201,
    response_model=CarryOverAppliedOut,
    responses=COMMAND_ERRORS,
)
async def apply_carry_over(body: CarryOverApplyIn, cmd: CommandDep) -> Response:
    """After the ``year`` surrender deadline (refused before it): fix every entity's carry-over
    quota and mark its old vintages above it as not carried over (a national regulator)."""
    cmd.require(Action.COMPLIANCE_PENALIZE)
    return await cmd.run(ApplyCarryOver(body.year), _render_applied(body.year))
