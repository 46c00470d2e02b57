"""Soak: sustained order flow over HTTP on loopback for a bounded time; memory stays flat.

    python benchmarks/soak.py [--quick] [--minutes 30 | --seconds 1800] [--clients 4]
                              [--db URL | --postgres] [--warmup S] [--depth 40] [--day 60]
                              [--heap DIR]

Starts ``openets serve`` on a temporary SQLite file (``--db URL``: an empty database;
``--postgres``: a fresh database on a throwaway cluster started from the local PostgreSQL
binaries, with the durable settings), runs clients that trade against each other over HTTP,
samples the server's resident memory, and counts errors. Bounded in time; loopback only.

The workload is a steady state, as a trading day's order flow is: what is posted leaves the
book at the rate it arrives. Each client, in a loop, posts a listing (45 %), takes a listing
of another account from the best five levels — its whole remaining quantity, so takes remove
listings as a real day's fills do (35 %) — or cancels its oldest listing (19 %); a client
keeping more than ``--depth`` listings of its own cancels the oldest (listings that a real
day lets expire), so the book stays within ``clients x depth`` listings however long the run.
Deposits (a bank top-up) are 1 % of the operations: money arrives now and then, not with every
order. Every ``--day`` seconds (default 60, a fifth of a shorter run) the exchange operator
ends the trading day as a real day ends: the clock moves to the close (listings expire),
``POST /ops/eod`` settles the day's trades, and the clock moves to the next trading day's
opening. A day's trades wait in memory for their settlement until its end, as they must; the
soak's days keep that at a day's worth. What the server keeps of the past is bounded
otherwise: each recipient's newest 1000 notifications, and for the trade and order histories
about a byte per record and account (the records are read back from the journal when asked).

Resident memory is sampled right after each end of day, once the warm-up is over (default: a
tenth of the run, 3 to 60 s; the book reaches its depth in it), the same point of each day's
cycle. The figure ``soak rss growth after warm-up`` is the last sample against the first, in
per cent (target: within ±5 %), and ``soak errors`` counts server 5xx answers and requests
that got no answer (target: 0); rejections of a client's own racing commands (taking a
listing someone else just took, cancelling a listing just filled) are answers, not errors.

``--heap DIR`` traces the server's heap (slower: the figures are then not comparable) and
prints the source lines whose live allocations grew most between the first and the last
sample: where the memory that stays goes.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bench import bench
from openets.ops.drill import (
    CEA,
    START,
    Acks,
    free_port,
    login,
    next_session,
    seed,
    start_server,
    wait_up,
)


class Counts(Acks):
    def total(self) -> int:
        with self.lock:
            return len(self.deposits) + len(self.listings) + len(self.trades) + len(self.cancels)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _take_whole(c: httpx.Client, rng: random.Random, acct: str, acks: Acks) -> None:
    """Take the whole remaining quantity of a listing of another account, if there is one."""
    book = c.get(f"/market/{CEA}/listings")
    levels = book.json() if book.status_code == 200 else {}
    rows = [row for row in levels.get("bids", []) + levels.get("asks", []) if not row.get("own")]
    if rows:
        row = rng.choice(rows)
        r = c.post(
            f"/listings/{row['listing_id']}/take",
            json={"account_id": acct, "quantity": int(row["remaining"])},
        )
        if r.status_code < 300:
            acks.add(acks.trades, r.json()["trade_id"])
        elif r.status_code >= 500:
            raise httpx.HTTPError(f"take answered {r.status_code}")


def steady_client(
    base: str, i: int, acct: str, acks: Acks, stop: threading.Event, depth: int, seed_: int
) -> None:
    """One trader's steady order flow (see the module's docstring)."""
    rng = random.Random(seed_)
    c = login(base, f"trader{i}", f"trader-password-{i}")
    mine: list[str] = []
    while not stop.is_set():
        try:
            op = rng.random()
            r: httpx.Response | None = None
            if op < 0.01:
                ref = f"dep-{seed_}-{rng.getrandbits(48):x}"
                r = c.post(
                    "/funds/deposits",
                    json={"account_id": acct, "amount": "100000.00"},
                    headers={"Idempotency-Key": ref},
                )
                if r.status_code < 300:
                    acks.add(acks.deposits, ref)
            elif op < 0.46:
                r = c.post(
                    "/listings",
                    json={
                        "account_id": acct,
                        "instrument": CEA,
                        "side": rng.choice(["buy", "sell"]),
                        "price": f"{rng.randint(4700, 4900) / 100:.2f}",
                        "quantity": rng.randint(1, 50),
                    },
                )
                if r.status_code < 300:
                    mine.append(r.json()["listing_id"])
                    acks.add(acks.listings, mine[-1])
            elif op < 0.81:
                _take_whole(c, rng, acct, acks)
            if mine and (op >= 0.81 or len(mine) > depth):
                lid = mine.pop(0)
                r = c.delete(f"/listings/{lid}", params={"account_id": acct})
                if r.status_code < 300:
                    acks.add(acks.cancels, lid)
            if r is not None and r.status_code >= 500:
                raise httpx.HTTPError(f"answered {r.status_code}")
        except (httpx.HTTPError, KeyError, ValueError):
            with acks.lock:
                acks.errors += 1
            time.sleep(0.05)
    c.close()


def end_of_day(op: httpx.Client) -> None:
    """Close today's session, run the end of day and open the next trading day."""
    today = str(op.get("/ops/status").json()["now"])[:10]
    r = op.post("/ops/clock/advance", json={"to": f"{today}T15:05:00+08:00"})
    assert r.status_code == 200, r.text
    r = op.post("/ops/eod", timeout=120)
    assert r.status_code == 200, r.text
    next_session(op)


@contextlib.contextmanager
def database(url: str | None, postgres: bool, tmp: str) -> Iterator[str]:
    """The empty database to soak on: ``url``, a throwaway PostgreSQL one, or a SQLite file."""
    if url:
        yield url
    elif postgres:
        from openets.ops.pgcluster import DURABLE, Cluster

        cluster = Cluster.create(name="soak", settings=DURABLE).start()
        try:
            yield cluster.create_database("soak")
        finally:
            cluster.remove()
    else:
        yield f"sqlite:///{tmp}/soak.db"


def start_traced(db: str, port: int, out: Path) -> subprocess.Popen[bytes]:
    """``openets serve`` as ``start_server`` starts it, with its heap traced (``_heaptrace``)."""
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_heaptrace.py")), str(out), "serve",
         "--db", db, "--port", str(port), "--clock", "simulated", "--start", START,
         "--mfa", "off"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def heap_snapshot(proc: subprocess.Popen[bytes], out: Path, n: int) -> None:
    """Ask the traced server for its n-th heap snapshot and wait until it is written."""
    proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 300
    while not (out / f"heap-{n}.done").exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def print_heap_growth(out: Path, n: int, top: int = 25) -> None:
    import tracemalloc

    first = tracemalloc.Snapshot.load(str(out / "heap-1.snap"))
    last = tracemalloc.Snapshot.load(str(out / f"heap-{n}.snap"))
    stats = last.compare_to(first, "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"heap growth between the first and the last sample: {total / 2**20:.1f} MiB",
          file=sys.stderr)
    for s in stats[:top]:
        print(f"  {s.size_diff / 2**20:8.2f} MiB {s.count_diff:+9d} blocks  {s.traceback}",
              file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--minutes", type=float, default=None, help="the run's length in minutes")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--db", default=None, help="an empty database (default: a SQLite file)")
    ap.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL cluster")
    ap.add_argument("--warmup", type=float, default=None, help="seconds before the first sample")
    ap.add_argument("--depth", type=int, default=40, help="listings a client keeps at most")
    ap.add_argument("--day", type=float, default=None, help="seconds of a trading day (60)")
    ap.add_argument("--heap", type=Path, default=None, help="trace the heap; snapshots here")
    a = ap.parse_args()
    seconds = 10 if a.quick else (a.minutes * 60 if a.minutes is not None else a.seconds)
    warmup = a.warmup if a.warmup is not None else max(3.0, min(60.0, seconds / 10))
    day = a.day if a.day is not None else (2.5 if a.quick else min(60.0, seconds / 5))
    with tempfile.TemporaryDirectory() as tmp, database(a.db, a.postgres, tmp) as db:
        accounts = seed(db)
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        proc = start_server(db, port) if a.heap is None else start_traced(db, port, a.heap)
        snaps = 0
        try:
            wait_up(base, proc)
            acks = Counts()
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=steady_client,
                    args=(base, i, accounts[i % len(accounts)], acks, stop, a.depth, 100 + i),
                )
                for i in range(a.clients)
            ]
            op = login(base, "exop", "drill-exchange-operator-1")
            for t in threads:
                t.start()
            began = time.monotonic()
            samples: list[float] = []
            seq0, t0, days, days0, acked0 = 0, began, 0, 0, 0
            while not samples or time.monotonic() - t0 < seconds:
                time.sleep(max(0.0, day - (time.monotonic() - began) % day))
                end_of_day(op)
                days += 1
                if time.monotonic() - began >= warmup:
                    samples.append(rss_mib(proc.pid))
                    if a.heap is not None and (len(samples) == 1 or
                                               time.monotonic() - t0 >= seconds):
                        snaps += 1
                        heap_snapshot(proc, a.heap, snaps)
                    if len(samples) == 1:
                        seq0 = httpx.get(f"{base}/health").json().get("journal_seq", 0)
                        t0 = time.monotonic()
                        days0 = days
                        acked0 = acks.total()
            dt = time.monotonic() - t0
            stop.set()
            for t in threads:
                t.join(timeout=30)
            health = httpx.get(f"{base}/health").json()
            try:
                metrics = op.get("/metrics").text
            finally:
                op.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    n5xx = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("openets_http_requests_total") and 'status="5' in line)
    acked = acks.total() - acked0
    first = samples[0]
    growth = 100 * (samples[-1] - first) / first
    bench("soak rss growth after warm-up", growth, "%")
    bench("soak errors", int(n5xx) + acks.errors, "requests")
    bench("soak.seconds", dt, "s")
    bench("soak.trading_days", days - days0, "days")
    bench("soak.acknowledged_commands_per_s", acked / dt, "commands/s")
    bench("soak.acknowledged_commands", acked, "commands")
    bench("soak.listings_posted", len(acks.listings), "listings")
    bench("soak.listings_cancelled", len(acks.cancels), "listings")
    bench("soak.trades", len(acks.trades), "trades")
    bench("soak.journal_events", int(health.get("journal_seq", 0)) - int(seq0), "events")
    bench("soak.server_rss_first_mib", first, "MiB")
    bench("soak.server_rss_last_mib", samples[-1], "MiB")
    bench("soak.server_rss_max_mib", max(samples), "MiB")
    bench("soak.server_rss_growth_mib", samples[-1] - first, "MiB")
    bench("soak.server_5xx", int(n5xx), "responses")
    bench("soak.client_errors", acks.errors, "requests")
    print("rss samples (MiB): " + " ".join(f"{s:.0f}" for s in samples), file=sys.stderr)
    if a.heap is not None and snaps > 1:
        print_heap_growth(a.heap, snaps)


if __name__ == "__main__":
    main()
