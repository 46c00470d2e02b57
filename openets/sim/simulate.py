"""Run a compliance cycle headless: the seeded market, the agents, the trading calendar.

    result = run_simulation(SimConfig(entities=2162, year=2021, seed=1))

Each trading day of the cycle (``preset.calendar.trading_days``): the agents plan the day, act
at their minutes of the sessions (one ``engine.batch()`` per simulated minute: group commit),
withdraw their block requests before the block session ends, the end of day runs
(:func:`openets.ops.eod.run_end_of_day`), and after settlement those that are due surrender.
The clock is simulated and every draw comes from ``random.Random`` of the seed, so a seed gives
the same journal (the same state hash and last record hash) on every run.

With ``days`` the cycle is cut to its first ``days`` trading days and the agents see that
shorter period as the whole cycle: the last simulated day is their deadline.

The run's configuration and result are in :mod:`openets.sim.sim_types` and the seeding of the
market and its agents in :mod:`openets.sim.cast`; this module runs the days, and re-exports what
the demo, the sweeps and the CLI import from here.
"""

from __future__ import annotations

import random
import time as _time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from openets.bootstrap import open_market
from openets.compliance.state import ComplianceState
from openets.domain.clock import SimulatedClock
from openets.ops.eod import run_end_of_day
from openets.sim.agent_makers import MarketMaker
from openets.sim.agent_market import Desk
from openets.sim.agents import ComplianceAgent
from openets.sim.cast import Cast, cast, cycle_days, list_due_vintages, session_time
from openets.sim.paid_auction import BID_AT, CLOSE_AT, AuctionStep
from openets.sim.penalties import apply_carry_over, assess_penalties, penalties_of
from openets.sim.sim_types import EntityOutcome, SimConfig, SimResult, config_rules

__all__ = [
    "Cast",
    "EntityOutcome",
    "SimConfig",
    "SimResult",
    "cast",
    "config_rules",
    "cycle_days",
    "day_steps",
    "list_due_vintages",
    "run_simulation",
    "session_time",
]

Progress = Callable[[int, int], None]


def _slots(windows: Sequence[tuple[time, time]]) -> list[time]:
    """Every minute of the sessions, in order."""
    out = []
    for start, end in windows:
        t = datetime.combine(date(2000, 1, 1), start)
        stop = datetime.combine(date(2000, 1, 1), end)
        while t < stop:
            out.append(t.time())
            t += timedelta(minutes=1)
    return out


def run_simulation(config: SimConfig, progress: Progress | None = None) -> SimResult:
    """Seed the market, run every trading day of the cycle, and collect the outcome."""
    started = _time.perf_counter()
    days = cycle_days(config)
    clock = SimulatedClock(session_time(days[0], time(9, 0)))
    market = open_market(
        config.db_url, clock, preset=config.preset, synchronous="NORMAL", rules=config.rules
    )
    c = cast(config, market.engine, clock)
    for i in range(len(c.days)):
        for _ in day_steps(c, i):
            pass
        if progress is not None:
            progress(i + 1, len(c.days))
    positions, agents = c.positions, c.agents
    totals = {
        "allocation_t": sum(p.allocation_t for p in positions),
        "obligation_t": sum(p.obligation_t for p in positions),
        "gap_t": sum(max(0, p.gap_t) for p in positions),
        "surplus_t": sum(max(0, -p.gap_t) for p in positions),
    }
    reached = c.days[-1] == c.cycle.deadline
    assessed = assess_penalties(c.engine, c.clock, c.cycle) if reached else None
    if reached:
        apply_carry_over(c.engine, c.cycle)
    st = market.state
    outcomes = _outcomes(st.compliance, c.cycle.years, agents)
    composite = c.venue is not None
    return SimResult(
        config=config,
        cycle=c.cycle,
        instrument=st.rules.vintages.composite_code if composite else c.desk.instrument,
        days=c.days,
        trades=c.feed.trades,
        bars=c.feed.composite if composite else c.feed.bars,  # type: ignore[arg-type]
        outcomes=outcomes,
        penalties=penalties_of(st, c.cycle, assessed),
        seconds=_time.perf_counter() - started,
        events=st.last_seq,
        commands=st.last_cmd_seq,
        rejections=dict(c.broker.rejected),
        state_hash=st.state_hash(),
        journal_hash=st.last_hash,
        violations=st.violations(),
        totals=totals,
        surrendered=c.surrendered,
        vintage_volume=dict(sorted(c.feed.by_vintage.items())),
        reserve_actions=tuple(st.supervision.reserve_actions),
    )


def _outcomes(
    comp: ComplianceState, years: Sequence[int], agents: Sequence[ComplianceAgent]
) -> list[EntityOutcome]:
    """Each entity's obligation and surrenders as the engine recorded them (what
    ``openets compliance report`` reads), with the agent's own trading."""
    out = []
    for a in agents:
        obligation = surrendered = 0
        for year in years:
            p = comp.position(a.entity_id, year)
            if p is not None:
                obligation += p.obligation_t
                surrendered += p.surrendered_t
        out.append(
            EntityOutcome(a.entity_id, a.account_id, obligation, surrendered, a.bought, a.sold)
        )
    return out


def _morning(
    c: Cast, i: int, slots: Sequence[time], schedule: dict[int, list[Any]]
) -> Iterator[datetime]:
    """Before the sessions: the vintages due today are listed (09:00) and the pilot paid
    auction, if due, announced (09:05), its moves put in the day's schedule."""
    day, engine, clock = c.days[i], c.engine, c.clock
    if c.venue is not None and engine.state.rules.vintages.due(day, list(c.venue.desks)):
        when = session_time(day, time(9, 0))
        yield when
        clock.advance(to=max(clock.now(), when))
        list_due_vintages(c)
    pa = c.paid_auction
    if pa is not None and pa.due(i):
        when = session_time(day, time(9, 5))
        yield when
        clock.advance(to=max(clock.now(), when))
        with engine.batch():
            if pa.announce(engine, c.desk):
                step = AuctionStep(pa, c.agents)
                for at in (BID_AT, CLOSE_AT):
                    schedule.setdefault(list(slots).index(at), []).append(step)


def _plan(
    c: Cast,
    desk: Desk,
    slots: Sequence[time],
    schedule: dict[int, list[Any]],
    rng: random.Random,
) -> None:
    """Each participant's actions at seeded minutes of the sessions; one with a block's worth
    to trade acts mostly in the block session."""
    windows = desk.rules.block.sessions
    in_block = [k for k, t in enumerate(slots) if any(s <= t < e for s, e in windows)]
    everyone: list[ComplianceAgent | MarketMaker] = [*c.agents, *c.makers]
    for who in everyone:
        for _ in range(who.plan_day(desk)):
            if in_block and getattr(who, "block_minded", False) and rng.randrange(4):
                slot = in_block[rng.randrange(len(in_block))]
            else:
                slot = rng.randrange(len(slots))
            schedule.setdefault(slot, []).append(who)


def day_steps(c: Cast, i: int) -> Iterator[datetime]:
    """Trading day ``i`` of the cycle as steps: each yields the simulated time of its action
    before doing it, so a live driver can pace the day (the headless run just exhausts it)."""
    config, engine, clock, desk = c.config, c.engine, c.clock, c.desk
    day = c.days[i]
    rng = random.Random(f"openets-sim-days/{config.seed}/{i}")
    tr = desk.rules.trading
    slots = _slots(tr.listing_sessions)
    block_end = max((e for _, e in desk.rules.block.sessions), default=None)
    schedule: dict[int, list[Any]] = {}
    yield from _morning(c, i, slots, schedule)
    desk = c.desk
    desk.period.day = i
    for d in c.venue.desks.values() if c.venue is not None else (desk,):
        d.refresh()
    _plan(c, desk, slots, schedule, rng)
    for slot in sorted(schedule):
        group = schedule[slot]
        rng.shuffle(group)
        when = session_time(day, slots[slot])
        yield when
        clock.advance(to=max(clock.now(), when))
        in_block = any(s <= slots[slot] < e for s, e in desk.rules.block.sessions)
        with engine.batch():
            for k, who in enumerate(group):
                if k and k % 2 == 0 and clock.now().second < 58:
                    clock.advance(seconds=1)
                who.act(desk, rng, in_block)
    if desk.block is not None and block_end is not None:
        when = session_time(day, block_end, -30)
        yield when
        clock.advance(to=max(clock.now(), when))
        with engine.batch():
            desk.block.close_session(c.agents, desk)
    when = session_time(day, max(e for _, e in tr.listing_sessions), 300)
    yield when
    clock.advance(to=max(clock.now(), when))
    run_end_of_day(engine)
    when = session_time(day, time(16, 0))
    yield when
    clock.advance(to=max(clock.now(), when))
    with engine.batch():
        for a in c.agents:
            a.after_close(desk)
    c.surrendered.append(sum(a.surrendered for a in c.agents))
