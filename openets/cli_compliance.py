"""``openets compliance report``: obligations, surrenders and status of a compliance year."""

from __future__ import annotations

import sys

import typer

from openets.store.db import DEFAULT_URL


def compliance_report(db: str, year: int, fmt: str, level: str) -> int:
    """Print the report of ``year`` read from the market at ``db``; 0 on success, 1 on error.

    The market is rebuilt from its journal (snapshot and replay) and nothing is written.
    """
    from openets.bootstrap import new_state
    from openets.compliance.queries import report_text
    from openets.composition import build_tables
    from openets.domain.clock import RealClock
    from openets.engine.core import Engine
    from openets.store.db import make_engine
    from openets.store.sql_journal import SqlJournal

    if fmt not in ("csv", "json"):
        print(f"error: --format must be csv or json, was {fmt!r}", file=sys.stderr)
        return 1
    if level not in ("entity", "province", "national"):
        print(
            f"error: --level must be entity, province or national, was {level!r}", file=sys.stderr
        )
        return 1
    try:
        handlers, appliers = build_tables()
        journal = SqlJournal(make_engine(db))
        engine = Engine(journal, RealClock(), handlers, appliers, state_factory=new_state)
        engine.recover()
    except Exception as exc:
        print(f"error: cannot read the market at {db}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(report_text(engine.state.compliance, year, fmt, level))
    return 0


def register(app: typer.Typer) -> None:
    compliance = typer.Typer(help="Compliance: obligations, surrenders and status.")
    app.add_typer(compliance, name="compliance")

    @compliance.command("report")
    def report(
        db: str = typer.Option(DEFAULT_URL, help="SQLAlchemy URL of the market database"),
        year: int = typer.Option(..., help="compliance year, e.g. 2021"),
        fmt: str = typer.Option("csv", "--format", help="csv | json"),
        level: str = typer.Option(
            "entity", help="CSV rows per entity, province or national (JSON has every level)"
        ),
    ) -> None:
        """Obligation, surrendered (of which CCER), shortfall, rate and status per entity
        (compliant, late, shortfall), or the province and national summaries."""
        raise typer.Exit(compliance_report(db, year, fmt, level))
