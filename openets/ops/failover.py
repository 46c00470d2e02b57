"""The failover drill: lose the PostgreSQL primary under HTTP load, promote its standby.

Three local clusters (:mod:`openets.ops.pgcluster`), as the deployment in docs/operations.md:

- ``primary``: the market's database; ``synchronous_commit = remote_apply`` and
  ``synchronous_standby_names = 'FIRST 1 (standby1)'``, so a commit returns (and the sequencer
  answers) only once ``standby1`` has applied it;
- ``standby1``: its synchronous streaming standby (hot standby: it answers reads);
- ``standby2``: a cascading standby of ``standby1``, where an OpenETS read replica
  (:class:`~openets.store.follower.Follower`, polling: a standby relays no NOTIFY) follows
  the journal. It follows ``standby1`` across the promotion, and becomes its synchronous
  standby.

The drill seeds a market, starts ``openets serve --db <primary>`` and HTTP clients (the crash
drill's: deposits, listings, takes, cancels), SIGKILLs every process of the primary cluster
while they run, then stops the server (its database is gone), promotes ``standby1``
(``pg_ctl promote``), makes ``standby2`` its synchronous standby, and restarts
``openets serve --db <standby1>``. Clients run again against it. Then it checks:

- every command a client saw acknowledged, before and after the failover, is in the new
  primary's journal, whose hash chain is intact and ``verify`` passes (invariants, snapshot);
- the restarted server's journal sequence and the read replica's state hash equal a full
  replay of the new primary's journal.

``openets drill --failover`` runs it; ``tests/ops/test_ops_failover.py`` too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

import httpx

from openets.ops.drill import Acks, client_loop, free_port, journal_ids, seed, wait_up
from openets.ops.drill import start_server as start_http
from openets.ops.pgcluster import DURABLE, REPLICATION, Cluster
from openets.ops.verify import replay_market, verify_market
from openets.store.follower import Follower

N_CLIENTS = 4


def _load(
    base: str, accounts: list[str], acks: Acks, seconds: float, seed_: int
) -> Callable[[], None]:
    """Start the clients, let them run ``seconds``; returns what stops them and waits."""
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=client_loop,
            args=(base, i, accounts[i % len(accounts)], accounts, acks, stop, seed_ + i),
            daemon=True,
        )
        for i in range(N_CLIENTS)
    ]
    for t in threads:
        t.start()

    def halt() -> None:
        stop.set()
        for t in threads:
            t.join(timeout=30)

    time.sleep(seconds)
    return halt


def _stop(proc: subprocess.Popen[bytes], kill: bool = False) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _acked(acks: Acks) -> set[str]:
    return acks.deposits | acks.listings | acks.trades


def run(
    *, seconds: float = 2.0, seed_: int = 1, durable: bool = False, log: Callable[[str], None]
) -> list[str]:
    """Run the drill; returns its report (raises AssertionError when a check fails)."""
    # full_page_writes stays on: a base backup taken from a standby needs it.
    base_settings = {**(DURABLE if durable else {"fsync": "off"}), **REPLICATION}
    primary = Cluster.create(
        name="primary",
        settings={
            **base_settings,
            "synchronous_commit": "remote_apply",
            "synchronous_standby_names": "'FIRST 1 (standby1)'",
        },
    ).start()
    clusters = [primary]
    follower: Follower | None = None
    server: subprocess.Popen[bytes] | None = None
    try:
        standby1 = Cluster.standby_of(primary, "standby1", base_settings).start()
        clusters.append(standby1)
        primary.wait_streaming("standby1")
        standby2 = Cluster.standby_of(standby1, "standby2", base_settings).start()
        clusters.append(standby2)
        standby1.wait_streaming("standby2")
        log("clusters: primary, standby1 (synchronous, remote_apply), standby2 (cascading)")

        primary.create_database("market")
        accounts = seed(primary.url("market"))
        follower = Follower(standby2.url("market"), listen=False, poll_interval=0.05)
        follower.start()

        # --- load on the primary, then lose it -----------------------------------------------
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        server = start_http(primary.url("market"), port)
        wait_up(base, server)
        before = Acks()
        halt = _load(base, accounts, before, seconds, seed_ * 100)
        primary.kill()
        t_kill = time.monotonic()
        time.sleep(0.3)  # the clients see the failures
        _stop(server, kill=True)
        halt()
        log(f"primary killed (SIGKILL) under load; {len(_acked(before))} commands acknowledged")

        # --- promote the standby, point the server at it ------------------------------------
        standby1.promote()
        standby1.execute("ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
        standby1.execute("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (standby2)'")
        standby1.execute("SELECT pg_reload_conf()")
        standby1.wait_streaming("standby2")
        new_url = standby1.url("market")
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        server = start_http(new_url, port)
        wait_up(base, server)
        log(
            f"standby1 promoted, standby2 its synchronous standby; server back on it "
            f"{time.monotonic() - t_kill:.1f} s after the kill"
        )
        after = Acks()
        halt = _load(base, accounts, after, seconds, seed_ * 100 + 50)
        halt()
        served_seq = int(httpx.get(f"{base}/health", timeout=10).json()["journal_seq"])
        _stop(server)
        server = None

        # --- the checks -----------------------------------------------------------------------
        deposits, listings, trades, problem = journal_ids(new_url)
        assert problem is None, f"journal on the new primary: {problem}"
        journaled = deposits | listings | trades
        lost = (_acked(before) | _acked(after)) - journaled
        assert not lost, f"acknowledged but not on the new primary: {sorted(lost)[:5]}"
        assert _acked(after), "no command was acknowledged after the failover"
        ok, lines = verify_market(new_url)
        assert ok, f"verify on the new primary: {lines}"
        n, state_hash, _ = replay_market(new_url)
        deadline = time.monotonic() + 30
        while follower.last_seq < served_seq and time.monotonic() < deadline:
            time.sleep(0.05)
        with follower.lock:
            replica_seq, replica_hash = follower.last_seq, follower.state_hash()
        assert replica_seq == served_seq, (replica_seq, served_seq)
        assert replica_hash == state_hash, "the read replica's state differs from a replay"
        return [
            f"{len(_acked(before))} commands acknowledged before the kill, "
            f"{len(_acked(after))} after the failover: all on the new primary",
            "hash chain intact; verify passed (invariants, snapshot agrees with a full replay)",
            f"replay of {n} events: state hash {state_hash[:16]}, equal to the read replica's "
            f"on standby2 at seq {served_seq} (the restarted server's last)",
        ]
    finally:
        if server is not None:
            _stop(server, kill=True)
        if follower is not None:
            follower.close()
        for c in reversed(clusters):
            c.remove()
