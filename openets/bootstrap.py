"""Put a market together: the engine, its journal on a database, the clock, recovery, genesis."""

from __future__ import annotations

from dataclasses import dataclass

from openets import composition
from openets.domain.clock import Clock, RealClock
from openets.domain.rejection import Rejection
from openets.engine.core import Engine
from openets.engine.journal import Journal, MemoryJournal
from openets.market import MarketState
from openets.registry.genesis_service import Genesis
from openets.store.bankref_store import SqlBankRefStore
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal
from openets.store.tx_store import SqlTxStore


@dataclass
class Market:
    engine: Engine
    db_url: str | None

    @property
    def state(self) -> MarketState:
        return self.engine.state


def new_state() -> MarketState:
    """An empty market: the registry, the funds, and every context the composition lists."""
    return composition.new_state()


def open_engine(
    journal: Journal,
    clock: Clock,
    *,
    preset: str = "cn",
    genesis: bool = True,
    rules: tuple[tuple[str, str], ...] = (),
) -> Engine:
    """The engine over ``journal``, recovered; ``genesis`` also configures a new market (a
    tool that only adds logins leaves the preset to whoever opens the market next)."""
    handlers, appliers = composition.build_tables()
    factory = new_state
    if isinstance(journal, SqlJournal):
        # The registry's transactions and the bank references stay in the store, not in
        # memory (openets.store.tx_store, openets.store.bankref_store)
        store = SqlTxStore(journal).attach()
        refs = SqlBankRefStore(journal).attach()

        def factory() -> MarketState:
            st = new_state()
            st.registry.transactions.bind(store)
            st.funds.bank_refs.bind(refs)
            return st

    eng = Engine(journal, clock, handlers, appliers, state_factory=factory)
    eng.recover()
    if not genesis:
        return eng
    r = eng.submit(Genesis(preset, rules), "system")
    if isinstance(r, Rejection):
        raise ValueError(r.message)
    return eng


def open_market(
    db_url: str | None = None,
    clock: Clock | None = None,
    *,
    synchronous: str = "FULL",
    preset: str = "cn",
    genesis: bool = True,
    rules: tuple[tuple[str, str], ...] = (),
) -> Market:
    """Open (or create) the market stored at ``db_url``; None keeps it in memory. ``rules``:
    rule-by-rule changes to the preset (:func:`openets.rule_overrides.encode`)."""
    clock = clock or RealClock()
    journal: Journal
    if db_url is None:
        journal = MemoryJournal()
    else:
        journal = SqlJournal(make_engine(db_url, synchronous=synchronous))
    engine = open_engine(journal, clock, preset=preset, genesis=genesis, rules=rules)
    return Market(engine, db_url)
