"""A seeded synthetic trading day for testing detectors: an honest market, and planted abuse.

The honest day is listing trading (挂牌协议) among many participants: each listing is placed
near a mid price that wanders around the previous close (a few percent at most), and is then
taken (partly or fully), cancelled by its owner (about one in five), or left to expire at the
close. Declared groups of related accounts never trade with each other. Deterministic for a
seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from openets.supervision.model import US, Action, DayData, OrderEvent, TradeRec

DAY = "2024-06-03"
SESSIONS = ((9 * 3600 + 1800, 11 * 3600 + 1800), (13 * 3600, 15 * 3600))
"""Listing sessions in seconds after midnight, Beijing time."""


def day_start_us(day: str) -> int:
    """Midnight of ``day`` in Beijing (UTC+8), in microseconds since the epoch."""
    d = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return int(d.timestamp()) * US - 8 * 3600 * US


def at(day: str, hhmmss: str) -> int:
    """A Beijing time of ``day`` in microseconds since the epoch: at(DAY, '14:55:00')."""
    h, m, s = (int(x) for x in hhmmss.split(":"))
    return day_start_us(day) + ((h * 60 + m) * 60 + s) * US


@dataclass(frozen=True, slots=True)
class HonestSpec:
    orders: int = 20_000
    accounts: int = 500
    instruments: tuple[str, ...] = ("CEA21", "CEA22", "CEA23")
    prev_close: int = 6000
    take_share_pct: int = 45
    cancel_share_pct: int = 20
    group_size: int = 2
    groups: int = 20
    seed: int = 1
    day: str = DAY


def _session_second(rng: random.Random) -> int:
    a, b = SESSIONS[0] if rng.random() < 0.5 else SESSIONS[1]
    return rng.randrange(a, b - 60)


def _qty(rng: random.Random) -> int:
    """Mostly small listings, a few large ones (all below the 100,000 t listing maximum)."""
    return min(99_999, int(rng.paretovariate(1.2) * 100) + rng.randrange(1, 100))


def honest_day(spec: HonestSpec = HonestSpec()) -> DayData:
    rng = random.Random(spec.seed)
    accounts = [f"A{i:06d}" for i in range(1, spec.accounts + 1)]
    groups = [
        (accounts[g * spec.group_size + k], f"G{g:03d}")
        for g in range(min(spec.groups, spec.accounts // (2 * spec.group_size)))
        for k in range(spec.group_size)
    ]
    group = dict(groups)
    start = day_start_us(spec.day)
    low = spec.prev_close * 9 // 10 + 50
    high = spec.prev_close * 11 // 10 - 50
    mids = dict.fromkeys(spec.instruments, spec.prev_close)
    orders: list[OrderEvent] = []
    trades: list[TradeRec] = []
    seconds = sorted(_session_second(rng) for _ in range(spec.orders))
    close_s = SESSIONS[1][1]
    n_trade = 0
    for i, sec in enumerate(seconds):
        inst = rng.choice(spec.instruments)
        mid = mids[inst] + rng.randint(-3, 3)
        if rng.randrange(2_000) < abs(mid - spec.prev_close):  # drifts back towards the close
            mid += 1 if mid < spec.prev_close else -1
        mid = mids[inst] = min(high, max(low, mid))
        side = rng.randrange(2)
        price = mid + (rng.randint(0, 40) if side == 1 else -rng.randint(0, 40))
        price = min(high, max(low, price))
        acct = rng.choice(accounts)
        qty = _qty(rng)
        oid = f"L{i + 1:07d}"
        t0 = start + sec * US + rng.randrange(US)
        orders.append(OrderEvent(t0, Action.PLACE, oid, acct, inst, side, price, qty))
        roll = rng.randrange(100)
        later = t0 + rng.randrange(1, 600) * US
        end = start + close_s * US
        if roll < spec.take_share_pct and later < end:
            taker = rng.choice(accounts)
            while taker == acct or (group.get(taker) and group.get(taker) == group.get(acct)):
                taker = rng.choice(accounts)
            take = qty if rng.random() < 0.6 else rng.randint(1, qty)
            n_trade += 1
            buyer, seller = (acct, taker) if side == 0 else (taker, acct)
            trades.append(
                TradeRec(later, f"T{n_trade:07d}", inst, "listing", price, take, buyer, seller, oid)
            )
            left = qty - take
            gone = end if left else later  # filled: off the book at once
            orders.append(OrderEvent(gone, Action.EXPIRE, oid, acct, inst, side, price, left))
        elif roll < spec.take_share_pct + spec.cancel_share_pct and later < end:
            orders.append(OrderEvent(later, Action.CANCEL, oid, acct, inst, side, price, qty))
        else:
            orders.append(OrderEvent(end, Action.EXPIRE, oid, acct, inst, side, price, qty))
    orders.sort(key=lambda o: o.ts)
    trades.sort(key=lambda t: t.ts)
    prev = tuple((inst, spec.prev_close) for inst in spec.instruments)
    bands = tuple(
        (inst, m, spec.prev_close * (100 - w) // 100, spec.prev_close * (100 + w) // 100)
        for inst in spec.instruments
        for m, w in (("listing", 10), ("block", 30))
    )
    return DayData(
        spec.day,
        tuple(orders),
        tuple(trades),
        prev,
        bands,
        start + close_s * US,
        tuple(sorted(groups)),
    )


def with_events(
    d: DayData,
    orders: list[OrderEvent] | tuple[OrderEvent, ...] = (),
    trades: list[TradeRec] | tuple[TradeRec, ...] = (),
    groups: tuple[tuple[str, str], ...] = (),
) -> DayData:
    """``d`` with planted orders, trades and group links added, still in time order."""
    return replace(
        d,
        orders=tuple(sorted((*d.orders, *orders), key=lambda o: o.ts)),
        trades=tuple(sorted((*d.trades, *trades), key=lambda t: t.ts)),
        groups=tuple(sorted({*d.groups, *groups})),
    )
