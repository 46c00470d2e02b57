"""The market's price and volume history, read from the journal's DayClosed and TradeExecuted.

A day's per-vintage figures are its ``DayClosed`` events (the exchange's fixing); the composite
(综合价格行情, COMCEA) is the day's ``CompositeClosed`` (computed at the end of the day by the
market's composition rule, :mod:`openets.trading.vintages`: from 2025-04-29 the equal-weighted
average of the five vintages). A journal written before that event existed has the composite
computed here from the day's listing trades in journal order, as the pooled rule does: open =
the first listing trade of any vintage, high and low over all of them, close = their
quantity-weighted average rounded half-up to the tick. With no listing trade the composite
carries its previous close. Its previous close on the first day is the previous close of the
vintage listed first (48.00 on 2021-07-16).

The day's stability-reserve actions are read from the same rows
(:mod:`openets.supervision.reports.reserve_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from openets.domain.money import round_half_up_div
from openets.supervision.reports import reserve_lines
from openets.supervision.reports.reserve_lines import ReserveLine, ReserveReader

METHODS = ("listing", "block", "auction")
METHOD_CODES = {"listing": "10", "block": "20", "auction": "21"}
COMPOSITE = "COMCEA"

Row = tuple[int, str, bytes | str]
REPORT_TYPES = frozenset(
    {"InstrumentListed", "DayOpened", "TradeExecuted", "DayClosed", "CompositeClosed"}
    | reserve_lines.TYPES
)
"""The journal's event types the reports read."""


@dataclass(frozen=True, slots=True)
class Volumes:
    """Tonnes and turnover (fen) per trading method."""

    listing_t: int = 0
    listing_fen: int = 0
    block_t: int = 0
    block_fen: int = 0
    auction_t: int = 0
    auction_fen: int = 0

    @property
    def total_t(self) -> int:
        return self.listing_t + self.block_t + self.auction_t

    @property
    def total_fen(self) -> int:
        return self.listing_fen + self.block_fen + self.auction_fen

    def of(self, method: str) -> tuple[int, int]:
        return {
            "listing": (self.listing_t, self.listing_fen),
            "block": (self.block_t, self.block_fen),
            "auction": (self.auction_t, self.auction_fen),
        }[method]

    def __add__(self, o: Volumes) -> Volumes:
        return Volumes(
            self.listing_t + o.listing_t,
            self.listing_fen + o.listing_fen,
            self.block_t + o.block_t,
            self.block_fen + o.block_fen,
            self.auction_t + o.auction_t,
            self.auction_fen + o.auction_fen,
        )


def volumes_of(triples: Iterable[tuple[str, int, int]]) -> Volumes:
    d = {m: (t, f) for m, t, f in triples}
    lt, lf = d.get("listing", (0, 0))
    bt, bf = d.get("block", (0, 0))
    at, af = d.get("auction", (0, 0))
    return Volumes(lt, lf, bt, bf, at, af)


@dataclass(frozen=True, slots=True)
class Prices:
    """A day's (or a period's) prices in fen; ``traded`` False: the previous close carried."""

    open: int
    high: int
    low: int
    close: int
    prev_close: int
    traded: bool

    @property
    def change(self) -> int:
        return self.close - self.prev_close

    @property
    def change_bps(self) -> int:
        return round_half_up_div(self.change * 10_000, self.prev_close) if self.prev_close else 0


@dataclass(frozen=True, slots=True)
class Bar:
    day: str
    instrument: str
    prices: Prices
    volumes: Volumes


@dataclass(slots=True)
class _Listing:
    """The day's listing trades across vintages, for the composite."""

    first: int | None = None
    high: int = 0
    low: int = 0
    volume: int = 0
    turnover: int = 0

    def add(self, price: int, qty: int) -> None:
        if self.first is None:
            self.first, self.high, self.low = price, price, price
        self.high = max(self.high, price)
        self.low = min(self.low, price)
        self.volume += qty
        self.turnover += price * qty


@dataclass(slots=True)
class History:
    """Trading days in order, each with its vintage bars and its composite bar."""

    days: list[str] = field(default_factory=list)
    bars: dict[str, dict[str, Bar]] = field(default_factory=dict)
    """day -> instrument -> bar; the composite under ``COMPOSITE``."""
    listed: list[tuple[str, int]] = field(default_factory=list)
    """Instruments in listing order with their reference prices."""
    composition: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = field(default_factory=dict)
    """day -> (method, (vintage, parts)...) of the composite, when the journal records it."""
    reserve: dict[str, list[ReserveLine]] = field(default_factory=dict)
    """day -> the stability reserves' actions of that day, in journal order."""

    def bar(self, day: str, instrument: str) -> Bar | None:
        return self.bars.get(day, {}).get(instrument)

    def instruments(self, day: str) -> list[str]:
        return sorted(i for i in self.bars.get(day, {}) if i != COMPOSITE)

    def span(self, start: str, end: str) -> list[str]:
        """The trading days from ``start`` to ``end`` inclusive."""
        return [d for d in self.days if start <= d <= end]

    def total(self, instrument: str, start: str, end: str) -> Volumes:
        out = Volumes()
        for d in self.span(start, end):
            b = self.bar(d, instrument)
            if b is not None:
                out = out + b.volumes
        return out


def history(rows: Iterable[Row], tick: int = 1) -> History:
    """Read the history from journal rows ``(ts, type, payload)`` in journal order."""
    h = History()
    current = ""
    listing: dict[str, _Listing] = {}
    fixed: dict[str, Prices] = {}
    comp_prev: int | None = None
    reserves = ReserveReader()
    loads = orjson.loads
    for _, typ, payload in rows:
        if typ not in REPORT_TYPES:
            continue
        d = loads(payload)
        if typ in reserve_lines.TYPES:
            reserves.add(typ, d, current)
        elif typ == "InstrumentListed":
            h.listed.append((d["code"], d["reference_price"]))
        elif typ == "DayOpened":
            current = d["day"]
        elif typ == "TradeExecuted":
            if d["method"] == "listing":
                listing.setdefault(current, _Listing()).add(d["price"], d["quantity"])
        elif typ == "CompositeClosed":
            fixed[d["day"]] = _prices(d)
            h.composition[d["day"]] = (d["method"], tuple((c, p) for c, p in d["weights"]))
        else:
            day = d["day"]
            if day not in h.bars:
                h.days.append(day)
                h.bars[day] = {}
            h.bars[day][d["instrument"]] = Bar(
                day, d["instrument"], _prices(d), volumes_of(d["volumes"])
            )
    h.reserve = reserves.by_day()
    for day in h.days:
        comp_prev = _composite(h, day, listing.get(day), comp_prev, tick, fixed.get(day))
    return h


def _prices(d: dict[str, Any]) -> Prices:
    pc = d["prev_close"]
    traded = d["open"] is not None
    return Prices(
        d["open"] if traded else pc,
        d["high"] if traded else pc,
        d["low"] if traded else pc,
        d["close"],
        pc,
        traded,
    )


def _composite(
    h: History, day: str, lst: _Listing | None, prev: int | None, tick: int, fixed: Prices | None
) -> int:
    bars = h.bars[day]
    vols = Volumes()
    for b in bars.values():
        vols = vols + b.volumes
    if fixed is not None:
        bars[COMPOSITE] = Bar(day, COMPOSITE, fixed, vols)
        return fixed.close
    if prev is None:
        order = [code for code, _ in h.listed if code in bars] or sorted(bars)
        prev = bars[order[0]].prices.prev_close
    if lst is None or lst.first is None or not lst.volume:
        prices = Prices(prev, prev, prev, prev, prev, False)
    else:
        close = round_half_up_div(lst.turnover, lst.volume * tick) * tick
        prices = Prices(lst.first, lst.high, lst.low, close, prev, True)
    bars[COMPOSITE] = Bar(day, COMPOSITE, prices, vols)
    return prices.close
