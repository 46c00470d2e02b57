"""The cast of a simulated cycle: the seeded market on an engine, the agents and market makers
with their accounts, the desks of the listed vintages, the trade feed and the pilot auction.

Kept apart from the day's steps (:mod:`openets.sim.simulate`) because the demo casts a market
that it then drives live, step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from openets.compliance.plans import carry_over_for, get_plan
from openets.domain.clock import BEIJING, SimulatedClock
from openets.domain.messages import Event
from openets.domain.products import ProductCode, vintage_years
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SystemRole
from openets.sim.agent_block import BlockDesk, block_trading_available
from openets.sim.agent_makers import MarketMaker, make_makers
from openets.sim.agent_market import Broker, Desk, Period, Venue
from openets.sim.agent_vintages import Carry
from openets.sim.agents import ComplianceAgent, cash_plan, make_agents
from openets.sim.calibration import calibrated
from openets.sim.paid_auction import PaidAuction
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
from openets.sim.sim_types import SimConfig, TradeRow, config_rules
from openets.trading.commands import ListDueVintages
from openets.trading.events import CompositeClosed, DayClosed, TradeExecuted
from openets.trading.pilot_auction import PAID_AUCTION_PRESETS
from openets.trading.rules import Matching

ROSTER_2025 = 3378
"""Entities of the 2025 roster: a pilot auction's volume is scaled to the simulated market."""


def session_time(day: date, t: time, seconds: int = 0) -> datetime:
    return datetime.combine(day, t, BEIJING) + timedelta(seconds=seconds)


class Feed:
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
    feed: Feed
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
        instruments = engine.state.trading.instruments
        # the cycle's vintage may list later in the year: the newest listed one until then
        code = seeded.instrument if seeded.instrument in instruments else listed[-1]
        product = instruments[code].product
        issue = rc.Issue(reserve, product, config.reserve_t, "stability reserve")
        r = engine.submit(issue, REGISTRY_ACTOR)
        if isinstance(r, Rejection):
            raise ValueError(f"reserve_t: {r.message}")
    feed = Feed(seeded.instrument)
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
