"""What compliance commands take from outside the compliance state: an account's net allowance
sales, and the market's trades of a month.

Net sales are dated by the trade date: the trading context's dated trade ledger
(read through :mod:`openets.trading.port`) books each allowance trade on the day it is
made, whether or not it has settled yet.
"""

from __future__ import annotations

from datetime import date

from openets.compliance.penalties import MonthlyPrice, penalty_month
from openets.market import MarketState
from openets.trading import port as trading_port

CARRY_OVER_YEARS = (2019, 2024)
"""Net allowance sales count over these years (Plan 23-24's carry-over limit)."""

# --- what the market knows: net sales and the month's trades ----------------------------------


def traded_t(
    m: MarketState, account_id: str, years: tuple[int, int] = CARRY_OVER_YEARS
) -> tuple[int, int]:
    """(sold, bought) tonnes of allowances (CEA) in the account's trades made in ``years``."""
    first, last = years
    return trading_port.traded_by(m, account_id, first, last)


def net_sales_t(m: MarketState, account_id: str, years: tuple[int, int] = CARRY_OVER_YEARS) -> int:
    """Allowances (CEA) the account sold minus bought in trades made (trade date) in ``years``."""
    sold, bought = traded_t(m, account_id, years)
    return sold - bought


def month_price(m: MarketState, deadline: date) -> MonthlyPrice:
    """Traded value and quantity of every CEA instrument, all trading methods, in the month
    before ``deadline`` (:func:`~openets.compliance.penalties.penalty_month`); ``trades``
    counts the trading days with volume."""
    start, end = penalty_month(deadline)
    value, qty, days = trading_port.cea_traded(m, start, end)
    return MonthlyPrice(start, end, value, qty, days)
