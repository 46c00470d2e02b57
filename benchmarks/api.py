"""HTTP API throughput and latency on loopback, 32 concurrent clients, each a participant:

- deposits into its own account (a cheap command: one journaled event, durable before the
  answer);
- listing orders: each client alternately posts a buy listing (挂牌, funds locked) and takes
  one tonne from a sell listing of a market maker (摘牌, a trade), all in the listing session of
  the first trading day.

    python benchmarks/api.py [--quick] [--clients 32] [--seconds 15] [--client raw|httpx]
                             [--db URL] [--workloads deposits,listing_orders]

The server runs as a subprocess (``openets serve``) on 127.0.0.1 with a SQLite journal
(synchronous=FULL) in a temporary directory, or on ``--db URL`` (an empty database). ``raw``
drives it with a minimal keep-alive HTTP/1.1 client on asyncio streams (on uvloop, one read for
the status line and headers), so that the client's own cost does not hide the server's: the
clients share the machine's cores with the server, and the benchmark prints the CPU they spent
per request beside the server's; ``httpx`` uses httpx.AsyncClient. Password hashing is made
cheap for the setup's logins
(``OPENETS_ARGON2_*``); the measured requests carry bearer tokens and hash nothing.

On a PostgreSQL ``--db`` whose server runs on this machine it also prints what the database
server spent per request (``db_cpu_per_request``: its processes' CPU, from /proc), the
journal's commits per request (each one a WAL fsync, ``synchronous_commit`` being on) and the
WAL it wrote per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openets.api.security import Passwords
from openets.api.users import add_user_to_db
from openets.domain.identity import make_uscc

PASSWORD = "bench-password-1"
INSTRUMENT = "CEA21"
MAKER_LISTINGS = 40
MAKER_LOT = 99_999
"""The maker's sell listings the takers take from, one tonne at a time (all at one price)."""
START_SECONDS = 120
"""How long the server may take to open its market (migrations, a PostgreSQL connection, the
exchange calendar) on a busy machine."""


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
        "--mfa",
        "off",  # the benchmark logs staff in with passwords
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server died")
    proc.kill()
    raise RuntimeError(f"the server did not start in {START_SECONDS} s")


def approve(h: httpx.Client, user: str) -> None:
    """The second registry operator approves ``user``'s login (four eyes on every login)."""
    tok = h.post("/auth/token", json={"username": "regop2", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    h.post(f"/users/{user}/approve", headers=auth, json={}).raise_for_status()


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
            approve(h, user)  # a login bound to an account waits for a second person
            t = h.post("/auth/token", json={"username": user, "password": PASSWORD})
            out.append((acct, t.json()["access_token"]))
        return out


def setup_trading(base: str, clients: list[tuple[str, str]]) -> list[str]:
    """Open the market for listing orders: the clock in the session, the instrument listed,
    money for every client, a maker with sell listings. Returns the maker's listing ids."""
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30) as h:

        def auth(user: str) -> dict[str, str]:
            tok = h.post("/auth/token", json={"username": user, "password": PASSWORD})
            return {"Authorization": f"Bearer {tok.json()['access_token']}"}

        exop, regop = auth("exop"), auth("regop")
        h.post("/ops/clock/advance", headers=exop, json={"to": "2021-07-16T10:00:00+08:00"})
        inst = {"code": INSTRUMENT, "product": "CEA21", "reference_price": "48.00"}
        h.post("/instruments", headers=exop, json=inst).raise_for_status()
        for acct, token in clients:
            body = {"account_id": acct, "amount": "100000000.00"}
            h.post("/funds/deposits", headers=bearer(token), json=body).raise_for_status()
        maker = h.post(
            "/registry/accounts",
            headers=regop,
            json={
                "subject_type": "entity",
                "name": "bench maker",
                "id_code": make_uscc("91110000MA9999999"),
                "province": "北京",
            },
        ).json()["account_id"]
        issue = {"account_id": maker, "product": "CEA21", "quantity": MAKER_LISTINGS * MAKER_LOT}
        rq = h.post("/registry/issuances", headers=regop, json=issue)
        rq.raise_for_status()  # an issuance is a request another registry operator approves
        h.post(
            f"/registry/requests/{rq.json()['request_id']}/approve", headers=auth("regop2"), json={}
        ).raise_for_status()
        user = {"username": "maker", "password": PASSWORD, "role": "participant"}
        h.post("/users", headers=regop, json={**user, "account_id": maker}).raise_for_status()
        approve(h, "maker")
        mk = auth("maker")
        ids = []
        for _ in range(MAKER_LISTINGS):
            body = {"account_id": maker, "instrument": INSTRUMENT, "side": "sell"}
            body |= {"price": "48.00", "quantity": MAKER_LOT}
            r = h.post("/listings", headers=mk, json=body)
            r.raise_for_status()
            ids.append(r.json()["listing_id"])
        return ids


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


T = TypeVar("T")
Request = tuple[str, bytes]
"""(path, JSON body) of one POST."""


def deposits(acct: str, i: int, makers: list[str]) -> list[Request]:
    return [("/api/v1/funds/deposits", json.dumps({"account_id": acct, "amount": "1.00"}).encode())]


def listing_orders(acct: str, i: int, makers: list[str]) -> list[Request]:
    """A buy listing, then a take of one tonne from a maker listing (each client its own)."""
    post = {"account_id": acct, "instrument": INSTRUMENT, "side": "buy", "price": "47.00"}
    take = {"account_id": acct, "quantity": 1}
    return [
        ("/api/v1/listings", json.dumps({**post, "quantity": 1}).encode()),
        (f"/api/v1/listings/{makers[i % len(makers)]}/take", json.dumps(take).encode()),
    ]


Workload = Callable[[str, int, list[str]], list[Request]]


async def raw_worker(
    port: int, token: str, reqs: list[Request], stop: float, lat: list[float]
) -> int:
    """Keep-alive HTTP/1.1 POSTs of ``reqs`` in turn until ``stop``; appends each latency."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    encoded = [
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for path, body in reqs
    ]
    errors = 0
    n = 0
    while time.perf_counter() < stop:
        t0 = time.perf_counter()
        writer.write(encoded[n % len(encoded)])
        n += 1
        head = await reader.readuntil(b"\r\n\r\n")  # status line and headers in one read
        at = head.lower().find(b"\r\ncontent-length:")
        length = int(head[at + 17 : head.index(b"\r\n", at + 2)]) if at >= 0 else 0
        body = await reader.readexactly(length)
        lat.append(time.perf_counter() - t0)
        if not head.startswith(b"HTTP/1.1 201"):
            errors += 1
            if errors == 1:
                print(f"unexpected answer: {head!r} {body[:300]!r}", file=sys.stderr)
    writer.close()
    return errors


async def httpx_worker(
    base: str, token: str, reqs: list[Request], stop: float, lat: list[float]
) -> int:
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers=bearer(token)) as c:
        n = 0
        while time.perf_counter() < stop:
            path, body = reqs[n % len(reqs)]
            n += 1
            t0 = time.perf_counter()
            r = await c.post(path, content=body, headers={"Content-Type": "application/json"})
            lat.append(time.perf_counter() - t0)
            errors += r.status_code != 201
    return errors


async def load(
    port: int,
    clients: list[tuple[str, str]],
    seconds: float,
    kind: str,
    workload: Workload,
    makers: list[str],
) -> tuple[int, float, list[float], int]:
    lat: list[float] = []
    start = time.perf_counter()
    stop = start + seconds
    plans = [(t, workload(a, i, makers)) for i, (a, t) in enumerate(clients)]
    if kind == "raw":
        jobs = [raw_worker(port, t, reqs, stop, lat) for t, reqs in plans]
    else:
        base = f"http://127.0.0.1:{port}"
        jobs = [httpx_worker(base, t, reqs, stop, lat) for t, reqs in plans]
    errors = sum(await asyncio.gather(*jobs))
    return len(lat), time.perf_counter() - start, lat, errors


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``coro`` in a fresh event loop: uvloop's where it is installed (a client that spends less
    CPU leaves more of a small machine to the server it measures)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


Result = tuple[int, float, list[float], int]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DbServer:
    """The PostgreSQL server behind ``--db``: its processes' CPU time where it runs on this
    machine (the postmaster and its children, read from /proc through the data directory's
    ``postmaster.pid``), the journal's commits and the WAL written. On 2 cores the database
    server shares the CPU with the clients and the server: what it spends per order counts as
    much as the server's own. None of it on SQLite."""

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        kw = {k: v for k, v in u.query.items() if isinstance(v, str)}
        self.conn = psycopg.connect(
            host=kw.pop("host", u.host), port=u.port, user=u.username, password=u.password,
            dbname=u.database or "postgres", autocommit=True,
        )
        self.database = u.database or "postgres"
        self.pid: int | None = None
        with contextlib.suppress(Exception):
            data = self.conn.execute("SHOW data_directory").fetchone()[0]
            self.pid = int((Path(data) / "postmaster.pid").read_text().split("\n", 1)[0])

    def cpu(self) -> float | None:
        """CPU seconds of the postmaster, its live children and those that ended."""
        if self.pid is None:
            return None
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                f = stat.read_text().rsplit(")", 1)[1].split()
                pid = int(stat.parent.name)
                if pid == self.pid:
                    total += (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / tick
                elif int(f[1]) == self.pid:
                    total += (int(f[11]) + int(f[12])) / tick
        return total

    def position(self) -> tuple[int, int]:
        """The journal's last sequence number and the server's WAL position (bytes)."""
        seq = self.conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
        lsn = self.conn.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").fetchone()[0]
        return int(seq), int(lsn)

    def commits(self, after: int, upto: int) -> int:
        """How many transactions wrote the journal's records ``after`` < seq <= ``upto``
        (each row keeps the id of the transaction that inserted it)."""
        return int(
            self.conn.execute(
                "SELECT count(DISTINCT xmin::text) FROM journal WHERE seq > %s AND seq <= %s",
                (after, upto),
            ).fetchone()[0]
        )

    def close(self) -> None:
        self.conn.close()


def report(
    what: str,
    unit: str,
    clients: int,
    kind: str,
    result: Result,
    cpu: float | None = None,
    client_cpu: float | None = None,
    db: tuple[float | None, int, int] | None = None,
) -> None:
    n, elapsed, lat, errors = result
    if errors:
        raise SystemExit(f"{errors} of {n} {what} were not accepted")
    lat.sort()
    tag = f"api_{what}_{clients}_clients_{kind}"
    bench(f"{tag}_throughput", n / elapsed, unit)
    bench(f"{tag}_p50_latency", percentile(lat, 0.50) * 1000, "ms")
    bench(f"{tag}_p99_latency", percentile(lat, 0.99) * 1000, "ms")
    if cpu is not None:  # what a request costs the server, whatever else the machine runs
        bench(f"{tag}_server_cpu_per_request", cpu / n * 1e6, "µs")
    if client_cpu is not None:  # the load generator's own share of the machine's CPU
        bench(f"{tag}_client_cpu_per_request", client_cpu / n * 1e6, "µs")
    if db is not None:  # PostgreSQL: its server's share, and its commits and fsyncs
        db_cpu, commits, wal = db
        if db_cpu is not None:
            bench(f"{tag}_db_cpu_per_request", db_cpu / n * 1e6, "µs")
        bench(f"{tag}_db_commits_per_request", commits / n, "commits")
        bench(f"{tag}_wal_bytes_per_request", wal / n, "bytes")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw")
    ap.add_argument("--db", default=None, help="an empty database (default: a SQLite file)")
    ap.add_argument("--workloads", default="deposits,listing_orders",
                    help="which of deposits,listing_orders to run")
    args = ap.parse_args()
    wanted = args.workloads.split(",")
    seconds = 3.0 if args.quick else args.seconds
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        fast = Passwords(1, 8192, 1)
        add_user_to_db(db, "regop", PASSWORD, "registry_operator", None, passwords=fast)
        add_user_to_db(db, "regop2", PASSWORD, "registry_operator", None, passwords=fast)
        add_user_to_db(db, "exop", PASSWORD, "exchange_operator", None, passwords=fast)
        port = free_port()
        proc = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            clients = setup(base, args.clients)
            makers = setup_trading(base, clients)
            results = {}
            cpus: dict[str, float] = {}
            client_cpus: dict[str, float] = {}
            dbs: dict[str, tuple[float | None, int, int]] = {}
            server = DbServer(db) if db.startswith("postgres") else None
            for what, workload in (("deposits", deposits), ("listing_orders", listing_orders)):
                if what not in wanted:
                    continue
                run(load(port, clients, 1.0, args.client, workload, makers))  # warm up
                if server is not None:
                    db0, (seq0, wal0) = server.cpu(), server.position()
                cpu0, mine0 = cpu_seconds(proc.pid), time.process_time()
                results[what] = run(load(port, clients, seconds, args.client, workload, makers))
                cpus[what] = cpu_seconds(proc.pid) - cpu0
                client_cpus[what] = time.process_time() - mine0
                if server is not None:
                    db1, (seq1, wal1) = server.cpu(), server.position()
                    dbs[what] = (
                        None if db0 is None or db1 is None else db1 - db0,
                        server.commits(seq0, seq1),
                        wal1 - wal0,
                    )
            if server is not None:
                server.close()
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if "deposits" in results:
        report("deposits", "commands/s", args.clients, args.client, results["deposits"],
               cpus["deposits"], client_cpus["deposits"], dbs.get("deposits"))
    if "listing_orders" in results:
        report("listing_orders", "orders/s", args.clients, args.client,
               results["listing_orders"], cpus["listing_orders"], client_cpus["listing_orders"],
               dbs.get("listing_orders"))


if __name__ == "__main__":
    main()
