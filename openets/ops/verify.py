"""``openets verify`` and ``openets replay``: trust nothing but the journal."""

from __future__ import annotations

import time

from openets.bootstrap import new_state
from openets.composition import build_tables
from openets.engine.core import Engine
from openets.engine.journal import verify_chain
from openets.store.db import make_engine, missing_sqlite_file, normalize_url
from openets.store.sql_journal import SqlJournal


class MarketUnreadable(Exception):
    """The market database is missing or its journal cannot be replayed: said, exit 1."""


def _engine(db: str) -> Engine:
    """An engine on the existing market ``db``: a missing SQLite file is refused, not created
    (a check of nothing must not pass)."""
    from sqlalchemy.exc import SQLAlchemyError

    from openets.domain.clock import RealClock

    url = normalize_url(db)
    missing = missing_sqlite_file(url)
    if missing is not None:
        raise MarketUnreadable(f"no market database at {missing}")
    try:
        journal = SqlJournal(make_engine(url))
    except SQLAlchemyError as exc:
        said = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise MarketUnreadable(f"cannot open the market database: {said}") from exc
    handlers, appliers = build_tables()
    return Engine(journal, RealClock(), handlers, appliers, state_factory=new_state)


def _replay(eng: Engine, *, use_snapshot: bool) -> int:
    """Replay the journal; a record the rules cannot read is said, not a traceback."""
    try:
        return eng.recover(use_snapshot=use_snapshot)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise MarketUnreadable(
            f"the journal cannot be replayed after seq {eng.state.last_seq}: "
            f"{exc.__class__.__name__} {exc}"
        ) from exc


def verify_market(db: str, public_key: str | None = None) -> tuple[bool, list[str]]:
    """Recompute the hash chain, replay from zero, check every invariant and the snapshots;
    with ``public_key`` (a PEM file) also every signed checkpoint."""
    eng = _engine(db)
    n, problem = verify_chain(eng.journal.read())
    if problem is not None:
        return False, [f"journal: {problem}"]
    lines = [f"journal: {n} records, hash chain intact"]
    if public_key is not None:
        from openets.audit.keys import key_id, load_public
        from openets.audit.verify import verify_checkpoints

        pub = load_public(public_key)
        found, problem = verify_checkpoints(eng.journal.read(), pub)
        if problem is not None:
            return False, [*lines, f"signed checkpoints: {problem}"]
        last = found[-1]
        lines.append(
            f"signed checkpoints: {len(found)}, every signature valid for key {key_id(pub)}; "
            f"latest seq {last.seq} hash {last.hash} signed {last.signed_at}"
        )
    _replay(eng, use_snapshot=False)
    full_hash = eng.state.state_hash()
    bad = eng.state.violations()
    if bad:
        return False, lines + [f"invariant violated: {bad[0]}"] + [f"  also: {b}" for b in bad[1:5]]
    lines.append(
        "invariants: allowances and funds conserved, no negative balance, locks reconciled "
        "with listings, bids and blocks, compliance reconciled with the registry"
    )
    snap = eng.journal.latest_snapshot()
    if snap is not None:
        eng2 = _engine(db)
        try:
            _replay(eng2, use_snapshot=True)
        except (RuntimeError, MarketUnreadable) as exc:
            return False, [*lines, f"snapshot: {exc}"]
        if eng2.state.state_hash() != full_hash:
            return False, [*lines, f"snapshot at seq {snap.seq}: replay gives another state"]
        lines.append(f"snapshot at seq {snap.seq}: agrees with a full replay")
    lines.append(f"state hash {full_hash}")
    return True, lines


def replay_market(db: str) -> tuple[int, str, float]:
    """Replay from zero once the hash chain is whole: a state hash of a tampered journal
    would vouch for records nobody acknowledged."""
    eng = _engine(db)
    _, problem = verify_chain(eng.journal.read())
    if problem is not None:
        raise MarketUnreadable(f"journal: {problem}")
    t0 = time.perf_counter()
    n = _replay(eng, use_snapshot=False)
    return n, eng.state.state_hash(), time.perf_counter() - t0
