"""The API's CPU per listing order without sockets or the HTTP server: the application called
directly in the server's event loop, so what it costs itself (the front door, the login, the
sequencer, the engine and its subscribers, the answer) is measured apart from uvicorn's and
the kernel's share.

    PYTHONPATH=$PWD python benchmarks/api_inprocess.py [--rounds 150] [--profile FILE]

A live server of the test fixtures (SQLite journal, synchronous=FULL) in a background thread;
32 participants, each alternately posting a buy listing and taking one tonne from a maker's
sell listing (as ``benchmarks/api.py``'s listing orders), as 32 concurrent ASGI calls in the
server's loop. Prints the CPU of the whole process per order (the commit thread included) and
the cyclic garbage collector's share; ``--profile`` writes a cProfile (the loop thread's CPU
time) of one more round.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "api")]

from marketapi import at, instrument, listed, market_server  # noqa: E402

CLIENTS = 32
Request = tuple[str, bytes, list[tuple[bytes, bytes]]]


def bench(figure: str, value: float, unit: str) -> None:
    print("BENCH " + json.dumps({"figure": figure, "value": round(value, 2), "unit": unit}))


def _plan(account: str, token: str, code: str, maker_listing: str) -> list[Request]:
    post = {"account_id": account, "instrument": code, "side": "buy", "price": "47.00"}
    bodies = [
        ("/api/v1/listings", json.dumps({**post, "quantity": 1}).encode()),
        (
            f"/api/v1/listings/{maker_listing}/take",
            json.dumps({"account_id": account, "quantity": 1}).encode(),
        ),
    ]
    return [
        (
            path,
            body,
            [
                (b"host", b"127.0.0.1"),
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        )
        for path, body in bodies
    ]


async def _one(app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> list[int]:
    """One POST through the application; the statuses it answered with."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # no disconnect while the answer is written
        raise AssertionError

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses


async def _client(app: Any, reqs: list[Request], n: int, errors: list[object]) -> None:
    for i in range(n):
        statuses = await _one(app, *reqs[i % len(reqs)])
        if statuses != [201]:
            errors.append(statuses)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=150, help="orders per client per run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", default=None)
    ap.add_argument("--quick", action="store_true", help="one short run (run_all.py --quick)")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.runs = 30, 1
    with tempfile.TemporaryDirectory() as tmp, market_server(Path(tmp)) as live:
        at(live, "10:00")
        code = instrument(live)
        maker = live.participant(tonnes={"CEA21": 99_999})
        lid = listed(maker, code, "sell", "48.00", 99_999)
        plans = []
        for _ in range(CLIENTS):
            p = live.participant(fen=10**10)
            plans.append(_plan(p.account_id, str(p.client.token), code, lid))
        app = live.server.app
        collected = [0.0, 0.0]  # CPU seconds in the collector, start of the current pass

        def timed(phase: str, info: dict[str, Any]) -> None:
            if phase == "start":
                collected[1] = time.thread_time()
            else:
                collected[0] += time.thread_time() - collected[1]

        async def drive(n: int) -> tuple[float, float, list[object]]:
            errors: list[object] = []
            t0, c0 = time.perf_counter(), time.process_time()
            await asyncio.gather(*(_client(app, reqs, n, errors) for reqs in plans))
            return time.perf_counter() - t0, time.process_time() - c0, errors

        live.server.call(lambda: drive(20))  # warm up
        gc.callbacks.append(timed)
        for _ in range(args.runs):
            collected[0] = 0.0
            wall, cpu, errors = live.server.call(lambda: drive(args.rounds), timeout=600)
            if errors:
                raise SystemExit(f"{len(errors)} orders not accepted, e.g. {errors[0]}")
            n = args.rounds * CLIENTS
            bench("api_inprocess_listing_orders_cpu_per_order", cpu / n * 1e6, "µs")
            bench("api_inprocess_listing_orders_gc_per_order", collected[0] / n * 1e6, "µs")
            bench("api_inprocess_listing_orders_throughput", n / wall, "orders/s")
        gc.callbacks.remove(timed)
        if args.profile:
            profiler = cProfile.Profile(time.thread_time)

            async def profiled() -> tuple[float, float, list[object]]:
                profiler.enable()
                try:
                    return await drive(args.rounds)
                finally:
                    profiler.disable()

            live.server.call(profiled, timeout=600)
            profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
