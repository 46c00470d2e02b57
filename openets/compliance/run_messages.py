"""Commands and events of the compliance cycle as its roles run it (see
:mod:`openets.compliance.service_runs`)."""

from __future__ import annotations

from dataclasses import dataclass

from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.state import ReportLine
from openets.domain.messages import Command, Event

# --- commands -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterCoveredEntity(Command):
    entity_id: str
    name: str
    province: str
    account_id: str
    sector: Sector


@dataclass(frozen=True, slots=True)
class RegisterCoveredInstallation(Command):
    entity_id: str
    unit_id: str
    sector: Sector
    category: Category | None
    cooling: Cooling = Cooling.WATER
    capacity_kw: int = 0


@dataclass(frozen=True, slots=True)
class SubmitEmissionReport(Command):
    entity_id: str
    year: int
    lines: tuple[ReportLine, ...]


@dataclass(frozen=True, slots=True)
class EntityPrior:
    """An entity's prior-year output per unit, for a pre-allocation without a prior report."""

    entity_id: str
    lines: tuple[ReportLine, ...]


@dataclass(frozen=True, slots=True)
class RunPreAllocation(Command):
    plan: str
    year: int
    prior: tuple[EntityPrior, ...] = ()
    """Prior output of entities without an approved report of ``year − 1``."""


@dataclass(frozen=True, slots=True)
class RunFinalAllocation(Command):
    plan: str
    year: int


@dataclass(frozen=True, slots=True)
class AssessPenalties(Command):
    year: int
    fine_share_pct: int = 0
    """Where in the regime's fine range: 0 the lowest fine, 100 the highest."""


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntitySectorRecorded(Event):
    entity_id: str
    sector: Sector


@dataclass(frozen=True, slots=True)
class SkippedEntity:
    entity_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ComplianceRun(Event):
    """The record of one run: what it did and whom it left out."""

    run_id: str
    kind: str
    """``preallocation``, ``final_allocation`` or ``penalties``."""
    plan: str
    year: int
    scope: str
    """The province run for, or ``CN`` for the nation."""
    regulator: str
    entities: int
    issued_t: int
    clawed_back_t: int
    fines_fen: int
    skipped: tuple[SkippedEntity, ...]


RUN_KINDS = ("preallocation", "final_allocation", "penalties")


@dataclass(frozen=True, slots=True)
class ObligationMet(Event):
    """A surrender through the registry completed the entity's obligation for ``year``;
    ``by_interim``: by the plan's interim milestone (e.g. 17:00 on 2021-12-15 for cycle 1)."""

    entity_id: str
    year: int
    by_interim: bool
