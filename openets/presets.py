"""Market presets: one rules object per market. China's national market is the default.

A preset bundles the trading rules, the fee schedule and the calendar. Other markets are
presets of the same object, not forks of the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from openets.clearing.fees import CN_FEES, ILLUSTRATIVE_FEES, FeeSchedule
from openets.clearing.limits import CN_LIMITS, ILLUSTRATIVE_LIMITS, FundLimits
from openets.identity.model import MfaPolicy
from openets.trading.calendar import Calendar, make_calendar
from openets.trading.rules import (
    CDA_TRADING_RULES,
    CN_TRADING_RULES,
    EU_LIKE_TRADING_RULES,
    TradingRules,
)

MFA_EVERYWHERE = MfaPolicy(staff=True, participant_transfers=True)


@dataclass(frozen=True, slots=True)
class MarketRules:
    name: str
    trading: TradingRules
    fees: FeeSchedule
    limits: FundLimits = CN_LIMITS
    """Deposits and withdrawals: per transaction and per account and day."""
    mfa: MfaPolicy = MFA_EVERYWHERE
    """Where a one-time code is required (staff; participants' withdrawals and transfers)."""

    @property
    def calendar(self) -> Calendar:
        return _calendar(self.trading.calendar, self.trading.timezone)


@cache
def _calendar(name: str, tz: str) -> Calendar:
    # Past the published holiday data every weekday trades (stated in the calendar's docs).
    return make_calendar(name, tz, beyond="weekdays")


PRESETS: dict[str, MarketRules] = {
    "cn": MarketRules("cn", CN_TRADING_RULES, CN_FEES),
    "cn-demo": MarketRules(
        "cn-demo", CN_TRADING_RULES, ILLUSTRATIVE_FEES, mfa=MfaPolicy(False, False)
    ),
    "cn-cda": MarketRules("cn-cda", CDA_TRADING_RULES, ILLUSTRATIVE_FEES),
    "eu-like": MarketRules(
        "eu-like", EU_LIKE_TRADING_RULES, ILLUSTRATIVE_FEES, ILLUSTRATIVE_LIMITS
    ),
}


def preset(name: str) -> MarketRules:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}, was {name!r}") from None
