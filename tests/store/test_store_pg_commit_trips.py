"""A commit on PostgreSQL (``SqlJournal._write_pg``): BEGIN goes with the NOTIFY rather than
alone, the rows by COPY, then COMMIT; a statement that fails leaves none of the batch behind."""

from __future__ import annotations

import tempfile

import psycopg
import pytest
from dsl import START, Given
from pg import sql
from psycopg import pq

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.engine.journal import Record
from openets.store.sql_journal import SqlJournal

pytestmark = pytest.mark.postgres


def test_a_commit_on_postgres_sends_its_begin_with_the_notify(pg_url: str) -> None:
    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(pg_url, clock), clock)
    journal = g.engine.journal
    assert isinstance(journal, SqlJournal)
    before = g.state.last_seq
    pgconn = journal.connection().connection.driver_connection.pgconn  # type: ignore[union-attr]
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        g.account()  # one command, one commit, no registry transaction to index
        pgconn.untrace()
        trace.seek(0)
        lines = trace.read().splitlines()
    queries = [line for line in lines if line.startswith("F") and "\tQuery\t" in line]
    sent = [line.split("\t")[3].strip() for line in queries]
    assert sent[0].startswith('"BEGIN; SELECT pg_notify(')
    copy = '"COPY journal (seq, cmd_seq, ts, actor, type, payload, ids, prev_hash, hash) '
    copy += 'FROM STDIN (FORMAT BINARY)"'
    assert sent[1:] == [copy, '"COMMIT"']
    assert sum("ReadyForQuery" in line for line in lines) == 3  # BEGIN alone took a fourth
    ((n,),) = sql(pg_url, "select count(*) from journal where seq > %s", before)
    assert n == g.state.last_seq - before


def test_a_commit_on_postgres_indexes_its_registry_transactions_with_its_records(
    pg_url: str,
) -> None:
    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(pg_url, clock), clock)
    before = g.state.last_seq
    g.account(tonnes={"CEA21": 10})  # an issuance posts a registry transaction
    ((indexed,),) = sql(pg_url, "select count(*) from registry_tx where seq > %s", before)
    ((mark,),) = sql(pg_url, "select value from meta where key = 'registry_tx_seq'")
    assert indexed == 1 and mark == str(g.state.last_seq)


def test_a_commit_on_postgres_that_fails_leaves_none_of_its_records(pg_url: str) -> None:
    m = open_market(pg_url, SimulatedClock(parse_iso(START)))
    journal = m.engine.journal
    assert isinstance(journal, SqlJournal)
    records = list(journal.read())
    last = records[-1]
    fresh = last._replace(seq=last.seq + 1, cmd_seq=last.cmd_seq + 1)
    journal.append([fresh, Record(*records[0])])  # the second repeats seq 1: refused
    with pytest.raises(psycopg.errors.UniqueViolation):
        journal.commit()
    ((top,),) = sql(pg_url, "select max(seq) from journal")
    assert top == last.seq
    journal.rollback()
    open_tx = sql(
        pg_url,
        "select state from pg_stat_activity where datname = current_database() "
        "and pid <> pg_backend_pid() and state like 'idle in transaction%'",
    )
    assert open_tx == []
    journal.close()
