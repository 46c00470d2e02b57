"""Build a detector's day from journal records: the journal is the complete history.

Records are read as ``(ts, type, payload)`` triples, the journal's own columns, so this module
needs neither the engine nor the trading context: it reads the JSON fields of the trading
events by name (``ListingPosted``, ``ListingCancelled``, ``TradeExecuted``, ``DayOpened``,
``DayClosed``, ``InstrumentListed``). :class:`Collector` gathers the same triples live as an
engine subscriber, so a detector run need not read the journal back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import orjson

from openets.supervision.model import Action, DayData, OrderEvent, TradeRec

Row = tuple[int, str, bytes | str]
"""(ts in microseconds, event type, JSON payload)."""

BandFn = Callable[[str, int, str], tuple[int, int] | None]
"""(instrument, previous close, method) -> today's inclusive limits, or None (no band)."""

RELEVANT = frozenset(
    {
        "InstrumentListed",
        "DayOpened",
        "ListingPosted",
        "ListingCancelled",
        "TradeExecuted",
        "DayClosed",
    }
)
METHODS = ("listing", "block", "auction")
_PRICES = frozenset({"InstrumentListed", "DayClosed"})


class _Day:
    """Accumulates one day while the rows stream past."""

    def __init__(self, day: str) -> None:
        self.day = day
        self.current = ""
        self.prev: dict[str, int] = {}
        self.at_open: dict[str, int] = {}
        self.orders: list[OrderEvent] = []
        self.trades: list[TradeRec] = []
        self.listings: dict[str, tuple[str, str, int, int]] = {}

    def feed(self, ts: int, typ: str, d: dict[str, Any]) -> bool:
        """Take one row; False once the day is over."""
        if typ == "DayOpened":
            if self.current == self.day and d["day"] != self.day:
                return False
            self.current = d["day"]
            if self.current == self.day:
                self.at_open = dict(self.prev)
        elif typ == "InstrumentListed":
            self.prev[d["code"]] = d["reference_price"]
            if self.current == self.day:
                self.at_open.setdefault(d["code"], d["reference_price"])
        elif typ == "DayClosed":
            self.prev[d["instrument"]] = d["close"]
        elif self.current != self.day:
            pass
        elif typ == "ListingPosted":
            self.posted(ts, d)
        elif typ == "ListingCancelled":
            self.cancelled(ts, d)
        else:
            self.traded(ts, d)
        return True

    def posted(self, ts: int, d: dict[str, Any]) -> None:
        lid, acct, inst, side, price = (
            d["listing_id"],
            d["account_id"],
            d["instrument"],
            int(d["side"]),
            d["price"],
        )
        self.listings[lid] = (acct, inst, side, price)
        qty = d["quantity"]
        self.orders.append(OrderEvent(ts, Action.PLACE, lid, acct, inst, side, price, qty))

    def cancelled(self, ts: int, d: dict[str, Any]) -> None:
        lst = self.listings.pop(d["listing_id"], None)
        if lst is None:
            return
        action = Action.CANCEL if d["reason"] == "cancelled" else Action.EXPIRE
        self.orders.append(OrderEvent(ts, action, d["listing_id"], *lst, d["remaining"]))

    def traded(self, ts: int, d: dict[str, Any]) -> None:
        self.trades.append(
            TradeRec(
                ts,
                d["trade_id"],
                d["instrument"],
                d["method"],
                d["price"],
                d["quantity"],
                d["buyer"],
                d["seller"],
                d["maker_id"],
            )
        )


def day_data(
    rows: Iterable[Row],
    day: str,
    *,
    band: BandFn | None = None,
    session_end: int = 0,
    groups: Iterable[tuple[str, str]] = (),
) -> DayData:
    """The orders and trades of trading day ``day`` (``YYYY-MM-DD``) from journal rows."""
    acc = _Day(day)
    loads = orjson.loads
    for ts, typ, payload in rows:
        if typ in RELEVANT and not acc.feed(ts, typ, loads(payload)):
            break
    bands: list[tuple[str, str, int, int]] = []
    if band is not None:
        for inst, pc in sorted(acc.at_open.items()):
            for m in METHODS:
                b = band(inst, pc, m)
                if b is not None:
                    bands.append((inst, m, b[0], b[1]))
    return DayData(
        day,
        tuple(acc.orders),
        tuple(acc.trades),
        tuple(sorted(acc.at_open.items())),
        tuple(bands),
        session_end,
        tuple(sorted(groups)),
    )


class RecordLike(Protocol):
    @property
    def ts(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def payload(self) -> bytes: ...


def rows_of(records: Iterable[RecordLike]) -> Iterable[Row]:
    """Journal records as rows (only the relevant types, to keep memory small)."""
    return ((r.ts, r.type, r.payload) for r in records if r.type in RELEVANT)


class Collector:
    """An engine subscriber keeping the rows a day's surveillance needs, as they are written.

    ``engine.subscribers.append(collector)``. It keeps the instruments' prices across days and
    the current day's orders and trades; :meth:`rows` feeds :func:`day_data`.
    """

    def __init__(self) -> None:
        self._history: list[Row] = []
        self._today: list[Row] = []

    def __call__(self, records: Sequence[RecordLike], events: Sequence[object]) -> None:
        for r in records:
            t = r.type
            if t not in RELEVANT:
                continue
            if t == "DayOpened":  # yesterday's orders go; its prices stay
                self._history += [x for x in self._today if x[1] in _PRICES]
                self._today = []
            self._today.append((r.ts, t, r.payload))

    def rows(self) -> list[Row]:
        return self._history + self._today
