"""Compliance status of a year with its deadlines: an entity's own (with the days left), and for
staff the totals per province and for the nation, with the interim milestone (cycle 1: 95% of
the entities by 17:00 on 2021-12-15, all by 17:00 on 2021-12-31)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.routers._compliance_views import visible_entities, visible_provinces
from openets.api.routers.compliance import _obligation, _summary
from openets.api.schemas.common import QUERY_ERRORS, OutModel
from openets.api.schemas.compliance import ComplianceSummaryOut, ObligationOut
from openets.compliance import queries as cq
from openets.compliance import report
from openets.compliance.service import part
from openets.domain.rejection import Code

router = APIRouter(tags=["compliance"])


class MilestoneOut(OutModel):
    scope: str
    entities: int
    """Entities with a determined obligation."""
    met_by_interim: int
    share: str
    """``met_by_interim`` of ``entities`` in per cent, e.g. ``"96.00"``."""
    target: str | None
    """The plan's interim share, e.g. ``"95.00"``."""


class StatusOut(OutModel):
    year: int
    plan: str
    now: str
    deadline_at: str
    deadline_passed: bool
    days_left: int
    """Whole days until the deadline, counting a part day as one; 0 once it has passed."""
    interim_at: str | None
    interim_passed: bool | None
    national: ComplianceSummaryOut | None
    provinces: list[ComplianceSummaryOut]
    milestones: list[MilestoneOut]
    entities: list[ObligationOut]


def _pct(n: int, d: int) -> str:
    return report.format_rate(report.rate_bps(n, d))


@router.get("/compliance/status", response_model=StatusOut, responses=QUERY_ERRORS)
async def status(
    principal: PrincipalDep,
    services: ServicesDep,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> Response:
    """The year's deadlines and where everyone stands: a participant its entity; staff the
    provinces they work in and (national staff) the nation."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    comp = part(services.state)
    plan = comp.plan_for(year)
    if plan is None:
        raise ApiError(Code.INVALID_FIELD, f"no plan covers {year}", "year")
    now = services.clock.now()
    left = plan.deadline_at - now
    days = 0 if left <= timedelta(0) else -(-left // timedelta(days=1))
    entities = visible_entities(comp, principal)
    ids = {e.entity_id for e in entities}
    rows = [v for e in entities if (v := cq.obligation_of(comp, e.entity_id, year)) is not None]
    national = None
    provinces: list[ComplianceSummaryOut] = []
    milestones: list[MilestoneOut] = []
    if not principal.is_participant:
        items = [p for p in report.positions(comp, year) if p.entity_id in ids]
        if visible_provinces(comp, principal) is None:
            national = _summary(cq.summary_dict(report.summarise("national", year, items)))
        provinces = [_summary(cq.summary_dict(s)) for s in report.by_province(year, items)]
        groups: dict[str, list[str]] = {"national": [p.entity_id for p in items]}
        for p in items:
            groups.setdefault(p.province, []).append(p.entity_id)
        share = plan.interim_share
        target = None if share is None else _pct(share.numerator, share.denominator)
        for scope, members in groups.items():
            if scope == "national" and national is None:
                continue
            met = sum(1 for e in members if comp.years[(e, year)].met_by_interim)
            milestones.append(
                MilestoneOut(
                    scope=scope,
                    entities=len(members),
                    met_by_interim=met,
                    share=_pct(met, len(members)),
                    target=target,
                )
            )
    interim = plan.interim_at
    out = StatusOut(
        year=year,
        plan=plan.name,
        now=now.isoformat(),
        deadline_at=plan.deadline_at.isoformat(),
        deadline_passed=now > plan.deadline_at,
        days_left=days,
        interim_at=None if interim is None else interim.isoformat(),
        interim_passed=None if interim is None else now > interim,
        national=national,
        provinces=provinces,
        milestones=milestones,
        entities=[_obligation(v) for v in rows],
    )
    return json_response(out)
