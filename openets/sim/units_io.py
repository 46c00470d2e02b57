"""Write a population as CSV: its units in the shape ``openets allocate`` reads, and its entities.

The units file has exactly the columns of the public contract (shared API, ``openets allocate``):
quantities as integers, ratios as decimals (``0.85``) converted exactly from ppm.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from openets.compliance.units_csv import COLUMNS
from openets.sim.population import Entity, Population
from openets.sim.population_geo import province_by_code

UNITS_COLUMNS = COLUMNS  # the columns `openets allocate --units` reads: one definition

ENTITIES_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "uscc",
    "name",
    "name_en",
    "province",
    "province_name",
    "province_name_en",
    "sector",
    "unit_count",
    "capacity_mw",
    "emissions_t",
    "prior_emissions_t",
    "product",
    "output_t",
    "prior_output_t",
)


def ppm_to_decimal(ppm: int) -> str:
    """Parts per million as the shortest exact decimal: 850000 -> ``"0.85"``, 0 -> ``"0"``."""
    if ppm < 0:
        raise ValueError(f"a ratio cannot be negative, was {ppm} ppm")
    whole, frac = divmod(ppm, 1_000_000)
    digits = f"{frac:06d}".rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


def unit_rows(population: Population) -> Iterator[dict[str, str]]:
    """One row per generating unit, keyed by ``UNITS_COLUMNS``."""
    for entity, unit in population.units():
        yield {
            "entity_id": entity.entity_id,
            "unit_id": unit.unit_id,
            "category": unit.category.value,
            "capacity_mw": str(unit.capacity_mw),
            "cooling": unit.cooling.value,
            "supply_mwh": str(unit.supply_mwh),
            "heat_gj": str(unit.heat_gj),
            "heat_ratio": ppm_to_decimal(unit.heat_ratio_ppm),
            "load_factor": ppm_to_decimal(unit.load_factor_ppm),
            "prior_supply_mwh": str(unit.prior_supply_mwh),
            "prior_heat_gj": str(unit.prior_heat_gj),
        }


def entity_rows(population: Population) -> Iterator[dict[str, str]]:
    """One row per entity, keyed by ``ENTITIES_COLUMNS``; industry columns empty for power."""
    for entity in population.entities:
        yield _entity_row(entity)


def _entity_row(entity: Entity) -> dict[str, str]:
    province = province_by_code(entity.province)
    line = entity.installations[0] if entity.installations else None
    return {
        "entity_id": entity.entity_id,
        "uscc": entity.uscc,
        "name": entity.name,
        "name_en": entity.name_en,
        "province": entity.province,
        "province_name": province.name,
        "province_name_en": province.name_en,
        "sector": entity.sector.value,
        "unit_count": str(len(entity.units)),
        "capacity_mw": str(entity.capacity_mw),
        "emissions_t": str(entity.emissions_t),
        "prior_emissions_t": str(entity.prior_emissions_t),
        "product": line.product if line else "",
        "output_t": str(sum(i.output_t for i in entity.installations)) if line else "",
        "prior_output_t": str(sum(i.prior_output_t for i in entity.installations)) if line else "",
    }


def write_units_csv(population: Population, out: TextIO | str | Path) -> int:
    """Write the units file (the ``openets allocate`` input); returns the number of rows."""
    return _write(out, UNITS_COLUMNS, unit_rows(population))


def write_entities_csv(population: Population, out: TextIO | str | Path) -> int:
    """Write the entities file (UTF-8, names in Chinese and English); returns the row count."""
    return _write(out, ENTITIES_COLUMNS, entity_rows(population))


def _write(
    out: TextIO | str | Path, columns: tuple[str, ...], rows: Iterator[dict[str, str]]
) -> int:
    if isinstance(out, str | Path):
        with open(out, "w", newline="", encoding="utf-8") as stream:
            return _write_rows(stream, columns, rows)
    return _write_rows(out, columns, rows)


def _write_rows(stream: TextIO, columns: tuple[str, ...], rows: Iterator[dict[str, str]]) -> int:
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
