"""The registry's transactions in the store: the ``registry_tx`` table (a :class:`TxStore`).

A row names a registry transaction (``tx_id``), the journal record that posted it (``seq``:
a ``LedgerPosted``, or the ``TradesSettled`` of a trade's delivery) and the correction that
reversed it, if any; the transaction itself is read from that record. Rows are written by the
journal's writer in the same database transaction as their records
(:meth:`SqlJournal.add_writer`): a transaction is in the table exactly when its record is
durable. The meta row ``registry_tx_seq`` says up to which record the table is made; a database
written before the table existed is indexed from its journal when opened (:meth:`catch_up`).

Reads (:meth:`SqlTxStore.get`) first look at the journal's records not yet durable (staged, or
being written), then at the table, so a command sees every transaction posted before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import msgspec
import orjson
from sqlalchemy import Connection, func, select

from openets.clearing.settlement import TradesSettled
from openets.engine import codec
from openets.engine.journal import Record
from openets.registry.events import LedgerPosted
from openets.registry.model import TxType
from openets.registry.txindex import TxRecord
from openets.store import schema
from openets.store.sql_journal import SqlJournal

TYPES = frozenset({"LedgerPosted", "TradesSettled"})
"""The journal record types that post registry transactions."""
META_KEY = "registry_tx_seq"
_PLAIN = getattr(LedgerPosted, "VERSION", 1) == 1
"""A ``LedgerPosted`` payload holds its fields as written (no upcasting to do): its id and
type are read from the JSON's first two fields, without building the event."""
_HEAD = re.compile(rb'\{"tx_id":"([!#-\[\]-~]*)","tx_type":"([a-z_]*)",')
_CHUNK = 2_000
_INSERT = "INSERT INTO registry_tx (tx_id, seq, reversed_by) VALUES (%s, %s, '')"
_ROWS = 100
_INSERT_MANY = _INSERT.split(" VALUES ")[0] + " VALUES " + ",".join(["(?, ?, '')"] * _ROWS)
_PG_ROWS = 50_000
_INSERT_ARRAYS = (
    "INSERT INTO registry_tx (tx_id, seq, reversed_by) "
    "SELECT tx_id, seq, '' FROM unnest(%s::text[], %s::bigint[]) AS r(tx_id, seq)"
)
_INSERT_LINES = (
    "INSERT INTO registry_tx (tx_id, seq, reversed_by) "
    "SELECT tx_id, seq::bigint, '' FROM unnest(string_to_array(%s, E'\\n'), "
    "string_to_array(%s, ',')) AS r(tx_id, seq)"
)
"""PostgreSQL takes a settlement batch's 20,000 rows in one statement (a row per statement,
even pipelined, costs a round of the protocol each: most of a PostgreSQL end of day); the ids
go as one text of lines (the driver's array adapter looks at every element, a second per
100,000 rows), as an array where an id is empty or holds a line break."""
_REVERSE = "UPDATE registry_tx SET reversed_by = %s WHERE tx_id = %s"


def postings_of(record: Record) -> Iterator[LedgerPosted]:
    """The registry transactions a journal record posts, in posting order."""
    if record.type not in TYPES:
        return
    ev = codec.decode(record.type, record.payload)
    if isinstance(ev, LedgerPosted):
        yield ev
        return
    entries = getattr(ev, "entries", None)
    if entries is not None:
        for e in entries():
            if isinstance(e, LedgerPosted):
                yield e


def rows_of(records: Iterable[Record]) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    """The ``registry_tx`` rows of ``records`` (tx_id, seq), and the reversals they make
    (by, target)."""
    rows: list[tuple[str, int]] = []
    reversals: list[tuple[str, str]] = []
    correction = TxType.CORRECTION.value
    for r in records:
        if r.type == "LedgerPosted" and _PLAIN:
            head = _HEAD.match(r.payload)
            if head is not None:
                tx_id = head.group(1).decode()
                rows.append((tx_id, r.seq))
                if head.group(2).decode() == correction:
                    reversals.append((tx_id, orjson.loads(r.payload)["ref"]))
                continue
        if r.type == "TradesSettled":  # a delivery per trade, never a correction
            seq = r.seq
            rows.extend([(tx_id, seq) for tx_id in _delivery_tx_ids(r.payload)])
            continue
        for ev in postings_of(r):
            rows.append((ev.tx_id, r.seq))
            if ev.tx_type is TxType.CORRECTION:
                reversals.append((ev.tx_id, ev.ref))
    return rows, reversals


class _TxId(msgspec.Struct):
    tx_id: str


class _DeliveryTxIds(msgspec.Struct):
    deliveries: list[_TxId]


class _TxIdColumn(msgspec.Struct):
    tx_ids: list[str]


_read_v1_tx_ids = msgspec.json.Decoder(_DeliveryTxIds).decode
_read_tx_ids = msgspec.json.Decoder(_TxIdColumn).decode


def _delivery_tx_ids(payload: bytes) -> list[str]:
    """The transaction ids of a ``TradesSettled`` payload's deliveries, in order: read alone
    (the other columns, or in a version-1 payload the rest of each delivery, skipped), a
    tenth of the cost of decoding the batch."""
    for read in (_read_tx_ids, _read_v1_tx_ids):
        try:
            got = read(payload)
        except msgspec.ValidationError:
            continue
        return got.tx_ids if isinstance(got, _TxIdColumn) else [d.tx_id for d in got.deliveries]
    settled = codec.decode("TradesSettled", payload)
    assert isinstance(settled, TradesSettled)
    return list(settled.tx_ids)


def _insert_arrays(conn: Connection, rows: list[tuple[str, int]]) -> None:
    ids = [r[0] for r in rows]
    lines = "\n".join(ids)
    if all(ids) and lines.count("\n") == len(ids) - 1:
        conn.exec_driver_sql(_INSERT_LINES, (lines, ",".join([str(r[1]) for r in rows])))
    else:
        conn.exec_driver_sql(_INSERT_ARRAYS, (ids, [r[1] for r in rows]))


def write_rows(conn: Connection, records: list[Record]) -> None:
    """Index ``records`` on ``conn`` (in the caller's transaction): their transactions, the
    reversals they make, and the meta row saying how far the table is made."""
    rows, reversals = rows_of(records)
    if not rows:  # records without transactions need no mark: catching up skips them quickly
        return
    if conn.dialect.paramstyle == "qmark":  # SQLite: rows by the hundred in one statement
        full, rest = divmod(len(rows), _ROWS)
        if full:
            flat = [v for row in rows[: full * _ROWS] for v in row]
            step = _ROWS * 2
            conn.exec_driver_sql(
                _INSERT_MANY, [tuple(flat[i : i + step]) for i in range(0, len(flat), step)]
            )
        if rest:
            conn.exec_driver_sql(_INSERT.replace("%s", "?"), rows[full * _ROWS :])
        if reversals:
            conn.exec_driver_sql(_REVERSE.replace("%s", "?"), reversals)
    else:  # PostgreSQL: the ids and sequence numbers as two arrays, one statement per chunk
        for i in range(0, len(rows), _PG_ROWS):
            _insert_arrays(conn, rows[i : i + _PG_ROWS])
        if reversals:
            conn.exec_driver_sql(_REVERSE, reversals)
    _set_seq(conn, records[-1].seq)


_SET_SEQ = (
    "INSERT INTO meta (key, value) VALUES (%s, %s) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
"""One statement whose answer is not read: on PostgreSQL it is sent in the journal's pipeline
(:meth:`SqlJournal._write_pipelined`), where no answer is known before the commit."""


def _set_seq(conn: Connection, seq: int) -> None:
    sql = _SET_SEQ.replace("%s", "?") if conn.dialect.paramstyle == "qmark" else _SET_SEQ
    conn.exec_driver_sql(sql, (META_KEY, str(seq)))


def indexed_seq(conn: Connection) -> int:
    m = schema.meta
    row = conn.execute(select(m.c.value).where(m.c.key == META_KEY)).first()
    return int(row[0]) if row is not None else 0


def _find(records: Iterable[Record], tx_id: str) -> TxRecord | None:
    for r in records:
        for ev in postings_of(r):
            if ev.tx_id == tx_id:
                return TxRecord(ev.tx_type, ev.postings, ev.ref)
    return None


class SqlTxStore:
    """The registry's transactions of the market whose journal is ``journal``."""

    def __init__(self, journal: SqlJournal) -> None:
        self.journal = journal
        self.engine = journal.engine

    def attach(self) -> SqlTxStore:
        """Index what the journal holds and the table lacks, then index every write."""
        self.catch_up()
        self.journal.add_writer(write_rows)
        return self

    def catch_up(self) -> int:
        """Index the durable records after the table's ``registry_tx_seq``; returns how many
        records were read."""
        with self.engine.connect() as conn:
            last = indexed_seq(conn)
            head = conn.execute(select(func.max(schema.journal.c.seq))).scalar() or 0
        if head <= last:
            return 0
        n = 0
        batch: list[Record] = []
        with self.engine.begin() as conn:
            for r in self.journal.read(last):
                if r.seq > head:
                    break
                batch.append(r)
                n += 1
                if len(batch) >= _CHUNK:
                    write_rows(conn, batch)
                    batch = []
            write_rows(conn, batch)
            _set_seq(conn, head)
        return n

    # --- reads (TxStore) --------------------------------------------------------------------
    def get(self, tx_id: str) -> TxRecord | None:
        unwritten = self.journal.unwritten()
        found = _find(unwritten, tx_id)
        if found is None:
            t = schema.registry_tx
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(t.c.seq, t.c.reversed_by).where(t.c.tx_id == tx_id)
                ).first()
            if row is None:
                return None
            found = _find(self.journal.read_seqs([int(row[0])]), tx_id)
            if found is None:
                raise LookupError(f"journal record {row[0]} does not post transaction {tx_id}")
            found.reversed_by = str(row[1] or "")
        for r in unwritten:  # a reversal not durable yet
            for ev in postings_of(r):
                if ev.tx_type is TxType.CORRECTION and ev.ref == tx_id:
                    found.reversed_by = ev.tx_id
        return found

    def unwritten_items(self) -> Iterator[tuple[str, TxRecord]]:
        return _unwritten_items(self.journal.unwritten())

    def items(self) -> Iterator[tuple[str, TxRecord]]:
        """Every transaction in posting order: the journal's records that post them, with the
        reversals the table marks (corrections are few: their marks are read at once)."""
        t = schema.registry_tx
        pending = self.journal.unwritten()
        with self.engine.connect() as conn:
            marks = {
                str(tx_id): str(by)
                for tx_id, by in conn.execute(
                    select(t.c.tx_id, t.c.reversed_by).where(t.c.reversed_by != "")
                )
            }
        marks |= {
            ev.ref: ev.tx_id
            for r in pending
            for ev in postings_of(r)
            if ev.tx_type is TxType.CORRECTION
        }
        durable = pending[0].seq - 1 if pending else None
        for r in self.journal.read(0):
            if durable is not None and r.seq > durable:
                break
            for ev in postings_of(r):
                yield ev.tx_id, TxRecord(ev.tx_type, ev.postings, ev.ref, marks.get(ev.tx_id, ""))
        for tx_id, rec in _unwritten_items(pending):
            rec.reversed_by = marks.get(tx_id, rec.reversed_by)
            yield tx_id, rec


def _unwritten_items(records: Iterable[Record]) -> Iterator[tuple[str, TxRecord]]:
    out: dict[str, TxRecord] = {}
    for r in records:
        for ev in postings_of(r):
            out[ev.tx_id] = TxRecord(ev.tx_type, ev.postings, ev.ref)
            if ev.tx_type is TxType.CORRECTION and ev.ref in out:
                out[ev.ref].reversed_by = ev.tx_id
    yield from out.items()
