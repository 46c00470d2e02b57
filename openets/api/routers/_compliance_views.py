"""Compliance records as response bodies, and which of them a user may see (shared by the
compliance routers: the cycle's, the allocation's, the calendar's and the status').

Kept apart from the routes so each router module holds only the routes of its roles.
"""

from __future__ import annotations

from decimal import Decimal

from openets.api.auth import Principal, Role
from openets.api.deps import Render
from openets.api.schemas.common import errors, yuan
from openets.api.schemas.compliance_cycle import (
    EntityOut,
    InstallationOut,
    LineIn,
    LineOut,
    ReportOut,
    RunOut,
    SkippedOut,
)
from openets.compliance import run_messages as runs
from openets.compliance.service import CompliancePart, part
from openets.compliance.state import NATIONAL, EntityRecord, Report, ReportLine
from openets.domain.messages import Event
from openets.market import MarketState

LARGE_COMMAND_ERRORS = errors(401, 403, 404, 409, 413, 422, 503)
"""Commands whose bodies carry report lines may exceed the body limit."""

# --- rendering ------------------------------------------------------------------------------


def report_lines(lines: list[LineIn]) -> tuple[ReportLine, ...]:
    """The request's report lines in the engine's units (MWh and GJ in thousandths: kWh, MJ)."""
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


def render_run(events: tuple[Event, ...], st: MarketState) -> RunOut:
    run = next(e for e in events if isinstance(e, runs.ComplianceRun))
    return run_out(run)


def render_report(entity_id: str, year: int) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> ReportOut:
        comp = part(st)
        return report_out(comp, comp.reports[(entity_id, year)])

    return render


def render_entity(entity_id: str) -> Render:
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
