"""The simulator matches the real record (reference §8.4, §9.2, §13): a test per calibrated
figure on a seeded run. Cycle 1 runs 250 power entities (its volume scaled to the 2,162 of the
roster); 2024 and 2025 run a full year of 250 power entities (and, in 2025, the industrial
sectors) and are marked slow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openets.sim.agents import AgentParams
from openets.sim.calibration import FITS, calibrated
from openets.sim.report import summary, write_report
from openets.sim.report_calibration import simulated, targets
from openets.sim.simulate import SimConfig, SimResult, run_simulation

pytestmark = pytest.mark.db_free


def _run(year: int) -> tuple[SimResult, dict[str, Any]]:
    result = run_simulation(SimConfig(entities=250, year=year, seed=1))
    return result, summary(result)


@pytest.fixture(scope="module")
def cycle_1() -> tuple[SimResult, dict[str, Any]]:
    return _run(2021)


def test_cycle_1_volume_is_179_mt_within_25_percent(cycle_1: Any) -> None:
    got = simulated(cycle_1[1])["scaled_volume_t"]
    assert 134_250_000 <= got <= 223_750_000, got


def test_cycle_1_block_share_is_70_to_90_percent(cycle_1: Any) -> None:
    assert 700_000 <= cycle_1[1]["block_share_ppm"] <= 900_000


def test_cycle_1_compliance_is_99_to_100_percent(cycle_1: Any) -> None:
    assert 990_000 <= cycle_1[1]["compliance_ppm"] <= 1_000_000


def test_cycle_1_deadline_month_is_the_busiest(cycle_1: Any) -> None:
    months = {m: sum(v.values()) for m, v in cycle_1[1]["monthly_volume_t"].items()}
    assert max(months, key=lambda m: months[m]) == "2021-12", months


def test_report_shows_the_calibration_table_beside_the_real_figures(
    cycle_1: Any, tmp_path: Path
) -> None:
    write_report(cycle_1[0], tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Calibration against the published figures" in text
    for cell in ("179 Mt", "189 Mt", "235 Mt", "95.84", "62.36", "70-90%", "run --year 2024"):
        assert cell in text, cell
    assert "banker_ppm" in text and "cycle 1 volume 179 Mt (§9.2)" in text


def test_fitted_values_never_replace_what_a_scenario_set() -> None:
    mine = AgentParams(banker_ppm=123)
    assert calibrated(mine, 2021).banker_ppm == 123
    assert (
        calibrated(AgentParams(), 2021).banker_ppm
        == dict((f.param, f.value) for f in FITS[2021])["banker_ppm"]
    )


@pytest.mark.slow
@pytest.mark.parametrize("year", [2024, 2025])
def test_volume_and_average_price_are_within_25_percent(year: int) -> None:
    _, s = _run(year)
    got = simulated(s)
    for t in targets(year):
        assert t.test(got[t.key]), (year, t.figure, got[t.key])
