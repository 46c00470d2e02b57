"""``openets report``: the daily, weekly and annual market reports, the public registry report,
and exports of trades, bars and holdings, all read from a market database's journal.

    openets report daily    --db URL --date YYYY-MM-DD [--format md|csv|json] [--lang zh|en]
    openets report weekly   --db URL --date YYYY-MM-DD [...]     # the week containing the date
    openets report annual   --db URL --year YYYY [...]
    openets report registry --db URL [...]
    openets report export trades|bars|holdings --db URL --format csv|parquet --out FILE
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import typer

from openets.store.db import DEFAULT_URL

_DB = typer.Option(DEFAULT_URL, "--db", help="SQLAlchemy URL of the market database")
_FORMAT = typer.Option("md", "--format", help="md | csv | json")
_LANG = typer.Option("zh", "--lang", help="zh | en")
_OUT = typer.Option(None, "--out", help="write to this file (default: standard output)")


class ReportError(Exception):
    """A report that cannot be made: said on stderr, exit code 1."""


def _journal(db: str) -> Any:
    from openets.store.db import make_engine, missing_sqlite_file
    from openets.store.sql_journal import SqlJournal

    missing = missing_sqlite_file(db)
    if missing is not None:
        raise ReportError(f"no market database at {missing}")
    return SqlJournal(make_engine(db))


def journal_rows(db: str) -> Iterator[tuple[int, str, bytes]]:
    """The journal rows reports read: instruments, days, trades, daily bars, reserve actions."""
    from openets.supervision.reports.history import REPORT_TYPES

    for r in _journal(db).read():
        if r.type in REPORT_TYPES:
            yield r.ts, r.type, r.payload


def replayed_state(db: str) -> Any:
    """The market state as of the journal's end (snapshot + replay, nothing written)."""
    from openets.bootstrap import new_state
    from openets.composition import build_tables
    from openets.domain.clock import RealClock
    from openets.engine.core import Engine

    handlers, appliers = build_tables()
    eng = Engine(_journal(db), RealClock(), handlers, appliers, state_factory=new_state)
    eng.recover()
    return eng.state


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _run(fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except (ReportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc


def _history(db: str) -> Any:
    from openets.supervision.reports.history import history

    return history(journal_rows(db))


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ReportError(f"--date must be YYYY-MM-DD, was {text!r}") from None


def daily(db: str = _DB, day: str = typer.Option(..., "--date"), form: str = _FORMAT,
          lang: str = _LANG, out: Path | None = _OUT) -> None:  # fmt: skip
    """The daily market report (the exchange's 2024+ format)."""
    from openets.audit.report import checkpoints, head_of_day, with_signed_head
    from openets.supervision.reports.daily import daily_report, render_daily

    def go() -> None:
        d = _day(day)
        text = render_daily(daily_report(_history(db), d), form, lang)
        _emit(with_signed_head(text, head_of_day(checkpoints(db), d), form, lang), out)

    _run(go)


def weekly(db: str = _DB, day: str = typer.Option(..., "--date"), form: str = _FORMAT,
           lang: str = _LANG, out: Path | None = _OUT) -> None:  # fmt: skip
    """The weekly summary of the week (Monday to Sunday) that contains --date."""
    from openets.supervision.reports.periodic import render_period, weekly_report

    def go() -> None:
        _emit(render_period(weekly_report(_history(db), _day(day)), form, lang), out)

    _run(go)


def annual(db: str = _DB, year: int = typer.Option(..., "--year"), form: str = _FORMAT,
           lang: str = _LANG, out: Path | None = _OUT) -> None:  # fmt: skip
    """The annual summary: totals, average prices, by vintage and method."""
    from openets.supervision.reports.periodic import annual_report, render_period

    def go() -> None:
        _emit(render_period(annual_report(_history(db), year), form, lang), out)

    _run(go)


def registry(db: str = _DB, form: str = _FORMAT, lang: str = _LANG,
             out: Path | None = _OUT) -> None:  # fmt: skip
    """The public registry report: holdings, allocation, surrender, compliance by holder."""
    from openets.audit.report import with_signed_head
    from openets.composition import COMPLIANCE_SOURCES
    from openets.domain.clock import from_utc_micros
    from openets.supervision.reports.registry import (
        compliance_lines,
        registry_report,
        render_registry,
    )

    def go() -> None:
        st = replayed_state(db)
        as_of = from_utc_micros(st.last_ts).date().isoformat() if st.last_ts else "-"
        rep = registry_report(
            as_of,
            st.registry.accounts.values(),
            st.registry.holdings,
            st.registry.transactions.values(),
            st.supervision.allocations,
            compliance_lines(st, COMPLIANCE_SOURCES),
        )
        head = st.audit.head_of(as_of)
        _emit(with_signed_head(render_registry(rep, form, lang), head, form, lang), out)

    _run(go)


def export(
    what: str = typer.Argument(..., help="trades | bars | holdings"),
    db: str = _DB,
    form: str = typer.Option("csv", "--format", help="csv | parquet"),
    out: Path = typer.Option(..., "--out", help="the file to write"),
) -> None:
    """Export trades, daily bars or holdings as CSV or Parquet."""
    from openets.supervision.reports import export as ex

    def go() -> None:
        if what == "trades":
            cols, rows = ex.TRADE_COLUMNS, ex.trade_rows(journal_rows(db))
        elif what == "bars":
            cols, rows = ex.BAR_COLUMNS, ex.bar_rows(_history(db))
        elif what == "holdings":
            cols, rows = ex.HOLDING_COLUMNS, ex.holding_rows(replayed_state(db).registry.holdings)
        else:
            raise ReportError(f"export trades, bars or holdings, not {what!r}")
        n = ex.write_table(cols, rows, out, form)
        print(f"{n} {what} written to {out}", file=sys.stderr)

    _run(go)


def register(app: typer.Typer) -> None:
    report_app = typer.Typer(no_args_is_help=True, help="Market reports and data exports.")
    for name, fn in (
        ("daily", daily),
        ("weekly", weekly),
        ("annual", annual),
        ("registry", registry),
        ("export", export),
    ):
        report_app.command(name)(fn)
    app.add_typer(report_app, name="report")
