"""Auction clearing: time to clear a one-way bidding auction with 10,000 sealed bids.

    python benchmarks/auctions.py [--quick]

Clears a SELL auction (uniform price, random tie-break, lots, per-bidder cap) and a BUY
auction (pay-as-bid, time tie-break) over the same seeded bid book, and reports the best of a
few runs in milliseconds, and bids cleared per second.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openets.trading.auction import (
    AuctionOutcome,
    AuctionSide,
    AuctionSpec,
    Bid,
    PricingRule,
    TieBreak,
    clear_auction,
)

try:
    from benchmarks._bench import bench  # type: ignore[import-not-found, unused-ignore]
except ImportError:

    def bench(figure: str, value: float, unit: str) -> None:
        print("BENCH " + json.dumps({"figure": figure, "value": round(value, 1), "unit": unit}))


def book(n: int, lot: int, seed: int) -> list[Bid]:
    """``n`` bids from ``n // 4`` bidders around 80.00 yuan, in whole lots, many ties."""
    rng = random.Random(seed)
    return [
        Bid(
            f"B{i:06d}",
            f"P{rng.randrange(max(1, n // 4)):05d}",
            rng.randint(7_000, 9_000),
            lot * rng.randint(1, 20),
            i,
        )
        for i in range(n)
    ]


def spec(side: AuctionSide, n: int, lot: int) -> AuctionSpec:
    return AuctionSpec(
        auction_id="BENCH",
        initiator="GOV",
        side=side,
        instrument="CEA25",
        quantity=lot * n * 5,  # about half of the bid volume: oversubscribed
        reserve_price=6_000 if side is AuctionSide.SELL else 10_000,
        opens_at_us=0,
        closes_at_us=1,
        lot_size=lot,
        per_bidder_cap=lot * 30,  # binds for the busier bidders
        pricing=PricingRule.UNIFORM if side is AuctionSide.SELL else PricingRule.PAY_AS_BID,
        tie_break=TieBreak.RANDOM if side is AuctionSide.SELL else TieBreak.TIME,
    )


def best_ms(s: AuctionSpec, bids: list[Bid], runs: int) -> float:
    best = float("inf")
    for k in range(runs):
        t0 = time.perf_counter()
        result = clear_auction(s, bids, seed=k)
        best = min(best, time.perf_counter() - t0)
        assert result.summary.outcome is AuctionOutcome.CLEARED
        assert result.summary.volume == s.quantity
    return best * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer runs (a few seconds)")
    args = ap.parse_args()
    n, lot = 10_000, 100
    runs = 3 if args.quick else 10
    bids = book(n, lot, seed=1)
    sell_ms = best_ms(spec(AuctionSide.SELL, n, lot), bids, runs)
    buy_ms = best_ms(spec(AuctionSide.BUY, n, lot), bids, runs)
    bench("auction.clear_10k_bids_ms (sell, uniform, random ties, cap)", sell_ms, "ms")
    bench("auction.clear_10k_bids_ms (buy, pay-as-bid, time ties, cap)", buy_ms, "ms")
    bench("auction.bids_cleared_per_s (sell)", n / (sell_ms / 1000), "bids/s")


if __name__ == "__main__":
    main()
