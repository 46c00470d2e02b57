"""The carry-over of Plan 23-24 (cn-ets-rules.md §7.4, §13): each entity may carry its vintages
up to CEA24 into the 2025+ obligations only up to ``10,000 t + 1.5 × its net sales 2019-2024``.

Net sales come from the trading context's dated trade ledger (sold minus bought, by trade date),
so a sale made on 2024-12-31 counts for 2024 even before it settles. Until the 2024 surrender
deadline the figure is shown to the entity (:func:`carry_over_view`, ``GET
/compliance/carry-over``); once it has passed, ``ApplyCarryOver`` (one journaled command, a
national regulator's) fixes every entity's quota and marks what it holds of those vintages
above the quota as **not carried over**: what happens to those allowances is not confirmed
(§7.4 [U]), so they are not cancelled; the surrender rule refuses them for 2025+ obligations
(``CARRY_OVER_LIMIT``). Applying it before the deadline is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openets.compliance.calendar import StepKind
from openets.compliance.obligations import carry_over_quota_t, is_carried_vintage, is_late
from openets.compliance.plans import CarryOver, Plan
from openets.compliance.service import CompliancePart, part
from openets.compliance.state import NATIONAL, SYSTEM_ACTOR, EntityRecord
from openets.domain.checks import check_types
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState, apply_part
from openets.registry import port as reg
from openets.trading import port as trading_port


@dataclass(frozen=True, slots=True)
class ApplyCarryOver(Command):
    """After the surrender deadline of ``year`` (the carry-over year, 2024): fix every covered
    entity's carry-over quota and mark its excess of old vintages as not carried over."""

    year: int


@dataclass(frozen=True, slots=True)
class CarryOverApplied(Event):
    entity_id: str
    account_id: str
    year: int
    sold_t: int
    bought_t: int
    """CEA sold and bought in trades made in 2019..``year`` (trade date)."""
    quota_t: int
    """10,000 t + 1.5 × max(0, sold − bought), rounded down (or the quota already determined)."""
    held_t: int
    """Vintages up to ``year`` the account held at the deadline (every bucket)."""
    not_carried_t: int
    """``held_t`` above the quota: not usable for later obligations."""


@dataclass(frozen=True, slots=True)
class CarryOverView:
    entity_id: str
    account_id: str
    year: int
    sold_t: int
    bought_t: int
    net_sales_t: int
    base_t: int
    sales_multiple: str
    quota_t: int
    held_t: int
    carried_t: int
    not_carried_t: int
    deadline_at: datetime
    applied: bool


def _rule(comp: CompliancePart, year: int) -> tuple[Plan, CarryOver] | Rejection:
    plan = comp.plan_for(year)
    if plan is None or plan.carry_over is None or plan.carry_over.last_vintage_year != year:
        years = sorted(
            {p.carry_over.last_vintage_year for p in comp.plans.values() if p.carry_over}
        )
        return Rejection(
            Code.INVALID_FIELD,
            f"no carry-over is decided at the end of {year}; the carry-over year is "
            + (", ".join(map(str, years)) or "not set by any plan"),
            "year",
        )
    return plan, plan.carry_over


def held_old_t(m: MarketState, account_id: str, rule: CarryOver) -> int:
    """Tonnes of the carried vintages (up to CEA24) in the account, every bucket."""
    return sum(
        reg.held(m, account_id, product)
        for product in reg.products(m)
        if is_carried_vintage(rule, product)
    )


def carry_over_view(
    m: MarketState,
    entity: EntityRecord,
    year: int,
    traded: dict[str, tuple[int, int]] | None = None,
) -> CarryOverView | Rejection:
    """What the entity may carry over: applied figures once applied, else as of now.
    ``traded``: the ledger's totals of 2019..``year`` (``TradingState.traded``), when the
    caller reads many entities."""
    comp = part(m)
    found = _rule(comp, year)
    if isinstance(found, Rejection):
        return found
    plan, rule = found
    applied = comp.carry_over_applied.get(entity.entity_id)
    if applied is not None:
        sold, bought, quota, held, excess = applied
    else:
        totals = traded if traded is not None else trading_port.traded(m, 2019, year)
        sold, bought = totals.get(entity.account_id, (0, 0))
        quota = comp.carry_over_quota.get(entity.entity_id, carry_over_quota_t(rule, sold - bought))
        held = held_old_t(m, entity.account_id, rule)
        excess = max(0, held - quota)
    return CarryOverView(
        entity.entity_id,
        entity.account_id,
        year,
        sold,
        bought,
        sold - bought,
        rule.base_t,
        str(Decimal(rule.sales_multiple.numerator) / Decimal(rule.sales_multiple.denominator)),
        quota,
        held,
        held - excess,
        excess,
        _deadline(plan),
        applied is not None,
    )


def _deadline(plan: Plan) -> datetime:
    step = plan.step(StepKind.CARRY_OVER)
    return plan.deadline_at if step is None else step.due_at


def apply_carry_over(m: MarketState, cmd: ApplyCarryOver, ctx: Ctx) -> Result:
    bad = check_types(cmd)
    if bad is not None:
        return bad
    comp = part(m)
    if ctx.actor != SYSTEM_ACTOR and comp.regulators.get(ctx.actor) != NATIONAL:
        return Rejection(Code.NOT_PERMITTED, f"{ctx.actor} is not a national regulator", "actor")
    found = _rule(comp, cmd.year)
    if isinstance(found, Rejection):
        return found
    plan, rule = found
    due = _deadline(plan)
    if not is_late(ctx.now, due):
        return Rejection(
            Code.INVALID_STATE,
            f"the carry-over applies after the {cmd.year} surrender deadline "
            f"{plan.deadline_text} (Beijing); it is {ctx.now.isoformat(timespec='minutes')}",
            "year",
        )
    if comp.carry_over_applied:
        return Rejection(Code.ALREADY_DONE, f"the carry-over after {cmd.year} is applied", "year")
    traded = trading_port.traded(m, 2019, cmd.year)
    events: list[Event] = []
    for eid in sorted(comp.entities):
        e = comp.entities[eid]
        sold, bought = traded.get(e.account_id, (0, 0))
        quota = comp.carry_over_quota.get(eid, carry_over_quota_t(rule, sold - bought))
        held = held_old_t(m, e.account_id, rule)
        events.append(
            CarryOverApplied(
                eid, e.account_id, cmd.year, sold, bought, quota, held, max(0, held - quota)
            )
        )
    if not events:
        return Rejection(Code.INVALID_STATE, "no covered entities", "year")
    return tuple(events)


def _apply(comp: CompliancePart, ev: CarryOverApplied) -> None:
    comp.carry_over_quota[ev.entity_id] = ev.quota_t
    comp.carry_over_applied[ev.entity_id] = (
        ev.sold_t, ev.bought_t, ev.quota_t, ev.held_t, ev.not_carried_t
    )  # fmt: skip


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[ApplyCarryOver] = apply_carry_over
    appliers[CarryOverApplied] = apply_part("compliance", _apply)
