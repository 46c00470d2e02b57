"""The registry's transactions live in the store (openets.store.tx_store), not in memory: a
correction finds an old transaction there, after a restart too, and the in-memory index stays
empty however long the history. On SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from openets.bootstrap import Market, new_state, open_engine, open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.domain.rejection import Code, Rejection
from openets.engine.journal import MemoryJournal
from openets.registry import commands as rc
from openets.registry.model import SubjectType, TxType
from openets.store import schema
from openets.store.tx_store import META_KEY, SqlTxStore

START = "2021-07-16T09:30:00+08:00"


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'market.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def _open(db: str) -> Market:
    return open_market(db, SimulatedClock(parse_iso(START)))


def _ok(m: Market, cmd: object, actor: str = "op1") -> tuple[object, ...]:
    r = m.engine.submit(cmd, actor)  # type: ignore[arg-type]
    assert not isinstance(r, Rejection), r
    return r


def _account(m: Market, n: int) -> str:
    cmd = rc.OpenAccount(SubjectType.ENTITY, f"电厂{n}", make_uscc(f"91370100MA{n:07d}"), "山东")
    (ev,) = _ok(m, cmd)
    return str(ev.account_id)  # type: ignore[attr-defined]


def _history(m: Market, n: int) -> tuple[str, str]:
    """An issuance to remember, then ``n`` more transactions (issuances and transfers)."""
    a, b = _account(m, 1), _account(m, 2)
    (first,) = _ok(m, rc.Issue(a, "CEA21", 500, "typo: meant 50"))
    with m.engine.batch():
        for i in range(n):
            _ok(m, rc.Issue(b, "CEA21", 10 + i, "allocation"))
    return a, str(first.tx_id)  # type: ignore[attr-defined]


def test_a_correction_of_an_old_transaction_works_after_a_restart(db: str) -> None:
    m = _open(db)
    a, tx_id = _history(m, 50)
    m.engine.journal.close()

    m = _open(db)  # a restart: the index is read from the store
    reg = m.state.registry
    assert reg.transactions.in_memory == 0 and len(reg.transactions) == 51
    (req,) = _ok(m, rc.RequestCorrection(tx_id, "wrong quantity"), actor="alice")
    (_, rev) = _ok(m, rc.Decide(req.request_id, True), actor="bob")  # type: ignore[attr-defined]
    assert rev.tx_type is TxType.CORRECTION and rev.ref == tx_id  # type: ignore[attr-defined]
    assert reg.bucket(a, "CEA21")[0] == 0
    assert reg.transactions[tx_id].reversed_by == rev.tx_id  # type: ignore[attr-defined]
    hash_before = m.state.state_hash()
    m.engine.journal.close()

    m = _open(db)  # the reversal is remembered across a restart as well
    assert m.state.state_hash() == hash_before
    r = m.engine.submit(rc.RequestCorrection(tx_id, "again"), "alice")
    assert isinstance(r, Rejection) and r.code is Code.ALREADY_DONE
    m.engine.journal.close()


def test_the_in_memory_transaction_index_does_not_grow_with_history(db: str) -> None:
    m = _open(db)
    txs = m.state.registry.transactions
    _, first = _history(m, 20)
    assert (txs.in_memory, len(txs)) == (0, 21)
    b = _account(m, 3)
    for _ in range(5):  # history grows, memory does not
        with m.engine.batch():
            for _ in range(40):
                _ok(m, rc.Issue(b, "CEA21", 1, "allocation"))
        assert txs.in_memory == 0
    assert len(txs) == 221
    assert txs[first].tx_type is TxType.ISSUANCE and txs[first].postings[-1].delta == 500
    m.engine.journal.close()


def test_the_store_holds_what_a_replay_in_memory_holds(db: str) -> None:
    m = _open(db)
    _, tx_id = _history(m, 10)
    (req,) = _ok(m, rc.RequestCorrection(tx_id, "x"), actor="alice")
    _ok(m, rc.Decide(req.request_id, True), actor="bob")  # type: ignore[attr-defined]
    stored = list(m.state.registry.transactions.items())
    # the same journal replayed into a state that keeps its transactions in memory
    memory = MemoryJournal()
    memory.append(m.engine.journal.read(0))
    memory.commit()
    replayed = open_engine(memory, SimulatedClock(parse_iso(START)), genesis=False)
    assert replayed.state.registry.transactions.in_memory == len(stored) == 12
    assert sorted(stored) == sorted(replayed.state.registry.transactions.items())
    assert replayed.state.state_hash() == m.state.state_hash()
    assert new_state().registry.transactions.store is None
    m.engine.journal.close()


def test_a_market_stored_before_the_index_is_indexed_when_opened(db: str) -> None:
    m = _open(db)
    _, tx_id = _history(m, 5)
    journal = m.engine.journal
    with journal.engine.begin() as conn:  # as a database of an older version has it
        conn.execute(delete(schema.registry_tx))
        conn.execute(delete(schema.meta).where(schema.meta.c.key == META_KEY))
    assert SqlTxStore(journal).get(tx_id) is None
    journal.close()

    m = _open(db)
    assert m.state.registry.transactions[tx_id].tx_type is TxType.ISSUANCE
    (req,) = _ok(m, rc.RequestCorrection(tx_id, "x"), actor="alice")
    assert req.kind == "correction"  # type: ignore[attr-defined]
    m.engine.journal.close()


def test_postgres_indexes_a_batch_of_ids_in_one_statement_whatever_their_text(
    pg_url: str,
) -> None:
    from sqlalchemy import select

    from openets.store.tx_store import _insert_arrays

    m = _open(pg_url)
    t = schema.registry_tx
    plain = [(f"TX{i:06d}", 7) for i in range(1, 2001)]
    odd = [("TX-odd,{1}", 8), ("a\nb", 8), ("", 9), ('q"\\', 9)]
    with m.engine.journal.engine.begin() as conn:
        _insert_arrays(conn, plain)  # one text of lines
        _insert_arrays(conn, odd)  # an id with a line break, an empty one: as arrays
    with m.engine.journal.engine.connect() as conn:
        got = dict(conn.execute(select(t.c.tx_id, t.c.seq).where(t.c.seq >= 7)).all())
    assert got == dict(plain + odd)
    m.engine.journal.close()
