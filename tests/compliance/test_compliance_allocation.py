"""Benchmark allocation: correction factors, one worked example per plan preset, properties."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction as Q

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openets.compliance.allocation import (
    Activity,
    Factors,
    UnitInput,
    allocate_unit,
    correction_factors,
    entity_totals,
    equal_allocation_t,
    final_allocation_t,
    load_factor_correction,
    preallocation_t,
    round_tonnes,
)
from openets.compliance.plans import (
    PLAN_2019_2020,
    PLAN_2021,
    PLAN_2022,
    PLAN_2023,
    PLAN_2024,
    PRESETS,
    Category,
    Cooling,
    Plan,
    Sector,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def unit(
    category: Category = Category.COAL_300_PLUS,
    cooling: Cooling = Cooling.WATER,
    *,
    supply_mwh: int = 0,
    heat_gj: int = 0,
    heat_ratio_ppm: int = 0,
    load_factor_ppm: int = 900_000,
    prior_supply_mwh: int = 0,
    prior_heat_gj: int = 0,
    entity_id: str = "E1",
    unit_id: str = "U1",
) -> UnitInput:
    return UnitInput(
        entity_id,
        unit_id,
        category,
        cooling,
        600_000,
        supply_mwh * 1000,
        heat_gj * 1000,
        heat_ratio_ppm,
        load_factor_ppm,
        prior_supply_mwh * 1000,
        prior_heat_gj * 1000,
    )


def factors(
    plan: Plan = PLAN_2019_2020,
    category: Category = Category.COAL_300_PLUS,
    cooling: Cooling = Cooling.WATER,
    heat_ratio_ppm: int = 0,
    load_factor_ppm: int = 900_000,
) -> Factors:
    return correction_factors(plan, category, cooling, heat_ratio_ppm, load_factor_ppm)


# --- load-factor correction (one test per band) ----------------------------------------------


def test_load_factor_at_or_above_85_percent_has_no_correction() -> None:
    assert load_factor_correction(850_000) == 1
    assert load_factor_correction(950_000) == 1
    assert load_factor_correction(1_000_000) == 1


def test_load_factor_from_80_to_85_percent_adds_0_0014_per_point_below_85() -> None:
    assert load_factor_correction(820_000) == Q("1.0042")  # 1 + 0.0014 × 3
    assert load_factor_correction(800_000) == Q("1.007")  # 1 + 0.0014 × 5
    assert load_factor_correction(849_999) == 1 + Q("0.0014") * Q("0.0001")


def test_load_factor_from_75_to_80_percent_adds_0_0016_per_point_below_80() -> None:
    assert load_factor_correction(780_000) == Q("1.0102")  # 1.007 + 0.0016 × 2
    assert load_factor_correction(750_000) == Q("1.015")  # 1.007 + 0.0016 × 5


def test_load_factor_below_75_percent_is_1_015_to_the_16_minus_20f() -> None:
    assert load_factor_correction(700_000) == Q("1.030225")  # 1.015^2
    assert load_factor_correction(600_000) == Q("1.061363550625")  # 1.015^4, exact
    with localcontext() as ctx:
        ctx.prec = 60
        expected = (Decimal("1.015") ** Decimal("1.5")).quantize(
            Decimal("1e-12"), rounding=ROUND_HALF_UP
        )
    assert load_factor_correction(725_000) == Q(expected)  # 1.015^1.5, to 12 places


def test_load_factor_bands_join_without_jumps() -> None:
    assert load_factor_correction(800_000) == Q("1.007") == 1 + Q("0.0014") * 5
    assert load_factor_correction(750_000) == Q("1.015") == Q("1.015") ** 1
    assert load_factor_correction(749_999) > Q("1.015")


def test_load_factor_correction_applies_only_to_pure_condensing_coal_in_2019_2020() -> None:
    assert factors(load_factor_ppm=700_000).load == Q("1.030225")
    assert factors(load_factor_ppm=700_000, heat_ratio_ppm=100_000).load == 1


def test_load_factor_correction_applies_to_heat_supplying_coal_units_from_2021() -> None:
    assert factors(PLAN_2021, load_factor_ppm=700_000, heat_ratio_ppm=100_000).load == Q("1.030225")


def test_load_factor_correction_does_not_apply_to_gas_or_unconventional_coal() -> None:
    assert factors(category=Category.GAS, load_factor_ppm=500_000).load == 1
    assert factors(category=Category.COAL_UNCONVENTIONAL, load_factor_ppm=500_000).load == 1


# --- cooling and heat-supply factors ---------------------------------------------------------


def test_cooling_factor_is_1_05_for_air_cooled_coal_units() -> None:
    assert factors(cooling=Cooling.AIR).cooling == Q("1.05")
    assert factors(category=Category.COAL_UNCONVENTIONAL, cooling=Cooling.AIR).cooling == Q("1.05")
    assert factors(cooling=Cooling.WATER).cooling == 1


def test_cooling_factor_is_1_for_air_cooled_gas_units() -> None:
    assert factors(category=Category.GAS, cooling=Cooling.AIR).cooling == 1


def test_heat_supply_factor_is_1_minus_0_22_ratio_for_coal_units() -> None:
    assert factors(heat_ratio_ppm=200_000).heat_supply == Q("0.956")


def test_heat_supply_factor_is_1_minus_0_6_ratio_for_gas_units() -> None:
    assert factors(category=Category.GAS, heat_ratio_ppm=500_000).heat_supply == Q("0.7")


def test_heat_supply_factor_is_removed_from_2023() -> None:
    assert factors(PLAN_2023, heat_ratio_ppm=500_000).heat_supply == 1
    assert factors(PLAN_2024, category=Category.GAS, heat_ratio_ppm=500_000).heat_supply == 1


# --- worked examples, one per plan preset ----------------------------------------------------


def test_plan_2019_2020_worked_example() -> None:
    """Coal ≥300 MW, water-cooled, pure condensing, load 82%, 1,000,000 MWh (prior 900,000).

    F_f = 1 + 0.0014 × (85 − 82) = 1.0042
    final = 1,000,000 × 0.877 × 1.0042 = 880,683.4 → 880,683
    pre   = 0.7 × 900,000 × 0.877 × 1.0042 = 554,830.542 → 554,831
    true-up = 880,683 − 554,831 = 325,852
    """
    u = unit(supply_mwh=1_000_000, load_factor_ppm=820_000, prior_supply_mwh=900_000)
    a = allocate_unit(PLAN_2019_2020, u)
    assert (a.final_allocation_t, a.preallocation_t, a.true_up_t) == (880_683, 554_831, 325_852)


def test_plan_2021_worked_example() -> None:
    """Coal ≤300 MW, air-cooled, heat ratio 20%, load 78%, 800,000 MWh and 1,500,000 GJ
    (prior 750,000 MWh and 1,400,000 GJ).

    F = 1.05 × (1 − 0.22 × 0.2) × (1.007 + 0.0016 × 2) = 1.05 × 0.956 × 1.0102
    A_e = 800,000 × 0.8773 × 1.05 × 0.956 × 1.0102 = 711,692.9633184
    A_h = 1,500,000 × 0.1111 = 166,650
    final = 878,342.9633184 → 878,343
    pre = 0.7 × (711,692.9633184 × 750/800 + 1,400,000 × 0.1111)
        = 0.7 × (667,212.153111 + 155,540) = 575,926.5071777 → 575,927
    true-up = 302,416
    """
    u = unit(
        Category.COAL_300_BELOW,
        Cooling.AIR,
        supply_mwh=800_000,
        heat_gj=1_500_000,
        heat_ratio_ppm=200_000,
        load_factor_ppm=780_000,
        prior_supply_mwh=750_000,
        prior_heat_gj=1_400_000,
    )
    a = allocate_unit(PLAN_2021, u)
    assert (a.final_allocation_t, a.preallocation_t, a.true_up_t) == (878_343, 575_927, 302_416)


def test_plan_2022_worked_example() -> None:
    """Gas, heat ratio 50%, 400,000 MWh and 900,000 GJ (prior 380,000 MWh, 850,000 GJ).

    Gas units: no cooling or load-factor correction; F_r = 1 − 0.6 × 0.5 = 0.7
    final = 400,000 × 0.3901 × 0.7 + 900,000 × 0.0557 = 109,228 + 50,130 = 159,358
    pre = 0.7 × (380,000 × 0.3901 × 0.7 + 850,000 × 0.0557) = 0.7 × 151,111.6 = 105,778.12
        → 105,778
    true-up = 53,580
    """
    u = unit(
        Category.GAS,
        Cooling.AIR,
        supply_mwh=400_000,
        heat_gj=900_000,
        heat_ratio_ppm=500_000,
        load_factor_ppm=500_000,
        prior_supply_mwh=380_000,
        prior_heat_gj=850_000,
    )
    a = allocate_unit(PLAN_2022, u)
    assert (a.final_allocation_t, a.preallocation_t, a.true_up_t) == (159_358, 105_778, 53_580)


def test_plan_2023_worked_example() -> None:
    """Coal ≥300 MW, water-cooled, load 70%, 2,000,000 MWh (prior 1,900,000 MWh).

    F_f = 1.015^(16 − 20 × 0.7) = 1.015² = 1.030225
    final = 2,000,000 × 0.7861 × 1.030225 = 1,619,719.745 → 1,619,720
    pre = 0.7 × 1,900,000 × 0.7861 × 1.030225 = 1,077,113.630425 → 1,077,114
    true-up = 542,606
    """
    u = unit(supply_mwh=2_000_000, load_factor_ppm=700_000, prior_supply_mwh=1_900_000)
    a = allocate_unit(PLAN_2023, u)
    assert (a.final_allocation_t, a.preallocation_t, a.true_up_t) == (
        1_619_720,
        1_077_114,
        542_606,
    )


def test_plan_2024_worked_example() -> None:
    """Coal ≤300 MW, air-cooled, load 90%, 1,200,000 MWh (prior 1,100,000 MWh).

    final = 1,200,000 × 0.7944 × 1.05 = 1,000,944
    pre = 0.7 × 1,100,000 × 0.7944 × 1.05 = 642,272.4 → 642,272
    true-up = 358,672
    """
    u = unit(
        Category.COAL_300_BELOW,
        Cooling.AIR,
        supply_mwh=1_200_000,
        prior_supply_mwh=1_100_000,
    )
    a = allocate_unit(PLAN_2024, u)
    assert (a.final_allocation_t, a.preallocation_t, a.true_up_t) == (1_000_944, 642_272, 358_672)


def test_plan_2024_allocates_steel_cement_aluminium_equal_to_verified_emissions() -> None:
    for sector in (Sector.STEEL, Sector.CEMENT, Sector.ALUMINIUM):
        assert equal_allocation_t(PLAN_2024, sector, 2_345_678) == 2_345_678
    assert equal_allocation_t(PLAN_2024, Sector.POWER, 2_345_678) is None
    assert equal_allocation_t(PLAN_2023, Sector.STEEL, 2_345_678) is None


def test_every_preset_has_a_benchmark_for_every_category() -> None:
    for plan in PRESETS.values():
        for category in Category:
            assert plan.benchmark(category).electricity > 0


def test_allocation_rounds_half_up_to_whole_tonnes_per_unit() -> None:
    assert round_tonnes(Q(5, 2)) == 3
    assert round_tonnes(Q(-5, 2)) == -3
    assert round_tonnes(Q(249, 100)) == 2
    # 1 MWh of gas: 0.392 t → 0; 2 MWh: 0.784 t → 1
    a1 = Activity(1000, 0, 0, 1_000_000)
    a2 = Activity(2000, 0, 0, 1_000_000)
    assert final_allocation_t(PLAN_2019_2020, Category.GAS, Cooling.WATER, a1) == 0
    assert final_allocation_t(PLAN_2019_2020, Category.GAS, Cooling.WATER, a2) == 1


def test_entity_totals_are_sums_of_rounded_unit_allocations() -> None:
    units = [
        unit(Category.GAS, supply_mwh=1, prior_supply_mwh=1, unit_id="G1"),
        unit(Category.GAS, supply_mwh=1, prior_supply_mwh=1, unit_id="G2"),
    ]
    totals = entity_totals(allocate_unit(PLAN_2019_2020, u) for u in units)
    assert totals["E1"].final_allocation_t == 0  # 0.392 + 0.392 rounds per unit: 0 + 0
    assert totals["E1"].units == 2


def test_preallocation_share_is_configurable() -> None:
    plan = replace(PLAN_2019_2020, preallocation_share=Q(1, 2))
    act = Activity(1_000_000_000, 0, 0, 900_000)
    assert preallocation_t(plan, Category.COAL_300_PLUS, Cooling.WATER, act) == 438_500


# --- properties ------------------------------------------------------------------------------

_plans = st.sampled_from(list(PRESETS.values()))
_ppm = st.integers(min_value=0, max_value=1_000_000)
_qty = st.integers(min_value=0, max_value=10**13)


@given(
    _plans,
    st.sampled_from(list(Category)),
    st.sampled_from(list(Cooling)),
    _qty,
    _qty,
    _qty,
    _qty,
    _ppm,
    _ppm,
    _qty,
    _qty,
)
def test_allocation_is_monotone_in_output_and_true_up_is_final_minus_pre(
    plan: Plan,
    category: Category,
    cooling: Cooling,
    supply: int,
    heat: int,
    more_supply: int,
    more_heat: int,
    ratio: int,
    load: int,
    prior_s: int,
    prior_h: int,
) -> None:
    base = UnitInput("E", "U", category, cooling, 1, supply, heat, ratio, load, prior_s, prior_h)
    more = replace(
        base,
        supply_kwh=supply + more_supply,
        heat_mj=heat + more_heat,
        prior_supply_kwh=prior_s + more_supply,
        prior_heat_mj=prior_h + more_heat,
    )
    a, b = allocate_unit(plan, base), allocate_unit(plan, more)
    assert a.true_up_t == a.final_allocation_t - a.preallocation_t
    assert b.true_up_t == b.final_allocation_t - b.preallocation_t
    assert b.final_allocation_t >= a.final_allocation_t >= 0
    assert b.preallocation_t >= a.preallocation_t >= 0


@given(st.integers(min_value=0, max_value=999_999))
def test_load_factor_correction_never_rises_with_load(ppm: int) -> None:
    assert load_factor_correction(ppm) >= load_factor_correction(ppm + 1) >= 1
