"""Soak: sustained order flow over HTTP on loopback for a bounded time; memory stays flat.

    python benchmarks/soak.py [--quick] [--seconds 1800] [--clients 4] [--db URL] [--warmup S]

Starts ``openets serve`` on a temporary SQLite file (or on ``--db URL``, an empty database),
runs the crash drill's clients (deposits, listings, takes, cancels) without killing anything,
samples the server's resident memory, and counts server errors (5xx and dropped connections).
Bounded in time; loopback only.

Resident memory is sampled after the warm-up (default: a tenth of the run, 3 to 60 s) and then
every few seconds; the figures are the first sample, the last, their difference in per cent
(target: within ±5 %), the highest, and the errors: server 5xx answers and client requests
that got no answer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openets.ops.drill import Acks, client_loop, free_port, login, seed, start_server, wait_up


def bench(figure: str, value: float, unit: str) -> None:
    print("BENCH " + json.dumps({"figure": figure, "value": round(value, 2), "unit": unit}))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--db", default=None, help="an empty database (default: a SQLite file)")
    ap.add_argument("--warmup", type=float, default=None, help="seconds before the first sample")
    a = ap.parse_args()
    seconds = 10 if a.quick else a.seconds
    warmup = a.warmup if a.warmup is not None else max(3.0, min(60.0, seconds / 10))
    with tempfile.TemporaryDirectory() as tmp:
        db = a.db or f"sqlite:///{tmp}/soak.db"
        accounts = seed(db)
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        proc = start_server(db, port)
        try:
            wait_up(base, proc)
            acks = Acks()
            stop = threading.Event()
            threads = [
                threading.Thread(target=client_loop, args=(base, i, accounts[i % len(accounts)],
                                                           accounts, acks, stop, 100 + i))
                for i in range(a.clients)
            ]
            for t in threads:
                t.start()
            time.sleep(warmup)
            first = rss_mib(proc.pid)
            seq0 = httpx.get(f"{base}/health").json().get("journal_seq", 0)
            samples = [first]
            t0 = time.monotonic()
            while time.monotonic() - t0 < seconds:
                time.sleep(min(10.0, seconds / 4))
                samples.append(rss_mib(proc.pid))
            dt = time.monotonic() - t0
            stop.set()
            for t in threads:
                t.join(timeout=30)
            health = httpx.get(f"{base}/health").json()
            # metrics: the exchange operator's
            op = login(base, "exop", "drill-exchange-operator-1")
            try:
                metrics = op.get("/metrics").text
            finally:
                op.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    n5xx = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("openets_http_requests_total") and 'status="5' in line)
    acked = len(acks.deposits) + len(acks.listings) + len(acks.trades)
    bench("soak.seconds", dt, "s")
    bench("soak.acknowledged_commands_per_s", acked / dt, "commands/s")
    bench("soak.journal_events", float(health.get("journal_seq", 0)) - float(seq0), "events")
    bench("soak.server_rss_first_mib", first, "MiB")
    bench("soak.server_rss_last_mib", samples[-1], "MiB")
    bench("soak.server_rss_max_mib", max(samples), "MiB")
    bench("soak.server_rss_growth_mib", samples[-1] - first, "MiB")
    bench("soak.server_rss_growth_percent", 100 * (samples[-1] - first) / first, "%")
    bench("soak.server_5xx", n5xx, "responses")
    bench("soak.client_errors", acks.errors, "requests")


if __name__ == "__main__":
    main()
