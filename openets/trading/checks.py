"""Pre-trade checks: one small pure function per rule, each returning a Rejection or None.

Each message states the value it refused, the rule's limit and names the field, so the API can
pass it on unchanged. Funds and holdings (prefunding, T+1, position limits) are checked by the
engine, which owns the balances. :func:`check_listing_order` and :func:`check_take` run the
rules of one command in a fixed order and return the first failure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.trading.book import OrderBook, RestingOrder
from openets.trading.calendar import Calendar, SessionWindows
from openets.trading.rules import TradingRules


def check_price_on_tick(price: int, tick: int) -> Rejection | None:
    """A price is positive and a whole number of ticks."""
    if price <= 0:
        return Rejection(Code.INVALID_PRICE, f"price must be positive, was {price} fen", "price")
    if price % tick:
        return Rejection(
            Code.TICK_SIZE,
            f"price {format_yuan(price)} is not a multiple of the {format_yuan(tick)} tick",
            "price",
        )
    return None


def check_price_within_band(price: int, band: tuple[int, int], prev_close: int) -> Rejection | None:
    """A price lies within the day's band around the previous close (both ends allowed)."""
    low, high = band
    if low <= price <= high:
        return None
    return Rejection(
        Code.PRICE_OUT_OF_BAND,
        f"price {format_yuan(price)} is outside today's band {format_yuan(low)}.."
        f"{format_yuan(high)} around the previous close {format_yuan(prev_close)}",
        "price",
    )


def check_quantity_within_range(qty: int, min_qty: int, max_qty: int | None) -> Rejection | None:
    """An order's quantity lies within the method's per-order limits."""
    if qty >= min_qty and (max_qty is None or qty <= max_qty):
        return None
    limit = f"{min_qty}..{max_qty} t" if max_qty is not None else f"at least {min_qty} t"
    return Rejection(
        Code.QUANTITY_OUT_OF_RANGE, f"quantity must be {limit}, was {qty} t", "quantity"
    )


def check_take_within_remaining(qty: int, listing: RestingOrder[Any]) -> Rejection | None:
    """A taker trades its own quantity, at least 1 t and at most the listing's remainder."""
    if 1 <= qty <= listing.remaining:
        return None
    return Rejection(
        Code.QUANTITY_OUT_OF_RANGE,
        f"take quantity must be 1..{listing.remaining} t (the listing's remainder), was {qty} t",
        "quantity",
    )


def check_take_within_best_levels(
    book: OrderBook[Any], listing: RestingOrder[Any], levels: int = 5
) -> Rejection | None:
    """A taker may pick only a listing on the best ``levels`` price levels of its side."""
    rank = book.level_rank(listing.side, listing.price)
    if rank < levels:
        return None
    return Rejection(
        Code.BEYOND_BEST_FIVE,
        f"listing {listing.order_id} at {format_yuan(listing.price)} is on price level "
        f"{rank + 1} of the {listing.side.name.lower()} side; only the best {levels} may be taken",
        "listing_id",
    )


def check_no_self_take(taker_account: str, listing: RestingOrder[Any]) -> Rejection | None:
    """An account cannot take its own listing."""
    if taker_account != listing.account:
        return None
    return Rejection(
        Code.SELF_TRADE,
        f"listing {listing.order_id} belongs to the taking account {taker_account}",
        "account_id",
    )


def check_session_open(
    calendar: Calendar, when: datetime, windows: SessionWindows, what: str = "trading"
) -> Rejection | None:
    """The market is open: a trading day, and a time inside one of the method's windows.

    A date beyond the calendar's data raises ``CalendarRangeError`` (a configuration fault,
    not the caller's mistake), unless the calendar was built with ``beyond="weekdays"``.
    """
    if calendar.session_of(when, windows) is not None:
        return None
    local = (
        when if when.tzinfo is None or when.tzinfo is calendar.tz else when.astimezone(calendar.tz)
    )
    hours = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in windows)
    if not calendar.is_trading_day(local.date()):
        why = f"{local:%Y-%m-%d} ({local:%A}) is not a trading day"
    else:
        why = f"{local:%H:%M:%S} is outside the {what} hours {hours}"
    return Rejection(Code.MARKET_CLOSED, f"the market is closed: {why}", None)


def check_not_suspended(suspended: bool, instrument: str) -> Rejection | None:
    """A suspended instrument accepts no orders."""
    if not suspended:
        return None
    return Rejection(
        Code.INSTRUMENT_SUSPENDED, f"trading in {instrument} is suspended", "instrument"
    )


def check_listing_order(
    rules: TradingRules,
    calendar: Calendar,
    when: datetime,
    band: tuple[int, int] | None,
    prev_close: int,
    price: int,
    qty: int,
) -> Rejection | None:
    """Every trading rule of a new listing (or continuous order); the first failure.

    ``band`` is today's :func:`~openets.trading.bands.price_band` (None if the preset has none).
    """
    return (
        check_session_open(calendar, when, rules.listing_sessions)
        or check_price_on_tick(price, rules.tick_fen)
        or (check_price_within_band(price, band, prev_close) if band is not None else None)
        or check_quantity_within_range(qty, rules.listing_min_qty, rules.listing_max_qty)
    )


def check_take(
    rules: TradingRules,
    calendar: Calendar,
    when: datetime,
    book: OrderBook[Any],
    listing: RestingOrder[Any],
    taker_account: str,
    qty: int,
) -> Rejection | None:
    """Every trading rule of taking ``qty`` from ``listing``; the first failure.

    The listing's price was checked against the band when it was posted, and bands hold for
    the whole day, so a take needs no band check.
    """
    return (
        check_session_open(calendar, when, rules.listing_sessions)
        or check_take_within_remaining(qty, listing)
        or check_take_within_best_levels(book, listing, rules.best_levels)
        or (check_no_self_take(taker_account, listing) if rules.prevent_self_trade else None)
    )
