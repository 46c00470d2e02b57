"""kill -9 of the PostgreSQL primary under HTTP load: the synchronous standby, promoted, has
every acknowledged command (three local clusters; openets.ops.failover)."""

from __future__ import annotations

import pytest
from pg import db_kind

from openets.ops.pgcluster import find_bindir


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_failover_to_the_synchronous_standby_loses_no_acknowledged_command(
    request: pytest.FixtureRequest,
) -> None:
    # About 20-40 s: it runs in the PostgreSQL pass (make pytest-pg) only.
    if db_kind(request.config) != "postgres":
        pytest.skip("runs with --db=postgres (OPENETS_TEST_DB=postgres), as make pytest-pg does")
    if find_bindir() is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    from openets.ops.failover import run

    log: list[str] = []
    lines = run(seconds=2.0, seed_=3, log=log.append)
    assert any("promoted" in line for line in log)
    assert lines[0].endswith("all on the new primary")
    assert "equal to the read replica's" in lines[2]
