"""Schema versions: bring any market database (SQLite or PostgreSQL) up to the code's schema.

Alembic does the work, configured here in code. ``HEAD`` names the newest revision so that
opening an up-to-date database costs one small query and never loads the migration scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0005"
SCRIPTS = Path(__file__).parent / "migrations"


def config(conn: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic ``Config`` pointing at our scripts, bound to ``conn`` (or ``url``)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def script_head() -> str | None:
    """The head revision as the migration scripts say (tests compare it with ``HEAD``)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def current(conn: Connection) -> str | None:
    """The database's revision; None for an empty or never-migrated database."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate to ``revision``. Returns (revision before, revision after)."""
    with engine.connect() as conn:
        before = current(conn)
        conn.rollback()
    if revision == "head" and before == HEAD:
        return before, before
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(config(conn), revision)
    with engine.connect() as conn:
        return before, current(conn)
