"""Commands and events of the compliance cycle (allocation, borrowing, surrender, penalties).

What each event asks of the registry, which alone moves allowances:

- ``PreAllocationDetermined``: issue ``issue_t`` of ``product`` (the year's CEA vintage) from
  the province's allocation account to the entity's ``account_id``.
- ``FinalAllocationDetermined``: issue ``issue_t`` (the true-up) the same way, or claw back
  ``clawback_t`` from ``account_id`` to the province's allocation account.
- ``AllowancesBorrowed``: issue ``quantity`` of ``product`` (CEA23) from the province's
  allocation account to ``account_id``; it is withheld later from the 2023 allocation.
- ``SurrenderRecorded``: move each CEA item from ``account_id`` to the surrender (清缴) account
  and each CCER item to the cancellation (注销) account as an offset.

The other events change only the compliance state.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.compliance.obligations import Obligation
from openets.compliance.plans import PenaltyRegime
from openets.compliance.rules import SurrenderItem
from openets.compliance.state import ReportLine, UnitTonnes
from openets.domain.messages import Command, Event

# --- commands -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreAllocate(Command):
    entity_id: str
    year: int
    plan: str
    prior: tuple[ReportLine, ...] = ()
    """Prior-year output per unit; empty: the approved report of ``year − 1``."""


@dataclass(frozen=True, slots=True)
class FinalizeAllocation(Command):
    entity_id: str
    year: int
    plan: str


@dataclass(frozen=True, slots=True)
class BorrowAllowances(Command):
    entity_id: str
    year: int
    quantity: int


@dataclass(frozen=True, slots=True)
class RecordSurrender(Command):
    entity_id: str
    year: int
    items: tuple[SurrenderItem, ...]


@dataclass(frozen=True, slots=True)
class DetermineCarryOver(Command):
    entity_id: str
    net_sales_t: int
    """Allowances sold minus bought over 2019-2024 (from the registry and trading records)."""


@dataclass(frozen=True, slots=True)
class AssessPenalty(Command):
    entity_id: str
    year: int
    fine_fen: int
    """The fine decided, within the regime's range."""
    trade_value_fen: int = 0
    """Σ price × quantity of the month before the deadline (see ``penalties.penalty_month``)."""
    trade_quantity_t: int = 0


@dataclass(frozen=True, slots=True)
class DeductAllocation(Command):
    """The entity did not correct: withhold the shortfall from the next year's allocation."""

    entity_id: str
    year: int


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreAllocationDetermined(Event):
    entity_id: str
    account_id: str
    province: str
    year: int
    plan: str
    product: str
    units: tuple[UnitTonnes, ...]
    preallocation_t: int
    withheld_t: int
    issue_t: int
    late: bool = False
    """Decided after the plan's pre-allocation step for the entity's sector."""


@dataclass(frozen=True, slots=True)
class FinalAllocationDetermined(Event):
    entity_id: str
    account_id: str
    province: str
    year: int
    plan: str
    product: str
    units: tuple[UnitTonnes, ...]
    final_allocation_t: int
    preallocation_t: int
    true_up_t: int
    withheld_t: int
    issue_t: int
    clawback_t: int
    late: bool = False
    """Decided after the plan's final issuance step."""


@dataclass(frozen=True, slots=True)
class ObligationDetermined(Event):
    entity_id: str
    year: int
    obligation: Obligation


@dataclass(frozen=True, slots=True)
class AllowancesBorrowed(Event):
    entity_id: str
    account_id: str
    province: str
    year: int
    product: str
    quantity: int
    withheld_from_year: int


@dataclass(frozen=True, slots=True)
class SurrenderRecorded(Event):
    entity_id: str
    account_id: str
    province: str
    year: int
    items: tuple[SurrenderItem, ...]
    late: bool
    ccer_t: int
    borrowed_vintage_t: int
    carried_over_t: int


@dataclass(frozen=True, slots=True)
class CarryOverDetermined(Event):
    entity_id: str
    net_sales_t: int
    quota_t: int


@dataclass(frozen=True, slots=True)
class PenaltyAssessed(Event):
    entity_id: str
    year: int
    regime: PenaltyRegime
    shortfall_t: int
    fine_min_fen: int
    fine_max_fen: int
    fine_fen: int
    average_price_fen: int | None


@dataclass(frozen=True, slots=True)
class AllocationDeductionScheduled(Event):
    entity_id: str
    year: int
    from_year: int
    quantity: int
