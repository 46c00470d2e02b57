"""Sessions in the store (issue 14): kept by the SHA-256 of the token, surviving a restart, ended
by logout; the private feed closes on logout and refuses another site's page; tokens never
reach the log."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dsl import START
from liveapi import PASSWORD, LiveApi, fast_settings
from marketapi import ws_url
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from openets.api.app import create_app
from openets.api.security import Passwords
from openets.api.server import ServerThread
from openets.api.users import add_user_to_db
from openets.bootstrap import open_market
from openets.client import Client
from openets.domain.clock import SimulatedClock, parse_iso
from openets.store import schema


@contextlib.contextmanager
def server(db: str) -> Iterator[LiveApi]:
    clock = SimulatedClock(parse_iso(START))
    market = open_market(db, clock)
    srv = ServerThread(create_app(market, fast_settings())).start()
    try:
        yield LiveApi(srv, market, clock)
    finally:
        srv.stop()
        market.engine.journal.close()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'market.db'}"
    add_user_to_db(
        url, "regop", PASSWORD, "registry_operator", None, passwords=Passwords(1, 8192, 1)
    )
    return url


def _closed_with(ws: ClientConnection) -> int | None:
    try:
        while True:
            ws.recv(timeout=5)
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


def test_sessions_are_stored_hashed_and_survive_a_restart(db: str) -> None:
    with server(db) as api:
        token = Client.login(api.base_url, "regop", PASSWORD).token
        assert token is not None
        with api.services.side.engine.connect() as conn:
            rows = conn.execute(select(schema.sessions.c.digest)).all()
    assert [r[0] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    with server(db) as api:
        c = Client(api.base_url)
        c.token = token
        assert c.me()["username"] == "regop"


def test_logged_out_token_stays_logged_out_after_a_restart(db: str) -> None:
    with server(db) as api:
        c = Client.login(api.base_url, "regop", PASSWORD)
        token = c.token
        c.logout()
    with server(db) as api:
        r = httpx.get(
            f"{api.base_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 401
        with api.services.side.engine.connect() as conn:
            assert conn.execute(select(schema.sessions)).all() == []


def test_private_feed_closes_on_logout(api: LiveApi) -> None:
    p = api.participant()
    c = api.login(p.username)
    with connect(ws_url(api, f"/ws/private?token={c.token}")) as ws:
        assert ws.recv(timeout=5)  # the snapshot
        c.logout()
        assert _closed_with(ws) == 4401


def test_private_feed_refuses_a_foreign_origin_with_the_session_cookie(api: LiveApi) -> None:
    p = api.participant()
    with httpx.Client(base_url=api.base_url) as h:
        h.post("/api/v1/auth/session", json={"username": p.username, "password": PASSWORD})
        cookie = "; ".join(f"{k}={v}" for k, v in h.cookies.items())
    headers = {"Cookie": cookie}
    with connect(
        ws_url(api, "/ws/private"), additional_headers=headers, origin="http://evil.example"
    ) as ws:  # type: ignore[arg-type]
        assert '"ORIGIN_REFUSED"' in ws.recv(timeout=5)
        assert _closed_with(ws) == 4403
    with connect(ws_url(api, "/ws/private"), additional_headers=headers, origin=api.base_url) as ws:  # type: ignore[arg-type]
        assert '"snapshot"' in ws.recv(timeout=5)


def test_tokens_in_logged_urls_are_redacted(api: LiveApi, caplog: pytest.LogCaptureFixture) -> None:
    """Uvicorn logs a WebSocket's path with its query; the token never reaches the log."""
    with caplog.at_level(logging.INFO, logger="uvicorn.error"):
        logging.getLogger("uvicorn.error").info(
            '%s - "WebSocket %s" [accepted]',
            "127.0.0.1:5000",
            "/api/v1/ws/private?token=s3cr3t-tok",
        )
    assert "s3cr3t-tok" not in caplog.text and "token=[redacted]" in caplog.text


def test_private_feed_closes_when_the_user_is_disabled(api: LiveApi) -> None:
    p = api.participant()
    c = api.login(p.username)
    with connect(ws_url(api, f"/ws/private?token={c.token}")) as ws:
        assert ws.recv(timeout=5)  # the snapshot
        api.client("regop").disable_user(p.username, "left the company")
        assert _closed_with(ws) == 4401
