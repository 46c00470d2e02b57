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
    ) -> None:
        """Start ``openets serve``, load it over HTTP, kill -9 it, check nothing acknowledged
        was lost; repeat. Loopback only, on a temporary SQLite file."""
        from openets.ops.drill import run

        with tempfile.TemporaryDirectory() as tmp:
            for line in run(rounds, Path(tmp), seed):
                print(line, flush=True)
