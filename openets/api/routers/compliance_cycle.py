"""The compliance cycle over HTTP, role by role (names in shared/API.md "The compliance cycle").

=====================================================  ==================  ====================
Route                                                  Who                 Engine command
=====================================================  ==================  ====================
``POST /compliance/entities``                          registry operator   RegisterCoveredEntity
``POST /compliance/entities/{id}/installations``       registry operator   RegisterCoveredInst.
``POST /compliance/reports``                           the account holder  SubmitEmissionReport
``POST /compliance/reports/{id}/{year}/verify``        verifier (province) VerifyReport
``POST /compliance/reports/{id}/{year}/approve``       regulator           ApproveReport
=====================================================  ==================  ====================

Who verifies or regulates which province is the user's appointment, journaled when the user is
added (``openets users add --role verifier --provinces 上海,湖北``); the engine checks it, so a
verification outside the verifier's provinces or an approval by another province's regulator is
refused there, with nothing changed.

The regulator's runs (allocation and penalties) are in
:mod:`openets.api.routers.compliance_allocation`; the response bodies and who sees which entity
in :mod:`openets.api.routers._compliance_views`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.routers._compliance_views import (
    LARGE_COMMAND_ERRORS,
    entity_out,
    render_entity,
    render_report,
    report_lines,
    report_out,
    visible_entities,
)
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS
from openets.api.schemas.compliance_cycle import (
    EntitiesOut,
    EntityIn,
    EntityOut,
    InstallationIn,
    ReportIn,
    ReportOut,
    ReportsOut,
    VerifyIn,
)
from openets.compliance import mrv
from openets.compliance import run_messages as runs
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.service import CompliancePart, part
from openets.domain.rejection import Code

router = APIRouter(tags=["compliance"])

EntityPath = Annotated[str, Path(min_length=1, max_length=32)]
YearPath = Annotated[int, Path(ge=2000, le=2100)]


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
    return await cmd.run(c, render_entity(body.entity_id))


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
    return await cmd.run(c, render_entity(entity_id))


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
    c = runs.SubmitEmissionReport(body.entity_id, body.year, report_lines(body.lines))
    return await cmd.run(c, render_report(body.entity_id, body.year))


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
    c = mrv.VerifyReport(entity_id, year, report_lines(body.lines), body.reason)
    return await cmd.run(c, render_report(entity_id, year), status=200)


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
    return await cmd.run(c, render_report(entity_id, year), status=200)


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
