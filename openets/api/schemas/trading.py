"""Bodies of trading and market data: instruments, listings, orders, trades, depth, bars,
the ticker, and the trading day's operations. Money as decimal strings, tonnes as integers."""

from __future__ import annotations

from typing import Annotated, Literal

from openets.api.schemas.common import (
    AccountRef,
    Flag,
    InModel,
    OutModel,
    Price,
    ProductCode,
    Quantity,
    text_schema,
    text_validator,
)

InstrumentCode = Annotated[str, text_validator(16, 1), text_schema(16, 1)]
SideName = Literal["buy", "sell"]
NonEmptyReason = Annotated[str, text_validator(500, 1), text_schema(500, 1)]


# --- instruments --------------------------------------------------------------------------------


class InstrumentIn(InModel):
    code: InstrumentCode
    """The vintage's trading code, e.g. ``CEA19-20``."""
    product: ProductCode
    reference_price: Price
    """The previous close of its first trading day, e.g. ``"48.00"``."""


class InstrumentStatusIn(InModel):
    reason: NonEmptyReason


class InstrumentOut(OutModel):
    code: str
    product: str
    prev_close: str
    band_low: str | None
    """Today's lowest listing price (None: the preset has no band)."""
    band_high: str | None
    block_band_low: str | None
    block_band_high: str | None
    tick: str
    suspended: bool


class InstrumentsOut(OutModel):
    data: list[InstrumentOut]
    count: int


class DueVintagesIn(InModel):
    reference_price: Price | None = None
    """The previous close of the new vintages' first day; none: the composite's last close."""


class VintageOut(OutModel):
    code: str
    listed_on: str
    """The listing date of the market's schedule."""
    confirmed: bool
    """False: the reference does not give this date to the day ([U])."""
    note: str
    listed: bool


class CompositeWeightOut(OutModel):
    instrument: str
    weight: str
    """A fraction, e.g. ``1/5``."""


class CompositeStageOut(OutModel):
    since: str
    method: Literal["pooled", "weighted"]
    weights: list[CompositeWeightOut]
    """Empty for pooled: every listed vintage's listing trades count."""
    confirmed: bool
    note: str


class VintagesOut(OutModel):
    composite_code: str
    vintages: list[VintageOut]
    composite: list[CompositeStageOut]
    """From the first stage to the last; the one in force is the last begun."""
    composite_today: str
    """The ``since`` of the stage in force on the market's date."""


# --- listings, orders, trades -------------------------------------------------------------------


class ListingIn(InModel):
    account_id: AccountRef
    instrument: InstrumentCode
    side: SideName
    price: Price
    quantity: Quantity


class TakeIn(InModel):
    account_id: AccountRef
    quantity: Quantity


class ListingOut(OutModel):
    """A resting listing (or continuous-market order) of the caller's account."""

    listing_id: str
    kind: Literal["listing", "order"]
    status: Literal["open", "cancelled", "filled", "expired"]
    account_id: str
    instrument: str
    side: SideName
    price: str
    quantity: int
    remaining: int
    locked: str
    """Funds still locked for a buy (yuan); ``"0.00"`` for a sell, whose tonnes are locked."""


class ListingsOut(OutModel):
    data: list[ListingOut]
    count: int


class CancelOut(OutModel):
    listing_id: str
    status: Literal["cancelled"]
    remaining: int
    released: str


class TradeOut(OutModel):
    """One trade as one of its parties sees it (never the counterparty)."""

    trade_id: str
    account_id: str
    instrument: str
    method: str
    side: SideName
    role: Literal["maker", "taker"] | None
    """Listing trades only: whether the account's listing rested (maker) or it took one."""
    listing_id: str | None
    price: str
    quantity: int
    amount: str
    fee: str
    time: str
    settled: bool


class TradesOut(OutModel):
    data: list[TradeOut]
    count: int


class OrderOut(OutModel):
    """A continuous-market order: what it traded at once and what rests."""

    order_id: str | None
    """The resting rest's id (None when the order filled at once)."""
    status: Literal["filled", "partially_filled", "open"]
    instrument: str
    side: SideName
    price: str
    quantity: int
    filled: int
    remaining: int
    trades: list[TradeOut]


# --- public market data -------------------------------------------------------------------------


class LevelOut(OutModel):
    price: str
    quantity: int
    count: int


class DepthOut(OutModel):
    instrument: str
    bids: list[LevelOut]
    asks: list[LevelOut]
    time: str


class MarketListingOut(OutModel):
    """One listing of the best levels, anonymous: what a taker picks from."""

    listing_id: str
    side: SideName
    price: str
    remaining: int
    own: bool
    """The caller's own listing (it cannot take it)."""


class MarketListingsOut(OutModel):
    instrument: str
    bids: list[MarketListingOut]
    asks: list[MarketListingOut]


class TapeTradeOut(OutModel):
    trade_id: str
    instrument: str
    price: str
    quantity: int
    time: str
    method: str


class TapeOut(OutModel):
    instrument: str
    data: list[TapeTradeOut]
    count: int


class MethodVolumeOut(OutModel):
    volume: int
    turnover: str


class BarOut(OutModel):
    """One trading day: listing trades set the prices; every method adds volume."""

    day: str
    open: str
    high: str
    low: str
    close: str
    prev_close: str
    traded: bool
    """False: no listing trade, the previous close carried forward."""
    volume: int
    turnover: str
    listing: MethodVolumeOut
    block: MethodVolumeOut
    auction: MethodVolumeOut
    final: bool
    """False for the day in progress (its close is the running listing average)."""


class BarsOut(OutModel):
    instrument: str
    interval: Literal["1d"]
    data: list[BarOut]
    count: int


class TickerRow(OutModel):
    instrument: str
    product: str
    day: str
    last: str | None
    prev_close: str
    change: str | None
    change_pct: str | None
    open: str | None
    high: str | None
    low: str | None
    volume: int
    turnover: str
    best_bid: str | None
    best_ask: str | None
    suspended: bool


class TickerOut(OutModel):
    time: str
    data: list[TickerRow]


# --- the trading day ----------------------------------------------------------------------------


class EodIn(InModel):
    force: Flag = False
    """Close during a session (an emergency close by the exchange)."""


class EodOut(OutModel):
    day: str
    expired: int
    settled: int
    phase: str


class MarketStatusOut(OutModel):
    now: str
    preset: str
    matching: Literal["listing", "continuous"]
    """How the market trades: listings and takes (POST /listings), or continuous orders
    (POST /orders) under price-time priority."""
    day: str
    """The trading day in progress or last run ('' before the first)."""
    phase: Literal["idle", "open", "closed"]
    trading_day: bool
    """Today is a trading day."""
    listing_session: bool
    """Listings and takes are accepted now."""
    block_session: bool
    unsettled_trades: int
    resting_listings: int
    listing_sessions: list[str]
    """The listing sessions, Beijing time: ``["09:30-11:30", "13:00-15:00"]``."""
    block_sessions: list[str]
    """The block trading sessions, Beijing time."""
    clock_speed: float | None = None
    """Market seconds per real second where the clock is driven at a set pace (the demo's
    ``--speed``); None on the real clock or a simulated one moved by hand."""
