"""Supervision cases over HTTP: the regulator opens a case on alerts, reviews it and closes it
with a finding; the list also downloads as CSV (``format=csv``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiCode, ApiError, error_body, rejection_body
from openets.api.routers._supervision_csv import (
    CsvFormat,
    CsvLang,
    cases_csv,
    csv_response,
    csv_responses,
)
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS
from openets.api.schemas.supervision import (
    CaseCloseIn,
    CaseIn,
    CaseOut,
    CaseReviewIn,
    CasesOut,
    CaseStepOut,
)
from openets.api.sequencer import Writer
from openets.domain.messages import Event
from openets.domain.rejection import Rejection
from openets.market import MarketState
from openets.supervision import messages as sm
from openets.supervision.port import sup
from openets.supervision.state import Case

router = APIRouter(tags=["supervision"])

IdPath = Annotated[str, Path(min_length=1, max_length=32)]


def _case(c: Case) -> CaseOut:
    return CaseOut(
        case_id=c.case_id,
        alert_ids=list(c.alert_ids),
        title=c.title,
        status=c.status.value,
        opened_by=c.opened_by,
        opened_at=c.opened_at,
        finding=c.finding.value if c.finding else None,
        note=c.note,
        history=[CaseStepOut(status=s, actor=a, time=t, note=n) for s, a, t, n in c.history],
    )


@router.get(
    "/supervision/cases",
    response_model=CasesOut,
    responses={**QUERY_ERRORS, **csv_responses("CasesOut")},
)
async def cases(
    principal: PrincipalDep,
    services: ServicesDep,
    status: Annotated[str | None, Query(pattern="^(open|under_review|closed)$")] = None,
    format: CsvFormat = "json",
    lang: CsvLang = "zh",
) -> Response:
    """Cases, by id (the regulator); ``format=csv`` downloads them."""
    authorize(principal, Action.SUPERVISION_VIEW)
    data = [
        _case(c)
        for _, c in sorted(sup(services.state).cases.items())
        if status is None or c.status.value == status
    ]
    if format == "csv":
        return csv_response(cases_csv(data, lang), "cases.csv")
    return json_response(CasesOut(data=data, count=len(data)))


@router.get("/supervision/cases/{case_id}", response_model=CaseOut, responses=QUERY_ERRORS)
async def case(case_id: IdPath, principal: PrincipalDep, services: ServicesDep) -> Response:
    authorize(principal, Action.SUPERVISION_VIEW)
    c = sup(services.state).cases.get(case_id)
    if c is None:
        raise ApiError(ApiCode.NOT_FOUND, f"no case {case_id!r}", "case_id")
    return json_response(_case(c))


def _render_opened(events: tuple[Event, ...], st: MarketState) -> CaseOut:
    return _case(sup(st).cases[next(e for e in events if isinstance(e, sm.CaseOpened)).case_id])


async def _case_step(cmd: CommandDep, case_id: str, c: sm.StartReview | sm.CloseCase) -> Response:
    """Submit a step of a known case (an unknown case is 404); answer the case after it."""
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        if case_id not in sup(w.state).cases:
            return 404, error_body(ApiCode.NOT_FOUND, f"no case {case_id!r}", "case_id")
        r = w.submit(c, actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        return 200, _case(sup(w.state).cases[case_id]).model_dump_json().encode()

    return await cmd.job(job)


@router.post(
    "/supervision/cases", status_code=201, response_model=CaseOut, responses=COMMAND_ERRORS
)
async def open_case(body: CaseIn, cmd: CommandDep) -> Response:
    """Open a case on one or more alerts (the regulator)."""
    cmd.require(Action.SUPERVISION_ACT)
    return await cmd.run(sm.OpenCase(tuple(body.alert_ids), body.title), _render_opened)


@router.post(
    "/supervision/cases/{case_id}/review", response_model=CaseOut, responses=COMMAND_ERRORS
)
async def review_case(
    case_id: IdPath, cmd: CommandDep, body: CaseReviewIn | None = None
) -> Response:
    """Put an open case under review."""
    cmd.require(Action.SUPERVISION_ACT)
    return await _case_step(cmd, case_id, sm.StartReview(case_id, body.note if body else ""))


@router.post("/supervision/cases/{case_id}/close", response_model=CaseOut, responses=COMMAND_ERRORS)
async def close_case(case_id: IdPath, body: CaseCloseIn, cmd: CommandDep) -> Response:
    """Close a case under review with a finding and a note."""
    cmd.require(Action.SUPERVISION_ACT)
    c = sm.CloseCase(case_id, sm.Finding(body.finding), body.note)
    return await _case_step(cmd, case_id, c)
