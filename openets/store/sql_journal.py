"""The journal on SQL (SQLite or PostgreSQL) through SQLAlchemy Core.

Records are staged in the open transaction and become durable on ``commit``: the engine calls
it once per command, or once per batch (group commit). The writer's connection opens a
transaction only to write (reads use their own short connections), so it never sits idle in
a transaction between commands. On PostgreSQL each commit also sends ``NOTIFY openets_journal``
with the last sequence number, which read replicas (:mod:`openets.store.follower`) wait on.

Commits in the background (``commit_in(executor)``, the API's sequencer): ``commit`` hands
the staged records to a writer in one worker thread and returns at once; ``pending()`` is the
future that is done when they are durable, to wait on before answering anyone. While the
writer writes and fsyncs, later commits gather, and it writes them all with its next commit
(group commit across callers): writes stay in order, and the caller never waits for the disk.
Any use of the writer's connection by the caller (rows of the API's own tables that must commit
with the journal) first waits until the writer is idle. A failed background write stops the
journal: every later append, commit or use of the connection raises it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from functools import partial
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from openets.engine.journal import GENESIS, Record, Snapshot
from openets.engine.replay import ReplayChunk
from openets.store import schema

_INSERT = (
    "INSERT INTO journal (seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
CHANNEL = "openets_journal"
_ROWS = 100
_INSERT_MANY = (
    _INSERT.split(" VALUES ")[0] + " VALUES " + ",".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * _ROWS)
)

_COPY = (
    "COPY journal (seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash) "
    "FROM STDIN (FORMAT BINARY)"
)
_TYPES = ["int8", "int8", "int8", "text", "text", "bytea", "bytea", "text", "text"]


def _copy(cur: Any, records: list[Record]) -> None:
    """The records into the journal by one COPY, in binary: psycopg formats the rows in C and
    the payloads go as they are (in text they went as hex, twice their size, for the server
    to decode): about a fifth less CPU on both sides for the API's batches."""
    with cur.copy(_COPY) as copy:
        copy.set_types(_TYPES)
        write = copy.write_row
        for r in records:
            write(r)


_SELECT = (
    "SELECT seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash FROM journal "
    "WHERE seq > %s ORDER BY seq LIMIT %s"
)
# Replay's chunks (openets.engine.replay): a range of seqs joined column by column by the
# database. PostgreSQL is told the order; SQLite (no ORDER BY within an aggregate before 3.44)
# reads the range through the primary key's index, so the rows reach the aggregates by seq.
_CHUNK_SQLITE = (
    "SELECT count(*), group_concat(type, ','), "
    "CAST('[' || group_concat(payload, ',') || ']' AS BLOB), "
    "CAST(group_concat(CASE WHEN length(ids) > 0 THEN ids END, ',') AS BLOB) "
    "FROM journal WHERE seq > ? AND seq <= ?"
)
_CHUNK_PG = (
    "SELECT count(*), string_agg(type, ',' ORDER BY seq), "
    "'['::bytea || string_agg(payload, ','::bytea ORDER BY seq) || ']'::bytea, "
    "string_agg(NULLIF(ids, ''::bytea), ','::bytea ORDER BY seq) "
    "FROM journal WHERE seq > %s AND seq <= %s"
)
_LAST_UPTO = "SELECT seq, cmd_seq, ts, hash FROM journal WHERE seq <= %s ORDER BY seq DESC LIMIT 1"
_SELECT_LIGHT = (
    "SELECT seq, cmd_seq, ts, '', type, payload, ids, '', '' FROM journal "
    "WHERE seq > %s ORDER BY seq LIMIT %s"
)


_IDLE = 0
"""libpq's PQTRANS_IDLE: the connection is in no transaction."""


class JournalStopped(RuntimeError):
    """A background write failed: nothing more can be appended or committed."""


class SqlJournal:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._staged: list[Record] = []
        # The background writer (see the module's notes).
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self._ready: list[Record] = []
        self._ready_future: Future[None] | None = None
        self._writing = False
        self._pending: Future[None] | None = None
        self._failed: BaseException | None = None
        self._in_flight: list[Record] = []
        self._writers: list[Callable[[Connection, list[Record]], None]] = []

    def _connect(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    def _c(self) -> Connection:
        self._settle()
        return self._connect()

    # --- commits in the background ------------------------------------------------------------
    def commit_in(self, executor: Executor | None) -> None:
        """From now on commit in ``executor`` (one thread), or again in the caller (None)."""
        self._settle()
        self._executor = executor

    @property
    def on_server(self) -> bool:
        """The database is a server's (PostgreSQL): its work runs outside this process."""
        return self.engine.dialect.name != "sqlite"

    @property
    def in_background(self) -> bool:
        """Commits are written in a worker thread (``commit_in``)."""
        return self._executor is not None

    def pending(self) -> Future[None] | None:
        """Done when everything committed so far is durable (None: nothing in the background)."""
        return self._pending

    def _settle(self) -> None:
        """Wait until the background writer is idle; raise if one of its writes failed."""
        f = self._pending
        if f is not None:
            with contextlib.suppress(BaseException):
                f.result()
            self._pending = None
        if self._failed is not None:
            raise JournalStopped(f"a journal write failed: {self._failed!r}") from self._failed

    def _drain(self) -> None:
        """The writer (worker thread): write what is ready, until nothing is."""
        conn = self._connect()
        while True:
            with self._lock:
                records, future = self._ready, self._ready_future
                self._ready, self._ready_future = [], None
                if future is None:
                    self._writing = False
                    return
                self._in_flight = records
            try:
                if self._failed is not None:
                    raise JournalStopped(f"a journal write failed: {self._failed!r}")
                self._write(conn, records)
            except BaseException as exc:
                self._failed = self._failed or exc
                future.set_exception(exc)
            else:
                future.set_result(None)
            finally:
                with self._lock:
                    self._in_flight = []

    def connection(self) -> Connection:
        """The writer's connection: rows written on it commit with the journal's records."""
        return self._c()

    def add_writer(self, writer: Callable[[Connection, list[Record]], None]) -> None:
        """Also call ``writer(conn, records)`` with every write of records, in its database
        transaction (tables kept with the journal: the registry's transactions)."""
        self._writers.append(writer)

    def unwritten(self) -> list[Record]:
        """The records appended and not durable yet (being written, waiting, staged), in order."""
        with self._lock:
            return [*self._in_flight, *self._ready, *self._staged]

    def last(self) -> tuple[int, int, str]:
        if self._staged:
            r = self._staged[-1]
            return r.seq, r.cmd_seq, r.hash
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.journal.c.seq, schema.journal.c.cmd_seq, schema.journal.c.hash)
                .order_by(schema.journal.c.seq.desc())
                .limit(1)
            ).first()
        if row is None:
            return 0, 0, GENESIS
        return int(row[0]), int(row[1]), str(row[2])

    def append(self, records: Iterable[Record]) -> None:
        if self._failed is not None:
            raise JournalStopped(f"a journal write failed: {self._failed!r}")
        self._staged.extend(records)

    def commit(self) -> None:
        """Write the staged records with one statement and commit: durable on return (in the
        background: durable when ``pending()`` is done)."""
        staged, self._staged = self._staged, []
        if self._executor is None:
            self._write(self._c(), staged)
            return
        if self._failed is not None:
            raise JournalStopped(f"a journal write failed: {self._failed!r}") from self._failed
        with self._lock:
            self._ready.extend(staged)
            if self._ready_future is None:
                self._ready_future = Future()
            self._pending = self._ready_future
            start, self._writing = not self._writing, True
        if start:
            self._executor.submit(self._drain)

    def _write(self, conn: Connection, records: list[Record]) -> None:
        if records:
            if conn.dialect.paramstyle == "qmark":
                # SQLite: rows by the hundred in one statement (one step of the VM, where
                # executemany takes one per row and gives up the GIL around each).
                full, rest = divmod(len(records), _ROWS)
                if full:
                    flat = list(chain.from_iterable(records[: full * _ROWS]))
                    conn.exec_driver_sql(
                        _INSERT_MANY,
                        [tuple(flat[i : i + _ROWS * 9]) for i in range(0, len(flat), _ROWS * 9)],
                    )
                if rest:
                    conn.exec_driver_sql(_INSERT.replace("%s", "?"), records[full * _ROWS :])
            elif conn.dialect.name == "postgresql":
                if self._write_pg(conn, records):
                    return
                # COPY: psycopg formats the rows in C and streams them in one command, at a
                # fraction of the client's CPU of an INSERT per row (executemany). The NOTIFY
                # first: it opens the transaction the rows are copied in, delivered on commit.
                seq = str(records[-1].seq)
                conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, seq))
                driver = conn.connection.driver_connection
                with driver.cursor() as cur:  # type: ignore[union-attr]
                    _copy(cur, records)
            else:
                conn.exec_driver_sql(_INSERT, records)
            for writer in self._writers:
                writer(conn, records)
        conn.commit()

    def _write_pg(self, conn: Connection, records: list[Record]) -> bool:
        """PostgreSQL: the transaction in four round trips instead of five. The driver would
        send BEGIN alone before the first statement; here BEGIN and the NOTIFY go in one
        message (the simple query protocol, no parameters: the sequence number is an int),
        then the rows by COPY, the writers' statements, and COMMIT, durable when it returns
        (``synchronous_commit`` as the server says, up to ``remote_apply``). Each round trip
        of the writer thread is one more wait for the interpreter, which the event loop holds.
        False (nothing sent) when rows of the API's own tables are already in the
        connection's transaction: they commit with the records the usual way."""
        driver: Any = conn.connection.driver_connection
        if driver.pgconn.transaction_status != _IDLE:
            return False
        driver.autocommit = True  # the driver sends no BEGIN of its own
        try:
            with driver.cursor() as cur:
                cur.execute(f"BEGIN; SELECT pg_notify('{CHANNEL}', '{int(records[-1].seq)}')")
                _copy(cur, records)
                for writer in self._writers:
                    writer(conn, records)
                cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                driver.rollback()  # a failed statement left the transaction open
            raise
        finally:
            with contextlib.suppress(Exception):
                driver.autocommit = False
        conn.commit()  # ends SQLAlchemy's transaction of the writers' statements (committed)
        return True

    def rollback(self) -> None:
        self._staged = []
        if self._conn is not None:
            with contextlib.suppress(JournalStopped):
                self._settle()
            self._conn.rollback()

    def read(self, after_seq: int = 0, chunk: int = 20_000) -> Iterator[Record]:
        return self._read(_SELECT, after_seq, chunk)

    def read_seqs(self, seqs: list[int], chunk: int = 500) -> Iterator[Record]:
        """The records of ``seqs`` (ascending), by primary key (a statement's entries)."""
        cols = "seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash"
        with self.engine.connect() as conn:
            for i in range(0, len(seqs), chunk):
                part = seqs[i : i + chunk]
                marks = ", ".join(f":s{k}" for k in range(len(part)))
                rows = conn.execute(
                    text(f"SELECT {cols} FROM journal WHERE seq IN ({marks}) ORDER BY seq"),
                    {f"s{k}": v for k, v in enumerate(part)},
                ).all()
                for r in rows:
                    seq, cmd_seq, ts, actor, type_, payload, ids, prev, h = r
                    yield Record(
                        seq, cmd_seq, ts, actor, type_, bytes(payload), bytes(ids), prev, h
                    )

    def read_for_replay(self, after_seq: int = 0, chunk: int = 20_000) -> Iterator[Any]:
        """Rows in the columns of a Record, without actor and hashes: what replay applies."""
        return self._read(_SELECT_LIGHT, after_seq, chunk, raw=True)

    def read_chunks_for_replay(
        self, after_seq: int = 0, chunk: int = 1000
    ) -> Iterator[ReplayChunk]:
        """The records after ``after_seq`` as replay's chunks of up to ``chunk`` seqs each
        (:mod:`openets.engine.replay`), up to the last record when the read starts.
        (Read ahead by a worker thread, the next chunk while the caller applied one, it
        measured no faster on a busy machine, in CPU time or on the clock.)"""
        with self.engine.connect() as conn:
            sqlite = conn.dialect.paramstyle == "qmark"
            joined = _CHUNK_SQLITE if sqlite else _CHUNK_PG
            last_upto = _LAST_UPTO.replace("%s", "?") if sqlite else _LAST_UPTO
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            # PostgreSQL: the chunk in binary (bytea as it is, not twice its size in hex text)
            join = cur.execute if sqlite else partial(cur.execute, binary=True)
            try:
                cur.execute("SELECT max(seq) FROM journal")
                (top,) = cur.fetchone()
                lo = after_seq
                while top is not None and lo < top:
                    hi = min(top, lo + chunk)
                    join(joined, (lo, hi))
                    count, types, payloads, ids = cur.fetchone()
                    if count:
                        cur.execute(last_upto, (hi,))
                        seq, cmd_seq, ts, h = cur.fetchone()
                        yield ReplayChunk(
                            count, types, bytes(payloads), bytes(ids or b""), (seq, cmd_seq, ts, h)
                        )
                    lo = hi
            finally:
                cur.close()

    def _read(self, sql: str, after_seq: int, chunk: int, raw: bool = False) -> Iterator[Any]:
        with self.engine.connect() as conn:
            if conn.dialect.paramstyle == "qmark":
                sql = sql.replace("%s", "?")
            last = after_seq
            make = Record._make
            # The driver's own cursor: replay reads millions of rows, and plain tuples from
            # the driver cost a fraction of result-row objects.
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                while True:
                    cur.execute(sql, (last, chunk))
                    rows = cur.fetchall()
                    if not rows:
                        return
                    if raw:
                        yield from rows
                    else:
                        for r in rows:
                            yield make(r)
                    last = rows[-1][0]
            finally:
                cur.close()

    def save_snapshot(self, snap: Snapshot) -> None:
        self._c().execute(
            schema.snapshots.insert(),
            {"seq": snap.seq, "state_hash": snap.state_hash, "blob": snap.blob},
        )

    def latest_snapshot(self) -> Snapshot | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.snapshots).order_by(schema.snapshots.c.seq.desc()).limit(1)
            ).first()
        if row is None:
            return None
        return Snapshot(int(row.seq), str(row.state_hash), bytes(row.blob))

    def close(self) -> None:
        with contextlib.suppress(JournalStopped):
            self._settle()  # let the writer finish; a failure is the caller's to have seen
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()  # the pool's idle connections too (the engine stays usable)
