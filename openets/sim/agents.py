"""Compliance-driven trading agents: covered entities that trade toward their obligation.

Each entity knows its expected position, allocation − obligation. Short entities buy the gap on
a schedule ``(t / done)^k`` of the period (most volume in the last weeks: the deadline
effect), paying more the further they fall behind it; long entities sell part of their surplus
on a flatter schedule and never below their floor price; many long entities keep their surplus
(banking). Some entities also buy for the next cycle when the price is low ("bankers"), and a
few short ones hold out: they leave part of their gap unbought and end non-compliant, chosen so
that about ``holdout_ppm`` of all obligations stay unsurrendered (cycle 1: 99.5% compliance by
quantity, reference §8.4). Everyone surrenders what it owes by its own date before the deadline.

Trading uses the same commands as a person would: take a listing within the best five
(``TakeListing``), post one (``PostListing``), move it (``CancelListing`` then post), and for
needs of 100,000 t or more the block desk (:mod:`openets.sim.agent_block`) when the market has
block trading. Every number is an integer (fen, tonnes, ppm) and every draw comes from one
``random.Random``: a seed gives the same agents and the same journal everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from openets.clearing.funds import Deposit
from openets.registry.commands import Surrender
from openets.sim.agent_market import PPM, Desk, cover_ppm, scale
from openets.sim.agent_vintages import Carry, apply_carry, buy_desk, sell_desk, usable
from openets.sim.seed_market import EntityPosition
from openets.trading.book import Side
from openets.trading.commands import CancelListing, PostListing, TakeListing
from openets.trading.events import TradeExecuted

MIN_ORDER_T = 1_000
"""Below this a day's want waits for the next day (until the last days): entities trade in
lots, not a few tonnes a day."""

LATE_PPM = 850_000
"""From this share of the period on, sellers raise their prices toward the deadline."""


@dataclass(frozen=True, slots=True)
class AgentParams:
    """Calibration of the agents (ppm of a quantity or of the first day's reference price)."""

    holdout_ppm: int = 5_000
    """Obligations left unsurrendered by holdouts (cycle 1: 0.5%)."""
    buffer_ppm: tuple[int, int] = (0, 30_000)
    """Short entities buy their gap plus this much of it (a safety margin)."""
    hoarder_ppm: int = 650_000
    """Share of long entities that sell nothing."""
    sell_share_ppm: tuple[int, int] = (150_000, 700_000)
    """Share of its surplus a selling entity is willing to sell."""
    banker_ppm: int = 250_000
    """Share of the other entities that buy for the next cycle when the price is low."""
    bank_size_ppm: tuple[int, int] = (5_000, 30_000)
    """What a banker buys, as a share of its yearly emissions."""
    bank_price_ppm: tuple[int, int] = (800_000, 930_000)
    floor_ppm: tuple[int, int] = (850_000, 1_050_000)
    """Sellers' lowest price."""
    cap_ppm: tuple[int, int] = (1_050_000, 1_400_000)
    """Buyers' highest price until the last days (then they pay what it takes)."""
    opportunist_ppm: int = 300_000
    """Share of hoarders that sell everything once the price reaches their target."""
    opportunity_ppm: tuple[int, int] = (1_080_000, 1_250_000)
    max_premium_ppm: int = 60_000
    """How far above the previous close the most urgent buyer goes."""
    max_discount_ppm: int = 50_000
    late_markup_ppm: tuple[int, int] = (0, 40_000)
    patience_ppm: tuple[int, int] = (0, 25_000)
    tolerance_ppm: tuple[int, int] = (0, 15_000)
    cash_headroom_ppm: int = 1_300_000
    """Cash deposited at the start: need × reference × this."""
    rush_ppm: int = 500_000
    """Share of buyers (and bankers) that leave their buying to the deadline's last week."""
    early_ppm: int = 60_000
    """Share of buyers (and bankers) that spread their buying through the period (done between
    30 % and 75 % of it): the trades of the year's quiet months (whole percents)."""
    carried_ppm: tuple[int, int] = (0, 0)
    """Older vintages a long entity carries into a cycle that lists them (share of its yearly
    emissions, spread over the older listed vintages)."""
    carry_sell_ppm: tuple[int, int] = (0, 0)
    """Under a binding carry-over limit (2025 on): the share of its holding above the quota
    (10,000 t) a holder sells, whether or not it would otherwise trade."""
    carry_floor_ppm: tuple[int, int] = (700_000, 900_000)
    """Such a seller's lowest price (of the reference): it sells what is worth less to it."""
    block_discount_ppm: tuple[int, int] = (10_000, 40_000)
    """How far below the listing price an agent asks or bids in a block request."""


def _between(rng: random.Random, lo_hi: tuple[int, int]) -> int:
    lo, hi = lo_hi
    return lo + rng.randrange(hi - lo + 1)


def _done_ppm(
    rng: random.Random, rush_ppm: int = 500_000, early_ppm: int = 60_000
) -> tuple[int, int]:
    """When a buyer wants to be done and how late it leaves it (exponent): ``early_ppm`` of
    them spread it through the period, ``rush_ppm`` leave it to the last week."""
    r = rng.randrange(100)
    early = early_ppm // 10_000
    if r < early:  # early: through the period
        return _between(rng, (300_000, 750_000)), rng.choice((1, 1, 2))
    if r < max(early, 100 - rush_ppm // 10_000):  # about the 95% date two weeks before the deadline
        return _between(rng, (850_000, 960_000)), rng.choice((3, 4, 5, 6, 8, 10))
    return _between(rng, (960_000, 1_000_000)), rng.choice((3, 5, 8, 12))  # the last week


@dataclass(slots=True)
class ComplianceAgent:
    """A covered entity trading toward its compliance position."""

    entity_id: str
    allocation: int
    obligations: tuple[tuple[int, int], ...]
    buy_target: int = 0
    sell_target: int = 0
    bank_t: int = 0
    bank_price: int = 0
    opportunity_price: int = 0
    done_ppm: int = PPM
    exponent: int = 1
    patience_ppm: int = 0
    tolerance_ppm: int = 0
    cap_fen: int = 0
    floor_fen: int = 0
    surrender_ppm: int = PPM
    holdout: bool = False
    max_move_ppm: int = 50_000
    """How far from the previous close it goes when most urgent."""
    late_markup_ppm: int = 0
    """A seller's extra markup at the deadline, rising from ``LATE_PPM`` of the period."""
    account_id: str = ""
    bought: int = 0
    sold: int = 0
    surrendered: int = 0
    deposits: int = 0
    surrendered_by_year: dict[int, int] = field(default_factory=dict)
    old_surrendered: int = 0
    """Tonnes of older vintages surrendered (they count against the carry-over quota)."""
    carried: tuple[tuple[str, int], ...] = ()
    """Older vintages held at the start of the cycle: (vintage, tonnes)."""
    block_discount_ppm: int = 0
    block_minded: bool = False
    block_posted_day: int = -1_000
    """The trading day it last posted a block request of its own."""
    posted_day: int = -1_000
    """The trading day it last posted a listing."""
    filled_day: int = -1_000
    """The trading day one of its trades was last filled."""
    period_day: int = 0
    """Today's trading day (0-based), as of its plan."""
    """The trading day it last posted a block request of its own."""
    """Today it has a block's worth left to trade: it acts mostly in the block session."""
    open: dict[str, list[int]] = field(default_factory=dict)
    """Own listings: id -> [side, remaining, price]."""
    block_open: dict[str, list[int]] = field(default_factory=dict)
    """Own block requests and quotes: request id -> [side, quantity, price]."""

    @property
    def actor(self) -> str:
        return self.entity_id

    @property
    def obligation(self) -> int:
        return sum(q for _, q in self.obligations)

    @property
    def carried_t(self) -> int:
        return sum(q for _, q in self.carried)

    @property
    def net(self) -> int:
        return self.bought - self.sold

    def committed(self, side: Side) -> int:
        s = int(side)
        return sum(o[1] for o in self.open.values() if o[0] == s) + sum(
            o[1] for o in self.block_open.values() if o[0] == s
        )

    # --- what it wants -------------------------------------------------------------------
    def buy_goal(self, t_ppm: int) -> int:
        return scale(self.buy_target, cover_ppm(t_ppm, self.done_ppm, self.exponent))

    def sell_goal(self, t_ppm: int, prev_close: int) -> int:
        if self.opportunity_price and prev_close >= self.opportunity_price:
            return self.sell_target
        return scale(self.sell_target, cover_ppm(t_ppm, self.done_ppm, self.exponent))

    def urgency(self, desk: Desk) -> int:
        """0..PPM: how far behind its own schedule the agent is (PPM in the last days)."""
        p = desk.period
        if self.buy_target:
            behind = self.buy_goal(p.t_ppm) - self.net
            if behind > 0 and p.days_left <= 2:
                return PPM
            return min(PPM, max(0, behind) * 4 * PPM // self.buy_target)
        if self.sell_target:
            # sellers need not sell by the deadline (they may bank): never more than half urgent
            behind = self.sell_goal(p.t_ppm, desk.prev_close) + self.net
            return min(PPM // 2, max(0, behind) * PPM // self.sell_target)
        return 0

    def wants(self, desk: Desk) -> tuple[int, int]:
        """(tonnes to buy, tonnes to sell) still wanted today beyond what is already working."""
        t = desk.period.t_ppm
        buy = sell = 0
        if self.buy_target:
            buy = max(0, self.buy_goal(t) - self.net - self.committed(Side.BUY))
        if self.bank_t and desk.prev_close <= self.bank_price:
            # buying for later on its own schedule too (the deadline draws it in as well)
            goal = self.buy_goal(t) + scale(self.bank_t, cover_ppm(t, self.done_ppm, self.exponent))
            buy = max(buy, goal - self.net - self.committed(Side.BUY))
        if self.sell_target:
            sell = max(0, self.sell_goal(t, desk.prev_close) + self.net - self.committed(Side.SELL))
        return buy, sell

    def plan_day(self, desk: Desk) -> int:
        """Start of a trading day: forget yesterday's expired listings; how often to act."""
        self.open.clear()
        self.block_open.clear()
        self.period_day = desk.period.day
        buy, sell = self.wants(desk)
        need = max(buy, sell)
        if need <= 0 or (need < MIN_ORDER_T and desk.period.days_left > 2):
            return 0
        left = max(self.buy_target + self.bank_t - self.net, self.sell_target + self.net)
        self.block_minded = desk.block is not None and left >= desk.block.min_qty
        n = 1 + self.urgency(desk) * 2 // PPM
        if need >= desk.max_qty:
            n += 2
        return min(n, 5)

    # --- acting ---------------------------------------------------------------------------
    def act(self, desk: Desk, rng: random.Random, block_open: bool) -> None:
        buy, sell = self.wants(desk)
        if buy > 0:
            where, room = buy_desk(self, desk)
            if where is not None and room > 0:
                self._buy(where, rng, min(buy, room), block_open, room)
        elif sell > 0:
            where, free = sell_desk(self, desk)
            if where is not None and free > 0:
                self._sell(where, rng, min(sell, free), block_open, free)

    def limits(self, desk: Desk, side: Side) -> tuple[int, int]:
        """(take limit, posting price) for ``side`` from the previous close and urgency."""
        anchor = desk.prev_close
        move = scale(self.max_move_ppm, self.urgency(desk))
        if side is Side.BUY:
            limit = scale(anchor, PPM + move + self.tolerance_ppm)
            if desk.period.days_left > 2:
                limit = min(limit, self.cap_fen)
            post = min(limit, scale(anchor, PPM + move - self.patience_ppm))
            return min(limit, desk.high), desk.clamp(post)
        # sellers know the short must buy by the deadline: they ask more in the last stretch
        late = max(0, desk.period.t_ppm - LATE_PPM) * PPM // (PPM - LATE_PPM)
        markup = scale(self.late_markup_ppm, late)
        floor = max(self.floor_fen, desk.low)
        limit = max(floor, scale(anchor, PPM - move - self.tolerance_ppm + markup))
        post = max(limit, scale(anchor, PPM - move + self.patience_ppm + markup))
        return limit, desk.clamp(post)

    def _buy(self, desk: Desk, rng: random.Random, need: int, block_open: bool, room: int) -> None:
        limit, bid = self.limits(desk, Side.BUY)
        banking = self.bank_t and self.buy_goal(desk.period.t_ppm) <= self.net
        if banking:
            # only buying for the next cycle: at the banker's price or not at all
            limit, bid = min(limit, self.bank_price), min(bid, self.bank_price)
        if desk.block is not None and block_open:
            goal = self.buy_target + (self.bank_t if desk.prev_close <= self.bank_price else 0)
            cap = min(room, goal - self.net - self.committed(Side.BUY))
            need -= desk.block.trade(self, desk, Side.BUY, need, cap, limit, bid)
        for lst in desk.best(Side.SELL):
            if need <= 0 or lst.price > limit:
                break
            if lst.order_id in self.open:
                continue
            qty = self._affordable(desk, lst.price, min(need, lst.remaining))
            if qty <= 0:
                break
            if desk.broker.send(TakeListing(lst.order_id, self.account_id, qty), self.actor):
                need -= qty
        if need > 0:
            self._post(desk, Side.BUY, bid, need)

    def _sell(self, desk: Desk, rng: random.Random, want: int, block_open: bool, free: int) -> None:
        limit, ask = self.limits(desk, Side.SELL)
        if desk.block is not None and block_open:
            total = self.sell_goal(PPM, desk.prev_close) + self.net - self.committed(Side.SELL)
            want -= desk.block.trade(self, desk, Side.SELL, want, min(total, free), limit, ask)
        for lst in desk.best(Side.BUY):
            if want <= 0 or lst.price < limit:
                break
            if lst.order_id in self.open:
                continue
            qty = min(want, lst.remaining)
            if desk.broker.send(TakeListing(lst.order_id, self.account_id, qty), self.actor):
                want -= qty
        if want > 0:
            self._post(desk, Side.SELL, ask, want)

    def keep(self) -> int:
        """Allowances a seller keeps for its own surrender."""
        return max(0, self.obligation - self.surrendered)

    def _post(self, desk: Desk, side: Side, price: int, qty: int) -> None:
        s = int(side)
        tol = max(desk.tick, desk.prev_close // 200)
        for lid, (o_side, remaining, o_price) in list(self.open.items()):
            if o_side != s:
                continue
            if abs(o_price - price) < tol:
                return  # already working at about the right price
            if desk.broker.send(CancelListing(lid, self.account_id), self.actor):
                self.open.pop(lid, None)
                qty += remaining
        qty = min(qty, desk.max_qty)
        if not desk.low <= price <= desk.high:
            return  # a banker's price below today's band: nothing to post today
        if side is Side.BUY:
            qty = self._affordable(desk, price, qty)
        if qty <= 0:
            return
        ev = desk.broker.send(
            PostListing(self.account_id, desk.instrument, side, price, qty), self.actor
        )
        if ev:
            self.open[ev[-1].listing_id] = [s, qty, price]  # type: ignore[attr-defined]
            self.posted_day = desk.period.day

    def can_pay(self, desk: Desk, price: int, qty: int, method: str = "listing") -> bool:
        """Top up the fund account if needed; True if it can pay for ``qty`` at ``price``."""
        cost = desk.cost(price, qty, method)
        self._top_up(desk, cost)
        return desk.buying_power(self.account_id) >= cost

    def _top_up(self, desk: Desk, cost: int) -> None:
        power = desk.buying_power(self.account_id)
        if power < cost:
            self.deposits += 1
            top_up = cost - power + cost // 5
            ref = f"SIM-{self.entity_id}-{self.deposits}"
            desk.broker.send(Deposit(self.account_id, top_up, ref), self.actor)

    def _affordable(self, desk: Desk, price: int, qty: int) -> int:
        """Top up the fund account if needed (a real entity would); the quantity it can pay."""
        self._top_up(desk, desk.cost(price, qty))
        power = desk.buying_power(self.account_id)
        while qty > 0 and desk.cost(price, qty) > power:
            qty = qty * 99 // 100
        return qty

    # --- feedback and compliance -----------------------------------------------------------
    def on_trade(self, ev: TradeExecuted) -> None:
        self.filled_day = self.period_day
        if ev.buyer == self.account_id:
            self.bought += ev.quantity
        else:
            self.sold += ev.quantity
        o = self.open.get(ev.maker_id)
        if o is not None:
            o[1] -= ev.quantity
            if o[1] <= 0:
                del self.open[ev.maker_id]

    def after_close(self, desk: Desk) -> None:
        """After the day's settlement: surrender when covered and due, or on the last day."""
        owed = self.obligation - self.surrendered
        if owed <= 0:
            return
        p = desk.period
        if not p.last and p.t_ppm < self.surrender_ppm:
            return
        if desk.venue is None:
            holding = [(desk.product, desk.available(self.account_id))]
        else:
            holding = usable(self, desk)
        have = sum(q for _, q in holding)
        if have < owed and not (p.last or self.holdout):
            return
        qty = min(have, owed)
        if qty <= 0:
            return
        own = holding[0][0] if desk.venue is None else desk.venue.product
        for year, due in self.obligations:
            part = min(qty, due - self.surrendered_by_year.get(year, 0))
            if part <= 0:
                continue
            qty -= part
            items = []
            while part > 0 and holding:
                product, q = holding[0]
                use = min(q, part)
                items.append((product, use))
                part -= use
                if use == q:
                    holding.pop(0)
                else:
                    holding[0] = (product, q - use)
            cmd = Surrender(self.account_id, year, tuple(items))
            if desk.broker.send(cmd, self.actor):
                done = sum(q for _, q in items)
                self.surrendered += done
                self.old_surrendered += sum(q for p_, q in items if p_ != own)
                self.surrendered_by_year[year] = self.surrendered_by_year.get(year, 0) + done


def make_agents(
    positions: Sequence[EntityPosition],
    reference_fen: int,
    params: AgentParams,
    seed: int,
    carry: Carry = Carry(),
) -> list[ComplianceAgent]:
    """One agent per entity, its behaviour drawn from ``random.Random`` of the seed."""
    rng = random.Random(f"openets-sim-agents/{seed}")
    carry_rng = random.Random(f"openets-sim-carry/{seed}")
    agents = []
    for pos in positions:
        a = ComplianceAgent(pos.entity.entity_id, pos.allocation_t, pos.obligations)
        gap = pos.gap_t
        a.block_discount_ppm = _between(carry_rng, params.block_discount_ppm)
        a.done_ppm, a.exponent = _done_ppm(rng, params.rush_ppm, params.early_ppm)
        a.patience_ppm = _between(rng, params.patience_ppm)
        a.tolerance_ppm = _between(rng, params.tolerance_ppm)
        a.max_move_ppm = params.max_premium_ppm if gap > 0 else params.max_discount_ppm
        a.cap_fen = scale(reference_fen, _between(rng, params.cap_ppm))
        a.floor_fen = scale(reference_fen, _between(rng, params.floor_ppm))
        # 95% of entities by about two weeks before the deadline (cycle 1: 12-15, §8.2)
        late = rng.randrange(100) < 8
        a.surrender_ppm = _between(rng, (930_000, PPM) if late else (780_000, 920_000))
        yearly = pos.emissions_t // max(1, len(pos.obligations))
        if gap > 0:
            a.buy_target = gap + scale(gap, _between(rng, params.buffer_ppm))
        elif gap < 0 and rng.randrange(PPM) >= params.hoarder_ppm:
            a.sell_target = scale(-gap, _between(rng, params.sell_share_ppm))
            a.late_markup_ppm = _between(rng, params.late_markup_ppm)
            a.done_ppm, a.exponent = _between(rng, (500_000, 1_000_000)), rng.choice((1, 1, 2))
        elif gap < 0 and rng.randrange(PPM) < params.opportunist_ppm:
            a.sell_target = -gap
            a.done_ppm, a.exponent = PPM, 30
            a.opportunity_price = scale(reference_fen, _between(rng, params.opportunity_ppm))
            a.late_markup_ppm = _between(rng, params.late_markup_ppm)
        apply_carry(a, pos, carry, params, reference_fen, carry_rng)
        if not a.sell_target and rng.randrange(PPM) < params.banker_ppm:
            a.bank_t = scale(yearly, _between(rng, params.bank_size_ppm))
            a.bank_price = scale(reference_fen, _between(rng, params.bank_price_ppm))
        agents.append(a)
    _choose_holdouts(agents, params, rng)
    return agents


def _choose_holdouts(
    agents: list[ComplianceAgent], params: AgentParams, rng: random.Random
) -> None:
    """Short entities, in a seeded order, leave part of their gap unbought until the
    unbought total reaches ``holdout_ppm`` of all obligations."""
    target = scale(sum(a.obligation for a in agents), params.holdout_ppm)
    short = [a for a in agents if a.buy_target > 0]
    rng.shuffle(short)
    left = target
    for a in short:
        if left <= 0:
            break
        gap = a.obligation - a.allocation
        unbought = min(left, scale(gap, _between(rng, (500_000, PPM))))
        a.buy_target = max(0, gap - unbought)  # no safety margin either
        a.holdout = True
        left -= unbought


def cash_plan(
    agents: Sequence[ComplianceAgent], reference_fen: int, params: AgentParams
) -> dict[str, int]:
    """Cash each entity deposits at the start: what it plans to buy, with headroom."""
    out = {}
    for a in agents:
        need = a.buy_target + a.bank_t
        if need:
            out[a.entity_id] = scale(need * reference_fen, params.cash_headroom_ppm)
    return out
