"""What compliance commands take from outside the compliance state: an account's net allowance
sales, and the market's trades of a month.

Net sales are dated by the trade date: the trading context's dated trade ledger
(:attr:`~openets.trading.state.TradingState.ledger`) books each allowance trade on the day it is
made, whether or not it has settled yet.
"""

from __future__ import annotations

from datetime import date

from openets.compliance.penalties import MonthlyPrice, penalty_month
from openets.domain.products import is_cea
from openets.market import MarketState

CARRY_OVER_YEARS = (2019, 2024)
"""Net allowance sales count over these years (Plan 23-24's carry-over limit)."""

# --- what the market knows: net sales and the month's trades ----------------------------------


def traded_t(
    m: MarketState, account_id: str, years: tuple[int, int] = CARRY_OVER_YEARS
) -> tuple[int, int]:
    """(sold, bought) tonnes of allowances (CEA) in the account's trades made in ``years``."""
    ledger = m.trading.ledger
    first, last = years
    sold = bought = 0
    for (acct, day), (s, b) in ledger.items():
        if acct == account_id and day and first <= int(day[:4]) <= last:
            sold, bought = sold + s, bought + b
    return sold, bought


def net_sales_t(m: MarketState, account_id: str, years: tuple[int, int] = CARRY_OVER_YEARS) -> int:
    """Allowances (CEA) the account sold minus bought in trades made (trade date) in ``years``."""
    sold, bought = traded_t(m, account_id, years)
    return sold - bought


def month_price(m: MarketState, deadline: date) -> MonthlyPrice:
    """Traded value and quantity of every CEA instrument, all trading methods, in the month
    before ``deadline`` (:func:`~openets.compliance.penalties.penalty_month`); ``trades``
    counts the trading days with volume."""
    start, end = penalty_month(deadline)
    t = m.trading
    value = qty = days = 0
    if t is None:
        return MonthlyPrice(start, end, 0, 0, 0)
    for code, inst in sorted(t.instruments.items()):
        if not is_cea(inst.product):
            continue
        rows = [(bar.day, v, turn) for bar in t.bars.get(code, []) for _, v, turn in bar.volumes]
        st = t.stats.get(code)
        if t.phase == "open" and st is not None:
            rows += [(t.day, st.listing_volume, st.listing_turnover)]
            rows += [(t.day, st.block_volume, st.block_turnover)]
            rows += [(t.day, st.auction_volume, st.auction_turnover)]
        traded = set()
        for day, v, turn in rows:
            if v and start <= date.fromisoformat(day) <= end:
                value, qty = value + turn, qty + v
                traded.add(day)
        days += len(traded)
    return MonthlyPrice(start, end, value, qty, days)
