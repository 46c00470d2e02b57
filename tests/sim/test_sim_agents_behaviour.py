"""The agents' rules: schedules, holdouts, who buys and sells what, surrender, determinism."""

from __future__ import annotations

import pytest

from openets.sim.agent_market import PPM, cover_ppm
from openets.sim.agents import AgentParams, ComplianceAgent, cash_plan, make_agents
from openets.sim.seed_market import cycle_for, cycle_positions

pytestmark = pytest.mark.db_free


@pytest.fixture(scope="module")
def positions():  # type: ignore[no-untyped-def]
    return cycle_positions(cycle_for(2021), 300, 5)


def test_deadline_schedule_leaves_most_of_the_goal_to_the_last_weeks() -> None:
    assert cover_ppm(500_000, 950_000, 6) < 25_000
    assert cover_ppm(900_000, 950_000, 6) > 700_000
    assert cover_ppm(950_000, 950_000, 6) == PPM


def test_schedule_never_decreases() -> None:
    shares = [cover_ppm(t, 900_000, 5) for t in range(0, PPM + 1, 10_000)]
    assert shares == sorted(shares)


def test_same_seed_gives_the_same_agents(positions) -> None:  # type: ignore[no-untyped-def]
    a = make_agents(positions, 4800, AgentParams(), 9)
    b = make_agents(positions, 4800, AgentParams(), 9)
    assert a == b


def test_short_entities_buy_at_least_their_gap_unless_they_hold_out(positions) -> None:  # type: ignore[no-untyped-def]
    for a in make_agents(positions, 4800, AgentParams(), 1):
        gap = a.obligation - a.allocation
        if gap > 0 and not a.holdout:
            assert a.buy_target >= gap
        if gap > 0 and a.holdout:
            assert a.buy_target < gap


def test_long_entities_never_plan_to_sell_more_than_their_surplus(positions) -> None:  # type: ignore[no-untyped-def]
    for a in make_agents(positions, 4800, AgentParams(), 1):
        assert a.sell_target <= max(0, a.allocation - a.obligation)
        assert not (a.sell_target and a.buy_target)


def test_holdouts_leave_about_half_a_percent_of_obligations_unbought(positions) -> None:  # type: ignore[no-untyped-def]
    agents = make_agents(positions, 4800, AgentParams(), 1)
    unbought = sum(max(0, a.obligation - a.allocation) - a.buy_target for a in agents if a.holdout)
    due = sum(a.obligation for a in agents)
    assert 0.004 <= unbought / due <= 0.005


def test_no_holdouts_when_the_share_is_zero(positions) -> None:  # type: ignore[no-untyped-def]
    agents = make_agents(positions, 4800, AgentParams(holdout_ppm=0), 1)
    assert not any(a.holdout for a in agents)


def test_cash_covers_what_an_entity_plans_to_buy_at_the_reference(positions) -> None:  # type: ignore[no-untyped-def]
    agents = make_agents(positions, 4800, AgentParams(), 1)
    cash = cash_plan(agents, 4800, AgentParams())
    for a in agents:
        if a.buy_target:
            assert cash[a.entity_id] >= a.buy_target * 4800


def test_obligation_sums_the_cycle_years() -> None:
    a = ComplianceAgent("E1", 100, ((2019, 60), (2020, 70)))
    assert a.obligation == 130
