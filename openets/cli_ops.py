"""Operations commands: ``openets backup | restore | migrate | follow | replication``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from openets.store.db import DEFAULT_URL

_DB = typer.Option(DEFAULT_URL, "--db", help="SQLAlchemy URL of the market database")


def backup(
    db: str = _DB,
    out: Path = typer.Option(..., "--out", help="the backup file to write (gzip'd JSON lines)"),
) -> None:
    """Write a logical backup (journal, snapshots, users, …) that SQLite or PostgreSQL restores."""
    from openets.ops.backup import BackupError
    from openets.ops.backup import backup as run

    t0 = time.perf_counter()
    try:
        s = run(db, out)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    rows = ", ".join(f"{n} {t}" for t, n in s.counts.items())
    print(f"backup {out}: {rows} in {time.perf_counter() - t0:.2f} s")
    print(f"journal ends at seq {s.last_seq}; state hash {s.state_hash}")


def restore(
    db: str = _DB,
    source: Path = typer.Option(..., "--from", help="a file written by `openets backup`"),
) -> None:
    """Restore a backup into an empty database, then verify the chain and the state hash."""
    from openets.ops.backup import BackupError
    from openets.ops.backup import restore as run

    try:
        s, lines = run(db, source)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(f"restored {', '.join(f'{n} {t}' for t, n in s.counts.items())}")
    for line in lines:
        print(line)


def migrate(
    db: str = _DB,
    revision: str = typer.Option("head", help="the schema revision to reach"),
) -> None:
    """Bring the database's schema to the code's (Alembic ``upgrade``)."""
    from openets.store.db import make_engine
    from openets.store.migrate import upgrade

    eng = make_engine(db, migrate=False)
    try:
        before, after = upgrade(eng, revision)
    finally:
        eng.dispose()
    if before == after:
        print(f"schema at revision {after}: nothing to do")
    else:
        print(f"schema migrated from revision {before or 'none'} to {after}")


def follow(
    db: str = _DB,
    once: bool = typer.Option(False, "--once", help="catch up, print the state hash and stop"),
) -> None:
    """Run a read replica: follow the journal and print each new sequence number and state hash."""
    from openets.store.follower import Follower

    f = Follower(db)
    how = "on NOTIFY" if f.listening else f"polling every {f.poll_interval} s"
    print(f"following {f.url.split('@')[-1]} ({how})", file=sys.stderr, flush=True)
    try:
        print(f"seq {f.last_seq} state hash {f.state_hash()}", flush=True)
        while not once:
            if f.wait(5.0):
                print(f"seq {f.last_seq} state hash {f.state_hash()}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        f.close()


def replication(db: str = _DB) -> None:
    """Check the database's replication against the deployment (docs/operations.md): a primary
    with synchronous_commit = remote_apply and a synchronous standby streaming, or a standby
    streaming from its upstream. Exit 1 on a difference."""
    from openets.ops.replication import replication_status

    status = replication_status(db)
    for line in status.lines():
        print(line)
    if not status.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
    app.command()(migrate)
    app.command()(follow)
    app.command()(replication)
