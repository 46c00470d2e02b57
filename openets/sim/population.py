"""A seeded synthetic population of covered entities: power plants and, from 2024, industry.

The roster (entities, names, credit codes, provinces, units) depends only on the seed; the
activity of a unit in a year (hours, load, heat, output, emissions) depends on the seed, the
unit and the year. So the same seed gives the same plants in every year, and a unit's prior-year
output in year N is exactly its output in the population of year N - 1.

Calibration (see ``tests/sim/test_sim_population_calibration.py``): with the defaults
(2,162 entities, 2019) the covered emissions come to about 4.5 Gt per year, the reference's
"about 4.5 Gt CO2/year" for cycle 1 (§8.4; the two-year cycle covers about 9 Gt), and about
half of the entities emit more than their 2019-2020 benchmark allocation. Intensities are
physical-style values (by fuel and unit size, with air cooling, heat extraction and part load
moving them), not the plan's factors, so the share short comes out of the data rather than
being forced. Later years scale output with national thermal generation and move verified
intensities with the plans' benchmarks (``ACCOUNTING_INDEX_PPM``), so about half stay short.

Every quantity is an integer: MWh, GJ, tonnes, hours; ratios in parts per million (ppm).
Randomness is integer-only (``randrange``), so a seed gives the same population everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from openets.domain.money import round_half_up_div
from openets.sim.population_geo import PROVINCES, Province
from openets.sim.population_names import NameBook
from openets.sim.population_plants import (
    ACCOUNTING_INDEX_PPM,
    ARCHETYPES,
    INDUSTRY,
    Archetype,
    IndustryProfile,
    category_of,
    heat_intensity_g_per_gj,
    reference_intensity_g_per_mwh,
)

PPM = 1_000_000
DEFAULT_ENTITIES = 2162
"""Entities with cycle-1 (2019-2020) obligations (§8.4)."""

POWER_ROSTER_2025 = 2087
"""Power entities on the 2025 roster (§7.5); industry counts scale against it."""

GENERATION_INDEX_PERMILLE: dict[int, int] = {
    2018: 987, 2019: 1000, 2020: 1025, 2021: 1150, 2022: 1167,
    2023: 1235, 2024: 1257, 2025: 1246,
}  # fmt: skip
"""Thermal generation relative to 2019 (approximate national statistics, rounded)."""

INDUSTRY_INDEX_PERMILLE: dict[str, dict[int, int]] = {
    "steel": {2023: 1000, 2024: 983, 2025: 965},
    "cement": {2023: 1000, 2024: 900, 2025: 860},
    "aluminium": {2023: 1000, 2024: 1040, 2025: 1060},
}
"""Industrial output relative to 2023 (approximate, rounded)."""

INCLUSION_THRESHOLD_T = 26_000
NEAR_THRESHOLD = 3
"""A plant's emissions move far less than threefold from one year to the next (generation
index, ±15 % hours, ±4.5 points of load), so only a plant under three times the threshold in
the year generated is checked against every year."""
"""Power entities are covered when a year's emissions reach 26,000 t (§7.1)."""

YEARS = tuple(y for y in GENERATION_INDEX_PERMILLE if y - 1 in GENERATION_INDEX_PERMILLE)
INDUSTRY_YEARS = (2024, 2025)


class UnitCategory(StrEnum):
    """The benchmark categories of generating units (the values of the allocate CSV)."""

    COAL_300_PLUS = "coal_300_plus"
    COAL_300_BELOW = "coal_300_below"
    COAL_UNCONVENTIONAL = "coal_unconventional"
    GAS = "gas"


class Cooling(StrEnum):
    WATER = "water"
    AIR = "air"


class Sector(StrEnum):
    POWER = "power"
    STEEL = "steel"
    CEMENT = "cement"
    ALUMINIUM = "aluminium"


@dataclass(frozen=True, slots=True)
class Unit:
    """A generating unit with its activity in the population's year and the year before."""

    unit_id: str
    category: UnitCategory
    capacity_mw: int
    cooling: Cooling
    supply_mwh: int
    heat_gj: int
    heat_ratio_ppm: int
    load_factor_ppm: int
    operating_hours: int
    emissions_t: int
    prior_supply_mwh: int
    prior_heat_gj: int
    prior_emissions_t: int


@dataclass(frozen=True, slots=True)
class Installation:
    """An industrial production line (steel, clinker, primary aluminium) and its output."""

    installation_id: str
    product: str
    output_t: int
    emissions_t: int
    prior_output_t: int
    prior_emissions_t: int


@dataclass(frozen=True, slots=True)
class Entity:
    """A covered entity (重点排放单位). ``province`` is the 2-digit division code."""

    entity_id: str
    name: str
    name_en: str
    uscc: str
    province: str
    sector: Sector
    units: tuple[Unit, ...]
    installations: tuple[Installation, ...] = ()

    @property
    def emissions_t(self) -> int:
        return sum(u.emissions_t for u in self.units) + sum(
            i.emissions_t for i in self.installations
        )

    @property
    def prior_emissions_t(self) -> int:
        return sum(u.prior_emissions_t for u in self.units) + sum(
            i.prior_emissions_t for i in self.installations
        )

    @property
    def capacity_mw(self) -> int:
        return sum(u.capacity_mw for u in self.units)


@dataclass(frozen=True, slots=True)
class Population:
    """All entities of one seed, with their activity in ``year``."""

    year: int
    seed: int
    entities: tuple[Entity, ...]

    def units(self) -> Iterator[tuple[Entity, Unit]]:
        """Every generating unit with its entity, in entity order."""
        for entity in self.entities:
            for unit in entity.units:
                yield entity, unit

    def sector(self, sector: Sector) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.sector is sector)

    @property
    def emissions_t(self) -> int:
        return sum(e.emissions_t for e in self.entities)

    def capacity_by_category(self) -> dict[UnitCategory, int]:
        out = dict.fromkeys(UnitCategory, 0)
        for _, unit in self.units():
            out[unit.category] += unit.capacity_mw
        return out


@dataclass(frozen=True, slots=True)
class _UnitSpec:
    """What a unit is, independent of the year."""

    unit_id: str
    category: UnitCategory
    fuel: str
    capacity_mw: int
    cooling: Cooling
    hours: int
    load_ppm: int
    heat_ratio_ppm: int
    own_use_ppm: int
    net_eff_permille: int
    intensity_g_mwh: int
    heat_intensity_g_gj: int


@dataclass(frozen=True, slots=True)
class _Activity:
    hours: int
    load_ppm: int
    heat_ratio_ppm: int
    supply_mwh: int
    heat_gj: int
    emissions_t: int


def generate_population(
    n_entities: int = DEFAULT_ENTITIES,
    year: int = 2019,
    seed: int = 1,
    include_industry: bool = False,
) -> Population:
    """Generate ``n_entities`` power entities (and, for 2024-2025, industry) for ``year``.

    With ``include_industry`` steel, cement and aluminium entities are added in the
    proportions of the 2025 roster (232 : 962 : 97 for 2,087 power entities).
    """
    if n_entities < 1:
        raise ValueError(f"n_entities must be at least 1, was {n_entities}")
    if year not in YEARS:
        raise ValueError(f"year must be one of {YEARS[0]}-{YEARS[-1]}, was {year}")
    if include_industry and year not in INDUSTRY_YEARS:
        raise ValueError(f"industry is covered from 2024 (years {INDUSTRY_YEARS}), was {year}")
    rng = random.Random(f"openets-population/{seed}")
    names = NameBook()
    entities: list[Entity] = []
    for index in range(1, n_entities + 1):
        entities.append(_power_entity(rng, names, f"E{index:05d}", seed, year))
    if include_industry:
        for profile in INDUSTRY:
            count = round_half_up_div(profile.roster_2025 * n_entities, POWER_ROSTER_2025)
            for _ in range(count):
                entity_id = f"E{len(entities) + 1:05d}"
                entities.append(_industry_entity(rng, names, entity_id, profile, seed, year))
    return Population(year=year, seed=seed, entities=tuple(entities))


_T = TypeVar("_T")


def _weighted(rng: random.Random, pairs: Sequence[tuple[_T, int]]) -> _T:
    total = sum(w for _, w in pairs)
    r = rng.randrange(total)
    for item, weight in pairs:
        r -= weight
        if r < 0:
            return item
    raise AssertionError("unreachable: r < total")


def _between(rng: random.Random, lo: int, hi: int, step: int = 1) -> int:
    return lo + step * rng.randrange((hi - lo) // step + 1)


def _noise(rng: random.Random, sd_ppm: int) -> int:
    """A bell-shaped integer deviation in ppm with standard deviation ``sd_ppm`` (±3 sd)."""
    return sum(rng.randint(-sd_ppm, sd_ppm) for _ in range(3))


def _scale(value: int, factor_ppm: int) -> int:
    return round_half_up_div(value * factor_ppm, PPM)


def _clamp(value: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, value))


def _tilted_weight(archetype: Archetype, province: Province) -> int:
    if archetype.fuel == "gas":
        return archetype.weight * province.gas_tilt_pct
    if archetype.fuel == "unconventional":
        return archetype.weight * province.unconventional_tilt_pct
    return archetype.weight * 100


def _power_entity(
    rng: random.Random, names: NameBook, entity_id: str, seed: int, year: int
) -> Entity:
    province = _weighted(rng, [(p, p.power_weight) for p in PROVINCES if p.power_weight])
    archetype = _weighted(rng, [(a, _tilted_weight(a, province)) for a in ARCHETYPES])
    name, name_en, place = names.draw(rng, province, archetype.key)
    uscc = names.uscc(rng, place.code)
    air_pct = province.air_cooled_pct if archetype.fuel != "gas" else province.air_cooled_pct // 3
    cooling = Cooling.AIR if rng.randrange(100) < air_pct else Cooling.WATER
    sizes = [_weighted(rng, archetype.sizes)] * _weighted(rng, archetype.unit_counts)
    if rng.randrange(100) < archetype.extra_pct:
        sizes += [_weighted(rng, archetype.extra_sizes)] * _between(rng, 1, 2)
    entity_eff_ppm = PPM + _noise(rng, archetype.efficiency_sd_ppm)
    hours = _between(rng, *archetype.hours, step=10)
    load_ppm = _between(rng, *archetype.load_ppm, step=100)
    chp = rng.randrange(100) < archetype.chp_pct
    heat_ratio = _between(rng, *archetype.heat_ratio_ppm, step=100) if chp else 0
    specs = []
    for k, capacity in enumerate(sizes, start=1):
        unit_heat = 0
        if chp and rng.randrange(100) < 85:
            unit_heat = _clamp(_scale(heat_ratio, PPM + _noise(rng, 150_000)), 10_000, 750_000)
        category = UnitCategory(category_of(archetype.fuel, capacity))
        specs.append(
            _UnitSpec(
                unit_id=f"{entity_id}-U{k}",
                category=category,
                fuel=archetype.fuel,
                capacity_mw=capacity,
                cooling=cooling,
                hours=_clamp(_scale(hours, PPM + _noise(rng, 40_000)), 1_500, 8_300),
                load_ppm=_clamp(load_ppm + _noise(rng, 15_000), 400_000, 950_000),
                heat_ratio_ppm=unit_heat,
                own_use_ppm=_between(rng, *archetype.own_use_ppm, step=100),
                net_eff_permille=archetype.net_eff_permille,
                intensity_g_mwh=_scale(
                    _scale(reference_intensity_g_per_mwh(archetype.fuel, capacity), entity_eff_ppm),
                    PPM + _noise(rng, 15_000),
                ),
                heat_intensity_g_gj=_scale(
                    heat_intensity_g_per_gj(archetype.fuel, capacity), entity_eff_ppm
                ),
            )
        )
    units = [_unit(spec, seed, year) for spec in specs]
    if _total(units) < NEAR_THRESHOLD * INCLUSION_THRESHOLD_T:
        while any(_total([_unit(s, seed, y) for s in specs]) < INCLUSION_THRESHOLD_T
                  for y in YEARS):  # fmt: skip
            # Below the threshold in some year the plant would not be covered: it has one more
            # small unit, in every year (a plant's units do not change with the year generated).
            specs.append(replace(specs[-1], unit_id=f"{entity_id}-U{len(specs) + 1}"))
        units = [_unit(spec, seed, year) for spec in specs]
    return Entity(entity_id, name, name_en, uscc, province.code, Sector.POWER, tuple(units))


def _total(units: Sequence[Unit]) -> int:
    """The larger of a year's and its previous year's emissions: what coverage looks at."""
    return max(sum(u.emissions_t for u in units), sum(u.prior_emissions_t for u in units))


def _unit(spec: _UnitSpec, seed: int, year: int) -> Unit:
    now = _activity(spec, seed, year)
    before = _activity(spec, seed, year - 1)
    return Unit(
        unit_id=spec.unit_id,
        category=spec.category,
        capacity_mw=spec.capacity_mw,
        cooling=spec.cooling,
        supply_mwh=now.supply_mwh,
        heat_gj=now.heat_gj,
        heat_ratio_ppm=now.heat_ratio_ppm,
        load_factor_ppm=now.load_ppm,
        operating_hours=now.hours,
        emissions_t=now.emissions_t,
        prior_supply_mwh=before.supply_mwh,
        prior_heat_gj=before.heat_gj,
        prior_emissions_t=before.emissions_t,
    )


def _activity(spec: _UnitSpec, seed: int, year: int) -> _Activity:
    """One year of a unit: output from hours and load; emissions from physical intensities."""
    rng = random.Random(f"openets-population/{seed}/{spec.unit_id}/{year}")
    hours = spec.hours * GENERATION_INDEX_PERMILLE[year] // 1000
    hours = _clamp(_scale(hours, PPM + _noise(rng, 50_000)), 1_000, 8_500)
    load = _clamp(spec.load_ppm + _noise(rng, 15_000), 400_000, 950_000) // 100 * 100
    heat_ratio = 0
    if spec.heat_ratio_ppm:
        heat_ratio = _scale(spec.heat_ratio_ppm, PPM + _noise(rng, 60_000))
        heat_ratio = _clamp(heat_ratio, 10_000, 800_000) // 100 * 100
    gross_mwh = round_half_up_div(spec.capacity_mw * hours * load, PPM)
    supply = _scale(gross_mwh, PPM - spec.own_use_ppm)
    fuel_for_power_gj = round_half_up_div(supply * 3600, spec.net_eff_permille)
    heat = round_half_up_div(fuel_for_power_gj * heat_ratio * 92, (PPM - heat_ratio) * 100)
    index = ACCOUNTING_INDEX_PPM[year]
    intensity = _scale(spec.intensity_g_mwh, _physics_ppm(spec, load, heat_ratio))
    intensity = _scale(_scale(intensity, index[spec.category]), PPM + _noise(rng, 10_000))
    heat_index = index["heat_gas" if spec.fuel == "gas" else "heat_coal"]
    heat_intensity = _scale(spec.heat_intensity_g_gj, heat_index)
    emissions = round_half_up_div(supply * intensity + heat * heat_intensity, PPM)
    return _Activity(hours, load, heat_ratio, supply, heat, emissions)


def _physics_ppm(spec: _UnitSpec, load_ppm: int, heat_ratio_ppm: int) -> int:
    """How cooling, heat extraction and part load move the intensity of supplied power."""
    gas = spec.fuel == "gas"
    factor = PPM
    if spec.cooling is Cooling.AIR:
        factor = _scale(factor, PPM + (15_000 if gas else 45_000))
    heat_share = (580_000 if gas else 210_000) * heat_ratio_ppm // PPM
    factor = _scale(factor, PPM - heat_share)
    part_load = max(0, 850_000 - load_ppm) * (10 if gas else 25) // 100
    return _scale(factor, PPM + part_load)


def _industry_entity(
    rng: random.Random,
    names: NameBook,
    entity_id: str,
    profile: IndustryProfile,
    seed: int,
    year: int,
) -> Entity:
    weights = [(p, getattr(p, f"{profile.sector}_weight")) for p in PROVINCES]
    province = _weighted(rng, [(p, w) for p, w in weights if w])
    name, name_en, place = names.draw(rng, province, profile.sector)
    uscc = names.uscc(rng, place.code)
    route = _weighted(rng, profile.routes)
    base_output = _weighted(rng, route.outputs_kt) * 1000
    base_output = _scale(base_output, PPM + _noise(rng, 100_000))
    intensity = _between(rng, *route.intensity_kg_per_t, step=5) * 1000
    installation_id = f"{entity_id}-L1"
    lines = []
    outputs = []
    for y in (year - 1, year):
        line_rng = random.Random(f"openets-population/{seed}/{installation_id}/{y}")
        index = INDUSTRY_INDEX_PERMILLE[profile.sector][y]
        output = _scale(base_output * index // 1000, PPM + _noise(line_rng, 50_000))
        per_t = _scale(intensity, PPM - 4_000 * (y - 2023) + _noise(line_rng, 15_000))
        outputs.append((output, round_half_up_div(output * per_t, PPM)))
    (prior_out, prior_em), (out, em) = outputs
    lines.append(Installation(installation_id, route.product, out, em, prior_out, prior_em))
    return Entity(
        entity_id, name, name_en, uscc, province.code, Sector(profile.sector), (), tuple(lines)
    )
