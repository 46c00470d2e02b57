"""Settlement posts each batch by its net: the state ends as if every delivery and fee had been
posted one by one, statements still see every entry, and replay restores the same state."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from dsl import Given

from openets.bootstrap import new_state
from openets.clearing.funds import FundsPosted
from openets.clearing.settlement import TradesSettled
from openets.domain.ids import IdSource
from openets.engine.core import Engine
from openets.market import MarketState
from openets.ops.eod import run_end_of_day
from openets.registry.events import LedgerPosted
from openets.registry.model import TxType
from openets.store.tx_store import rows_of
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

CEA = "CEA21"


def _post_each_entry(m: MarketState, ev: TradesSettled) -> None:
    """Settlement as first written: every entry through the ledgers' posting path in turn."""
    for e in ev.entries():
        if isinstance(e, LedgerPosted):
            m.registry.post(e.tx_id, e.tx_type, e.postings, e.ref)
        else:
            assert isinstance(e, FundsPosted)
            m.funds.post(e.postings)
    for d in ev.deliveries:
        m.trading.settle(d.trade_id)


def _settled_day(db: Path | None = None) -> Given:
    """A day of 40 trades (with fees) among four accounts that buy and sell, settled 7 at a time
    (in memory, or on the database ``db``)."""
    start = "2021-07-16T09:00+08:00"
    g = (
        Given.in_memory(start, preset="cn-demo")
        if db is None
        else Given.on_db(db, start, preset="cn-demo")
    )
    g.instrument(CEA, "48.00")
    accts = [g.account(tonnes={CEA: 50_000}, fen=10**9) for _ in range(4)]
    g.at("2021-07-16T09:30+08:00")
    for i in range(40):
        seller, buyer = accts[i % 4], accts[(i + 1 + i // 4) % 4]
        if seller == buyer:
            buyer = accts[(i + 2) % 4]
        ev = g.ok(PostListing(seller, CEA, Side.SELL, 4800 + i % 5, 10 + i % 3))
        g.ok(TakeListing(ev[-1].listing_id, buyer, 1 + i % 9))
    g.at("2021-07-16T15:10+08:00")
    report = run_end_of_day(g.engine, batch=7)
    assert report.settled == 40
    g.holds()
    return g


def _replayed(g: Given, appliers: dict[type, Any]) -> MarketState:
    eng = Engine(g.engine.journal, g.clock, g.engine.handlers, appliers, state_factory=new_state)
    eng.recover(use_snapshot=False)
    return eng.state


def test_a_settled_batch_leaves_the_state_its_entries_posted_one_by_one_would() -> None:
    g = _settled_day()
    netted = _replayed(g, g.engine.appliers)
    one_by_one = _replayed(g, {**g.engine.appliers, TradesSettled: _post_each_entry})
    assert netted.state_hash() == one_by_one.state_hash() == g.state.state_hash()
    assert list(netted.registry.holdings.items()) == list(one_by_one.registry.holdings.items())
    assert list(netted.funds.balances.items()) == list(one_by_one.funds.balances.items())
    assert list(netted.registry.transactions.items()) == list(
        one_by_one.registry.transactions.items()
    )
    assert len(netted.registry.transactions) == len(one_by_one.registry.transactions)
    assert (netted.trading.bought, netted.trading.sold) == (
        one_by_one.trading.bought,
        one_by_one.trading.sold,
    )
    assert not netted.trading.unsettled


def test_a_settled_batch_still_lists_a_delivery_and_a_fee_entry_per_trade() -> None:
    g = _settled_day()
    batches = [
        e for r in g.engine.journal.read(0) for e in _decoded(r) if isinstance(e, TradesSettled)
    ]
    entries = [e for b in batches for e in b.entries()]
    deliveries = [e for e in entries if isinstance(e, LedgerPosted)]
    fees = [e for e in entries if isinstance(e, FundsPosted)]
    assert len(batches) == 6
    assert len(deliveries) == len(fees) == 40
    assert len({e.tx_id for e in deliveries}) == 40
    assert all(sum(p.delta for p in e.postings) == 0 for e in entries)


def test_every_delivery_of_a_settled_batch_is_a_transaction_of_the_store(tmp_path: Path) -> None:
    g = _settled_day(tmp_path / "market.db")
    records = [r for r in g.engine.journal.read(0) if r.type == "TradesSettled"]
    deliveries = [(d, r.seq) for r in records for b in _decoded(r) for d in b.deliveries]
    assert rows_of(records) == ([(d.tx_id, seq) for d, seq in deliveries], [])
    txs = g.state.registry.transactions
    assert txs.in_memory == 0
    for d, _ in deliveries:
        tx = txs[d.tx_id]
        assert (tx.tx_type, tx.postings, tx.ref) == (TxType.DELIVERY, d.postings(), d.trade_id)


def test_a_settled_batch_names_the_accounts_its_entries_post_to() -> None:
    g = _settled_day()
    batches = [b for r in g.engine.journal.read(0) for b in _decoded(r)]
    for b in batches:
        assert b.accounts() == {p.account_id for e in b.entries() for p in e.postings}
    free = TradesSettled.of(
        "2021-07-16", "C", "F", tuple(replace(d, fees=0) for d in batches[0].deliveries)
    )
    assert free.accounts() == {p.account_id for e in free.entries() for p in e.postings}
    assert not {"C", "F"} & free.accounts()


def _decoded(record: Any) -> list[Any]:
    from openets.engine import codec

    return [codec.decode(record.type, record.payload)] if record.type == "TradesSettled" else []


def test_next_many_hands_out_the_ids_as_many_calls_of_next_would() -> None:
    one, many = IdSource({"TX": 41}), IdSource({"TX": 41})
    one.begin()
    many.begin()
    assert many.next_many("TX", 3) == [one.next("TX") for _ in range(3)]
    assert many.next_many("TX", 0) == []
    assert many.moved() == one.moved() == {"TX": 44}
    many.undo()
    assert many.next("TX") == "TX000042"
    fresh = IdSource()
    fresh.begin()
    assert fresh.next_many("F", 2, width=3) == ["F001", "F002"]
    fresh.undo()
    assert fresh.snapshot() == {}
