"""What detectors read (one day's orders and trades) and what they find (alerts).

Inputs are NamedTuples, not dataclasses: a day of a busy market holds millions of them and a
tuple is built several times faster; they are read-only all the same. Times are integer
microseconds since the epoch (the journal's clock), prices fen, quantities tonnes, ratios
basis points: no float anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import NamedTuple

BPS = 10_000
US = 1_000_000
"""Microseconds per second."""


class Action(IntEnum):
    """What happened to an order."""

    PLACE = 0
    CANCEL = 1
    """Withdrawn by its owner (not a fill, not the end-of-day expiry)."""
    EXPIRE = 2
    """Taken off the book at the end of the day or when filled completely."""


class OrderEvent(NamedTuple):
    ts: int
    action: Action
    order_id: str
    account: str
    instrument: str
    side: int
    """0 buy, 1 sell."""
    price: int
    quantity: int
    """Placed quantity (PLACE); what was left (CANCEL, EXPIRE)."""


class TradeRec(NamedTuple):
    ts: int
    trade_id: str
    instrument: str
    method: str
    """listing | block | auction."""
    price: int
    quantity: int
    buyer: str
    seller: str
    maker_id: str
    """The resting listing or order that traded; '' for block and auction trades."""


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class DayData:
    """One trading day as the detectors see it, in time order.

    ``bands`` are today's inclusive price limits per (instrument, method); ``session_end`` is
    the end of the last listing session (the close is fixed from trades before it);
    ``groups`` links related accounts (same owner, same group of companies).
    """

    day: str
    orders: tuple[OrderEvent, ...]
    trades: tuple[TradeRec, ...]
    prev_close: tuple[tuple[str, int], ...] = ()
    bands: tuple[tuple[str, str, int, int], ...] = ()
    session_end: int = 0
    groups: tuple[tuple[str, str], ...] = ()

    def group_of(self) -> dict[str, str]:
        return dict(self.groups)

    def band_of(self) -> dict[tuple[str, str], tuple[int, int]]:
        return {(i, m): (lo, hi) for i, m, lo, hi in self.bands}


@dataclass(frozen=True, slots=True)
class Params:
    """Detector thresholds. None is published for the national market [U]: these are the
    project's defaults, tuned so that an honest simulated market stays quiet."""

    max_evidence: int = 100
    """Order and trade ids kept per alert (the count of all of them is kept too)."""
    # wash and self trades between related accounts
    wash_high_qty: int = 10_000
    # circular trading
    circular_max_legs: int = 4
    circular_window_s: int = 1800
    circular_qty_tolerance_bps: int = 0
    """0: every leg moves the same quantity (the block that goes round)."""
    circular_min_rounds: int = 2
    """Rounds a ring must complete in a day (or be a declared group) to be flagged."""
    circular_max_scan: int = 64
    # marking the close
    close_window_s: int = 1800
    close_min_share_bps: int = 2000
    close_min_move_bps: int = 100
    # layering / spoofing
    layer_min_orders: int = 10
    layer_min_cancel_bps: int = 8000
    layer_min_improving: int = 5
    layer_max_life_s: int = 300
    # trades pinned at the band
    band_min_trades: int = 3
    band_min_qty: int = 10_000
    # concentration
    conc_min_share_bps: int = 3000
    conc_min_day_qty: int = 10_000
    conc_high_share_bps: int = 5000


@dataclass(frozen=True, slots=True)
class Alert:
    """One finding of one detector, with its evidence and severity (journal-safe)."""

    detector: str
    day: str
    instrument: str
    accounts: tuple[str, ...]
    severity: Severity
    summary: str
    metrics: tuple[tuple[str, int], ...] = ()
    orders: tuple[str, ...] = ()
    trades: tuple[str, ...] = ()
    evidence_count: int = 0
    """All orders and trades involved; ``orders`` and ``trades`` keep the first of them."""
    subject: str = ""
    """What an alert on no instrument is about, beside its accounts (for
    ``withdrawal_paid_while_barred``, the bank's reference of the withdrawal paid)."""

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        """Two alerts with the same key are the same finding (a rerun does not repeat it)."""
        return (self.detector, self.day, self.instrument, self.accounts)

    def metric(self, name: str) -> int | None:
        return next((v for k, v in self.metrics if k == name), None)


@dataclass(slots=True)
class Evidence:
    """Collects order and trade ids, keeping at most ``limit`` of each."""

    limit: int
    orders: list[str] = field(default_factory=list)
    trades: list[str] = field(default_factory=list)
    count: int = 0

    def order(self, oid: str) -> None:
        self.count += 1
        if len(self.orders) < self.limit and oid:
            self.orders.append(oid)

    def trade(self, tid: str) -> None:
        self.count += 1
        if len(self.trades) < self.limit:
            self.trades.append(tid)

    def alert(
        self,
        detector: str,
        day: str,
        instrument: str,
        accounts: tuple[str, ...],
        severity: Severity,
        summary: str,
        metrics: dict[str, int],
    ) -> Alert:
        return Alert(
            detector,
            day,
            instrument,
            accounts,
            severity,
            summary,
            tuple(sorted(metrics.items())),
            tuple(self.orders),
            tuple(self.trades),
            self.count,
        )


def share_bps(part: int, whole: int) -> int:
    """``part / whole`` in basis points, rounded down (0 when ``whole`` is 0)."""
    return part * BPS // whole if whole > 0 else 0


def pct(bps: int) -> str:
    """Basis points as a percentage with two places: 673 -> '6.73%'."""
    sign = "-" if bps < 0 else ""
    a = abs(bps)
    return f"{sign}{a // 100}.{a % 100:02d}%"
