"""Steel, cement and aluminium (reference §7.5, §13): the 2024 rule (allocation = verified 2024
emissions), the 2025 pre-allocation (70% of the previous year's verified emissions), the final
2025 method configurable and unconfirmed; in the cycle and in ``openets allocate --sector``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction as Q
from pathlib import Path

import pytest
from compliance_world import OPERATOR, PROVINCE, REGULATOR, VERIFIER, World

from openets.cli_allocate import allocate_command
from openets.compliance.cycle import (
    FinalAllocationDetermined,
    FinalizeAllocation,
    PreAllocate,
    PreAllocationDetermined,
)
from openets.compliance.industry import InstallationInput, allocate_installation
from openets.compliance.industry_csv import INDUSTRY_COLUMNS, read_installations
from openets.compliance.mrv import (
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    SubmitReport,
    VerifyReport,
)
from openets.compliance.plans import (
    PLAN_2023,
    PLAN_2024,
    PLAN_2025,
    PRESETS,
    Sector,
    plan_for_year,
)
from openets.compliance.state import ReportLine
from openets.domain.clock import BEIJING

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


INDUSTRY = (Sector.STEEL, Sector.CEMENT, Sector.ALUMINIUM)


def inst(sector: Sector, verified: int, output: int, prior: int) -> InstallationInput:
    return InstallationInput("S1", "L1", sector, verified, output, prior)


@pytest.mark.parametrize("sector", INDUSTRY)
def test_2024_allocation_equals_verified_2024_emissions_with_no_preallocation(
    sector: Sector,
) -> None:
    a = allocate_installation(PLAN_2024, inst(sector, 1_234_567, 900_000, 1_111_111))
    assert (a.preallocation_t, a.final_allocation_t, a.true_up_t) == (0, 1_234_567, 1_234_567)


@pytest.mark.parametrize("sector", INDUSTRY)
def test_2025_preallocation_is_70_percent_of_the_previous_years_verified_emissions(
    sector: Sector,
) -> None:
    a = allocate_installation(PLAN_2025, inst(sector, 1_000_000, 900_000, 1_234_567))
    assert a.preallocation_t == 864_197  # 0.7 × 1,234,567 = 864,196.9, half-up
    assert a.true_up_t == a.final_allocation_t - 864_197


def test_2025_final_industry_method_is_listed_as_unconfirmed_and_defaults_to_verified() -> None:
    assert "industry_final_method" in PLAN_2025.unconfirmed
    a = allocate_installation(PLAN_2025, inst(Sector.CEMENT, 2_000_000, 2_500_000, 1_900_000))
    assert a.final_allocation_t == 2_000_000


def test_2025_final_industry_method_is_configurable_to_output_times_a_benchmark() -> None:
    plan = replace(
        PLAN_2025,
        equal_allocation_sectors=frozenset(),
        intensity_benchmarks=((Sector.CEMENT, Q("0.8555")),),
    )
    a = allocate_installation(plan, inst(Sector.CEMENT, 2_000_000, 2_500_001, 1_900_000))
    assert (a.preallocation_t, a.final_allocation_t) == (1_330_000, 2_138_751)  # 2,138,750.86
    with pytest.raises(ValueError, match="no allocation method for sector steel"):
        allocate_installation(plan, inst(Sector.STEEL, 1, 1, 1))


def test_plan_2025_is_a_preset_with_the_references_surrender_deadline() -> None:
    assert PRESETS["2025"] is PLAN_2025 and plan_for_year(2025) is PLAN_2025
    assert PLAN_2025.deadline == date(2026, 12, 31) and PLAN_2025.cycle_years == (2025,)
    assert PLAN_2025.preallocation_share == Q(7, 10)
    assert set(INDUSTRY) <= PLAN_2025.covered_sectors
    assert not set(INDUSTRY) & PLAN_2023.covered_sectors


# --- in the compliance cycle ----------------------------------------------------------------


def cement_world() -> World:
    """C1 (a clinker line K1) with an approved 2024 report of 1,234,567 t."""
    w = World(datetime(2026, 4, 1, 10, tzinfo=BEIJING)).with_people()
    w.ok(REGULATOR, RegisterEntity("C1", "示例水泥", PROVINCE, "A000010", (OPERATOR,)))
    w.ok(REGULATOR, RegisterInstallation("C1", "K1", Sector.CEMENT, None))
    report(w, 2024, ReportLine("K1", 1_234_567, output_t=1_500_000))
    return w


def report(w: World, year: int, *lines: ReportLine) -> None:
    w.ok(OPERATOR, SubmitReport("C1", year, lines))
    w.ok(VERIFIER, VerifyReport("C1", year, lines))
    w.ok(REGULATOR, ApproveReport("C1", year))


def test_cement_2025_preallocation_in_the_cycle_is_70_percent_of_the_approved_2024_report() -> None:
    w = cement_world()
    (pre,) = w.ok(REGULATOR, PreAllocate("C1", 2025, "2025", ()))
    assert isinstance(pre, PreAllocationDetermined)
    assert (pre.preallocation_t, pre.product) == (864_197, "CEA25")
    report(w, 2025, ReportLine("K1", 1_300_000, output_t=1_600_000))
    final, _ = w.ok(REGULATOR, FinalizeAllocation("C1", 2025, "2025"))
    assert isinstance(final, FinalAllocationDetermined)
    assert (final.final_allocation_t, final.true_up_t) == (1_300_000, 1_300_000 - 864_197)
    assert w.state.reports[("C1", 2025)].verified[0].output_t == 1_600_000


# --- openets allocate --sector --------------------------------------------------------------

HEADER = ",".join(INDUSTRY_COLUMNS)


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "installations.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_allocate_sector_steel_writes_the_input_columns_and_the_three_allocation_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    src = write(tmp_path, "S1,BF1,2000000,1800000,1234567", "S1,BF2,10,5,0")
    assert allocate_command("2025", src, out, "steel") == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        f"{HEADER},preallocation_t,final_allocation_t,true_up_t",
        "S1,BF1,2000000,1800000,1234567,864197,2000000,1135803",
        "S1,BF2,10,5,0,0,10,10",
    ]
    assert "unconfirmed [U] value for industry_final_method" in capsys.readouterr().err


def test_allocate_sector_bad_rows_name_row_column_value_and_rule_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    src = write(tmp_path, "A1,L1,100,50,90", "A1,L2,12.5,50,90", "A1,L1,1,1,-3")
    assert allocate_command("2024", src, out, "aluminium") == 1
    err = capsys.readouterr().err
    assert "row 3, field 'verified_t', value '12.5': must be whole tonnes" in err
    assert "row 4, field 'installation_id', value 'L1': duplicate installation" in err
    assert "row 4, field 'prior_verified_t', value '-3': must be whole tonnes" in err
    assert not out.exists()


def test_allocate_sector_before_plan_2024_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert allocate_command("2023", write(tmp_path, "S1,BF1,1,1,1"), None, "steel") == 1
    assert "plan 2023 does not allocate the steel sector" in capsys.readouterr().err


def test_allocate_unknown_sector_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert allocate_command("2024", write(tmp_path, "S1,BF1,1,1,1"), None, "glass") == 1
    assert "unknown sector 'glass'" in capsys.readouterr().err


def test_installations_file_missing_a_column_names_it_on_row_1() -> None:
    parsed, errors = read_installations("entity_id,installation_id,verified_t\n", Sector.STEEL)
    assert parsed is None
    assert [(e.row, e.field) for e in errors] == [(1, "output_t"), (1, "prior_verified_t")]
