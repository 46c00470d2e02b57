"""Supervision over HTTP: surveillance runs and their alerts with evidence, cases, measures
(risk warnings, account restrictions), related accounts, large-holder reports, risk rules.
Cases are in :mod:`openets.api.routers.supervision_cases`.

The regulator reads everything and runs surveillance and cases; the exchange and the regulator
take measures (each records its authority); a participant sees and files its own large-holder
reports. Instrument suspension is ``POST /instruments/{code}/suspend``.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, Role, authorize
from openets.api.deps import (
    CommandDep,
    PrincipalDep,
    ServicesDep,
    json_response,
)
from openets.api.errors import ApiCode, ApiError, error_body, rejection_body
from openets.api.routers._supervision_csv import (
    CsvFormat,
    CsvLang,
    alerts_csv,
    csv_response,
    csv_responses,
)
from openets.api.schemas.common import (
    COMMAND_ERRORS,
    QUERY_ERRORS,
    AccountRef,
    QueryFlag,
    query_day,
)
from openets.api.schemas.supervision import (
    AlertOut,
    AlertsOut,
    LargeHolderFileIn,
    LargeHolderOut,
    LargeHoldersOut,
    LimitOut,
    LinkIn,
    LinksOut,
    MeasureOut,
    MeasuresOut,
    RestrictionIn,
    RestrictionOut,
    RestrictionsOut,
    RiskRulesOut,
    SurveillanceIn,
    SurveillanceOut,
    UnlinkIn,
    WarningIn,
)
from openets.api.sequencer import Writer
from openets.domain.messages import Event
from openets.domain.rejection import Rejection
from openets.market import MarketState
from openets.ops.surveillance import surveillance_input
from openets.supervision import messages as sm
from openets.supervision.detectors import DETECTORS, run_all
from openets.supervision.feed import rows_of
from openets.supervision.model import Alert
from openets.supervision.port import risk_rules, sup
from openets.supervision.state import Measure, Obligation

router = APIRouter(tags=["supervision"])

IdPath = Annotated[str, Path(min_length=1, max_length=32)]


def _authority(role: Role) -> sm.Authority:
    return sm.Authority.EXCHANGE if role is Role.EXCHANGE_OPERATOR else sm.Authority.REGULATOR


def _not_found(what: str, ident: str, field: str) -> ApiError:
    return ApiError(ApiCode.NOT_FOUND, f"no {what} {ident!r}", field)


# --- alerts and surveillance --------------------------------------------------------------------


def _alert(m: MarketState, ev: sm.AlertRaised) -> AlertOut:
    a = ev.alert
    return AlertOut(
        alert_id=ev.alert_id,
        run_id=ev.run_id,
        detector=a.detector,
        day=a.day,
        instrument=a.instrument,
        accounts=list(a.accounts),
        severity=a.severity.value,
        summary=a.summary,
        metrics=dict(a.metrics),
        orders=list(a.orders),
        trades=list(a.trades),
        evidence_count=a.evidence_count,
        case_id=sup(m).alert_case.get(ev.alert_id),
        subject=a.subject,
    )


@router.get(
    "/supervision/alerts",
    response_model=AlertsOut,
    responses={**QUERY_ERRORS, **csv_responses("AlertsOut")},
)
async def alerts(
    principal: PrincipalDep,
    services: ServicesDep,
    day: Annotated[str | None, Query(min_length=10, max_length=10)] = None,
    detector: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    account_id: Annotated[AccountRef | None, Query(min_length=1, max_length=32)] = None,
    unassigned: QueryFlag = False,
    format: CsvFormat = "json",
    lang: CsvLang = "zh",
) -> Response:
    """Surveillance alerts with their evidence (the regulator), newest run first;
    ``format=csv`` downloads them (column names in ``lang``)."""
    authorize(principal, Action.SUPERVISION_VIEW)
    query_day(day, "day")
    m = services.state
    s = sup(m)
    data = [
        _alert(m, ev)
        for ev in reversed(s.alerts.values())
        if (day is None or ev.alert.day == day)
        and (detector is None or ev.alert.detector == detector)
        and (account_id is None or account_id in ev.alert.accounts)
        and not (unassigned and ev.alert_id in s.alert_case)
    ]
    if format == "csv":
        return csv_response(alerts_csv(data, lang), "alerts.csv")
    return json_response(AlertsOut(data=data, count=len(data)))


@router.get("/supervision/alerts/{alert_id}", response_model=AlertOut, responses=QUERY_ERRORS)
async def alert(alert_id: IdPath, principal: PrincipalDep, services: ServicesDep) -> Response:
    authorize(principal, Action.SUPERVISION_VIEW)
    ev = sup(services.state).alerts.get(alert_id)
    if ev is None:
        raise _not_found("alert", alert_id, "alert_id")
    return json_response(_alert(services.state, ev))


@router.post(
    "/supervision/surveillance",
    status_code=201,
    response_model=SurveillanceOut,
    responses=COMMAND_ERRORS,
)
async def run_surveillance(body: SurveillanceIn, cmd: CommandDep) -> Response:
    """Run the detectors over one trading day from the journal and record the run and its new
    alerts (the regulator). The journal is read and the detectors run in a worker thread."""
    cmd.require(Action.SUPERVISION_ACT)
    engine = cmd.services.market.engine
    names = tuple(body.detectors) if body.detectors else tuple(DETECTORS)

    def detect() -> tuple[Alert, ...]:
        # Reads the journal with its own connection; of the state it reads only the preset
        # and a copy of the related-account groups (taken in one step).
        rows = list(rows_of(engine.journal.read()))
        return run_all(surveillance_input(engine, body.day, rows), None, names)

    found = await asyncio.to_thread(detect)

    def render(events: tuple[Event, ...], st: MarketState) -> SurveillanceOut:
        ran = next(e for e in events if isinstance(e, sm.SurveillanceRan))
        new = [_alert(st, e) for e in events if isinstance(e, sm.AlertRaised)]
        return SurveillanceOut(
            run_id=ran.run_id,
            day=ran.day,
            detectors=list(ran.detectors),
            found=ran.found,
            new=ran.new,
            alerts=new,
        )

    return await cmd.run(sm.RecordAlerts(body.day, names, found), render)


# --- measures -----------------------------------------------------------------------------------


def _measure(ev: Measure) -> MeasureOut:
    if isinstance(ev, sm.RiskWarningIssued):
        return MeasureOut(
            kind="warning",
            id=ev.warning_id,
            account_id=ev.account_id or None,
            instrument=ev.instrument or None,
            trading=None,
            transfer=None,
            suspended=None,
            text=ev.text,
            authority=ev.authority.value,
            actor=ev.actor,
            time=ev.time,
        )
    if isinstance(ev, sm.AccountRestrictionSet):
        return MeasureOut(
            kind="restriction",
            id=None,
            account_id=ev.account_id,
            instrument=None,
            trading=ev.trading,
            transfer=ev.transfer,
            suspended=None,
            text=ev.reason,
            authority=ev.authority.value,
            actor=ev.actor,
            time=ev.time,
        )
    return MeasureOut(
        kind="suspension",
        id=None,
        account_id=None,
        instrument=ev.instrument,
        trading=None,
        transfer=None,
        suspended=ev.suspended,
        text=ev.reason,
        authority=ev.authority.value,
        actor=ev.actor,
        time=ev.time,
    )


@router.get("/supervision/measures", response_model=MeasuresOut, responses=QUERY_ERRORS)
async def measures(principal: PrincipalDep, services: ServicesDep) -> Response:
    """Every risk measure taken (warnings, restrictions, suspensions), oldest first."""
    authorize(principal, Action.SUPERVISION_VIEW)
    data = [_measure(ev) for ev in sup(services.state).measures]
    return json_response(MeasuresOut(data=data, count=len(data)))


def _restriction(ev: sm.AccountRestrictionSet) -> RestrictionOut:
    return RestrictionOut(
        account_id=ev.account_id,
        trading=ev.trading,
        transfer=ev.transfer,
        reason=ev.reason,
        authority=ev.authority.value,
        actor=ev.actor,
        time=ev.time,
    )


@router.get("/supervision/restrictions", response_model=RestrictionsOut, responses=QUERY_ERRORS)
async def restrictions(principal: PrincipalDep, services: ServicesDep) -> Response:
    """Accounts restricted from trading or transfers now (the regulator)."""
    authorize(principal, Action.SUPERVISION_VIEW)
    data = [_restriction(r) for _, r in sorted(sup(services.state).restrictions.items())]
    return json_response(RestrictionsOut(data=data, count=len(data)))


@router.post("/supervision/restrictions", response_model=RestrictionOut, responses=COMMAND_ERRORS)
async def restrict(body: RestrictionIn, cmd: CommandDep) -> Response:
    """Restrict an account from trading and/or transfers out, or lift it (the exchange or the
    regulator, with the reason)."""
    cmd.require(Action.SUPERVISION_MEASURE)
    c = sm.RestrictAccount(
        body.account_id, body.trading, body.transfer, body.reason, _authority(cmd.principal.role)
    )
    acct = body.account_id

    def render(events: tuple[Event, ...], st: MarketState) -> RestrictionOut:
        ev = next((e for e in events if isinstance(e, sm.AccountRestrictionSet)), None)
        if ev is None:  # nothing changed: the current restriction (or none)
            ev = sup(st).restrictions.get(acct) or sm.AccountRestrictionSet(
                acct, False, False, "", _authority(cmd.principal.role), "", ""
            )
        return _restriction(ev)

    return await cmd.run(c, render, status=200)


@router.post(
    "/supervision/warnings", status_code=201, response_model=MeasureOut, responses=COMMAND_ERRORS
)
async def warn(body: WarningIn, cmd: CommandDep) -> Response:
    """A written risk warning to an account, or a public notice (the exchange or the
    regulator)."""
    cmd.require(Action.SUPERVISION_MEASURE)
    c = sm.IssueRiskWarning(
        body.account_id or "", body.instrument or "", body.text, _authority(cmd.principal.role)
    )

    def render(events: tuple[Event, ...], st: MarketState) -> MeasureOut:
        return _measure(next(e for e in events if isinstance(e, sm.RiskWarningIssued)))

    return await cmd.run(c, render)


# --- related accounts and risk rules ------------------------------------------------------------


def _links(m: MarketState) -> LinksOut:
    groups: dict[str, list[str]] = {}
    for acct, group in sorted(sup(m).groups.items()):
        groups.setdefault(group, []).append(acct)
    return LinksOut(groups=groups)


@router.get("/supervision/links", response_model=LinksOut, responses=QUERY_ERRORS)
async def links(principal: PrincipalDep, services: ServicesDep) -> Response:
    """Related accounts by group (one owner, one group of companies)."""
    authorize(principal, Action.SUPERVISION_VIEW)
    return json_response(_links(services.state))


@router.post("/supervision/links", response_model=LinksOut, responses=COMMAND_ERRORS)
async def link(body: LinkIn, cmd: CommandDep) -> Response:
    """Declare accounts related under a group id (the regulator)."""
    cmd.require(Action.SUPERVISION_ACT)
    c = sm.LinkAccounts(body.group_id, tuple(body.account_ids), body.reason)
    return await cmd.run(c, lambda evs, st: _links(st), status=200)


@router.post("/supervision/links/remove", response_model=LinksOut, responses=COMMAND_ERRORS)
async def unlink(body: UnlinkIn, cmd: CommandDep) -> Response:
    """Take accounts out of their groups (the regulator)."""
    cmd.require(Action.SUPERVISION_ACT)
    c = sm.UnlinkAccounts(tuple(body.account_ids), body.reason)
    return await cmd.run(c, lambda evs, st: _links(st), status=200)


@router.get("/supervision/risk-rules", response_model=RiskRulesOut, responses=QUERY_ERRORS)
async def rules_in_force(principal: PrincipalDep, services: ServicesDep) -> Response:
    """The position limits and large-holder reporting thresholds in force, with their source."""
    authorize(principal, Action.SUPERVISION_VIEW)
    r = risk_rules(services.state)

    def limits(xs: tuple[object, ...]) -> list[LimitOut]:
        return [LimitOut.model_validate(x, from_attributes=True) for x in xs]

    out = RiskRulesOut(
        name=r.name, source=r.source, position=limits(r.position), reporting=limits(r.reporting)
    )
    return json_response(out)


# --- large-holder reports -----------------------------------------------------------------------


def _obligation(o: Obligation) -> LargeHolderOut:
    ev, filed = o.raised, o.filed
    return LargeHolderOut(
        obligation_id=ev.obligation_id,
        account_id=ev.account_id,
        product=ev.product,
        position=ev.position,
        threshold=ev.threshold,
        source=ev.source,
        time=ev.time,
        status=o.status,  # type: ignore[arg-type]
        filed_text=filed.text if filed else None,
        filed_at=filed.time if filed else None,
    )


@router.get("/supervision/large-holders", response_model=LargeHoldersOut, responses=QUERY_ERRORS)
async def large_holders(
    principal: PrincipalDep,
    services: ServicesDep,
    status: Annotated[str | None, Query(pattern="^(open|filed)$")] = None,
) -> Response:
    """Large-holder report obligations (大户报告): the regulator all, a participant its own."""
    if principal.is_participant:
        authorize(principal, Action.ACCOUNT_VIEW, principal.account_id)
        acct: str | None = principal.account_id
    else:
        authorize(principal, Action.SUPERVISION_VIEW)
        acct = None
    data = [
        _obligation(o)
        for _, o in sorted(sup(services.state).obligations.items())
        if (acct is None or o.raised.account_id == acct) and (status is None or o.status == status)
    ]
    return json_response(LargeHoldersOut(data=data, count=len(data)))


@router.post(
    "/supervision/large-holders/scan", response_model=LargeHoldersOut, responses=COMMAND_ERRORS
)
async def scan(cmd: CommandDep) -> Response:
    """Compare every position with the reporting thresholds now (the regulator); answers the
    obligations this raised."""
    cmd.require(Action.SUPERVISION_ACT)

    def render(events: tuple[Event, ...], st: MarketState) -> LargeHoldersOut:
        obs = sup(st).obligations
        data = [
            _obligation(obs[e.obligation_id])
            for e in events
            if isinstance(e, sm.LargeHolderReportRequired)
        ]
        return LargeHoldersOut(data=data, count=len(data))

    return await cmd.run(sm.ScanPositions(), render, status=200)


@router.post(
    "/supervision/large-holders/{obligation_id}/file",
    response_model=LargeHolderOut,
    responses=COMMAND_ERRORS,
)
async def file_report(obligation_id: IdPath, body: LargeHolderFileIn, cmd: CommandDep) -> Response:
    """File the large-holder report the caller's account owes."""
    acct = cmd.principal.account_id
    cmd.require(Action.LARGE_HOLDER_FILE, acct)
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        o = sup(w.state).obligations.get(obligation_id)
        if o is None or o.raised.account_id != acct:
            msg = f"no large-holder report obligation {obligation_id!r} of account {acct}"
            return 404, error_body(ApiCode.NOT_FOUND, msg, "obligation_id")
        r = w.submit(sm.FileLargeHolderReport(obligation_id, body.text), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        out = _obligation(sup(w.state).obligations[obligation_id])
        return 200, out.model_dump_json().encode()

    return await cmd.job(job)
