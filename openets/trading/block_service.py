"""Block agreement trading (大宗协议): locks, the trade, the day's lapse.

The negotiation itself is :mod:`openets.trading.block` (pure). Here each transition's holding
rule (``held``: a party backs its largest live quote on a request) becomes real locks: funds
with the block buy fee bound, allowances in tonnes, recorded per request and party in the
``block`` state part. A confirmed quote trades at once through :func:`trade_events` (method
``block``): the buyer pays from its lock, the seller's tonnes stay locked until the end-of-day
settlement delivers them, and everything else on the request is released. Block trades count
in the day's block volume and never set the open, high, low or close.

:func:`expire_block_requests` lapses every open request at the end of the day (CloseDay).
"""

from __future__ import annotations

from openets.clearing.port import Wallets, lock_event, release_funds
from openets.domain.checks import check_int
from openets.domain.messages import Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry.port import Bucket, TxType, move
from openets.supervision.port import check_position_limit
from openets.trading import block as core
from openets.trading import checks
from openets.trading.auction import LockAsset
from openets.trading.block import BlockSide, BlockState, RequestStatus, RequestView
from openets.trading.block_book import BlockBook
from openets.trading.block_messages import (
    AcceptBlockQuote,
    BlockLock,
    BlockQuoted,
    BlockQuoteEnded,
    BlockRequestEnded,
    BlockRequestOpened,
    BlockTraded,
    CounterBlockQuote,
    PostBlockRequest,
    RejectBlockQuote,
    WithdrawBlock,
)
from openets.trading.book import Side
from openets.trading.events import TradeExecuted
from openets.trading.rules import TradingMethod
from openets.trading.service import lock_for, trade_events
from openets.trading.service_checks import (
    day_guard,
    method_offered,
    rules,
    trading,
    trading_account,
)
from openets.trading.state import Instrument


def book(m: MarketState) -> BlockBook:
    b: BlockBook = m.block
    return b


# -- queries (per viewer) ------------------------------------------------------------------------


def block_requests_for(
    m: MarketState, viewer: str, *, instrument: str | None = None, include_ended: bool = False
) -> tuple[RequestView, ...]:
    """The block desk as ``viewer`` sees it (see :meth:`BlockBook.requests_for`)."""
    return book(m).requests_for(viewer, instrument=instrument, include_ended=include_ended)


def block_request_for(m: MarketState, request_id: str, viewer: str) -> RequestView | None:
    """One request as ``viewer`` sees it, or None if it may not see it (or there is none)."""
    return book(m).request_for(request_id, viewer)


def block_locks_of(m: MarketState, account_id: str) -> tuple[tuple[str, BlockLock], ...]:
    """What ``account_id`` holds on block requests: (request id, lock)."""
    return book(m).locks_of(account_id)


# -- locks ---------------------------------------------------------------------------------------


def _zero(party: str) -> BlockLock:
    return BlockLock(party, 0, 0, 0)


def _targets(m: MarketState, st: BlockState | None) -> dict[str, tuple[int, int]]:
    """Per party, the (fen, tonnes) its live quotes need, with the block buy fee bound."""
    if st is None:
        return {}
    bound = rules(m).fees.rate("block", "buy").fee_bound
    out: dict[str, tuple[int, int]] = {}
    for party, (asset, amount) in core.held(st).items():
        if asset is LockAsset.FUNDS:
            out[party] = (amount + bound(amount), 0)
        else:
            out[party] = (0, amount)
    return out


class _Locker:
    """Moves each party's lock on one request to a target, collecting events and new locks."""

    def __init__(self, m: MarketState, rid: str, product: str, ctx: Ctx, wallets: Wallets):
        self.m, self.rid, self.product, self.ctx, self.wallets = m, rid, product, ctx, wallets
        self.events: list[Event] = []
        self.locks: list[BlockLock] = []

    def current(self, party: str) -> BlockLock:
        return book(self.m).locks.get((self.rid, party)) or _zero(party)

    def release_fen(self, lk: BlockLock, amount: int) -> BlockLock:
        """Release ``amount`` fen, giving back the receivable part first."""
        if amount <= 0:
            return lk
        to_recv = min(lk.recv_fen, amount)
        self.events.append(release_funds(lk.party, amount, to_recv, self.ctx, self.rid))
        return BlockLock(lk.party, lk.fen - amount, lk.recv_fen - to_recv, lk.tonnes)

    def release_tonnes(self, lk: BlockLock, qty: int) -> BlockLock:
        if qty <= 0:
            return lk
        self.events.append(
            move(
                self.ctx.ids.next("TX"),
                TxType.UNLOCK,
                lk.party,
                self.product,
                Bucket.LOCKED,
                Bucket.AVAILABLE,
                qty,
                ref=self.rid,
            )
        )
        return BlockLock(lk.party, lk.fen, lk.recv_fen, lk.tonnes - qty)

    def add_tonnes(self, lk: BlockLock, qty: int) -> BlockLock | Rejection:
        if qty <= 0:
            return lk
        locked = lock_for(self.m, Side.SELL, lk.party, self.product, 0, qty, self.ctx, self.rid)
        if isinstance(locked, Rejection):
            return locked
        self.events += locked[0]
        return BlockLock(lk.party, lk.fen, lk.recv_fen, lk.tonnes + qty)

    def to(self, party: str, fen: int, tonnes: int) -> Rejection | None:
        lk = self.current(party)
        new = self.release_fen(lk, lk.fen - fen)
        new = self.release_tonnes(new, new.tonnes - tonnes)
        if fen > new.fen:
            spent = self.wallets.spend(party, fen - new.fen)
            if isinstance(spent, Rejection):
                return spent
            self.events.append(lock_event(party, spent, self.ctx, self.rid))
            new = BlockLock(party, fen, new.recv_fen + spent[1], new.tonnes)
        added = self.add_tonnes(new, tonnes - new.tonnes)
        if isinstance(added, Rejection):
            return added
        if added != lk:
            self.locks.append(added)
        return None

    def follow(self, before: BlockState | None, after: BlockState) -> Rejection | None:
        """Lock or release so that every party holds what ``after`` needs."""
        old, new = _targets(self.m, before), _targets(self.m, after)
        for party in sorted(old.keys() | new.keys()):
            fen, tonnes = new.get(party, (0, 0))
            r = self.to(party, fen, tonnes)
            if r:
                return r
        return None


# -- handlers ------------------------------------------------------------------------------------


def _instrument(m: MarketState, code: object) -> Instrument | Rejection:
    inst = trading(m).instruments.get(code) if isinstance(code, str) else None
    if inst is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {code!r}", "instrument")
    return checks.check_not_suspended(inst.suspended, inst.code) or inst


def _request(m: MarketState, request_id: object, account_id: str) -> BlockState | Rejection:
    st = book(m).requests.get(request_id) if isinstance(request_id, str) else None
    if st is None or not core.visible_to(st, account_id):
        return Rejection(Code.UNKNOWN_ORDER, f"no block request {request_id!r}", "request_id")
    return st


def _market_open(m: MarketState, ctx: Ctx) -> tuple[Event, ...] | Rejection:
    """A trading day within the block session, and the day opened for the trade's records."""
    mr = rules(m)
    r = checks.check_session_open(mr.calendar, ctx.now, mr.block.sessions, "block trading")
    return r or day_guard(m, ctx.now)


def _terms(cmd: PostBlockRequest | CounterBlockQuote | AcceptBlockQuote) -> Rejection | None:
    return check_int(
        cmd.price, "price", Code.INVALID_PRICE, "a price in fen (ticks of 0.01)"
    ) or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")


def post_request(m: MarketState, cmd: PostBlockRequest, ctx: Ctx) -> Result:
    r = (
        method_offered(m, TradingMethod.BLOCK, "instrument")
        or trading_account(m, cmd.account_id)
        or _terms(cmd)
    )
    if r:
        return r
    if cmd.counterparty is not None:
        r = trading_account(m, cmd.counterparty, "counterparty")
        if r:
            return r
    if cmd.side not in (BlockSide.BUY, BlockSide.SELL):
        return Rejection(Code.INVALID_FIELD, f"side must be buy or sell, was {cmd.side!r}", "side")
    inst = _instrument(m, cmd.instrument)
    if isinstance(inst, Rejection):
        return inst
    if cmd.side is BlockSide.BUY:
        r = check_position_limit(m, cmd.account_id, inst.product, cmd.quantity)
        if r:
            return r
    opened = _market_open(m, ctx)
    if isinstance(opened, Rejection):
        return opened
    br = rules(m).block
    done = core.open_request(
        cmd.account_id,
        BlockSide(cmd.side),
        inst.code,
        cmd.price,
        cmd.quantity,
        inst.prev_close if br.band_bps is not None else None,
        ctx,
        directed_to=cmd.counterparty,
        rules=br,
    )
    if isinstance(done, Rejection):
        return done
    after, outcome = done
    rid = after.request.request_id
    locker = _Locker(m, rid, inst.product, ctx, Wallets(m))
    r = locker.follow(None, after)
    if r:
        return r
    assert outcome.quote is not None
    return (
        *opened,
        *locker.events,
        BlockRequestOpened(after.request, outcome.quote, _locks(locker)),
    )


def _locks(locker: _Locker) -> tuple[BlockLock, ...]:
    return tuple(locker.locks)


def counter_quote(m: MarketState, cmd: CounterBlockQuote, ctx: Ctx) -> Result:
    r = trading_account(m, cmd.account_id) or _terms(cmd)
    if r:
        return r
    st = _request(m, cmd.request_id, cmd.account_id)
    if isinstance(st, Rejection):
        return st
    inst = _instrument(m, st.request.instrument)
    if isinstance(inst, Rejection):
        return inst
    opened = _market_open(m, ctx)
    if isinstance(opened, Rejection):
        return opened
    done = core.counter(
        st,
        cmd.account_id,
        cmd.price,
        cmd.quantity,
        ctx,
        to=cmd.counterparty,
        rules=rules(m).block,
    )
    if isinstance(done, Rejection):
        return done
    after, outcome = done
    assert outcome.quote is not None
    locker = _Locker(m, st.request.request_id, inst.product, ctx, Wallets(m))
    r = locker.follow(st, after)
    if r:
        return r
    ev = BlockQuoted(st.request.request_id, outcome.quote, outcome.ended, _locks(locker))
    return (*opened, *locker.events, ev)


def _pick_quote(st: BlockState, cmd: AcceptBlockQuote) -> str | Rejection:
    if cmd.quote_id:
        return cmd.quote_id
    mine = [q.quote_id for q in st.live if q.to == cmd.account_id]
    if len(mine) == 1:
        return mine[0]
    public = [q.quote_id for q in st.live if q.to is None]
    if not mine and public and cmd.account_id != st.request.requester:
        return public[0]
    msg = f"name the quote to accept: {len(mine)} quotes on {st.request.request_id} are yours"
    return Rejection(Code.INVALID_FIELD, msg, "quote_id")


def accept_quote(m: MarketState, cmd: AcceptBlockQuote, ctx: Ctx) -> Result:
    r = trading_account(m, cmd.account_id) or _terms(cmd)
    if r:
        return r
    st = _request(m, cmd.request_id, cmd.account_id)
    if isinstance(st, Rejection):
        return st
    inst = _instrument(m, st.request.instrument)
    if isinstance(inst, Rejection):
        return inst
    quote_id = _pick_quote(st, cmd)
    if isinstance(quote_id, Rejection):
        return quote_id
    opened = _market_open(m, ctx)
    if isinstance(opened, Rejection):
        return opened
    br = rules(m).block
    done = core.accept(st, cmd.account_id, quote_id, cmd.price, cmd.quantity, ctx, rules=br)
    if isinstance(done, Rejection):
        return done
    r = trading_account(m, done[1].quote.by if done[1].quote else "", "quote_id")
    if r:
        return r
    traded = _trade(m, st, done[1], inst, ctx)
    return traded if isinstance(traded, Rejection) else (*opened, *traded)


def _trade(
    m: MarketState, st: BlockState, outcome: core.BlockOutcome, inst: Instrument, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    """The agreed trade: the seller's exact quantity locked, the buyer paying from its lock,
    every other lock on the request released."""
    trade, quote = outcome.trade, outcome.quote
    assert trade is not None and quote is not None
    rid = st.request.request_id
    wallets = Wallets(m)
    locker = _Locker(m, rid, inst.product, ctx, wallets)
    buyer = locker.current(trade.buyer)
    r = locker.to(trade.seller, 0, trade.quantity)
    if r:
        return r
    maker_side = Side.SELL if core.side_of(st, quote.by) is BlockSide.SELL else Side.BUY
    done = trade_events(
        m,
        ctx,
        wallets,
        instrument=inst.code,
        method="block",
        price=trade.price,
        qty=trade.quantity,
        buyer=trade.buyer,
        seller=trade.seller,
        maker=None,
        maker_side=maker_side,
        buyer_locked=buyer.fen,
    )
    if isinstance(done, Rejection):
        return done
    executed = done[-1]
    assert isinstance(executed, TradeExecuted)
    used = executed.buyer_lock_used
    left = buyer.fen - used
    events: list[Event] = [*locker.events, *done]
    if left > 0:
        to_recv = min(max(0, buyer.recv_fen - used), left)
        events.append(release_funds(trade.buyer, left, to_recv, ctx, rid))
    # the seller's tonnes now belong to the trade until settlement delivers them
    parties = (trade.buyer, trade.seller)
    others = _Locker(m, rid, inst.product, ctx, wallets)
    for party in sorted(_targets(m, st)):
        if party not in parties:
            others.to(party, 0, 0)  # releases only: cannot fail
    events += others.events
    locks = tuple(_zero(p) for p in sorted(parties)) + _locks(others)
    events.append(BlockTraded(rid, quote.quote_id, trade, executed.trade_id, locks))
    return tuple(events)


def reject_quote(m: MarketState, cmd: RejectBlockQuote, ctx: Ctx) -> Result:
    st = _request(m, cmd.request_id, cmd.account_id)
    if isinstance(st, Rejection):
        return st
    done = core.reject(st, cmd.account_id, cmd.quote_id, ctx, rules=rules(m).block)
    if isinstance(done, Rejection):
        return done
    return _ended(m, st, done, "rejected", ctx)


def withdraw(m: MarketState, cmd: WithdrawBlock, ctx: Ctx) -> Result:
    st = _request(m, cmd.request_id, cmd.account_id)
    if isinstance(st, Rejection):
        return st
    done = core.withdraw(st, cmd.account_id, ctx, cmd.quote_id or None)
    if isinstance(done, Rejection):
        return done
    return _ended(m, st, done, "withdrawn", ctx)


def _ended(
    m: MarketState,
    st: BlockState,
    done: tuple[BlockState, core.BlockOutcome],
    reason: str,
    ctx: Ctx,
) -> Result:
    after, outcome = done
    rid = st.request.request_id
    product = trading(m).instruments[st.request.instrument].product
    locker = _Locker(m, rid, product, ctx, Wallets(m))
    r = locker.follow(st, after)
    if r:  # pragma: no cover - releases only
        return r
    ev: Event
    if after.status is not RequestStatus.OPEN:
        ev = BlockRequestEnded(rid, after.status, _locks(locker))
    else:
        qid = outcome.quote.quote_id if outcome.quote else ""
        ev = BlockQuoteEnded(rid, qid, outcome.ended, reason, _locks(locker))
    return (*locker.events, ev)


def expire_block_requests(m: MarketState, ctx: Ctx) -> tuple[Event, ...]:
    """End of the trading day: every open request lapses and every lock on it is released.
    Called by CloseDay (with the state before CloseDay's own events are applied)."""
    events: list[Event] = []
    for rid in sorted(book(m).requests):
        st = book(m).requests[rid]
        if st.status is not RequestStatus.OPEN:
            continue
        done = core.expire(st)
        assert not isinstance(done, Rejection)
        ended = _ended(m, st, done, "expired", ctx)
        assert not isinstance(ended, Rejection)
        events += ended
    return tuple(events)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part

    handlers[PostBlockRequest] = post_request
    handlers[CounterBlockQuote] = counter_quote
    handlers[AcceptBlockQuote] = accept_quote
    handlers[RejectBlockQuote] = reject_quote
    handlers[WithdrawBlock] = withdraw
    appliers.update(
        {
            BlockRequestOpened: apply_part("block", BlockBook.apply_opened),
            BlockQuoted: apply_part("block", BlockBook.apply_quoted),
            BlockQuoteEnded: apply_part("block", BlockBook.apply_quote_ended),
            BlockTraded: apply_part("block", BlockBook.apply_traded),
            BlockRequestEnded: apply_part("block", BlockBook.apply_ended),
        }
    )
