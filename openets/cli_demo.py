"""``openets demo``: the whole market on an embedded SQLite file, seeded, with agents trading.

One command starts the engine, seeds a realistic population (accounts with their credit codes,
allocation, money), opens the HTTP API and the browser terminal, prints the URL and a login for
each role, and keeps the compliance-driven agents trading on a simulated clock that runs
``--speed`` times faster than real time, with a progress line.
"""

from __future__ import annotations

import fcntl
import socket
import sys
from pathlib import Path
from typing import IO

import typer

from openets.sim import CURRENT_YEAR, DEMO_ENTITIES

DEFAULT_DB = "openets-demo.db"
START = "2021-07-16T09:00+08:00"


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        port: int = typer.Option(8000, help="HTTP port on 127.0.0.1"),
        host: str = typer.Option("127.0.0.1"),
        db: str = typer.Option(f"sqlite:///{DEFAULT_DB}", help="SQLAlchemy URL (a fresh file)"),
        entities: int = typer.Option(
            DEMO_ENTITIES,
            help="power entities of the synthetic market; from 2025 steel, cement and aluminium "
            "join in the 2025 roster's proportions (the real roster: 2087, 3,378 in all)",
        ),
        seed: int = typer.Option(1, help="seed of the population and the agents"),
        speed: float = typer.Option(120.0, help="simulated seconds per real second"),
        year: int = typer.Option(
            CURRENT_YEAR,
            help="compliance cycle by its deadline year: 2026 (the current cycle, 2025 "
            "obligations), 2025, 2024, 2021 (cycle 1)",
        ),
        run_seconds: float = typer.Option(0.0, help="stop after this many real seconds (0: never)"),
    ) -> None:
        """Run the demo market: seeded, agents trading, the browser terminal at the URL printed."""
        from openets.sim.demo import DemoOptions, run_demo

        if speed <= 0:
            print(f"error: --speed must be positive, was {speed}", file=sys.stderr)
            raise typer.Exit(2)
        if entities < 3:
            print(f"error: --entities must be at least 3, was {entities}", file=sys.stderr)
            raise typer.Exit(2)
        _port_free(host, port)
        lock = _fresh(db)
        run_demo(
            DemoOptions(
                db=db,
                host=host,
                port=port,
                entities=entities,
                seed=seed,
                speed=speed,
                year=year,
                run_seconds=run_seconds,
            )
        )
        if lock is not None:
            lock.close()


def _port_free(host: str, port: int) -> None:
    """Refuse at once (before seeding) a port another server, e.g. a running demo, holds."""
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            print(
                f"error: port {port} on {host} is in use (another demo?); "
                "pick another with --port (make demo PORT=8001)",
                file=sys.stderr,
            )
            raise typer.Exit(2) from None


def _fresh(db: str) -> IO[str] | None:
    """The demo starts from an empty market: its own default file is replaced each run, but
    never while another demo runs on it (a lock file held for the demo's lifetime says so)."""
    if not db.startswith("sqlite:///"):
        return None
    path = Path(db.removeprefix("sqlite:///"))
    lock = open(f"{path}.lock", "w")  # noqa: SIM115 - held until the demo ends
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        print(
            f"error: a running demo uses {path}; stop it first or pick another --db "
            "(make demo DB=sqlite:///other.db PORT=8001)",
            file=sys.stderr,
        )
        raise typer.Exit(2) from None
    if not path.exists():
        return lock
    if path.name != DEFAULT_DB:
        lock.close()
        print(
            f"error: {path} exists; the demo seeds a fresh market (remove it or pick another --db)",
            file=sys.stderr,
        )
        raise typer.Exit(2)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return lock
