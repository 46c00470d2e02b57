"""The journal on SQL (SQLite or PostgreSQL) through SQLAlchemy Core.

Records are staged in the open transaction and become durable on ``commit``: the engine calls
it once per command, or once per batch (group commit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, Engine, select

from openets.engine.journal import GENESIS, Record, Snapshot
from openets.store import schema


def _b(v: object) -> bytes:
    """Bytes of a payload column (a hand-edited SQLite row may come back as text)."""
    return v.encode() if isinstance(v, str) else bytes(v)  # type: ignore[call-overload]


class SqlJournal:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def _c(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    def last(self) -> tuple[int, int, str]:
        row = (
            self._c()
            .execute(
                select(schema.journal.c.seq, schema.journal.c.cmd_seq, schema.journal.c.hash)
                .order_by(schema.journal.c.seq.desc())
                .limit(1)
            )
            .first()
        )
        if row is None:
            return 0, 0, GENESIS
        return int(row[0]), int(row[1]), str(row[2])

    def append(self, records: Iterable[Record]) -> None:
        rows = [
            {
                "seq": r.seq,
                "cmd_seq": r.cmd_seq,
                "ts": r.ts,
                "actor": r.actor,
                "type": r.type,
                "payload": r.payload,
                "ids": r.ids,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in records
        ]
        if rows:
            self._c().execute(schema.journal.insert(), rows)

    def commit(self) -> None:
        if self._conn is not None:
            self._conn.commit()

    def rollback(self) -> None:
        if self._conn is not None:
            self._conn.rollback()

    def read(self, after_seq: int = 0, chunk: int = 20_000) -> Iterator[Record]:
        j = schema.journal
        cols = (
            j.c.seq,
            j.c.cmd_seq,
            j.c.ts,
            j.c.actor,
            j.c.type,
            j.c.payload,
            j.c.ids,
            j.c.prev_hash,
            j.c.hash,
        )
        with self.engine.connect() as conn:
            last = after_seq
            while True:
                rows = conn.execute(
                    select(*cols).where(j.c.seq > last).order_by(j.c.seq).limit(chunk)
                ).all()
                if not rows:
                    return
                for r in rows:
                    yield Record(r[0], r[1], r[2], r[3], r[4], _b(r[5]), _b(r[6]), r[7], r[8])
                last = rows[-1][0]

    def save_snapshot(self, snap: Snapshot) -> None:
        self._c().execute(
            schema.snapshots.insert(),
            {"seq": snap.seq, "state_hash": snap.state_hash, "blob": snap.blob},
        )

    def latest_snapshot(self) -> Snapshot | None:
        row = (
            self._c()
            .execute(select(schema.snapshots).order_by(schema.snapshots.c.seq.desc()).limit(1))
            .first()
        )
        if row is None:
            return None
        return Snapshot(int(row.seq), str(row.state_hash), bytes(row.blob))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
