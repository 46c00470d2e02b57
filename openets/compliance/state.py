"""The compliance context's state: who is who, installations, reports, and each entity-year.

Mutable, changed only by :func:`openets.compliance.mrv.apply`. Plans are configuration, not
state: the engine builds the state with the same plans on every replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from openets.compliance.allocation import Activity
from openets.compliance.obligations import Obligation, Position
from openets.compliance.plans import PRESETS, Category, Cooling, Plan, Sector, plan_for_year
from openets.domain.rejection import Code, Rejection

SYSTEM_ACTOR = "system"
"""The engine's own actor: bootstraps appointments and routes surrenders already authorised."""
NATIONAL = "CN"
MAX_PPM = 1_000_000
"""The province code of the national regulator (may act for every province)."""


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    APPROVED = "approved"


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One unit's annual figures: emissions in tonnes, output in kWh and MJ, ratios in ppm."""

    unit_id: str
    emissions_t: int
    supply_kwh: int = 0
    heat_mj: int = 0
    heat_ratio_ppm: int = 0
    load_factor_ppm: int = 0
    output_t: int = 0
    """Industrial installations: the year's product output in tonnes (crude steel, clinker,
    primary aluminium); 0 for power units and in reports made before it was recorded."""

    @property
    def activity(self) -> Activity:
        return Activity(self.supply_kwh, self.heat_mj, self.heat_ratio_ppm, self.load_factor_ppm)


@dataclass(frozen=True, slots=True)
class UnitTonnes:
    unit_id: str
    tonnes: int


@dataclass(slots=True)
class EntityRecord:
    entity_id: str
    name: str
    province: str
    account_id: str
    operators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Installation:
    """A generating unit (power, with its category) or an industrial installation."""

    entity_id: str
    unit_id: str
    sector: Sector
    category: Category | None
    cooling: Cooling
    capacity_kw: int


@dataclass(slots=True)
class Report:
    entity_id: str
    year: int
    status: ReportStatus
    submitted: tuple[ReportLine, ...]
    submitted_by: str
    verified: tuple[ReportLine, ...] = ()
    late: bool = False
    """Submitted after the plan's report step (31 March of the next year)."""
    verifier: str = ""
    adjustment_reason: str = ""
    approver: str = ""

    @property
    def verified_emissions_t(self) -> int:
        return sum(line.emissions_t for line in self.verified)


@dataclass(slots=True)
class EntityYear:
    """An entity's allocation, obligation and surrenders for one compliance year."""

    entity_id: str
    year: int
    plan: str
    preallocation_t: int = 0
    preallocated: bool = False
    final_allocation_t: int | None = None
    obligation: Obligation | None = None
    on_time_t: int = 0
    late_t: int = 0
    ccer_t: int = 0
    by_product: dict[str, int] = field(default_factory=dict)
    borrowed_t: int = 0
    borrowed_used_t: int = 0
    penalty_fine_fen: int | None = None
    deduction_scheduled_t: int | None = None
    met_by_interim: bool = False
    """The obligation was surrendered in full by the plan's interim milestone."""
    preallocation_late: bool = False
    final_late: bool = False
    """Pre-allocated / finalised after the plan's step for it (calendar)."""


@dataclass(slots=True)
class ComplianceState:
    plans: dict[str, Plan] = field(default_factory=lambda: dict(PRESETS))
    entities: dict[str, EntityRecord] = field(default_factory=dict)
    installations: dict[str, dict[str, Installation]] = field(default_factory=dict)
    regulators: dict[str, str] = field(default_factory=dict)
    """Actor → province (or NATIONAL)."""
    verifiers: dict[str, frozenset[str]] = field(default_factory=dict)
    """Actor → provinces where the verifier is appointed."""
    reports: dict[tuple[str, int], Report] = field(default_factory=dict)
    years: dict[tuple[str, int], EntityYear] = field(default_factory=dict)
    withholdings: dict[tuple[str, int], int] = field(default_factory=dict)
    """(entity, first year) → tonnes to withhold from allocations of that year on (borrowing
    repaid, penalty deductions)."""
    carry_over_quota: dict[str, int] = field(default_factory=dict)
    carry_over_used: dict[str, int] = field(default_factory=dict)

    def is_regulator_of(self, actor: str, province: str) -> bool:
        p = self.regulators.get(actor)
        return p is not None and p in (province, NATIONAL)

    def is_operator_of(self, actor: str, entity_id: str) -> bool:
        e = self.entities.get(entity_id)
        return e is not None and actor in e.operators

    def entity_for_account(self, account_id: str) -> EntityRecord | None:
        for e in self.entities.values():
            if e.account_id == account_id:
                return e
        return None

    def plan_for(self, year: int) -> Plan | None:
        return plan_for_year(year, self.plans)

    def withholding_due(self, entity_id: str, year: int) -> int:
        return sum(t for (e, y), t in self.withholdings.items() if e == entity_id and y <= year)

    def position(self, entity_id: str, year: int) -> Position | None:
        """The entity's obligation and surrenders for ``year``, once the obligation is known."""
        ey = self.years.get((entity_id, year))
        plan = self.plans.get(ey.plan) if ey else None
        if ey is None or ey.obligation is None or plan is None:
            return None
        entity = self.entities[entity_id]
        return Position(
            entity_id,
            entity.province,
            year,
            plan.deadline,
            ey.obligation.obligation_t,
            ey.on_time_t,
            ey.late_t,
            ey.ccer_t,
        )


def entity_for_regulator(
    state: ComplianceState, entity_id: str, actor: str
) -> EntityRecord | Rejection:
    """The entity, if ``actor`` regulates its province (or the nation)."""
    entity = state.entities.get(entity_id)
    if entity is None:
        return Rejection(Code.INVALID_FIELD, f"unknown entity {entity_id!r}", "entity_id")
    if not state.is_regulator_of(actor, entity.province):
        return Rejection(
            Code.NOT_PERMITTED, f"{actor} does not regulate province {entity.province}", "actor"
        )
    return entity


def entity_for_operator(
    state: ComplianceState, entity_id: str, actor: str
) -> EntityRecord | Rejection:
    """The entity, if ``actor`` operates for it (or is the engine routing an authorised call)."""
    entity = state.entities.get(entity_id)
    if entity is None:
        return Rejection(Code.INVALID_FIELD, f"unknown entity {entity_id!r}", "entity_id")
    if actor != SYSTEM_ACTOR and actor not in entity.operators:
        return Rejection(Code.NOT_PERMITTED, f"{actor} does not act for {entity_id}", "actor")
    return entity


def check_lines(
    state: ComplianceState,
    entity_id: str,
    lines: tuple[ReportLine, ...],
    field: str = "lines",
    *,
    complete: bool = True,
) -> Rejection | None:
    """Lines name registered units once each, with figures ≥ 0 and ratios ≤ 1 (ppm); a
    ``complete`` report covers every installation of the entity."""
    units = state.installations.get(entity_id, {})
    seen: set[str] = set()
    for i, line in enumerate(lines):
        where = f"{field}[{i}]"
        if line.unit_id not in units:
            return Rejection(
                Code.INVALID_FIELD, f"unit {line.unit_id!r} is not registered", f"{where}.unit_id"
            )
        if line.unit_id in seen:
            return Rejection(Code.DUPLICATE, f"unit {line.unit_id} reported twice", where)
        seen.add(line.unit_id)
        names = ("emissions_t", "supply_kwh", "heat_mj", "heat_ratio_ppm", "load_factor_ppm")
        for name in (*names, "output_t"):
            value = getattr(line, name)
            if value < 0 or (name.endswith("_ppm") and value > MAX_PPM):
                upper = " and ≤ 1000000 ppm" if name.endswith("_ppm") else ""
                return Rejection(
                    Code.INVALID_FIELD, f"{name} must be ≥ 0{upper}, was {value}", f"{where}.{name}"
                )
    missing = sorted(set(units) - seen)
    if complete and missing:
        return Rejection(Code.INVALID_FIELD, f"units not reported: {', '.join(missing)}", field)
    return None
