"""Database URLs and engines: SQLite (WAL) by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from openets.store.migrate import upgrade

DEFAULT_URL = "sqlite:///openets.db"


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and plain paths, and hand SQLAlchemy a driver it has."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    return url


def missing_sqlite_file(url: str) -> str | None:
    """The path of the SQLite file ``url`` names where it does not exist (a check, a report or
    a replay of a market must not create an empty one), else None."""
    url = normalize_url(url)
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    return path if path and path != ":memory:" and not Path(path).exists() else None


def make_engine(url: str, *, synchronous: str = "FULL", migrate: bool = True) -> Engine:
    """An engine on ``url`` with the schema brought up to date (Alembic ``upgrade head``)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn: Any, _rec: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

    else:
        eng = create_engine(url, pool_pre_ping=True)
    if migrate:
        upgrade(eng)
    return eng
