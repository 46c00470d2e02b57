"""Institutions that make markets (optional agents: cycle 1 admitted covered entities only).

A market maker posts a buy and a sell listing around the previous close, leaning its prices
against its inventory, and moves them a few times a day (``CancelListing`` then
``PostListing``). It starts with cash only; what it buys it can sell from the next trading day
(allowances are delivered at settlement, T+1).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from openets.sim.agent_market import PPM, Desk, scale
from openets.trading.book import Side
from openets.trading.commands import CancelListing, PostListing
from openets.trading.events import TradeExecuted


@dataclass(slots=True)
class MarketMaker:
    maker_id: str
    cash_fen: int
    spread_ppm: int
    size_t: int
    max_inventory_t: int
    account_id: str = ""
    bought: int = 0
    sold: int = 0
    open: dict[str, int] = field(default_factory=dict)
    """Own listings: id -> side."""

    @property
    def actor(self) -> str:
        return self.maker_id

    def plan_day(self, desk: Desk) -> int:
        self.open.clear()
        return 6

    def act(self, desk: Desk, rng: random.Random, block_open: bool) -> None:
        book = desk.book
        for lid in list(self.open):
            if lid in book:  # not taken in full meanwhile
                desk.broker.send(CancelListing(lid, self.account_id), self.actor)
            del self.open[lid]
        inventory = self.bought - self.sold
        lean = scale(self.spread_ppm, inventory * PPM // max(1, self.max_inventory_t))
        half = self.spread_ppm // 2
        bid = desk.clamp(scale(desk.prev_close, PPM - half - lean))
        ask = desk.clamp(scale(desk.prev_close, PPM + half - lean))
        if inventory < self.max_inventory_t:
            qty = min(self.size_t, self.max_inventory_t - inventory)
            if desk.cost(bid, qty) <= desk.buying_power(self.account_id):
                self._post(desk, Side.BUY, bid, qty)
        qty = min(self.size_t, desk.available(self.account_id))
        if qty > 0 and ask > bid:
            self._post(desk, Side.SELL, ask, qty)

    def _post(self, desk: Desk, side: Side, price: int, qty: int) -> None:
        cmd = PostListing(self.account_id, desk.instrument, side, price, qty)
        ev = desk.broker.send(cmd, self.actor)
        if ev:
            self.open[ev[-1].listing_id] = int(side)  # type: ignore[attr-defined]

    def on_trade(self, ev: TradeExecuted) -> None:
        if ev.buyer == self.account_id:
            self.bought += ev.quantity
        else:
            self.sold += ev.quantity


def make_makers(count: int, reference_fen: int, seed: int) -> list[MarketMaker]:
    """``count`` market makers with seeded spreads and sizes."""
    rng = random.Random(f"openets-sim-makers/{seed}")
    out = []
    for i in range(1, count + 1):
        size = 5_000 + rng.randrange(20) * 1_000
        out.append(
            MarketMaker(
                maker_id=f"I{i:03d}",
                cash_fen=reference_fen * size * 20,
                spread_ppm=10_000 + rng.randrange(20_001),
                size_t=size,
                max_inventory_t=size * 10,
            )
        )
    return out
