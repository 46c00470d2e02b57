"""MRV: entities, installations and emission reports, and the context's ``handle``/``apply``.

The report cycle, one event per step::

    SubmitReport (entity operator)      -> ReportSubmitted
    VerifyReport (appointed verifier)   -> ReportVerified    (may adjust figures, with a reason)
    ApproveReport (provincial regulator) -> ReportApproved   (the verified figures become final)

Wrong order, wrong role and duplicates are rejections. ``SYSTEM_ACTOR`` registers entities and
installations and submits reports when the registry (a registry operator) or the API (the
holder of the entity's account) has authorised the caller; see
:mod:`openets.compliance.service_runs`. A verifier may not verify an entity it
operates for, and the approver may not be the verifier (Regs-2024 Art. 13, four eyes).

:func:`handle` routes every compliance command (these and those of
:mod:`openets.compliance.cycle`) and :func:`apply` every compliance event.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.compliance import cycle
from openets.compliance.calendar import StepKind
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.state import (
    NATIONAL,
    SYSTEM_ACTOR,
    ComplianceState,
    EntityRecord,
    Installation,
    Report,
    ReportLine,
    ReportStatus,
    check_lines,
    entity_for_regulator,
)
from openets.domain.cells import name_error
from openets.domain.messages import Command, Ctx, Event
from openets.domain.rejection import Code, Rejection
from openets.domain.tables import PartTable

FIRST_YEAR = 2019


# --- commands -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AppointRegulator(Command):
    regulator: str
    province: str


@dataclass(frozen=True, slots=True)
class AppointVerifier(Command):
    verifier: str
    provinces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegisterEntity(Command):
    entity_id: str
    name: str
    province: str
    account_id: str
    operators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegisterInstallation(Command):
    entity_id: str
    unit_id: str
    sector: Sector
    category: Category | None
    cooling: Cooling = Cooling.WATER
    capacity_kw: int = 0


@dataclass(frozen=True, slots=True)
class SubmitReport(Command):
    entity_id: str
    year: int
    lines: tuple[ReportLine, ...]


@dataclass(frozen=True, slots=True)
class VerifyReport(Command):
    entity_id: str
    year: int
    lines: tuple[ReportLine, ...]
    reason: str = ""
    """Required when ``lines`` differ from the submitted ones."""


@dataclass(frozen=True, slots=True)
class ApproveReport(Command):
    entity_id: str
    year: int


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegulatorAppointed(Event):
    regulator: str
    province: str


@dataclass(frozen=True, slots=True)
class VerifierAppointed(Event):
    verifier: str
    provinces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityRegistered(Event):
    entity_id: str
    name: str
    province: str
    account_id: str
    operators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InstallationRegistered(Event):
    entity_id: str
    unit_id: str
    sector: Sector
    category: Category | None
    cooling: Cooling
    capacity_kw: int


@dataclass(frozen=True, slots=True)
class ReportSubmitted(Event):
    entity_id: str
    year: int
    lines: tuple[ReportLine, ...]
    submitted_by: str
    late: bool = False
    """Submitted after the plan's report step (the calendar's ``report.<year>``)."""


@dataclass(frozen=True, slots=True)
class ReportVerified(Event):
    entity_id: str
    year: int
    lines: tuple[ReportLine, ...]
    verifier: str
    adjusted: bool
    reason: str


@dataclass(frozen=True, slots=True)
class ReportApproved(Event):
    entity_id: str
    year: int
    regulator: str
    verified_emissions_t: int


# --- handlers -------------------------------------------------------------------------------


def _may_appoint(state: ComplianceState, actor: str) -> bool:
    return actor == SYSTEM_ACTOR or state.regulators.get(actor) == NATIONAL


def _appoint_regulator(
    state: ComplianceState, cmd: AppointRegulator, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if not _may_appoint(state, ctx.actor):
        return Rejection(Code.NOT_PERMITTED, f"{ctx.actor} may not appoint regulators", "regulator")
    if not cmd.regulator or not cmd.province:
        return Rejection(Code.INVALID_FIELD, "regulator and province must not be empty", "province")
    if state.regulators.get(cmd.regulator) == cmd.province:
        return Rejection(
            Code.DUPLICATE, f"{cmd.regulator} already regulates {cmd.province}", "regulator"
        )
    return (RegulatorAppointed(cmd.regulator, cmd.province),)


def _appoint_verifier(
    state: ComplianceState, cmd: AppointVerifier, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if not _may_appoint(state, ctx.actor):
        return Rejection(Code.NOT_PERMITTED, f"{ctx.actor} may not appoint verifiers", "verifier")
    if not cmd.verifier or not cmd.provinces or not all(cmd.provinces):
        return Rejection(
            Code.INVALID_FIELD, f"verifier needs provinces, was {cmd.provinces!r}", "provinces"
        )
    return (VerifierAppointed(cmd.verifier, tuple(sorted(set(cmd.provinces)))),)


def _register_entity(
    state: ComplianceState, cmd: RegisterEntity, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if ctx.actor != SYSTEM_ACTOR and not state.is_regulator_of(ctx.actor, cmd.province):
        return Rejection(
            Code.NOT_PERMITTED,
            f"{ctx.actor} does not regulate province {cmd.province!r}",
            "province",
        )
    for name in ("entity_id", "name", "province", "account_id"):
        if not getattr(cmd, name).strip():
            return Rejection(Code.INVALID_FIELD, f"{name} must not be empty", name)
    bad = name_error(cmd.name)
    if bad is not None:
        return Rejection(Code.INVALID_FIELD, f"name {cmd.name!r} {bad}", "name")
    if cmd.entity_id in state.entities:
        return Rejection(Code.DUPLICATE, f"entity {cmd.entity_id} is registered", "entity_id")
    if state.entity_for_account(cmd.account_id) is not None:
        return Rejection(
            Code.DUPLICATE, f"account {cmd.account_id} belongs to another entity", "account_id"
        )
    return (EntityRegistered(cmd.entity_id, cmd.name, cmd.province, cmd.account_id, cmd.operators),)


def _register_installation(
    state: ComplianceState, cmd: RegisterInstallation, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if ctx.actor == SYSTEM_ACTOR and cmd.entity_id not in state.entities:
        return Rejection(Code.INVALID_FIELD, f"unknown entity {cmd.entity_id!r}", "entity_id")
    if ctx.actor != SYSTEM_ACTOR:
        entity = entity_for_regulator(state, cmd.entity_id, ctx.actor)
        if isinstance(entity, Rejection):
            return entity
    if not cmd.unit_id.strip():
        return Rejection(Code.INVALID_FIELD, "unit_id must not be empty", "unit_id")
    if cmd.unit_id in state.installations.get(cmd.entity_id, {}):
        return Rejection(Code.DUPLICATE, f"unit {cmd.unit_id} is registered", "unit_id")
    if (cmd.sector is Sector.POWER) != (cmd.category is not None):
        return Rejection(
            Code.INVALID_FIELD,
            f"power units need a category and others none; sector {cmd.sector}, "
            f"category {cmd.category}",
            "category",
        )
    if cmd.capacity_kw < 0:
        return Rejection(
            Code.INVALID_FIELD, f"capacity must be ≥ 0, was {cmd.capacity_kw}", "capacity_kw"
        )
    return (
        InstallationRegistered(
            cmd.entity_id, cmd.unit_id, cmd.sector, cmd.category, cmd.cooling, cmd.capacity_kw
        ),
    )


def _submit_report(
    state: ComplianceState, cmd: SubmitReport, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if cmd.entity_id not in state.entities:
        return Rejection(Code.INVALID_FIELD, f"unknown entity {cmd.entity_id!r}", "entity_id")
    if ctx.actor != SYSTEM_ACTOR and not state.is_operator_of(ctx.actor, cmd.entity_id):
        return Rejection(
            Code.NOT_PERMITTED, f"{ctx.actor} does not report for {cmd.entity_id}", "entity_id"
        )
    if cmd.year < FIRST_YEAR:
        return Rejection(Code.INVALID_FIELD, f"year must be ≥ {FIRST_YEAR}, was {cmd.year}", "year")
    if (cmd.entity_id, cmd.year) in state.reports:
        return Rejection(
            Code.DUPLICATE, f"the {cmd.year} report of {cmd.entity_id} was submitted", "year"
        )
    bad = check_lines(state, cmd.entity_id, cmd.lines)
    if bad is not None:
        return bad
    plan = state.plan_for(cmd.year)
    step = None if plan is None else plan.step(StepKind.REPORT, cmd.year)
    late = step is not None and step.is_late(ctx.now)
    return (ReportSubmitted(cmd.entity_id, cmd.year, cmd.lines, ctx.actor, late),)


def _verify_report(
    state: ComplianceState, cmd: VerifyReport, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    entity = state.entities.get(cmd.entity_id)
    if entity is None:
        return Rejection(Code.INVALID_FIELD, f"unknown entity {cmd.entity_id!r}", "entity_id")
    if entity.province not in state.verifiers.get(ctx.actor, frozenset()):
        return Rejection(
            Code.NOT_PERMITTED, f"{ctx.actor} is not a verifier in {entity.province}", "actor"
        )
    if ctx.actor in entity.operators:
        return Rejection(
            Code.NOT_PERMITTED,
            f"{ctx.actor} reports for {cmd.entity_id}; it may not verify",
            "actor",
        )
    report = state.reports.get((cmd.entity_id, cmd.year))
    if report is None:
        return Rejection(Code.INVALID_STATE, f"no {cmd.year} report to verify", "year")
    if report.status is not ReportStatus.SUBMITTED:
        return Rejection(
            Code.ALREADY_DONE, f"the {cmd.year} report is already {report.status}", "year"
        )
    bad = check_lines(state, cmd.entity_id, cmd.lines)
    if bad is not None:
        return bad
    adjusted = sorted(cmd.lines, key=lambda x: x.unit_id) != sorted(
        report.submitted, key=lambda x: x.unit_id
    )
    if adjusted and not cmd.reason.strip():
        return Rejection(
            Code.INVALID_FIELD,
            "the verified figures differ from the submitted: give a reason",
            "reason",
        )
    return (
        ReportVerified(cmd.entity_id, cmd.year, cmd.lines, ctx.actor, adjusted, cmd.reason.strip()),
    )


def _approve_report(
    state: ComplianceState, cmd: ApproveReport, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    entity = entity_for_regulator(state, cmd.entity_id, ctx.actor)
    if isinstance(entity, Rejection):
        return entity
    report = state.reports.get((cmd.entity_id, cmd.year))
    if report is None or report.status is ReportStatus.SUBMITTED:
        state_now = "not submitted" if report is None else "not verified"
        return Rejection(Code.INVALID_STATE, f"the {cmd.year} report is {state_now}", "year")
    if report.status is ReportStatus.APPROVED:
        return Rejection(Code.ALREADY_DONE, f"the {cmd.year} report is already approved", "year")
    if report.verifier == ctx.actor:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"{ctx.actor} verified this report; another must approve",
            "actor",
        )
    return (ReportApproved(cmd.entity_id, cmd.year, ctx.actor, report.verified_emissions_t),)


# --- apply ----------------------------------------------------------------------------------


def _apply_mrv(state: ComplianceState, event: Event) -> bool:
    """Apply an MRV event; False if it is not one."""
    match event:
        case RegulatorAppointed(regulator=r, province=p):
            state.regulators[r] = p
        case VerifierAppointed(verifier=v, provinces=ps):
            state.verifiers[v] = state.verifiers.get(v, frozenset()) | frozenset(ps)
        case EntityRegistered() as e:
            state.entities[e.entity_id] = EntityRecord(
                e.entity_id, e.name, e.province, e.account_id, e.operators
            )
        case InstallationRegistered() as e:
            state.installations.setdefault(e.entity_id, {})[e.unit_id] = Installation(
                e.entity_id, e.unit_id, e.sector, e.category, e.cooling, e.capacity_kw
            )
        case ReportSubmitted() as e:
            state.reports[(e.entity_id, e.year)] = Report(
                e.entity_id, e.year, ReportStatus.SUBMITTED, e.lines, e.submitted_by, late=e.late
            )
        case ReportVerified() as e:
            report = state.reports[(e.entity_id, e.year)]
            report.status = ReportStatus.VERIFIED
            report.verified = e.lines
            report.verifier = e.verifier
            report.adjustment_reason = e.reason
        case ReportApproved() as e:
            report = state.reports[(e.entity_id, e.year)]
            report.status = ReportStatus.APPROVED
            report.approver = e.regulator
        case _:
            return False
    return True


HANDLERS = PartTable[ComplianceState]()
"""Every compliance command type and its handler: the engine routes by this table."""
HANDLERS[AppointRegulator] = _appoint_regulator
HANDLERS[AppointVerifier] = _appoint_verifier
HANDLERS[RegisterEntity] = _register_entity
HANDLERS[RegisterInstallation] = _register_installation
HANDLERS[SubmitReport] = _submit_report
HANDLERS[VerifyReport] = _verify_report
HANDLERS[ApproveReport] = _approve_report
HANDLERS.update(cycle.HANDLERS)

COMMANDS: tuple[type[Command], ...] = tuple(HANDLERS)


def handle(state: ComplianceState, cmd: Command, ctx: Ctx) -> tuple[Event, ...] | Rejection:
    """Decide a compliance command: the events to apply, or why it is refused. Pure."""
    handler = HANDLERS.get(type(cmd))
    if handler is None:
        raise TypeError(f"not a compliance command: {type(cmd).__name__}")
    return handler(state, cmd, ctx)


def apply(state: ComplianceState, event: Event) -> None:
    """Change the state by one event (also on replay)."""
    if not _apply_mrv(state, event) and not cycle.apply_cycle(state, event):
        raise TypeError(f"not a compliance event: {type(event).__name__}")
