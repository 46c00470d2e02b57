"""WebSocket feeds over a live server: the public market feed (depth, trades, bars; never an
account) and the private feed (a participant's own listings and fills only)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from liveapi import PASSWORD, LiveApi, Participant
from marketapi import at, instrument, listed, market_server, ok, take, ws_url
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from openets.api.routers._feeds import CLOSE, QUEUE_SIZE, Subscription


@pytest.fixture(scope="module")
def wapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("ws")) as live:
        at(live, "10:00")
        yield live


def messages(ws: ClientConnection, until: str | None = None, timeout: float = 2.0) -> list[Any]:
    """Messages received until one of type ``until`` (or until ``timeout`` of silence)."""
    out = []
    while True:
        try:
            msg = json.loads(ws.recv(timeout=timeout))
        except TimeoutError:
            return out
        out.append(msg)
        if msg["type"] == until:
            return out


def closed_with(ws: ClientConnection) -> int | None:
    try:
        while True:
            ws.recv(timeout=5)
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


def pair(api: LiveApi) -> tuple[Participant, Participant]:
    return api.participant(tonnes={"CEA21": 10_000}), api.participant(fen=10**9)


def test_market_feed_starts_with_a_snapshot(wapi: LiveApi) -> None:
    code = instrument(wapi)
    s, _ = pair(wapi)
    listed(s, code, "sell", "49.00", 10)
    with connect(ws_url(wapi, f"/ws/market/{code}")) as ws:
        (snap,) = messages(ws, until="snapshot")
    assert snap["data"]["instrument"] == code
    assert snap["data"]["depth"]["asks"] == [{"price": "49.00", "quantity": 10, "count": 1}]
    assert s.account_id not in json.dumps(snap)


def test_market_feed_pushes_depth_trades_and_bars_without_identities(wapi: LiveApi) -> None:
    code = instrument(wapi)
    s, b = pair(wapi)
    with connect(ws_url(wapi, f"/ws/market/{code}")) as ws:
        messages(ws, until="snapshot")
        lid = listed(s, code, "sell", "50.00", 100)
        (depth,) = messages(ws, until="depth")
        assert depth["data"]["asks"] == [{"price": "50.00", "quantity": 100, "count": 1}]
        ok(take(b, lid, 40), 201)
        got = messages(ws, until="bar")
    kinds = [m["type"] for m in got]
    assert kinds == ["depth", "trade", "bar"]
    trade = got[1]["data"]
    assert (trade["price"], trade["quantity"], trade["method"]) == ("50.00", 40, "listing")
    assert got[0]["data"]["asks"][0]["quantity"] == 60
    assert (got[2]["data"]["close"], got[2]["data"]["final"]) == ("50.00", False)
    text = json.dumps(got)
    assert s.account_id not in text and b.account_id not in text


def test_market_watch_feed_pushes_each_moved_instruments_ticker_row(wapi: LiveApi) -> None:
    code = instrument(wapi)
    s, b = pair(wapi)
    with connect(ws_url(wapi, "/ws/market")) as ws:
        (snap,) = messages(ws, until="snapshot")
        assert code in [r["instrument"] for r in snap["data"]["ticker"]]
        lid = listed(s, code, "sell", "51.00", 100)
        (posted,) = [m for m in messages(ws, until="ticker") if m["type"] == "ticker"]
        assert (posted["data"]["instrument"], posted["data"]["best_ask"]) == (code, "51.00")
        ok(take(b, lid, 30), 201)
        (traded,) = [m for m in messages(ws, until="ticker") if m["type"] == "ticker"]
    row = traded["data"]
    assert (row["instrument"], row["last"], row["open"]) == (code, "51.00", "51.00")
    assert row["volume"] == 30
    assert (row["turnover"], row["best_ask"]) == ("1530.00", "51.00")
    assert s.account_id not in json.dumps(row) and b.account_id not in json.dumps(row)


def test_market_feed_of_an_unknown_instrument_closes_with_4404(wapi: LiveApi) -> None:
    with connect(ws_url(wapi, "/ws/market/NOPE")) as ws:
        (err,) = messages(ws, until="error")
        assert err["data"]["code"] == "UNKNOWN_INSTRUMENT"
        assert closed_with(ws) == 4404


def test_feed_answers_a_ping(wapi: LiveApi) -> None:
    code = instrument(wapi)
    with connect(ws_url(wapi, f"/ws/market/{code}")) as ws:
        messages(ws, until="snapshot")
        ws.send(json.dumps({"type": "ping"}))
        assert messages(ws, until="pong")[-1] == {"type": "pong", "data": None}


def test_private_feed_shows_the_accounts_own_listings_and_fills(wapi: LiveApi) -> None:
    code = instrument(wapi)
    s, b = pair(wapi)
    before = listed(s, code, "sell", "48.00", 5)
    with connect(ws_url(wapi, f"/ws/private?token={s.client.token}")) as ws:
        (snap,) = messages(ws, until="snapshot")
        assert [x["listing_id"] for x in snap["data"]["listings"]] == [before]
        lid = listed(s, code, "sell", "50.00", 100)
        opened = messages(ws, until="listing")[-1]["data"]
        assert (opened["listing_id"], opened["status"], opened["remaining"]) == (lid, "open", 100)
        ok(take(b, lid, 100), 201)
        got = messages(ws)
    fill = next(m["data"] for m in got if m["type"] == "fill")
    assert (fill["side"], fill["role"], fill["quantity"], fill["account_id"]) == (
        "sell",
        "maker",
        100,
        s.account_id,
    )
    assert {"listing_id": lid, "status": "filled", "remaining": 0, "released": "0.00"} in [
        m["data"] for m in got if m["type"] == "listing"
    ]
    assert b.account_id not in json.dumps(got)


def test_private_feed_never_shows_another_accounts_activity(wapi: LiveApi) -> None:
    code = instrument(wapi)
    s, b = pair(wapi)
    watcher = wapi.participant()
    with connect(ws_url(wapi, f"/ws/private?token={watcher.client.token}")) as ws:
        messages(ws, until="snapshot")
        ok(take(b, listed(s, code, "sell", "50.00", 10), 10), 201)
        assert messages(ws, timeout=1.0) == []


def test_private_feed_accepts_the_browser_session_cookie(wapi: LiveApi) -> None:
    p = wapi.participant()
    with httpx.Client(base_url=wapi.base_url) as h:
        h.post("/api/v1/auth/session", json={"username": p.username, "password": PASSWORD})
        cookie = "; ".join(f"{k}={v}" for k, v in h.cookies.items())
    with connect(ws_url(wapi, "/ws/private"), additional_headers={"Cookie": cookie}) as ws:
        (snap,) = messages(ws, until="snapshot")
    assert snap["data"]["account_id"] == p.account_id


def test_private_feed_without_a_valid_token_closes_with_4401(wapi: LiveApi) -> None:
    with connect(ws_url(wapi, "/ws/private?token=not-a-token")) as ws:
        assert messages(ws, until="error")[-1]["data"]["code"] == "UNAUTHENTICATED"
        assert closed_with(ws) == 4401


def test_private_feed_of_a_staff_user_closes_with_4403(wapi: LiveApi) -> None:
    token = wapi.client("exop").token
    with connect(ws_url(wapi, f"/ws/private?token={token}")) as ws:
        assert messages(ws, until="error")[-1]["data"]["code"] == "NOT_PERMITTED"
        assert closed_with(ws) == 4403


def test_a_client_that_falls_behind_is_told_to_go() -> None:
    async def fill() -> list[bytes]:
        sub = Subscription("X")
        for i in range(QUEUE_SIZE + 1):
            sub.put(b"%d" % i)
        return [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]

    assert asyncio.run(fill()) == [CLOSE]
