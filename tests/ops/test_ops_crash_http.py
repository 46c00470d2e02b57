"""``kill -9`` of ``openets serve`` under load over HTTP loses no acknowledged command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from openets.cli import app
from openets.ops.drill import run, seed

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


@pytest.mark.slow
def test_kill_9_of_the_server_under_http_load_loses_no_acknowledged_command(
    tmp_path: Path,
) -> None:
    lines = run(rounds=6, workdir=tmp_path, seed_=7)
    assert lines[-1].startswith("6 kills survived")


@pytest.mark.slow
def test_kill_9_of_the_server_on_postgresql_loses_no_acknowledged_command(
    tmp_path: Path, pg_url: str
) -> None:
    lines = run(rounds=3, workdir=tmp_path, seed_=11, db=pg_url)
    assert lines[-1].startswith("3 kills survived")
    assert any("during end of day" in line for line in lines)


def test_the_drill_refuses_a_database_that_already_holds_a_market(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'market.db'}"
    seed(db)
    with pytest.raises(ValueError, match=r"db: .*already holds a journal of .* events"):
        run(rounds=1, workdir=tmp_path, db=db)


def test_openets_drill_on_a_database_that_holds_a_market_exits_2_naming_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'market.db'}"
    seed(db)
    res = CliRunner().invoke(app, ["drill", "--rounds", "1", "--db", db])
    assert res.exit_code == 2
    assert "needs an empty database" in res.output
