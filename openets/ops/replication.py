"""Is the market's database deployed as docs/operations.md says? (``openets replication``)

On a PostgreSQL primary: ``synchronous_commit = remote_apply``, a ``synchronous_standby_names``
and a standby streaming from it as the synchronous one; then a command the sequencer
acknowledged is on that standby, applied, before the client hears of it. On a standby: its WAL
receiver streams from an upstream. SQLite is one machine: there is no standby to fail over to.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from openets.store.db import make_engine

Role = Literal["primary", "standby", "single"]


@dataclass(frozen=True, slots=True)
class StandbyRow:
    """A standby streaming from this server (``pg_stat_replication``)."""

    name: str
    state: str
    sync_state: str
    replay_lag_bytes: int | None


@dataclass(frozen=True, slots=True)
class ReplicationStatus:
    role: Role
    synchronous_commit: str = ""
    synchronous_standby_names: str = ""
    standbys: tuple[StandbyRow, ...] = ()
    receiving: str | None = None
    """On a standby: the WAL receiver's status (``streaming``), None when it has none."""
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.role == "single":
            out = ["SQLite: one machine, no standby"]
        elif self.role == "standby":
            out = [f"standby (in recovery); WAL receiver {self.receiving or 'not running'}"]
        else:
            out = [
                f"primary; synchronous_commit = {self.synchronous_commit}; "
                f"synchronous_standby_names = '{self.synchronous_standby_names}'"
            ]
            out += [
                f"  standby {s.name}: {s.state}, {s.sync_state}"
                + (f", replay {s.replay_lag_bytes} bytes behind" if s.replay_lag_bytes else "")
                for s in self.standbys
            ]
        out += [f"problem: {p}" for p in self.problems]
        return out


def _primary(conn: Any) -> ReplicationStatus:
    sync_commit = str(conn.execute(text("SELECT current_setting('synchronous_commit')")).scalar())
    names = str(conn.execute(text("SELECT current_setting('synchronous_standby_names')")).scalar())
    rows = conn.execute(
        text(
            "SELECT application_name, state, sync_state, "
            "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint "
            "FROM pg_stat_replication ORDER BY application_name"
        )
    ).all()
    standbys = tuple(
        StandbyRow(str(r[0]), str(r[1]), str(r[2]), None if r[3] is None else int(r[3]))
        for r in rows
    )
    problems = []
    if not names.strip():
        problems.append(
            "synchronous_standby_names is empty: a command acknowledged here is lost with this "
            "machine; name the standby: synchronous_standby_names = 'FIRST 1 (standby1)'"
        )
    if sync_commit != "remote_apply":
        problems.append(
            f"synchronous_commit is {sync_commit!r}, the deployment's is 'remote_apply' (an "
            "acknowledged command applied on the standby, so readers there see it)"
        )
    if names.strip() and not any(
        s.state == "streaming" and s.sync_state == "sync" for s in standbys
    ):
        problems.append(
            "no synchronous standby is streaming: every commit waits until one does "
            f"(synchronous_standby_names = '{names}')"
        )
    return ReplicationStatus("primary", sync_commit, names, standbys, problems=tuple(problems))


def replication_status(db: str) -> ReplicationStatus:
    """The replication of the database at ``db``, and what differs from the deployment."""
    eng = make_engine(db, migrate=False)
    try:
        if eng.dialect.name != "postgresql":
            return ReplicationStatus(
                "single",
                problems=("SQLite keeps the market on one machine: no standby to fail over to",),
            )
        with eng.connect() as conn:
            if not conn.execute(text("SELECT pg_is_in_recovery()")).scalar():
                return _primary(conn)
            status = conn.execute(text("SELECT status FROM pg_stat_wal_receiver")).scalar()
            problems: tuple[str, ...] = ()
            if status != "streaming":
                problems = (
                    f"the WAL receiver is {status or 'not running'}: this standby does not "
                    "stream from its upstream (primary_conninfo)",
                )
            return ReplicationStatus("standby", receiving=status, problems=problems)
    finally:
        eng.dispose()


def await_promotion(db: str, poll: float = 0.05) -> float:
    """Block until the PostgreSQL server of ``db`` is out of recovery (promoted, or a primary
    all along); returns the seconds waited. A warm spare sequencer
    (``openets serve --await-promotion``) waits here with its code loaded."""
    eng = make_engine(db, migrate=False)
    if eng.dialect.name != "postgresql":
        eng.dispose()
        raise ValueError(f"--await-promotion needs a PostgreSQL standby, not {eng.dialect.name}")
    t0 = time.monotonic()
    try:
        while True:
            try:
                with eng.connect() as conn:
                    while conn.execute(text("SELECT pg_is_in_recovery()")).scalar():
                        conn.rollback()
                        time.sleep(poll)
                    return time.monotonic() - t0
            except OperationalError:  # not reachable (yet): try again
                time.sleep(max(poll, 0.5))
    finally:
        eng.dispose()


__all__ = ["ReplicationStatus", "StandbyRow", "await_promotion", "replication_status"]
