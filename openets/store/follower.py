"""Read replicas: follow a market's journal and keep an up-to-date state for queries.

The sequencer is the only writer. A follower opens the same database read-only, starts from
the latest snapshot, replays what follows, then applies each new record as it is committed,
checking the hash chain on the way: it ends with the same state hash as the writer, and stops
(``FollowerDiverged``) rather than serve a state built from records that do not chain.

On PostgreSQL the writer sends ``NOTIFY openets_journal`` with each commit and ``wait`` sleeps
on ``LISTEN``; on SQLite ``wait`` polls. A missed notification only delays the next poll. A
physical standby (hot standby) relays no NOTIFY and refuses LISTEN: a follower that finds its
server in recovery polls every ``poll_interval``, as with ``listen=False``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from openets.domain.clock import RealClock
from openets.engine import snapshot as snapshots
from openets.engine.core import Engine
from openets.engine.journal import Record, record_hash
from openets.market import MarketState
from openets.store.db import make_engine, normalize_url
from openets.store.sql_journal import CHANNEL, SqlJournal

_BATCH = 5_000  # records applied per step while catching up
RecordsListener = Callable[[Sequence[Record]], None]


class FollowerDiverged(RuntimeError):
    """The journal no longer continues the chain this follower has applied."""


class Follower:
    """A read-only replica of the market state at ``db_url``.

    ``state`` changes only inside ``poll``/``wait`` and under ``lock``: readers on other threads
    hold ``lock`` while they look (``with follower.lock: ...``) to see whole commands only. The
    journal is read outside ``lock``: a slow or unreachable database does not hold readers up.
    """

    def __init__(
        self,
        db_url: str,
        *,
        use_snapshot: bool = True,
        poll_interval: float = 0.2,
        listen: bool = True,
    ) -> None:
        from openets.bootstrap import new_state
        from openets.composition import build_tables

        self.url = normalize_url(db_url)
        self.poll_interval = poll_interval
        self.lock = threading.RLock()
        self._polling = threading.Lock()
        self.subscribers: list[RecordsListener] = []
        self._listen: Any = None
        self._listen_fairy: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.db = make_engine(self.url, migrate=False)
        if listen and self.db.dialect.name == "postgresql" and not self.on_standby():
            self._listen = self._open_listener()  # before catching up: nothing slips between
        _, appliers = build_tables()
        self.journal = SqlJournal(self.db)
        self._engine = Engine(self.journal, RealClock(), {}, appliers, state_factory=new_state)
        self._diverged: str | None = None
        self.error: str | None = None
        """The last failed read of the journal while following in a thread (None after a
        good one)."""
        snap = self.journal.latest_snapshot() if use_snapshot else None
        if snap is not None and snapshots.readable(snap.blob):
            st = snapshots.load(snap.blob, new_state)  # its digest checked before it is built
            if st.state_hash() != snap.state_hash:
                raise FollowerDiverged(f"snapshot at seq {snap.seq} does not match its state hash")
            self._engine.state = st
        self.poll()

    # --- what readers use -----------------------------------------------------------------
    @property
    def state(self) -> MarketState:
        return self._engine.state

    @property
    def last_seq(self) -> int:
        return self._engine.state.last_seq

    def state_hash(self) -> str:
        with self.lock:
            return self._engine.state.state_hash()

    @property
    def listening(self) -> bool:
        """Whether ``wait`` sleeps on the writer's NOTIFY (else it polls)."""
        return self._listen is not None

    def on_standby(self) -> bool:
        """Whether the database is a PostgreSQL standby in recovery (read-only, no LISTEN)."""
        if self.db.dialect.name != "postgresql":
            return False
        with self.db.connect() as conn:
            return bool(conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar())

    # --- following ------------------------------------------------------------------------
    def poll(self) -> int:
        """Apply every record committed since the last call. Returns how many.

        Records are checked before they are applied, whole commands at a time, so a record
        that does not chain raises ``FollowerDiverged`` with the state at a command boundary.
        """
        if self._diverged:
            raise FollowerDiverged(self._diverged)
        n = 0
        with self._polling:  # one poll at a time; readers wait only while a batch is applied
            batch: list[Record] = []
            for r in self.journal.read(self._engine.state.last_seq):
                if len(batch) >= _BATCH and r.cmd_seq != batch[-1].cmd_seq:
                    with self.lock:
                        n += self._apply(batch)
                    batch = []
                batch.append(r)
            if batch:
                with self.lock:
                    n += self._apply(batch)
        return n

    def _apply(self, records: list[Record]) -> int:
        st = self._engine.state
        prev, expected = st.last_hash, st.last_seq + 1
        for r in records:
            problem = None
            if r.seq != expected or r.prev_hash != prev:
                problem = f"record seq {r.seq} does not follow seq {expected - 1} ({prev[:12]}…)"
            elif r.hash != record_hash(
                r.prev_hash, r.seq, r.cmd_seq, r.ts, r.actor, r.type, r.payload, r.ids
            ):
                problem = f"record seq {r.seq} does not match its hash"
            if problem:
                self._diverged = problem
                raise FollowerDiverged(problem)
            prev, expected = r.hash, r.seq + 1
        n = self._engine.replay_into(st, records)
        for fn in self.subscribers:
            fn(records)
        return n

    def wait(self, timeout: float = 1.0) -> int:
        """Block until the journal grows (or ``timeout`` seconds pass), then ``poll``."""
        n = self.poll()
        if n:
            return n
        if self._listen is not None:
            try:
                for _ in self._listen.notifies(timeout=timeout, stop_after=1):
                    break
            except Exception:  # the listening connection broke: fall back to polling
                self._close_listener()
                time.sleep(min(timeout, self.poll_interval))
        else:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                time.sleep(min(self.poll_interval, max(0.0, deadline - time.monotonic())))
                n = self.poll()
                if n:
                    return n
            return 0
        return self.poll()

    def catch_up(self, seq: int, timeout: float = 10.0) -> bool:
        """Wait until the follower has applied ``seq``; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.last_seq < seq:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.wait(min(left, 1.0))
        return True

    def start(self) -> threading.Thread:
        """Follow in a background thread until ``close``."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="openets-follower", daemon=True)
            self._thread.start()
        return self._thread

    @property
    def diverged(self) -> str | None:
        """Why it stopped following (a record that does not chain), or None."""
        return self._diverged

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.wait(self.poll_interval * 5)
                self.error = None
            except FollowerDiverged:
                return  # ``diverged`` says why; the state stays at the last whole command
            except Exception as exc:  # the database is out of reach for now: try again
                self.error = f"{type(exc).__name__}: {exc}"
                self._stop.wait(min(1.0, self.poll_interval * 5))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._close_listener()
        self.journal.close()
        self.db.dispose()

    # --- PostgreSQL LISTEN ----------------------------------------------------------------
    def _open_listener(self) -> Any:
        conn = self.db.raw_connection()
        driver = conn.driver_connection
        assert driver is not None
        driver.autocommit = True
        driver.execute(f"LISTEN {CHANNEL}")
        self._listen_fairy = conn  # keeps the pooled connection checked out
        return driver

    def _close_listener(self) -> None:
        if self._listen_fairy is not None:
            fairy, self._listen, self._listen_fairy = self._listen_fairy, None, None
            with contextlib.suppress(Exception):
                fairy.invalidate()
