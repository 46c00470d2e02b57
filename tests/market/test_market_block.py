"""Block agreement trading (大宗协议) through the engine: rules, locks, the trade, the day."""

from __future__ import annotations

from typing import Any

import pytest
from dsl import Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.bootstrap import new_state
from openets.domain.money import parse_yuan
from openets.domain.rejection import Code
from openets.registry.model import SystemRole
from openets.trading.block import BlockSide, RequestStatus
from openets.trading.block_messages import (
    AcceptBlockQuote,
    CounterBlockQuote,
    PostBlockRequest,
    RejectBlockQuote,
    WithdrawBlock,
)
from openets.trading.block_service import (
    block_locks_of,
    block_request_for,
    block_requests_for,
)
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing
from openets.trading.events import DayClosed, TradeExecuted

CEA = "CEA19-20"
BIG = 100_000


def _market(preset: str = "cn") -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T13:30+08:00")
    return g


@pytest.fixture
def g() -> Given:
    return _market()


def _request(g: Given, acct: str, side: BlockSide, price: str, qty: int, **kw: Any) -> str:
    ev = g.ok(PostBlockRequest(acct, CEA, side, parse_yuan(price), qty, **kw))
    return str(ev[-1].request.request_id)


def _quote_of(g: Given, request_id: str, viewer: str) -> str:
    view = block_request_for(g.state, request_id, viewer)
    assert view is not None
    return view.quotes[-1].quote_id


def test_block_request_of_99999_t_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    r = g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, 99_999))
    assert r.code is Code.QUANTITY_OUT_OF_RANGE and r.field == "quantity" and "99999" in r.message


def test_block_request_of_100000_t_is_accepted_and_locks_the_allowances(g: Given) -> None:
    s = g.account(tonnes={CEA: 150_000})
    _request(g, s, BlockSide.SELL, "50.00", BIG)
    assert g.holding(s) == [50_000, BIG, 0, 0, 0]


def test_block_request_outside_13_to_15_is_rejected() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    s = g.account(tonnes={CEA: 200_000})
    g.at("2021-07-16T10:00+08:00")  # a listing session, not the block session
    r = g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, BIG))
    assert r.code is Code.MARKET_CLOSED and "10:00:00" in r.message
    g.at("2021-07-16T12:59:59+08:00")
    assert g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, BIG)).code is (
        Code.MARKET_CLOSED
    )
    g.at("2021-07-16T13:00+08:00")
    _request(g, s, BlockSide.SELL, "50.00", BIG)
    g.at("2021-07-16T15:00+08:00")
    assert g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, BIG)).code is (
        Code.MARKET_CLOSED
    )


def test_block_request_on_a_holiday_is_rejected() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    s = g.account(tonnes={CEA: 200_000})
    g.at("2021-07-17T13:30+08:00")  # a Saturday
    r = g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, BIG))
    assert r.code is Code.MARKET_CLOSED and "not a trading day" in r.message


def test_block_price_beyond_30_percent_of_the_previous_close_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    _request(g, s, BlockSide.SELL, "62.40", BIG)  # 48.00 + 30%
    r = g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, parse_yuan("62.41"), BIG))
    assert r.code is Code.PRICE_OUT_OF_BAND and r.field == "price"
    b = g.account(fen=10**10)
    _request(g, b, BlockSide.BUY, "33.60", BIG)  # 48.00 - 30%
    assert g.rejects(PostBlockRequest(b, CEA, BlockSide.BUY, 3359, BIG)).code is (
        Code.PRICE_OUT_OF_BAND
    )


def test_block_buy_request_locks_price_times_quantity_and_the_fee_bound() -> None:
    g = _market("cn-demo")  # 3 bps a side on block trades
    b = g.account(fen=10**10)
    _request(g, b, BlockSide.BUY, "50.00", BIG)
    notional = 5000 * BIG
    bound = -(-notional * 3 // 10_000) + 1
    assert g.funds(b)[:2] == [10**10 - notional - bound, notional + bound]


def test_block_sell_request_beyond_available_allowances_is_rejected(g: Given) -> None:
    s = g.account(tonnes={CEA: BIG - 1})
    r = g.rejects(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, BIG))
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_block_trade_needs_both_sides_to_agree_on_price_and_quantity(g: Given) -> None:
    s = g.account(tonnes={CEA: 300_000})
    b = g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", 200_000)
    public = _quote_of(g, rid, b)
    r = g.rejects(AcceptBlockQuote(rid, b, 4999, 200_000, public))
    assert r.code is Code.INVALID_PRICE and r.field == "price"
    r = g.rejects(AcceptBlockQuote(rid, b, 5000, 150_000, public))
    assert r.code is Code.INVALID_QUANTITY and r.field == "quantity"
    # the buyer counters instead; the seller confirms the counter exactly
    g.ok(CounterBlockQuote(rid, b, 4900, 150_000))
    counter = _quote_of(g, rid, s)
    assert g.rejects(AcceptBlockQuote(rid, s, 4900, 200_000, counter)).code is (
        Code.INVALID_QUANTITY
    )
    ev = g.ok(AcceptBlockQuote(rid, s, 4900, 150_000, counter))
    trade = next(e for e in ev if isinstance(e, TradeExecuted))
    assert (trade.method, trade.price, trade.quantity) == ("block", 4900, 150_000)
    assert (trade.buyer, trade.seller) == (b, s)
    # the seller holds exactly the traded tonnes for delivery; the rest went back
    assert g.holding(s) == [150_000, 150_000, 0, 0, 0]
    assert g.funds(b)[:2] == [10**11 - 4900 * 150_000, 0]
    assert block_locks_of(g.state, b) == () and block_locks_of(g.state, s) == ()


def test_block_request_cannot_be_accepted_by_its_requester(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    rid = _request(g, s, BlockSide.SELL, "50.00", BIG)
    r = g.rejects(AcceptBlockQuote(rid, s, 5000, BIG, _quote_of(g, rid, s)))
    assert r.code is Code.SELF_TRADE


def test_open_block_request_hides_the_requester_until_a_trade(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    b, other = g.account(fen=10**11), g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", BIG)
    for viewer in (b, other):
        (view,) = block_requests_for(g.state, viewer)
        assert view.requester is None and view.quotes[0].by is None
    assert block_requests_for(g.state, s)[0].requester == s
    g.ok(AcceptBlockQuote(rid, b, 5000, BIG))
    view_b = block_request_for(g.state, rid, b)
    assert view_b is not None and view_b.requester == s
    assert block_request_for(g.state, rid, other) is None


def test_directed_block_offer_is_invisible_to_others(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    b, other = g.account(fen=10**11), g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", BIG, counterparty=b)
    assert block_requests_for(g.state, other) == ()
    assert block_request_for(g.state, rid, other) is None
    r = g.rejects(AcceptBlockQuote(rid, other, 5000, BIG))
    assert r.code is Code.UNKNOWN_ORDER
    (view,) = block_requests_for(g.state, b)
    assert view.requester == s and view.quotes[0].to == b
    g.ok(AcceptBlockQuote(rid, b, 5000, BIG))
    assert g.holding(s)[:2] == [BIG, BIG]


def test_rejected_counter_offer_releases_its_makers_lock(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    b = g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", BIG)
    g.ok(CounterBlockQuote(rid, b, 4800, BIG))
    assert g.funds(b)[1] == 4800 * BIG
    g.ok(RejectBlockQuote(rid, s, _quote_of(g, rid, s)))
    assert g.funds(b)[:2] == [10**11, 0]
    assert g.holding(s)[:2] == [BIG, BIG]  # the open request stands


def test_withdrawn_block_request_releases_its_lock(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    b = g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", BIG)
    g.ok(CounterBlockQuote(rid, b, 4800, BIG))
    g.ok(WithdrawBlock(rid, s))
    assert g.holding(s) == [200_000, 0, 0, 0, 0]
    assert g.funds(b)[:2] == [10**11, 0]
    assert g.state.block.requests[rid].status is RequestStatus.WITHDRAWN
    assert g.rejects(AcceptBlockQuote(rid, b, 5000, BIG)).code is Code.UNKNOWN_ORDER


def test_block_requests_lapse_at_the_end_of_the_day(g: Given) -> None:
    s = g.account(tonnes={CEA: 200_000})
    b = g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", BIG)
    g.ok(CounterBlockQuote(rid, b, 4800, BIG))
    bid = _request(g, b, BlockSide.BUY, "47.00", BIG, counterparty=s)
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    reqs = g.state.block.requests
    assert reqs[rid].status is RequestStatus.EXPIRED and reqs[bid].status is RequestStatus.EXPIRED
    assert g.holding(s) == [200_000, 0, 0, 0, 0]
    assert g.funds(b) == [10**11, 0, 0, 0]
    assert g.state.block.locks == {} and g.state.violations() == []


def test_block_trade_does_not_move_the_close(g: Given) -> None:
    s = g.account(tonnes={CEA: 300_000})
    b = g.account(fen=10**11)
    lid = g.ok(PostListing(s, CEA, Side.SELL, 5000, 100))[-1].listing_id
    g.ok(TakeListing(lid, b, 100))  # the day's only listing trade: 50.00
    rid = _request(g, s, BlockSide.SELL, "60.00", 200_000)
    g.ok(AcceptBlockQuote(rid, b, 6000, 200_000))
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    (bar,) = g.state.trading.bars[CEA]
    assert isinstance(bar, DayClosed)
    assert (bar.open, bar.high, bar.low, bar.close) == (5000, 5000, 5000, 5000)
    vols = {m: (v, t) for m, v, t in bar.volumes}
    assert vols["listing"] == (100, 500_000)
    assert vols["block"] == (200_000, 6000 * 200_000)


def test_block_trade_settles_at_the_end_of_the_day() -> None:
    g = _market("cn-demo")
    s = g.account(tonnes={CEA: 200_000})
    b = g.account(fen=10**11)
    rid = _request(g, b, BlockSide.BUY, "50.00", BIG)
    g.ok(AcceptBlockQuote(rid, s, 5000, BIG))
    fee = (5000 * BIG * 3 + 5000) // 10_000
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert g.holding(b) == [BIG, 0, 0, 0, 0]
    assert g.holding(s) == [BIG, 0, 0, 0, 0]
    assert g.funds(b) == [10**11 - 5000 * BIG - fee, 0, 0, 0]
    assert g.funds(s) == [5000 * BIG - fee, 0, 0, 0]
    income = g.state.registry.system_account(SystemRole.FEE_INCOME)
    assert g.funds(income)[0] == 2 * fee


def test_block_trading_replays_to_the_same_state_hash(g: Given) -> None:
    s = g.account(tonnes={CEA: 300_000})
    b = g.account(fen=10**11)
    rid = _request(g, s, BlockSide.SELL, "50.00", 200_000)
    g.ok(CounterBlockQuote(rid, b, 4900, 150_000))
    g.ok(AcceptBlockQuote(rid, s, 4900, 150_000))
    _request(g, b, BlockSide.BUY, "45.00", BIG)
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    fresh = new_state()
    g.engine.replay_into(fresh, g.engine.journal.read())
    assert fresh.state_hash() == g.state.state_hash()


# -- property --------------------------------------------------------------------------------------

N = 3
op = st.one_of(
    st.tuples(
        st.just("post"),
        st.integers(0, N - 1),
        st.sampled_from([BlockSide.BUY, BlockSide.SELL]),
        st.integers(4000, 6000),
        st.integers(100_000, 400_000),
        st.integers(-1, N - 1),
    ),
    st.tuples(
        st.just("counter"),
        st.integers(0, 20),
        st.integers(0, N - 1),
        st.integers(4000, 6000),
        st.integers(100_000, 400_000),
        st.integers(0, N - 1),
    ),
    st.tuples(st.just("accept"), st.integers(0, 20), st.integers(0, N - 1), st.integers(0, 5)),
    st.tuples(st.just("reject"), st.integers(0, 20), st.integers(0, N - 1), st.integers(0, 5)),
    st.tuples(st.just("withdraw"), st.integers(0, 20), st.integers(0, N - 1), st.integers(-1, 5)),
)


def _apply(g: Given, accts: list[str], o: tuple[Any, ...]) -> None:
    book = g.state.block.requests
    reqs = sorted(r for r, x in book.items() if x.status is RequestStatus.OPEN) or sorted(book)
    if o[0] == "post":
        to = accts[o[5]] if o[5] >= 0 else None
        g.engine.submit(PostBlockRequest(accts[o[1]], CEA, o[2], o[3], o[4], to), "u")
        return
    if not reqs:
        return
    rid = reqs[o[1] % len(reqs)]
    live = g.state.block.requests[rid].live
    qids = [q.quote_id for q in live] or ["BQ0"]
    q = live[o[3] % len(live)] if live and o[0] != "counter" else None
    # odd picks act as the party a quote is addressed to, so that dialogues progress
    who = accts[o[2]] if q is None or q.to is None or o[2] % 2 == 0 else q.to
    if o[0] == "counter":
        g.engine.submit(CounterBlockQuote(rid, accts[o[2]], o[3], o[4], accts[o[5]]), "u")
    elif o[0] == "accept":
        price, qty = (q.price, q.quantity) if q else (5000, BIG)
        g.engine.submit(AcceptBlockQuote(rid, who, price, qty, q.quote_id if q else ""), "u")
    elif o[0] == "reject":
        g.engine.submit(RejectBlockQuote(rid, who, qids[o[3] % len(qids)]), "u")
    else:
        qid = qids[o[3] % len(qids)] if o[3] >= 0 else ""
        g.engine.submit(WithdrawBlock(rid, accts[o[2]], qid), "u")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=40))
def test_random_block_negotiations_release_or_consume_every_lock(ops: list[Any]) -> None:
    g = _market("cn-demo")
    accts = [g.account(tonnes={CEA: 500_000}, fen=3 * 10**10) for _ in range(N)]
    for o in ops:
        _apply(g, accts, o)
        assert g.state.violations() == []
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert g.state.violations() == []
    assert g.state.block.locks == {}
    for a in accts:
        assert g.holding(a)[1] == 0 and g.funds(a)[1] == 0
    fresh = new_state()
    g.engine.replay_into(fresh, g.engine.journal.read())
    assert fresh.state_hash() == g.state.state_hash()
