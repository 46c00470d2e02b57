"""Helpers shared by the use cases: the preset, the day guard, account and lock checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.domain.messages import Ctx, Event
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.engine.state import MarketState
from openets.presets import MarketRules
from openets.registry.model import AccountStatus, SubjectType, SystemRole
from openets.trading.book import Side
from openets.trading.events import DayOpened
from openets.trading.rules import TradingMethod
from openets.trading.state import TradingState


def rules(m: MarketState) -> MarketRules:
    return m.rules


def trading(m: MarketState) -> TradingState:
    st: TradingState = m.trading
    return st


def system_fund_account(m: MarketState, role: SystemRole) -> str:
    acct = m.registry.system_account(role)
    if acct is None:  # genesis opens it before any command
        raise RuntimeError(f"the registry has no {role.value} account")
    return acct


def trading_account(
    m: MarketState, account_id: object, field: str = "account_id"
) -> Rejection | None:
    """A participant account that may trade: active (restricted accounts may not trade)."""
    acct = m.registry.accounts.get(account_id) if isinstance(account_id, str) else None
    if acct is None or acct.subject_type is SubjectType.SYSTEM:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no participant account {account_id!r}", field)
    subjects = m.rules.venue.subjects
    if acct.subject_type.value not in subjects:
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
    from openets.engine.usecases.supervision import check_account_restriction  # avoids a cycle

    return check_account_restriction(m, acct.account_id, "trading", field)


def method_offered(m: MarketState, method: TradingMethod, field: str) -> Rejection | None:
    """NOT_PERMITTED when the market's venue does not offer ``method`` (the CCER market:
    listing agreement only)."""
    why = m.rules.venue.method_refusal(method, m.rules.name)
    return None if why is None else Rejection(Code.NOT_PERMITTED, why, field)


def check_int(value: Any, field: str, code: Code, what: str) -> Rejection | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Rejection(code, f"{field} must be {what}, was {value!r}", field)
    if value <= 0:
        return Rejection(code, f"{field} must be positive, was {value}", field)
    return None


def parse_side(side: Any) -> Side | Rejection:
    if isinstance(side, Side):
        return side
    if isinstance(side, str) and side.lower() in ("buy", "sell"):
        return Side.BUY if side.lower() == "buy" else Side.SELL
    return Rejection(Code.INVALID_FIELD, f"side must be buy or sell, was {side!r}", "side")


def day_guard(m: MarketState, now: datetime) -> tuple[Event, ...] | Rejection:
    """Open the trading day on its first command; refuse while the last day is unsettled."""
    t = trading(m)
    cal = rules(m).calendar
    today = now.astimezone(cal.tz).date().isoformat()
    if t.phase == "open":
        if t.day == today:
            return ()
        return Rejection(Code.MARKET_CLOSED, f"the end of day of {t.day} has not run yet", None)
    if t.phase == "closed":
        return Rejection(Code.MARKET_CLOSED, f"the market is settling {t.day}", None)
    if t.day == today:
        return Rejection(Code.MARKET_CLOSED, f"trading of {today} has ended", None)
    return (DayOpened(today),)


def usable_proceeds(m: MarketState, receivable: int) -> int:
    """The part of today's unsettled sale proceeds that is buying power (settlement rules)."""
    return receivable if m.rules.settlement.sale_proceeds_reusable_same_day else 0


def lock_funds(
    m: MarketState, account_id: str, amount: int, ctx: Ctx, ref: str
) -> tuple[FundsPosted, int] | Rejection:
    """Lock ``amount`` fen, from available first, then from today's unsettled proceeds (if the
    market's settlement rules let sale proceeds be reused the same day).

    Returns the event and how much came from the receivable (so a release can return it).
    """
    bal = m.funds.of(account_id)
    power = bal[FundBucket.AVAILABLE] + usable_proceeds(m, bal[FundBucket.RECEIVABLE])
    if power < amount:
        return Rejection(
            Code.INSUFFICIENT_FUNDS,
            f"account {account_id} has {format_yuan(power)} yuan of "
            f"buying power, needs {format_yuan(amount)} yuan (price × quantity + fees)",
            "quantity",
        )
    from_avail = min(amount, bal[FundBucket.AVAILABLE])
    from_recv = amount - from_avail
    postings = [FundPosting(account_id, FundBucket.LOCKED, amount)]
    if from_avail:
        postings.append(FundPosting(account_id, FundBucket.AVAILABLE, -from_avail))
    if from_recv:
        postings.append(FundPosting(account_id, FundBucket.RECEIVABLE, -from_recv))
    return FundsPosted(ctx.ids.next("F"), "lock", tuple(postings), ref), from_recv


def release_funds(
    account_id: str, amount: int, to_receivable: int, ctx: Ctx, ref: str
) -> FundsPosted:
    postings = [FundPosting(account_id, FundBucket.LOCKED, -amount)]
    if amount - to_receivable:
        postings.append(FundPosting(account_id, FundBucket.AVAILABLE, amount - to_receivable))
    if to_receivable:
        postings.append(FundPosting(account_id, FundBucket.RECEIVABLE, to_receivable))
    return FundsPosted(ctx.ids.next("F"), "unlock", tuple(postings), ref)
