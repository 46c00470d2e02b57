"""Which vintage an agent trades and surrenders when the market lists several.

From August 2023 the market lists a vintage per year (CEA19-20, CEA21, CEA22, … §13), each its
own instrument. An entity's allocation of the cycle comes as the cycle's own vintage; a long
entity may also hold older vintages carried from earlier cycles. What each may do with them:

- **surrender**: the cycle's own vintage first, then older ones. For the obligations of 2025 on
  the older vintages (up to CEA24) count only within the carry-over quota (10,000 t + 1.5 × net
  sales 2019-2024, §7.4 and §13); before, every listed vintage serves in full;
- **sell**: what it does not keep for its own surrender, older vintages first when the
  carry-over limit makes them worth less to their holder than to a buyer (§13: holders of more
  than 10,000 t surplus sold);
- **buy**: the listed vintage it can use with the cheapest offer on the screen (under the
  carry-over limit offers within 1% of the previous close of each other alike, each agent its
  own turn among them; without any offer, by the previous close: its own first, else each
  its own turn among the older),
  older ones only within what its quota leaves.

Every function reads the public view (:class:`~openets.sim.agent_market.Desk`) and the agent's
own balances; nothing here changes the market.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openets.sim.agent_market import Desk, Venue, scale
from openets.trading.book import Side

if TYPE_CHECKING:
    from openets.sim.agents import AgentParams, ComplianceAgent
    from openets.sim.seed_market import EntityPosition

UNLIMITED = 10**15


@dataclass(frozen=True, slots=True)
class Carry:
    """What a cycle's agents carry in and what the carry-over limit does to them."""

    old_vintages: tuple[str, ...] = ()
    """Older vintages listed at the cycle's start (long entities carry some of them)."""
    quota_t: int | None = None
    """The carry-over quota when it binds this cycle's holders (10,000 t; None: it does not)."""
    own_is_old: bool = False
    """The cycle's own vintage falls under the limit too (CEA24 in 2025)."""


def between(rng: random.Random, lo_hi: tuple[int, int]) -> int:
    lo, hi = lo_hi
    return lo + rng.randrange(hi - lo + 1)


def apply_carry(
    a: ComplianceAgent,
    pos: EntityPosition,
    carry: Carry,
    params: AgentParams,
    reference_fen: int,
    rng: random.Random,
) -> None:
    """Older vintages a long entity carries in, and its carry-over selling: under a binding
    limit a holder of more than the quota sells part of the excess, at a lower floor."""
    surplus = max(0, -pos.gap_t)
    if surplus == 0:
        return
    yearly = pos.emissions_t // max(1, len(pos.obligations))
    if carry.old_vintages and params.carried_ppm[1] > 0:
        qty = scale(yearly, between(rng, params.carried_ppm))
        if qty > 0:
            a.carried = ((carry.old_vintages[rng.randrange(len(carry.old_vintages))], qty),)
    if carry.quota_t is None:
        a.sell_target = min(surplus + a.carried_t, a.sell_target + scale(a.carried_t, 500_000))
        return
    old = a.carried_t + (surplus if carry.own_is_old else 0)
    excess = old - carry.quota_t
    if excess <= 0 or params.carry_sell_ppm[1] == 0:
        return
    want = scale(excess, between(rng, params.carry_sell_ppm))
    if want > a.sell_target:
        a.sell_target = want
        a.opportunity_price = 0
        a.floor_fen = scale(reference_fen, between(rng, params.carry_floor_ppm))
        a.done_ppm, a.exponent = between(rng, (400_000, 1_000_000)), rng.choice((1, 1, 2))


def _available(desk: Desk, account_id: str, product: str) -> int:
    return desk.engine.state.registry.available(account_id, product)


def old_room(agent: ComplianceAgent, venue: Venue) -> int:
    """Tonnes of older vintages the agent may still surrender (its quota left)."""
    if venue.old_quota_t is None:
        return UNLIMITED
    return max(0, venue.old_quota_t - agent.old_surrendered)


def keep_and_free(agent: ComplianceAgent, desk: Desk) -> dict[str, int]:
    """Per product the agent holds: tonnes it may sell (what its surrender does not need,
    the cycle's own vintage kept first, then older ones within its quota)."""
    venue = desk.venue
    assert venue is not None
    acct = agent.account_id
    owed = max(0, agent.obligation - agent.surrendered)
    own = _available(desk, acct, venue.product)
    keep = min(own, owed)
    free = {venue.product: own - keep}
    rest = owed - keep
    room = old_room(agent, venue)
    for d in venue.old():
        have = _available(desk, acct, d.product)
        k = min(have, rest, room)
        rest -= k
        room -= k
        free[d.product] = have - k
    return free


def usable(agent: ComplianceAgent, desk: Desk) -> list[tuple[str, int]]:
    """(product, tonnes) the agent may surrender now, the cycle's own vintage first."""
    venue = desk.venue
    assert venue is not None
    acct = agent.account_id
    out = [(venue.product, _available(desk, acct, venue.product))]
    room = old_room(agent, venue)
    for d in venue.old():
        q = min(_available(desk, acct, d.product), room)
        room -= q
        out.append((d.product, q))
    return [(p, q) for p, q in out if q > 0]


def sell_desk(agent: ComplianceAgent, desk: Desk) -> tuple[Desk | None, int]:
    """The listed vintage to sell and the tonnes it may sell of it: under a binding carry-over
    limit the older vintages first, else the one it has most of."""
    venue = desk.venue
    if venue is None:
        return desk, desk.available(agent.account_id) - agent.keep()
    free = keep_and_free(agent, desk)
    listed = [(d, free.get(d.product, 0)) for d in venue.desks.values()]
    listed = [(d, q) for d, q in listed if q > 0]
    if not listed:
        return None, 0
    if venue.old_quota_t is not None:
        old = [(d, q) for d, q in listed if d.product != venue.product]
        if old:
            listed = old
    best = max(listed, key=lambda dq: dq[1])
    return best


def buy_desk(agent: ComplianceAgent, desk: Desk) -> tuple[Desk | None, int]:
    """The listed vintage to buy and the most it may buy of it (older vintages only within
    its quota left after what it holds of them): the cheapest by the previous close."""
    venue = desk.venue
    if venue is None:
        return desk, UNLIMITED
    room = old_room(agent, venue)
    if venue.old_quota_t is not None:
        held = sum(_available(desk, agent.account_id, d.product) for d in venue.old())
        room = max(0, room - held)
    choices: list[tuple[Desk, int]] = []
    own = venue.desks.get(venue.product)
    if own is not None:
        choices.append((own, UNLIMITED))
    if room > 0:
        choices += [(d, room) for d in venue.old()]
    if not choices:
        return None, 0
    turn = zlib.crc32(agent.entity_id.encode())
    n = len(choices)

    def cost(k: int) -> tuple[int, int, int]:
        d = choices[k][0]
        asks = d.best(Side.SELL)
        # the cheapest offer on the screen; without one, the previous close (own vintage
        # first, then each agent its own turn among the older ones: bids spread over them)
        if asks and venue.old_quota_t is not None:
            # under the carry-over limit the older vintages are alike to a buyer: offers within
            # 1% of each other are, and each agent takes its own turn among them
            return (0, asks[0].price * 100 // max(1, d.prev_close), (k + turn) % n)
        if asks:
            return (0, asks[0].price, 0)
        return (1, d.prev_close, (k + turn) % n if k else -1)

    best = min(range(n), key=cost)
    return choices[best]
