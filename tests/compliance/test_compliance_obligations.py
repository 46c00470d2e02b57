"""Obligations with the plan caps, eligible vintages, borrowing and carry-over limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openets.compliance.obligations import (
    Obligation,
    Position,
    Status,
    UnitPosition,
    borrowing_limit_t,
    carry_over_quota_t,
    ccer_limit_t,
    compute_obligation,
    eligible_vintages,
    is_carried_vintage,
)
from openets.compliance.plans import (
    PLAN_2019_2020,
    PLAN_2021,
    PLAN_2022,
    PLAN_2023,
    PLAN_2024,
    CarryOver,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def coal(verified: int, allocation: int, uid: str = "C") -> UnitPosition:
    return UnitPosition(uid, False, verified, allocation)


def gas(verified: int, allocation: int, uid: str = "G") -> UnitPosition:
    return UnitPosition(uid, True, verified, allocation)


def test_gas_unit_obligation_is_capped_at_its_allocation() -> None:
    o = compute_obligation(PLAN_2019_2020, [gas(120_000, 100_000)])
    assert (o.obligation_t, o.gap_t, o.relief_t) == (100_000, 0, 20_000)


def test_gas_unit_below_its_allocation_owes_its_verified_emissions() -> None:
    assert compute_obligation(PLAN_2019_2020, [gas(80_000, 100_000)]).obligation_t == 80_000


def test_gas_cap_can_be_switched_off_per_plan() -> None:
    plan = replace(PLAN_2023, gas_obligation_capped_at_allocation=False)
    assert compute_obligation(plan, [gas(120_000, 100_000)]).obligation_t == 120_000


def test_coal_obligation_is_capped_at_allocation_plus_20_percent_of_verified() -> None:
    """verified 1,000,000, allocation 700,000: gap 30% > 20%, so 700,000 + 200,000."""
    o = compute_obligation(PLAN_2019_2020, [coal(1_000_000, 700_000)])
    assert (o.obligation_t, o.gap_t, o.relief_t) == (900_000, 200_000, 100_000)


def test_coal_gap_within_20_percent_owes_all_verified_emissions() -> None:
    assert compute_obligation(PLAN_2021, [coal(1_000_000, 850_000)]).obligation_t == 1_000_000


def test_coal_20_percent_term_rounds_half_up() -> None:
    # 20% of 7 t = 1.4 t → 1; 20% of 13 t = 2.6 t → 3
    assert compute_obligation(PLAN_2019_2020, [coal(7, 0)]).obligation_t == 1
    assert compute_obligation(PLAN_2019_2020, [coal(13, 0)]).obligation_t == 3


def test_shortfall_cap_share_is_configurable_and_removable() -> None:
    assert compute_obligation(
        replace(PLAN_2022, shortfall_cap=None), [coal(1_000_000, 700_000)]
    ).obligation_t == (1_000_000)
    plan = replace(PLAN_2022, shortfall_cap=Fraction(1, 10))
    assert compute_obligation(plan, [coal(1_000_000, 700_000)]).obligation_t == 800_000


def test_entity_with_gas_and_coal_units_caps_gas_per_unit_and_coal_together() -> None:
    """Gas: min(50,000, 40,000) = 40,000. Coal together: verified 1,000,000 on allocation
    600,000 (+ 200,000 cap) → 800,000. Total 840,000."""
    o = compute_obligation(
        PLAN_2019_2020,
        [gas(50_000, 40_000), coal(600_000, 400_000, "C1"), coal(400_000, 200_000, "C2")],
    )
    assert (o.gas_obligation_t, o.other_obligation_t, o.obligation_t) == (40_000, 800_000, 840_000)
    assert (o.verified_t, o.allocation_t) == (1_050_000, 640_000)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10**9), st.integers(0, 10**9)), max_size=8))
def test_obligation_never_exceeds_verified_emissions(units: list[tuple[bool, int, int]]) -> None:
    o = compute_obligation(
        PLAN_2019_2020, [UnitPosition(str(i), g, v, a) for i, (g, v, a) in enumerate(units)]
    )
    assert 0 <= o.obligation_t <= o.verified_t


def test_eligible_vintages_of_2019_and_2020_are_cea19_20_only() -> None:
    assert eligible_vintages(PLAN_2019_2020, 2019) == ("CEA19-20",)
    assert eligible_vintages(PLAN_2019_2020, 2020) == ("CEA19-20",)


def test_eligible_vintages_of_2021_cover_the_whole_2021_22_cycle_and_banked_vintages() -> None:
    assert eligible_vintages(PLAN_2021, 2021) == ("CEA19-20", "CEA21", "CEA22")
    assert eligible_vintages(PLAN_2022, 2022) == ("CEA19-20", "CEA21", "CEA22")


def test_eligible_vintages_from_2023_are_annual() -> None:
    assert eligible_vintages(PLAN_2023, 2023) == ("CEA19-20", "CEA21", "CEA22", "CEA23")
    assert eligible_vintages(PLAN_2024, 2024)[-1] == "CEA24"
    assert "CEA24" not in eligible_vintages(PLAN_2023, 2023)


def test_ccer_limit_is_5_percent_of_the_obligation_rounded_down() -> None:
    assert ccer_limit_t(PLAN_2021, 1_000_000) == 50_000
    assert ccer_limit_t(PLAN_2021, 39) == 1  # 1.95 → 1


def _obligation(obligation: int, allocation: int) -> Obligation:
    return Obligation(obligation, allocation, obligation, 0, obligation)


def test_borrowing_2021_22_allows_half_the_gap_when_gap_exceeds_10_percent() -> None:
    assert borrowing_limit_t(PLAN_2022, _obligation(1_200_000, 1_000_000)) == 100_000
    assert borrowing_limit_t(PLAN_2021, _obligation(1_100_001, 1_000_000)) == 50_000  # floor


def test_borrowing_2021_22_is_refused_when_gap_is_at_most_10_percent() -> None:
    assert borrowing_limit_t(PLAN_2022, _obligation(1_100_000, 1_000_000)) == 0
    assert borrowing_limit_t(PLAN_2022, _obligation(900_000, 1_000_000)) == 0


def test_borrowing_is_not_allowed_in_2019_2020_or_2023_24() -> None:
    for plan in (PLAN_2019_2020, PLAN_2023, PLAN_2024):
        assert borrowing_limit_t(plan, _obligation(2_000_000, 1_000_000)) == 0


def test_carry_over_quota_is_10000_plus_1_5_times_net_sales() -> None:
    rule = CarryOver()
    assert carry_over_quota_t(rule, 20_001) == 40_001  # 10,000 + 30,001.5 rounded down
    assert carry_over_quota_t(rule, 0) == 10_000
    assert carry_over_quota_t(rule, -50_000) == 10_000  # net buyers carry the base only


def test_carry_over_limit_covers_vintages_up_to_2024() -> None:
    rule = CarryOver()
    assert is_carried_vintage(rule, "CEA19-20")
    assert is_carried_vintage(rule, "CEA24")
    assert not is_carried_vintage(rule, "CEA25")
    assert not is_carried_vintage(rule, "CCER")


def _position(on_time: int, late: int, obligation: int = 100) -> Position:
    return Position("E1", "山东", 2023, date(2024, 12, 31), obligation, on_time, late, 0)


def test_position_all_surrendered_by_the_deadline_is_compliant() -> None:
    assert _position(100, 0).status is Status.COMPLIANT


def test_position_completed_after_the_deadline_is_late() -> None:
    assert _position(60, 40).status is Status.LATE


def test_position_not_completed_is_shortfall() -> None:
    p = _position(60, 30)
    assert (p.status, p.shortfall_t) == (Status.SHORTFALL, 10)
