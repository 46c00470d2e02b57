"""``openets simulate``: run a compliance cycle headless and write its report.

    openets simulate                      # the current cycle: 2025 obligations, due 2026-12-31
    openets simulate --year 2021 --seed 1 --out sim-2021    # cycle 1 (2,162 entities)

Progress goes to standard error, the report's headline to standard output.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import typer

from openets.sim import CURRENT_YEAR


class ProgressBar:
    """A one-line text progress bar on standard error (no terminal needed)."""

    def __init__(self, label: str, width: int = 40) -> None:
        self.label = label
        self.width = width
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // max(1, total)
        secs = time.perf_counter() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} days {secs:6.1f} s")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _unwritable(out: Path) -> str | None:
    """Why the report's folder cannot be written, found before the run rather than after it."""
    if out.exists() and not out.is_dir():
        return "is a file; the report is a folder of files"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"the folder cannot be made ({exc.strerror or exc})"
    if not os.access(out, os.W_OK | os.X_OK):
        return "the folder is not writable"
    return None


def simulate_command(
    entities: int | None,
    year: int,
    seed: int,
    out: Path,
    preset_name: str,
    days: int | None,
    db: str | None,
    makers: int,
    quiet: bool,
) -> int:
    from openets.sim.report import summary, write_report
    from openets.sim.seed_market import default_entities
    from openets.sim.simulate import SimConfig, run_simulation

    if entities is None:
        entities = default_entities(year)
    if entities < 1:
        print(f"error: --entities must be at least 1, was {entities}", file=sys.stderr)
        return 2
    unwritable = _unwritable(out)
    if unwritable:
        print(f"error: --out {str(out)!r}: {unwritable}", file=sys.stderr)
        return 2
    config = SimConfig(
        entities=entities, year=year, seed=seed, preset=preset_name, days=days, db_url=db,
        makers=makers,
    )  # fmt: skip
    try:
        result = run_simulation(config, None if quiet else ProgressBar(f"simulate {year}"))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths = write_report(result, out)
    s = summary(result)
    volume = s["volume_t"] / 1e6
    avg = s["average_fen"] / 100 if s["average_fen"] else 0
    close = s["close_fen"] / 100 if s["close_fen"] else 0
    print(
        f"{s['trading_days']} trading days, {s['trades']} trades, volume {volume:.2f} Mt, "
        f"average {avg:.2f}, close {close:.2f}, block share {s['block_share_ppm'] / 1e4:.1f}%, "
        f"compliance {s['compliance_ppm'] / 1e4:.2f}% by quantity"
    )
    print(f"{s['events']} events in {s['seconds']:.1f} s; state hash {s['state_hash']}")
    print(f"report: {paths[0]}")
    return 1 if result.violations else 0


def register(app: typer.Typer) -> None:
    @app.command()
    def simulate(
        entities: int | None = typer.Option(
            None,
            help="power entities (the year's roster: 2,162 in 2021, 2,087 in 2025-2026); "
            "from 2025 steel, cement and aluminium join in the 2025 roster's proportions "
            "(2,087 power entities: 3,378 in all)",
        ),
        year: int = typer.Option(
            CURRENT_YEAR,
            help="year of the surrender deadline: 2026 (the current cycle, 2025 obligations), "
            "2025, 2024 or 2021 (cycle 1)",
        ),
        seed: int = typer.Option(1, help="seed of the population and the agents"),
        out: Path = typer.Option(Path("sim-report"), help="folder for the report"),
        preset: str = typer.Option("cn", help="market rules preset"),
        days: int | None = typer.Option(None, help="only the first D trading days"),
        db: str | None = typer.Option(
            None, help="write the journal to this database (e.g. sqlite:///sim.db)"
        ),
        makers: int = typer.Option(0, help="institutions making markets (optional agents)"),
        quiet: bool = typer.Option(False, help="no progress bar"),
    ) -> None:
        """Run a compliance cycle headless on a simulated clock and write a report."""
        raise typer.Exit(
            simulate_command(entities, year, seed, out, preset, days, db, makers, quiet)
        )
