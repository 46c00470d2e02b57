"""Notifications over a live server: a fill tells both sides (成交回报), a four-eyes request
tells the other registry operators, reading marks them read, the private WebSocket pushes
them, and with ``--smtp`` they are e-mailed (to a local SMTP server started here)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from liveapi import LiveApi, fast_settings, make_live_api
from marketapi import at, error, instrument, listed, market_server, ok, take

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def mapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("notes")) as live:
        at(live, "10:00")
        yield live


def notes(api: LiveApi, username: str, **q: Any) -> dict[str, Any]:
    return api.client(username).get("/notifications", **q)  # type: ignore[no-any-return]


def test_a_fill_notifies_the_buyer_and_the_seller(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant(fen=10_000_000)
    lid = listed(s, code, "sell", "50.00", 500)
    ok(take(b, lid, 200), 201)
    sold = [n for n in notes(mapi, s.username)["data"] if n["kind"] == "fill"]
    bought = [n for n in notes(mapi, b.username)["data"] if n["kind"] == "fill"]
    assert [n["params"]["side"] for n in sold] == ["sell"]
    assert [n["params"]["side"] for n in bought] == ["buy"]
    assert bought[0]["params"] | {"trade_id": ""} == {
        "side": "buy",
        "instrument": code,
        "quantity": 200,
        "price": "50.00",
        "method": "listing",
        "trade_id": "",
    }
    assert "200 t at 50.00" in bought[0]["text"] and bought[0]["read"] is False


def test_notifications_are_the_callers_own(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant(fen=10_000_000)
    other = mapi.participant()
    ok(take(b, listed(s, code, "sell", "50.00", 100), 100), 201)
    assert [n for n in notes(mapi, other.username)["data"] if n["kind"] == "fill"] == []


def test_a_notification_read_is_no_longer_unread(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant(fen=10_000_000)
    ok(take(b, listed(s, code, "sell", "50.00", 100), 100), 201)
    unread = notes(mapi, b.username, unread="true")
    first = unread["data"][0]["notification_id"]
    c = mapi.client(b.username)
    assert c.post(f"/notifications/{first}/read") == {"notification_id": first, "read": True}
    after = notes(mapi, b.username, unread="true")
    assert first not in [n["notification_id"] for n in after["data"]]
    assert after["unread"] == unread["unread"] - 1


def test_reading_someone_elses_notification_is_not_found(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant(fen=10_000_000)
    ok(take(b, listed(s, code, "sell", "50.00", 100), 100), 201)
    theirs = notes(mapi, b.username)["data"][0]["notification_id"]
    other = mapi.participant()
    r = other.client.request("POST", f"/notifications/{theirs}/read")
    assert error(r, 404, "NOT_FOUND")["field"] == "notification_id"


def test_a_four_eyes_request_waits_in_the_other_operators_notifications(mapi: LiveApi) -> None:
    a = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant()
    req = mapi.client("regop").request_transfer(a.account_id, b.account_id, "CEA21", 10, "合并")
    rid = req["request_id"]
    waiting = [n for n in notes(mapi, "regop2")["data"] if n["kind"] == "approval_waiting"]
    assert rid in [n["params"]["request_id"] for n in waiting]
    mine = [n for n in notes(mapi, "regop")["data"] if n["kind"] == "approval_waiting"]
    assert rid not in [n["params"]["request_id"] for n in mine]
    mapi.client("regop2").approve_transfer(rid, "核实")
    decided = [n for n in notes(mapi, "regop")["data"] if n["kind"] == "approval_decided"]
    assert decided[0]["params"]["request_id"] == rid and decided[0]["params"]["approved"] is True


def test_a_fill_is_pushed_on_the_private_feed(mapi: LiveApi) -> None:
    from websockets.sync.client import connect

    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant(fen=10_000_000)
    lid = listed(s, code, "sell", "50.00", 500)
    url = mapi.base_url.replace("http", "ws") + f"/api/v1/ws/private?token={s.client.token}"
    with connect(url) as ws:
        json.loads(ws.recv())  # the snapshot
        ok(take(b, lid, 300), 201)
        kinds = []
        deadline = time.monotonic() + 5
        while "notification" not in kinds and time.monotonic() < deadline:
            msg = json.loads(ws.recv(timeout=5))
            kinds.append(msg["type"])
            if msg["type"] == "notification":
                assert msg["data"]["kind"] == "fill"
                assert msg["data"]["params"]["quantity"] == 300
    assert "notification" in kinds


ALICE = "alice@example.org"


def test_notifications_are_emailed_through_smtp(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    got: list[Any] = []

    class Inbox(Message):  # type: ignore[misc]
        def handle_message(self, message: Any) -> None:
            got.append(message)

    with socket.socket() as probe:  # a free port for the mail server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Inbox(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        url = f"smtp://127.0.0.1:{port}?domain=example.org"
        with make_live_api(tmp_path, settings=fast_settings(smtp_url=url)) as api:
            a = api.participant(username="alice")
            api.client("regop").issue(
                a.account_id, "CEA19-20", 100, "allocation", approver=api.client("regop2")
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not [m for m in got if m["To"] == ALICE]:
                time.sleep(0.05)
    finally:
        smtp.stop()
    # the issuance request also mails the other registry operator (a four-eyes request waits)
    mine = [m for m in got if m["To"] == ALICE]
    assert mine, "no mail arrived"
    assert mine[0]["To"] == "alice@example.org"
    assert "Allowances: issuance of 100 t CEA19-20" in mine[0]["Subject"]
    assert a.account_id
