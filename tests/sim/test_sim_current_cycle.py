"""The current cycle (2025 obligations, surrendered by 2026-12-31) is the default, with the
2025 roster of four sectors and every listed vintage trading."""

from __future__ import annotations

import pytest

from openets.sim import CURRENT_YEAR
from openets.sim.population import generate_population
from openets.sim.seed_market import cycle_for, default_entities
from openets.sim.simulate import SimConfig, SimResult, run_simulation

pytestmark = pytest.mark.db_free


@pytest.fixture(scope="module")
def spring_2026() -> SimResult:
    """The first 85 trading days of 2026: past CEA25's listing on 2026-04-29."""
    return run_simulation(SimConfig(entities=40, year=2026, seed=3, days=85))


def test_current_cycle_surrenders_the_2025_obligations_by_2026_12_31() -> None:
    cycle = cycle_for(CURRENT_YEAR)
    assert CURRENT_YEAR == 2026
    assert cycle.plans == ((2025, "2025"),) and cycle.product == "CEA25"
    assert str(cycle.deadline) == "2026-12-31"
    assert cycle.reference_fen == 7463  # 2025's year-end close (§13)


def test_current_cycle_roster_has_3378_entities_in_four_sectors() -> None:
    pop = generate_population(default_entities(CURRENT_YEAR), 2025, 1, include_industry=True)
    by_sector: dict[str, int] = {}
    for e in pop.entities:
        by_sector[e.sector.value] = by_sector.get(e.sector.value, 0) + 1
    assert len(pop.entities) == 3378
    assert by_sector == {"power": 2087, "steel": 232, "cement": 962, "aluminium": 97}


def test_cycle_1_keeps_its_roster() -> None:
    assert default_entities(2021) == 2162
    assert cycle_for(2021).product == "CEA19-20"


def test_every_listed_vintage_trades_in_the_current_cycle(spring_2026: SimResult) -> None:
    traded = set(spring_2026.vintage_volume)
    assert "CEA25" in traded  # listed on its day (2026-04-29) by ListDueVintages
    assert len(traded - {"CEA25"}) >= 3, traded  # the older vintages carried in
    assert spring_2026.violations == []


def test_current_cycle_prices_are_the_composite(spring_2026: SimResult) -> None:
    assert spring_2026.instrument == "COMCEA"
    assert spring_2026.bars[0].prev_close == 7463
    assert len(spring_2026.bars) == 85
