"""Benchmark allocation of power units (reference §7.2-§7.3), in exact integer arithmetic.

Formula per unit::

    A = Q_e × B_e × F_cooling × F_heat_supply × F_load  +  Q_h × B_h

with Q_e the electricity supplied (MWh), Q_h the heat supplied (GJ) and B_e, B_h the plan's
benchmarks of the unit's category.

- **Final allocation** is the formula on the year's actual output.
- **Pre-allocation** is ``plan.preallocation_share`` (70%) of the formula on the prior output,
  with the same correction factors.
- **True-up** = final − pre: positive is issued, negative is clawed back.

Arithmetic and rounding (why: allocations must be reproducible to the tonne on every machine):

- Inputs are integers: output in kWh and MJ (three decimals of MWh and GJ), ratios in parts per
  million. The CSV edge parses decimals with :class:`~decimal.Decimal` into these integers.
- Inside, every value is an exact :class:`~fractions.Fraction`. The only irrational factor, the
  load-factor correction ``1.015^(16 − 20F)`` below 75% load, is computed in 40-digit integer
  fixed point and rounded half-up to 12 decimals (exact when the exponent is whole).
- Each unit's allocation is rounded **once**, half-up, to whole tonnes: the final allocation on
  the exact formula, the pre-allocation on 70% of the exact formula. Entity totals are sums of
  the rounded unit figures, so a unit's figures on a statement add up to its entity's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction as Q
from functools import lru_cache

from openets.compliance.plans import Category, Cooling, Plan, Sector
from openets.domain.money import round_half_up_div

PPM = 1_000_000
_FP = 10**40  # fixed-point scale of the exponential
_FACTOR_DECIMALS = 10**12

# Load-factor bands of the 2019-2020 plan [M], as load factor in ppm.
LOAD_BAND_FULL = 850_000  # F ≥ 85%: 1.0
LOAD_BAND_MID = 800_000  # 80% ≤ F < 85%: 1 + 0.0014 × (85 − 100F)
LOAD_BAND_LOW = 750_000  # 75% ≤ F < 80%: 1.007 + 0.0016 × (80 − 100F); below: 1.015^(16 − 20F)


@dataclass(frozen=True, slots=True)
class Activity:
    """A unit's output in one year: integers only (kWh, MJ, parts per million)."""

    supply_kwh: int
    heat_mj: int
    heat_ratio_ppm: int
    load_factor_ppm: int


@dataclass(frozen=True, slots=True)
class Factors:
    """The correction factors applied to a unit's electricity allocation."""

    cooling: Q
    heat_supply: Q
    load: Q

    @property
    def product(self) -> Q:
        return self.cooling * self.heat_supply * self.load


@dataclass(frozen=True, slots=True)
class UnitInput:
    """One row of the units file, parsed: the unit, its year's output and its prior output."""

    entity_id: str
    unit_id: str
    category: Category
    cooling: Cooling
    capacity_kw: int
    supply_kwh: int
    heat_mj: int
    heat_ratio_ppm: int
    load_factor_ppm: int
    prior_supply_kwh: int
    prior_heat_mj: int

    @property
    def activity(self) -> Activity:
        return Activity(self.supply_kwh, self.heat_mj, self.heat_ratio_ppm, self.load_factor_ppm)

    @property
    def prior_activity(self) -> Activity:
        """Prior output with this year's ratios: the plan applies the unit's own factors."""
        return Activity(
            self.prior_supply_kwh, self.prior_heat_mj, self.heat_ratio_ppm, self.load_factor_ppm
        )


@dataclass(frozen=True, slots=True)
class UnitAllocation:
    entity_id: str
    unit_id: str
    preallocation_t: int
    final_allocation_t: int
    true_up_t: int


@dataclass(frozen=True, slots=True)
class EntityAllocation:
    entity_id: str
    units: int
    preallocation_t: int
    final_allocation_t: int
    true_up_t: int


def round_tonnes(value: Q) -> int:
    """Round an exact quantity half-up (away from zero) to whole tonnes."""
    return round_half_up_div(value.numerator, value.denominator)


def _ln_fp(num: int, den: int) -> int:
    """ln(num/den) × 10^40 for num/den > 0, via 2·atanh((x−1)/(x+1)); truncation ~1e-39."""
    p, q = num - den, num + den
    term = _FP * p // q
    y2n, y2d = p * p, q * q
    total, k = 0, 0
    while term:
        total += term // (2 * k + 1)
        term = term * y2n // y2d
        k += 1
    return 2 * total


def _exp_fp(z_fp: int) -> int:
    """exp(z) × 10^40 for a small z ≥ 0 given as z × 10^40."""
    total, term, k = _FP, _FP, 1
    while term:
        term = term * z_fp // (_FP * k)
        total += term
        k += 1
    return total


_LN_1_015 = _ln_fp(1015, 1000)


def _pow_1_015(exp_ppm: int) -> Q:
    """1.015^(exp_ppm / 10^6) rounded half-up to 12 decimals; exact powers stay exact."""
    whole, rest = divmod(exp_ppm, PPM)
    base = Q(1015, 1000) ** whole
    if rest == 0:
        exact = base
    else:
        frac_fp = _exp_fp(rest * _LN_1_015 // PPM)
        exact = base * Q(frac_fp, _FP)
    scaled = exact * _FACTOR_DECIMALS
    return Q(round_half_up_div(scaled.numerator, scaled.denominator), _FACTOR_DECIMALS)


@lru_cache(maxsize=4096)
def load_factor_correction(load_factor_ppm: int) -> Q:
    """F_f of the load factor F (ppm): 1 at ≥ 85%, rising as the load falls (§7.2) [M]."""
    if not 0 <= load_factor_ppm <= PPM:
        raise ValueError(f"load factor must be within 0..1e6 ppm, was {load_factor_ppm}")
    pct = Q(load_factor_ppm, 10_000)  # 100F
    if load_factor_ppm >= LOAD_BAND_FULL:
        return Q(1)
    if load_factor_ppm >= LOAD_BAND_MID:
        return 1 + Q("0.0014") * (85 - pct)
    if load_factor_ppm >= LOAD_BAND_LOW:
        return Q("1.007") + Q("0.0016") * (80 - pct)
    return _pow_1_015(16 * PPM - 20 * load_factor_ppm)


def correction_factors(
    plan: Plan, category: Category, cooling: Cooling, heat_ratio_ppm: int, load_factor_ppm: int
) -> Factors:
    """The plan's cooling, heat-supply and load-factor corrections for one unit."""
    f_cool = Q(1)
    if cooling is Cooling.AIR and category in plan.air_cooling_categories:
        f_cool = plan.air_cooling_factor
    f_heat = Q(1)
    slope = plan.heat_supply_slope(category)
    if slope is not None and heat_ratio_ppm:
        f_heat = 1 - slope * Q(heat_ratio_ppm, PPM)
    f_load = Q(1)
    if category in plan.load_factor_categories and not (
        plan.load_factor_pure_condensing_only and heat_ratio_ppm
    ):
        f_load = load_factor_correction(load_factor_ppm)
    return Factors(f_cool, f_heat, f_load)


def formula_t(plan: Plan, category: Category, cooling: Cooling, activity: Activity) -> Q:
    """The exact (unrounded) plan formula for one unit, in tonnes."""
    bench = plan.benchmark(category)
    factors = correction_factors(
        plan, category, cooling, activity.heat_ratio_ppm, activity.load_factor_ppm
    )
    electricity = Q(activity.supply_kwh, 1000) * bench.electricity * factors.product
    heat = Q(activity.heat_mj, 1000) * bench.heat
    return electricity + heat


def final_allocation_t(plan: Plan, category: Category, cooling: Cooling, activity: Activity) -> int:
    return round_tonnes(formula_t(plan, category, cooling, activity))


def preallocation_t(plan: Plan, category: Category, cooling: Cooling, prior: Activity) -> int:
    return round_tonnes(plan.preallocation_share * formula_t(plan, category, cooling, prior))


def allocate_unit(plan: Plan, unit: UnitInput) -> UnitAllocation:
    pre = preallocation_t(plan, unit.category, unit.cooling, unit.prior_activity)
    final = final_allocation_t(plan, unit.category, unit.cooling, unit.activity)
    return UnitAllocation(unit.entity_id, unit.unit_id, pre, final, final - pre)


def allocate(plan: Plan, units: Iterable[UnitInput]) -> tuple[UnitAllocation, ...]:
    """Allocate every unit with the plan; order is preserved."""
    return tuple(allocate_unit(plan, u) for u in units)


def entity_totals(allocations: Iterable[UnitAllocation]) -> dict[str, EntityAllocation]:
    """Sum unit allocations per entity (the plan allocates units and sums them)."""
    acc: dict[str, list[int]] = {}
    for a in allocations:
        row = acc.setdefault(a.entity_id, [0, 0, 0, 0])
        row[0] += 1
        row[1] += a.preallocation_t
        row[2] += a.final_allocation_t
        row[3] += a.true_up_t
    return {e: EntityAllocation(e, r[0], r[1], r[2], r[3]) for e, r in acc.items()}


def equal_allocation_t(plan: Plan, sector: Sector, verified_t: int) -> int | None:
    """Allocation of a sector allocated equal to verified emissions (steel, cement and
    aluminium in 2024), or None when the plan uses benchmarks for that sector."""
    if sector in plan.equal_allocation_sectors:
        return verified_t
    return None
