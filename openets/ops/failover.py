"""The failover drill: lose the PostgreSQL primary under HTTP load, promote its standby.

Three local clusters (:mod:`openets.ops.pgcluster`), as the deployment in docs/operations.md:

- ``primary``: the market's database; ``synchronous_commit = remote_apply`` and
  ``synchronous_standby_names = 'FIRST 1 (standby1)'``, so a commit returns (and the sequencer
  answers) only once ``standby1`` has applied it;
- ``standby1``: its synchronous streaming standby (hot standby: it answers reads);
- ``standby2``: a cascading standby of ``standby1``, where an OpenETS read replica
  (``openets serve --replica-of``, a process of its own; it polls: a standby relays no NOTIFY)
  follows the journal and answers market data. It follows ``standby1`` across the promotion,
  and becomes its synchronous standby.

The drill seeds a market, starts ``openets serve --db <primary>`` and HTTP clients (the crash
drill's: deposits, listings, takes, cancels, each acknowledgement recorded), SIGKILLs every
process of the primary cluster while they run, then stops the server (its database is gone),
promotes ``standby1`` (``pg_ctl promote``), makes ``standby2`` its synchronous standby, and
restarts ``openets serve --db <standby1>``. Clients run again against it. Then it checks:

- every command a client saw acknowledged, before and after the failover, is in the new
  primary's journal, whose hash chain is intact and ``verify`` passes (invariants, snapshot);
- the restarted server's journal sequence and the read replica's state hash equal a full
  replay of the new primary's journal, and the replica answered every market-data read while
  the sequencer was down.

It measures the time to promote (``pg_ctl promote`` until the standby takes writes) and the
time to resume (from the kill to the first command acknowledged on the new primary).
``openets drill --failover`` runs it (exit status 1 when a check fails);
``tests/ops/test_ops_failover.py`` too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import httpx

from openets.ops.drill import CEA, Acks, client_loop, free_port, seed, wait_up
from openets.ops.drill import start_server as start_http
from openets.ops.failover_report import (
    KINDS,
    DrillFailed,
    FailoverReport,
    acked_ids,
    check_new_primary,
    journaled_ids,
)
from openets.ops.pgcluster import DURABLE, REPLICATION, Cluster
from openets.ops.replication import replication_status

N_CLIENTS = 4
NEXT_PRIMARY = {
    "synchronous_commit": "remote_apply",
    "synchronous_standby_names": "'FIRST 1 (standby2)'",
}
"""standby1's settings for when it is promoted: standby2, streaming from it, its synchronous one."""
MIN_ACKS = 20
"""Commands acknowledged before the kill, and after the failover, at the least."""
MAX_LOAD_S = 60.0


def _count(acks: Acks) -> int:
    with acks.lock:
        return sum(len(getattr(acks, k)) for k in KINDS)


def _load(
    base: str, accounts: list[str], acks: Acks, seconds: float, seed_: int
) -> Callable[[], None]:
    """Start the clients, let them run ``seconds`` and until ``MIN_ACKS`` commands are
    acknowledged (a loaded machine is slow to log in), at most ``MAX_LOAD_S``; returns what
    stops them and waits."""
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

    t0 = time.monotonic()
    time.sleep(seconds)
    while _count(acks) < MIN_ACKS and time.monotonic() - t0 < MAX_LOAD_S:
        time.sleep(0.05)
    return halt


def _stop(proc: subprocess.Popen[bytes], kill: bool = False, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL if kill else sig)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Replica:
    """``openets serve --replica-of URL``: a read replica over HTTP, a process of its own."""

    def __init__(self, db: str) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "openets.cli", "serve", "--replica-of", db, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_up(self.base, self.proc)
        except BaseException:
            _stop(self.proc, kill=True)
            raise
        self.reads_ok = 0
        self.reads_failed = 0
        self._reading = threading.Event()
        self._reader: threading.Thread | None = None

    def health(self) -> dict[str, object]:
        body: dict[str, object] = httpx.get(f"{self.base}/health", timeout=30).json()
        return body

    def reached(self, seq: int, timeout: float = 60) -> tuple[int | None, str | None]:
        """Wait until it has applied ``seq`` (or ``timeout``); its seq and state hash."""
        deadline = time.monotonic() + timeout
        while True:
            h = self.health()
            at = int(str(h["journal_seq"]))
            if at >= seq or time.monotonic() > deadline:
                return at, str(h["state_hash"])
            time.sleep(0.05)

    def read_market_data(self) -> None:
        """Read the public market data from it in a thread until ``stop_reading``."""

        def loop() -> None:
            with httpx.Client(base_url=self.base, timeout=30) as c:
                while not self._reading.is_set():
                    try:
                        ok = c.get(f"/market/{CEA}/depth").status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if ok:
                        self.reads_ok += 1
                    else:
                        self.reads_failed += 1
                    time.sleep(0.02)

        self._reader = threading.Thread(target=loop, daemon=True)
        self._reader.start()

    def stop_reading(self) -> None:
        self._reading.set()
        if self._reader is not None:
            self._reader.join(timeout=40)

    def close(self) -> None:
        self.stop_reading()
        _stop(self.proc, sig=signal.SIGINT)


def _wait_line(proc: subprocess.Popen[bytes], start: str, timeout: float = 120) -> None:
    """Until ``proc`` prints a line starting with ``start``; then its output is drained."""
    assert proc.stdout is not None
    out = proc.stdout
    seen = threading.Event()

    def read() -> None:
        for raw in out:
            if raw.decode(errors="replace").startswith(start):
                seen.set()
        seen.set()  # the process ended

    threading.Thread(target=read, daemon=True).start()
    if not seen.wait(timeout) or proc.poll() is not None:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"the warm spare did not start: {err[-2000:]}")


def _check_deployment(primary: Cluster, standby: str, report: FailoverReport) -> None:
    """``openets replication`` on ``primary``: remote_apply, ``standby`` its synchronous one."""
    deadline = time.monotonic() + 30  # a standby reconnects after a promotion
    while True:
        status = replication_status(primary.url())
        sync = [s.name for s in status.standbys if s.sync_state == "sync"]
        if (status.ok and sync == [standby]) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if not status.ok or sync != [standby]:
        report.problems.append(
            f"replication of {primary.name}: {' | '.join(status.lines())} "
            f"(expected {standby} its synchronous standby)"
        )
        report.deployment.append(f"{primary.name} NOT as deployed")
    else:
        report.deployment.append(f"{primary.name} remote_apply, {standby} streaming sync")


def drill(
    *,
    seconds: float = 2.0,
    seed_: int = 1,
    durable: bool = False,
    spare: bool = False,
    log: Callable[[str], None],
) -> FailoverReport:
    """Run the drill; returns its report (``report.ok`` is False when a check failed).
    ``spare``: a warm spare sequencer (``openets serve --await-promotion``) waits on standby1
    and takes over at the promotion, instead of a server started after it."""
    # full_page_writes stays on: a base backup taken from a standby needs it.
    base_settings = {**(DURABLE if durable else {"fsync": "off"}), **REPLICATION}
    report = FailoverReport()
    clusters: list[Cluster] = []
    replica: Replica | None = None
    server: subprocess.Popen[bytes] | None = None
    spare_proc: subprocess.Popen[bytes] | None = None
    spare_port = 0
    report.spare = spare
    try:
        primary = Cluster.create(
            name="primary",
            settings={
                **base_settings,
                "synchronous_commit": "remote_apply",
                "synchronous_standby_names": "'FIRST 1 (standby1)'",
            },
        )
        clusters.append(primary)
        primary.start()
        # Configured as a primary already (no effect until it is promoted): once promoted,
        # it commits only what standby2 has applied, from its first command on.
        standby1 = Cluster.standby_of(primary, "standby1", {**base_settings, **NEXT_PRIMARY})
        clusters.append(standby1)
        standby1.start()
        primary.wait_streaming("standby1")
        standby2 = Cluster.standby_of(standby1, "standby2", base_settings)
        clusters.append(standby2)
        standby2.start()
        standby1.wait_streaming("standby2")
        log("clusters: primary, standby1 (synchronous, remote_apply), standby2 (cascading)")

        _check_deployment(primary, "standby1", report)
        primary.create_database("market")
        accounts = seed(primary.url("market"))
        replica = Replica(standby2.url("market"))
        if spare:
            spare_port = free_port()
            spare_proc = start_http(
                standby1.url("market"), spare_port, ("--await-promotion",), subprocess.PIPE
            )
            _wait_line(spare_proc, "warm spare: waiting")
            log("warm spare: openets serve --await-promotion on standby1, loaded and waiting")

        # --- load on the primary, then lose it -----------------------------------------------
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        server = start_http(primary.url("market"), port)
        wait_up(base, server)
        before = Acks()
        halt = _load(base, accounts, before, seconds, seed_ * 100)
        replica.read_market_data()
        primary.kill()
        t_kill = time.monotonic()
        time.sleep(0.3)  # the clients see the failures
        _stop(server, kill=True)
        halt()
        acked = acked_ids(before)
        report.acked_before = {k: len(v) for k, v in acked.items()}
        log(
            f"primary killed (SIGKILL) under load; {sum(report.acked_before.values())} "
            "commands acknowledged"
        )

        # --- promote the standby, point the server at it ------------------------------------
        t0 = time.monotonic()
        standby1.promote()
        report.promote_s = time.monotonic() - t0
        t_promoted = time.monotonic()
        new_url = standby1.url("market")
        if spare_proc is not None:  # it opens the market itself, now that it is promoted
            server, spare_proc = spare_proc, None
            port = spare_port
        else:
            port = free_port()
            server = start_http(new_url, port)
        standby1.wait_streaming("standby2")
        report.resync_s = time.monotonic() - t_promoted
        _check_deployment(standby1, "standby2", report)
        base = f"http://127.0.0.1:{port}/api/v1"
        wait_up(base, server)
        report.restart_s = time.monotonic() - t_promoted
        report.server_back_s = time.monotonic() - t_kill
        replica.stop_reading()
        report.outage_reads = (replica.reads_ok, replica.reads_failed)
        log(
            f"standby1 promoted in {report.promote_s:.2f} s, standby2 its synchronous standby; "
            f"server back on it {report.server_back_s:.1f} s after the kill"
        )
        after = Acks()
        halt = _load(base, accounts, after, seconds, seed_ * 100 + 50)
        halt()
        if after.first_at is not None:
            report.resume_s = after.first_at - t_kill
        served_seq = int(httpx.get(f"{base}/health", timeout=30).json()["journal_seq"])
        _stop(server)
        server = None
        for kind, ids in acked_ids(after).items():
            report.acked_after[kind] = len(ids)
            acked[kind] |= ids

        # --- the checks -----------------------------------------------------------------------
        if not sum(report.acked_after.values()):
            report.problems.append("no command was acknowledged after the failover")
        check_new_primary(new_url, acked, report, served_seq)
        report.served_seq = served_seq
        replica_seq, replica_hash = replica.reached(served_seq)
        report.replica_seq = replica_seq
        if report.outage_reads[1]:
            report.problems.append(
                f"read replica: {report.outage_reads[1]} market-data reads failed during the "
                "failover"
            )
        if replica_seq != served_seq or replica_hash != report.state_hash:
            report.problems.append(
                f"read replica on standby2: seq {replica_seq} hash {(replica_hash or '')[:16]}, "
                f"expected seq {served_seq} hash {report.state_hash[:16]}"
            )
        return report
    finally:
        for proc in (server, spare_proc):
            if proc is not None:
                _stop(proc, kill=True)
        if replica is not None:
            replica.close()
        for c in reversed(clusters):
            c.remove()


def run(
    *,
    seconds: float = 2.0,
    seed_: int = 1,
    durable: bool = False,
    spare: bool = False,
    log: Callable[[str], None],
) -> list[str]:
    """Run the drill; returns its report's lines (raises ``DrillFailed`` when a check fails)."""
    report = drill(seconds=seconds, seed_=seed_, durable=durable, spare=spare, log=log)
    if not report.ok:
        raise DrillFailed(report)
    return report.lines()


__all__ = [
    "DrillFailed",
    "FailoverReport",
    "check_new_primary",
    "drill",
    "journaled_ids",
    "run",
]
