"""Auction clearing: time to clear a one-way bidding auction with 10,000 sealed bids.

    python benchmarks/auctions.py [--quick]

Clears a SELL auction (uniform price, random tie-break, lots, per-bidder cap) and a BUY
auction (pay-as-bid, time tie-break) over the same seeded bid book, and reports the best of a
few runs in milliseconds, and bids cleared per second.

Then the same bid book through the engine (in-memory journal, no cap): a government paid
allocation, 10,000 sealed bids placed with their fund locks (group commit), the close (one
trade per winning bid, every lock released) and the end-of-day settlement of those trades.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

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

    def bench(figure: str, value: float | int, unit: str) -> None:
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


def through_engine(n: int, lot: int) -> dict[str, float]:
    """Seconds to place ``n`` bids, close the auction and settle it, through the engine."""
    from openets.bootstrap import open_market
    from openets.clearing.funds import Deposit
    from openets.domain.clock import SimulatedClock, parse_iso
    from openets.domain.identity import make_uscc
    from openets.domain.messages import Command
    from openets.domain.rejection import Rejection
    from openets.ops.eod import run_end_of_day
    from openets.presets import preset
    from openets.registry.commands import Issue, OpenAccount
    from openets.registry.model import SubjectType, SystemRole
    from openets.trading.auction_messages import AnnounceAuction, CloseAuction, PlaceBid
    from openets.trading.commands import ListInstrument

    preset("cn").calendar.is_trading_day(parse_iso("2021-07-16T09:00+08:00").date())  # warm
    clock = SimulatedClock(parse_iso("2021-07-16T09:00+08:00"))
    market = open_market(None, clock)
    eng = market.engine

    def ok(cmd: Command, actor: str = "bench") -> tuple[Any, ...]:
        r = eng.submit(cmd, actor)
        if isinstance(r, Rejection):
            raise RuntimeError(str(r))
        return r

    bids = book(n, lot, seed=1)
    names = sorted({b.bidder for b in bids})
    accounts: dict[str, str] = {}
    with eng.batch():
        for i, name in enumerate(names):
            ev = ok(OpenAccount(SubjectType.ENTITY, name, make_uscc(f"9137000{i:010d}"), "山东"))
            acct = ev[0].account_id
            accounts[name] = acct
            ok(Deposit(acct, 10**10, f"bench-{acct}"))
    ok(ListInstrument("CEA21", "CEA21", 4800))
    gov = market.state.registry.system_account(SystemRole.AUCTION)
    assert gov is not None
    s = spec(AuctionSide.SELL, n, lot)
    ok(Issue(gov, "CEA21", s.quantity, "paid allocation"))
    ev = ok(
        AnnounceAuction(
            gov,
            AuctionSide.SELL,
            "CEA21",
            s.quantity,
            s.reserve_price,
            "2021-07-16T11:00+08:00",
            lot_size=lot,
            tie_break=TieBreak.RANDOM,
        )
    )
    aid = ev[-1].spec.auction_id
    t0 = time.perf_counter()
    results = eng.submit_many(
        [(PlaceBid(aid, accounts[b.bidder], b.price, b.quantity), "bench") for b in bids]
    )
    t_bids = time.perf_counter() - t0
    assert not any(isinstance(r, Rejection) for r in results)
    clock.advance(to=parse_iso("2021-07-16T11:00+08:00"))
    t0 = time.perf_counter()
    closed = ok(CloseAuction(aid), "exchange")
    t_close = time.perf_counter() - t0
    trades = sum(1 for e in closed if type(e).__name__ == "TradeExecuted")
    clock.advance(to=parse_iso("2021-07-16T15:30+08:00"))
    t0 = time.perf_counter()
    run_end_of_day(eng)
    t_eod = time.perf_counter() - t0
    assert market.state.violations() == []
    return {"bids": t_bids, "close": t_close, "eod": t_eod, "trades": trades}


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
    eng = through_engine(n, lot)
    bench(
        "auction.engine_bids_placed_per_s (10k bids, locks, group commit)",
        n / eng["bids"],
        "bids/s",
    )
    bench("auction.engine_close_10k_bids_ms (trades + lock releases)", eng["close"] * 1000, "ms")
    bench(
        f"auction.engine_eod_settle_ms ({int(eng['trades'])} auction trades)",
        eng["eod"] * 1000,
        "ms",
    )


if __name__ == "__main__":
    main()
