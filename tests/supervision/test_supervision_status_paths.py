"""An account the registry restricts or freezes trades no more by any path: its resting
listings and orders leave the book with their locks (the reason journaled), its auction bids
are withdrawn and its auctions called off, whether the status is changed directly or by an
approved request."""

from __future__ import annotations

import pytest
from dsl import Given

from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.registry.service import DecideAccountStatus, RequestAccountStatus
from openets.trading.auction import AuctionSide, PricingRule
from openets.trading.auction_messages import AnnounceAuction, BidWithdrawn, CloseAuction, PlaceBid
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing
from openets.trading.events import ListingCancelled, TradeExecuted

CEA = "CEA19-20"
CLOSES = "2021-07-16T10:00+08:00"


def _market(at: str = "09:30") -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn")
    g.instrument(CEA, "48.00")
    g.at(f"2021-07-16T{at}+08:00")
    return g


@pytest.mark.parametrize("status", [AccountStatus.RESTRICTED, AccountStatus.FROZEN])
def test_an_account_restricted_or_frozen_by_the_registry_has_its_resting_listings_cancelled(
    status: AccountStatus,
) -> None:
    g = _market()
    a, b = g.account(tonnes={CEA: 100}), g.account(fen=10**8)
    (*_, posted) = g.ok(PostListing(a, CEA, Side.SELL, 4800, 40))
    events = g.ok(rc.ChangeAccountStatus(a, status, "court order"))
    (gone,) = [e for e in events if isinstance(e, ListingCancelled)]
    assert gone.listing_id == posted.listing_id and "court order" in gone.reason
    assert g.rejects(TakeListing(posted.listing_id, b, 40)).code is Code.UNKNOWN_LISTING
    assert g.holding(a) == [100, 0, 0, 0, 0]  # the listing's lock went back


def test_an_approved_restriction_cancels_the_accounts_resting_listings() -> None:
    g = _market()
    a, b = g.account(fen=10**7), g.account(tonnes={CEA: 100})
    (*_, posted) = g.ok(PostListing(a, CEA, Side.BUY, 4800, 40))
    (asked,) = g.ok(RequestAccountStatus(a, "restrict", "court order"), "op1")
    events = g.ok(DecideAccountStatus(asked.request_id, True, "seen"), "op2")
    assert [e.listing_id for e in events if isinstance(e, ListingCancelled)] == [posted.listing_id]
    assert g.rejects(TakeListing(posted.listing_id, b, 40)).code is Code.UNKNOWN_LISTING
    assert g.funds(a) == [10**7, 0, 0, 0]  # the buy listing's funds went back


def test_a_frozen_accounts_auction_offer_does_not_execute_at_the_close() -> None:
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
    events = g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    assert [e for e in events if isinstance(e, BidWithdrawn)]
    assert g.holding(a) == [1_000, 0, 0, 0, 0]
    g.at(CLOSES)
    trades = [e for e in g.ok(CloseAuction(aid), "exchange") if isinstance(e, TradeExecuted)]
    assert [(t.seller, t.quantity) for t in trades] == [(s2, 600)]
