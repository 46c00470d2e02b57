"""A handler that raises is a bug: over HTTP it answers 500 with a request id (the id it was
logged under), never a business rejection, and changes nothing."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

from liveapi import LiveApi

from openets.clearing import funds


def test_handler_exception_answers_500_with_a_request_id_not_a_rejection(
    fresh_api: LiveApi,
) -> None:
    p = fresh_api.participant()

    def broken(m: Any, cmd: Any, ctx: Any) -> Any:
        raise TypeError("a bug in the deposit handler")

    fresh_api.market.engine.handlers[funds.InstructDeposit] = broken
    with fresh_api.unchanged():
        r = p.client.request(
            "POST", "/funds/deposits", json={"account_id": p.account_id, "amount": "12.00"}
        )
    assert r.status_code == 500
    body = r.json()
    assert body["error"]["code"] == "INTERNAL_ERROR"
    assert body["request_id"] and body["request_id"] in body["error"]["message"]
    assert r.headers["X-Request-Id"] == body["request_id"]


def test_server_goes_on_after_a_failed_command(fresh_api: LiveApi) -> None:
    p = fresh_api.participant()
    real = fresh_api.market.engine.handlers[funds.InstructDeposit]

    def broken(m: Any, cmd: Any, ctx: Any) -> Any:
        raise KeyError("balances")

    fresh_api.market.engine.handlers[funds.InstructDeposit] = broken
    body = {"account_id": p.account_id, "amount": "12.00"}
    assert p.client.request("POST", "/funds/deposits", json=body).status_code == 500
    fresh_api.market.engine.handlers[funds.InstructDeposit] = real
    r = p.client.request("POST", "/funds/deposits", json=body)
    assert r.status_code == 201, r.text


def test_a_500_for_a_bug_keeps_the_connection_open(fresh_api: LiveApi) -> None:
    p = fresh_api.participant()
    real = fresh_api.market.engine.handlers[funds.InstructDeposit]

    def broken(m: Any, cmd: Any, ctx: Any) -> Any:
        raise KeyError("balances")

    body = json.dumps({"account_id": p.account_id, "amount": "12.00"}).encode()
    request = (
        f"POST /api/v1/funds/deposits HTTP/1.1\r\nHost: t\r\n"
        f"Authorization: Bearer {p.client.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    port = int(fresh_api.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        fresh_api.market.engine.handlers[funds.InstructDeposit] = broken
        s.sendall(request)
        assert _answer(s).startswith(b"HTTP/1.1 500 ")
        fresh_api.market.engine.handlers[funds.InstructDeposit] = real
        time.sleep(0.3)  # a server closing the connection would have closed it by now
        s.sendall(request)  # the same connection: the client's next request
        assert _answer(s).startswith(b"HTTP/1.1 201 ")


def _answer(s: socket.socket) -> bytes:
    """One whole answer (status line, headers, the body of its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head
