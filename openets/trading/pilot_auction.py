"""Pilot paid auctions as presets of one-way bidding (单向竞价): the Shanghai 2024 auction.

The Shanghai pilot sold 2.8 Mt of allowances by paid auction on 2024-09-30, 09:30-11:30, with a
floor of 1.2 × the six-month volume-weighted average price of listing trades, price then time
priority, covered entities only (cn-ets-rules §13 [V]). Here that is a preset an announcement
names (``AnnounceAuction.preset``): the engine fills in what the preset fixes (the floor from
the market's own listing trades, the window, the priority) and refuses bids from accounts that
are not a covered entity's. The pricing rule (uniform or pay-as-bid) is not in the reference:
the preset takes the market's first choice and lists it as unconfirmed [U].

Everything here is pure: integer fen and tonnes, dates in the market's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, tzinfo

from openets.domain.rejection import Code, Rejection
from openets.trading.auction import AuctionSide, PricingRule, TieBreak
from openets.trading.auction_messages import AnnounceAuction
from openets.trading.events import DayClosed

LISTING = "listing"


@dataclass(frozen=True, slots=True)
class PaidAuctionPreset:
    """What a pilot's paid auction fixes; the announcement gives the instrument and quantity."""

    name: str
    title: str
    quantity_t: int
    """The quantity the pilot sold (an announcement may offer less, e.g. in a smaller market)."""
    window: tuple[time, time]
    floor_parts: tuple[int, int]
    """The floor as a multiple of the look-back average: (numerator, denominator)."""
    lookback_months: int
    side: AuctionSide = AuctionSide.SELL
    tie_break: TieBreak = TieBreak.TIME
    pricing: PricingRule = PricingRule.UNIFORM
    covered_only: bool = True
    unconfirmed: tuple[str, ...] = ()


SHANGHAI_2024 = PaidAuctionPreset(
    name="shanghai-2024",
    title="上海试点配额有偿竞价 2024-09-30",
    quantity_t=2_800_000,  # [V]
    window=(time(9, 30), time(11, 30)),  # [V]
    floor_parts=(6, 5),  # 1.2 × [V]
    lookback_months=6,  # the six months before the auction [V]
    unconfirmed=("pricing",),  # [U]: uniform or pay-as-bid is not published
)

PAID_AUCTION_PRESETS: dict[str, PaidAuctionPreset] = {SHANGHAI_2024.name: SHANGHAI_2024}


def lookback_start(day: date, months: int) -> date:
    """The first day of the ``months`` months before ``day`` (same day of the month, clamped
    to the month's last day): 2024-09-30 and 6 give 2024-03-30."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def listing_average(bars: Iterable[DayClosed], start: date, end: date) -> tuple[int, int]:
    """(turnover fen, tonnes) of listing trades on the days from ``start`` to before ``end``."""
    value = tonnes = 0
    lo, hi = start.isoformat(), end.isoformat()
    for bar in bars:
        if not lo <= bar.day < hi:
            continue
        for method, qty, turnover in bar.volumes:
            if method == LISTING:
                value += turnover
                tonnes += qty
    return value, tonnes


def floor_price(preset: PaidAuctionPreset, value_fen: int, tonnes: int, tick: int) -> int:
    """The preset's floor: ``parts`` × the volume-weighted average (value / tonnes), rounded
    up to the tick (never below the rule). ``tonnes`` must be positive."""
    num, den = preset.floor_parts
    raw = value_fen * num
    unit = tonnes * den * tick
    return -(-raw // unit) * tick


def preset_named(name: object) -> PaidAuctionPreset | Rejection:
    preset = PAID_AUCTION_PRESETS.get(name) if isinstance(name, str) else None
    if preset is None:
        known = ", ".join(sorted(PAID_AUCTION_PRESETS))
        return Rejection(
            Code.INVALID_FIELD, f"preset must be one of {known}, was {name!r}", "preset"
        )
    return preset


def preset_announcement(
    cmd: AnnounceAuction, bars: Iterable[DayClosed], today: date, tz: tzinfo, tick: int
) -> AnnounceAuction | Rejection:
    """``cmd`` with what its preset fixes: the floor (the reserve price) from the listing
    trades of the look-back months before ``today`` (``bars``: every vintage's daily bars),
    the window of ``today`` when ``closes_at`` is empty; refused when the announcement asks
    for another side, another priority or another floor, or when no listing trade gives an
    average."""
    preset = preset_named(cmd.preset)
    if isinstance(preset, Rejection):
        return preset
    name = preset.name
    if cmd.side != preset.side:
        msg = f"preset {name} is a {preset.side.value} auction, side was {cmd.side}"
        return Rejection(Code.INVALID_FIELD, msg, "side")
    if cmd.tie_break != preset.tie_break:
        msg = f"preset {name} ranks by price then time, tie_break was {cmd.tie_break}"
        return Rejection(Code.INVALID_FIELD, msg, "tie_break")
    start = lookback_start(today, preset.lookback_months)
    value, tonnes = listing_average(bars, start, today)
    num, den = preset.floor_parts
    if tonnes <= 0:
        msg = (
            f"preset {name}: no listing trade from {start} to before {today}, so its floor "
            f"({num}/{den} × their volume-weighted average price) is undefined"
        )
        return Rejection(Code.INVALID_FIELD, msg, "preset")
    floor = floor_price(preset, value, tonnes, tick)
    if cmd.reserve_price is not None and cmd.reserve_price != floor:
        msg = (
            f"preset {name} fixes the floor at {num}/{den} × the listing average from {start} "
            f"({value} fen / {tonnes} t) = {floor} fen, reserve_price was {cmd.reserve_price}"
        )
        return Rejection(Code.INVALID_PRICE, msg, "reserve_price")
    opens, closes = cmd.opens_at, cmd.closes_at
    if not closes:
        a, b = preset.window
        opens = datetime.combine(today, a, tz).isoformat()
        closes = datetime.combine(today, b, tz).isoformat()
    return replace(cmd, reserve_price=floor, opens_at=opens, closes_at=closes)


def bidder_rejection(auction_id: str, preset: str, account_id: str, subject: str) -> Rejection:
    msg = (
        f"auction {auction_id} (preset {preset}) takes bids from covered entities only: "
        f"account {account_id} is an {subject}'s, not a covered entity's"
    )
    return Rejection(Code.ACCOUNT_TYPE_NOT_ALLOWED, msg, "account_id")
