"""CSV in and out: no control characters or line breaks in fields, no formulas in cells."""

from __future__ import annotations

import csv
import io

from dsl import Given

from openets.compliance.allocation import UnitAllocation
from openets.compliance.units_csv import COLUMNS, read_units, write_allocations
from openets.domain.cells import safe_cell
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.supervision.reports.fmt import csv_text

HEADER = ",".join(COLUMNS)
GOOD = "E1,U1,coal_300_plus,600,water,1000000,0,0,0.82,900000,0"


def test_units_csv_nul_byte_in_a_field_is_reported() -> None:
    row = GOOD.replace("E1", "E\x001")
    parsed, errors = read_units(HEADER + "\n" + row + "\n")
    assert parsed is None
    (e,) = errors
    assert (e.row, e.field, e.value) == (2, "entity_id", "E\x001") and "NUL" in e.rule


def test_units_csv_newline_inside_a_quoted_field_is_reported() -> None:
    row = GOOD.replace("E1", '"E\n1"')
    parsed, errors = read_units(HEADER + "\n" + row + "\n")
    assert parsed is None
    (e,) = errors
    assert e.field == "entity_id" and "line feed" in e.rule


def test_allocation_output_neutralises_a_formula_in_a_cell() -> None:
    row = GOOD.replace("E1", '"=HYPERLINK(""http://x"",""y"")"')
    parsed, errors = read_units(f"{HEADER}\n{row}\n")
    assert parsed is not None, errors
    out = write_allocations(parsed, [UnitAllocation("", "", 1, 2, 1)])
    cells = list(csv.reader(io.StringIO(out)))[1]
    assert cells[0] == "'=HYPERLINK(\"http://x\",\"y\")"


def test_report_csv_neutralises_leading_formula_characters_but_not_numbers() -> None:
    text = csv_text(["name", "change"], [["@SUM(A1)", "-1.50"], ["+cmd", "+3"], ["-x", 5]])
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert rows == [["'@SUM(A1)", "-1.50"], ["'+cmd", "+3"], ["'-x", "5"]]
    assert safe_cell("=1+1") == "'=1+1" and safe_cell(-7) == -7


def test_account_name_with_a_nul_or_a_line_break_is_rejected(given: Given) -> None:
    from dsl import fresh_uscc

    for name in ("某某\x00电厂", "某某\n电厂", "某某\u0085电厂"):
        r = given.rejects(rc.OpenAccount(SubjectType.ENTITY, name, fresh_uscc(), "山东"))
        assert r.code is Code.INVALID_FIELD and r.field == "name"
