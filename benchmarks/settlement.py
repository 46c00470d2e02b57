"""End-of-day settlement: DvP, trade by trade, of N trades among M accounts.

    python benchmarks/settlement.py [--quick] [--trades 1000000] [--accounts 10000]
                                    [--db URL | --postgres]

The day's trades are loaded by appending their events straight to the engine (the handlers
would only slow the set-up down): each account's allowances are issued with what it sells
already locked (as its taken sell listings left them), and buyers pay from their available
funds, so every invariant and reconciliation holds before and after. The timed part is the end
of day itself through the engine: close, settle in batches with group commit on a SQLite
journal, finish (roll T+1).

The journal is a SQLite file unless ``--db`` names an empty database (``run_all.py`` passes a
fresh PostgreSQL one) or ``--postgres`` asks for a throwaway cluster started from the local
PostgreSQL binaries (durable settings). A run whose settlement leaves a trade unsettled or an
invariant broken exits with ``MISMATCH``.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bench import MISMATCH, bench
from openets.bootstrap import open_market
from openets.clearing.funds import BANK, FundBucket, FundPosting, FundsPosted
from openets.domain.clock import SimulatedClock, parse_iso, to_utc_micros
from openets.domain.identity import make_uscc
from openets.domain.messages import Event
from openets.ops.eod import run_end_of_day
from openets.registry.events import AccountOpened, LedgerPosted
from openets.registry.model import (
    ISSUED,
    AccountStatus,
    Bucket,
    Posting,
    SubjectType,
    SystemRole,
    TxType,
)
from openets.trading.book import Side
from openets.trading.events import DayOpened, InstrumentListed, TradeExecuted


def load_day(eng: object, n_trades: int, n_accounts: int, seed: int) -> None:
    from openets.engine.core import Engine

    assert isinstance(eng, Engine)
    rng = random.Random(seed)
    ts = to_utc_micros(eng.clock.now())
    clearing = eng.state.registry.system_account(SystemRole.EXCHANGE_CLEARING)
    assert clearing is not None
    accts = [f"B{i:06d}" for i in range(n_accounts)]
    plan = []
    sold = dict.fromkeys(accts, 0)
    for _ in range(n_trades):
        b, s = rng.sample(accts, 2)
        price, qty = rng.randint(4500, 5500), rng.randint(1, 1000)
        plan.append((b, s, price, qty))
        sold[s] += qty
    ev: list[Event] = [InstrumentListed("CEA21", "CEA21", 5000), DayOpened("2021-07-16")]
    for i, a in enumerate(accts):
        ev += [
            AccountOpened(
                a,
                SubjectType.ENTITY,
                a,
                make_uscc(f"91110000{i:09d}"),
                "北京",
                AccountStatus.ACTIVE,
                None,
                "",
            ),
            LedgerPosted(
                f"I{i}",
                TxType.ISSUANCE,
                (
                    Posting(ISSUED, "CEA21", Bucket.AVAILABLE, -(10**9)),
                    Posting(a, "CEA21", Bucket.AVAILABLE, 10**9 - sold[a]),
                    Posting(a, "CEA21", Bucket.LOCKED, sold[a]),
                ),
                "",
                "",
            ),
            FundsPosted(
                f"D{i}",
                "deposit",
                (
                    FundPosting(BANK, FundBucket.AVAILABLE, -(10**13)),
                    FundPosting(a, FundBucket.AVAILABLE, 10**13),
                ),
                f"d{i}",
            ),
        ]
    eng._append(ev, "bench", ts, {})
    batch: list[Event] = []
    for k, (b, s, price, qty) in enumerate(plan):
        n = price * qty
        fee = (n * 5 + 5000) // 10_000
        tid = f"T{k:07d}"
        batch += [
            FundsPosted(
                f"FT{k}",
                "trade",
                (
                    FundPosting(b, FundBucket.AVAILABLE, -(n + fee)),
                    FundPosting(clearing, FundBucket.AVAILABLE, 2 * fee),
                    FundPosting(s, FundBucket.RECEIVABLE, n - fee),
                ),
                tid,
            ),
            TradeExecuted(
                tid, "CEA21", "listing", price, qty, b, s, "", Side.SELL, fee, fee, 0, ""
            ),
        ]
        if len(batch) >= 20_000:
            eng._append(batch, "bench", ts, {})
            batch = []
    if batch:
        eng._append(batch, "bench", ts, {})
    eng.journal.commit()


def _entries(market: object) -> int:
    """Ledger entries the settlement batches carry (what account statements show)."""
    from openets.clearing.settlement import TradesSettled
    from openets.engine import codec

    n = 0
    for r in market.engine.journal.read(0):  # type: ignore[attr-defined]
        if r.type == "TradesSettled":
            ev = codec.decode(r.type, r.payload)
            assert isinstance(ev, TradesSettled)
            n += sum(1 for _ in ev.entries())
    return n


@contextlib.contextmanager
def database(url: str | None, postgres: bool, tmp: str) -> Iterator[str]:
    """The empty database to settle on: ``url``, a throwaway PostgreSQL one, or a SQLite file."""
    if url:
        yield url
    elif postgres:
        from openets.ops.pgcluster import DURABLE, Cluster

        cluster = Cluster.create(name="settle", settings=DURABLE).start()
        try:
            yield cluster.create_database("settle")
        finally:
            cluster.remove()
    else:
        yield f"sqlite:///{tmp}/settle.db"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--trades", type=int, default=1_000_000)
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--db", default=None, help="an empty database (default: a SQLite file)")
    ap.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL cluster")
    a = ap.parse_args()
    n, m = (20_000, 1_000) if a.quick else (a.trades, a.accounts)
    with tempfile.TemporaryDirectory() as tmp, database(a.db, a.postgres, tmp) as db:
        clock = SimulatedClock(parse_iso("2021-07-16T09:30+08:00"))
        market = open_market(db, clock, preset="cn-demo")
        t0 = time.perf_counter()
        load_day(market.engine, n, m, a.seed)
        bench("settlement.load_seconds (set-up, not the figure)", time.perf_counter() - t0, "s")
        # The day's commands would have built the market's calendar (cached for the process)
        # long before its close; loaded without them, the day builds it here, outside the
        # timed end of day (about half a second, the same whatever the number of trades).
        assert market.state.rules.calendar is not None
        clock.advance(to=parse_iso("2021-07-16T15:05+08:00"))
        t0 = time.perf_counter()
        report = run_end_of_day(market.engine, batch=20_000)
        dt = time.perf_counter() - t0
        bad = market.state.violations()
        if report.settled != n or bad:
            print(f"settled {report.settled} of {n} trades; broken: {bad[:3]}", file=sys.stderr)
            sys.exit(MISMATCH)
        bench("settlement.statement_lines_per_trade (registry + fees)", _entries(market) / n, "")
        bench(f"settlement.end_of_day_seconds ({n} trades, {m} accounts)", dt, "s")
        bench("settlement.trades_per_s", n / dt, "trades/s")
        market.engine.journal.close()


if __name__ == "__main__":
    main()
