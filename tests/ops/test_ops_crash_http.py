"""``kill -9`` of ``openets serve`` under load over HTTP loses no acknowledged command."""

from __future__ import annotations

from pathlib import Path

import pytest

from openets.ops.drill import run

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


@pytest.mark.slow
def test_kill_9_of_the_server_under_http_load_loses_no_acknowledged_command(
    tmp_path: Path,
) -> None:
    lines = run(rounds=6, workdir=tmp_path, seed_=7)
    assert lines[-1].startswith("6 kills survived")
