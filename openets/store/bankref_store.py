"""The fund ledger's bank references in the store: the ``bank_ref`` table (a
:class:`~openets.clearing.bankrefs.BankRefStore`).

A row is a ``"<kind>:<bank ref>"`` key the ledger recorded (a deposit received or failed, a
withdrawal requested, paid or failed) and the journal record that made it. Rows are written by
the journal's writer in the same database transaction as their records
(:meth:`SqlJournal.add_writer`), so a reference is in the table exactly when its record is
durable; the meta row ``bank_ref_seq`` says up to which record the table is made, and a
database written before the table existed is indexed from its journal when opened
(:meth:`SqlBankRefStore.catch_up`). Reads first look at the journal's records not yet durable
(staged, or being written), then at the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import orjson
from sqlalchemy import Connection, func, select

from openets.clearing.bankrefs import DEPOSIT_FAILED
from openets.engine.journal import Record
from openets.store import schema
from openets.store.sql_journal import SqlJournal

META_KEY = "bank_ref_seq"
KINDS = frozenset({"deposit", "withdrawal_request", "withdrawal", "withdrawal_failed"})
"""The fund transactions whose reference is the bank's (kept as ``"<tx_type>:<ref>"``)."""
_TX_TYPE = re.compile(rb'\{"tx_id":"[^"]*","tx_type":"([a-z_]*)",')
_CHUNK = 5_000
_WINDOW = 50_000
_INSERT = "INSERT INTO bank_ref (key, seq) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING"
_SET_SEQ = (
    "INSERT INTO meta (key, value) VALUES (%s, %s) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def keys_of(record: Record) -> Iterator[str]:
    """The keys ``record`` makes: a bank transaction's, or a failed deposit's. The many fund
    transactions of trading (locks, fees…) are passed over by their type alone."""
    if record.type == "FundsPosted":
        head = _TX_TYPE.match(record.payload)
        if head is not None and head.group(1).decode() not in KINDS:
            return
        data = orjson.loads(record.payload)
        if data["tx_type"] in KINDS:
            yield f"{data['tx_type']}:{data['ref']}"
    elif record.type == "DepositFailed":
        yield f"{DEPOSIT_FAILED}:{orjson.loads(record.payload)['bank_ref']}"


def rows_of(records: Iterable[Record]) -> list[tuple[str, int]]:
    return [(key, r.seq) for r in records if r.type in _TYPES for key in keys_of(r)]


_TYPES = frozenset({"FundsPosted", "DepositFailed"})


def _sql(conn: Connection, sql: str) -> str:
    return sql.replace("%s", "?") if conn.dialect.paramstyle == "qmark" else sql


def write_rows(conn: Connection, records: list[Record]) -> None:
    """Index ``records`` on ``conn`` (in the caller's transaction), and mark how far the table
    is made when they make a key (most writes make none: catching up skips those quickly)."""
    rows = rows_of(records)
    if rows:
        conn.exec_driver_sql(_sql(conn, _INSERT), rows)
        _set_seq(conn, records[-1].seq)


def _set_seq(conn: Connection, seq: int) -> None:
    conn.exec_driver_sql(_sql(conn, _SET_SEQ), (META_KEY, str(seq)))


def indexed_seq(conn: Connection) -> int:
    m = schema.meta
    row = conn.execute(select(m.c.value).where(m.c.key == META_KEY)).first()
    return int(row[0]) if row is not None else 0


class SqlBankRefStore:
    """The bank references of the market whose journal is ``journal``."""

    def __init__(self, journal: SqlJournal) -> None:
        self.journal = journal
        self.engine = journal.engine

    def attach(self) -> SqlBankRefStore:
        """Index what the journal holds and the table lacks, then index every write."""
        self.catch_up()
        self.journal.add_writer(write_rows)
        return self

    def catch_up(self) -> int:
        """Index the durable records after the table's ``bank_ref_seq`` (only those of the two
        types that make keys are read); returns how many were read."""
        j = schema.journal
        with self.engine.connect() as conn:
            last = indexed_seq(conn)
            head = conn.execute(select(func.max(j.c.seq))).scalar() or 0
        if head <= last:
            return 0
        n = 0
        with self.engine.begin() as conn:
            rows: list[tuple[str, int]] = []
            for lo in range(last, head, _WINDOW):  # a window of records at a time: bounded memory
                found = conn.execute(
                    select(j.c.seq, j.c.type, j.c.payload)
                    .where(j.c.seq > lo, j.c.seq <= min(head, lo + _WINDOW))
                    .where(j.c.type.in_(sorted(_TYPES)))
                    .order_by(j.c.seq)
                ).all()
                for seq, type_, payload in found:
                    n += 1
                    r = Record(int(seq), 0, 0, "", str(type_), bytes(payload), b"", "", "")
                    rows.extend((key, r.seq) for key in keys_of(r))
                if len(rows) >= _CHUNK:
                    conn.exec_driver_sql(_sql(conn, _INSERT), rows)
                    rows = []
            if rows:
                conn.exec_driver_sql(_sql(conn, _INSERT), rows)
            _set_seq(conn, head)
        return n

    def has(self, key: str) -> bool:
        for r in self.journal.unwritten():
            if r.type in _TYPES and key in keys_of(r):
                return True
        t = schema.bank_ref
        with self.engine.connect() as conn:
            return conn.execute(select(t.c.seq).where(t.c.key == key)).first() is not None
