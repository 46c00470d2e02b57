"""The installations file of ``openets allocate --sector steel|cement|aluminium``.

One file per sector; one row per installation (a blast-furnace/BOF route, a clinker line, an
electrolysis line). Columns are a public contract (docs/compliance-cycle.md). Figures are whole
tonnes. Every error is collected with its row (the header being row 1), column, value and the
rule it breaks; if there is any error, nothing is computed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from openets.compliance.allocation import UnitAllocation
from openets.compliance.industry import InstallationInput
from openets.compliance.plans import Sector
from openets.compliance.units_csv import OUTPUT_COLUMNS, CsvError, data_rows
from openets.domain.cells import control_error, safe_row

INDUSTRY_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "installation_id",
    "verified_t",
    "output_t",
    "prior_verified_t",
)
"""entity_id, installation_id; the year's verified direct emissions (tCO2e) and product output
(t); the previous year's verified direct emissions (tCO2e), the base of the pre-allocation."""

_WHOLE_RE = re.compile(r"^\d{1,15}$")


@dataclass(frozen=True, slots=True)
class InstallationsFile:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    installations: tuple[InstallationInput, ...]


def _whole(row: int, name: str, text: str, errors: list[CsvError]) -> int:
    s = text.strip()
    if not _WHOLE_RE.match(s):
        errors.append(
            CsvError(row, name, text, "must be whole tonnes: digits 0-9 only, at most 15")
        )
        return 0
    return int(s)


def _check_header(header: tuple[str, ...]) -> list[CsvError]:
    errors = [CsvError(1, n, "", "required column is missing") for n in INDUSTRY_COLUMNS
              if n not in header]  # fmt: skip
    errors += [
        CsvError(1, n, n, "is an output column; remove it from the input")
        for n in OUTPUT_COLUMNS
        if n in header
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(CsvError(1, name, name, "column appears twice"))
        seen.add(name)
    errors += [CsvError(1, h, h, why) for h in header if (why := control_error(h)) is not None]
    return errors


def _parse_row(
    line: int,
    get: dict[str, str],
    sector: Sector,
    seen: dict[tuple[str, str], int],
    errors: list[CsvError],
) -> InstallationInput | None:
    before = len(errors)
    ids: dict[str, str] = {}
    for name in ("entity_id", "installation_id"):
        ids[name] = get[name].strip()
        if not ids[name]:
            errors.append(CsvError(line, name, get[name], "must not be empty"))
    key = (ids["entity_id"], ids["installation_id"])
    if key in seen:
        why = f"duplicate installation of entity {key[0]!r}; first on row {seen[key]}"
        errors.append(CsvError(line, "installation_id", key[1], why))
    else:
        seen[key] = line
    figures = {n: _whole(line, n, get[n], errors) for n in INDUSTRY_COLUMNS[2:]}
    if len(errors) > before:
        return None
    return InstallationInput(key[0], key[1], sector, **figures)


def read_installations(
    text: str, sector: Sector
) -> tuple[InstallationsFile | None, tuple[CsvError, ...]]:
    """Parse and validate one sector's file. Returns the file, or None and every error."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    first = next(reader, None)
    if first is None:
        return None, (CsvError(1, "(header)", "", "the file is empty; a header row is required"),)
    header = tuple(h.strip() for h in first)
    errors = _check_header(header)
    if errors:
        return None, tuple(errors)
    index = {name: i for i, name in enumerate(header)}
    rows: list[tuple[str, ...]] = []
    out: list[InstallationInput] = []
    seen: dict[tuple[str, str], int] = {}
    for line, raw in data_rows(reader, header, errors):
        rows.append(tuple(raw))
        inst = _parse_row(line, {n: raw[index[n]] for n in INDUSTRY_COLUMNS}, sector, seen, errors)
        if inst is not None:
            out.append(inst)
    if not rows and not errors:
        errors.append(CsvError(2, "(row)", "", "the file has no installation rows"))
    if errors:
        return None, tuple(errors)
    return InstallationsFile(header, tuple(rows), tuple(out)), ()


def write_installation_allocations(
    parsed: InstallationsFile, allocations: Iterable[UnitAllocation]
) -> str:
    """The input rows as given, with ``preallocation_t, final_allocation_t, true_up_t`` added."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(safe_row((*parsed.header, *OUTPUT_COLUMNS)))
    for raw, a in zip(parsed.rows, allocations, strict=True):
        writer.writerow(safe_row((*raw, a.preallocation_t, a.final_allocation_t, a.true_up_t)))
    return buf.getvalue()
