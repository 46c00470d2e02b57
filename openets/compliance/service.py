"""Compliance through the engine: MRV, allocation, borrowing, surrender and penalties, each one
command that decides the compliance events and the registry movements together.

Allowances flow ``@ISSUED → national allocation → provincial allocation → entity`` and leave
by surrender (CEA → the surrender account) or as an offset (CCER → the cancellation account)::

    IssueAllocation (national regulator)   ISSUANCE to the national account, TRANSFER to provinces
    PreAllocate / FinalizeAllocation       ISSUANCE province → entity, or CLAWBACK entity → province
    BorrowAllowances                       ISSUANCE of the borrowed vintage province → entity
    RecordSurrender, registry Surrender    SURRENDER and CANCELLATION from the entity's account

A command is refused as a whole when either side refuses (the compliance rule, e.g.
``CCER_CAP``, or the registry, e.g. ``INSUFFICIENT_HOLDINGS``): nothing changes. The registry's
``Surrender`` of an account that belongs to a registered entity is a compliance surrender, so no
surrender can bypass the compliance rules. Before ``DetermineCarryOver`` and ``AssessPenalty``
the engine fills in what only the market knows: the entity's net sales and the month's trades.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from openets.compliance import mrv
from openets.compliance import queries as cq
from openets.compliance.cycle_messages import (
    AllocationDeductionScheduled,
    AllowancesBorrowed,
    AssessPenalty,
    CarryOverDetermined,
    DetermineCarryOver,
    FinalAllocationDetermined,
    ObligationDetermined,
    PenaltyAssessed,
    PreAllocationDetermined,
    RecordSurrender,
    SurrenderRecorded,
)
from openets.compliance.obligations import is_late
from openets.compliance.plans import Sector
from openets.compliance.rules import SurrenderItem
from openets.compliance.run_messages import ComplianceRun, ObligationMet
from openets.compliance.service_inputs import month_price, net_sales_t
from openets.compliance.state import NATIONAL, SYSTEM_ACTOR, ComplianceState
from openets.domain.checks import check_types
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.products import CCER, CCER_PRE_2017, cea_for_year, is_ccer
from openets.domain.provinces import PROVINCES
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState, apply_part
from openets.registry import port as reg
from openets.registry.port import (
    ISSUED,
    Bucket,
    LedgerPosted,
    Posting,
    SubjectType,
    SystemRole,
    TxType,
)


@dataclass(slots=True)
class CompliancePart(ComplianceState):
    """The compliance state as the market holds it, with the provinces' allocation budgets."""

    budgets: dict[tuple[int, str], int] = field(default_factory=dict)
    """(year, province) → tonnes passed to the province's allocation account."""
    sectors: dict[str, Sector] = field(default_factory=dict)
    """Entity → the sector it was registered in (by the registry)."""
    runs: list[ComplianceRun] = field(default_factory=list)
    """Allocation and penalty runs, oldest first."""
    carry_over_applied: dict[str, tuple[int, int, int, int, int]] = field(default_factory=dict)
    """Entity → (sold, bought, quota, held, not carried) tonnes, once ``ApplyCarryOver`` ran
    (:mod:`openets.compliance.service_carry_over`)."""

    def canonical(self) -> dict[str, Any]:
        out = cq.canonical(self)
        out["budgets"] = sorted([y, p, t] for (y, p), t in self.budgets.items())
        out["sectors"] = sorted([e, str(s)] for e, s in self.sectors.items())
        out["carry_over_applied"] = sorted([e, *v] for e, v in self.carry_over_applied.items())
        out["runs"] = [
            [
                r.run_id,
                r.kind,
                r.plan,
                r.year,
                r.scope,
                r.regulator,
                r.entities,
                r.issued_t,
                r.clawed_back_t,
                r.fines_fen,
                [[s.entity_id, s.reason] for s in r.skipped],
            ]
            for r in self.runs
        ]
        return out

    def violations(self) -> list[str]:
        return cq.violations(self)


# --- the allocation budget ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProvinceBudget:
    province: str
    quantity: int


@dataclass(frozen=True, slots=True)
class IssueAllocation(Command):
    """Issue a year's allowances into the national allocation account and pass ``budgets``
    on to the provinces' allocation accounts (``reserve_t`` stays national)."""

    year: int
    budgets: tuple[ProvinceBudget, ...]
    reserve_t: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AllocationIssued(Event):
    year: int
    product: str
    national_t: int
    budgets: tuple[ProvinceBudget, ...]


def part(m: MarketState) -> CompliancePart:
    comp: CompliancePart = m.compliance
    return comp


def issue_allocation(m: MarketState, cmd: IssueAllocation, ctx: Ctx) -> Result:
    comp = part(m)
    if ctx.actor != SYSTEM_ACTOR and comp.regulators.get(ctx.actor) != NATIONAL:
        return Rejection(Code.NOT_PERMITTED, f"{ctx.actor} is not a national regulator", "actor")
    if comp.plan_for(cmd.year) is None:
        return Rejection(Code.INVALID_FIELD, f"no plan allocates {cmd.year}", "year")
    if not cmd.budgets:
        return Rejection(Code.INVALID_FIELD, "budgets must name at least one province", "budgets")
    seen: set[str] = set()
    for i, b in enumerate(cmd.budgets):
        if b.province not in PROVINCES or b.province in seen:
            why = "appears twice" if b.province in seen else "is not a province (e.g. 山东)"
            return Rejection(Code.INVALID_FIELD, f"{b.province!r} {why}", f"budgets[{i}].province")
        seen.add(b.province)
        if b.quantity <= 0:
            return Rejection(
                Code.INVALID_QUANTITY,
                f"quantity must be positive, was {b.quantity}",
                f"budgets[{i}].quantity",
            )
    if cmd.reserve_t < 0:
        return Rejection(
            Code.INVALID_QUANTITY, f"reserve_t must be ≥ 0, was {cmd.reserve_t}", "reserve_t"
        )
    product = cea_for_year(cmd.year)
    national = system_account(m, SystemRole.NATIONAL_ALLOCATION)
    passed = sum(b.quantity for b in cmd.budgets)
    memo = cmd.reason or f"allocation {cmd.year}"
    postings = [Posting(national, product, Bucket.AVAILABLE, -passed)]
    postings += [
        Posting(
            system_account(m, SystemRole.PROVINCIAL_ALLOCATION, b.province),
            product,
            Bucket.AVAILABLE,
            b.quantity,
        )
        for b in cmd.budgets
    ]
    return (
        reg.transfer(
            ctx.ids.next("TX"),
            TxType.ISSUANCE,
            ISSUED,
            national,
            product,
            passed + cmd.reserve_t,
            ref=str(cmd.year),
            memo=memo,
        ),
        LedgerPosted(ctx.ids.next("TX"), TxType.TRANSFER, tuple(postings), str(cmd.year), memo),
        AllocationIssued(cmd.year, product, passed + cmd.reserve_t, cmd.budgets),
    )


def _apply_issued(comp: CompliancePart, ev: AllocationIssued) -> None:
    for b in ev.budgets:
        key = (ev.year, b.province)
        comp.budgets[key] = comp.budgets.get(key, 0) + b.quantity


def system_account(m: MarketState, role: SystemRole, province: str = "") -> str:
    return reg.system_account(m, role, province)


# --- registry movements of compliance events ------------------------------------------------


def _from_province(
    m: MarketState,
    ev: PreAllocationDetermined | FinalAllocationDetermined | AllowancesBorrowed,
    qty: int,
    ctx: Ctx,
    memo: str,
) -> list[Event] | Rejection:
    """Issue ``qty`` from the province's allocation account to the entity's account."""
    acct = reg.usable_account(m, ev.account_id, moving_out=False)
    if isinstance(acct, Rejection):
        return acct
    province, product = ev.province, ev.product
    source = system_account(m, SystemRole.PROVINCIAL_ALLOCATION, province)
    have = reg.available(m, source, product)
    if have < qty:
        return Rejection(
            Code.INSUFFICIENT_HOLDINGS,
            f"the {province} allocation account {source} holds {have} t of {product}, "
            f"{memo} needs {qty} t (IssueAllocation passes the year's budget to the province)",
            "quantity",
        )
    tx_id = ctx.ids.next("TX")
    ref = str(ev.year)
    return [
        reg.transfer(
            tx_id, TxType.ISSUANCE, source, ev.account_id, product, qty, ref=ref, memo=memo
        )
    ]


def _claw_back(
    m: MarketState, ev: FinalAllocationDetermined, ctx: Ctx, memo: str
) -> list[Event] | Rejection:
    acct = reg.usable_account(m, ev.account_id, moving_out=False)
    if isinstance(acct, Rejection):
        return acct
    have = reg.available(m, ev.account_id, ev.product)
    if have < ev.clawback_t:
        return Rejection(
            Code.INSUFFICIENT_HOLDINGS,
            f"account {ev.account_id} holds {have} t of {ev.product} available, the claw-back "
            f"of the over-allocation needs {ev.clawback_t} t (cancel listings or buy back first)",
            "quantity",
        )
    target = system_account(m, SystemRole.PROVINCIAL_ALLOCATION, ev.province)
    return [
        reg.transfer(
            ctx.ids.next("TX"),
            TxType.CLAWBACK,
            ev.account_id,
            target,
            ev.product,
            ev.clawback_t,
            memo=memo,
        )
    ]


def _surrender_moves(m: MarketState, ev: SurrenderRecorded, ctx: Ctx) -> list[Event] | Rejection:
    """CEA to the surrender account, CCER to the cancellation account, as the registry does."""
    out: list[Event] = []
    cea = tuple((i.product, i.quantity) for i in ev.items if not is_ccer(i.product))
    if cea:
        r = reg.surrender(m, reg.Surrender(ev.account_id, ev.year, cea), ctx)
        if isinstance(r, Rejection):
            return r
        out += r
    for code in (CCER, CCER_PRE_2017):  # each class of CCER cancelled under its own code
        ccer = sum(i.quantity for i in ev.items if i.product == code)
        if not ccer:
            continue
        memo = f"CCER offset for compliance year {ev.year}"
        cmd = reg.CancelVoluntarily(ev.account_id, code, ccer, memo)
        r = reg.cancel_voluntarily(m, cmd, ctx)
        if isinstance(r, Rejection):
            return r
        out += [replace(e, ref=str(ev.year)) if isinstance(e, LedgerPosted) else e for e in r]
    return out


def _registry_moves(m: MarketState, ev: Event, ctx: Ctx) -> list[Event] | Rejection:
    match ev:
        case PreAllocationDetermined() if ev.issue_t:
            memo = f"pre-allocation {ev.year} of {ev.entity_id}"
            return _from_province(m, ev, ev.issue_t, ctx, memo)
        case FinalAllocationDetermined() if ev.issue_t:
            memo = f"final allocation {ev.year} of {ev.entity_id}"
            return _from_province(m, ev, ev.issue_t, ctx, memo)
        case FinalAllocationDetermined() if ev.clawback_t:
            return _claw_back(m, ev, ctx, f"over-allocation {ev.year} of {ev.entity_id}")
        case AllowancesBorrowed():
            memo = f"borrowed for {ev.year} by {ev.entity_id}"
            return _from_province(m, ev, ev.quantity, ctx, memo)
        case SurrenderRecorded():
            return _surrender_moves(m, ev, ctx)
    return []


def decide(m: MarketState, cmd: Command, ctx: Ctx) -> Result:
    """The compliance decision and the registry movements it asks for, or the first refusal."""
    result = mrv.handle(part(m), cmd, ctx)
    if isinstance(result, Rejection):
        return result
    events = list(result)
    for ev in result:
        moves = _registry_moves(m, ev, ctx)
        if isinstance(moves, Rejection):
            return moves
        events += moves
    return tuple(events)


# --- commands with engine-side inputs or checks ---------------------------------------------


def _register_entity(m: MarketState, cmd: mrv.RegisterEntity, ctx: Ctx) -> Result:
    result = decide(m, cmd, ctx)
    if isinstance(result, Rejection):
        return result
    acct = reg.account(m, cmd.account_id)
    if acct is None:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no account {cmd.account_id!r}", "account_id")
    if acct.subject_type is not SubjectType.ENTITY:
        return Rejection(
            Code.INVALID_FIELD,
            f"account {cmd.account_id} is a {acct.subject_type.value} account; a covered "
            "entity holds an entity account",
            "account_id",
        )
    if acct.province != cmd.province:
        return Rejection(
            Code.INVALID_FIELD,
            f"account {cmd.account_id} is registered in {acct.province}, not {cmd.province}",
            "province",
        )
    return result


def _carry_over(m: MarketState, cmd: DetermineCarryOver, ctx: Ctx) -> Result:
    entity = part(m).entities.get(cmd.entity_id)
    computed = cmd.net_sales_t if entity is None else net_sales_t(m, entity.account_id)
    result = decide(m, replace(cmd, net_sales_t=computed), ctx)
    if not isinstance(result, Rejection) and cmd.net_sales_t not in (0, computed):
        return Rejection(
            Code.INVALID_FIELD,
            f"net sales come from the trades of {cmd.entity_id} by trade date: {computed} t; "
            f"give 0 or {computed}, was {cmd.net_sales_t}",
            "net_sales_t",
        )
    return result


def _assess_penalty(m: MarketState, cmd: AssessPenalty, ctx: Ctx) -> Result:
    comp = part(m)
    ey = comp.years.get((cmd.entity_id, cmd.year))
    plan = comp.plans.get(ey.plan) if ey is not None else None
    if plan is None:
        return decide(m, cmd, ctx)  # the handler says why
    price = month_price(m, plan.deadline)
    result = decide(
        m,
        replace(cmd, trade_value_fen=price.value_fen, trade_quantity_t=price.quantity_t),
        ctx,
    )
    given = (cmd.trade_value_fen, cmd.trade_quantity_t)
    if not isinstance(result, Rejection) and given not in (
        (0, 0),
        (price.value_fen, price.quantity_t),
    ):
        return Rejection(
            Code.INVALID_FIELD,
            f"the month's trades come from the market: {format_yuan(price.value_fen)} yuan for "
            f"{price.quantity_t} t ({price.start}..{price.end}); give 0 or these, was "
            f"{format_yuan(given[0])} yuan for {given[1]} t",
            "trade_value_fen",
        )
    return result


def surrender(m: MarketState, cmd: reg.Surrender, ctx: Ctx) -> Result:
    """The registry's surrender: a compliance surrender when the account is a covered entity's.

    The caller (the API) has checked that the actor acts for the account, so the compliance
    side runs as the engine (``SYSTEM_ACTOR``); the journal keeps the real actor.
    """
    if not isinstance(cmd.account_id, str):
        return reg.surrender(m, cmd, ctx)
    entity = part(m).entity_for_account(cmd.account_id)
    if entity is None:
        return reg.surrender(m, cmd, ctx)
    items = cmd.items
    if not isinstance(items, tuple) or not all(
        isinstance(i, tuple | list) and len(i) == 2 for i in items
    ):
        return Rejection(
            Code.INVALID_FIELD, f"items must be (product, quantity) pairs, was {items!r}", "items"
        )
    record = RecordSurrender(
        entity.entity_id, cmd.compliance_year, tuple(SurrenderItem(p, q) for p, q in items)
    )
    bad = check_types(record)
    if bad is not None:
        return replace(bad, field="compliance_year") if bad.field == "year" else bad
    result = decide(m, record, Ctx(ctx.now, SYSTEM_ACTOR, ctx.ids))
    if isinstance(result, Rejection):
        return result
    met = _obligation_met(part(m), record, ctx)
    return result if met is None else (*result, met)


def _obligation_met(comp: CompliancePart, record: RecordSurrender, ctx: Ctx) -> Event | None:
    """``ObligationMet`` when this surrender completes the obligation (with the interim
    milestone: met by it or not)."""
    ey = comp.years.get((record.entity_id, record.year))
    if ey is None or ey.obligation is None:
        return None
    before = ey.on_time_t + ey.late_t
    after = before + sum(i.quantity for i in record.items)
    if not before < ey.obligation.obligation_t <= after:
        return None
    interim = comp.plans[ey.plan].interim_at
    by_interim = interim is not None and not is_late(ctx.now, interim)
    return ObligationMet(record.entity_id, record.year, by_interim)


SPECIAL = HandlerTable()
SPECIAL[mrv.RegisterEntity] = _register_entity
SPECIAL[DetermineCarryOver] = _carry_over
SPECIAL[AssessPenalty] = _assess_penalty


C = TypeVar("C", bound=Command)


def _typed(fn: Callable[[MarketState, C, Ctx], Result]) -> Callable[[MarketState, C, Ctx], Result]:
    """Refuse commands whose fields are not of their declared types, then run ``fn``."""

    @functools.wraps(fn)
    def h(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        bad = check_types(cmd)
        return bad if bad is not None else fn(m, cmd, ctx)

    return h


# --- registration ---------------------------------------------------------------------------

EVENTS: tuple[type[Event], ...] = (
    mrv.RegulatorAppointed,
    mrv.VerifierAppointed,
    mrv.EntityRegistered,
    mrv.InstallationRegistered,
    mrv.ReportSubmitted,
    mrv.ReportVerified,
    mrv.ReportApproved,
    PreAllocationDetermined,
    FinalAllocationDetermined,
    ObligationDetermined,
    AllowancesBorrowed,
    SurrenderRecorded,
    CarryOverDetermined,
    PenaltyAssessed,
    AllocationDeductionScheduled,
)
"""Every compliance event: each is applied by :func:`openets.compliance.mrv.apply`."""


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    for cmd_t in mrv.COMMANDS:
        handlers[cmd_t] = _typed(SPECIAL.get(cmd_t, decide))
    handlers[IssueAllocation] = _typed(issue_allocation)
    handlers[reg.Surrender] = surrender
    for ev_t in EVENTS:
        appliers[ev_t] = apply_part("compliance", mrv.apply)
    appliers[AllocationIssued] = apply_part("compliance", _apply_issued)


def __getattr__(name: str) -> Any:
    """The read side moved to :mod:`compliance_reads`; old imports keep working."""
    if name in ("penalty_quote", "province_budgets", "reconcile"):
        from openets.compliance import service_reads as compliance_reads

        return getattr(compliance_reads, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
