"""``openets drill``: the crash drill (kill -9 under HTTP load) on a throwaway market."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def drill(
        rounds: int = typer.Option(20, help="kills to survive"),
        seed: int = typer.Option(1, help="seed of the clients and the kill times"),
        failover: bool = typer.Option(
            False,
            "--failover",
            help="instead: kill -9 the PostgreSQL primary under load and fail over to its "
            "synchronous standby (three throwaway local clusters)",
        ),
        seconds: float = typer.Option(2.0, help="--failover: seconds of load before the kill"),
        durable: bool = typer.Option(False, help="--failover: clusters with fsync on"),
    ) -> None:
        """Start ``openets serve``, load it over HTTP, kill -9 it, check nothing acknowledged
        was lost; repeat. Loopback only, on a temporary SQLite file. With ``--failover``: the
        PostgreSQL primary is killed instead, its standby promoted and the server pointed at it
        (see docs/operations.md)."""
        if failover:
            from openets.ops.failover import run as run_failover

            def say(line: str) -> None:
                print(line, flush=True)

            for line in run_failover(seconds=seconds, seed_=seed, durable=durable, log=say):
                say(line)
            return
        from openets.ops.drill import run

        with tempfile.TemporaryDirectory() as tmp:
            for line in run(rounds, Path(tmp), seed):
                print(line, flush=True)
