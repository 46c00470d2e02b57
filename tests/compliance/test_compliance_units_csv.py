"""The units file of ``openets allocate``: validation with row and field, output, the command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from openets.cli_allocate import allocate_command
from openets.compliance.units_csv import COLUMNS, CsvError, read_units

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


HEADER = ",".join(COLUMNS)
GOOD = "E1,U1,coal_300_plus,600,water,1000000,0,0,0.82,900000,0"
GAS = "E1,U2,gas,400,air,500000,200000,0.3,0.6,450000,180000"


def errors_of(*rows: str, header: str = HEADER) -> tuple[CsvError, ...]:
    parsed, errors = read_units("\n".join((header, *rows)) + "\n")
    assert parsed is None
    return errors


def only(errors: tuple[CsvError, ...]) -> CsvError:
    assert len(errors) == 1, errors
    return errors[0]


def test_units_csv_unknown_category_is_reported_with_row_and_field() -> None:
    e = only(errors_of(GOOD, GOOD.replace("U1", "U9").replace("coal_300_plus", "coal_huge")))
    assert (e.row, e.field, e.value) == (3, "category", "coal_huge")
    assert "unknown category" in e.rule and "coal_300_below" in e.rule


def test_units_csv_negative_output_is_reported_with_row_and_field() -> None:
    e = only(errors_of(GOOD.replace("1000000", "-5")))
    assert (e.row, e.field, e.value, e.rule) == (2, "supply_mwh", "-5", "must not be negative")


def test_units_csv_missing_column_is_reported_in_the_header_row() -> None:
    header = HEADER.replace(",load_factor", "")
    row = GOOD.replace(",0.82", "")
    e = only(errors_of(row, header=header))
    assert (e.row, e.field, e.rule) == (1, "load_factor", "required column is missing")


def test_units_csv_load_factor_above_1_is_reported_with_row_and_field() -> None:
    e = only(errors_of(GOOD.replace("0.82", "1.2")))
    assert (e.row, e.field, e.value) == (2, "load_factor", "1.2")
    assert e.rule == "must be between 0 and 1"


def test_units_csv_heat_ratio_above_1_is_reported() -> None:
    e = only(errors_of(GAS.replace("0.3", "1.01")))
    assert (e.field, e.value) == ("heat_ratio", "1.01")


def test_units_csv_unknown_cooling_is_reported() -> None:
    e = only(errors_of(GOOD.replace("water", "sea")))
    assert (e.row, e.field, e.value) == (2, "cooling", "sea")


def test_units_csv_text_in_a_number_is_reported() -> None:
    e = only(errors_of(GOOD.replace("900000", "9e5")))
    assert (e.field, e.value) == ("prior_supply_mwh", "9e5")


def test_units_csv_output_below_a_kwh_is_reported() -> None:
    e = only(errors_of(GOOD.replace("1000000", "1000000.0001")))
    assert (e.field, e.rule) == ("supply_mwh", "must have at most 3 decimal places")


def test_units_csv_zero_capacity_is_reported() -> None:
    e = only(errors_of(GOOD.replace(",600,", ",0,")))
    assert (e.field, e.rule) == ("capacity_mw", "must be greater than 0")


def test_units_csv_empty_entity_is_reported() -> None:
    e = only(errors_of(GOOD.replace("E1,", " ,", 1)))
    assert (e.field, e.rule) == ("entity_id", "must not be empty")


def test_units_csv_duplicate_unit_is_reported_with_the_first_row() -> None:
    e = only(errors_of(GOOD, GAS, GOOD))
    assert (e.row, e.field, e.value) == (4, "unit_id", "U1")
    assert "first on row 2" in e.rule


def test_units_csv_row_with_wrong_number_of_fields_is_reported() -> None:
    e = only(errors_of(GOOD + ",extra"))
    assert (e.row, e.field) == (2, "(row)")


def test_units_csv_output_column_in_the_input_is_reported() -> None:
    e = only(errors_of(GOOD + ",5", header=HEADER + ",true_up_t"))
    assert (e.row, e.field) == (1, "true_up_t")


def test_units_csv_collects_every_error_of_every_row() -> None:
    errors = errors_of(
        GOOD.replace("coal_300_plus", "oil").replace("0.82", "1.5"),
        GAS.replace("500000", "-1", 1),
    )
    assert [(e.row, e.field) for e in errors] == [
        (2, "category"),
        (2, "load_factor"),
        (3, "supply_mwh"),
    ]


def test_units_csv_empty_file_is_reported() -> None:
    parsed, errors = read_units("")
    assert parsed is None and errors[0].row == 1


def test_units_csv_header_only_is_reported() -> None:
    assert only(errors_of()).rule == "the file has no unit rows"


def test_units_csv_accepts_a_byte_order_mark_and_blank_lines() -> None:
    parsed, errors = read_units("\ufeff" + HEADER + "\n" + GOOD + "\n\n" + GAS + "\n")
    assert errors == () and parsed is not None
    assert [u.unit_id for u in parsed.units] == ["U1", "U2"]
    assert parsed.units[1].heat_ratio_ppm == 300_000
    assert parsed.units[1].heat_mj == 200_000_000


# --- the command -----------------------------------------------------------------------------


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_allocate_command_writes_the_input_columns_and_the_three_allocation_columns(
    tmp_path: Path,
) -> None:
    out = tmp_path / "alloc.csv"
    assert allocate_command("2019-2020", write(tmp_path, GOOD, GAS), out) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0])[-3:] == ["preallocation_t", "final_allocation_t", "true_up_t"]
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)
    assert rows[0]["supply_mwh"] == "1000000"  # input kept as given
    assert (rows[0]["preallocation_t"], rows[0]["final_allocation_t"]) == ("554831", "880683")
    assert rows[0]["true_up_t"] == "325852"
    # gas: 500,000 × 0.392 × (1 − 0.6 × 0.3) + 200,000 × 0.059 = 160,720 + 11,800
    assert rows[1]["final_allocation_t"] == "172520"


def test_allocate_command_prints_to_stdout_without_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert allocate_command("2024", write(tmp_path, GOOD), None) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].endswith("preallocation_t,final_allocation_t,true_up_t")


def test_allocate_command_with_bad_rows_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "alloc.csv"
    units = write(tmp_path, GOOD.replace("0.82", "1.2"), GAS.replace("gas", "oil"))
    assert allocate_command("2019-2020", units, out) == 1
    err = capsys.readouterr().err
    assert "row 2, field 'load_factor', value '1.2'" in err
    assert "row 3, field 'category', value 'oil'" in err
    assert not out.exists()


def test_allocate_command_with_unknown_plan_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert allocate_command("2030", write(tmp_path, GOOD), None) == 1
    assert "unknown plan '2030'" in capsys.readouterr().err


def test_allocate_command_with_missing_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert allocate_command("2021", tmp_path / "none.csv", None) == 1
    assert "cannot read" in capsys.readouterr().err


def test_allocate_command_notes_unconfirmed_plan_values_it_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unconventional = GOOD.replace("coal_300_plus", "coal_unconventional")
    assert allocate_command("2023", write(tmp_path, unconventional), None) == 0
    err = capsys.readouterr().err
    assert "benchmark.coal_unconventional.electricity" in err
    assert "heat" not in err  # no heat supplied, so heat benchmarks were not used
