"""A pilot paid auction inside a simulated cycle (the demo shows one): Shanghai 2024 style.

On the cycle's ``day``-th trading day (or the first one after it whose six months before hold a
listing trade: the preset's floor needs their average) the exchange announces, for the
registry's auction account, a paid auction under a pilot preset
(:mod:`openets.trading.pilot_auction`): the floor 1.2 × the six-month listing average, bids
ranked by price then time, covered entities only, 09:30-11:30. The registry issues the volume
to the auction account first (paid allocation sells the government's allowances). Covered
entities that still need allowances and whose highest price reaches the floor bid once, in
the first minutes of the window; the exchange closes the auction after 11:30. Every step is
an ordinary command, so the auction is on the auctions page and in the journal like any other.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SystemRole
from openets.sim.agent_market import Desk
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, CloseAuction, PlaceBid
from openets.trading.book import Side
from openets.trading.pilot_auction import PAID_AUCTION_PRESETS

if TYPE_CHECKING:
    from openets.sim.agents import ComplianceAgent

EXCHANGE = "exchange-operator"
REGISTRY = "registry-operator"
BID_AT = time(9, 40)
CLOSE_AT = time(13, 0)
"""The first session minute after the preset's window (09:30-11:30) closes."""


@dataclass
class PaidAuction:
    """The simulator's pilot paid auction: announced once, bid by the agents, closed."""

    preset: str
    day: int
    quantity_t: int
    auction_id: str = ""
    closed: bool = False
    bids: int = 0

    def due(self, i: int) -> bool:
        return not self.auction_id and i >= self.day

    def announce(self, engine: object, desk: Desk) -> bool:
        """Issue the volume to the auction account and announce; False when the preset
        refuses (no listing trade yet in its look-back months: try again tomorrow)."""
        preset = PAID_AUCTION_PRESETS[self.preset]
        state = engine.state  # type: ignore[attr-defined]
        gov = state.registry.system_account(SystemRole.AUCTION)
        cmd = AnnounceAuction(
            gov, AuctionSide.SELL, desk.instrument, self.quantity_t, None, "",
            tie_break=preset.tie_break, min_cover_bps=0, preset=self.preset,
        )  # fmt: skip
        have = state.registry.available(gov, desk.product)
        if have < self.quantity_t:
            why = f"paid allocation ({self.preset})"
            issue = rc.Issue(gov, desk.product, self.quantity_t - have, why)
            r = engine.submit(issue, REGISTRY)  # type: ignore[attr-defined]
            if isinstance(r, Rejection):
                raise RuntimeError(f"paid auction: issuing its volume refused: {r.message}")
        r = engine.submit(cmd, EXCHANGE)  # type: ignore[attr-defined]
        if isinstance(r, Rejection):
            return False
        self.auction_id = r[-1].spec.auction_id
        return True

    def bid(self, agents: Sequence[ComplianceAgent], desk: Desk) -> None:
        """Each agent that still needs allowances and would pay the floor bids once."""
        state = desk.engine.state
        record = state.auction.auctions.get(self.auction_id)
        if record is None or record.status != "open" or record.spec.instrument != desk.instrument:
            return
        floor = record.spec.reserve_price or 0
        for a in agents:
            buy, _ = a.wants(desk)
            if buy <= 0:
                continue
            limit, _ = a.limits(desk, Side.BUY)
            if limit < floor or not a.can_pay(desk, limit, buy, "auction"):
                continue
            if desk.broker.send(PlaceBid(self.auction_id, a.account_id, limit, buy), a.actor):
                self.bids += 1

    def close(self, desk: Desk) -> None:
        record = desk.engine.state.auction.auctions.get(self.auction_id)
        self.closed = True
        if record is not None and record.status == "open":
            desk.broker.send(CloseAuction(self.auction_id), EXCHANGE)


@dataclass
class AuctionStep:
    """The auction's moves as a participant of the day's schedule (at 09:40 and 13:00)."""

    auction: PaidAuction
    agents: Sequence[ComplianceAgent]

    def act(self, desk: Desk, rng: random.Random, block_open: bool) -> None:
        now = desk.engine.clock.now()
        if now.astimezone(desk.rules.calendar.tz).time() >= CLOSE_AT:
            self.auction.close(desk)
        else:
            self.auction.bid(self.agents, desk)
