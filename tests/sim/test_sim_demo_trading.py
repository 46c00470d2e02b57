"""The demo's market trades from its first day, as the real one did on every trading day until
2025-01-14 (reference §13): the current cycle's price expectations sit about its own reference
(2025's close), not below it by analogy with 2025's slide (``calibration._SLIDE_2025``), and a
share of its buyers spread their buying through the year (``early_ppm``)."""

from __future__ import annotations

from datetime import time

import pytest

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock
from openets.sim import CURRENT_YEAR
from openets.sim.calibration import FITS
from openets.sim.demo import DemoOptions, demo_config
from openets.sim.simulate import (
    SimConfig,
    cast,
    cycle_days,
    day_steps,
    run_simulation,
    session_time,
)

pytestmark = pytest.mark.db_free


def test_the_default_demo_market_trades_on_its_first_day() -> None:
    config = demo_config(DemoOptions(db=""))  # the demo's own entities and cycle
    days = cycle_days(config)
    clock = SimulatedClock(session_time(days[0], time(9, 0)))
    market = open_market(
        config.db_url, clock, preset=config.preset, synchronous="NORMAL", rules=config.rules
    )
    c = cast(config, market.engine, clock)
    for _ in day_steps(c, 0):
        pass
    first = [t for t in c.feed.trades if t[0] == days[0].isoformat()]
    assert len(first) >= 2, f"{len(first)} trades on {days[0]}, the demo's first day"


def test_the_current_cycle_keeps_its_prices_about_its_reference() -> None:
    fitted = {f.param for f in FITS[CURRENT_YEAR]}
    assert not fitted & {"cap_ppm", "floor_ppm", "bank_price_ppm"}, fitted


@pytest.mark.slow
def test_the_current_cycle_trades_on_nearly_every_trading_day() -> None:
    result = run_simulation(SimConfig(entities=600, year=CURRENT_YEAR, seed=1))
    traded = {t[0] for t in result.trades}
    share = len(traded) / len(result.days)
    assert share >= 0.85, f"trades on {len(traded)} of {len(result.days)} trading days"
    assert result.violations == []
