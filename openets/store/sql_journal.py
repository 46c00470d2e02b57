"""The journal on SQL (SQLite or PostgreSQL) through SQLAlchemy Core.

Records are staged in the open transaction and become durable on ``commit``: the engine calls
it once per command, or once per batch (group commit). The writer's connection opens a
transaction only to write (reads use their own short connections), so it never sits idle in
a transaction between commands. On PostgreSQL each commit also sends ``NOTIFY openets_journal``
with the last sequence number, which read replicas (:mod:`openets.store.follower`) wait on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine, select

from openets.engine.journal import GENESIS, Record, Snapshot
from openets.store import schema

_INSERT = (
    "INSERT INTO journal (seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
CHANNEL = "openets_journal"


_SELECT = (
    "SELECT seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash FROM journal "
    "WHERE seq > %s ORDER BY seq LIMIT %s"
)
_SELECT_LIGHT = (
    "SELECT seq, cmd_seq, ts, '', type, payload, ids, '', '' FROM journal "
    "WHERE seq > %s ORDER BY seq LIMIT %s"
)


class SqlJournal:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._staged: list[Record] = []

    def _c(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    def connection(self) -> Connection:
        """The writer's connection: rows written on it commit with the journal's records."""
        return self._c()

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
        self._staged.extend(records)

    def commit(self) -> None:
        """Write the staged records with one statement and commit: durable on return."""
        conn = self._c()
        if self._staged:
            if conn.dialect.paramstyle == "qmark":
                conn.exec_driver_sql(_INSERT.replace("%s", "?"), self._staged)
            else:
                conn.exec_driver_sql(_INSERT, self._staged)
                if conn.dialect.name == "postgresql":
                    seq = str(self._staged[-1].seq)
                    conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, seq))
            self._staged = []
        conn.commit()

    def rollback(self) -> None:
        self._staged = []
        if self._conn is not None:
            self._conn.rollback()

    def read(self, after_seq: int = 0, chunk: int = 20_000) -> Iterator[Record]:
        return self._read(_SELECT, after_seq, chunk)

    def read_for_replay(self, after_seq: int = 0, chunk: int = 20_000) -> Iterator[Any]:
        """Rows in the columns of a Record, without actor and hashes: what replay applies."""
        return self._read(_SELECT_LIGHT, after_seq, chunk, raw=True)

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
        if self._conn is not None:
            self._conn.close()
            self._conn = None
