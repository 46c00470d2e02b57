"""Registry throughput: durable transfers/s through the engine (SQLite journal, group commit),
and replay events/s.

Each of the main figures is also given per second of this process's CPU time (``per_cpu_s``):
on a shared machine the wall-clock figures swing with the other load, the CPU ones far less.
They leave out the time waited for the disk and, on PostgreSQL, the server's own work.

    python benchmarks/registry.py [--quick] [--db sqlite:///path]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openets.bootstrap import new_state, open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.engine.core import Engine
from openets.market import MarketState
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.store.sql_journal import SqlJournal


def bench(figure: str, value: float, unit: str) -> None:
    import json

    print("BENCH " + json.dumps({"figure": figure, "value": round(value, 1), "unit": unit}),
          flush=True)


def run(db: str, n_transfers: int, batch: int) -> None:
    clock = SimulatedClock(parse_iso("2021-07-16T09:00+08:00"))
    m = open_market(db, clock, synchronous="FULL")
    eng = m.engine
    accts = []
    with eng.batch():
        for i in range(100):
            (ev,) = eng.submit(
                rc.OpenAccount(SubjectType.ENTITY, f"e{i}", make_uscc(f"91370000{i:09d}"), "山东"),
                "op",
            )
            accts.append(ev.account_id)
            eng.submit(rc.Issue(ev.account_id, "CEA21", 10**9, "seed"), "op")
    # A transfer is a request by one operator and its approval by another (four-eyes).
    k = 0

    def transfers(n: int) -> int:
        nonlocal k
        done = 0
        while done < n:
            with eng.batch():
                for _ in range(batch):
                    a, b = accts[k % 100], accts[(k * 7 + 1) % 100]
                    k += 1
                    if a == b:
                        continue
                    (req,) = eng.submit(
                        rc.RequestTransfer(a, b, "CEA21", 1 + k % 50, "bench"), "op1"
                    )
                    eng.submit(rc.Decide(req.request_id, True), "op2")
                    done += 1
        return done

    t0, c0 = time.perf_counter(), time.process_time()
    done = transfers(n_transfers)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    bench("registry.transfers_per_s (durable, group commit)", done / dt, "transfers/s")
    bench("registry.commands_per_s (durable, group commit)", 2 * done / dt, "commands/s")
    bench("registry.commands_per_cpu_s (durable, group commit)", 2 * done / cpu,
          "commands/cpu-s")
    bench("registry.events_per_s appended", 3 * done / dt, "events/s")

    # The same with the journal's writer thread, as the API's sequencer runs it: a batch is
    # written and fsync'd while the engine applies the next; counted once the last is durable.
    journal = eng.journal
    if isinstance(journal, SqlJournal):
        with ThreadPoolExecutor(1) as writer:
            journal.commit_in(writer)
            t0 = time.perf_counter()
            done = transfers(n_transfers)
            last = journal.pending()
            if last is not None:
                last.result()
            dt = time.perf_counter() - t0
            journal.commit_in(None)
        bench("registry.commands_per_s (durable, group commit, writer thread)", 2 * done / dt,
              "commands/s")

    # Single-command commits (one fsync per command): what a lone API caller sees.
    t0 = time.perf_counter()
    single = max(50, n_transfers // 200)
    for i in range(single):
        eng.submit(rc.Freeze(accts[i % 100], "CEA21", 1, "bench"), "op")
    dt1 = time.perf_counter() - t0
    bench("registry.single_commit_commands_per_s", single / dt1, "commands/s")

    live = m.state.state_hash()
    fresh = Engine(eng.journal, clock, eng.handlers, eng.appliers, state_factory=new_state)
    t0, c0 = time.perf_counter(), time.process_time()
    n = fresh.recover(use_snapshot=False)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert fresh.state.state_hash() == live, "replay differs from the live state"
    bench("registry.replay_events_per_s (read + decode + apply)", n / dt, "events/s")
    bench("registry.replay_events_per_cpu_s (read + decode + apply)", n / cpu, "events/cpu-s")
    # The same replay into the state a market on a SQL journal recovers into (open_market):
    # its transaction index bound to the store, which keeps the transactions out of memory.
    store = m.state.registry.transactions.store
    if store is not None:

        def recovering() -> MarketState:
            st = new_state()
            st.registry.transactions.bind(store)
            return st

        fresh = Engine(eng.journal, clock, eng.handlers, eng.appliers, state_factory=recovering)
        t0, c0 = time.perf_counter(), time.process_time()
        n = fresh.recover(use_snapshot=False)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert fresh.state.state_hash() == live, "replay differs from the live state"
        bench("registry.replay_events_per_cpu_s (read + decode + apply, as a market recovers)",
              n / cpu, "events/cpu-s")
    records = list(eng.journal.read())
    fresh2 = new_state()
    t0, c0 = time.perf_counter(), time.process_time()
    n = fresh.replay_into(fresh2, records)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    bench("registry.replay_events_per_s (decode + apply, records in memory)", n / dt, "events/s")
    bench("registry.replay_events_per_cpu_s (decode + apply, records in memory)", n / cpu,
          "events/cpu-s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--db", default=None)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    n = 5_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        run(args.db or f"sqlite:///{tmp}/bench.db", n, args.batch)


if __name__ == "__main__":
    main()
