"""What other contexts read of the market's trades (through :mod:`openets.trading.port`):
compliance's net allowance sales of an account (the dated trade ledger, booked on the trade
day whether or not the trade has settled) and the CEA traded value of a period (its penalty
price).
"""

from __future__ import annotations

from datetime import date

from openets.domain.products import is_cea
from openets.market import MarketState


def traded(m: MarketState, first: int, last: int) -> dict[str, tuple[int, int]]:
    """Account → (sold, bought) tonnes of CEA in trades made in the years first..last."""
    return m.trading.traded(first, last)


def traded_by(m: MarketState, account_id: str, first: int, last: int) -> tuple[int, int]:
    """(sold, bought) tonnes of CEA in ``account_id``'s trades made in the years first..last."""
    sold = bought = 0
    for (acct, day), (s, b) in m.trading.ledger.items():
        if acct == account_id and day and first <= int(day[:4]) <= last:
            sold, bought = sold + s, bought + b
    return sold, bought


def cea_traded(m: MarketState, start: date, end: date) -> tuple[int, int, int]:
    """(value in fen, tonnes, trading days with volume) of every CEA instrument, all trading
    methods, from ``start`` to ``end`` (inclusive), today's unclosed volumes included."""
    t = m.trading
    value = qty = days = 0
    if t is None:
        return 0, 0, 0
    for code, inst in sorted(t.instruments.items()):
        if not is_cea(inst.product):
            continue
        rows = [(bar.day, v, turn) for bar in t.bars.get(code, []) for _, v, turn in bar.volumes]
        st = t.stats.get(code)
        if t.phase == "open" and st is not None:
            rows += [(t.day, st.listing_volume, st.listing_turnover)]
            rows += [(t.day, st.block_volume, st.block_turnover)]
            rows += [(t.day, st.auction_volume, st.auction_turnover)]
        seen = set()
        for day, v, turn in rows:
            if v and start <= date.fromisoformat(day) <= end:
                value, qty = value + turn, qty + v
                seen.add(day)
        days += len(seen)
    return value, qty, days
