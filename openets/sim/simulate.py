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
"""

from __future__ import annotations

import random
import time as _time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from openets.bootstrap import open_market
from openets.compliance.plans import carry_over_for, get_plan
from openets.compliance.state import ComplianceState
from openets.domain.clock import BEIJING, SimulatedClock
from openets.domain.messages import Event
from openets.domain.products import ProductCode, vintage_years
from openets.domain.rejection import Rejection
from openets.ops.eod import run_end_of_day
from openets.presets import MarketRules, preset
from openets.registry import commands as rc
from openets.registry.model import SystemRole
from openets.rule_overrides import apply_overrides, decode
from openets.sim.agent_block import BlockDesk, block_trading_available
from openets.sim.agent_makers import MarketMaker, make_makers
from openets.sim.agent_market import Broker, Desk, Period, Venue
from openets.sim.agent_vintages import Carry
from openets.sim.agents import AgentParams, ComplianceAgent, cash_plan, make_agents
from openets.sim.calibration import calibrated
from openets.sim.paid_auction import BID_AT, CLOSE_AT, AuctionStep, PaidAuction
from openets.sim.penalties import Penalties, apply_carry_over, assess_penalties, penalties_of
from openets.sim.seed_market import (
    EXCHANGE_ACTOR,
    REGISTRY_ACTOR,
    Cycle,
    cycle_for,
    cycle_positions,
    open_institutions,
    opening_vintages,
    seed_market,
)
from openets.supervision.reserve_messages import ReserveRuleApplied
from openets.trading.commands import ListDueVintages
from openets.trading.events import CompositeClosed, DayClosed, TradeExecuted
from openets.trading.pilot_auction import PAID_AUCTION_PRESETS
from openets.trading.rules import Matching

Progress = Callable[[int, int], None]
ROSTER_2025 = 3378
"""Entities of the 2025 roster: a pilot auction's volume is scaled to the simulated market."""
TradeRow = tuple[str, str, int, int, str]
"""(trading day, method, price fen, quantity t, ISO time)."""


@dataclass(frozen=True, slots=True)
class SimConfig:
    entities: int = 2162
    year: int = 2021
    seed: int = 1
    preset: str = "cn"
    days: int | None = None
    """Only the first ``days`` trading days (the agents' deadline moves with it)."""
    db_url: str | None = None
    """None: an in-memory journal (fast); a SQLAlchemy URL writes the journal there."""
    makers: int = 0
    """Institutions that make markets (optional; cycle 1 had none)."""
    block: bool = True
    """Use block trading for needs of 100,000 t and more when the engine has it."""
    paid_auction: str = ""
    """A pilot paid-auction preset (``shanghai-2024``) the exchange runs once in the cycle, from
    its ``paid_auction_day``-th trading day (0-based) on; '' none."""
    paid_auction_day: int = 2
    desk_entities: int = 0
    """The first ``desk_entities`` entities get accounts but no compliance steps: the demo
    leaves their cycle to its roles."""
    params: AgentParams = field(default_factory=AgentParams)
    reserve_t: int = 0
    """Allowances of the cycle's vintage in the reserve account at the start (for a market with
    a band reserve or price containment tiers to release)."""
    rules: tuple[tuple[str, str], ...] = ()
    """Rule-by-rule changes to the preset (dotted path, value as JSON), fixed with the market's
    preset at its start (:mod:`openets.rule_overrides`)."""


def config_rules(config: SimConfig) -> MarketRules:
    """The market rules of a run: the preset with the config's changes."""
    return apply_overrides(preset(config.preset), decode(config.rules))


@dataclass(frozen=True, slots=True)
class EntityOutcome:
    entity_id: str
    account_id: str
    obligation_t: int
    surrendered_t: int
    bought_t: int
    sold_t: int

    @property
    def shortfall_t(self) -> int:
        return max(0, self.obligation_t - self.surrendered_t)


@dataclass
class SimResult:
    config: SimConfig
    cycle: Cycle
    instrument: str
    days: tuple[date, ...]
    trades: list[TradeRow]
    bars: list[DayClosed]
    """The daily bars of the market's price: the cycle's instrument, or the composite
    (``COMCEA``, the same fields) when several vintages trade."""
    outcomes: list[EntityOutcome]
    penalties: Penalties
    seconds: float
    events: int
    commands: int
    rejections: dict[str, int]
    state_hash: str
    journal_hash: str
    violations: list[str]
    totals: dict[str, int]
    """allocation_t, obligation_t, gap_t (short entities), surplus_t (long entities)."""
    surrendered: list[int]
    """Cumulative tonnes surrendered at the end of each trading day."""
    vintage_volume: dict[str, int] = field(default_factory=dict)
    """Tonnes traded per vintage (instrument)."""
    reserve_actions: tuple[ReserveRuleApplied, ...] = ()
    """Every stability mechanism the market applied, in order (the end of day's band step)."""

    @property
    def compliance_ppm(self) -> int:
        """Surrendered / obligations, by quantity (ppm)."""
        due = sum(o.obligation_t for o in self.outcomes)
        done = sum(min(o.surrendered_t, o.obligation_t) for o in self.outcomes)
        return done * 1_000_000 // due if due else 1_000_000

    @property
    def compliant_entities(self) -> int:
        return sum(1 for o in self.outcomes if o.shortfall_t == 0)


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


def session_time(day: date, t: time, seconds: int = 0) -> datetime:
    return datetime.combine(day, t, BEIJING) + timedelta(seconds=seconds)


class _Feed:
    """The engine subscriber: trades to their agents and to the record, daily bars (of the
    cycle's instrument, and of the composite when several vintages trade)."""

    def __init__(self, instrument: str) -> None:
        self.instrument = instrument
        self.trades: list[TradeRow] = []
        self.bars: list[DayClosed] = []
        self.composite: list[CompositeClosed] = []
        self.by_vintage: dict[str, int] = {}
        self.owners: dict[str, ComplianceAgent | MarketMaker] = {}

    def __call__(self, records: Sequence[Any], events: Sequence[Event]) -> None:
        for ev in events:
            kind = type(ev)
            if kind is TradeExecuted:
                t: TradeExecuted = ev  # type: ignore[assignment]
                self.trades.append((t.time[:10], t.method, t.price, t.quantity, t.time))
                self.by_vintage[t.instrument] = self.by_vintage.get(t.instrument, 0) + t.quantity
                for acct in (t.buyer, t.seller):
                    owner = self.owners.get(acct)
                    if owner is not None:
                        owner.on_trade(t)
            elif kind is DayClosed and ev.instrument == self.instrument:  # type: ignore[attr-defined]
                self.bars.append(ev)  # type: ignore[arg-type]
            elif kind is CompositeClosed:
                self.composite.append(ev)  # type: ignore[arg-type]


@dataclass
class Cast:
    """Everything a running cycle needs: the seeded market's desk, agents, days, the feed."""

    config: SimConfig
    cycle: Cycle
    engine: Any
    clock: SimulatedClock
    desk: Desk
    agents: list[ComplianceAgent]
    makers: list[MarketMaker]
    days: tuple[date, ...]
    feed: _Feed
    broker: Broker
    positions: Any
    surrendered: list[int] = field(default_factory=list)
    venue: Venue | None = None
    """Every listed vintage's desk when the cycle trades several (None: one instrument)."""
    paid_auction: PaidAuction | None = None


def cycle_days(config: SimConfig) -> tuple[date, ...]:
    cycle = cycle_for(config.year)
    days = config_rules(config).calendar.trading_days(cycle.first_day, cycle.deadline)
    if config.days is not None:
        if config.days < 1:
            raise ValueError(f"days must be at least 1, was {config.days}")
        days = days[: config.days]
    return tuple(days)


def cast(config: SimConfig, engine: Any, clock: SimulatedClock) -> Cast:
    """Seed the market on ``engine`` (through ordinary commands) and make its agents."""
    cycle = cycle_for(config.year)
    rules = engine.state.rules
    if rules.trading.matching is not Matching.LISTING:
        raise ValueError(
            f"the agents trade by listing agreement; preset {config.preset!r} matches "
            "continuously (use cn or cn-demo)"
        )
    params = calibrated(config.params, cycle.trading_year)
    positions = cycle_positions(cycle, config.entities, config.seed)
    days = cycle_days(config)
    listed = opening_vintages(rules.vintages, cycle)
    several = len(listed) > 1 or bool(rules.vintages.due(days[-1], listed))
    carry = _carry(cycle, listed) if several else Carry()
    agents = make_agents(positions, cycle.reference_fen, params, config.seed, carry)
    held = {p.entity.entity_id for p in positions[: config.desk_entities]}
    banks = {a.entity_id: a.carried for a in agents if a.carried}
    cash = cash_plan(agents, cycle.reference_fen, params)
    seeded = seed_market(engine, cycle, positions, cash, held, banks)
    if config.reserve_t:
        reserve = engine.state.registry.required_system_account(SystemRole.RESERVE)
        product = engine.state.trading.instruments[seeded.instrument].product
        issue = rc.Issue(reserve, product, config.reserve_t, "stability reserve")
        r = engine.submit(issue, REGISTRY_ACTOR)
        if isinstance(r, Rejection):
            raise ValueError(f"reserve_t: {r.message}")
    feed = _Feed(seeded.instrument)
    for a in agents:
        a.account_id = seeded.accounts[a.entity_id]
        feed.owners[a.account_id] = a
    makers = make_makers(config.makers, cycle.reference_fen, config.seed)
    if makers:
        accounts = open_institutions(engine, len(makers), makers[0].cash_fen, config.seed)
        for m, acct in zip(makers, accounts.values(), strict=True):
            m.account_id = acct
            feed.owners[acct] = m
    engine.subscribers.append(feed)
    broker = Broker(engine)
    block = None
    if config.block and block_trading_available(engine):
        block = BlockDesk(engine, rules.block.min_qty)
        engine.subscribers.append(block.on_events)
    period = Period(0, len(days))
    venue = None
    if several:
        venue = Venue({}, cycle.product, _old_quota(cycle))
        for code in listed:
            _add_desk(venue, Desk(engine, broker, rules, code, code, period, block=block))
        desk = venue.primary()
    else:
        desk = Desk(engine, broker, rules, seeded.instrument, seeded.instrument, period)
        desk.block = block
    auction = None
    if config.paid_auction:
        if config.paid_auction not in PAID_AUCTION_PRESETS:
            known = ", ".join(sorted(PAID_AUCTION_PRESETS))
            raise ValueError(f"paid_auction must be one of {known}, was {config.paid_auction!r}")
        qty = PAID_AUCTION_PRESETS[config.paid_auction].quantity_t * len(agents) // ROSTER_2025
        auction = PaidAuction(config.paid_auction, config.paid_auction_day, max(1, qty))
    return Cast(
        config, cycle, engine, clock, desk, agents, makers, days, feed, broker, positions,
        venue=venue, paid_auction=auction,
    )  # fmt: skip


def _add_desk(venue: Venue, desk: Desk) -> None:
    desk.venue = venue
    venue.desks[desk.instrument] = desk


def _old_quota(cycle: Cycle) -> int | None:
    """The carry-over quota that limits older vintages in this cycle's surrenders, if any."""
    rules = [carry_over_for(y) for y in cycle.years]
    rule = next((r for r in rules if r is not None), None)
    return None if rule is None else rule.base_t


def _carry(cycle: Cycle, listed: Sequence[str]) -> Carry:
    """The older vintages long entities carry in, and the carry-over limit on their holders."""
    old = tuple(v for v in listed if v != cycle.product)
    plan = get_plan(cycle.plans[-1][1])
    rule = plan.carry_over if plan is not None else None
    if rule is None or not cycle.carry_over_binds:
        return Carry(old)
    own_years = vintage_years(ProductCode(cycle.product))
    own_is_old = bool(own_years) and max(own_years) <= rule.last_vintage_year
    return Carry(old, rule.base_t, own_is_old)


def list_due_vintages(c: Cast) -> None:
    """At the day's start the exchange lists the vintages whose date has come (at the
    composite's last close) and the agents get a desk for each."""
    venue = c.venue
    if venue is None:
        return
    st = c.engine.state
    if not st.rules.vintages.due(c.clock.now().date(), list(st.trading.instruments)):
        return
    r = c.engine.submit(ListDueVintages(), EXCHANGE_ACTOR)
    if isinstance(r, Rejection):
        raise RuntimeError(f"listing the due vintages refused: {r.message}")
    proto = c.desk
    for ev in r:
        code = ev.code
        _add_desk(
            venue,
            Desk(c.engine, c.broker, proto.rules, code, code, proto.period, block=proto.block),
        )
    c.desk = venue.primary()


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
