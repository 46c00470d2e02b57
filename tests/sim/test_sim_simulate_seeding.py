"""Seeding the market: accounts with the entities' credit codes and provinces, allocations."""

from __future__ import annotations

import pytest

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.sim.population_geo import province_by_code
from openets.sim.seed_market import cycle_for, cycle_positions, seed_market

pytestmark = pytest.mark.db_free


def _seeded(n: int = 12):  # type: ignore[no-untyped-def]
    cycle = cycle_for(2021)
    positions = cycle_positions(cycle, n, 3)
    market = open_market(None, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    cash = {p.entity.entity_id: 1_000_000 for p in positions}
    seeded = seed_market(market.engine, cycle, positions, cash)
    return market, positions, seeded


def test_each_entity_gets_an_account_with_its_credit_code_and_province() -> None:
    market, positions, seeded = _seeded()
    for p in positions:
        acct = market.state.registry.accounts[seeded.accounts[p.entity.entity_id]]
        assert acct.id_code == p.entity.uscc
        assert acct.province == province_by_code(p.entity.province).short


def test_each_entity_holds_its_final_allocation_of_the_cycle() -> None:
    market, positions, seeded = _seeded()
    for p in positions:
        acct = seeded.accounts[p.entity.entity_id]
        assert market.state.registry.available(acct, "CEA19-20") == p.allocation_t


def test_cycle_1_lists_cea19_20_at_the_48_reference() -> None:
    market, _, seeded = _seeded()
    inst = market.state.trading.instruments[seeded.instrument]
    assert (inst.code, inst.prev_close) == ("CEA19-20", 4800)


def test_cycle_1_obligations_cover_both_years() -> None:
    positions = cycle_positions(cycle_for(2021), 5, 3)
    assert all([y for y, _ in p.obligations] == [2019, 2020] for p in positions)


def test_seeding_keeps_every_invariant() -> None:
    market, _, _ = _seeded()
    assert market.state.violations() == []
