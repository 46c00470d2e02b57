"""``openets verify`` and ``openets replay``: trust nothing but the journal."""

from __future__ import annotations

import time

from openets.bootstrap import new_state
from openets.composition import build_tables
from openets.engine.core import Engine
from openets.engine.journal import verify_chain
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal


def _engine(db: str) -> Engine:
    from openets.domain.clock import RealClock

    handlers, appliers = build_tables()
    return Engine(
        SqlJournal(make_engine(db)), RealClock(), handlers, appliers, state_factory=new_state
    )


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
    eng.recover(use_snapshot=False)
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
            eng2.recover(use_snapshot=True)
        except RuntimeError as exc:
            return False, [*lines, f"snapshot: {exc}"]
        if eng2.state.state_hash() != full_hash:
            return False, [*lines, f"snapshot at seq {snap.seq}: replay gives another state"]
        lines.append(f"snapshot at seq {snap.seq}: agrees with a full replay")
    lines.append(f"state hash {full_hash}")
    return True, lines


def replay_market(db: str) -> tuple[int, str, float]:
    eng = _engine(db)
    t0 = time.perf_counter()
    n = eng.recover(use_snapshot=False)
    return n, eng.state.state_hash(), time.perf_counter() - t0
