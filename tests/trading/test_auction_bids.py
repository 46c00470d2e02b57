"""One-way bidding: placing, modifying and withdrawing sealed bids during the window."""

from __future__ import annotations

from datetime import datetime

import pytest

from openets.domain.clock import BEIJING, to_utc_micros
from openets.domain.rejection import Code, Rejection
from openets.trading.auction import (
    AuctionSide,
    AuctionSpec,
    Bid,
    LockAsset,
    LockChange,
    close_auction,
    modify_bid,
    place_bid,
    withdraw_bid,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
CLOSES = datetime(2026, 3, 2, 11, 0, tzinfo=BEIJING)
DURING = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)

SPEC = AuctionSpec(
    auction_id="AU1",
    initiator="GOV",
    side=AuctionSide.SELL,
    instrument="CEA25",
    quantity=1_000,
    reserve_price=5_000,
    opens_at_us=to_utc_micros(OPENS),
    closes_at_us=to_utc_micros(CLOSES),
    lot_size=100,
)
BID = Bid("b1", "A", 6_000, 400, seq=7)


def test_placed_bid_locks_price_times_quantity() -> None:
    assert place_bid(SPEC, BID, DURING) == LockChange("A", LockAsset.FUNDS, 2_400_000)


def test_bid_offer_in_a_buy_auction_locks_allowances() -> None:
    from dataclasses import replace

    s = replace(SPEC, side=AuctionSide.BUY, reserve_price=7_000)
    assert place_bid(s, BID, DURING) == LockChange("A", LockAsset.ALLOWANCES, 400)


def test_bid_before_the_window_opens_is_rejected() -> None:
    early = datetime(2026, 3, 2, 8, 59, tzinfo=BEIJING)
    problem = place_bid(SPEC, BID, early)
    assert isinstance(problem, Rejection) and problem.code is Code.AUCTION_CLOSED


def test_modified_bid_locks_only_the_difference() -> None:
    out = modify_bid(SPEC, BID, "A", 6_500, 400, seq=9, now=DURING)
    assert not isinstance(out, Rejection)
    new, change = out
    assert (new.price, new.quantity) == (6_500, 400)
    assert change == LockChange("A", LockAsset.FUNDS, 200_000)


def test_quantity_cut_at_the_same_price_keeps_time_priority() -> None:
    out = modify_bid(SPEC, BID, "A", 6_000, 300, seq=9, now=DURING)
    assert not isinstance(out, Rejection)
    new, change = out
    assert new.seq == 7 and change.amount == -600_000


def test_price_change_loses_time_priority() -> None:
    out = modify_bid(SPEC, BID, "A", 5_900, 400, seq=9, now=DURING)
    assert not isinstance(out, Rejection)
    assert out[0].seq == 9


def test_modification_by_another_account_is_rejected() -> None:
    problem = modify_bid(SPEC, BID, "B", 6_500, 400, seq=9, now=DURING)
    assert isinstance(problem, Rejection) and problem.code is Code.NOT_PERMITTED


def test_modification_after_the_close_is_rejected() -> None:
    problem = modify_bid(SPEC, BID, "A", 6_500, 400, seq=9, now=CLOSES)
    assert isinstance(problem, Rejection) and problem.code is Code.AUCTION_CLOSED


def test_withdrawn_bid_releases_its_whole_lock() -> None:
    assert withdraw_bid(SPEC, BID, "A", DURING) == LockChange("A", LockAsset.FUNDS, -2_400_000)


def test_withdrawal_after_the_close_is_rejected() -> None:
    problem = withdraw_bid(SPEC, BID, "A", CLOSES)
    assert isinstance(problem, Rejection) and problem.code is Code.AUCTION_CLOSED


def test_close_before_the_window_ends_is_rejected() -> None:
    problem = close_auction(SPEC, [BID], DURING, seed=1)
    assert isinstance(problem, Rejection) and problem.code is Code.INVALID_STATE


def test_close_after_the_window_clears_the_auction() -> None:
    bids = [BID, Bid("b2", "B", 5_500, 700, seq=8)]
    result = close_auction(SPEC, bids, CLOSES, seed=1)
    assert not isinstance(result, Rejection)
    assert result.summary.clearing_price == 5_500 and result.summary.volume == 1_000
