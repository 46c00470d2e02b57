"""Worked auctions following the published procedures of other markets (reference/anchors.md).

The procedures are the sources'; the bid books are ours, built so that each rule of the
procedure decides something. Prices are integer minor units (cents, won, fen alike).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from openets.domain.clock import BEIJING, to_utc_micros
from openets.trading.auction import (
    AuctionOutcome,
    AuctionSide,
    AuctionSpec,
    Bid,
    PricingRule,
    ReserveRule,
    TieBreak,
    clear_auction,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


OPENS = to_utc_micros(datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING))
CLOSES = to_utc_micros(datetime(2026, 3, 2, 11, 0, tzinfo=BEIJING))

EEX_SPEC = AuctionSpec(
    auction_id="EEX-EXAMPLE",
    initiator="AUCTIONEER",
    side=AuctionSide.SELL,
    instrument="EUA",
    quantity=10_000,
    reserve_price=None,
    opens_at_us=OPENS,
    closes_at_us=CLOSES,
    lot_size=500,
    pricing=PricingRule.UNIFORM,
    tie_break=TieBreak.RANDOM,
    min_cover_bps=10_000,
    reserve_rule=ReserveRule.CANCEL_AUCTION,
)
EEX_BIDS = (
    Bid("A", "bidder-a", 2_540, 3_000, 1),
    Bid("B", "bidder-b", 2_535, 2_500, 2),
    Bid("C", "bidder-c", 2_530, 2_000, 3),
    Bid("D", "bidder-d", 2_530, 1_500, 4),
    Bid("E", "bidder-e", 2_525, 2_000, 5),
    Bid("F", "bidder-f", 2_525, 2_000, 6),
    Bid("G", "bidder-g", 2_510, 1_000, 7),
)


def test_eex_auction_example_clears_where_cumulative_bids_reach_supply() -> None:
    """EEX primary auction procedure, anchors.md §A.2 (EEX auction design page; Auctioning
    Regulation 1031/2010 Art. 7): bids in lots of 500, sorted by price highest first, volumes
    added up; the clearing price is the price at which the sum reaches or exceeds the supply;
    tied bids are ordered by a random algorithm; the last bidder gets the remainder; all
    winners pay the clearing price.

    10,000 allowances on offer. Cumulative: A 3,000 (25.40), B 5,500 (25.35), C+D 9,000
    (25.30, both filled whatever their tie order), E and F tie at 25.25 for the last 1,000:
    the random order gives the first of them 1,000 (the remainder) and the other nothing;
    G (25.10) is below the clearing price. Clearing price 25.25, cover 14,000/10,000 = 140%.
    """
    winners_at_margin = set()
    for seed in range(30):
        result = clear_auction(EEX_SPEC, EEX_BIDS, seed)
        got = {a.bid_id: a.allocated for a in result.allocations}
        assert result.summary.outcome is AuctionOutcome.CLEARED
        assert result.summary.clearing_price == 2_525
        assert result.summary.volume == 10_000
        assert result.summary.cover_ratio_bps == 14_000
        assert (got["A"], got["B"], got["C"], got["D"], got["G"]) == (3_000, 2_500, 2_000, 1_500, 0)
        assert sorted((got["E"], got["F"])) == [0, 1_000]
        first = next(a.bid_id for a in result.allocations if a.bid_id in ("E", "F"))
        assert got[first] == 1_000  # the tie is won by whoever the seeded order puts first
        assert all(a.price == 2_525 for a in result.allocations if a.allocated)
        assert result.summary.winners == 5 and result.summary.bidders == 7
        winners_at_margin.add(first)
        assert clear_auction(EEX_SPEC, EEX_BIDS, seed) == result
    assert winners_at_margin == {"E", "F"}


def test_eex_auction_example_is_cancelled_when_bids_fall_short_of_supply() -> None:
    """anchors.md §A.2, Art. 7(5): the auction is cancelled if total bid volume is below the
    volume auctioned. Without A and B the book holds C 2,000 + D 1,500 + E 2,000 + F 2,000 +
    G 1,000 = 8,500 < 10,000: cancelled, everything unlocked."""
    bids = [b for b in EEX_BIDS if b.bid_id not in ("A", "B")]
    result = clear_auction(EEX_SPEC, bids, seed=7)
    assert result.summary.outcome is AuctionOutcome.CANCELLED
    assert result.summary.cover_ratio_bps == 8_500
    assert all(a.released == a.locked.amount for a in result.allocations)


def test_wci_auction_example_applies_reserve_lots_and_purchase_limit() -> None:
    """California/Québec joint auction procedure, anchors.md §A.4 (CARB §95911/§95912 and the
    joint "Auction Examples"): single round, sealed bid, bids in multiples of 1,000, a public
    auction reserve price below which bids are not accepted, a purchase limit per entity, and a
    uniform settlement price, the price of the lowest winning bid.

    20,000 allowances, reserve 11.34, purchase limit 8,000 (40%). Entity A bids 6,000 at 12.50
    and 4,000 at 12.20: only 2,000 of the second bid fit under its limit. Ranked: A 6,000,
    B 5,000 (12.30), A 2,000, C 7,000 (12.10) reaches exactly 20,000; D (12.00) gets nothing.
    """
    spec = AuctionSpec(
        auction_id="WCI-EXAMPLE",
        initiator="STATE",
        side=AuctionSide.SELL,
        instrument="CCA",
        quantity=20_000,
        reserve_price=1_134,
        opens_at_us=OPENS,
        closes_at_us=CLOSES,
        lot_size=1_000,
        per_bidder_cap=8_000,
        pricing=PricingRule.UNIFORM,
        tie_break=TieBreak.RANDOM,
        reserve_rule=ReserveRule.REJECT_BIDS,
        paid_allocation=True,
    )
    bids = [
        Bid("A1", "A", 1_250, 6_000, 1),
        Bid("A2", "A", 1_220, 4_000, 2),
        Bid("B1", "B", 1_230, 5_000, 3),
        Bid("C1", "C", 1_210, 7_000, 4),
        Bid("D1", "D", 1_200, 3_000, 5),
    ]
    result = clear_auction(spec, bids, seed=3)
    got = {a.bid_id: a.allocated for a in result.allocations}
    assert got == {"A1": 6_000, "A2": 2_000, "B1": 5_000, "C1": 7_000, "D1": 0}
    assert result.summary.clearing_price == 1_210
    assert result.initiator.turnover == 20_000 * 1_210
    a2 = next(a for a in result.allocations if a.bid_id == "A2")
    assert a2.eligible == 2_000 and a2.released == 4_000 * 1_220 - 2_000 * 1_210


def test_krx_auction_example_breaks_ties_by_time_under_a_15_percent_cap() -> None:
    """Korea ETS auction procedure, anchors.md §A.7: uniform price, ties broken by time, bids
    not disclosed; the first monthly auction sold 550,000 KAU; the per-entity purchase cap is
    15% (82,500 of 550,000).

    Five bidders at 30.60..30.30 take 412,500; P6 and P7 tie at 30.20 for the last 137,500:
    P7 bid first and takes its full 82,500, P6 gets the remaining 55,000; P8 gets nothing.
    """
    spec = AuctionSpec(
        auction_id="KRX-EXAMPLE",
        initiator="MOE",
        side=AuctionSide.SELL,
        instrument="KAU",
        quantity=550_000,
        reserve_price=None,
        opens_at_us=OPENS,
        closes_at_us=CLOSES,
        per_bidder_cap=82_500,
        pricing=PricingRule.UNIFORM,
        tie_break=TieBreak.TIME,
        paid_allocation=True,
    )
    prices = {"P1": 3_060, "P2": 3_050, "P3": 3_050, "P4": 3_040, "P5": 3_030}
    bids = [Bid(p, p, price, 82_500, i) for i, (p, price) in enumerate(prices.items())]
    bids += [
        Bid("P6", "P6", 3_020, 82_500, 7),
        Bid("P7", "P7", 3_020, 82_500, 6),
        Bid("P8", "P8", 3_010, 82_500, 8),
    ]
    result = clear_auction(spec, bids, seed=0)
    got = {a.bid_id: a.allocated for a in result.allocations}
    assert result.summary.clearing_price == 3_020
    assert got["P7"] == 82_500 and got["P6"] == 55_000 and got["P8"] == 0
    assert sum(got.values()) == 550_000
