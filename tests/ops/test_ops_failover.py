"""kill -9 of the PostgreSQL primary under HTTP load: the synchronous standby, promoted, has
every acknowledged command (three local clusters; openets.ops.failover)."""

from __future__ import annotations

import pytest
from dsl import Given
from pg import db_kind

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
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
    lines = run(seconds=1.0, seed_=3, log=log.append)
    assert any("promoted" in line for line in log)
    assert lines[0].endswith("all on the new primary")
    assert "equal to the read replica's" in lines[2]


@pytest.mark.postgres
def test_failover_drill_fails_naming_an_acknowledged_command_missing_from_the_new_primary(
    pg_url: str,
) -> None:
    from openets.clearing import funds
    from openets.ops.drill import START
    from openets.ops.failover import FailoverReport, check_new_primary

    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(pg_url, clock), clock)
    a = g.account()
    g.ok(funds.Deposit(a, 10_000, "dep-journaled"), actor="bank")
    g.market.engine.journal.close()

    report = FailoverReport()
    acked = {"deposits": {"dep-journaled", "dep-never-journaled"}}
    check_new_primary(pg_url, acked, report)
    assert report.lost == ["deposit dep-never-journaled"]
    assert not report.ok
    lines = report.lines()
    assert "1 NOT on the new primary: deposit dep-never-journaled" in lines[0]
    assert lines[-1] == "failover drill FAILED"


@pytest.mark.postgres
def test_failover_drill_passes_when_every_acknowledged_command_is_journaled(pg_url: str) -> None:
    from openets.clearing import funds
    from openets.ops.drill import START
    from openets.ops.failover import FailoverReport, check_new_primary

    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(pg_url, clock), clock)
    a = g.account()
    g.ok(funds.Deposit(a, 10_000, "dep-journaled"), actor="bank")
    g.market.engine.journal.close()

    report = FailoverReport()
    check_new_primary(pg_url, {"deposits": {"dep-journaled"}}, report, g.state.last_seq)
    assert report.ok, report.problems
    assert report.replay_events == g.state.last_seq
    assert report.state_hash == g.state.state_hash()
