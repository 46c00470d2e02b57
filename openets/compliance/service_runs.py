"""The compliance cycle as its roles run it: one command per step, for the API and the simulator.

- ``RegisterCoveredEntity`` / ``RegisterCoveredInstallation``: the registry (a registry operator,
  authorised by the API) registers a covered entity and its installations.
- ``SubmitEmissionReport``: the holder of the entity's account (authorised by the API) submits
  the year's report; the journal and the report keep the real user.
- ``RunPreAllocation`` / ``RunFinalAllocation``: a regulator runs the allocation of a year for
  every entity it regulates (its province, or the nation). The registry issues what the run needs
  from ``@ISSUED`` to the national allocation account, passes it to the provincial allocation
  accounts and issues it on to the entities; a true-up below the pre-allocation is clawed back.
  Entities that cannot be allocated yet (no report, no prior output, an account that cannot
  receive) are left out and named in the run's record; running a step that has run for every
  entity is refused (``ALREADY_DONE``).
- ``AssessPenalties``: after the deadline, a regulator fines every entity of its scope that did
  not surrender its obligation (the lowest fine of the regime unless ``fine_share`` says where in
  the range) and schedules the one-for-one deduction from the next year's allocation.

Each is one journaled command: it is decided as a whole or refused as a whole. The messages are
in :mod:`openets.compliance.run_messages`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from openets.compliance import mrv
from openets.compliance import service as uc
from openets.compliance.cycle_messages import (
    AssessPenalty,
    DeductAllocation,
    FinalAllocationDetermined,
    FinalizeAllocation,
    PreAllocate,
    PreAllocationDetermined,
)
from openets.compliance.obligations import is_late
from openets.compliance.run_messages import (
    AssessPenalties,
    ComplianceRun,
    EntitySectorRecorded,
    ObligationMet,
    RegisterCoveredEntity,
    RegisterCoveredInstallation,
    RunFinalAllocation,
    RunPreAllocation,
    SkippedEntity,
    SubmitEmissionReport,
)
from openets.compliance.service_reads import penalty_quote
from openets.compliance.state import NATIONAL, SYSTEM_ACTOR, ReportLine, ReportStatus
from openets.domain.checks import check_types
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.products import cea_for_year
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState, apply_part
from openets.registry import port as reg
from openets.registry.port import ISSUED, Bucket, LedgerPosted, Posting, SystemRole, TxType

# --- handlers -------------------------------------------------------------------------------


def _as_system(ctx: Ctx) -> Ctx:
    return Ctx(ctx.now, SYSTEM_ACTOR, ctx.ids)


def register_entity(m: MarketState, cmd: RegisterCoveredEntity, ctx: Ctx) -> Result:
    inner = mrv.RegisterEntity(cmd.entity_id, cmd.name, cmd.province, cmd.account_id, ())
    result = uc.SPECIAL[mrv.RegisterEntity](m, inner, _as_system(ctx))
    if isinstance(result, Rejection):
        return result
    return (*result, EntitySectorRecorded(cmd.entity_id, cmd.sector))


def register_installation(m: MarketState, cmd: RegisterCoveredInstallation, ctx: Ctx) -> Result:
    sector = uc.part(m).sectors.get(cmd.entity_id)
    if sector is not None and cmd.sector is not sector:
        return Rejection(
            Code.INVALID_FIELD,
            f"{cmd.entity_id} is registered in sector {sector}, the installation says {cmd.sector}",
            "sector",
        )
    inner = mrv.RegisterInstallation(
        cmd.entity_id, cmd.unit_id, cmd.sector, cmd.category, cmd.cooling, cmd.capacity_kw
    )
    return uc.decide(m, inner, _as_system(ctx))


def submit_report(m: MarketState, cmd: SubmitEmissionReport, ctx: Ctx) -> Result:
    inner = mrv.SubmitReport(cmd.entity_id, cmd.year, cmd.lines)
    result = uc.decide(m, inner, _as_system(ctx))
    if isinstance(result, Rejection):
        return result
    return tuple(
        replace(e, submitted_by=ctx.actor) if isinstance(e, mrv.ReportSubmitted) else e
        for e in result
    )


def _scope(m: MarketState, actor: str) -> str | Rejection:
    province = uc.part(m).regulators.get(actor)
    if province is None:
        return Rejection(
            Code.NOT_PERMITTED, f"{actor} is not an appointed regulator of any province", "actor"
        )
    return province


def _in_scope(m: MarketState, scope: str) -> list[str]:
    return sorted(
        e.entity_id
        for e in uc.part(m).entities.values()
        if scope == NATIONAL or e.province == scope
    )


def _nothing_to_do(
    kind: str, year: int, scope: str, done: int, skipped: list[SkippedEntity]
) -> Rejection:
    if done and not skipped:
        return Rejection(
            Code.ALREADY_DONE,
            f"the {year} {kind} has run for every entity of {scope} ({done} entities)",
            "year",
        )
    why = "; ".join(f"{s.entity_id}: {s.reason}" for s in skipped[:5])
    more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    return Rejection(
        Code.INVALID_STATE,
        f"no entity of {scope} can take the {year} {kind} now"
        + (f" ({why}{more})" if why else " (no covered entities)"),
        "year",
    )


def _issue_chain(
    m: MarketState, year: int, needs: dict[str, int], ctx: Ctx, memo: str
) -> list[Event]:
    """Issue into the national allocation account and pass on to each province what its
    allocation account lacks for ``needs`` (province → tonnes)."""
    product = cea_for_year(year)
    short = {}
    for province, need in sorted(needs.items()):
        acct = uc.system_account(m, SystemRole.PROVINCIAL_ALLOCATION, province)
        lack = need - reg.available(m, acct, product)
        if lack > 0:
            short[province] = lack
    if not short:
        return []
    national = uc.system_account(m, SystemRole.NATIONAL_ALLOCATION)
    total = sum(short.values())
    postings = [Posting(national, product, Bucket.AVAILABLE, -total)]
    postings += [
        Posting(
            uc.system_account(m, SystemRole.PROVINCIAL_ALLOCATION, p), product, Bucket.AVAILABLE, q
        )
        for p, q in short.items()
    ]
    budgets = tuple(uc.ProvinceBudget(p, q) for p, q in short.items())
    return [
        reg.transfer(
            ctx.ids.next("TX"),
            TxType.ISSUANCE,
            ISSUED,
            national,
            product,
            total,
            ref=str(year),
            memo=memo,
        ),
        LedgerPosted(ctx.ids.next("TX"), TxType.TRANSFER, tuple(postings), str(year), memo),
        uc.AllocationIssued(year, product, total, budgets),
    ]


def _to_entity(
    m: MarketState, ev: PreAllocationDetermined | FinalAllocationDetermined, ctx: Ctx, memo: str
) -> Event:
    source = uc.system_account(m, SystemRole.PROVINCIAL_ALLOCATION, ev.province)
    return reg.transfer(
        ctx.ids.next("TX"),
        TxType.ISSUANCE,
        source,
        ev.account_id,
        ev.product,
        ev.issue_t,
        ref=str(ev.year),
        memo=memo,
    )


def _cannot_move(m: MarketState, decision: tuple[Event, ...]) -> str | None:
    """Why the registry cannot carry out an entity's allocation decision, or None."""
    main = decision[0]
    assert isinstance(main, PreAllocationDetermined | FinalAllocationDetermined)
    ok = reg.usable_account(m, main.account_id, moving_out=False)
    if isinstance(ok, Rejection):
        return ok.message
    clawback = main.clawback_t if isinstance(main, FinalAllocationDetermined) else 0
    have = reg.available(m, main.account_id, main.product)
    if clawback > have:
        return (
            f"the claw-back of {clawback} t exceeds the {have} t of {main.product} available "
            f"in {main.account_id}"
        )
    return None


def _plan_allocates(m: MarketState, name: str, year: int) -> Rejection | None:
    plans = uc.part(m).plans
    plan = plans.get(name)
    if plan is None:
        return Rejection(
            Code.INVALID_FIELD, f"unknown plan {name!r}; known: {', '.join(plans)}", "plan"
        )
    if year not in plan.years:
        return Rejection(
            Code.INVALID_FIELD,
            f"plan {name} allocates {', '.join(map(str, plan.years))}, not {year}",
            "year",
        )
    return None


def _run_allocation(
    m: MarketState,
    ctx: Ctx,
    kind: str,
    plan: str,
    year: int,
    decide: Callable[[str], tuple[Event, ...] | Rejection | None],
) -> Result:
    """Decide ``kind`` for every entity in the regulator's scope, then issue what it needs."""
    scope = _scope(m, ctx.actor)
    bad = scope if isinstance(scope, Rejection) else _plan_allocates(m, plan, year)
    if bad is not None:
        return bad
    assert isinstance(scope, str)
    decided: list[tuple[Event, ...]] = []
    skipped: list[SkippedEntity] = []
    done = 0
    for entity_id in _in_scope(m, scope):
        r = decide(entity_id)
        if r is None:
            done += 1
        elif isinstance(r, Rejection):
            skipped.append(SkippedEntity(entity_id, r.message))
        else:
            why = _cannot_move(m, r)
            if why is not None:
                skipped.append(SkippedEntity(entity_id, why))
            else:
                decided.append(r)
    if not decided:
        return _nothing_to_do(kind.replace("_", " "), year, scope, done, skipped)
    needs: dict[str, int] = {}
    for r in decided:
        main = r[0]
        assert isinstance(main, PreAllocationDetermined | FinalAllocationDetermined)
        if main.issue_t:
            needs[main.province] = needs.get(main.province, 0) + main.issue_t
    events: list[Event] = _issue_chain(m, year, needs, ctx, f"{kind.replace('_', ' ')} {year}")
    issued = clawed = 0
    for r in decided:
        main = r[0]
        assert isinstance(main, PreAllocationDetermined | FinalAllocationDetermined)
        events += r
        label = "pre-allocation" if kind == "preallocation" else "final allocation"
        if main.issue_t:
            events.append(_to_entity(m, main, ctx, f"{label} {year} of {main.entity_id}"))
            issued += main.issue_t
        if isinstance(main, FinalAllocationDetermined) and main.clawback_t:
            events.append(
                reg.transfer(
                    ctx.ids.next("TX"),
                    TxType.CLAWBACK,
                    main.account_id,
                    uc.system_account(m, SystemRole.PROVINCIAL_ALLOCATION, main.province),
                    main.product,
                    main.clawback_t,
                    memo=f"over-allocation {year} of {main.entity_id}",
                )
            )
            clawed += main.clawback_t
    run = ComplianceRun(
        ctx.ids.next("RUN"),
        kind,
        plan,
        year,
        scope,
        ctx.actor,
        len(decided),
        issued,
        clawed,
        0,
        tuple(skipped),
    )
    return (*events, run)


def run_preallocation(m: MarketState, cmd: RunPreAllocation, ctx: Ctx) -> Result:
    comp = uc.part(m)
    prior: dict[str, tuple[ReportLine, ...]] = {}
    for i, p in enumerate(cmd.prior):
        if p.entity_id not in comp.entities:
            return Rejection(
                Code.INVALID_FIELD, f"unknown entity {p.entity_id!r}", f"prior[{i}].entity_id"
            )
        if p.entity_id in prior:
            return Rejection(
                Code.DUPLICATE, f"prior output of {p.entity_id} given twice", f"prior[{i}]"
            )
        prior[p.entity_id] = p.lines

    def decide(entity_id: str) -> tuple[Event, ...] | Rejection | None:
        ey = comp.years.get((entity_id, cmd.year))
        if ey is not None and ey.preallocated:
            return None
        return mrv.handle(
            comp, PreAllocate(entity_id, cmd.year, cmd.plan, prior.get(entity_id, ())), ctx
        )

    return _run_allocation(m, ctx, "preallocation", cmd.plan, cmd.year, decide)


def run_final_allocation(m: MarketState, cmd: RunFinalAllocation, ctx: Ctx) -> Result:
    comp = uc.part(m)

    def decide(entity_id: str) -> tuple[Event, ...] | Rejection | None:
        ey = comp.years.get((entity_id, cmd.year))
        if ey is not None and ey.final_allocation_t is not None:
            return None
        report = comp.reports.get((entity_id, cmd.year))
        if report is None or report.status is not ReportStatus.APPROVED:
            status = "not submitted" if report is None else f"{report.status}, not approved"
            return Rejection(Code.INVALID_STATE, f"the {cmd.year} report is {status}", "year")
        return mrv.handle(comp, FinalizeAllocation(entity_id, cmd.year, cmd.plan), ctx)

    return _run_allocation(m, ctx, "final_allocation", cmd.plan, cmd.year, decide)


def _penalise(
    m: MarketState, entity_id: str, cmd: AssessPenalties, ctx: Ctx
) -> tuple[int, tuple[Event, ...]] | Rejection | str | None:
    """(fine, events) for an entity short of its obligation; "done" if already fined; None if
    it owes nothing."""
    ey = uc.part(m).years.get((entity_id, cmd.year))
    if ey is None or ey.obligation is None:
        return None
    if ey.penalty_fine_fen is not None:
        return "done"
    if ey.obligation.obligation_t <= ey.on_time_t + ey.late_t:
        return None
    quote = penalty_quote(m, entity_id, cmd.year)
    if isinstance(quote, Rejection):
        return quote
    span = quote.fine_max_fen - quote.fine_min_fen
    fine = quote.fine_min_fen + span * cmd.fine_share_pct // 100
    r = uc.SPECIAL[AssessPenalty](m, AssessPenalty(entity_id, cmd.year, fine), ctx)
    if isinstance(r, Rejection):
        return r
    d = uc.decide(m, DeductAllocation(entity_id, cmd.year), ctx)
    if isinstance(d, Rejection):
        return d
    return fine, (*r, *d)


def assess_penalties(m: MarketState, cmd: AssessPenalties, ctx: Ctx) -> Result:
    scope = _scope(m, ctx.actor)
    if isinstance(scope, Rejection):
        return scope
    if not 0 <= cmd.fine_share_pct <= 100:
        return Rejection(
            Code.INVALID_FIELD,
            f"fine_share_pct must be within 0..100, was {cmd.fine_share_pct}",
            "fine_share_pct",
        )
    plan = uc.part(m).plan_for(cmd.year)
    if plan is None:
        return Rejection(Code.INVALID_FIELD, f"no plan covers {cmd.year}", "year")
    if not is_late(ctx.now, plan.deadline_at):
        return Rejection(
            Code.INVALID_STATE,
            f"penalties for {cmd.year} are assessed after the deadline {plan.deadline_text} "
            f"(plan {plan.name}); it is {ctx.now.isoformat()}",
            "year",
        )
    events: list[Event] = []
    skipped: list[SkippedEntity] = []
    done = fined = total_fen = 0
    for entity_id in _in_scope(m, scope):
        r = _penalise(m, entity_id, cmd, ctx)
        if r == "done":
            done += 1
        elif isinstance(r, Rejection):
            skipped.append(SkippedEntity(entity_id, r.message))
        elif isinstance(r, tuple):
            fine, evs = r
            events += evs
            fined += 1
            total_fen += fine
    if not events:
        if not done and not skipped:
            return Rejection(
                Code.ALREADY_DONE,
                f"no entity of {scope} has an unsurrendered {cmd.year} obligation to fine",
                "year",
            )
        return _nothing_to_do("penalty assessment", cmd.year, scope, done, skipped)
    run = ComplianceRun(
        ctx.ids.next("RUN"),
        "penalties",
        plan.name,
        cmd.year,
        scope,
        ctx.actor,
        fined,
        0,
        0,
        total_fen,
        tuple(skipped),
    )
    return (*events, run)


# --- apply ----------------------------------------------------------------------------------


def _apply(
    comp: uc.CompliancePart, ev: EntitySectorRecorded | ComplianceRun | ObligationMet
) -> None:
    if isinstance(ev, EntitySectorRecorded):
        comp.sectors[ev.entity_id] = ev.sector
    elif isinstance(ev, ComplianceRun):
        comp.runs.append(ev)
    elif isinstance(ev, ObligationMet):
        comp.years[(ev.entity_id, ev.year)].met_by_interim = ev.by_interim


C = TypeVar("C", bound=Command)


def _typed(fn: Callable[[MarketState, C, Ctx], Result]) -> Callable[[MarketState, C, Ctx], Result]:
    """Refuse commands whose fields are not of their declared types, then run ``fn``."""

    @functools.wraps(fn)
    def h(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        bad = check_types(cmd)
        return bad if bad is not None else fn(m, cmd, ctx)

    return h


HANDLERS = HandlerTable()
HANDLERS[RegisterCoveredEntity] = register_entity
HANDLERS[RegisterCoveredInstallation] = register_installation
HANDLERS[SubmitEmissionReport] = submit_report
HANDLERS[RunPreAllocation] = run_preallocation
HANDLERS[RunFinalAllocation] = run_final_allocation
HANDLERS[AssessPenalties] = assess_penalties


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    for cmd_t, fn in HANDLERS.items():
        handlers[cmd_t] = _typed(fn)
    for ev_t in (EntitySectorRecorded, ComplianceRun, ObligationMet):
        appliers[ev_t] = apply_part("compliance", _apply)
