"""Read side of compliance: obligations with their status, summaries, the state's canonical
form and its invariants. Pure functions of :class:`ComplianceState`, for the API and the CLI.

An entity-year appears once its report is submitted or its allocation has begun; its status is
``pending`` until the obligation is determined (report approved and allocation finalised), then
``compliant``, ``late`` or ``shortfall`` as :class:`~openets.compliance.obligations.Position`
defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from openets.compliance import report
from openets.compliance.obligations import ccer_limit_t
from openets.compliance.state import ComplianceState, EntityRecord, Report, ReportLine
from openets.domain.products import is_ccer

PENDING = "pending"


@dataclass(frozen=True, slots=True)
class ObligationView:
    """One entity's compliance year as a holder or a regulator sees it."""

    entity_id: str
    name: str
    account_id: str
    province: str
    year: int
    plan: str
    deadline: date | None
    report_status: str
    """``none``, ``submitted``, ``verified`` or ``approved``."""
    verified_t: int | None
    preallocation_t: int
    final_allocation_t: int | None
    obligation_t: int | None
    on_time_t: int
    late_t: int
    ccer_t: int
    ccer_limit_t: int | None
    borrowed_t: int
    shortfall_t: int | None
    status: str
    """``pending``, ``compliant``, ``late`` or ``shortfall``."""
    surrendered_by_product: tuple[tuple[str, int], ...]
    penalty_fine_fen: int | None
    deduction_scheduled_t: int | None

    @property
    def surrendered_t(self) -> int:
        return self.on_time_t + self.late_t

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text, money in fen (the API formats it)."""
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "account_id": self.account_id,
            "province": self.province,
            "year": self.year,
            "plan": self.plan,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "report_status": self.report_status,
            "verified_t": self.verified_t,
            "preallocation_t": self.preallocation_t,
            "final_allocation_t": self.final_allocation_t,
            "obligation_t": self.obligation_t,
            "surrendered_t": self.surrendered_t,
            "on_time_t": self.on_time_t,
            "late_t": self.late_t,
            "ccer_t": self.ccer_t,
            "ccer_limit_t": self.ccer_limit_t,
            "borrowed_t": self.borrowed_t,
            "shortfall_t": self.shortfall_t,
            "status": self.status,
            "surrendered_by_product": dict(self.surrendered_by_product),
            "penalty_fine_fen": self.penalty_fine_fen,
            "deduction_scheduled_t": self.deduction_scheduled_t,
        }


def entity_of_account(state: ComplianceState, account_id: str) -> EntityRecord | None:
    """The covered entity that holds registry account ``account_id``, if any."""
    return state.entity_for_account(account_id)


def obligation_of(state: ComplianceState, entity_id: str, year: int) -> ObligationView | None:
    """The entity's year, or None if nothing has happened for it yet."""
    entity = state.entities.get(entity_id)
    ey = state.years.get((entity_id, year))
    rep = state.reports.get((entity_id, year))
    if entity is None or (ey is None and rep is None):
        return None
    plan = state.plans.get(ey.plan) if ey is not None else state.plan_for(year)
    position = state.position(entity_id, year)
    obligation_t = None if ey is None or ey.obligation is None else ey.obligation.obligation_t
    return ObligationView(
        entity_id=entity_id,
        name=entity.name,
        account_id=entity.account_id,
        province=entity.province,
        year=year,
        plan="" if plan is None else plan.name,
        deadline=None if plan is None else plan.deadline,
        report_status="none" if rep is None else rep.status.value,
        verified_t=None if ey is None or ey.obligation is None else ey.obligation.verified_t,
        preallocation_t=0 if ey is None else ey.preallocation_t,
        final_allocation_t=None if ey is None else ey.final_allocation_t,
        obligation_t=obligation_t,
        on_time_t=0 if ey is None else ey.on_time_t,
        late_t=0 if ey is None else ey.late_t,
        ccer_t=0 if ey is None else ey.ccer_t,
        ccer_limit_t=(
            None if plan is None or obligation_t is None else ccer_limit_t(plan, obligation_t)
        ),
        borrowed_t=0 if ey is None else ey.borrowed_t,
        shortfall_t=None if position is None else position.shortfall_t,
        status=PENDING if position is None else position.status.value,
        surrendered_by_product=() if ey is None else tuple(sorted(ey.by_product.items())),
        penalty_fine_fen=None if ey is None else ey.penalty_fine_fen,
        deduction_scheduled_t=None if ey is None else ey.deduction_scheduled_t,
    )


def obligations(
    state: ComplianceState,
    year: int,
    *,
    account_id: str | None = None,
    province: str | None = None,
) -> tuple[ObligationView, ...]:
    """Every entity-year of ``year``, by entity id; only one account's or one province's if
    asked (a holder sees its own, a provincial regulator its province)."""
    keys = {k for k in state.years if k[1] == year} | {k for k in state.reports if k[1] == year}
    out = []
    for entity_id, _ in sorted(keys):
        entity = state.entities[entity_id]
        if account_id is not None and entity.account_id != account_id:
            continue
        if province is not None and entity.province != province:
            continue
        view = obligation_of(state, entity_id, year)
        if view is not None:
            out.append(view)
    return tuple(out)


def national_summary(state: ComplianceState, year: int) -> report.Summary:
    """Totals of every entity with a determined obligation for ``year``."""
    return report.summarise("national", year, report.positions(state, year))


def province_summaries(state: ComplianceState, year: int) -> tuple[report.Summary, ...]:
    return report.by_province(year, report.positions(state, year))


def summary_dict(summary: report.Summary) -> dict[str, Any]:
    return {
        "scope": summary.scope,
        "year": summary.year,
        "entities": summary.entities,
        "obligation_t": summary.obligation_t,
        "surrendered_t": summary.surrendered_t,
        "shortfall_t": summary.shortfall_t,
        "rate": report.format_rate(summary.rate_bps),
        "compliant": summary.compliant,
        "late": summary.late,
        "shortfall": summary.shortfall,
    }


def report_text(state: ComplianceState, year: int, fmt: str = "csv", level: str = "entity") -> str:
    """The compliance report of ``year``: JSON (everything), or CSV at one level (``entity``,
    ``province`` or ``national``)."""
    items = report.positions(state, year)
    if fmt == "json":
        return report.report_json(year, items)
    if fmt != "csv":
        raise ValueError(f"format must be csv or json, was {fmt!r}")
    if level == "entity":
        return report.entities_csv(items)
    if level == "province":
        return report.summaries_csv(report.by_province(year, items))
    if level == "national":
        return report.summaries_csv([report.summarise("national", year, items)])
    raise ValueError(f"level must be entity, province or national, was {level!r}")


# --- the state's canonical form and invariants ----------------------------------------------


def _lines(lines: tuple[ReportLine, ...]) -> list[list[Any]]:
    return [
        [x.unit_id, x.emissions_t, x.supply_kwh, x.heat_mj, x.heat_ratio_ppm, x.load_factor_ppm]
        for x in lines
    ]


def _report_row(key: tuple[str, int], r: Report) -> list[Any]:
    return [
        *key,
        r.status.value,
        _lines(r.submitted),
        r.submitted_by,
        _lines(r.verified),
        r.verifier,
        r.adjustment_reason,
        r.approver,
        r.late,
    ]


def canonical(state: ComplianceState) -> dict[str, Any]:
    """A deterministic, JSON-ready view of the whole state (for the market's state hash)."""
    return {
        "plans": sorted(state.plans),
        "entities": [
            [e.entity_id, e.name, e.province, e.account_id, list(e.operators)]
            for _, e in sorted(state.entities.items())
        ],
        "installations": [
            [i.entity_id, i.unit_id, i.sector.value, i.category, i.cooling.value, i.capacity_kw]
            for _, units in sorted(state.installations.items())
            for _, i in sorted(units.items())
        ],
        "regulators": sorted(state.regulators.items()),
        "verifiers": [[v, sorted(ps)] for v, ps in sorted(state.verifiers.items())],
        "reports": [_report_row(k, r) for k, r in sorted(state.reports.items())],
        "years": [_year_row(state, k) for k in sorted(state.years)],
        "withholdings": sorted([k[0], k[1], v] for k, v in state.withholdings.items()),
        "carry_over_quota": sorted(state.carry_over_quota.items()),
        "carry_over_used": sorted(state.carry_over_used.items()),
    }


def _year_row(state: ComplianceState, key: tuple[str, int]) -> list[Any]:
    y = state.years[key]
    ob = y.obligation
    obligation = None if ob is None else [ob.verified_t, ob.allocation_t, ob.obligation_t]
    return [
        *key,
        y.plan,
        y.preallocation_t,
        y.preallocated,
        y.final_allocation_t,
        obligation,
        y.on_time_t,
        y.late_t,
        y.ccer_t,
        sorted(y.by_product.items()),
        y.borrowed_t,
        y.borrowed_used_t,
        y.penalty_fine_fen,
        y.deduction_scheduled_t,
        y.met_by_interim,
        y.preallocation_late,
        y.final_late,
    ]


def violations(state: ComplianceState) -> list[str]:
    """Broken invariants of the compliance state (each would be a bug, not a user's error)."""
    out: list[str] = []
    for key in sorted(state.years):
        out += _year_violations(state, key)
    for key, t in sorted(state.withholdings.items()):
        if t <= 0:
            out.append(f"withholding {key}: {t} t must be positive")
    return out


def _year_violations(state: ComplianceState, key: tuple[str, int]) -> list[str]:
    y = state.years[key]
    where = f"{key[0]} {key[1]}"
    out: list[str] = []
    if key[0] not in state.entities:
        out.append(f"{where}: the entity is not registered")
    total = y.on_time_t + y.late_t
    if min(y.on_time_t, y.late_t, y.ccer_t, y.borrowed_t, y.preallocation_t) < 0:
        out.append(f"{where}: a negative quantity")
    if sum(y.by_product.values()) != total:
        out.append(f"{where}: surrendered by product {y.by_product} != {total} t")
    ccer_by_product = sum(q for prod, q in y.by_product.items() if is_ccer(prod))
    if ccer_by_product != y.ccer_t:
        out.append(f"{where}: CCER {y.ccer_t} t != {ccer_by_product} t by product")
    if y.borrowed_used_t > y.borrowed_t:
        out.append(f"{where}: used {y.borrowed_used_t} t of {y.borrowed_t} t borrowed")
    if y.obligation is None:
        if total:
            out.append(f"{where}: {total} t surrendered before the obligation was known")
        return out
    if total > y.obligation.obligation_t:
        out.append(f"{where}: surrendered {total} t > obligation {y.obligation.obligation_t} t")
    plan = state.plans.get(y.plan)
    if plan is not None and y.ccer_t > ccer_limit_t(plan, y.obligation.obligation_t):
        out.append(f"{where}: CCER {y.ccer_t} t over the cap")
    return out
