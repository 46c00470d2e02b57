"""The trading rules of a market, in one value: China's national market is the default preset.

Every number comes from ``cn-ets-rules.md`` with its confidence tag: [V] verified, [M] from the
official text by memory, [I] inferred, [U] unconfirmed. [U] values are fields here so that an
operator can change them without touching code, and a preset names them in its ``unconfirmed``
(:class:`openets.presets.MarketRules`). Other markets are presets of the same object.

Bands are computed per instrument (per vintage) from its own previous close, the reference's
default where it leaves per vintage or composite open ([U], §4).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time
from enum import StrEnum

SessionWindows = tuple[tuple[time, time], ...]
"""Trading windows of one day in the market's time zone, each ``[start, end)``."""


class Matching(StrEnum):
    """How the on-screen market trades."""

    LISTING = "listing"
    """挂牌协议: makers post listings, a taker picks one within the best levels (China)."""
    CONTINUOUS = "continuous"
    """Continuous double auction: automatic price-time matching (EU-like, the simulator)."""


class TradingMethod(StrEnum):
    """The trading method of a trade; statistics are kept per method."""

    LISTING = "listing"
    BLOCK = "block"
    AUCTION = "auction"

    @property
    def code(self) -> str:
        """The method code used in the exchange's published data (10, 20, 21) [V]."""
        return _METHOD_CODES[self]


_METHOD_CODES = {
    TradingMethod.LISTING: "10",
    TradingMethod.BLOCK: "20",
    TradingMethod.AUCTION: "21",
}


@dataclass(frozen=True, slots=True)
class TradingRules:
    """Market rules the trading context enforces.

    The ``listing_*`` fields govern the on-screen market whatever its :class:`Matching`: listing
    agreement trading in China, continuous orders in a continuous preset.
    """

    matching: Matching
    timezone: str
    calendar: str
    """``"XSHG"`` (mainland exchange calendar) or ``"weekdays"`` (Monday to Friday)."""
    tick_fen: int
    listing_band_bps: int | None
    """± band of the previous close for on-screen orders; None: no band."""
    listing_min_qty: int
    listing_max_qty: int | None
    best_levels: int
    """How many opposite price levels a taker may pick from (and the public depth shows)."""
    listing_sessions: SessionWindows
    first_day: date
    """The market's first trading day (the simulator's first cycle opens on it)."""
    first_day_reference_fen: int
    """The reference price that serves as the previous close on the first trading day."""
    prevent_self_trade: bool
    """True: an account cannot take its own listing (nor trade with itself continuously)."""

    def __post_init__(self) -> None:
        if self.tick_fen <= 0:
            raise ValueError(f"tick must be positive, was {self.tick_fen}")
        if self.listing_min_qty <= 0:
            raise ValueError(f"listing minimum must be positive, was {self.listing_min_qty}")
        if self.listing_max_qty is not None and self.listing_max_qty < self.listing_min_qty:
            raise ValueError(
                f"listing maximum {self.listing_max_qty} is below the minimum "
                f"{self.listing_min_qty}"
            )
        if self.best_levels <= 0:
            raise ValueError(f"best levels must be positive, was {self.best_levels}")
        check_sessions(self.listing_sessions)


def check_sessions(windows: SessionWindows) -> None:
    """ValueError unless every window ends after it starts."""
    for start, end in windows:
        if not start < end:
            raise ValueError(f"session window must end after it starts, was {start}-{end}")


CN_TRADING_RULES = TradingRules(
    matching=Matching.LISTING,  # [V] not a continuous auction
    timezone="Asia/Shanghai",  # [V] Beijing time
    calendar="XSHG",  # [I] SSE calendar as the proxy of the exchange's trading days
    tick_fen=1,  # [V] RMB 0.01
    listing_band_bps=1000,  # [V] ±10% of the previous close; rounding half-up [U]
    listing_min_qty=1,  # [V] whole tonnes
    listing_max_qty=99_999,  # [V] < 100,000 t per order
    best_levels=5,  # [V] the taker picks within the best five opposite levels
    listing_sessions=((time(9, 30), time(11, 30)), (time(13, 0), time(15, 0))),  # [V]
    first_day=date(2021, 7, 16),  # [V] the market opened on 2021-07-16
    first_day_reference_fen=4800,  # [V] 48.00 as the first day's reference; its origin [U]
    prevent_self_trade=True,  # [U] self trades are a surveillance category; blocked here
)
"""China's national carbon market (全国碳排放权交易市场)."""

CDA_TRADING_RULES = replace(CN_TRADING_RULES, matching=Matching.CONTINUOUS)
"""China's calendar, hours, bands and sizes with continuous matching (for the simulator)."""

EU_LIKE_TRADING_RULES = replace(
    CN_TRADING_RULES,
    matching=Matching.CONTINUOUS,
    timezone="Europe/Berlin",  # [U] an exchange in central Europe
    calendar="weekdays",  # [U] no holiday list shipped for this preset
    listing_band_bps=None,  # [U] no daily price limit
    listing_max_qty=None,  # [U]
    listing_sessions=((time(8, 0), time(18, 0)),),  # [U] one continuous session
    prevent_self_trade=True,
)
"""A continuous double auction without price limits, in the style of European spot markets."""
