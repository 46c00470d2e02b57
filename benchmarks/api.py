"""HTTP API throughput and latency on loopback: 32 concurrent clients, each a participant
depositing into its own account (a cheap command: one journaled event, durable before the
answer). Trading orders join this benchmark when the trading endpoints exist.

    python benchmarks/api.py [--quick] [--clients 32] [--seconds 15] [--client raw|httpx]

The server runs as a subprocess (``openets serve``) on 127.0.0.1 with a SQLite journal
(synchronous=FULL) in a temporary directory. ``raw`` drives it with a minimal keep-alive
HTTP/1.1 client on asyncio streams, so that the client's own cost does not hide the server's;
``httpx`` uses httpx.AsyncClient. Password hashing is made cheap for the setup's logins
(``OPENETS_ARGON2_*``); the measured requests carry bearer tokens and hash nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openets.api.security import Passwords
from openets.api.users import add_user_to_db
from openets.domain.identity import make_uscc

PASSWORD = "bench-password-1"


def bench(figure: str, value: float, unit: str) -> None:
    print("BENCH " + json.dumps({"figure": figure, "value": round(value, 2), "unit": unit}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OPENETS_ARGON2_TIME_COST": "1", "OPENETS_ARGON2_MEMORY_KIB": "8192"}
    cmd = [
        sys.executable,
        "-m",
        "openets.cli",
        "serve",
        "--db",
        db,
        "--port",
        str(port),
        "--clock",
        "simulated",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server died")
    proc.kill()
    raise RuntimeError("the server did not start in 30 s")


def setup(base: str, n: int) -> list[tuple[str, str]]:
    """n participant accounts, each with a user; returns (account_id, token) per client."""
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30) as h:
        tok = h.post("/auth/token", json={"username": "regop", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        out = []
        for i in range(n):
            acct = h.post(
                "/registry/accounts",
                headers=auth,
                json={
                    "subject_type": "entity",
                    "name": f"bench{i}",
                    "id_code": make_uscc(f"91110000MA{i:07d}"),
                    "province": "北京",
                },
            ).json()["account_id"]
            user = f"bench{i:03d}"
            h.post(
                "/users",
                headers=auth,
                json={
                    "username": user,
                    "password": PASSWORD,
                    "role": "participant",
                    "account_id": acct,
                },
            ).raise_for_status()
            t = h.post("/auth/token", json={"username": user, "password": PASSWORD})
            out.append((acct, t.json()["access_token"]))
        return out


async def raw_worker(port: int, acct: str, token: str, stop: float, lat: list[float]) -> int:
    """Keep-alive HTTP/1.1 deposits until ``stop``; appends each latency to ``lat``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"account_id": acct, "amount": "1.00"}).encode()
    req = (
        f"POST /api/v1/funds/deposits HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    errors = 0
    while time.perf_counter() < stop:
        t0 = time.perf_counter()
        writer.write(req)
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        lat.append(time.perf_counter() - t0)
        if not status_line.startswith(b"HTTP/1.1 201"):
            errors += 1
    writer.close()
    return errors


async def httpx_worker(base: str, acct: str, token: str, stop: float, lat: list[float]) -> int:
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
        body = {"account_id": acct, "amount": "1.00"}
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            r = await c.post("/api/v1/funds/deposits", json=body)
            lat.append(time.perf_counter() - t0)
            errors += r.status_code != 201
    return errors


async def load(
    port: int, clients: list[tuple[str, str]], seconds: float, kind: str
) -> tuple[int, float, list[float], int]:
    lat: list[float] = []
    start = time.perf_counter()
    stop = start + seconds
    if kind == "raw":
        jobs = [raw_worker(port, a, t, stop, lat) for a, t in clients]
    else:
        base = f"http://127.0.0.1:{port}"
        jobs = [httpx_worker(base, a, t, stop, lat) for a, t in clients]
    errors = sum(await asyncio.gather(*jobs))
    return len(lat), time.perf_counter() - start, lat, errors


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw")
    args = ap.parse_args()
    seconds = 3.0 if args.quick else args.seconds
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        add_user_to_db(
            db, "regop", PASSWORD, "registry_operator", None, passwords=Passwords(1, 8192, 1)
        )
        port = free_port()
        proc = start_server(db, port)
        try:
            clients = setup(f"http://127.0.0.1:{port}", args.clients)
            asyncio.run(load(port, clients, 1.0, args.client))  # warm up
            n, elapsed, lat, errors = asyncio.run(load(port, clients, seconds, args.client))
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if errors:
        raise SystemExit(f"{errors} deposits were not accepted")
    lat.sort()
    tag = f"api_deposits_{args.clients}_clients_{args.client}"
    bench(f"{tag}_throughput", n / elapsed, "commands/s")
    bench(f"{tag}_p50_latency", percentile(lat, 0.50) * 1000, "ms")
    bench(f"{tag}_p99_latency", percentile(lat, 0.99) * 1000, "ms")


if __name__ == "__main__":
    main()
