"""Settlement rules of a market preset: reuse of sale proceeds, and the bank's limits on money.

Bought allowances are delivered at the end of day's settlement (DvP), so they can be sold from
the next trading day (T+1, cn-ets-rules §5 [V]) by construction; no rule switches that.

Limits on money moved between the bank and the market, per market preset:

A deposit or withdrawal above the per-transaction limit is refused (``AMOUNT_OVER_LIMIT``), and
so is one that would take the account's total of the day above the daily limit
(``DAILY_LIMIT``). No account may hold more than :data:`MAX_ACCOUNT_FEN` in all: the largest
amount the API can write, so every balance stays far inside a 64-bit integer.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection

MAX_ACCOUNT_FEN = 10**17 - 1
"""999,999,999,999,999.99 yuan: the largest money string the API accepts."""


@dataclass(frozen=True, slots=True)
class FundLimits:
    deposit_max: int
    """One deposit at most (fen)."""
    deposit_daily: int
    """An account's deposits of one day at most (fen)."""
    withdrawal_max: int
    withdrawal_daily: int


CN_LIMITS = FundLimits(
    deposit_max=100_000_000_00,  # 100 million yuan in one bank transfer
    deposit_daily=500_000_000_00,
    withdrawal_max=100_000_000_00,
    withdrawal_daily=500_000_000_00,
)
"""Settlement-bank limits of the Chinese presets (the exchange's bank agreement sets them)."""

ILLUSTRATIVE_LIMITS = FundLimits(
    deposit_max=50_000_000_00,
    deposit_daily=200_000_000_00,
    withdrawal_max=50_000_000_00,
    withdrawal_daily=200_000_000_00,
)


@dataclass(frozen=True, slots=True)
class SettlementRules:
    sale_proceeds_reusable_same_day: bool
    """True: a sale's proceeds (receivable until the end of day) are buying power at once."""
    fund_limits: FundLimits
    """Deposits and withdrawals: per transaction and per account and day."""


CN_SETTLEMENT_RULES = SettlementRules(
    sale_proceeds_reusable_same_day=True,  # [M] 卖出交易产品的资金可以用于该交易日内的交易
    fund_limits=CN_LIMITS,  # not in the reference: the bank agreement sets them
)


def check_limits(
    kind: str, amount: int, used_today: int, per_tx: int, daily: int, field: str = "amount"
) -> Rejection | None:
    """``kind`` is ``deposit`` or ``withdrawal``; money quoted in yuan."""
    if amount > per_tx:
        return Rejection(
            Code.AMOUNT_OVER_LIMIT,
            f"one {kind} may be at most {format_yuan(per_tx)} yuan, was {format_yuan(amount)}",
            field,
        )
    if used_today + amount > daily:
        return Rejection(
            Code.DAILY_LIMIT,
            f"{kind}s of one account may total at most {format_yuan(daily)} yuan a day: "
            f"{format_yuan(used_today)} already today, {format_yuan(amount)} more asked",
            field,
        )
    return None
