"""``openets backup`` and ``openets restore``: a logical dump that either database kind restores.

A backup is gzip'd JSON lines: a header, then each table (a ``{"table", "columns"}`` line and one
JSON array per row; binary columns in base64), then a trailer with the row counts, the last
journal record and the state hash that replaying the dumped journal gives. The dump reads one
consistent view (a repeatable-read transaction; the journal is also cut at its last sequence
number), checks the hash chain and replays it as it goes, so a backup of a broken journal is
refused rather than written.

Restore loads into an empty database of either kind inside one transaction, replaying the
journal as it loads; it commits only if the chain is intact and the state hash is the one in
the trailer, then runs the full ``verify`` (invariants, snapshots) on the restored database.
"""

from __future__ import annotations

import base64
import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, LargeBinary, Table, func, select

from openets.engine.journal import GENESIS, Record, record_hash
from openets.store import schema
from openets.store.db import make_engine
from openets.store.migrate import HEAD, current

FORMAT = "openets-backup"
VERSION = 1
CHUNK = 2_000
# The journal first (restore replays it while loading), then the rest in schema order.
FIRST = ("journal", "snapshots", "users", "idempotency", "meta")


class BackupError(RuntimeError):
    """The source cannot be dumped, or the file cannot be restored; the message says why."""


@dataclass(frozen=True, slots=True)
class Summary:
    counts: dict[str, int]
    last_seq: int
    last_hash: str
    state_hash: str


def tables() -> list[Table]:
    rest = [t for t in schema.metadata.sorted_tables if t.name not in FIRST]
    return [schema.metadata.tables[n] for n in FIRST] + rest


class _Replay:
    """Checks the hash chain and replays records into a fresh market state, one at a time."""

    def __init__(self) -> None:
        from openets.bootstrap import new_state
        from openets.composition import build_tables
        from openets.domain.clock import RealClock
        from openets.engine.core import Engine
        from openets.engine.journal import MemoryJournal

        _, appliers = build_tables()
        self.engine = Engine(MemoryJournal(), RealClock(), {}, appliers, state_factory=new_state)
        self.prev, self.seq = GENESIS, 0

    def feed(self, records: list[Record]) -> None:
        for r in records:
            if r.seq != self.seq + 1 or r.prev_hash != self.prev:
                raise BackupError(f"journal record seq {r.seq} does not follow seq {self.seq}")
            h = record_hash(r.prev_hash, r.seq, r.cmd_seq, r.ts, r.actor, r.type, r.payload, r.ids)
            if h != r.hash:
                raise BackupError(f"journal record seq {r.seq} does not match its hash")
            self.prev, self.seq = r.hash, r.seq
        self.engine.replay_into(self.engine.state, records)

    def state_hash(self) -> str:
        return self.engine.state.state_hash()


def _encode(v: Any) -> Any:
    if isinstance(v, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def _record(cols: list[str], row: tuple[Any, ...]) -> Record:
    d = dict(zip(cols, row, strict=True))
    for k in ("payload", "ids"):
        d[k] = bytes(d[k])
    return Record(**d)


def _line(out: gzip.GzipFile, obj: Any) -> None:
    out.write(orjson.dumps(obj))
    out.write(b"\n")


def _open_source(db: str) -> Engine:
    eng = make_engine(db, migrate=False)
    with eng.connect() as conn:
        rev = current(conn)
    if rev != HEAD:
        eng.dispose()
        raise BackupError(
            f"the database is at schema revision {rev or 'none'}, not {HEAD}: "
            f"run `openets migrate --db {db}` first"
        )
    return eng


def _snapshot_view(conn: Connection) -> None:
    """Make every following read in this transaction see one consistent database."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def _rows(conn: Connection, t: Table, upto: int) -> Iterator[tuple[Any, ...]]:
    """A table's rows in primary-key order; journal and snapshots cut at ``upto``."""
    pk = list(t.primary_key.columns)
    if t.name in ("journal", "snapshots"):
        seq = t.c.seq
        last = 0
        while True:
            q = select(t).where(seq > last, seq <= upto).order_by(seq).limit(CHUNK)
            chunk = conn.execute(q).all()
            if not chunk:
                return
            yield from (tuple(r) for r in chunk)
            last = chunk[-1][0]
    else:
        for r in conn.execute(select(t).order_by(*pk)):
            yield tuple(r)


def backup(db: str, out: Path) -> Summary:
    """Dump the market at ``db`` to ``out`` (written to a temporary name, then renamed)."""
    eng = _open_source(db)
    tmp = out.with_name(out.name + ".partial")
    counts: dict[str, int] = {}
    replay = _Replay()
    try:
        with eng.connect() as conn, gzip.open(tmp, "wb", compresslevel=6) as f:
            _snapshot_view(conn)
            upto = int(
                conn.execute(select(func.coalesce(func.max(schema.journal.c.seq), 0))).scalar_one()
            )
            _line(
                f,
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "schema": HEAD,
                    "source": conn.dialect.name,
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            )
            for t in tables():
                cols = [c.name for c in t.columns]
                _line(f, {"table": t.name, "columns": cols})
                n = 0
                batch: list[Record] = []
                for row in _rows(conn, t, upto):
                    _line(f, [_encode(v) for v in row])
                    n += 1
                    if t.name == "journal":
                        batch.append(_record(cols, row))
                        if len(batch) >= CHUNK:
                            replay.feed(batch)
                            batch = []
                if batch:
                    replay.feed(batch)
                counts[str(t.name)] = n
            summary = Summary(counts, replay.seq, replay.prev, replay.state_hash())
            _line(
                f,
                {
                    "end": {
                        "counts": counts,
                        "last_seq": summary.last_seq,
                        "last_hash": summary.last_hash,
                        "state_hash": summary.state_hash,
                    }
                },
            )
            conn.rollback()
        os.replace(tmp, out)
        return summary
    finally:
        tmp.unlink(missing_ok=True)
        eng.dispose()


def _decoders(t: Table, cols: list[str]) -> list[Any]:
    out: list[Any] = []
    for name in cols:
        if name not in t.c:
            raise BackupError(f"table {t.name}: column {name!r} of the backup is not in the schema")
        if isinstance(t.c[name].type, LargeBinary):
            out.append(lambda v: None if v is None else base64.b64decode(v))
        elif t.c[name].type.python_type is datetime:
            out.append(lambda v: None if v is None else datetime.fromisoformat(v))
        else:
            out.append(None)
    return out


def _read(path: Path) -> Iterator[Any]:
    try:
        with gzip.open(path, "rb") as f:
            for raw in f:
                yield orjson.loads(raw)
    except (OSError, EOFError, orjson.JSONDecodeError) as exc:
        raise BackupError(f"{path}: not a readable backup ({exc})") from exc


def _ensure_empty(conn: Connection, db: str) -> None:
    for t in tables():
        n = int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        if n:
            raise BackupError(
                f"restore needs an empty database: {db} already has {n} rows in {t.name}"
            )


class _Loader:
    """Inserts one table's rows in chunks; journal rows are also replayed."""

    def __init__(self, conn: Connection, t: Table, cols: list[str], replay: _Replay) -> None:
        self.conn, self.t, self.cols, self.replay = conn, t, cols, replay
        self.dec = _decoders(t, cols)
        self.rows: list[dict[str, Any]] = []
        self.n = 0

    def add(self, row: list[Any]) -> None:
        if len(row) != len(self.cols):
            raise BackupError(
                f"table {self.t.name}: a row has {len(row)} values, not {len(self.cols)}"
            )
        vals = [v if d is None else d(v) for d, v in zip(self.dec, row, strict=True)]
        self.rows.append(dict(zip(self.cols, vals, strict=True)))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        self.conn.execute(self.t.insert(), self.rows)
        if self.t.name == "journal":
            self.replay.feed([_record(self.cols, tuple(r.values())) for r in self.rows])
        self.n += len(self.rows)
        self.rows = []


def restore(db: str, source: Path) -> tuple[Summary, list[str]]:
    """Load ``source`` into the empty database ``db``; verify; returns the summary and report."""
    from openets.ops.verify import verify_market

    lines = _read(source)
    head = next(lines, None)
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BackupError(f"{source}: not an {FORMAT} file")
    if head.get("version") != VERSION:
        raise BackupError(
            f"{source}: backup format version {head.get('version')}, expected {VERSION}"
        )
    eng = make_engine(db)
    replay = _Replay()
    counts: dict[str, int] = {}
    end: dict[str, Any] | None = None
    try:
        with eng.begin() as conn:
            _ensure_empty(conn, db)
            loader: _Loader | None = None
            for item in lines:
                if isinstance(item, list):
                    if loader is None:
                        raise BackupError(f"{source}: a row before any table")
                    loader.add(item)
                    continue
                if loader is not None:
                    loader.flush()
                    counts[str(loader.t.name)] = loader.n
                    loader = None
                if "table" in item:
                    t = schema.metadata.tables.get(item["table"])
                    if t is None:
                        raise BackupError(f"{source}: table {item['table']!r} is not in the schema")
                    loader = _Loader(conn, t, list(item["columns"]), replay)
                elif "end" in item:
                    end = item["end"]
                    break
            if end is None:
                raise BackupError(f"{source}: the backup is cut short (no trailer)")
            summary = Summary(counts, replay.seq, replay.prev, replay.state_hash())
            _check(summary, end)
    finally:
        eng.dispose()
    ok, report = verify_market(db)
    if not ok:
        raise BackupError("restored, but verify failed: " + "; ".join(report))
    return summary, report


def _check(got: Summary, end: dict[str, Any]) -> None:
    """Refuse (rolling the restore back) unless the loaded data is what was dumped."""
    if got.counts != end.get("counts"):
        raise BackupError(f"row counts {got.counts} differ from the backup's {end.get('counts')}")
    if (got.last_seq, got.last_hash) != (end.get("last_seq"), end.get("last_hash")):
        raise BackupError(
            f"journal ends at seq {got.last_seq} ({got.last_hash[:12]}…), the backup says "
            f"seq {end.get('last_seq')} ({str(end.get('last_hash'))[:12]}…)"
        )
    if got.state_hash != end.get("state_hash"):
        raise BackupError(
            f"replayed state hash {got.state_hash} differs from the backup's "
            f"{end.get('state_hash')}"
        )
