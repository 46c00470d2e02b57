"""What other contexts read of the trading state, and the one change they make to it (all
through :mod:`openets.trading.port`):

- compliance's net allowance sales of an account (the dated trade ledger, booked on the trade
  day whether or not the trade has settled) and the CEA traded value of a period (its penalty
  price);
- the instruments (:func:`instrument`, :func:`instruments`) and the daily composite closes
  (:func:`composite_bars`) that supervision's measures and reserves and clearing's repos ask;
- the day's session (:func:`session_phase`, :func:`trading_day`) and its unsettled trades
  (:func:`unsettled_trades`, :func:`unsettled_count`), which clearing's end of day settles and
  then takes out (:func:`mark_settled`, in the settlement's applier);
- what an account has open (:func:`listings_of`, :func:`resting_buys`,
  :func:`position_in`), for supervision's positions and restrictions;
- the auctions by id (:func:`auctions`), whose records supervision's reserves and positions
  read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import islice

from openets.domain.products import is_cea
from openets.market import MarketState
from openets.trading.auction_book import AuctionRecord
from openets.trading.book import Side
from openets.trading.events import CompositeClosed, TradeExecuted
from openets.trading.state import Instrument, Listing


def instrument(m: MarketState, code: object) -> Instrument | None:
    """The listed instrument ``code`` (None for any other value)."""
    return m.trading.instruments.get(code) if isinstance(code, str) else None


def product_of(m: MarketState, code: str) -> str:
    """The product instrument ``code`` trades (KeyError for an instrument never listed)."""
    return m.trading.instruments[code].product


def instruments(m: MarketState) -> list[Instrument]:
    """Every listed instrument, in listing order."""
    return list(m.trading.instruments.values())


def composite_bars(m: MarketState) -> Sequence[CompositeClosed]:
    """The composite closes of the trading days, oldest first."""
    return m.trading.composite_bars


def session_phase(m: MarketState) -> str:
    """The trading day's phase: ``idle`` (no day open), ``open`` or ``closed``."""
    return m.trading.phase


def trading_day(m: MarketState) -> str:
    """The current (or last) trading day, ISO ('' before the first)."""
    return m.trading.day


def unsettled_trades(m: MarketState, limit: int | None = None) -> list[TradeExecuted]:
    """The day's trades not settled yet, in trade order (the first ``limit`` of them)."""
    return list(islice(m.trading.unsettled.values(), limit))


def unsettled_count(m: MarketState) -> int:
    return len(m.trading.unsettled)


def mark_settled(m: MarketState, trade_ids: Iterable[str]) -> None:
    """The trades ``trade_ids`` were settled: they leave the day's unsettled trades (an
    applier's change, of the settlement's event)."""
    m.trading.settle_many(trade_ids)


def listings_of(m: MarketState, account_id: str) -> list[Listing]:
    """``account_id``'s listings and continuous orders on the books, by id."""
    t = m.trading
    return sorted(
        (x for x in t.listings.values() if x.account_id == account_id),
        key=lambda x: x.listing_id,
    )


def resting_buys(m: MarketState) -> list[tuple[str, str, int]]:
    """(account, instrument, tonnes still resting) of every buy listing on the books."""
    t = m.trading
    out = []
    for lst in t.listings.values():
        resting = t.books[lst.instrument].get(lst.listing_id)
        if lst.side is Side.BUY and resting is not None:
            out.append((lst.account_id, lst.instrument, resting.remaining))
    return out


def position_in(m: MarketState, account_id: str, product: str) -> tuple[int, int, int]:
    """(bought, sold, open buys) tonnes of ``product`` in ``account_id``'s unsettled trades
    and buy listings, over every instrument of the product."""
    t = m.trading
    bought = sold = open_buys = 0
    for code, inst in t.instruments.items():
        if inst.product == product:
            key = (account_id, code)
            bought += t.bought.get(key, 0)
            sold += t.sold.get(key, 0)
            open_buys += t.open_buys.get(key, 0)
    return bought, sold, open_buys


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


def auctions(m: MarketState) -> Mapping[str, AuctionRecord]:
    """Every auction by id, open, closed or called off (a read: never change a record)."""
    return m.auction.auctions
