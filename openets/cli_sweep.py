"""``openets sweep``: every scenario of a file × N seeds on a process pool, one report.

    openets sweep --scenarios scenarios.toml --seeds 4 --out sweep-report
    openets sweep --scenarios scenarios.toml --seeds 4 --ray 10.0.0.5:6379

Progress (one line per finished run) goes to standard error, the report's path to standard
output. The scenario file format is described in :mod:`openets.sim.scenarios`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer


def sweep_command(
    scenarios: Path, seeds: int, out: Path, workers: int | None, ray: str | None = None
) -> int:
    from openets.sim.scenarios import ScenarioError, load_scenarios
    from openets.sim.sweep import RunFailure, RunResult, run_sweep
    from openets.sim.sweep_report import write_sweep

    if seeds < 1:
        print(f"error: --seeds must be at least 1, was {seeds}", file=sys.stderr)
        return 2
    if workers is not None and workers < 1:
        print(f"error: --workers must be at least 1, was {workers}", file=sys.stderr)
        return 2
    try:
        found = load_scenarios(scenarios)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def progress(done: int, total: int, run: RunResult | RunFailure) -> None:
        what = (
            f"{run.seconds:.1f} s, state hash {run.state_hash[:12]}"
            if isinstance(run, RunResult)
            else f"FAILED after {run.attempts} attempts: {run.error}"
        )
        secs = time.perf_counter() - started
        print(
            f"[{done}/{total}] {run.scenario} seed {run.seed}: {what} ({secs:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    try:
        outcome = run_sweep(found, seeds, workers, progress, ray_address=ray)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths = write_sweep(outcome, out)
    print(
        f"{len(outcome.results)} runs, {len(outcome.failures)} failed, "
        f"{outcome.seconds:.1f} s; report: {paths[0]}"
    )
    return 1 if outcome.failures else 0


def register(app: typer.Typer) -> None:
    @app.command()
    def sweep(
        scenarios: Path = typer.Option(..., help="scenario file (TOML: [baseline], [scenario.X])"),
        seeds: int = typer.Option(4, help="seeds per scenario (1..N)"),
        out: Path = typer.Option(Path("sweep-report"), help="folder for the report"),
        workers: int | None = typer.Option(None, help="worker processes (default: one per core)"),
        ray: str | None = typer.Option(
            None, help="run on the Ray cluster at this address (e.g. 10.0.0.5:6379)"
        ),
    ) -> None:
        """Run every scenario × seed of a scenario file and compare them in one report."""
        raise typer.Exit(sweep_command(scenarios, seeds, out, workers, ray))
