"""One-way bidding (单向竞价) through the engine: sealed bids, locks, clearing, settlement."""

from __future__ import annotations

from typing import Any

import pytest
from dsl import Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.bootstrap import new_state
from openets.domain.rejection import Code, Rejection
from openets.registry import commands as rc
from openets.registry.model import SystemRole
from openets.trading.auction import (
    AuctionOutcome,
    AuctionSide,
    CancelReason,
    PricingRule,
    ReserveRule,
    TieBreak,
)
from openets.trading.auction_messages import (
    AnnounceAuction,
    AuctionResultPublished,
    CancelAuction,
    CloseAuction,
    ModifyBid,
    PlaceBid,
    WithdrawBid,
)
from openets.trading.auction_service import auction_view, due_auctions
from openets.trading.events import DayClosed, TradeExecuted

CEA = "CEA19-20"
CLOSES = "2021-07-16T10:00+08:00"


def _market(preset: str = "cn") -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.instrument(CEA, "48.00")
    return g


@pytest.fixture
def g() -> Given:
    return _market()


def _announce(g: Given, initiator: str, quantity: int = 1_000, **kw: Any) -> str:
    kw.setdefault("reserve_price", 4_000)
    kw.setdefault("lot_size", 100)
    side = kw.pop("side", AuctionSide.SELL)
    ev = g.ok(AnnounceAuction(initiator, side, CEA, quantity, closes_at=CLOSES, **kw), "exchange")
    return str(ev[-1].spec.auction_id)


def _bid(g: Given, auction_id: str, acct: str, price: int, qty: int) -> str:
    return str(g.ok(PlaceBid(auction_id, acct, price, qty), acct)[-1].bid.bid_id)


def _close(g: Given, auction_id: str) -> tuple[Any, ...]:
    g.at(CLOSES)
    events: tuple[Any, ...] = g.ok(CloseAuction(auction_id), "exchange")
    return events


def _trades(events: tuple[Any, ...]) -> list[TradeExecuted]:
    return [e for e in events if isinstance(e, TradeExecuted)]


def test_uniform_price_auction_clears_at_lowest_accepted_bid(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a, b, c, d = (g.account(fen=10**8) for _ in range(4))
    aid = _announce(g, seller)
    for acct, price in ((a, 6000), (b, 5500), (c, 5200), (d, 5000)):
        _bid(g, aid, acct, price, 400)
    events = _close(g, aid)
    got = {t.buyer: (t.price, t.quantity) for t in _trades(events)}
    assert got == {a: (5200, 400), b: (5200, 400), c: (5200, 200)}
    (result,) = [e for e in events if isinstance(e, AuctionResultPublished)]
    assert result.summary.clearing_price == 5200 and result.summary.volume == 1_000
    # every bid keeps only what it paid: the rest of its lock is back
    assert g.funds(a)[:2] == [10**8 - 5200 * 400, 0]
    assert g.funds(c)[:2] == [10**8 - 5200 * 200, 0]
    assert g.funds(d)[:2] == [10**8, 0]
    assert g.holding(seller) == [0, 1_000, 0, 0, 0]  # locked until settlement delivers


def test_auction_trades_never_set_the_close_and_count_as_auction_volume(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller)
    _bid(g, aid, a, 6000, 1_000)
    _close(g, aid)
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    (bar,) = g.state.trading.bars[CEA]
    assert isinstance(bar, DayClosed) and bar.close == 4800 and bar.open is None
    assert ("auction", 1_000, 6_000_000) in bar.volumes


def test_auction_with_cover_below_supply_is_cancelled_and_unlocks_all_bids(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a, b = g.account(fen=10**8), g.account(fen=10**8)
    aid = _announce(g, seller)
    _bid(g, aid, a, 6000, 300)
    _bid(g, aid, b, 5000, 300)
    assert g.funds(a)[1] == 6000 * 300
    events = _close(g, aid)
    assert _trades(events) == []
    (result,) = [e for e in events if isinstance(e, AuctionResultPublished)]
    assert result.summary.outcome is AuctionOutcome.CANCELLED
    assert result.summary.cancel_reason is CancelReason.COVER_SHORT
    assert g.funds(a) == [10**8, 0, 0, 0] and g.funds(b) == [10**8, 0, 0, 0]
    assert g.holding(seller) == [1_000, 0, 0, 0, 0]
    assert g.state.violations() == []


def test_sealed_bids_are_not_visible_to_other_bidders(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a, b = g.account(fen=10**8), g.account(fen=10**8)
    aid = _announce(g, seller)
    bid_a = _bid(g, aid, a, 6000, 500)
    bid_b = _bid(g, aid, b, 5000, 500)
    view_a, view_b = auction_view(g.state, aid, a), auction_view(g.state, aid, b)
    assert view_a is not None and view_b is not None
    assert [x.bid_id for x in view_a.my_bids] == [bid_a]
    assert [x.bid_id for x in view_b.my_bids] == [bid_b]
    assert view_a.summary is None and view_a.initiator is None
    init = auction_view(g.state, aid, seller)
    assert init is not None and init.my_bids == () and init.initiator == seller
    ops = auction_view(g.state, aid, None, operator=True)
    assert ops is not None and {x.bid_id for x in ops.my_bids} == {bid_a, bid_b}
    # another bidder cannot touch a bid it does not own
    r = g.rejects(WithdrawBid(aid, bid_a, b))
    assert r.code is Code.NOT_PERMITTED


def test_bid_after_the_window_is_rejected(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller)
    g.at(CLOSES)
    r = g.rejects(PlaceBid(aid, a, 6000, 100))
    assert r.code is Code.AUCTION_CLOSED and r.field == "auction_id"


def test_bid_before_the_window_opens_is_rejected(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller, opens_at="2021-07-16T09:30+08:00")
    assert g.rejects(PlaceBid(aid, a, 6000, 100)).code is Code.AUCTION_CLOSED


def test_bid_beyond_the_bidders_funds_is_rejected(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=6000 * 100 - 1)
    aid = _announce(g, seller)
    assert g.rejects(PlaceBid(aid, a, 6000, 100)).code is Code.INSUFFICIENT_FUNDS


def test_bid_below_a_public_reserve_is_rejected(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller)
    r = g.rejects(PlaceBid(aid, a, 3999, 100))
    assert r.code is Code.INVALID_PRICE and "3999" in r.message


def test_bids_above_the_per_bidder_cap_are_rejected(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller, per_bidder_cap=300)
    _bid(g, aid, a, 6000, 200)
    assert g.rejects(PlaceBid(aid, a, 5000, 200)).code is Code.CAP_EXCEEDED


def test_modified_and_withdrawn_bids_adjust_their_locks(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller)
    bid = _bid(g, aid, a, 6000, 500)
    g.ok(ModifyBid(aid, bid, a, 5000, 300), a)
    assert g.funds(a)[:2] == [10**8 - 5000 * 300, 5000 * 300]
    g.ok(ModifyBid(aid, bid, a, 7000, 400), a)
    assert g.funds(a)[1] == 7000 * 400
    g.ok(WithdrawBid(aid, bid, a), a)
    assert g.funds(a) == [10**8, 0, 0, 0]
    g.at(CLOSES)
    assert g.rejects(ModifyBid(aid, bid, a, 6000, 100)).code is Code.UNKNOWN_ORDER


def test_auction_closes_only_after_its_window(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    aid = _announce(g, seller)
    assert g.rejects(CloseAuction(aid), "exchange").code is Code.INVALID_STATE
    assert due_auctions(g.state, g.now()) == ()
    g.at(CLOSES)
    assert due_auctions(g.state, g.now()) == (aid,)
    g.ok(CloseAuction(aid), "exchange")
    assert due_auctions(g.state, g.now()) == ()
    assert g.engine.submit(CloseAuction(aid), "exchange") == ()  # closing twice does nothing


def test_initiator_cannot_bid_in_its_own_auction(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000}, fen=10**8)
    aid = _announce(g, seller)
    assert g.rejects(PlaceBid(aid, seller, 6000, 100)).code is Code.SELF_TRADE


def test_seller_must_hold_the_allowances_it_auctions(g: Given) -> None:
    seller = g.account(tonnes={CEA: 999})
    r = g.rejects(AnnounceAuction(seller, AuctionSide.SELL, CEA, 1_000, 4000, CLOSES), "exchange")
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_government_paid_allocation_auction_sells_from_the_auction_account(g: Given) -> None:
    gov = g.state.registry.system_account(SystemRole.AUCTION)
    g.ok(rc.Issue(gov, CEA, 5_000, "paid allocation volume"))
    a, b = g.account(fen=10**8), g.account(fen=10**8)
    aid = _announce(g, gov, 2_000)
    assert g.holding(gov) == [3_000, 2_000, 0, 0, 0]
    view = auction_view(g.state, aid, a)
    assert view is not None and view.paid_allocation
    _bid(g, aid, a, 5000, 1_500)
    _bid(g, aid, b, 4500, 1_000)
    _close(g, aid)
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert g.holding(gov) == [3_000, 0, 0, 0, 0]
    assert g.holding(a)[0] == 1_500 and g.holding(b)[0] == 500
    assert g.funds(gov)[0] == 4500 * 2_000
    assert g.state.violations() == []


def test_only_government_system_accounts_may_initiate(g: Given) -> None:
    reserve = g.state.registry.system_account(SystemRole.RESERVE)
    r = g.rejects(AnnounceAuction(reserve, AuctionSide.SELL, CEA, 100, 4000, CLOSES), "exchange")
    assert r.code is Code.NOT_PERMITTED and r.field == "initiator"
    prov = g.state.registry.system_account(SystemRole.PROVINCIAL_ALLOCATION, "广东")
    r = g.rejects(AnnounceAuction(prov, AuctionSide.BUY, CEA, 100, 4000, CLOSES), "exchange")
    assert r.code is Code.NOT_PERMITTED and r.field == "side"


def test_auction_trades_settle_at_the_end_of_the_day() -> None:
    g = _market("cn-demo")  # 3 bps a side on auction trades
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller)
    _bid(g, aid, a, 5000, 1_000)
    (trade,) = _trades(_close(g, aid))
    fee = (5000 * 1_000 * 3 + 5000) // 10_000
    assert (trade.buyer_fee, trade.seller_fee) == (fee, fee)
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert g.holding(a) == [1_000, 0, 0, 0, 0]
    assert g.holding(seller) == [0, 0, 0, 0, 0]
    assert g.funds(a) == [10**8 - 5000 * 1_000 - fee, 0, 0, 0]
    assert g.funds(seller) == [5000 * 1_000 - fee, 0, 0, 0]
    income = g.state.registry.system_account(SystemRole.FEE_INCOME)
    assert g.funds(income)[0] == 2 * fee
    assert g.state.violations() == []


def test_buy_auction_pays_each_winning_offer_its_own_price_when_pay_as_bid(g: Given) -> None:
    buyer = g.account(fen=10**8)
    s1, s2 = g.account(tonnes={CEA: 1_000}), g.account(tonnes={CEA: 1_000})
    aid = _announce(
        g, buyer, side=AuctionSide.BUY, reserve_price=6000, pricing=PricingRule.PAY_AS_BID
    )
    assert g.funds(buyer)[1] == 6000 * 1_000
    _bid(g, aid, s1, 5000, 600)
    _bid(g, aid, s2, 5500, 600)
    assert g.holding(s1) == [400, 600, 0, 0, 0]
    got = {t.seller: (t.price, t.quantity) for t in _trades(_close(g, aid))}
    assert got == {s1: (5000, 600), s2: (5500, 400)}
    assert g.funds(buyer)[:2] == [10**8 - 5000 * 600 - 5500 * 400, 0]
    assert g.holding(s2) == [600, 400, 0, 0, 0]


def test_secret_reserve_cancels_the_auction_and_is_hidden_from_bidders(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller, reserve_rule=ReserveRule.CANCEL_AUCTION, reserve_price=5000)
    view = auction_view(g.state, aid, a)
    assert view is not None and view.reserve_price is None
    _bid(g, aid, a, 4900, 1_000)  # accepted: the reserve is secret
    events = _close(g, aid)
    (result,) = [e for e in events if isinstance(e, AuctionResultPublished)]
    assert result.summary.cancel_reason is CancelReason.RESERVE_NOT_MET
    assert g.funds(a) == [10**8, 0, 0, 0]


def test_operator_cancellation_releases_every_lock(g: Given) -> None:
    seller = g.account(tonnes={CEA: 1_000})
    a = g.account(fen=10**8)
    aid = _announce(g, seller)
    _bid(g, aid, a, 6000, 500)
    g.ok(CancelAuction(aid, "system outage"), "exchange")
    assert g.funds(a) == [10**8, 0, 0, 0] and g.holding(seller) == [1_000, 0, 0, 0, 0]
    assert g.rejects(PlaceBid(aid, a, 6000, 100)).code is Code.AUCTION_CLOSED


# -- property --------------------------------------------------------------------------------------

N = 4
place_op = st.tuples(
    st.just("bid"), st.integers(0, N - 1), st.integers(4000, 6000), st.integers(1, 8)
)
bid_op = st.one_of(
    place_op,
    place_op,
    st.tuples(
        st.just("modify"),
        st.integers(0, 30),
        st.integers(0, N - 1),
        st.integers(4000, 6000),
        st.integers(1, 8),
    ),
    st.tuples(st.just("withdraw"), st.integers(0, 30), st.integers(0, N - 1)),
    st.tuples(st.just("clock"), st.integers(1, 600)),
)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=st.lists(bid_op, min_size=3, max_size=40),
    side=st.sampled_from(list(AuctionSide)),
    pricing=st.sampled_from(list(PricingRule)),
    tie=st.sampled_from(list(TieBreak)),
    supply_lots=st.integers(1, 12),
    cap=st.one_of(st.none(), st.integers(1, 10)),
    cover=st.sampled_from([0, 5_000, 10_000]),
)
def test_random_auctions_allocate_within_supply_and_settle_every_lock(
    ops: list[Any],
    side: AuctionSide,
    pricing: PricingRule,
    tie: TieBreak,
    supply_lots: int,
    cap: int | None,
    cover: int,
) -> None:
    g = _market("cn-demo")
    lot = 100
    initiator = g.account(tonnes={CEA: 10_000}, fen=10**9)
    bidders = [g.account(tonnes={CEA: 3_000}, fen=10**8) for _ in range(N)]
    aid = _announce(
        g,
        initiator,
        supply_lots * lot,
        side=side,
        reserve_price=4200 if side is AuctionSide.SELL else 5800,
        pricing=pricing,
        tie_break=tie,
        per_bidder_cap=None if cap is None else cap * lot,
        min_cover_bps=cover,
    )
    book = g.state.auction.auctions[aid]
    for o in ops:
        ids = sorted(book.bids) or ["AB0"]
        if o[0] == "bid":
            g.engine.submit(PlaceBid(aid, bidders[o[1]], o[2], o[3] * lot), "u")
        elif o[0] == "modify":
            g.engine.submit(ModifyBid(aid, ids[o[1] % len(ids)], bidders[o[2]], o[3], o[4] * lot))
        elif o[0] == "withdraw":
            g.engine.submit(WithdrawBid(aid, ids[o[1] % len(ids)], bidders[o[2]]), "u")
        elif g.now() < g.clock.now().replace(hour=9, minute=50):
            g.clock.advance(o[1])
        assert g.state.violations() == []
    r = g.engine.submit(CloseAuction(aid), "exchange")
    assert isinstance(r, Rejection) and r.code is Code.INVALID_STATE  # the window is open
    g.at(CLOSES)
    g.ok(CloseAuction(aid), "exchange")
    assert sum(f.allocated for f in book.fills.values()) <= supply_lots * lot
    assert book.summary is not None and book.summary.volume <= supply_lots * lot
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert g.state.violations() == []
    for acct in (initiator, *bidders):
        assert g.holding(acct)[1] == 0 and g.funds(acct)[1] == 0, acct
    fresh = new_state()
    g.engine.replay_into(fresh, g.engine.journal.read())
    assert fresh.state_hash() == g.state.state_hash()
