"""The population is a pure function of its arguments: same seed, same market."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openets.sim.population import (
    INCLUSION_THRESHOLD_T,
    YEARS,
    Cooling,
    Sector,
    UnitCategory,
    generate_population,
)

pytestmark = pytest.mark.db_free


def test_same_seed_gives_the_same_population() -> None:
    assert generate_population(300, seed=7) == generate_population(300, seed=7)


def test_different_seeds_give_different_populations() -> None:
    a = generate_population(300, seed=1)
    b = generate_population(300, seed=2)
    assert [e.uscc for e in a.entities] != [e.uscc for e in b.entities]


def test_same_seed_keeps_the_same_roster_in_every_year() -> None:
    y2019 = generate_population(200, year=2019)
    y2021 = generate_population(200, year=2021)
    roster = [
        (e.entity_id, e.uscc, e.name, tuple(u.capacity_mw for u in e.units)) for e in y2019.entities
    ]
    assert roster == [
        (e.entity_id, e.uscc, e.name, tuple(u.capacity_mw for u in e.units)) for e in y2021.entities
    ]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=100_000))
def test_a_plant_has_the_same_units_in_every_year(seed: int) -> None:
    """A small plant topped up to the inclusion threshold gets its extra unit in every year, not
    only in the years it would fall below: a cycle reports the units the registry knows."""
    units = {
        y: [tuple(u.unit_id for u in e.units) for e in generate_population(12, y, seed).entities]
        for y in YEARS
    }
    assert all(u == units[YEARS[0]] for u in units.values())


def test_prior_year_output_is_the_output_of_the_year_before() -> None:
    y2019 = generate_population(200, year=2019)
    y2020 = generate_population(200, year=2020)
    before = {u.unit_id: (u.supply_mwh, u.heat_gj, u.emissions_t) for _, u in y2019.units()}
    for _, unit in y2020.units():
        assert (unit.prior_supply_mwh, unit.prior_heat_gj, unit.prior_emissions_t) == before[
            unit.unit_id
        ]


def test_a_smaller_population_is_a_prefix_of_a_larger_one() -> None:
    small = generate_population(50, seed=3)
    large = generate_population(120, seed=3)
    assert large.entities[:50] == small.entities


def test_population_records_its_year_and_seed() -> None:
    pop = generate_population(10, year=2022, seed=9)
    assert (pop.year, pop.seed, len(pop.entities)) == (2022, 9, 10)


@pytest.mark.parametrize("n", [0, -1])
def test_entity_count_below_one_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match=f"was {n}"):
        generate_population(n)


@pytest.mark.parametrize("year", [2017, 2018, 2026])
def test_year_outside_the_covered_range_is_refused(year: int) -> None:
    with pytest.raises(ValueError, match=f"was {year}"):
        generate_population(10, year=year)


def test_industry_before_2024_is_refused() -> None:
    with pytest.raises(ValueError, match="was 2023"):
        generate_population(10, year=2023, include_industry=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**9), n=st.integers(1, 40), year=st.sampled_from(YEARS))
def test_every_unit_is_whole_numbers_in_range(seed: int, n: int, year: int) -> None:
    pop = generate_population(n, year=year, seed=seed)
    for entity, unit in pop.units():
        assert entity.sector is Sector.POWER
        assert unit.category in UnitCategory and unit.cooling in Cooling
        assert unit.capacity_mw > 0
        assert 400_000 <= unit.load_factor_ppm <= 950_000
        assert 0 <= unit.heat_ratio_ppm <= 800_000
        assert (unit.heat_gj == 0) == (unit.heat_ratio_ppm == 0)
        assert unit.supply_mwh > 0 and unit.prior_supply_mwh > 0
        assert unit.emissions_t > 0 and unit.prior_emissions_t > 0
        assert 0 < unit.operating_hours <= 8_760
        # Output cannot exceed running the whole year at full capacity.
        assert unit.supply_mwh <= unit.capacity_mw * 8_760
        for value in (unit.supply_mwh, unit.heat_gj, unit.emissions_t, unit.heat_ratio_ppm):
            assert type(value) is int


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**9), n=st.integers(1, 40))
def test_every_power_entity_reaches_the_inclusion_threshold(seed: int, n: int) -> None:
    for entity in generate_population(n, seed=seed).entities:
        assert max(entity.emissions_t, entity.prior_emissions_t) >= INCLUSION_THRESHOLD_T


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**9), n=st.integers(1, 60))
def test_entity_and_unit_ids_are_unique(seed: int, n: int) -> None:
    pop = generate_population(n, seed=seed, year=2025, include_industry=True)
    entity_ids = [e.entity_id for e in pop.entities]
    unit_ids = [u.unit_id for _, u in pop.units()]
    assert len(set(entity_ids)) == len(entity_ids)
    assert len(set(unit_ids)) == len(unit_ids)
    assert all(u.unit_id.startswith(e.entity_id + "-") for e, u in pop.units())


def test_coal_units_of_400_mw_and_more_are_in_the_300_plus_category() -> None:
    for _, unit in generate_population(500).units():
        if unit.category in (UnitCategory.COAL_300_PLUS, UnitCategory.COAL_300_BELOW):
            assert (unit.category is UnitCategory.COAL_300_PLUS) == (unit.capacity_mw >= 400)
