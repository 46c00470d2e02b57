"""Compliance obligations (reference §7.4, §8.2-§8.3): how many allowances an entity owes.

- Gas units owe ``min(verified, allocation)`` each: they never buy for a gap (plan rule).
- The entity's other units together owe ``min(verified, allocation + cap × verified)``, with
  ``cap`` = 20% (``Plan.shortfall_cap``; None removes the cap). The cap term is rounded
  half-up to whole tonnes.
- Industrial sectors allocated equal to verified emissions owe their verified emissions.

Also here: which vintages may serve a compliance year, the CCER limit, the 2021-22 borrowing
limit and the 2023-24 carry-over quota. Limits that must not be exceeded round down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction as Q

from openets.compliance.allocation import round_tonnes
from openets.compliance.plans import CarryOver, Plan
from openets.domain.clock import BEIJING
from openets.domain.products import ProductCode, cea_for_year, is_cea, vintage_years

FIRST_YEAR = 2019


@dataclass(frozen=True, slots=True)
class UnitPosition:
    """One unit's (or installation's) verified emissions and final allocation for a year."""

    unit_id: str
    is_gas: bool
    verified_t: int
    allocation_t: int


@dataclass(frozen=True, slots=True)
class Obligation:
    """An entity's obligation for one compliance year, with the parts that made it."""

    verified_t: int
    allocation_t: int
    obligation_t: int
    gas_obligation_t: int
    other_obligation_t: int

    @property
    def relief_t(self) -> int:
        """Verified emissions that need no allowances because of the caps."""
        return self.verified_t - self.obligation_t

    @property
    def gap_t(self) -> int:
        """Allowances the entity must find beyond its allocation (0 if it has a surplus)."""
        return max(0, self.obligation_t - self.allocation_t)


def gas_unit_obligation_t(plan: Plan, verified_t: int, allocation_t: int) -> int:
    """A gas unit owes at most its free allocation (2019-2022 [V]; 2023-24 [U])."""
    if plan.gas_obligation_capped_at_allocation:
        return min(verified_t, allocation_t)
    return verified_t


def shortfall_capped_obligation_t(plan: Plan, verified_t: int, allocation_t: int) -> int:
    """Non-gas units owe at most allocation + 20% of verified emissions (§7.4)."""
    if plan.shortfall_cap is None:
        return verified_t
    return min(verified_t, allocation_t + round_tonnes(plan.shortfall_cap * verified_t))


def compute_obligation(plan: Plan, units: Iterable[UnitPosition]) -> Obligation:
    """The entity's obligation: gas units one by one, the other units together."""
    verified = allocation = gas = 0
    other_v = other_a = 0
    for u in units:
        if u.verified_t < 0 or u.allocation_t < 0:
            raise ValueError(f"unit {u.unit_id}: negative verified or allocation: {u}")
        verified += u.verified_t
        allocation += u.allocation_t
        if u.is_gas:
            gas += gas_unit_obligation_t(plan, u.verified_t, u.allocation_t)
        else:
            other_v += u.verified_t
            other_a += u.allocation_t
    other = shortfall_capped_obligation_t(plan, other_v, other_a)
    return Obligation(verified, allocation, gas + other, gas, other)


def cycle_end(plan: Plan, year: int) -> int:
    """Last year of the compliance cycle holding ``year``."""
    return max(plan.cycle_years) if year in plan.cycle_years else year


def eligible_vintages(plan: Plan, year: int) -> tuple[ProductCode, ...]:
    """CEA vintages that may be surrendered for ``year``: every vintage up to the end of its
    cycle (earlier vintages are banked [M]; later ones only through borrowing)."""
    out: list[ProductCode] = []
    for y in range(FIRST_YEAR, cycle_end(plan, year) + 1):
        code = cea_for_year(y)
        if code not in out:
            out.append(code)
    return tuple(out)


def ccer_limit_t(plan: Plan, obligation_t: int) -> int:
    """Most CCER that may offset the obligation: 5% of it, rounded down."""
    cap = plan.ccer_cap * obligation_t
    return cap.numerator // cap.denominator


def borrowing_limit_t(plan: Plan, obligation: Obligation) -> int:
    """Most allowances an entity may borrow from the next cycle's allocation (Plan 21-22):
    only if its gap exceeds 10% of its allocation, then at most 50% of the gap, rounded down."""
    rule = plan.borrowing
    if rule is None:
        return 0
    gap = obligation.gap_t
    if gap == 0 or Q(gap) <= rule.gap_threshold * obligation.allocation_t:
        return 0
    limit = rule.max_share_of_gap * gap
    return limit.numerator // limit.denominator


def borrowing_vintage(plan: Plan) -> ProductCode | None:
    """The vintage borrowed allowances belong to (CEA23 for 2021-22)."""
    return None if plan.borrowing is None else cea_for_year(plan.borrowing.from_vintage_year)


def carry_over_quota_t(rule: CarryOver, net_sales_t: int) -> int:
    """Old vintages usable after the carry-over year: 10,000 t + 1.5 × net sales (≥ 0),
    rounded down."""
    extra = rule.sales_multiple * max(0, net_sales_t)
    return rule.base_t + extra.numerator // extra.denominator


def is_carried_vintage(rule: CarryOver, product: str) -> bool:
    """True for a CEA vintage that falls under the carry-over limit (up to CEA24)."""
    if not is_cea(product):
        return False
    years = vintage_years(ProductCode(product))
    return bool(years) and max(years) <= rule.last_vintage_year


class Status(StrEnum):
    COMPLIANT = "compliant"
    LATE = "late"
    SHORTFALL = "shortfall"


@dataclass(frozen=True, slots=True)
class Position:
    """What an entity owes and has surrendered for one compliance year."""

    entity_id: str
    province: str
    year: int
    deadline: date
    obligation_t: int
    on_time_t: int
    """Surrendered (CEA and CCER) by the deadline."""
    late_t: int
    """Surrendered after the deadline."""
    ccer_t: int

    @property
    def surrendered_t(self) -> int:
        return self.on_time_t + self.late_t

    @property
    def shortfall_t(self) -> int:
        return max(0, self.obligation_t - self.surrendered_t)

    @property
    def status(self) -> Status:
        """compliant: all by the deadline; late: all, some after it; shortfall: not all yet."""
        if self.on_time_t >= self.obligation_t:
            return Status.COMPLIANT
        if self.surrendered_t >= self.obligation_t:
            return Status.LATE
        return Status.SHORTFALL


def is_late(at: datetime, deadline: date | datetime) -> bool:
    """After the deadline: a day (Beijing time) ends at midnight, a moment is itself."""
    if at.tzinfo is None:
        raise ValueError(f"time must carry a time zone, was {at!r}")
    if isinstance(deadline, datetime):
        return at > deadline
    return at.astimezone(BEIJING).date() > deadline
