"""The fund ledger's bank references live in the store (openets.store.bankref_store), not in
memory: a bank reference is applied once, after a restart too, and the in-memory set stays
empty however many deposits the market takes. On SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from openets.bootstrap import Market, open_engine, open_market
from openets.clearing import funds
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.domain.rejection import Rejection
from openets.engine.journal import MemoryJournal
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.store import schema
from openets.store.bankref_store import META_KEY, SqlBankRefStore

START = "2021-07-16T09:30:00+08:00"


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'market.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def _open(db: str) -> Market:
    return open_market(db, SimulatedClock(parse_iso(START)))


def _ok(m: Market, cmd: object, actor: str = "bank") -> tuple[object, ...]:
    r = m.engine.submit(cmd, actor)  # type: ignore[arg-type]
    assert not isinstance(r, Rejection), r
    return r


def _account(m: Market, n: int = 1) -> str:
    cmd = rc.OpenAccount(SubjectType.ENTITY, f"电厂{n}", make_uscc(f"91370100MA{n:07d}"), "山东")
    (ev,) = _ok(m, cmd, "op1")
    return str(ev.account_id)  # type: ignore[attr-defined]


def _deposits(m: Market, acct: str, n: int, prefix: str = "DEP") -> None:
    with m.engine.batch():
        for i in range(n):
            _ok(m, funds.Deposit(acct, 100_00, f"{prefix}-{i}"))


def test_a_bank_reference_is_applied_once_after_a_restart(db: str) -> None:
    m = _open(db)
    acct = _account(m)
    _deposits(m, acct, 3)
    balance = m.state.funds.of(acct)[0]
    m.engine.journal.close()

    m = _open(db)  # a restart: the references are read from the store
    refs = m.state.funds.bank_refs
    assert refs.in_memory == 0 and len(refs) == 3
    assert m.engine.submit(funds.Deposit(acct, 100_00, "DEP-1"), "bank") == ()
    assert m.state.funds.of(acct)[0] == balance == 300_00
    m.engine.journal.close()


def test_the_in_memory_references_do_not_grow_with_deposits(db: str) -> None:
    m = _open(db)
    acct = _account(m)
    refs = m.state.funds.bank_refs
    for day in range(4):  # deposits grow, memory does not
        _deposits(m, acct, 25, prefix=f"D{day}")
        assert refs.in_memory == 0
    assert len(refs) == 100
    assert m.engine.journal.unwritten() == []  # a durable reference: the table knows it
    assert m.engine.submit(funds.Deposit(acct, 100_00, "D0-3"), "bank") == ()
    # a reference staged in this batch and not yet durable is known too
    with m.engine.batch():
        _ok(m, funds.Deposit(acct, 1_00, "STAGED"))
        assert m.engine.submit(funds.Deposit(acct, 1_00, "STAGED"), "bank") == ()
    assert m.state.funds.of(acct)[0] == 100 * 100_00 + 1_00
    m.engine.journal.close()


def test_a_failed_deposit_stays_known_as_reported_after_a_snapshot_and_a_restart(
    db: str,
) -> None:
    m = _open(db)
    acct = _account(m)
    _ok(m, funds.InstructDeposit(acct, 500_00, "INS-1"), acct)
    _ok(m, funds.ConfirmDeposit("INS-1", received=False))
    _deposits(m, acct, 1)
    _ok(m, funds.RequestWithdrawal(acct, 10_00, "WDR-1"), acct)
    _ok(m, funds.ConfirmWithdrawal("WDR-1", paid=True))
    m.engine.snapshot()
    hash_before = m.state.state_hash()
    m.engine.journal.close()

    m = _open(db)
    refs = m.state.funds.bank_refs
    assert m.state.state_hash() == hash_before
    assert refs.in_memory == 0
    assert refs.reported("INS-1", "deposit") == "deposit_failed"
    assert refs.reported("DEP-0", "deposit") == "deposit_received"
    assert refs.reported("WDR-1", "withdrawal") == "withdrawal_paid"
    assert refs.reported("WDR-1", "deposit") is None
    assert refs.reported("NEVER", "deposit") is None
    m.engine.journal.close()


def test_the_store_counts_what_a_replay_in_memory_counts(db: str) -> None:
    m = _open(db)
    acct = _account(m)
    _ok(m, funds.InstructDeposit(acct, 500_00, "INS-1"), acct)
    _ok(m, funds.ConfirmDeposit("INS-1", received=False))
    _deposits(m, acct, 5)
    memory = MemoryJournal()
    memory.append(m.engine.journal.read(0))
    memory.commit()
    replayed = open_engine(memory, SimulatedClock(parse_iso(START)), genesis=False)
    kept = replayed.state.funds.bank_refs
    assert (kept.in_memory, len(kept)) == (6, 5)  # the failed deposit is kept, not counted
    assert replayed.state.state_hash() == m.state.state_hash()
    m.engine.journal.close()


def test_a_market_stored_before_the_table_is_indexed_when_opened(db: str) -> None:
    m = _open(db)
    acct = _account(m)
    _deposits(m, acct, 4)
    journal = m.engine.journal
    with journal.engine.begin() as conn:  # as a database of an older version has it
        conn.execute(delete(schema.bank_ref))
        conn.execute(delete(schema.meta).where(schema.meta.c.key == META_KEY))
    assert not SqlBankRefStore(journal).has("deposit:DEP-2")
    journal.close()

    m = _open(db)
    assert "deposit:DEP-2" in m.state.funds.bank_refs
    assert m.engine.submit(funds.Deposit(acct, 100_00, "DEP-2"), "bank") == ()
    assert m.state.funds.of(acct)[0] == 400_00
    m.engine.journal.close()
