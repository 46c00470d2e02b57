"""Layering and spoofing: orders placed to move the displayed best price, then cancelled.

The book is rebuilt from the day's placements, fills and cancellations. For each account,
instrument and side the detector counts the orders placed, the orders cancelled, and the
*improving cancels*: orders that set a new best price on their side when placed and were
cancelled unfilled within ``layer_max_life_s``. An account fires when it placed at least
``layer_min_orders``, cancelled at least ``layer_min_cancel_bps`` of them, and made at least
``layer_min_improving`` improving cancels. It is *high* severity when the account traded on the
other side while its orders stood (the gain that spoofing is for).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right

from openets.supervision.model import (
    US,
    Action,
    Alert,
    DayData,
    Evidence,
    Params,
    Severity,
    pct,
    share_bps,
)


class _Book:
    """Quantity per price level of one side, with the best price from a lazy heap."""

    __slots__ = ("heap", "levels", "sign")

    def __init__(self, side: int) -> None:
        self.levels: dict[int, int] = {}
        self.heap: list[int] = []
        self.sign = -1 if side == 0 else 1  # bids: highest first

    def best(self) -> int | None:
        h, lv, s = self.heap, self.levels, self.sign
        while h:
            price = h[0] * s
            if lv.get(price, 0) > 0:
                return price
            heapq.heappop(h)
        return None

    def add(self, price: int, qty: int) -> None:
        had = self.levels.get(price, 0)
        self.levels[price] = had + qty
        if had <= 0:
            heapq.heappush(self.heap, price * self.sign)

    def remove(self, price: int, qty: int) -> None:
        self.levels[price] = self.levels.get(price, 0) - qty


class _Stats:
    __slots__ = ("cancelled", "improving", "placed", "windows")

    def __init__(self) -> None:
        self.placed = 0
        self.cancelled = 0
        self.improving: list[str] = []
        self.windows: list[tuple[int, int]] = []


class _Live:
    """An order on the rebuilt book."""

    __slots__ = ("book", "improved", "left", "placed", "price", "stats")

    def __init__(
        self, book: _Book, stats: _Stats, price: int, left: int, placed: int, improved: bool
    ) -> None:
        self.book = book
        self.stats = stats
        self.price = price
        self.left = left
        self.placed = placed
        self.improved = improved


def _candidates(d: DayData, p: Params) -> set[tuple[str, str, int]]:
    """(account, instrument, side) that placed and cancelled enough to be layering at all.

    A cheap first pass: only the instruments of these need their book rebuilt."""
    place, cancel = int(Action.PLACE), int(Action.CANCEL)
    placed: dict[tuple[str, str, int], int] = {}
    cancelled: dict[tuple[str, str, int], int] = {}
    for _, action, _, acct, inst, side, _, _ in d.orders:
        if action == place:
            placed[(acct, inst, side)] = placed.get((acct, inst, side), 0) + 1
        elif action == cancel:
            cancelled[(acct, inst, side)] = cancelled.get((acct, inst, side), 0) + 1
    return {
        k
        for k, c in cancelled.items()
        if c >= p.layer_min_improving
        and placed.get(k, 0) >= p.layer_min_orders
        and share_bps(c, placed[k]) >= p.layer_min_cancel_bps
    }


def _replay(d: DayData, p: Params, instruments: set[str]) -> dict[tuple[str, str, int], _Stats]:
    """The books of ``instruments`` rebuilt event by event (the hot loop: locals, unpacking)."""
    books: dict[tuple[str, int], _Book] = {}
    live: dict[str, _Live] = {}
    stats: dict[tuple[str, str, int], _Stats] = {}
    max_life = p.layer_max_life_s * US
    place, cancel = int(Action.PLACE), int(Action.CANCEL)
    trades, n_trades, ti = d.trades, len(d.trades), 0
    next_ts = trades[0].ts if trades else None
    for ts, action, oid, acct, inst, side, price, qty in d.orders:
        if inst not in instruments:
            continue
        while next_ts is not None and next_ts <= ts:
            t = trades[ti]
            ti += 1
            next_ts = trades[ti].ts if ti < n_trades else None
            rec = live.get(t.maker_id) if t.maker_id else None
            if rec is not None:
                rec.book.remove(rec.price, t.quantity)
                rec.left -= t.quantity
                rec.improved = False  # a filled order was a real one
        if action == place:
            book = books.get((inst, side))
            if book is None:
                book = books[(inst, side)] = _Book(side)
            best = book.best()
            improved = best is None or (price > best if side == 0 else price < best)
            book.add(price, qty)
            st = stats.get((acct, inst, side))
            if st is None:
                st = stats[(acct, inst, side)] = _Stats()
            st.placed += 1
            live[oid] = _Live(book, st, price, qty, ts, improved)
            continue
        rec = live.pop(oid, None)
        if rec is None:
            continue
        rec.book.remove(rec.price, rec.left)
        if action != cancel:
            continue
        st = rec.stats
        st.cancelled += 1
        if rec.improved and ts - rec.placed <= max_life:
            st.improving.append(oid)
            st.windows.append((rec.placed, ts))
    return stats


def layering(d: DayData, p: Params) -> list[Alert]:
    candidates = _candidates(d, p)
    if not candidates:
        return []
    stats = _replay(d, p, {k[1] for k in candidates})
    flagged = {
        k: s
        for k, s in stats.items()
        if s.placed >= p.layer_min_orders
        and share_bps(s.cancelled, s.placed) >= p.layer_min_cancel_bps
        and len(s.improving) >= p.layer_min_improving
    }
    if not flagged:
        return []
    # the flagged accounts' trades, by (account, instrument, side the account traded on)
    own: dict[tuple[str, str, int], tuple[list[int], list[str]]] = {}
    accounts = {k[0] for k in flagged}
    for t in d.trades:
        for acct, side in ((t.buyer, 0), (t.seller, 1)):
            if acct in accounts:
                ts, ids = own.setdefault((acct, t.instrument, side), ([], []))
                ts.append(t.ts)
                ids.append(t.trade_id)
    alerts = []
    for (acct, inst, side), s in sorted(flagged.items()):
        ev = Evidence(p.max_evidence)
        for oid in s.improving:
            ev.order(oid)
        ts, ids = own.get((acct, inst, 1 - side), ([], []))
        opposite: set[str] = set()
        for t0, t1 in s.windows:
            opposite.update(ids[bisect_left(ts, t0) : bisect_right(ts, t1)])
        for tid in sorted(opposite):
            ev.trade(tid)
        what = "bids" if side == 0 else "offers"
        summary = (
            f"{acct} placed {s.placed} {what} in {inst} and cancelled {s.cancelled} "
            f"({pct(share_bps(s.cancelled, s.placed))}); {len(s.improving)} set a new best "
            f"price and were cancelled unfilled within {p.layer_max_life_s} s"
            + (f"; meanwhile it traded {len(opposite)} times on the other side" if opposite else "")
        )
        sev = Severity.HIGH if opposite else Severity.MEDIUM
        metrics = {
            "placed": s.placed,
            "cancelled": s.cancelled,
            "cancel_bps": share_bps(s.cancelled, s.placed),
            "improving_cancels": len(s.improving),
            "opposite_trades": len(opposite),
            "side": side,
        }
        alerts.append(ev.alert("layering", d.day, inst, (acct,), sev, summary, metrics))
    return alerts
