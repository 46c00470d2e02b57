"""A restriction binds every path that moves the account's funds or tonnes, not only new orders.

After the regulator restricts account A from trading, A's resting listings and orders leave the
book (the reason journaled), A's auction offers and bids are withdrawn before the close, A's
auctions are called off, and A's block confirmations are refused.
"""

from __future__ import annotations

from typing import Any

from dsl import Given

from openets.domain.rejection import Code
from openets.supervision import messages as sm
from openets.supervision.messages import Authority
from openets.trading.auction import AuctionSide, PricingRule
from openets.trading.auction_messages import (
    AnnounceAuction,
    AuctionCancelled,
    BidWithdrawn,
    CloseAuction,
    PlaceBid,
)
from openets.trading.block import BlockSide
from openets.trading.block_messages import AcceptBlockQuote, CounterBlockQuote, PostBlockRequest
from openets.trading.book import Side
from openets.trading.commands import PlaceOrder, PostListing, TakeListing
from openets.trading.events import ListingCancelled, TradeExecuted

CEA = "CEA19-20"
CLOSES = "2021-07-16T10:00+08:00"


def _market(preset: str = "cn", at: str = "09:30") -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.instrument(CEA, "48.00")
    g.at(f"2021-07-16T{at}+08:00")
    return g


def _restrict(g: Given, acct: str) -> tuple[Any, ...]:
    return g.ok(sm.RestrictAccount(acct, True, False, "spoofing", Authority.REGULATOR), "reg1")


def test_restricted_accounts_resting_listing_cannot_be_taken() -> None:
    g = _market()
    a, b = g.account(tonnes={CEA: 100}), g.account(fen=10**8)
    (*_, posted) = g.ok(PostListing(a, CEA, Side.SELL, 4800, 40))
    events = _restrict(g, a)
    (gone,) = [e for e in events if isinstance(e, ListingCancelled)]
    assert gone.listing_id == posted.listing_id and "spoofing" in gone.reason
    r = g.rejects(TakeListing(posted.listing_id, b, 40))
    assert r.code is Code.UNKNOWN_LISTING
    assert g.holding(a) == [100, 0, 0, 0, 0]  # the listing's lock went back


def test_restricted_accounts_resting_buy_listing_releases_its_funds() -> None:
    g = _market()
    a = g.account(fen=10**7)
    g.ok(PostListing(a, CEA, Side.BUY, 4800, 40))
    _restrict(g, a)
    assert g.funds(a) == [10**7, 0, 0, 0]


def test_restricted_accounts_resting_continuous_order_does_not_trade() -> None:
    g = _market("cn-cda")
    a, b = g.account(tonnes={CEA: 100}), g.account(fen=10**8)
    g.ok(PlaceOrder(a, CEA, Side.SELL, 4800, 40))
    _restrict(g, a)
    events = g.ok(PlaceOrder(b, CEA, Side.BUY, 4800, 40))
    assert not [e for e in events if isinstance(e, TradeExecuted)]


def test_restricted_accounts_auction_offer_does_not_execute_at_the_close() -> None:
    g = _market(at="09:00")
    buyer = g.account(fen=10**8)
    a, s2 = g.account(tonnes={CEA: 1_000}), g.account(tonnes={CEA: 1_000})
    ev = g.ok(
        AnnounceAuction(
            buyer, AuctionSide.BUY, CEA, 600, 6000, CLOSES, lot_size=100,
            pricing=PricingRule.PAY_AS_BID,
        ),
        "exchange",
    )  # fmt: skip
    aid = ev[-1].spec.auction_id
    g.ok(PlaceBid(aid, a, 5000, 600), a)
    g.ok(PlaceBid(aid, s2, 5500, 600), s2)
    events = _restrict(g, a)
    assert [e for e in events if isinstance(e, BidWithdrawn)]
    assert g.holding(a) == [1_000, 0, 0, 0, 0]
    g.at(CLOSES)
    trades = [e for e in g.ok(CloseAuction(aid), "exchange") if isinstance(e, TradeExecuted)]
    assert [(t.seller, t.quantity) for t in trades] == [(s2, 600)]


def test_restricted_accounts_auction_is_called_off() -> None:
    g = _market(at="09:00")
    a, b = g.account(tonnes={CEA: 1_000}), g.account(fen=10**8)
    ev = g.ok(
        AnnounceAuction(a, AuctionSide.SELL, CEA, 1_000, 4000, CLOSES, lot_size=100), "exchange"
    )
    aid = ev[-1].spec.auction_id
    g.ok(PlaceBid(aid, b, 5000, 500), b)
    events = _restrict(g, a)
    (off,) = [e for e in events if isinstance(e, AuctionCancelled)]
    assert off.auction_id == aid and "spoofing" in off.reason
    assert g.holding(a) == [1_000, 0, 0, 0, 0] and g.funds(b) == [10**8, 0, 0, 0]


def test_restricted_account_cannot_confirm_a_block_trade() -> None:
    g = _market(at="13:30")
    s, b = g.account(tonnes={CEA: 300_000}), g.account(fen=10**11)
    ev = g.ok(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, 200_000))
    rid = ev[-1].request.request_id
    g.ok(CounterBlockQuote(rid, b, 4900, 150_000))
    _restrict(g, s)
    r = g.rejects(AcceptBlockQuote(rid, s, 4900, 150_000, ""))
    assert r.code is Code.ACCOUNT_RESTRICTED


def test_block_quote_of_a_restricted_account_cannot_be_confirmed() -> None:
    g = _market(at="13:30")
    s, b = g.account(tonnes={CEA: 300_000}), g.account(fen=10**11)
    ev = g.ok(PostBlockRequest(s, CEA, BlockSide.SELL, 5000, 200_000))
    rid = ev[-1].request.request_id
    _restrict(g, s)
    r = g.rejects(AcceptBlockQuote(rid, b, 5000, 200_000, ""))
    assert r.code is Code.ACCOUNT_RESTRICTED
