"""The units file of ``openets allocate``: read and validate it, write the allocations.

Columns are a public contract (API.md). Every error is collected with its row (the line number
in the file, the header being row 1), field, value and the rule it breaks; if there is any
error, nothing is computed. Decimals are parsed with :class:`~decimal.Decimal` here, at the edge,
into the integers the core uses (kWh, MJ, ppm).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openets.compliance.allocation import UnitAllocation, UnitInput
from openets.compliance.plans import Category, Cooling
from openets.domain.cells import control_error, safe_row

COLUMNS: tuple[str, ...] = (
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
)
OUTPUT_COLUMNS: tuple[str, ...] = ("preallocation_t", "final_allocation_t", "true_up_t")

_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_MAX_DIGITS = 15


@dataclass(frozen=True, slots=True)
class CsvError:
    """One problem in the units file: where, what, and which rule."""

    row: int
    field: str
    value: str
    rule: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field!r}, value {self.value!r}: {self.rule}"


@dataclass(frozen=True, slots=True)
class UnitsFile:
    """A parsed units file: the header as given, the raw rows, and the parsed units."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    units: tuple[UnitInput, ...]


def _scaled(
    text: str, places: int, row: int, name: str, errors: list[CsvError], *, upper: int | None
) -> int:
    """Parse a non-negative decimal with at most ``places`` decimals into an integer × 10^places."""
    s = text.strip()
    if not _DECIMAL_RE.match(s):
        errors.append(CsvError(row, name, text, "must be a decimal number like 0.85 or 1200.5"))
        return 0
    d = Decimal(s)
    if d < 0:
        errors.append(CsvError(row, name, text, "must not be negative"))
        return 0
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        errors.append(CsvError(row, name, text, f"must have at most {places} decimal places"))
        return 0
    value = int(d.scaleb(places))
    if value >= 10 ** (_MAX_DIGITS + places):
        errors.append(CsvError(row, name, text, f"must be below 10^{_MAX_DIGITS}"))
        return 0
    if upper is not None and value > upper:
        errors.append(CsvError(row, name, text, f"must be between 0 and {upper // 10**places}"))
        return 0
    return value


def _parse_row(row: int, get: dict[str, str], errors: list[CsvError]) -> UnitInput | None:
    before = len(errors)
    ids = {}
    for name in ("entity_id", "unit_id"):
        value = get[name].strip()
        if not value:
            errors.append(CsvError(row, name, get[name], "must not be empty"))
        ids[name] = value
    try:
        category = Category(get["category"].strip())
    except ValueError:
        allowed = ", ".join(c.value for c in Category)
        errors.append(
            CsvError(row, "category", get["category"], f"unknown category; use {allowed}")
        )
        category = Category.GAS
    try:
        cooling = Cooling(get["cooling"].strip())
    except ValueError:
        errors.append(CsvError(row, "cooling", get["cooling"], "unknown cooling; use water, air"))
        cooling = Cooling.WATER
    capacity_before = len(errors)
    capacity_kw = _scaled(get["capacity_mw"], 3, row, "capacity_mw", errors, upper=None)
    if len(errors) == capacity_before and capacity_kw == 0:
        errors.append(CsvError(row, "capacity_mw", get["capacity_mw"], "must be greater than 0"))
    values = {
        name: _scaled(get[name], 3, row, name, errors, upper=None)
        for name in ("supply_mwh", "heat_gj", "prior_supply_mwh", "prior_heat_gj")
    }
    ratios = {
        name: _scaled(get[name], 6, row, name, errors, upper=1_000_000)
        for name in ("heat_ratio", "load_factor")
    }
    if len(errors) > before:
        return None
    return UnitInput(
        entity_id=ids["entity_id"],
        unit_id=ids["unit_id"],
        category=category,
        cooling=cooling,
        capacity_kw=capacity_kw,
        supply_kwh=values["supply_mwh"],
        heat_mj=values["heat_gj"],
        heat_ratio_ppm=ratios["heat_ratio"],
        load_factor_ppm=ratios["load_factor"],
        prior_supply_kwh=values["prior_supply_mwh"],
        prior_heat_mj=values["prior_heat_gj"],
    )


def _check_header(header: Sequence[str]) -> list[CsvError]:
    errors = []
    for name in COLUMNS:
        if name not in header:
            errors.append(CsvError(1, name, "", "required column is missing"))
    for name in OUTPUT_COLUMNS:
        if name in header:
            errors.append(CsvError(1, name, name, "is an output column; remove it from the input"))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(CsvError(1, name, name, "column appears twice"))
        seen.add(name)
    return errors


def data_rows(
    reader: Iterator[list[str]], header: tuple[str, ...], errors: list[CsvError]
) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header as ``(line, cells)``: blank lines skipped, a row with another
    number of fields than the header or a control character in a cell added to ``errors``."""
    for raw in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if not raw or all(not cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            count = f"has {len(raw)} fields, header has {len(header)}"
            errors.append(CsvError(line, "(row)", ",".join(raw), count))
            continue
        bad = [
            CsvError(line, header[i], cell, why)
            for i, cell in enumerate(raw)
            if (why := control_error(cell)) is not None
        ]
        if bad:
            errors.extend(bad)
            continue
        yield line, raw


def read_units(text: str) -> tuple[UnitsFile | None, tuple[CsvError, ...]]:
    """Parse and validate the units file. Returns the file, or None and every error found."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header_row = next(reader, None)
    if header_row is None:
        return None, (CsvError(1, "(header)", "", "the file is empty; a header row is required"),)
    header = tuple(h.strip() for h in header_row)
    errors = _check_header(header)
    errors += [CsvError(1, h, h, why) for h in header if (why := control_error(h)) is not None]
    if errors:
        return None, tuple(errors)
    index = {name: i for i, name in enumerate(header)}
    rows: list[tuple[str, ...]] = []
    units: list[UnitInput] = []
    seen: dict[tuple[str, str], int] = {}
    for line, raw in data_rows(reader, header, errors):
        rows.append(tuple(raw))
        key = (raw[index["entity_id"]].strip(), raw[index["unit_id"]].strip())
        if key in seen:
            errors.append(
                CsvError(
                    line,
                    "unit_id",
                    key[1],
                    f"duplicate unit of entity {key[0]!r}; first on row {seen[key]}",
                )
            )
        else:
            seen[key] = line
        unit = _parse_row(line, {name: raw[index[name]] for name in COLUMNS}, errors)
        if unit is not None:
            units.append(unit)
    if not rows and not errors:
        errors.append(CsvError(2, "(row)", "", "the file has no unit rows"))
    if errors:
        return None, tuple(errors)
    return UnitsFile(header, tuple(rows), tuple(units)), ()


def write_allocations(units: UnitsFile, allocations: Iterable[UnitAllocation]) -> str:
    """The input rows as given, with ``preallocation_t, final_allocation_t, true_up_t`` added."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(safe_row((*units.header, *OUTPUT_COLUMNS)))
    for raw, a in zip(units.rows, allocations, strict=True):
        writer.writerow(safe_row((*raw, a.preallocation_t, a.final_allocation_t, a.true_up_t)))
    return out.getvalue()
