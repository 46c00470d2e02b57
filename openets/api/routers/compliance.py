"""Compliance over HTTP: obligations and their status (the holder, operators, the regulator,
verifiers) and the compliance report (the regulator).

Surrender itself is ``POST /registry/surrenders``: for a covered entity's account the engine
makes it a compliance surrender, with the compliance rules (CCER cap, vintages, deadline).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import PrincipalDep, ServicesDep, json_response
from openets.api.routers._compliance_views import visible_provinces
from openets.api.schemas.common import QUERY_ERRORS, AccountRef, yuan
from openets.api.schemas.compliance import (
    ComplianceReportOut,
    ComplianceSummaryOut,
    ObligationOut,
    ObligationsOut,
)
from openets.compliance import queries as cq
from openets.compliance.service import part
from openets.compliance.state import ComplianceState
from openets.market import MarketState

router = APIRouter(tags=["compliance"])

YearQuery = Annotated[int, Query(ge=2000, le=2100)]


def _state(m: MarketState) -> ComplianceState:
    st: ComplianceState = m.compliance
    return st


def _obligation(v: cq.ObligationView) -> ObligationOut:
    d = v.as_dict()
    fine = d.pop("penalty_fine_fen")
    return ObligationOut(**d, penalty_fine=yuan(fine) if fine is not None else None)


@router.get("/compliance/obligations", response_model=ObligationsOut, responses=QUERY_ERRORS)
async def obligations(
    principal: PrincipalDep,
    services: ServicesDep,
    year: YearQuery,
    account_id: Annotated[AccountRef | None, Query(min_length=1, max_length=32)] = None,
    province: Annotated[str | None, Query(min_length=1, max_length=8)] = None,
) -> Response:
    """Obligation, surrendered, status per covered entity for ``year``: a participant its own
    account's; a verifier those of the provinces it works in, a provincial regulator its
    province's; operators and the national regulator every entity (or one account or one
    province)."""
    if principal.is_participant:
        account_id = account_id or principal.account_id
    authorize(principal, Action.COMPLIANCE_VIEW, account_id)
    st = part(services.state)
    seen = visible_provinces(st, principal)
    views = cq.obligations(st, year, account_id=account_id, province=province)
    data = [_obligation(v) for v in views if seen is None or v.province in seen]
    return json_response(ObligationsOut(year=year, data=data, count=len(data)))


def _summary(d: dict[str, object]) -> ComplianceSummaryOut:
    return ComplianceSummaryOut.model_validate(d)


@router.get(
    "/compliance/report",
    response_model=ComplianceReportOut,
    responses={
        **QUERY_ERRORS,
        200: {
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ComplianceReportOut"}
                },
                "text/csv": {"schema": {"type": "string"}},
            },
            "description": "the report",
        },
    },
)
async def report(
    principal: PrincipalDep,
    services: ServicesDep,
    year: YearQuery,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    level: Annotated[Literal["entity", "province", "national"], Query()] = "province",
) -> Response:
    """The compliance report of ``year`` (the regulator): national and per-province totals and
    rates; ``format=csv`` gives one ``level`` as CSV."""
    authorize(principal, Action.COMPLIANCE_REPORT)
    st = _state(services.state)
    if format == "csv":
        text = cq.report_text(st, year, "csv", level)
        return Response(text, media_type="text/csv; charset=utf-8")
    out = ComplianceReportOut(
        year=year,
        national=_summary(cq.summary_dict(cq.national_summary(st, year))),
        provinces=[_summary(cq.summary_dict(s)) for s in cq.province_summaries(st, year)],
    )
    return json_response(out)
