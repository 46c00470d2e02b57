"""What compliance commands take from outside the compliance state: the declared types of their
fields, an account's net allowance sales, and the market's trades of a month.

Net sales are dated by the end of day: a day's settlement deliveries are followed in the
registry by the roll of that day's pending holdings (a ROLL transaction whose ref is the day).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from openets.compliance.penalties import MonthlyPrice, penalty_month
from openets.domain.products import is_cea
from openets.market import MarketState
from openets.registry.model import Posting, TxType

CARRY_OVER_YEARS = (2019, 2024)
"""Net allowance sales count over these years (Plan 23-24's carry-over limit)."""

# --- what the market knows: net sales and the month's trades ----------------------------------


def settled_deliveries(m: MarketState) -> Iterator[tuple[str, Posting, Posting]]:
    """(day, seller posting, buyer posting) of every settled trade, oldest first.

    A day's deliveries are followed by its roll of pending holdings (a ROLL transaction whose
    ref is the day); deliveries not rolled yet belong to the day in progress.
    """
    held: list[tuple[Posting, Posting]] = []
    for tx in m.registry.transactions.values():
        if tx.tx_type is TxType.DELIVERY:
            held.append((tx.postings[0], tx.postings[1]))
        elif tx.tx_type is TxType.ROLL:
            for seller, buyer in held:
                yield tx.ref, seller, buyer
            held = []
    day = m.trading.day
    for seller, buyer in held:
        yield day, seller, buyer


def net_sales_t(m: MarketState, account_id: str, years: tuple[int, int] = CARRY_OVER_YEARS) -> int:
    """Allowances (CEA) the account sold minus bought in settled trades of ``years``."""
    first, last = years
    net = 0
    for day, seller, buyer in settled_deliveries(m):
        if not day or not first <= int(day[:4]) <= last or not is_cea(seller.product):
            continue
        if seller.account_id == account_id:
            net -= seller.delta  # the seller's posting is negative
        if buyer.account_id == account_id:
            net -= buyer.delta
    return net


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
