"""Allocation of steel, cement and aluminium installations (reference §7.5, §13).

Direct emissions only; per installation, in whole tonnes:

- **2024 vintage** (Plan SCA 24-25): final allocation = verified 2024 emissions (等量分配), no
  pre-allocation.
- **2025 vintage**: pre-allocation = ``plan.preallocation_share`` (70%) of the previous
  year's verified emissions, rounded half-up once per installation. The final method is not
  published [U]: a plan either allocates verified emissions (``equal_allocation_sectors``, the
  default) or output × a sector benchmark (``intensity_benchmarks``, tCO2 per t of product).
- **True-up** = final − pre: positive is issued, negative is clawed back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openets.compliance.allocation import UnitAllocation, round_tonnes
from openets.compliance.plans import INDUSTRY, Plan, Sector


@dataclass(frozen=True, slots=True)
class InstallationInput:
    """One row of an industrial sector's file: the year's MRV data and the prior year's."""

    entity_id: str
    installation_id: str
    sector: Sector
    verified_t: int
    """Verified direct emissions of the year, tCO2e."""
    output_t: int
    """The year's product output in tonnes (crude steel, clinker, primary aluminium)."""
    prior_verified_t: int
    """Verified direct emissions of the previous year (the base of the pre-allocation)."""


def emission_preallocation_t(plan: Plan, prior_verified_t: int) -> int:
    """``preallocation_share`` (70%) of the previous year's verified emissions, half-up."""
    return round_tonnes(plan.preallocation_share * prior_verified_t)


def industry_preallocation_t(plan: Plan, sector: Sector, prior_verified_t: int) -> int:
    """The pre-allocation of an installation of ``sector``: 0 where the plan has none (2024)."""
    if sector in plan.emission_preallocation_sectors:
        return emission_preallocation_t(plan, prior_verified_t)
    return 0


def industry_final_t(plan: Plan, sector: Sector, verified_t: int, output_t: int) -> int | None:
    """The final allocation: verified emissions, or output × the sector's benchmark; None
    when the plan has no method for ``sector`` (plans before 2024, and power)."""
    if sector in plan.equal_allocation_sectors:
        return verified_t
    bench = plan.intensity_benchmark(sector)
    if bench is not None and sector in INDUSTRY:
        return round_tonnes(bench * output_t)
    return None


def allocate_installation(plan: Plan, inst: InstallationInput) -> UnitAllocation:
    """Pre, final and true-up of one installation; ValueError if the plan does not cover it."""
    final = industry_final_t(plan, inst.sector, inst.verified_t, inst.output_t)
    if final is None:
        raise ValueError(f"plan {plan.name} has no allocation method for sector {inst.sector}")
    pre = industry_preallocation_t(plan, inst.sector, inst.prior_verified_t)
    return UnitAllocation(inst.entity_id, inst.installation_id, pre, final, final - pre)


def allocate_installations(
    plan: Plan, installations: Iterable[InstallationInput]
) -> tuple[UnitAllocation, ...]:
    """Allocate every installation with the plan; order is preserved."""
    return tuple(allocate_installation(plan, i) for i in installations)
