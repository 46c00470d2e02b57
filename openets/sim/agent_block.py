"""The block desk (大宗协议) as agents use it: open requests, counters and confirmations.

An entity with a need of 100,000 t or more, in the block session (13:00-15:00), first looks at
the open requests of the other side, anonymous as every participant sees them. It confirms one
whose price suits it and whose quantity it can use whole (``AcceptBlockQuote`` at exactly the
quoted price and quantity), or counters a larger one with its own quantity
(``CounterBlockQuote``), or posts its own open request (``PostBlockRequest``). Requesters
answer the counters addressed to them when they act next, and withdraw what is left before
the session ends (``WithdrawBlock``), so no lock outlives the day whatever the end of day does.

The desk follows the public feed (request opened, traded, ended) instead of scanning the whole
request history, so a day costs what its requests cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from openets.domain.messages import Event
from openets.engine.core import Engine
from openets.trading.book import Side

PPM = 1_000_000
REPOST_DAYS = 3
"""An agent posts its own block request at most every third trading day (it answers others'
requests whenever it acts), except in the last week."""

if TYPE_CHECKING:
    from openets.sim.agent_market import Desk
    from openets.sim.agents import ComplianceAgent


def block_trading_available(engine: Engine) -> bool:
    """True if the engine handles block requests (the block use case is installed)."""
    try:
        from openets.trading.block_messages import PostBlockRequest
    except ImportError:
        return False
    return PostBlockRequest in engine.handlers


class BlockDesk:
    """Block trading for the agents of one instrument."""

    def __init__(self, engine: Engine, min_qty: int) -> None:
        from openets.trading import block_messages as bm
        from openets.trading.block import BlockSide

        self.engine = engine
        self.min_qty = min_qty
        self.bm = bm
        self.BUY, self.SELL = BlockSide.BUY, BlockSide.SELL
        self.open_ids: dict[str, None] = {}
        """Open requests, oldest first (a dict keeps the order)."""
        self.parties: dict[str, list[ComplianceAgent]] = {}
        """Agents that requested or quoted on a request: told when it ends."""

    # --- the public feed ----------------------------------------------------------------
    def on_events(self, records: Sequence[Any], events: Sequence[Event]) -> None:
        bm = self.bm
        for ev in events:
            if isinstance(ev, bm.BlockRequestOpened):
                self.open_ids[ev.request.request_id] = None
            elif isinstance(ev, bm.BlockTraded | bm.BlockRequestEnded):
                self._ended(ev.request_id)
            elif isinstance(ev, bm.BlockQuoteEnded):
                for agent in self.parties.get(ev.request_id, ()):
                    if agent.account_id != self._requester(ev.request_id):
                        agent.block_open.pop(ev.request_id, None)

    def _ended(self, rid: str) -> None:
        self.open_ids.pop(rid, None)
        for agent in self.parties.pop(rid, ()):
            agent.block_open.pop(rid, None)

    def _requester(self, rid: str) -> str:
        st = self.engine.state.block.requests.get(rid)
        return "" if st is None else str(st.request.requester)

    def _view(self, rid: str, viewer: str) -> Any:
        from openets.trading.block_service import block_request_for

        return block_request_for(self.engine.state, rid, viewer)

    def _track(self, agent: ComplianceAgent, rid: str, side: Side, qty: int, price: int) -> None:
        agent.block_open[rid] = [int(side), qty, price]
        self.parties.setdefault(rid, []).append(agent)

    # --- agents' moves ------------------------------------------------------------------
    def trade(
        self,
        agent: ComplianceAgent,
        desk: Desk,
        side: Side,
        today: int,
        capacity: int,
        limit: int,
        price: int,
    ) -> int:
        """Answer counters on the agent's own requests, confirm or counter the other side's
        open requests with up to ``capacity`` (all it still means to trade), and post a
        request for what is left of ``today`` if that is a block. Returns the tonnes traded
        or committed (counted against ``today``).

        Block prices sit below the listing price (a block discount, §13: block trades are
        most of the volume, at prices under the screen's): the agent asks or bids its
        ``block_discount_ppm`` below its listing price, and a seller accepts that much less."""
        if capacity < self.min_qty:
            return 0
        off = PPM - agent.block_discount_ppm
        price = (price * off + PPM // 2) // PPM
        if side is Side.SELL:
            limit = (limit * off + PPM // 2) // PPM
        self.answer(agent, desk, limit)
        done = 0
        for rid in list(self.open_ids):
            if capacity - done < self.min_qty:
                break
            if rid not in agent.block_open:
                done += self._respond(agent, desk, rid, side, capacity - done, limit)
        rest = today - done
        fresh = desk.period.day - agent.block_posted_day >= REPOST_DAYS
        if rest > 0 and capacity - done >= self.min_qty and (fresh or desk.period.days_left < 5):
            # a block must be 100,000 t: a large holder asks for more than today's share
            rest = max(rest, self.min_qty)
            if not any(o[0] == int(side) for o in agent.block_open.values()):
                done += self._request(agent, desk, side, rest, price)
        return min(done, today)

    def _respond(
        self, agent: ComplianceAgent, desk: Desk, rid: str, side: Side, qty: int, limit: int
    ) -> int:
        """Confirm another party's open request, or counter it with ``qty``: tonnes committed."""
        other = self.SELL if side is Side.BUY else self.BUY
        view = self._view(rid, agent.account_id)
        if view is None or view.side is not other or view.instrument != desk.instrument:
            return 0
        public = [q for q in view.quotes if q.to is None]
        if not public:
            return 0
        q = public[0]
        if (q.price > limit) if side is Side.BUY else (q.price < limit):
            return 0
        take = min(q.quantity, qty)
        if side is Side.BUY and not agent.can_pay(desk, q.price, take, "block"):
            return 0
        if q.quantity <= qty:
            cmd: Any = self.bm.AcceptBlockQuote(
                rid, agent.account_id, q.price, q.quantity, q.quote_id
            )
            return q.quantity if desk.broker.send(cmd, agent.actor) else 0
        cmd = self.bm.CounterBlockQuote(rid, agent.account_id, q.price, qty)
        if not desk.broker.send(cmd, agent.actor):
            return 0
        self._track(agent, rid, side, qty, q.price)
        return qty

    def _request(self, agent: ComplianceAgent, desk: Desk, side: Side, qty: int, price: int) -> int:
        """Post an open request for ``qty`` at ``price`` (within the block band)."""
        price = max(desk.block_low, min(desk.block_high, price))
        if side is Side.BUY and not agent.can_pay(desk, price, qty, "block"):
            return 0
        bside = self.BUY if side is Side.BUY else self.SELL
        cmd = self.bm.PostBlockRequest(agent.account_id, desk.instrument, bside, price, qty)
        ev = desk.broker.send(cmd, agent.actor)
        if not ev:
            return 0
        agent.block_posted_day = desk.period.day
        self._track(agent, ev[-1].request.request_id, side, qty, price)  # type: ignore[attr-defined]
        return qty

    def answer(self, agent: ComplianceAgent, desk: Desk, limit: int) -> None:
        """Confirm the best counter on each of the agent's own requests, if it suits."""
        for rid, (s, _qty, _price) in list(agent.block_open.items()):
            if self._requester(rid) != agent.account_id:
                continue
            view = self._view(rid, agent.account_id)
            if view is None:
                continue
            buying = s == int(Side.BUY)
            counters = [q for q in view.quotes if q.to == agent.account_id]
            counters.sort(key=lambda q: (q.price if buying else -q.price, q.quote_id))
            for q in counters:
                if (q.price > limit) if buying else (q.price < limit):
                    break
                if buying and not agent.can_pay(desk, q.price, q.quantity, "block"):
                    break
                cmd = self.bm.AcceptBlockQuote(
                    rid, agent.account_id, q.price, q.quantity, q.quote_id
                )
                if desk.broker.send(cmd, agent.actor):
                    break

    def close_session(self, agents: Sequence[ComplianceAgent], desk: Desk) -> None:
        """Before the block session ends: answer the counters on their requests. What is left
        lapses at the end of the day (the exchange expires every open request and releases
        its locks), so nobody withdraws by hand."""
        for agent in agents:
            if not agent.block_open:
                continue
            buying = any(o[0] == int(Side.BUY) for o in agent.block_open.values())
            limit, _ = agent.limits(desk, Side.BUY if buying else Side.SELL)
            if not buying:
                limit = (limit * (PPM - agent.block_discount_ppm) + PPM // 2) // PPM
            self.answer(agent, desk, limit)
