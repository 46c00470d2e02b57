"""A simulation run's configuration and its result: what ``run_simulation`` is asked and what it
returns (kept apart so the reports, the sweeps and the CLI read them without the run itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openets.presets import MarketRules, preset
from openets.rule_overrides import apply_overrides, decode
from openets.sim.agents import AgentParams
from openets.sim.penalties import Penalties
from openets.sim.seed_market import (
    Cycle,
)
from openets.supervision.reserve_messages import ReserveRuleApplied
from openets.trading.events import DayClosed

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
