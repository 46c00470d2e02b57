"""Compliance reports per entity, province and nation; CSV and JSON text."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from compliance_world import ENTITY, OPERATOR, REGULATOR, World, line

from openets.compliance.cycle import FinalizeAllocation, PreAllocate, RecordSurrender
from openets.compliance.obligations import Position
from openets.compliance.report import (
    ENTITY_COLUMNS,
    by_province,
    entities_csv,
    format_rate,
    positions,
    rate_bps,
    report_json,
    summaries_csv,
    summarise,
)
from openets.compliance.rules import SurrenderItem
from openets.domain.clock import BEIJING

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


DEADLINE = date(2024, 12, 31)


def pos(entity: str, province: str, obligation: int, on_time: int, late: int = 0) -> Position:
    return Position(entity, province, 2023, DEADLINE, obligation, on_time, late, 0)


POSITIONS = (
    pos("A", "山东", 1_000, 1_000),
    pos("B", "山东", 2_000, 1_500, 500),
    pos("C", "广东", 4_000, 3_000),
    pos("D", "广东", 0, 0),
)


def test_compliance_rate_is_by_quantity_in_basis_points_half_up() -> None:
    assert rate_bps(995, 1000) == 9_950
    assert rate_bps(2, 3) == 6_667
    assert rate_bps(0, 0) == 10_000
    assert format_rate(9_950) == "99.50"


def test_national_summary_counts_statuses_and_caps_surrender_at_the_obligation() -> None:
    s = summarise("national", 2023, (*POSITIONS, pos("E", "广东", 100, 150)))
    assert (s.entities, s.compliant, s.late, s.shortfall) == (5, 3, 1, 1)
    assert (s.obligation_t, s.surrendered_t, s.met_t, s.shortfall_t) == (7_100, 6_150, 6_100, 1_000)
    assert s.rate_bps == rate_bps(6_100, 7_100)


def test_province_summaries_are_sorted_by_province() -> None:
    provinces = by_province(2023, POSITIONS)
    assert [p.scope for p in provinces] == sorted(["山东", "广东"])
    shandong = next(p for p in provinces if p.scope == "山东")
    assert (shandong.obligation_t, shandong.rate_bps) == (3_000, 10_000)


def test_entity_csv_has_the_report_columns_and_statuses() -> None:
    rows = list(csv.DictReader(io.StringIO(entities_csv(POSITIONS))))
    assert tuple(rows[0]) == ENTITY_COLUMNS
    assert [r["status"] for r in rows] == ["compliant", "late", "shortfall", "compliant"]
    assert rows[2]["rate"] == "75.00" and rows[2]["shortfall_t"] == "1000"


def test_summary_csv_has_one_row_per_scope() -> None:
    text = summaries_csv(by_province(2023, POSITIONS))
    assert len(text.splitlines()) == 3 and text.startswith("scope,year,entities")


def test_report_json_has_national_provinces_and_entities() -> None:
    doc = json.loads(report_json(2023, POSITIONS))
    assert doc["national"]["entities"] == 4
    assert doc["national"]["rate"] == format_rate(rate_bps(6_000, 7_000))
    assert len(doc["provinces"]) == 2 and len(doc["entities"]) == 4


def test_positions_come_from_the_compliance_state() -> None:
    w = World(datetime(2024, 3, 1, 10, tzinfo=BEIJING)).with_power_entity()
    w.ok(REGULATOR, PreAllocate(ENTITY, 2023, "2023", (line("U1", 0, 1_000),)))
    w.with_report(2023, line("U1", 1_000, 1_000), line("U2", 0, 0))
    w.ok(REGULATOR, FinalizeAllocation(ENTITY, 2023, "2023"))
    w.ok(OPERATOR, RecordSurrender(ENTITY, 2023, (SurrenderItem("CEA23", 400),)))
    (p,) = positions(w.state, 2023)
    # allocation 1,000 MWh × 0.7861 = 786 t; obligation min(1,000, 786 + 200) = 986 t
    assert (p.entity_id, p.obligation_t, p.surrendered_t, p.status.value) == (
        ENTITY,
        986,
        400,
        "shortfall",
    )
    assert positions(w.state, 2022) == ()
