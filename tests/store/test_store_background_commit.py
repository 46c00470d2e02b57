"""The journal's commits in a worker thread (``SqlJournal.commit_in``), as the API's sequencer
uses them: durable when ``pending()`` is done, in order, and a failed write stops the journal."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from openets.bootstrap import open_market
from openets.clearing import funds
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.engine.core import EngineHalted
from openets.engine.journal import Record, verify_chain
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.store.db import make_engine
from openets.store.sql_journal import JournalStopped, SqlJournal


@pytest.fixture
def writer() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(1) as ex:
        yield ex


def assert_whole_journal(db_url: str, last_seq: int) -> None:
    """Another connection reads every record up to ``last_seq``, in order, its chain intact."""
    other = SqlJournal(make_engine(db_url))
    records = list(other.read())
    assert [r.seq for r in records] == list(range(1, last_seq + 1))
    assert verify_chain(records)[1] is None
    other.close()


def test_background_commits_are_durable_in_order_once_pending_is_done(
    db_url: str, writer: ThreadPoolExecutor
) -> None:
    m = open_market(db_url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    eng = m.engine
    journal = eng.journal
    assert isinstance(journal, SqlJournal)
    journal.commit_in(writer)
    futures = []
    for i in range(20):  # twenty batches, committed while earlier ones are being written
        with eng.batch():
            uscc = make_uscc(f"91370000MA{i:07d}")
            (ev,) = eng.submit(rc.OpenAccount(SubjectType.ENTITY, f"e{i}", uscc, "山东"), "op")
            eng.submit(funds.Deposit(ev.account_id, 100, f"ref-{i}"), "op")
        futures.append(journal.pending())
    for f in futures:
        assert f is not None
        f.result(timeout=30)
    assert_whole_journal(db_url, eng.state.last_seq)
    journal.commit_in(None)
    journal.close()


def test_a_failed_background_write_stops_the_journal(
    db_url: str, writer: ThreadPoolExecutor
) -> None:
    m = open_market(db_url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    journal = m.engine.journal
    assert isinstance(journal, SqlJournal)
    journal.commit_in(writer)
    first = next(iter(journal.read()))
    journal.append([Record(*first)])  # the same seq again: the database refuses the write
    journal.commit()
    pending = journal.pending()
    assert pending is not None
    with pytest.raises(Exception):  # noqa: B017 - the driver's integrity error
        pending.result(timeout=30)
    with pytest.raises(JournalStopped):
        journal.append([])
    with pytest.raises(EngineHalted):
        m.engine.submit(
            rc.OpenAccount(SubjectType.ENTITY, "x", make_uscc("91370000MA9999999"), "山东"), "op"
        )
    assert m.engine.halted


def test_commits_behind_are_all_durable_when_the_block_is_left(db_url: str) -> None:
    m = open_market(db_url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    eng = m.engine
    journal = eng.journal
    assert isinstance(journal, SqlJournal)
    with eng.commits_behind():
        assert journal.in_background == journal.on_server  # SQLite commits in the caller
        for i in range(10):  # each command committed by the worker while the next one runs
            uscc = make_uscc(f"91370000MA{i:07d}")
            (ev,) = eng.submit(rc.OpenAccount(SubjectType.ENTITY, f"e{i}", uscc, "山东"), "op")
            eng.submit(funds.Deposit(ev.account_id, 100, f"ref-{i}"), "op")
    assert not journal.in_background
    assert_whole_journal(db_url, eng.state.last_seq)
    journal.close()


def test_commits_behind_keep_a_journal_already_committing_in_the_background(
    db_url: str, writer: ThreadPoolExecutor
) -> None:
    m = open_market(db_url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    journal = m.engine.journal
    assert isinstance(journal, SqlJournal)
    journal.commit_in(writer)
    with m.engine.commits_behind():
        pass
    assert journal.in_background  # the sequencer's writer is still the one committing
    journal.commit_in(None)
    journal.close()


def test_a_failed_commit_behind_halts_the_engine_when_the_block_is_left(db_url: str) -> None:
    m = open_market(db_url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    journal = m.engine.journal
    assert isinstance(journal, SqlJournal)
    first = next(iter(journal.read()))
    if not journal.on_server:
        pytest.skip("on SQLite the commits stay in the caller (the failure raises at commit)")
    with pytest.raises(EngineHalted), m.engine.commits_behind():
        journal.append([Record(*first)])  # the same seq again: the database refuses the write
        journal.commit()
    assert m.engine.halted
