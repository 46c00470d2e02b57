"""Read replicas on PostgreSQL standbys (docs/operations.md, the PostgreSQL deployment): a
primary with ``synchronous_commit = remote_apply`` and a synchronous standby, a cascading
standby behind it, OpenETS followers reading the standbys. Local clusters from the machine's
PostgreSQL binaries; they run in the PostgreSQL pass (``make pytest-pg``)."""

from __future__ import annotations

import itertools
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from dsl import START, Given
from pg import db_kind
from typer.testing import CliRunner

from openets.bootstrap import open_market
from openets.cli import app
from openets.domain.clock import SimulatedClock, parse_iso
from openets.ops.drill import free_port, start_server, wait_up
from openets.ops.pgcluster import REPLICATION, Cluster, find_bindir
from openets.registry import commands as rc
from openets.store.follower import Follower

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

SETTINGS = {"fsync": "off", **REPLICATION}
_names = itertools.count(1)


@dataclass
class Replicated:
    primary: Cluster
    standby1: Cluster
    standby2: Cluster


def _replicated() -> Iterator[Replicated]:
    made: list[Cluster] = []
    try:
        primary = Cluster.create(
            name="primary",
            settings={
                **SETTINGS,
                "synchronous_commit": "remote_apply",
                "synchronous_standby_names": "'FIRST 1 (standby1)'",
            },
        )
        made.append(primary)
        primary.start()
        standby1 = Cluster.standby_of(primary, "standby1", SETTINGS)
        made.append(standby1)
        standby1.start()
        primary.wait_streaming("standby1")
        standby2 = Cluster.standby_of(standby1, "standby2", SETTINGS)
        made.append(standby2)
        standby2.start()
        standby1.wait_streaming("standby2")
        yield Replicated(primary, standby1, standby2)
    finally:
        for c in reversed(made):
            c.remove()


def _need_clusters(config: pytest.Config) -> None:
    if db_kind(config) != "postgres":
        pytest.skip("runs with --db=postgres (OPENETS_TEST_DB=postgres), as make pytest-pg does")
    if find_bindir() is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")


@pytest.fixture(scope="module")
def shared(request: pytest.FixtureRequest) -> Iterator[Replicated]:
    """Three clusters the tests that do not fail over share (each its own database)."""
    _need_clusters(request.config)
    yield from _replicated()


@pytest.fixture
def own(request: pytest.FixtureRequest) -> Iterator[Replicated]:
    """Three clusters of this test's own (it fails over)."""
    _need_clusters(request.config)
    yield from _replicated()


def market_on(cluster: Cluster) -> tuple[Given, str]:
    """A fresh market database on ``cluster`` (its standbys receive it); the writer and name."""
    name = f"market{next(_names)}"
    url = cluster.create_database(name)
    clock = SimulatedClock(parse_iso(START))
    return Given(open_market(url, clock), clock), name


def wait_replicated(standby: Cluster, name: str, timeout: float = 30) -> None:
    """Until the market database ``name`` and its journal have reached ``standby``.

    A cascading standby replays the primary's records asynchronously (remote_apply waits for
    the synchronous standby only), so a follower opened at once could find no database yet.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if standby.execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") and (
            standby.execute("SELECT to_regclass('journal') IS NOT NULL", database=name)
            == [(True,)]
        ):
            return
        time.sleep(0.05)
    raise RuntimeError(f"database {name} has not reached {standby.name}")


def some_commands(g: Given) -> None:
    a = g.account(tonnes={"CEA21": 100}, fen=10_000)
    b = g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", 30, "x"), actor="alice")
    g.ok(rc.Decide(req.request_id, True), actor="bob")
    g.ok(rc.Freeze(b, "CEA21", 5, "x"))


def test_read_replica_on_a_standby_polls_because_a_standby_refuses_listen(
    shared: Replicated,
) -> None:
    g, name = market_on(shared.primary)
    wait_replicated(shared.standby2, name)
    f = Follower(shared.standby2.url(name), poll_interval=0.02)
    try:
        assert f.on_standby() and not f.listening
        some_commands(g)
        assert f.catch_up(g.state.last_seq, timeout=20)
        assert f.state_hash() == g.state.state_hash()
    finally:
        f.close()
        g.market.engine.journal.close()


def test_read_replica_on_the_synchronous_standby_has_each_acknowledged_command_at_once(
    shared: Replicated,
) -> None:
    # remote_apply: a command returns only once standby1 has applied its records, so one poll
    # there, without waiting, already sees it.
    g, name = market_on(shared.primary)
    f = Follower(shared.standby1.url(name))
    try:
        for tonnes in (10, 20, 30, 40, 50):
            g.account(tonnes={"CEA21": tonnes})
            f.poll()
            assert f.last_seq == g.state.last_seq
            assert f.state_hash() == g.state.state_hash()
    finally:
        f.close()
        g.market.engine.journal.close()


def test_openets_follow_on_a_standby_prints_the_writers_state_hash(shared: Replicated) -> None:
    g, name = market_on(shared.primary)
    some_commands(g)
    url = shared.standby1.url(name)
    r = CliRunner().invoke(app, ["follow", "--db", url, "--once"])
    assert r.exit_code == 0, r.output
    assert f"seq {g.state.last_seq} state hash {g.state.state_hash()}" in r.output
    g.market.engine.journal.close()


def test_read_replica_on_the_cascading_standby_follows_across_the_promotion(
    own: Replicated,
) -> None:
    g, name = market_on(own.primary)
    wait_replicated(own.standby2, name)
    f = Follower(own.standby2.url(name), poll_interval=0.02)
    try:
        some_commands(g)
        acknowledged_seq = g.state.last_seq
        own.primary.kill()
        own.standby1.promote()
        own.standby1.execute("ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
        own.standby1.execute("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (standby2)'")
        own.standby1.execute("SELECT pg_reload_conf()")
        own.standby1.wait_streaming("standby2")
        clock = SimulatedClock(parse_iso(START))
        g2 = Given(open_market(own.standby1.url(name), clock), clock)
        try:
            assert g2.state.last_seq >= acknowledged_seq
            some_commands(g2)
            assert f.catch_up(g2.state.last_seq, timeout=30)
            assert f.state_hash() == g2.state.state_hash()
        finally:
            g2.market.engine.journal.close()
    finally:
        f.close()


def test_replication_check_passes_on_the_primary_of_the_deployment(shared: Replicated) -> None:
    r = CliRunner().invoke(app, ["replication", "--db", shared.primary.url()])
    assert r.exit_code == 0, r.output
    assert "primary; synchronous_commit = remote_apply" in r.output
    assert "standby standby1: streaming, sync" in r.output


def test_replication_check_passes_on_a_streaming_standby(shared: Replicated) -> None:
    r = CliRunner().invoke(app, ["replication", "--db", shared.standby2.url()])
    assert r.exit_code == 0, r.output
    assert "WAL receiver streaming" in r.output


def test_replication_check_fails_on_a_primary_without_a_synchronous_standby(
    pg_url: str,
) -> None:
    r = CliRunner().invoke(app, ["replication", "--db", pg_url])
    assert r.exit_code == 1
    assert "synchronous_standby_names is empty" in r.output


def test_replication_check_fails_on_sqlite_one_machine(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["replication", "--db", f"sqlite:///{tmp_path / 'm.db'}"])
    assert r.exit_code == 1
    assert "no standby to fail over to" in r.output


def test_warm_spare_serves_the_standby_once_it_is_promoted_and_not_before(
    own: Replicated,
) -> None:
    g, name = market_on(own.primary)
    some_commands(g)
    acknowledged = (g.state.last_seq, g.state.state_hash())
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    spare = start_server(
        own.standby1.url(name), port, ("--await-promotion",), stdout=subprocess.PIPE
    )
    try:
        assert spare.stdout is not None
        assert spare.stdout.readline().decode().startswith("warm spare: waiting until")
        time.sleep(0.5)
        with pytest.raises(httpx.ConnectError):  # a standby's spare does not listen
            httpx.get(f"{base}/health", timeout=5)
        own.primary.kill()
        own.standby1.promote()
        wait_up(base, spare, timeout=90)
        h = httpx.get(f"{base}/health", timeout=10).json()
        assert h["status"] == "ok" and h["journal_seq"] >= acknowledged[0]
    finally:
        spare.send_signal(signal.SIGINT)
        spare.wait(timeout=30)


def test_warm_spare_on_sqlite_is_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    r = CliRunner().invoke(app, ["serve", "--db", db, "--await-promotion"])
    assert r.exit_code == 2
    assert "--await-promotion needs a PostgreSQL standby" in r.output
