"""Read replicas: a follower of the journal keeps the writer's state."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dsl import START, Given
from sqlalchemy import update

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.registry import commands as rc
from openets.store import schema
from openets.store.follower import Follower, FollowerDiverged


def writer(url: str) -> Given:
    clock = SimulatedClock(parse_iso(START))
    return Given(open_market(url, clock), clock)


def trade_some(g: Given) -> None:
    a = g.account(tonnes={"CEA21": 100}, fen=10_000)
    b = g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", 30, "x"), actor="alice")
    g.ok(rc.Decide(req.request_id, True), actor="bob")
    g.ok(rc.Freeze(b, "CEA21", 5, "x"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        u: str = request.getfixturevalue("pg_url")
        return u
    return f"sqlite:///{tmp_path / 'm.db'}"


def test_follower_reaches_the_writers_state_hash_after_commands(url: str) -> None:
    g = writer(url)
    f = Follower(url, poll_interval=0.02)
    try:
        assert f.state_hash() == g.state.state_hash()
        trade_some(g)
        assert f.catch_up(g.state.last_seq, timeout=10)
        assert f.state_hash() == g.state.state_hash()
    finally:
        f.close()


@pytest.mark.postgres
def test_follower_on_postgres_wakes_on_the_writers_notify(pg_url: str) -> None:
    g = writer(pg_url)
    f = Follower(pg_url, poll_interval=60)  # polling alone would not see it within the test
    try:
        g.account(tonnes={"CEA21": 7})
        t0 = time.monotonic()
        n = f.wait(timeout=20)
        assert n > 0 and time.monotonic() - t0 < 10
        assert f.last_seq == g.state.last_seq and f.state_hash() == g.state.state_hash()
    finally:
        f.close()


def test_follower_in_a_thread_follows_a_running_writer(url: str) -> None:
    g = writer(url)
    f = Follower(url, poll_interval=0.02)
    seen: list[int] = []
    f.subscribers.append(lambda records: seen.extend(r.seq for r in records))
    f.start()
    try:
        trade_some(g)
        deadline = time.monotonic() + 10
        while f.last_seq < g.state.last_seq and time.monotonic() < deadline:
            time.sleep(0.02)
        assert f.state_hash() == g.state.state_hash()
        assert seen == sorted(seen) and seen[-1] == g.state.last_seq
    finally:
        f.close()


def test_follower_starts_from_the_latest_snapshot(url: str) -> None:
    g = writer(url)
    trade_some(g)
    g.engine.snapshot()
    g.account()
    f = Follower(url)
    try:
        assert f.state_hash() == g.state.state_hash()
    finally:
        f.close()


def test_follower_stops_on_a_record_that_does_not_chain(url: str) -> None:
    g = writer(url)
    f = Follower(url)
    try:
        g.account(tonnes={"CEA21": 1000})
        eng = g.engine.journal.engine
        with eng.begin() as conn:
            conn.execute(
                update(schema.journal)
                .where(schema.journal.c.seq == g.state.last_seq)
                .values(actor="mallory")
            )
        with pytest.raises(FollowerDiverged, match=f"seq {g.state.last_seq}"):
            f.poll()
    finally:
        f.close()
