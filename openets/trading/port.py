"""Trading's port for the other contexts: what supervision's measures, pledges, repos and
reserves ask of trading, and nothing else of its services' internals.

- whether an account may trade now (:func:`trading_account`) and the day guard
  (:func:`day_guard`: the trading day opens on its first command);
- a trade of another context's making (a repo's leg): :func:`lock_for` locks what the seller
  delivers, :func:`trade_events` moves the payment through the clearing account and records
  the trade; the checks such a trade passes first (:func:`check_not_suspended`,
  :func:`check_session_open`, :func:`price_band` and :func:`check_price_within_band`);
- what trading still has open for an account the registry is asked to close
  (:func:`open_for_account`);
- what compliance reads of the trades: :func:`traded`, :func:`traded_by` (the dated trade
  ledger's CEA sold and bought) and :func:`cea_traded` (a period's CEA value and volume);
- the reads of the trading state the others make (:mod:`openets.trading.reads`): the
  instruments, the composite closes, the day's phase and unsettled trades, an account's
  listings and position; and :func:`mark_settled`, settlement's one change to it;
- taking back what an account has resting (a restriction): :func:`release_listing`,
  :func:`bid_withdrawal`, :func:`cancellation`;
- one-way bidding the reserves announce: :func:`announced_spec`, :func:`locked_announcement`,
  :func:`announced`, and the auctions (:func:`auctions`, their records and
  :data:`AUCTION_OPEN`);
- the events other contexts follow: :class:`DayFinished` (clearing's roll),
  :class:`InstrumentStatusChanged` (supervision's halts).
"""

from __future__ import annotations

from openets.trading.auction import AuctionSide
from openets.trading.auction_book import OPEN as AUCTION_OPEN
from openets.trading.auction_book import AuctionRecord
from openets.trading.auction_messages import AnnounceAuction, AuctionLock
from openets.trading.auction_service import (
    announced,
    announced_spec,
    bid_withdrawal,
    cancellation,
    locked_announcement,
)
from openets.trading.bands import price_band
from openets.trading.book import Side
from openets.trading.checks import (
    check_not_suspended,
    check_price_within_band,
    check_session_open,
)
from openets.trading.events import DayFinished, InstrumentStatusChanged, TradeExecuted
from openets.trading.reads import (
    auctions,
    cea_traded,
    composite_bars,
    instrument,
    instruments,
    listings_of,
    mark_settled,
    position_in,
    product_of,
    resting_buys,
    session_phase,
    traded,
    traded_by,
    trading_day,
    unsettled_count,
    unsettled_trades,
)
from openets.trading.service import lock_for, release_listing, trade_events
from openets.trading.service_checks import day_guard, open_for_account, trading_account

__all__ = [
    "AUCTION_OPEN",
    "AnnounceAuction",
    "AuctionLock",
    "AuctionRecord",
    "AuctionSide",
    "DayFinished",
    "InstrumentStatusChanged",
    "Side",
    "TradeExecuted",
    "announced",
    "announced_spec",
    "auctions",
    "bid_withdrawal",
    "cancellation",
    "cea_traded",
    "check_not_suspended",
    "check_price_within_band",
    "check_session_open",
    "composite_bars",
    "day_guard",
    "instrument",
    "instruments",
    "listings_of",
    "lock_for",
    "locked_announcement",
    "mark_settled",
    "open_for_account",
    "position_in",
    "price_band",
    "product_of",
    "release_listing",
    "resting_buys",
    "session_phase",
    "trade_events",
    "traded",
    "traded_by",
    "trading_account",
    "trading_day",
    "unsettled_count",
    "unsettled_trades",
]
