"""The units file has exactly the ``openets allocate`` columns; the entities file names them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openets.domain.money import decimal_ratio_to_ppm
from openets.sim.population import generate_population
from openets.sim.units_io import (
    ENTITIES_COLUMNS,
    UNITS_COLUMNS,
    ppm_to_decimal,
    write_entities_csv,
    write_units_csv,
)

pytestmark = pytest.mark.db_free

API_COLUMNS = [
    "entity_id",
    "unit_id",
    "category",
    "capacity_mw",
    "cooling",
    "supply_mwh",
    "heat_gj",
    "heat_ratio",
    "load_factor",
    "prior_supply_mwh",
    "prior_heat_gj",
]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _units_text(n: int = 40) -> str:
    buffer = io.StringIO()
    write_units_csv(generate_population(n), buffer)
    return buffer.getvalue()


def test_units_file_header_is_exactly_the_api_columns() -> None:
    assert _units_text().splitlines()[0].split(",") == API_COLUMNS
    assert list(UNITS_COLUMNS) == API_COLUMNS


def test_units_file_has_one_row_per_unit_with_its_values() -> None:
    pop = generate_population(40)
    buffer = io.StringIO()
    written = write_units_csv(pop, buffer)
    rows = _rows(buffer.getvalue())
    units = list(pop.units())
    assert written == len(rows) == len(units)
    for row, (entity, unit) in zip(rows, units, strict=True):
        assert row["entity_id"] == entity.entity_id and row["unit_id"] == unit.unit_id
        assert row["category"] == unit.category.value and row["cooling"] == unit.cooling.value
        assert int(row["supply_mwh"]) == unit.supply_mwh
        assert int(row["prior_heat_gj"]) == unit.prior_heat_gj
        assert decimal_ratio_to_ppm(row["heat_ratio"]) == unit.heat_ratio_ppm
        assert decimal_ratio_to_ppm(row["load_factor"]) == unit.load_factor_ppm


def test_units_file_uses_only_the_api_categories_and_cooling() -> None:
    rows = _rows(_units_text(300))
    assert {r["category"] for r in rows} <= {
        "coal_300_plus",
        "coal_300_below",
        "coal_unconventional",
        "gas",
    }
    assert {r["cooling"] for r in rows} <= {"water", "air"}


def test_units_file_quantities_are_integers_and_ratios_are_decimals_within_one() -> None:
    for row in _rows(_units_text(100)):
        for name in ("capacity_mw", "supply_mwh", "heat_gj", "prior_supply_mwh", "prior_heat_gj"):
            assert row[name].isdigit(), (name, row[name])
        for name in ("heat_ratio", "load_factor"):
            assert Decimal(0) <= Decimal(row[name]) <= Decimal(1), (name, row[name])


def test_units_file_leaves_out_industry_entities() -> None:
    pop = generate_population(20, year=2025, include_industry=True)
    power_ids = {e.entity_id for e in pop.entities if e.units}
    buffer = io.StringIO()
    write_units_csv(pop, buffer)
    assert {r["entity_id"] for r in _rows(buffer.getvalue())} == power_ids


def test_units_file_is_read_by_the_allocate_reader_without_errors() -> None:
    units_csv = pytest.importorskip("openets.compliance.units_csv")
    parsed, errors = units_csv.read_units(_units_text(200))
    assert errors == ()
    assert len(parsed.units) == len(_rows(_units_text(200)))


def test_entities_file_has_one_row_per_entity_with_names_and_totals(tmp_path: Path) -> None:
    pop = generate_population(30, year=2025, include_industry=True)
    path = tmp_path / "entities.csv"
    written = write_entities_csv(pop, path)
    rows = _rows(path.read_text(encoding="utf-8"))
    assert written == len(rows) == len(pop.entities)
    assert tuple(rows[0]) == ENTITIES_COLUMNS
    for row, entity in zip(rows, pop.entities, strict=True):
        assert (row["uscc"], row["name"], row["province"]) == (
            entity.uscc,
            entity.name,
            entity.province,
        )
        assert int(row["emissions_t"]) == entity.emissions_t
        assert row["sector"] == entity.sector.value
        assert (row["product"] == "") == (entity.sector.value == "power")


def test_units_file_written_to_a_path_matches_the_stream(tmp_path: Path) -> None:
    pop = generate_population(25)
    path = tmp_path / "units.csv"
    write_units_csv(pop, path)
    buffer = io.StringIO()
    write_units_csv(pop, buffer)
    assert path.read_text(encoding="utf-8") == buffer.getvalue()


@pytest.mark.parametrize(
    ("ppm", "text"),
    [(0, "0"), (850_000, "0.85"), (123_400, "0.1234"), (1, "0.000001"), (1_000_000, "1")],
)
def test_ppm_is_written_as_the_shortest_exact_decimal(ppm: int, text: str) -> None:
    assert ppm_to_decimal(ppm) == text


@given(st.integers(0, 1_000_000))
def test_ppm_round_trips_through_the_decimal_text(ppm: int) -> None:
    assert decimal_ratio_to_ppm(ppm_to_decimal(ppm)) == ppm


def test_negative_ratio_is_refused_with_its_value() -> None:
    with pytest.raises(ValueError, match="-5 ppm"):
        ppm_to_decimal(-5)
