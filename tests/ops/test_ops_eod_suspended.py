"""One suspended instrument does not block the whole market's end of day."""

from __future__ import annotations

from dsl import Given

from openets.supervision import messages as sm
from openets.supervision.messages import Authority
from openets.trading.auction import AuctionSide
from openets.trading.auction_messages import AnnounceAuction, AuctionCancelled, PlaceBid
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

CEA, OTHER = "CEA19-20", "CEA21"
CLOSES = "2021-07-16T10:00+08:00"


def test_end_of_day_settles_the_market_and_cancels_an_auction_of_a_suspended_instrument() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    g.instrument(OTHER, "50.00")
    seller = g.account(tonnes={CEA: 1_000, OTHER: 100})
    bidder, buyer = g.account(fen=10**8), g.account(fen=10**8)
    ev = g.ok(
        AnnounceAuction(seller, AuctionSide.SELL, CEA, 1_000, 4000, CLOSES, lot_size=100),
        "exchange",
    )
    aid = ev[-1].spec.auction_id
    g.ok(PlaceBid(aid, bidder, 5000, 1_000), bidder)
    g.at("2021-07-16T09:45+08:00")
    (*_, posted) = g.ok(PostListing(seller, OTHER, Side.SELL, 5000, 40))
    g.ok(TakeListing(posted.listing_id, buyer, 40))  # an unrelated trade, settled tonight
    g.ok(sm.SuspendInstrument(CEA, "abnormal volatility", Authority.REGULATOR), "reg1")
    cancelled: list[AuctionCancelled] = []
    g.engine.subscribers.append(
        lambda recs, evs: cancelled.extend(e for e in evs if isinstance(e, AuctionCancelled))
    )
    g.at("2021-07-16T15:30+08:00")  # the auction's window has passed
    g.end_of_day()
    assert [c.auction_id for c in cancelled] == [aid]
    assert "suspended" in cancelled[0].reason and "abnormal volatility" in cancelled[0].reason
    assert g.funds(bidder) == [10**8, 0, 0, 0] and g.holding(seller, CEA) == [1_000, 0, 0, 0, 0]
    assert g.holding(buyer, OTHER)[0] == 40  # delivered and rolled: the day finished
    g.at("2021-07-19T09:45+08:00")
    g.ok(PostListing(buyer, OTHER, Side.SELL, 5000, 10))  # the next day starts
