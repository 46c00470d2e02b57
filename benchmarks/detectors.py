"""Surveillance: every detector over one trading day of 1,000,000 listings.

    python benchmarks/detectors.py [--quick] [--orders 1000000] [--accounts 2000] [--seed 1]

The day is the seeded honest synthetic market of the tests' ``synthetic_day`` fixture (each
listing taken, cancelled or left to expire; about 450,000 trades for a million listings) with
one planted case per detector. Timed: each detector on the whole day, then all of them. Also
reported: the alerts on the honest part of the day (false positives) and how many of the six
planted cases were found.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the synthetic day

from synthetic_day import HonestSpec, at, honest_day, with_events

from benchmarks._bench import bench
from openets.supervision.detectors import DETECTORS, run_all
from openets.supervision.model import Action, DayData, OrderEvent, Params, TradeRec

PLANTED = {
    "wash_trade": ("PW1", "PW2"),
    "circular_trading": ("PR1", "PR2", "PR3"),
    "marking_the_close": ("PMK",),
    "layering": ("PSP",),
    "pinned_at_band": ("PBD",),
    "concentration": ("PBIG",),
}


def plant(d: DayData) -> DayData:
    """One case per detector, on CEA21 (prices in fen around the 60.00 previous close)."""
    day = d.day
    trades: list[TradeRec] = []
    orders: list[OrderEvent] = []
    n = 0

    def tr(when: str, buyer: str, seller: str, qty: int, price: int = 6000) -> None:
        nonlocal n
        n += 1
        trades.append(
            TradeRec(at(day, when), f"PT{n:04d}", "CEA21", "listing", price, qty, buyer, seller, "")
        )

    for i in range(4):  # wash trades between two linked accounts
        tr(f"10:0{i}:00", "PW1", "PW2", 3_000)
    for r in range(3):  # a ring going round three times
        tr(f"{10 + r}:20:00", "PR2", "PR1", 5_000)
        tr(f"{10 + r}:25:00", "PR3", "PR2", 5_000)
        tr(f"{10 + r}:30:00", "PR1", "PR3", 5_000)
    vol = sum(t.quantity for t in d.trades if t.instrument == "CEA21" and t.method == "listing")
    for i in range(5):  # a quarter of the day's volume bought at 64.00 in the last ten minutes
        tr(f"14:5{i}:00", "PMK", f"A{i + 1:06d}", vol // 15, 6_400)
    for i in range(12):  # offers that set a new best and vanish, while buying
        orders.append(
            OrderEvent(
                at(day, f"11:{2 * i:02d}:00"),
                Action.PLACE,
                f"PSP{i}",
                "PSP",
                "CEA21",
                1,
                5_401,
                100,
            )
        )
        orders.append(
            OrderEvent(
                at(day, f"11:{2 * i:02d}:30"),
                Action.CANCEL,
                f"PSP{i}",
                "PSP",
                "CEA21",
                1,
                5_401,
                100,
            )
        )
        if i % 4 == 0:
            tr(f"11:{2 * i:02d}:15", "PSP", "A000009", 100)
    for i in range(4):  # bought at the upper limit
        tr(f"13:1{i}:00", "PBD", f"A{i + 1:06d}", 3_000, 6_600)
    for i in range(5):  # one buyer of half the day's CEA22
        v22 = sum(t.quantity for t in d.trades if t.instrument == "CEA22")
        trades.append(
            TradeRec(
                at(day, f"13:4{i}:00"),
                f"PK{i}",
                "CEA22",
                "listing",
                6000,
                v22 // 5,
                "PBIG",
                f"A{i + 11:06d}",
                "",
            )
        )
    links = (("PW1", "GPW"), ("PW2", "GPW"))
    return with_events(d, orders, trades, links)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--accounts", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    orders = 50_000 if args.quick else args.orders
    t0 = time.perf_counter()
    honest = honest_day(HonestSpec(orders=orders, accounts=args.accounts, seed=args.seed))
    day = plant(honest)
    bench(f"detectors: build a day of {orders:,} listings", time.perf_counter() - t0, "s")
    bench("detectors: order events in the day", len(day.orders), "events")
    bench("detectors: trades in the day", len(day.trades), "trades")
    p = Params()
    found: set[str] = set()
    false_pos = 0
    everyone = {x for v in PLANTED.values() for x in v}
    for name in DETECTORS:
        t = time.perf_counter()
        alerts = run_all(day, p, only=[name])
        bench(f"detectors: {name} over {orders:,} listings", time.perf_counter() - t, "s")
        mine = set(PLANTED[name])
        if any(set(a.accounts) & mine for a in alerts):
            found.add(name)
        false_pos += sum(1 for a in alerts if not set(a.accounts) & everyone)
    t = time.perf_counter()
    alerts = run_all(day, p)
    elapsed = time.perf_counter() - t
    bench(f"detectors: all six over {orders:,} listings", elapsed, "s")
    bench("detectors: listings per second, all six", round(orders / elapsed), "listings/s")
    bench("detectors: planted cases found (of 6)", len(found), "cases")
    bench("detectors: alerts on the honest part of the day", false_pos, "alerts")
    bench("detectors: alerts in all", len(alerts), "alerts")


if __name__ == "__main__":
    main()
