"""Checks the trading services share: the preset, the day guard, whether an account may trade."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.presets import MarketRules
from openets.registry import port as registry_port
from openets.registry.port import AccountStatus, SubjectType
from openets.supervision.port import check_account_restriction
from openets.trading.book import Side
from openets.trading.events import DayOpened
from openets.trading.rules import TradingMethod
from openets.trading.state import TradingState


def rules(m: MarketState) -> MarketRules:
    return m.rules


def trading(m: MarketState) -> TradingState:
    st: TradingState = m.trading
    return st


def open_for_account(m: MarketState, account_id: str) -> list[str]:
    """What trading still has open for ``account_id``, in words (resting listings, unsettled
    trades): the registry refuses to close the account until they are gone."""
    out: list[str] = []
    t = m.trading
    if t is not None:
        listings = sorted(k for k, x in t.listings.items() if x.account_id == account_id)
        if listings:
            out.append(f"open listings {', '.join(listings)}")
        trades = sorted(k for k, x in t.unsettled.items() if account_id in (x.buyer, x.seller))
        if trades:
            out.append(f"unsettled trades {', '.join(trades)}")
    return out


def trading_account(
    m: MarketState, account_id: object, field: str = "account_id"
) -> Rejection | None:
    """A participant account that may trade: active (restricted accounts may not trade)."""
    acct = registry_port.account(m, account_id)
    if acct is None or acct.subject_type is SubjectType.SYSTEM:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no participant account {account_id!r}", field)
    subjects = m.rules.venue.subjects
    if acct.subject_type not in subjects:  # a StrEnum: its value, without .value's lookup
        return Rejection(
            Code.ACCOUNT_TYPE_NOT_ALLOWED,
            f"account {account_id} is an {acct.subject_type.value}'s; the {m.rules.name} market "
            f"admits {' and '.join(sorted(subjects))} accounts only (legal persons)"
            if "individual" not in subjects
            else f"account {account_id} ({acct.subject_type.value}) may not trade here",
            field,
        )
    if acct.status is AccountStatus.RESTRICTED:
        return Rejection(
            Code.ACCOUNT_RESTRICTED, f"account {account_id} is restricted from trading", field
        )
    if acct.status is not AccountStatus.ACTIVE:
        return Rejection(
            Code.ACCOUNT_NOT_ACTIVE,
            f"account {account_id} is {acct.status.value}, it must be active",
            field,
        )
    return check_account_restriction(m, acct.account_id, "trading", field)


def method_offered(m: MarketState, method: TradingMethod, field: str) -> Rejection | None:
    """NOT_PERMITTED when the market's venue does not offer ``method`` (the CCER market:
    listing agreement only)."""
    why = m.rules.venue.method_refusal(method, m.rules.name)
    return None if why is None else Rejection(Code.NOT_PERMITTED, why, field)


def parse_side(side: Any) -> Side | Rejection:
    if isinstance(side, Side):
        return side
    if isinstance(side, str) and side.lower() in ("buy", "sell"):
        return Side.BUY if side.lower() == "buy" else Side.SELL
    return Rejection(Code.INVALID_FIELD, f"side must be buy or sell, was {side!r}", "side")


_last_day: tuple[datetime | None, object, str] = (None, None, "")
"""The last (time, zone, local date) :func:`local_day` worked out: the checks of one command
(and the commands of one clock reading) ask it again and again."""


def local_day(now: datetime, tz: tzinfo) -> str:
    """``now``'s date in ``tz``, ISO (``2021-07-16``)."""
    global _last_day
    last = _last_day
    if last[0] is now and last[1] is tz:
        return last[2]
    day = now.astimezone(tz).date().isoformat()
    _last_day = (now, tz, day)  # one tuple: a reader sees the old entry or the new one whole
    return day


def day_guard(m: MarketState, now: datetime) -> tuple[Event, ...] | Rejection:
    """Open the trading day on its first command; refuse while the last day is unsettled."""
    t = m.trading
    today = local_day(now, m.rules.calendar.tz)
    if t.phase == "open":
        if t.day == today:
            return ()
        return Rejection(Code.MARKET_CLOSED, f"the end of day of {t.day} has not run yet", None)
    if t.phase == "closed":
        return Rejection(Code.MARKET_CLOSED, f"the market is settling {t.day}", None)
    if t.day == today:
        return Rejection(Code.MARKET_CLOSED, f"trading of {today} has ended", None)
    return (DayOpened(today),)
