"""The demo's scenario reaches the band reserve: its band is drawn around the cycle's opening
price, so within the first days the composite closes leave it and the end of day releases
allowances from the stocked reserve (for every cycle the demo runs), the same way on every run."""

from __future__ import annotations

import dataclasses

import pytest

from openets.sim.demo import BAND_DAYS, BAND_QUANTITY_T, DemoOptions, demo_band, demo_config
from openets.sim.simulate import run_simulation


@pytest.mark.parametrize("year", [2021, 2026])
def test_demo_scenario_releases_the_reserve_when_the_price_leaves_the_band(year: int) -> None:
    config = dataclasses.replace(demo_config(DemoOptions(db="", entities=60, year=year)), days=5)
    result = run_simulation(config)
    low, high = demo_band(year)
    first = result.reserve_actions[0]
    assert (first.rule, first.decision, first.moved) == ("band", "release", BAND_QUANTITY_T)
    closes = [b.close for b in result.bars]
    assert all(c > high for c in closes[:BAND_DAYS]), (closes, high)
    assert first.day == result.days[BAND_DAYS - 1].isoformat()
    assert low < high and result.violations == []


def test_demo_scenario_is_the_same_on_every_run() -> None:
    config = dataclasses.replace(demo_config(DemoOptions(db="", entities=60, year=2021)), days=4)
    one, two = run_simulation(config), run_simulation(config)
    assert one.reserve_actions == two.reserve_actions and one.state_hash == two.state_hash
