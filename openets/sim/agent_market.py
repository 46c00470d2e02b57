"""What every simulated participant shares: the period, the broker, and the public market view.

Agents never touch the state directly to change it: every change is a command sent through
:class:`Broker` to the engine, exactly as the API would send it, and may be refused. What they
read is what a participant may see: the instrument's previous close and today's band, the
best five levels of listings (the anonymous list a taker picks from), their own balances.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from openets.domain.messages import Command, Event
from openets.domain.rejection import Rejection
from openets.engine.core import Engine
from openets.presets import MarketRules
from openets.trading.bands import price_band
from openets.trading.book import OrderBook, RestingOrder, Side

PPM = 1_000_000


def scale(value: int, ppm: int) -> int:
    """``value × ppm / 10^6``, rounded half-up (integers only: the same on every machine)."""
    return (value * ppm + PPM // 2) // PPM


def cover_ppm(t_ppm: int, done_ppm: int, exponent: int) -> int:
    """Share (ppm) of a goal an agent wants reached by time ``t``: ``(t / done)^exponent``.

    A large exponent leaves almost everything to the last weeks: the deadline effect.
    """
    if t_ppm >= done_ppm:
        return PPM
    x = t_ppm * PPM // done_ppm
    out = PPM
    for _ in range(exponent):
        out = out * x // PPM
    return out


@dataclass(slots=True)
class Period:
    """Where the simulation stands: trading day ``day`` (0-based) of ``days``."""

    day: int = 0
    days: int = 1

    @property
    def t_ppm(self) -> int:
        """The share of the period elapsed at the end of today."""
        return (self.day + 1) * PPM // self.days

    @property
    def days_left(self) -> int:
        """Trading days after today."""
        return self.days - 1 - self.day

    @property
    def last(self) -> bool:
        return self.day >= self.days - 1


@dataclass(slots=True)
class Broker:
    """Sends commands to the engine for an actor; counts what was refused and why."""

    engine: Engine
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def send(self, cmd: Command, actor: str) -> tuple[Event, ...] | None:
        r = self.engine.submit(cmd, actor)
        if isinstance(r, Rejection):
            self.rejected[r.code.value] += 1
            return None
        self.accepted += 1
        return r


@dataclass(slots=True)
class Desk:
    """The public view of one instrument, refreshed at the start of each trading day."""

    engine: Engine
    broker: Broker
    rules: MarketRules
    instrument: str
    product: str
    period: Period = field(default_factory=Period)
    prev_close: int = 0
    low: int = 0
    high: int = 0
    block_low: int = 0
    block_high: int = 0
    block: Any = None
    """The block desk (:class:`openets.sim.agent_block.BlockDesk`), or None: listings only."""
    venue: Venue | None = None
    """Every listed vintage's desk when the cycle trades several (None: this one only)."""

    def __post_init__(self) -> None:
        self.refresh()

    @property
    def book(self) -> OrderBook[str]:
        book: OrderBook[str] = self.engine.state.trading.books[self.instrument]
        return book

    @property
    def tick(self) -> int:
        return self.rules.trading.tick_fen

    @property
    def max_qty(self) -> int:
        return self.rules.trading.listing_max_qty or 10**9

    def refresh(self) -> None:
        """Today's previous close and bands (fixed for the day)."""
        inst = self.engine.state.trading.instruments[self.instrument]
        self.prev_close = inst.prev_close
        tr = self.rules.trading
        if tr.listing_band_bps is None:
            self.low, self.high = tr.tick_fen, 10**12
        else:
            self.low, self.high = price_band(inst.prev_close, tr.listing_band_bps, tr.tick_fen)
        block_bps = self.rules.block.band_bps
        if block_bps is None:
            self.block_low, self.block_high = tr.tick_fen, 10**12
        else:
            self.block_low, self.block_high = price_band(inst.prev_close, block_bps, tr.tick_fen)

    def clamp(self, price: int) -> int:
        tick = self.tick
        price = price // tick * tick
        return max(self.low, min(self.high, price))

    def best(self, side: Side) -> tuple[RestingOrder[str], ...]:
        """The listings a taker may pick from on ``side``, best level first."""
        return self.book.orders_in_best(side, self.rules.trading.best_levels)

    def buying_power(self, account_id: str) -> int:
        return self.engine.state.funds.buying_power(account_id)

    def cost(self, price: int, qty: int, method: str = "listing") -> int:
        """What buying ``qty`` at ``price`` may lock: notional plus the fee bound."""
        notional = price * qty
        return notional + self.rules.fees.rate(method, "buy").fee_bound(notional)

    def available(self, account_id: str) -> int:
        return self.engine.state.registry.available(account_id, self.product)


@dataclass(slots=True)
class Venue:
    """The desks of every listed vintage (in listing order), the cycle's own vintage (what its
    allocation issued) and the carry-over quota that binds old vintages, if any."""

    desks: dict[str, Desk]
    product: str
    old_quota_t: int | None = None
    """Tonnes of old vintages (up to CEA24) an entity may surrender for the cycle's
    obligations (10,000 t + 1.5 × net sales: the simulated entities have no 2019-2024 sales,
    so 10,000 t); None: every listed vintage serves the obligations in full."""

    def primary(self) -> Desk:
        """The cycle's own vintage once it is listed, the latest listed vintage before."""
        own = self.desks.get(self.product)
        return own if own is not None else list(self.desks.values())[-1]

    def old(self) -> list[Desk]:
        """The listed vintages other than the cycle's own."""
        return [d for code, d in self.desks.items() if code != self.product]
