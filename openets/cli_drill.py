"""``openets drill``: the crash drill (kill -9 under HTTP load) on a throwaway market."""

from __future__ import annotations

import sys
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
        db: str = typer.Option(
            "",
            help="an empty database to drill on (e.g. a PostgreSQL URL); default a temporary "
            "SQLite file",
        ),
        seconds: float = typer.Option(2.0, help="--failover: seconds of load before the kill"),
        durable: bool = typer.Option(False, help="--failover: clusters with fsync on"),
        spare: bool = typer.Option(
            False,
            help="--failover: a warm spare sequencer (serve --await-promotion) waits on the "
            "standby and takes over at its promotion, instead of a server started after it",
        ),
    ) -> None:
        """Start ``openets serve``, load it over HTTP, kill -9 it, check nothing acknowledged
        was lost; repeat. Loopback only, on a temporary SQLite file (or the empty database
        ``--db``). With ``--failover``: the PostgreSQL primary is killed instead, its standby
        promoted and the server pointed at it (see docs/operations.md); exit status 1 when an
        acknowledged command is missing or a check fails, 2 when the drill cannot run."""
        if failover:
            from openets.ops.failover import drill as run_failover

            def say(line: str) -> None:
                print(line, flush=True)

            try:
                report = run_failover(
                    seconds=seconds, seed_=seed, durable=durable, spare=spare, log=say
                )
            except RuntimeError as exc:  # no binaries, a cluster or the server did not start
                print(f"error: the failover drill could not run: {exc}", file=sys.stderr)
                raise typer.Exit(2) from exc
            for line in report.lines():
                say(line)
            if not report.ok:
                raise typer.Exit(1)
            return
        from openets.ops.drill import run

        with tempfile.TemporaryDirectory() as tmp:
            try:
                lines = run(rounds, Path(tmp), seed, db=db or None)
            except ValueError as exc:  # a database that is not empty
                print(f"error: {exc}", file=sys.stderr)
                raise typer.Exit(2) from exc
            for line in lines:
                print(line, flush=True)
