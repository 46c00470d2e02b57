"""The crash drill: ``openets serve`` in a subprocess, clients over HTTP, ``kill -9``.

Each round starts the server on the same SQLite file, lets several clients send random
commands (deposits, listings, takes, cancels; the end of day in some rounds), kills the server
with SIGKILL at a random moment, and then checks, with the server down:

- every command a client saw acknowledged (2xx) is in the journal;
- the journal's hash chain is intact and ``openets verify`` passes (every invariant holds,
  a snapshot agrees with a full replay);
- the state after recovery equals a replay of the journal.

Run more rounds by hand: ``openets drill --rounds 50``.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import orjson

from openets.api.users import add_user_to_db
from openets.bootstrap import open_market
from openets.clearing import funds
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.domain.rejection import Rejection
from openets.engine.journal import verify_chain
from openets.ops.verify import replay_market, verify_market
from openets.presets import preset
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal
from openets.trading.commands import ListInstrument

START = "2021-07-16T09:30+08:00"
CEA = "CEA21"
N_TRADERS = 4


@dataclass
class Acks:
    deposits: set[str] = field(default_factory=set)
    listings: set[str] = field(default_factory=set)
    trades: set[str] = field(default_factory=set)
    cancels: set[str] = field(default_factory=set)
    """Listings whose cancellation was acknowledged."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: int = 0
    """Requests that got no answer (a dropped connection, a timeout) or an unreadable one."""
    first_at: float | None = None
    """``time.monotonic()`` of the first acknowledgement."""

    def add(self, kind: set[str], ident: str) -> None:
        """Record an acknowledged command (``kind`` is one of the sets above)."""
        with self.lock:
            kind.add(ident)
            if self.first_at is None:
                self.first_at = time.monotonic()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(db: str) -> list[str]:
    market = open_market(db, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    eng = market.engine
    accounts = []
    with eng.batch():
        eng.submit(ListInstrument(CEA, CEA, 4800), "exop")
        for i in range(N_TRADERS):
            r = eng.submit(
                rc.OpenAccount(
                    SubjectType.ENTITY, f"trader {i}", make_uscc(f"91370000CRAH{i:05d}"), "山东"
                ),
                "regop",
            )
            assert not isinstance(r, Rejection), r
            acct = str(getattr(r[0], "account_id"))  # noqa: B009 - the AccountOpened event
            accounts.append(acct)
            eng.submit(rc.Issue(acct, CEA, 10**7, "seed"), "regop")
            eng.submit(funds.Deposit(acct, 10**12, f"seed-{i}"), "bank")
    eng.journal.close()
    add_user_to_db(db, "exop", "drill-exchange-operator-1", "exchange_operator", None)
    for i, acct in enumerate(accounts):
        add_user_to_db(db, f"trader{i}", f"trader-password-{i}", "participant", acct)
    return accounts


def start_server(
    db: str, port: int, extra: Sequence[str] = (), stdout: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """``openets serve`` on ``db`` in a process of its own (``extra``: more of its options)."""
    return subprocess.Popen(
        [
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
            "--start",
            START,
            "--mfa",
            "off",  # the drill logs in with passwords; MFA has its own tests
            *extra,
        ],
        stdout=stdout,
        stderr=subprocess.PIPE,
    )


def wait_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"the server exited: {err[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not come up")


def login(base: str, user: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=10)
    tok = c.post("/auth/token", json={"username": user, "password": password}).json()
    c.headers["Authorization"] = f"Bearer {tok['access_token']}"
    return c


def _take_one(c: httpx.Client, rng: random.Random, acct: str, acks: Acks) -> None:
    """Take one tonne of a listing of another account on the book, if there is one."""
    book = c.get(f"/market/{CEA}/listings")
    levels = book.json() if book.status_code == 200 else {}
    rows = [row for row in levels.get("bids", []) + levels.get("asks", []) if not row.get("own")]
    if rows:
        row = rng.choice(rows)
        r = c.post(f"/listings/{row['listing_id']}/take", json={"account_id": acct, "quantity": 1})
        if r.status_code < 300:
            acks.add(acks.trades, r.json()["trade_id"])


def client_loop(
    base: str, i: int, acct: str, accounts: list[str], acks: Acks, stop: threading.Event, seed_: int
) -> None:
    rng = random.Random(seed_)
    try:
        c = login(base, f"trader{i}", f"trader-password-{i}")
    except (httpx.HTTPError, KeyError, ValueError):
        return
    mine: list[str] = []
    while not stop.is_set():
        try:
            op = rng.random()
            if op < 0.2:
                ref = f"dep-{seed_}-{rng.getrandbits(48):x}"
                r = c.post(
                    "/funds/deposits",
                    json={"account_id": acct, "amount": "100.00"},
                    headers={"Idempotency-Key": ref},
                )
                if r.status_code < 300:
                    acks.add(acks.deposits, r.json().get("bank_ref", ref))
            elif op < 0.6:
                side = rng.choice(["buy", "sell"])
                price = f"{rng.randint(4700, 4900) / 100:.2f}"
                r = c.post(
                    "/listings",
                    json={
                        "account_id": acct,
                        "instrument": CEA,
                        "side": side,
                        "price": price,
                        "quantity": rng.randint(1, 50),
                    },
                )
                if r.status_code < 300:
                    lid = r.json()["listing_id"]
                    mine.append(lid)
                    acks.add(acks.listings, lid)
            elif op < 0.9:
                _take_one(c, rng, acct, acks)
            elif mine:
                lid = mine.pop(0)
                r = c.delete(f"/listings/{lid}", params={"account_id": acct})
                if r.status_code < 300:
                    acks.add(acks.cancels, lid)
        except (httpx.HTTPError, KeyError, ValueError):
            with acks.lock:
                acks.errors += 1
            time.sleep(0.05)  # the server is gone (killed): stop soon


def check_empty(db: str) -> None:
    """The drill kills servers on purpose: it refuses a database that already holds a market."""
    j = SqlJournal(make_engine(db))
    try:
        seq = j.last()[0]
    finally:
        j.close()
    if seq:
        raise ValueError(
            f"db: {db.split('@')[-1]} already holds a journal of {seq} events; the drill "
            "needs an empty database (it seeds a market of its own and kills its server)"
        )


def journal_ids(db: str) -> tuple[set[str], set[str], set[str], str | None]:
    j = SqlJournal(make_engine(db))
    deposits, listings, trades = set(), set(), set()
    records = list(j.read())
    for r in records:
        if r.type == "FundsPosted":
            d = orjson.loads(r.payload)
            if d["tx_type"] == "deposit":
                deposits.add(d["ref"])
        elif r.type == "ListingPosted":
            listings.add(orjson.loads(r.payload)["listing_id"])
        elif r.type == "TradeExecuted":
            trades.add(orjson.loads(r.payload)["trade_id"])
    problem = verify_chain(records)[1]
    j.close()
    return deposits, listings, trades, problem


def run(
    rounds: int, workdir: Path, seed_: int = 1, clients: int = N_TRADERS, db: str | None = None
) -> list[str]:
    """Run the rounds; returns one line per round (raises AssertionError on a lost command).

    ``db``: the market's database (an empty one: the drill seeds its own market; a PostgreSQL
    database drills the server as it runs there); by default a SQLite file in ``workdir``.
    """
    if db is None:
        db = f"sqlite:///{workdir / 'crash.db'}"
    else:
        check_empty(db)
    accounts = seed(db)
    rng = random.Random(seed_)
    report = []
    for rnd in range(rounds):
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        proc = start_server(db, port)
        wait_up(base, proc)
        op = login(base, "exop", "drill-exchange-operator-1")
        today = next_session(op)
        acks = Acks()
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=client_loop,
                args=(
                    base,
                    i,
                    accounts[i % len(accounts)],
                    accounts,
                    acks,
                    stop,
                    seed_ * 1000 + rnd * 10 + i,
                ),
            )
            for i in range(clients)
        ]
        for t in threads:
            t.start()
        during_eod = rnd % 3 == 2
        time.sleep(rng.uniform(0.5, 2.0))
        if during_eod:  # kill while the end of day runs
            _safe_post(op, "/ops/clock/advance", {"to": f"{today}T15:05:00+08:00"})
            threading.Thread(target=_safe_post, args=(op, "/ops/eod"), daemon=True).start()
            time.sleep(rng.uniform(0.0, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        deposits, listings, trades, problem = journal_ids(db)
        assert problem is None, f"round {rnd}: {problem}"
        lost = (acks.deposits - deposits) | (acks.listings - listings) | (acks.trades - trades)
        assert not lost, f"round {rnd}: acknowledged but not journaled: {sorted(lost)[:5]}"
        ok, lines = verify_market(db)
        assert ok, f"round {rnd}: {lines}"
        report.append(
            f"round {rnd}: killed{' during end of day' if during_eod else ''}; "
            f"{len(acks.deposits) + len(acks.listings) + len(acks.trades)} acknowledged "
            f"commands all journaled; chain intact; verify passed"
        )
    n, h, _ = replay_market(db)
    report.append(f"{rounds} kills survived; journal {n} events; state hash {h[:16]}")
    return report


def _safe_post(c: httpx.Client, path: str, body: object = None) -> None:
    with contextlib.suppress(httpx.HTTPError):
        c.post(path, json=body, timeout=30)


def next_session(op: httpx.Client) -> str:
    """Finish a day killed in its end of day, and move to the next session if today's ended."""
    st = op.get("/ops/status").json()
    if st["phase"] == "closed":
        r = op.post("/ops/eod", timeout=60)
        assert r.status_code == 200, r.text
        st = op.get("/ops/status").json()
    today = str(st["now"])[:10]
    if st["phase"] == "idle" and st["day"] == today:
        nxt = preset("cn").calendar.next_trading_day(date.fromisoformat(today))
        r = op.post("/ops/clock/advance", json={"to": f"{nxt}T09:30:00+08:00"})
        assert r.status_code == 200, r.text
        today = nxt.isoformat()
    return today
