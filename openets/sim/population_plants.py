"""Plant archetypes of the synthetic population: unit sizes, operation and intensities.

These are approximations chosen so that the population matches the reference's totals (see
``population.py``), shaped after the Chinese coal fleet of 2019: about half the coal capacity in
600-1,000 MW units, about a third in 300-350 MW units, the rest in small combined heat and power
and captive units; unconventional coal (gangue, slime, CFB) in mining regions; gas turbines of
the 9F/9E classes. Utilisation averages about 4,400 hours a year at a load factor near 0.72.

Category boundary: the 2019-2020 plan's "300MW等级以上" class is read as units rated at 400 MW
or more, so 300-350 MW units fall in "300MW等级及以下" (coal_300_below). That reading is from
memory of the plan's category table [M]; ``COAL_300_PLUS_MIN_MW`` holds it in one place.

Intensities are grams of CO2 per MWh supplied (electricity) and per GJ supplied (heat) for a
water-cooled, pure-condensing unit at full load in 2019, before the entity's own efficiency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

COAL_300_PLUS_MIN_MW = 400


@dataclass(frozen=True, slots=True)
class Archetype:
    """A kind of power entity: how many units of which size, and how they run."""

    key: str
    fuel: str
    weight: int
    unit_counts: tuple[tuple[int, int], ...]
    sizes: tuple[tuple[int, int], ...]
    extra_sizes: tuple[tuple[int, int], ...]
    extra_pct: int
    hours: tuple[int, int]
    load_ppm: tuple[int, int]
    own_use_ppm: tuple[int, int]
    chp_pct: int
    heat_ratio_ppm: tuple[int, int]
    net_eff_permille: int
    efficiency_sd_ppm: int


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        key="coal_large", fuel="coal", weight=96,
        unit_counts=((1, 12), (2, 55), (3, 10), (4, 20), (6, 3)),
        sizes=((600, 25), (630, 8), (660, 30), (1000, 30), (1050, 7)),
        extra_sizes=((300, 40), (330, 30), (350, 30)), extra_pct=15,
        hours=(5_200, 7_000), load_ppm=(620_000, 840_000), own_use_ppm=(42_000, 60_000),
        chp_pct=35, heat_ratio_ppm=(30_000, 150_000), net_eff_permille=410,
        efficiency_sd_ppm=40_000,
    ),
    Archetype(
        key="coal_large", fuel="coal", weight=150,
        unit_counts=((1, 10), (2, 60), (3, 10), (4, 20)),
        sizes=((300, 40), (330, 30), (350, 30)),
        extra_sizes=((125, 30), (135, 35), (200, 35)), extra_pct=12,
        hours=(5_200, 7_200), load_ppm=(620_000, 860_000), own_use_ppm=(52_000, 70_000),
        chp_pct=55, heat_ratio_ppm=(50_000, 250_000), net_eff_permille=380,
        efficiency_sd_ppm=45_000,
    ),
    Archetype(
        key="coal_small", fuel="coal", weight=609,
        unit_counts=((1, 25), (2, 40), (3, 22), (4, 9), (5, 4)),
        sizes=(
            (6, 6), (12, 10), (15, 10), (25, 14), (30, 6), (50, 12), (60, 6),
            (100, 4), (125, 3), (135, 10), (150, 8), (200, 6), (210, 2),
        ),
        extra_sizes=((6, 30), (12, 30), (25, 40)), extra_pct=10,
        hours=(5_000, 7_600), load_ppm=(600_000, 880_000), own_use_ppm=(68_000, 100_000),
        chp_pct=80, heat_ratio_ppm=(100_000, 450_000), net_eff_permille=330,
        efficiency_sd_ppm=55_000,
    ),
    Archetype(
        key="unconventional", fuel="unconventional", weight=75,
        unit_counts=((1, 20), (2, 55), (3, 15), (4, 10)),
        sizes=((50, 15), (135, 25), (150, 20), (300, 20), (330, 10), (350, 10)),
        extra_sizes=((25, 50), (50, 50)), extra_pct=10,
        hours=(5_600, 7_600), load_ppm=(680_000, 900_000), own_use_ppm=(80_000, 110_000),
        chp_pct=60, heat_ratio_ppm=(40_000, 380_000), net_eff_permille=350,
        efficiency_sd_ppm=45_000,
    ),
    Archetype(
        key="gas", fuel="gas", weight=70,
        unit_counts=((1, 20), (2, 45), (3, 20), (4, 15)),
        sizes=((50, 10), (80, 10), (180, 25), (390, 30), (460, 25)),
        extra_sizes=((30, 50), (50, 50)), extra_pct=8,
        hours=(2_400, 5_000), load_ppm=(550_000, 900_000), own_use_ppm=(15_000, 30_000),
        chp_pct=35, heat_ratio_ppm=(100_000, 450_000), net_eff_permille=500,
        efficiency_sd_ppm=35_000,
    ),
)  # fmt: skip

CATEGORY_LEVEL_PPM: dict[str, int] = {
    "coal_300_plus": 1_040_000,
    "coal_300_below": 955_000,
    "coal_unconventional": 1_000_000,
    "gas": 995_000,
}
"""Per-category level of the intensities, tuned so that about half the entities are short."""


def category_of(fuel: str, capacity_mw: int) -> str:
    """The benchmark category of a unit of ``fuel`` rated ``capacity_mw``."""
    if fuel == "gas":
        return "gas"
    if fuel == "unconventional":
        return "coal_unconventional"
    return "coal_300_plus" if capacity_mw >= COAL_300_PLUS_MIN_MW else "coal_300_below"


def reference_intensity_g_per_mwh(fuel: str, capacity_mw: int) -> int:
    """CO2 per MWh supplied by a water-cooled condensing unit at full load, 2019."""
    if fuel == "gas":
        base = 370_000 if capacity_mw >= 300 else 415_000 if capacity_mw >= 100 else 460_000
    elif fuel == "unconventional":
        base = 1_080_000 if capacity_mw >= 300 else 1_130_000 if capacity_mw >= 100 else 1_190_000
    else:
        base = _coal_by_size(capacity_mw)
    level = CATEGORY_LEVEL_PPM[category_of(fuel, capacity_mw)]
    return base * level // 1_000_000


def _coal_by_size(capacity_mw: int) -> int:
    for floor, grams in ((1000, 805_000), (600, 850_000), (400, 880_000), (300, 935_000)):
        if capacity_mw >= floor:
            return grams
    for floor, grams in ((200, 965_000), (100, 990_000), (50, 1_030_000)):
        if capacity_mw >= floor:
            return grams
    return 1_075_000


def heat_intensity_g_per_gj(fuel: str, capacity_mw: int) -> int:
    """CO2 per GJ of heat supplied, 2019."""
    if fuel == "gas":
        return 56_000
    if fuel == "unconventional":
        return 130_000
    return 118_000 if capacity_mw >= 400 else 122_000 if capacity_mw >= 200 else 128_000


@dataclass(frozen=True, slots=True)
class Route:
    """A production route of an industry: product, plant output (kt) and intensity (kg/t)."""

    product: str
    outputs_kt: tuple[tuple[int, int], ...]
    intensity_kg_per_t: tuple[int, int]


@dataclass(frozen=True, slots=True)
class IndustryProfile:
    sector: str
    roster_2025: int
    routes: tuple[tuple[Route, int], ...]


INDUSTRY: tuple[IndustryProfile, ...] = (
    IndustryProfile("steel", 232, (
        (Route("crude_steel", ((800, 15), (1500, 20), (3000, 25), (5000, 20), (8000, 12),
                               (12000, 6), (20000, 2)), (1_900, 2_200)), 88),
        (Route("crude_steel", ((300, 30), (600, 40), (1000, 30)), (350, 600)), 12),
    )),
    IndustryProfile("cement", 962, (
        (Route("clinker", ((600, 20), (900, 25), (1200, 20), (1500, 15), (2000, 10),
                           (3000, 7), (4500, 3)), (820, 900)), 100),
    )),
    IndustryProfile("aluminium", 97, (
        (Route("primary_aluminium", ((100, 15), (200, 20), (300, 20), (500, 20), (800, 15),
                                     (1200, 10)), (1_550, 1_950)), 100),
    )),
)  # fmt: skip
"""Industry entities of the 2025 roster (§7.5) and their plants (approximate)."""


def _ratio_ppm(new: str, old: str) -> int:
    """``new / old`` of two decimal benchmarks, in ppm (truncated)."""
    return int(Decimal(new) * 1_000_000 / Decimal(old))


_MEAN_HEAT_CORRECTION_PPM = {
    "coal_300_plus": 994_000,
    "coal_300_below": 968_000,
    "coal_unconventional": 976_000,
    "gas": 909_000,
}
"""Emission-weighted mean heat-supply correction (1 - 0.22 or 0.6 × heat ratio) in 2019."""


def _index(
    benchmarks: tuple[str, str, str, str], heat: str, gas_heat: str, *, no_heat_correction: bool
) -> dict[str, int]:
    cycle_1 = ("0.877", "0.979", "1.146", "0.392")
    out = {}
    for category, new, old in zip(_MEAN_HEAT_CORRECTION_PPM, benchmarks, cycle_1, strict=True):
        ratio = _ratio_ppm(new, old)
        if no_heat_correction:
            ratio = ratio * 1_000_000 // _MEAN_HEAT_CORRECTION_PPM[category]
        out[category] = ratio
    out["heat_coal"] = _ratio_ppm(heat, "0.126")
    out["heat_gas"] = _ratio_ppm(gas_heat, "0.059")
    return out


_CYCLE_1 = _index(("0.877", "0.979", "1.146", "0.392"), "0.126", "0.059", no_heat_correction=False)
_Y2021 = _index(
    ("0.8218", "0.8773", "0.9350", "0.3920"), "0.1111", "0.0560", no_heat_correction=False
)
_Y2022 = _index(
    ("0.8177", "0.8729", "0.9303", "0.3901"), "0.1105", "0.0557", no_heat_correction=False
)
_Y2023 = _index(
    ("0.7861", "0.7984", "0.8509", "0.3305"), "0.1105", "0.0557", no_heat_correction=True
)
_Y2024 = _index(
    ("0.7822", "0.7944", "0.8466", "0.3288"), "0.1105", "0.0557", no_heat_correction=True
)

ACCOUNTING_INDEX_PPM: dict[int, dict[str, int]] = {
    2018: _CYCLE_1, 2019: _CYCLE_1, 2020: _CYCLE_1,
    2021: _Y2021, 2022: _Y2022, 2023: _Y2023, 2024: _Y2024, 2025: _Y2024,
}  # fmt: skip
"""Verified intensity per category and year relative to 2019, in ppm.

From 2021 the plans set each category's benchmark near its balance value (平衡值: the
intensity at which the category's allocation equals its verified emissions, §7.2), and the
2021 accounting rules and the 2023 output definition moved verified intensities with them. So
verified intensities here follow the benchmark table of the reference (§7.2; 2025 repeats
2024, 2023-2024 unconventional coal and heat are the plans' placeholder values). From 2023
the plan dropped the heat-supply correction, so its benchmarks sit lower by the category's mean
correction, which is divided back out. Each year about half of the entities stay short, as in
cycle 1. This is an inference [I], not data.
"""
