"""The position limit binds every way of buying, not only listings: bids in a sale by auction
count as open buys, a raised bid and a buy auction are checked, and a block trade is refused
when it would take its buyer over the limit (preset cn-pilot-limits: an entity without an
allocation may hold 1,000,000 t)."""

from __future__ import annotations

from dsl import Given

from openets.domain.rejection import Code
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, ModifyBid, PlaceBid
from openets.trading.block import BlockSide
from openets.trading.block_messages import AcceptBlockQuote, CounterBlockQuote, PostBlockRequest

CEA = "CEA19-20"
CLOSES = "2021-07-16T10:00+08:00"
LIMIT = 1_000_000


def _market(at: str = "09:00") -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn-pilot-limits")
    g.instrument(CEA, "48.00")
    g.at(f"2021-07-16T{at}+08:00")
    return g


def _sale(g: Given, seller: str, quantity: int = 1_500_000) -> str:
    ev = g.ok(
        AnnounceAuction(seller, AuctionSide.SELL, CEA, quantity, 4000, CLOSES, lot_size=100),
        "exchange",
    )
    return str(ev[-1].spec.auction_id)


def test_bids_in_an_open_auction_count_in_the_bidders_position() -> None:
    g = _market()
    seller, buyer = g.account(tonnes={CEA: 3_000_000}), g.account(fen=10**12)
    aid = _sale(g, seller)
    g.ok(PlaceBid(aid, buyer, 5000, 900_000), buyer)
    r = g.rejects(PlaceBid(aid, buyer, 5000, 900_000), buyer)
    assert r.code is Code.POSITION_LIMIT and "open buys 900000 t" in r.message
    g.ok(PlaceBid(aid, buyer, 5000, LIMIT - 900_000), buyer)


def test_raising_an_auction_bid_over_the_position_limit_is_rejected() -> None:
    g = _market()
    seller, buyer = g.account(tonnes={CEA: 3_000_000}), g.account(fen=10**12)
    aid = _sale(g, seller)
    bid = g.ok(PlaceBid(aid, buyer, 5000, 100_000), buyer)[-1].bid
    r = g.rejects(ModifyBid(aid, bid.bid_id, buyer, 5000, LIMIT + 100), buyer)
    assert r.code is Code.POSITION_LIMIT
    g.ok(ModifyBid(aid, bid.bid_id, buyer, 5000, LIMIT), buyer)


def test_a_buy_auction_over_the_initiators_position_limit_is_rejected() -> None:
    g = _market()
    buyer = g.account(fen=10**12)
    over = AnnounceAuction(buyer, AuctionSide.BUY, CEA, LIMIT + 100, 6000, CLOSES, lot_size=100)
    assert g.rejects(over, "exchange").code is Code.POSITION_LIMIT
    g.ok(
        AnnounceAuction(buyer, AuctionSide.BUY, CEA, LIMIT, 6000, CLOSES, lot_size=100), "exchange"
    )


def test_a_block_trade_over_the_buyers_position_limit_is_rejected() -> None:
    g = _market(at="13:30")
    seller, buyer = g.account(tonnes={CEA: 3_000_000}), g.account(fen=10**12)
    posted = g.ok(PostBlockRequest(seller, CEA, BlockSide.SELL, 5000, 1_500_000))
    rid = posted[-1].request.request_id
    r = g.rejects(AcceptBlockQuote(rid, buyer, 5000, 1_500_000, ""), buyer)
    assert r.code is Code.POSITION_LIMIT and "this order 1500000 t" in r.message
    g.ok(CounterBlockQuote(rid, buyer, 5000, 1_500_000), buyer)
    assert g.rejects(AcceptBlockQuote(rid, seller, 5000, 1_500_000, ""), seller).code is (
        Code.POSITION_LIMIT
    )
    g.ok(CounterBlockQuote(rid, buyer, 5000, LIMIT), buyer)
    g.ok(AcceptBlockQuote(rid, seller, 5000, LIMIT, ""), seller)
