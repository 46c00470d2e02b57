"""Block agreement trading (大宗协议): open and directed requests, counter-offers, confirmation.

A request is posted open (visible to all participants, without the requester's identity) or
directed to one named counterparty (visible to the two of them only). Counterparties answer with
counter-offers, the requester may counter back (对话议价), and a trade happens when one side
accepts the other's live quote at exactly its price and quantity: both sides then agree.

Every live quote is a commitment the other side can accept without asking again, so it is fully
backed: a party holds, per request, the largest need among its live quotes (a seller the
quantity in tonnes, a buyer price × quantity in fen). Each transition returns the new state and
an outcome whose ``locks`` say what to lock or release for whom. After a trade the buyer holds
exactly price × quantity fen and the seller exactly the quantity; settlement consumes both.
The engine checks balances when it applies a lock and the trading day against the calendar.

The values are in :mod:`openets.trading.block_types` and what each participant sees in
:mod:`openets.trading.block_views`; this module holds the checks, the locks and the transitions,
and re-exports both so the whole vocabulary stays importable from here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from openets.domain.messages import Ctx
from openets.domain.rejection import Code, Rejection
from openets.trading.auction_types import LockAsset, LockChange
from openets.trading.bands import price_band
from openets.trading.block_types import (
    CN_BLOCK_RULES,
    EU_LIKE_BLOCK_RULES,
    BlockOutcome,
    BlockRequest,
    BlockRules,
    BlockSide,
    BlockState,
    BlockTrade,
    Quote,
    RequestStatus,
    Step,
    Transition,
)
from openets.trading.block_views import (
    QuoteView,
    RequestView,
    knows_requester,
    view_for,
    visible_to,
)

__all__ = [
    "CN_BLOCK_RULES",
    "EU_LIKE_BLOCK_RULES",
    "BlockOutcome",
    "BlockRequest",
    "BlockRules",
    "BlockSide",
    "BlockState",
    "BlockTrade",
    "Quote",
    "QuoteView",
    "RequestStatus",
    "RequestView",
    "Step",
    "Transition",
    "accept",
    "counter",
    "expire",
    "held",
    "knows_requester",
    "open_request",
    "reject",
    "side_of",
    "view_for",
    "visible_to",
    "withdraw",
]

REQUEST_PREFIX = "BR"
QUOTE_PREFIX = "BQ"
TRADE_PREFIX = "BT"

# -- checks --------------------------------------------------------------------------------------


def _local(now: datetime, rules: BlockRules) -> datetime:
    return now.astimezone(ZoneInfo(rules.timezone))


def _session_rejection(now: datetime, rules: BlockRules) -> Rejection | None:
    t = _local(now, rules).time()
    if any(start <= t < end for start, end in rules.sessions):
        return None
    windows = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in rules.sessions)
    msg = f"block trading is open {windows} ({rules.timezone}), was {t:%H:%M:%S}"
    return Rejection(Code.MARKET_CLOSED, msg, None)


def _terms_rejection(
    price: int, quantity: int, band: tuple[int, int] | None, rules: BlockRules
) -> Rejection | None:
    if quantity < rules.min_qty:
        msg = f"a block order must be at least {rules.min_qty} t, was {quantity}"
        return Rejection(Code.QUANTITY_OUT_OF_RANGE, msg, "quantity")
    if rules.max_qty is not None and quantity > rules.max_qty:
        msg = f"a block order must be at most {rules.max_qty} t, was {quantity}"
        return Rejection(Code.QUANTITY_OUT_OF_RANGE, msg, "quantity")
    if price <= 0:
        return Rejection(Code.INVALID_PRICE, f"price must be positive, was {price}", "price")
    if price % rules.tick_fen:
        msg = f"price must be a multiple of the {rules.tick_fen} fen tick, was {price}"
        return Rejection(Code.TICK_SIZE, msg, "price")
    if band is not None and not band[0] <= price <= band[1]:
        msg = f"price {price} fen is outside the block band {band[0]}..{band[1]} fen"
        return Rejection(Code.PRICE_OUT_OF_BAND, msg, "price")
    return None


def _live_rejection(state: BlockState, now: datetime, rules: BlockRules) -> Rejection | None:
    req = state.request
    if state.status is not RequestStatus.OPEN:
        msg = f"block request {req.request_id} is {state.status}"
        return Rejection(Code.INVALID_STATE, msg, "request_id")
    day = _local(now, rules).date().isoformat()
    if day != req.trading_day:
        msg = f"block request {req.request_id} expired at the end of {req.trading_day}, now {day}"
        return Rejection(Code.INVALID_STATE, msg, "request_id")
    return None


def _not_yours(state: BlockState, by: str) -> Rejection:
    msg = f"no block request {state.request.request_id} open to {by}"
    return Rejection(Code.NOT_PERMITTED, msg, "request_id")


# -- locks ---------------------------------------------------------------------------------------


def side_of(state: BlockState, party: str) -> BlockSide:
    """The requester trades its side; every counterparty trades the other."""
    if party == state.request.requester:
        return state.request.side
    return BlockSide.BUY if state.request.side is BlockSide.SELL else BlockSide.SELL


def _need(side: BlockSide, price: int, quantity: int) -> tuple[LockAsset, int]:
    if side is BlockSide.SELL:
        return LockAsset.ALLOWANCES, quantity
    return LockAsset.FUNDS, price * quantity


def held(state: BlockState) -> dict[str, tuple[LockAsset, int]]:
    """What each party must hold for this request in this state."""
    out: dict[str, tuple[LockAsset, int]] = {}
    if state.trade is not None:
        t = state.trade
        out[t.buyer] = _need(BlockSide.BUY, t.price, t.quantity)
        out[t.seller] = _need(BlockSide.SELL, t.price, t.quantity)
        return out
    for q in state.live:
        asset, amount = _need(side_of(state, q.by), q.price, q.quantity)
        if amount > out.get(q.by, (asset, 0))[1]:
            out[q.by] = (asset, amount)
    return out


def _lock_changes(before: BlockState, after: BlockState) -> tuple[LockChange, ...]:
    old, new = held(before), held(after)
    changes: list[LockChange] = []
    for party in sorted(old.keys() | new.keys()):
        side = side_of(before, party)
        asset = LockAsset.ALLOWANCES if side is BlockSide.SELL else LockAsset.FUNDS
        delta = new.get(party, (asset, 0))[1] - old.get(party, (asset, 0))[1]
        if delta:
            changes.append(LockChange(party, asset, delta))
    return tuple(changes)


def _step(
    before: BlockState,
    after: BlockState,
    step: Step,
    quote: Quote | None,
    trade: BlockTrade | None = None,
) -> tuple[BlockState, BlockOutcome]:
    live_after = {q.quote_id for q in after.live}
    ended = tuple(q.quote_id for q in before.live if q.quote_id not in live_after)
    return after, BlockOutcome(step, quote, trade, ended, _lock_changes(before, after))


# -- transitions ---------------------------------------------------------------------------------


def open_request(
    requester: str,
    side: BlockSide,
    instrument: str,
    price: int,
    quantity: int,
    prev_close: int | None,
    ctx: Ctx,
    *,
    directed_to: str | None = None,
    rules: BlockRules = CN_BLOCK_RULES,
) -> Transition:
    """Post an open request, or a directed offer to ``directed_to``; locks the requester.
    ``prev_close`` (fen) fixes the day's band; it may be None only when the rules have none."""
    if directed_to == requester:
        msg = f"a directed offer cannot name its own account {requester}"
        return Rejection(Code.SELF_TRADE, msg, "counterparty")
    band: tuple[int, int] | None = None
    if rules.band_bps is not None:
        if prev_close is None:
            raise ValueError("a block band needs the previous close")
        band = price_band(prev_close, rules.band_bps, rules.tick_fen)
    problem = _session_rejection(ctx.now, rules) or _terms_rejection(price, quantity, band, rules)
    if problem is not None:
        return problem
    request = BlockRequest(
        request_id=ctx.ids.next(REQUEST_PREFIX),
        requester=requester,
        side=side,
        instrument=instrument,
        trading_day=_local(ctx.now, rules).date().isoformat(),
        directed_to=directed_to,
        band=band,
    )
    quote = Quote(ctx.ids.next(QUOTE_PREFIX), requester, directed_to, price, quantity)
    empty = BlockState(request, RequestStatus.OPEN, ())
    return _step(empty, replace(empty, live=(quote,)), Step.OPENED, quote)


def counter(
    state: BlockState,
    by: str,
    price: int,
    quantity: int,
    ctx: Ctx,
    *,
    to: str | None = None,
    rules: BlockRules = CN_BLOCK_RULES,
) -> Transition:
    """Make a firm counter-offer in the dialogue between ``by`` and ``to`` (a counterparty
    always talks to the requester). It replaces the pair's earlier live quotes; an open
    request's public quote stays up for everyone else."""
    req = state.request
    problem = _live_rejection(state, ctx.now, rules)
    if problem is not None:
        return problem
    if by == req.requester:
        talking = {q.by for q in state.live if q.to == by}
        talking |= {q.to for q in state.live if q.by == by and q.to is not None}
        if to is None or to == by or (to != req.directed_to and to not in talking):
            msg = f"no dialogue with {to} on block request {req.request_id}"
            return Rejection(Code.NOT_PERMITTED, msg, "counterparty")
    else:
        if req.directed_to is not None and by != req.directed_to:
            return _not_yours(state, by)
        to = req.requester
    problem = _session_rejection(ctx.now, rules) or _terms_rejection(
        price, quantity, req.band, rules
    )
    if problem is not None:
        return problem
    pair = {by, to}
    kept = tuple(q for q in state.live if q.to is None or {q.by, q.to} != pair)
    quote = Quote(ctx.ids.next(QUOTE_PREFIX), by, to, price, quantity)
    return _step(state, replace(state, live=(*kept, quote)), Step.COUNTERED, quote)


def _find_live(state: BlockState, quote_id: str) -> Quote | Rejection:
    for q in state.live:
        if q.quote_id == quote_id:
            return q
    msg = f"quote {quote_id} is not live on block request {state.request.request_id}"
    return Rejection(Code.INVALID_STATE, msg, "quote_id")


def _may_accept(state: BlockState, quote: Quote, by: str) -> Rejection | None:
    req = state.request
    if quote.to is None:
        if by == req.requester:
            msg = f"{by} cannot accept its own block request {req.request_id}"
            return Rejection(Code.SELF_TRADE, msg, "quote_id")
        return None
    return None if quote.to == by else _not_yours(state, by)


def accept(
    state: BlockState,
    by: str,
    quote_id: str,
    price: int,
    quantity: int,
    ctx: Ctx,
    *,
    rules: BlockRules = CN_BLOCK_RULES,
) -> Transition:
    """Confirm the other side's live quote. ``price`` and ``quantity`` must repeat the quote
    exactly: the trade happens only when both sides agree on both."""
    problem = _live_rejection(state, ctx.now, rules)
    if problem is not None:
        return problem
    quote = _find_live(state, quote_id)
    if isinstance(quote, Rejection):
        return quote
    problem = _may_accept(state, quote, by) or _session_rejection(ctx.now, rules)
    if problem is not None:
        return problem
    if price != quote.price:
        msg = f"confirmation price {price} fen differs from the quoted {quote.price} fen"
        return Rejection(Code.INVALID_PRICE, msg, "price")
    if quantity != quote.quantity:
        msg = f"confirmation quantity {quantity} t differs from the quoted {quote.quantity} t"
        return Rejection(Code.INVALID_QUANTITY, msg, "quantity")
    req = state.request
    other = quote.by if by == req.requester else by
    requester_sells = req.side is BlockSide.SELL
    trade = BlockTrade(
        trade_id=ctx.ids.next(TRADE_PREFIX),
        request_id=req.request_id,
        instrument=req.instrument,
        buyer=other if requester_sells else req.requester,
        seller=req.requester if requester_sells else other,
        price=price,
        quantity=quantity,
    )
    after = BlockState(req, RequestStatus.TRADED, (), trade)
    return _step(state, after, Step.TRADED, quote, trade)


def reject(
    state: BlockState, by: str, quote_id: str, ctx: Ctx, *, rules: BlockRules = CN_BLOCK_RULES
) -> Transition:
    """Turn down a quote addressed to ``by``; its maker's lock is released."""
    problem = _live_rejection(state, ctx.now, rules)
    if problem is not None:
        return problem
    quote = _find_live(state, quote_id)
    if isinstance(quote, Rejection):
        return quote
    if quote.to != by:
        return _not_yours(state, by)
    kept = tuple(q for q in state.live if q.quote_id != quote_id)
    return _step(state, replace(state, live=kept), Step.REJECTED, quote)


def withdraw(state: BlockState, by: str, ctx: Ctx, quote_id: str | None = None) -> Transition:
    """Take back one's own live quote (or, without ``quote_id``, all of them). The requester
    withdrawing without a quote id, or its public quote, withdraws the whole request and
    releases every party's lock."""
    if state.status is not RequestStatus.OPEN:
        msg = f"block request {state.request.request_id} is {state.status}"
        return Rejection(Code.INVALID_STATE, msg, "request_id")
    whole = by == state.request.requester and quote_id is None
    quote: Quote | None = None
    if quote_id is not None:
        found = _find_live(state, quote_id)
        if isinstance(found, Rejection):
            return found
        if found.by != by:
            return _not_yours(state, by)
        quote = found
        whole = found.to is None
    if whole:
        after = replace(state, status=RequestStatus.WITHDRAWN, live=())
        return _step(state, after, Step.WITHDRAWN, quote)
    kept = tuple(q for q in state.live if q.by != by or quote_id not in (None, q.quote_id))
    if len(kept) == len(state.live):
        msg = f"{by} has no live quote on block request {state.request.request_id}"
        return Rejection(Code.INVALID_STATE, msg, "quote_id")
    return _step(state, replace(state, live=kept), Step.WITHDRAWN, quote)


def expire(state: BlockState) -> Transition:
    """End of the trading day: the request lapses and every lock on it is released."""
    if state.status is not RequestStatus.OPEN:
        msg = f"block request {state.request.request_id} is {state.status}"
        return Rejection(Code.INVALID_STATE, msg, "request_id")
    after = replace(state, status=RequestStatus.EXPIRED, live=())
    return _step(state, after, Step.EXPIRED, None)
