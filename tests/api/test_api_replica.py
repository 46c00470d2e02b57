"""The read replica over HTTP (``openets serve --replica-of DB``): it follows the journal the
sequencer writes and answers the public market data as the sequencer does; it takes no command."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from liveapi import LiveApi
from marketapi import at, instrument, listed, market_server, ok, take
from sqlalchemy import update

from openets.api.replica import create_replica_app
from openets.api.server import ServerThread
from openets.ops.drill import free_port, wait_up
from openets.store import schema
from openets.store.follower import Follower


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApi]:
    with market_server(tmp_path, auction_tick_seconds=0) as api:
        at(api, "10:00")
        yield api


@pytest.fixture
def replica(live: LiveApi) -> Iterator[str]:
    assert live.market.db_url is not None
    follower = Follower(live.market.db_url, poll_interval=0.02)
    with ServerThread(create_replica_app(follower)) as srv:
        yield f"{srv.base_url}/api/v1"


def caught_up(replica: str, seq: int, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        h: dict[str, Any] = httpx.get(f"{replica}/health").json()
        if h["journal_seq"] >= seq or time.monotonic() > deadline:
            return h
        time.sleep(0.02)


def untimed(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "time"}


def traded(live: LiveApi) -> str:
    code = instrument(live)
    seller = live.participant(tonnes={"CEA21": 1000})
    buyer = live.participant(fen=10**8)
    lid = listed(seller, code, "sell", "48.00", 10)
    listed(seller, code, "sell", "48.50", 5)
    listed(buyer, code, "buy", "47.00", 3)
    ok(take(buyer, lid, 4), 201)
    return code


def test_read_replica_answers_the_market_data_the_sequencer_answers(
    live: LiveApi, replica: str
) -> None:
    code = traded(live)
    h = caught_up(replica, live.seq())
    assert h["status"] == "ok" and h["role"] == "replica"
    assert (h["journal_seq"], h["state_hash"]) == (live.seq(), live.state.state_hash())
    sequencer = f"{live.base_url}/api/v1"
    for path in (
        f"/market/{code}/depth",
        f"/market/{code}/trades",
        f"/market/{code}/bars",
        "/market/ticker",
    ):
        mine, theirs = httpx.get(replica + path), httpx.get(sequencer + path)
        assert mine.status_code == theirs.status_code == 200, (path, mine.text)
        assert untimed(mine.json()) == untimed(theirs.json()), path
    depth = httpx.get(f"{replica}/market/{code}/depth").json()
    assert depth["asks"][0] == {"price": "48.00", "quantity": 6, "count": 1}


def test_read_replica_follows_commands_acknowledged_after_it_started(
    live: LiveApi, replica: str
) -> None:
    before = caught_up(replica, live.seq())["journal_seq"]
    code = traded(live)
    h = caught_up(replica, live.seq())
    assert h["journal_seq"] == live.seq() > before
    tape = httpx.get(f"{replica}/market/{code}/trades").json()
    assert [(t["price"], t["quantity"]) for t in tape["data"]] == [("48.00", 4)]


def test_read_replica_refuses_a_command_and_names_the_sequencer(
    live: LiveApi, replica: str
) -> None:
    with live.unchanged():
        r = httpx.post(
            f"{replica}/listings",
            json={"account_id": "A000001", "instrument": "CEA21", "side": "buy"},
        )
        assert r.status_code == 405
        body = r.json()["error"]
        assert body["code"] == "METHOD_NOT_ALLOWED"
        assert "read replica" in body["message"] and "sequencer" in body["message"]
        assert "GET" in r.headers["allow"]


def test_read_replica_answers_an_unknown_instrument_as_the_sequencer_does(
    live: LiveApi, replica: str
) -> None:
    mine = httpx.get(f"{replica}/market/NOPE/depth")
    theirs = httpx.get(f"{live.base_url}/api/v1/market/NOPE/depth")
    assert mine.status_code == theirs.status_code == 404
    assert mine.json() == theirs.json()


def test_read_replica_health_says_diverged_when_the_journal_no_longer_chains(
    live: LiveApi,
) -> None:
    assert live.market.db_url is not None
    follower = Follower(live.market.db_url, poll_interval=0.02)  # caught up, not yet following
    applied = follower.last_seq
    traded(live)
    last = live.seq()
    eng = live.market.engine.journal.engine
    with eng.begin() as conn:  # an edit of a record the replica has not read yet
        conn.execute(
            update(schema.journal).where(schema.journal.c.seq == last).values(actor="mallory")
        )
    with ServerThread(create_replica_app(follower)) as srv:
        deadline = time.monotonic() + 20
        while (r := httpx.get(f"{srv.base_url}/api/v1/health")).status_code == 200:
            assert time.monotonic() < deadline, r.text
            time.sleep(0.02)
        h = r.json()
        assert r.status_code == 503 and h["status"] == "diverged"
        assert f"seq {last}" in h["problem"] and applied <= h["journal_seq"] < last


def test_openets_serve_replica_of_follows_the_market_in_a_process_of_its_own(
    live: LiveApi,
) -> None:
    traded(live)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    cli = [sys.executable, "-m", "openets.cli", "serve"]
    proc = subprocess.Popen(
        [*cli, "--replica-of", str(live.market.db_url), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_up(base, proc, timeout=90)
        h = caught_up(base, live.seq())
        assert (h["journal_seq"], h["state_hash"]) == (live.seq(), live.state.state_hash())
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
