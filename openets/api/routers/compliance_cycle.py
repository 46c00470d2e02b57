"""The compliance cycle over HTTP, role by role (names in shared/API.md "The compliance cycle").

=====================================================  ==================  ====================
Route                                                  Who                 Engine command
=====================================================  ==================  ====================
``POST /compliance/entities``                          registry operator   RegisterCoveredEntity
``POST /compliance/entities/{id}/installations``       registry operator   RegisterCoveredInst.
``POST /compliance/reports``                           the account holder  SubmitEmissionReport
``POST /compliance/reports/{id}/{year}/verify``        verifier (province) VerifyReport
``POST /compliance/reports/{id}/{year}/approve``       regulator           ApproveReport
``POST /compliance/allocations/preallocate``           regulator           RunPreAllocation
``POST /compliance/allocations/finalize``              regulator           RunFinalAllocation
``POST /compliance/penalties/assess``                  regulator           AssessPenalties
=====================================================  ==================  ====================

Who verifies or regulates which province is the user's appointment, journaled when the user is
added (``openets users add --role verifier --provinces 上海,湖北``); the engine checks it, so a
verification outside the verifier's provinces or an approval by another province's regulator is
refused there, with nothing changed.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import ValidationError
from starlette.responses import Response

from openets.api.auth import Action, Principal, Role, authorize
from openets.api.deps import CommandDep, PrincipalDep, Render, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, errors, yuan
from openets.api.schemas.compliance_cycle import (
    PRIOR_CSV_COLUMNS,
    AllocationOut,
    AllocationRunIn,
    AllocationsOut,
    EntitiesOut,
    EntityIn,
    EntityOut,
    InstallationIn,
    InstallationOut,
    LineIn,
    LineOut,
    PenaltiesIn,
    PriorIn,
    ReportIn,
    ReportOut,
    ReportsOut,
    RunOut,
    RunsOut,
    SkippedOut,
    VerifyIn,
)
from openets.compliance import mrv
from openets.compliance import run_messages as runs
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.service import CompliancePart, part
from openets.compliance.state import NATIONAL, EntityRecord, Report, ReportLine
from openets.domain.messages import Event
from openets.domain.rejection import Code
from openets.market import MarketState

router = APIRouter(tags=["compliance"])

LARGE_COMMAND_ERRORS = errors(401, 403, 404, 409, 413, 422, 503)
"""Commands whose bodies carry report lines may exceed the body limit."""

EntityPath = Annotated[str, Path(min_length=1, max_length=32)]
YearPath = Annotated[int, Path(ge=2000, le=2100)]
YearQuery = Annotated[int, Query(ge=2000, le=2100)]


# --- rendering ------------------------------------------------------------------------------


def _lines(lines: list[LineIn]) -> tuple[ReportLine, ...]:
    return tuple(
        ReportLine(
            x.unit_id,
            x.emissions_t,
            x.supply_mwh * 1000,
            x.heat_gj * 1000,
            x.heat_ratio,
            x.load_factor,
            x.output_t,
        )
        for x in lines
    )


def _thousandths(v: int) -> str:
    return str(Decimal(v) / 1000)


def _ppm(v: int) -> str:
    return str((Decimal(v) / 1_000_000).normalize()) if v else "0"


def _line_out(x: ReportLine) -> LineOut:
    return LineOut(
        unit_id=x.unit_id,
        supply_mwh=_thousandths(x.supply_kwh),
        heat_gj=_thousandths(x.heat_mj),
        heat_ratio=_ppm(x.heat_ratio_ppm),
        load_factor=_ppm(x.load_factor_ppm),
        emissions_t=x.emissions_t,
        output_t=x.output_t,
    )


def entity_out(comp: CompliancePart, e: EntityRecord) -> EntityOut:
    units = comp.installations.get(e.entity_id, {})
    sector = comp.sectors.get(e.entity_id)
    return EntityOut(
        entity_id=e.entity_id,
        name=e.name,
        province=e.province,
        account_id=e.account_id,
        sector=str(sector) if sector is not None else None,
        installations=[
            InstallationOut(
                unit_id=u.unit_id,
                sector=str(u.sector),
                category=str(u.category) if u.category is not None else None,
                cooling=str(u.cooling),
                capacity_mw=_thousandths(u.capacity_kw),
            )
            for u in sorted(units.values(), key=lambda u: u.unit_id)
        ],
    )


def report_out(comp: CompliancePart, r: Report) -> ReportOut:
    e = comp.entities[r.entity_id]
    verified = r.status != "submitted"
    return ReportOut(
        entity_id=r.entity_id,
        name=e.name,
        province=e.province,
        year=r.year,
        status=str(r.status),
        submitted=[_line_out(x) for x in r.submitted],
        submitted_by=r.submitted_by,
        submitted_t=sum(x.emissions_t for x in r.submitted),
        verified=[_line_out(x) for x in r.verified],
        verified_t=r.verified_emissions_t if verified else None,
        verifier=r.verifier or None,
        adjusted=verified
        and sorted(r.verified, key=lambda x: x.unit_id)
        != sorted(r.submitted, key=lambda x: x.unit_id),
        reason=r.adjustment_reason,
        approver=r.approver or None,
        late=r.late,
    )


def run_out(r: runs.ComplianceRun) -> RunOut:
    return RunOut(
        run_id=r.run_id,
        kind=r.kind,
        plan=r.plan,
        year=r.year,
        scope=r.scope,
        regulator=r.regulator,
        entities=r.entities,
        issued_t=r.issued_t,
        clawed_back_t=r.clawed_back_t,
        fines=yuan(r.fines_fen),
        skipped=[SkippedOut(entity_id=s.entity_id, reason=s.reason) for s in r.skipped],
    )


def _render_run(events: tuple[Event, ...], st: MarketState) -> RunOut:
    run = next(e for e in events if isinstance(e, runs.ComplianceRun))
    return run_out(run)


def _render_report(entity_id: str, year: int) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> ReportOut:
        comp = part(st)
        return report_out(comp, comp.reports[(entity_id, year)])

    return render


def _render_entity(entity_id: str) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> EntityOut:
        comp = part(st)
        return entity_out(comp, comp.entities[entity_id])

    return render


# --- who sees what --------------------------------------------------------------------------


def visible_provinces(comp: CompliancePart, principal: Principal) -> frozenset[str] | None:
    """Provinces a staff user sees in the compliance lists (None: all)."""
    if principal.role is Role.VERIFIER:
        return comp.verifiers.get(principal.username, frozenset())
    if principal.role is Role.REGULATOR:
        p = comp.regulators.get(principal.username, NATIONAL)
        return None if p == NATIONAL else frozenset({p})
    return None


def visible_entities(
    comp: CompliancePart, principal: Principal, entity_id: str | None = None
) -> list[EntityRecord]:
    if principal.is_participant:
        own = comp.entity_for_account(principal.account_id or "")
        found = [own] if own is not None else []
    else:
        provinces = visible_provinces(comp, principal)
        found = [e for e in comp.entities.values() if provinces is None or e.province in provinces]
    return sorted(
        (e for e in found if entity_id is None or e.entity_id == entity_id),
        key=lambda e: e.entity_id,
    )


# --- entities -------------------------------------------------------------------------------


@router.post(
    "/compliance/entities", status_code=201, response_model=EntityOut, responses=COMMAND_ERRORS
)
async def register_entity(body: EntityIn, cmd: CommandDep) -> Response:
    """Register a covered entity on its entity account (registry operator)."""
    cmd.require(Action.COMPLIANCE_REGISTER)
    c = runs.RegisterCoveredEntity(
        body.entity_id, body.name, body.province, body.account_id, Sector(body.sector)
    )
    return await cmd.run(c, _render_entity(body.entity_id))


@router.post(
    "/compliance/entities/{entity_id}/installations",
    status_code=201,
    response_model=EntityOut,
    responses=COMMAND_ERRORS,
)
async def register_installation(
    entity_id: EntityPath, body: InstallationIn, cmd: CommandDep
) -> Response:
    """Register a unit or installation of a covered entity (registry operator)."""
    cmd.require(Action.COMPLIANCE_REGISTER)
    c = runs.RegisterCoveredInstallation(
        entity_id,
        body.unit_id,
        Sector(body.sector),
        Category(body.category) if body.category is not None else None,
        Cooling(body.cooling),
        body.capacity_mw,
    )
    return await cmd.run(c, _render_entity(entity_id))


@router.get("/compliance/entities", response_model=EntitiesOut, responses=QUERY_ERRORS)
async def list_entities(
    principal: PrincipalDep,
    services: ServicesDep,
    province: Annotated[str | None, Query(min_length=1, max_length=8)] = None,
) -> Response:
    """Covered entities with their installations: a participant its own; staff those of the
    provinces they work in."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    comp = part(services.state)
    data = [
        entity_out(comp, e)
        for e in visible_entities(comp, principal)
        if province is None or e.province == province
    ]
    return json_response(EntitiesOut(data=data, count=len(data)))


# --- reports --------------------------------------------------------------------------------


def _entity_account(entity_id: str, comp: CompliancePart) -> str:
    e = comp.entities.get(entity_id)
    if e is None:
        raise ApiError(Code.INVALID_FIELD, f"unknown entity {entity_id!r}", "entity_id")
    return e.account_id


@router.post(
    "/compliance/reports", status_code=201, response_model=ReportOut, responses=LARGE_COMMAND_ERRORS
)
async def submit_report(body: ReportIn, cmd: CommandDep) -> Response:
    """Submit the year's emission report (a user of the entity's account)."""
    cmd.require(Action.COMPLIANCE_SUBMIT, cmd.principal.account_id)
    comp = part(cmd.services.state)
    cmd.require(Action.COMPLIANCE_SUBMIT, _entity_account(body.entity_id, comp))
    c = runs.SubmitEmissionReport(body.entity_id, body.year, _lines(body.lines))
    return await cmd.run(c, _render_report(body.entity_id, body.year))


@router.post(
    "/compliance/reports/{entity_id}/{year}/verify",
    response_model=ReportOut,
    responses=LARGE_COMMAND_ERRORS,
)
async def verify_report(
    entity_id: EntityPath, year: YearPath, body: VerifyIn, cmd: CommandDep
) -> Response:
    """Verify a submitted report (a verifier appointed in the entity's province); figures that
    differ from the submitted ones need a ``reason``, kept with the report."""
    cmd.require(Action.COMPLIANCE_VERIFY)
    c = mrv.VerifyReport(entity_id, year, _lines(body.lines), body.reason)
    return await cmd.run(c, _render_report(entity_id, year), status=200)


@router.post(
    "/compliance/reports/{entity_id}/{year}/approve",
    response_model=ReportOut,
    responses=COMMAND_ERRORS,
)
async def approve_report(entity_id: EntityPath, year: YearPath, cmd: CommandDep) -> Response:
    """Approve a verified report (the regulator of the entity's province, or national): the
    verified emissions become final."""
    cmd.require(Action.COMPLIANCE_APPROVE)
    c = mrv.ApproveReport(entity_id, year)
    return await cmd.run(c, _render_report(entity_id, year), status=200)


@router.get("/compliance/reports", response_model=ReportsOut, responses=QUERY_ERRORS)
async def list_reports(
    principal: PrincipalDep,
    services: ServicesDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    status: Annotated[Literal["submitted", "verified", "approved"] | None, Query()] = None,
    entity_id: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
) -> Response:
    """Emission reports: a participant its entity's; a verifier those of its provinces; a
    regulator those of its province (national: all)."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    comp = part(services.state)
    ids = {e.entity_id for e in visible_entities(comp, principal, entity_id)}
    data = [
        report_out(comp, r)
        for (eid, y), r in sorted(comp.reports.items())
        if eid in ids and (year is None or y == year) and (status is None or r.status == status)
    ]
    return json_response(ReportsOut(data=data, count=len(data)))


# --- allocation and penalties ---------------------------------------------------------------


@router.post(
    "/compliance/allocations/preallocate",
    status_code=201,
    response_model=RunOut,
    responses=LARGE_COMMAND_ERRORS,
)
async def preallocate(body: AllocationRunIn, cmd: CommandDep) -> Response:
    """Run the year's pre-allocation for every entity the regulator regulates; the registry
    issues it national → provincial → entity accounts."""
    cmd.require(Action.COMPLIANCE_ALLOCATE)
    given = [*body.prior, *prior_from_csv(body.prior_csv)]
    prior = tuple(runs.EntityPrior(p.entity_id, _lines(p.lines)) for p in given)
    return await cmd.run(runs.RunPreAllocation(body.plan, body.year, prior), _render_run)


def prior_from_csv(text: str) -> list[PriorIn]:
    """Prior output per entity from CSV (``PRIOR_CSV_COLUMNS``, optionally followed by
    ``emissions_t``: the prior verified emissions that pre-allocate steel, cement and
    aluminium in 2025); 422 naming the row."""
    rows = [r for r in csv.reader(io.StringIO(text.strip())) if any(c.strip() for c in r)]
    if not rows:
        return []
    header = tuple(c.strip() for c in rows[0])
    columns: tuple[str, ...] = PRIOR_CSV_COLUMNS
    if header == (*PRIOR_CSV_COLUMNS, "emissions_t"):
        columns = header
    elif header != PRIOR_CSV_COLUMNS:
        raise ApiError(
            Code.INVALID_FIELD,
            f"the first row must be {','.join(PRIOR_CSV_COLUMNS)} (optionally ,emissions_t), "
            f"was {','.join(header)!r:.80}",
            "prior_csv",
        )
    by_entity: dict[str, list[dict[str, object]]] = {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise ApiError(
                Code.INVALID_FIELD,
                f"row {n} has {len(row)} columns, needs {len(columns)}",
                "prior_csv",
            )
        cells = dict(zip(columns, (c.strip() for c in row), strict=True))
        emissions = cells.get("emissions_t", "") or "0"
        if not emissions.isascii() or not emissions.isdigit():
            raise ApiError(
                Code.INVALID_FIELD,
                f"row {n}, column emissions_t: must be whole tonnes (digits 0-9), was "
                f"{emissions!r:.20}",
                "prior_csv",
            )
        try:
            line: dict[str, object] = {
                "unit_id": cells["unit_id"],
                "supply_mwh": int(cells["supply_mwh"] or "0"),
                "heat_gj": int(cells["heat_gj"] or "0"),
                "heat_ratio": cells["heat_ratio"] or "0",
                "load_factor": cells["load_factor"] or "0",
                "emissions_t": int(emissions),
            }
        except ValueError:
            raise ApiError(
                Code.INVALID_FIELD,
                f"row {n}: supply_mwh and heat_gj must be whole numbers, were "
                f"{cells['supply_mwh']!r:.20} and {cells['heat_gj']!r:.20}",
                "prior_csv",
            ) from None
        by_entity.setdefault(cells["entity_id"], []).append(line)
    try:
        return [PriorIn(entity_id=e, lines=lines) for e, lines in by_entity.items()]  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ApiError(
            Code.INVALID_FIELD, f"prior_csv: {where}: {first['msg']}", "prior_csv"
        ) from None


@router.post(
    "/compliance/allocations/finalize",
    status_code=201,
    response_model=RunOut,
    responses=LARGE_COMMAND_ERRORS,
)
async def finalize(body: AllocationRunIn, cmd: CommandDep) -> Response:
    """Run the final allocation on the approved reports: the true-up is issued, or clawed back
    where the pre-allocation was larger; the obligations follow with the plan's caps."""
    cmd.require(Action.COMPLIANCE_ALLOCATE)
    if body.prior or body.prior_csv.strip():
        field = "prior" if body.prior else "prior_csv"
        raise ApiError(Code.INVALID_FIELD, "prior output is for the pre-allocation only", field)
    return await cmd.run(runs.RunFinalAllocation(body.plan, body.year), _render_run)


@router.get("/compliance/allocations", response_model=AllocationsOut, responses=QUERY_ERRORS)
async def allocations(
    principal: PrincipalDep,
    services: ServicesDep,
    year: YearQuery,
    entity_id: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
) -> Response:
    """Pre-allocation, final allocation and true-up per entity (the holder its own)."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    comp = part(services.state)
    data = []
    for e in visible_entities(comp, principal, entity_id):
        ey = comp.years.get((e.entity_id, year))
        if ey is None:
            continue
        final = ey.final_allocation_t
        data.append(
            AllocationOut(
                entity_id=e.entity_id,
                name=e.name,
                province=e.province,
                year=year,
                plan=ey.plan,
                preallocation_t=ey.preallocation_t,
                final_allocation_t=final,
                true_up_t=None if final is None else final - ey.preallocation_t,
                obligation_t=None if ey.obligation is None else ey.obligation.obligation_t,
                preallocation_late=ey.preallocation_late,
                final_late=ey.final_late,
            )
        )
    return json_response(AllocationsOut(data=data, count=len(data)))


@router.get("/compliance/runs", response_model=RunsOut, responses=QUERY_ERRORS)
async def list_runs(
    principal: PrincipalDep,
    services: ServicesDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """Allocation and penalty runs, newest first (operators and the regulator)."""
    authorize(principal, Action.REPORT)
    comp = part(services.state)
    data = [run_out(r) for r in reversed(comp.runs) if year is None or r.year == year]
    return json_response(RunsOut(data=data, count=len(data)))


@router.post(
    "/compliance/penalties/assess",
    status_code=201,
    response_model=RunOut,
    responses=COMMAND_ERRORS,
)
async def assess_penalties(body: PenaltiesIn, cmd: CommandDep) -> Response:
    """After the deadline: fine every entity short of its obligation and schedule the shortfall's
    deduction from the next year's allocation (the regulator, for its province or the nation)."""
    cmd.require(Action.COMPLIANCE_PENALIZE)
    return await cmd.run(runs.AssessPenalties(body.year, body.fine_share_pct), _render_run)
