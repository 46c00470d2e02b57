"""What every request meets first: a bounded body, read within a time limit; UTF-8 JSON only;
answers kept out of caches and content sniffing; metrics for the exchange operator."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from liveapi import LiveApi, fast_settings, make_live_api


def _raw(api: LiveApi, head: bytes, body: bytes = b"", wait: float = 0.0) -> bytes:
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=10) as s:
        s.sendall(head + body)
        if wait:
            time.sleep(wait)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def test_body_over_one_mib_is_refused_with_413_before_it_is_read(api: LiveApi) -> None:
    t0 = time.monotonic()
    for _ in range(4):  # four 200 MB bodies: none of them is read
        head = (
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200000000\r\n\r\n"
        )
        answer = _raw(api, head, b'{"username":')
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
        assert b"BODY_TOO_LARGE" in answer or b"content-length" in answer.lower()
    assert time.monotonic() - t0 < 5


def test_chunked_body_over_the_limit_is_refused_with_413(api: LiveApi) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    r = httpx.post(
        f"{api.base_url}/api/v1/auth/token",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "BODY_TOO_LARGE"


def test_body_of_three_mib_sent_whole_gets_a_readable_413_not_a_reset(api: LiveApi) -> None:
    for _ in range(5):
        r = httpx.post(
            f"{api.base_url}/api/v1/auth/token",
            content=b" " * (3 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 413 and r.json()["error"]["field"] == "body"


def test_body_just_under_the_limit_is_read(api: LiveApi) -> None:
    body = b'{"username": "x", "password": "' + b"a" * (1024 * 1024 - 64) + b'"}'
    r = httpx.post(
        f"{api.base_url}/api/v1/auth/token",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code != 413


@pytest.fixture
def impatient_api(tmp_path: Path) -> Iterator[LiveApi]:
    with make_live_api(tmp_path, settings=fast_settings(body_timeout_seconds=0.5)) as live:
        yield live


def test_slow_body_is_answered_408(impatient_api: LiveApi) -> None:
    head = (
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n"
    )
    t0 = time.monotonic()
    answer = _raw(impatient_api, head, b'{"user', wait=0.1)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-8-sig"])
def test_utf16_json_body_is_refused(api: LiveApi, encoding: str) -> None:
    p = api.participant()
    body = f'{{"account_id": "{p.account_id}", "amount": "1.00"}}'.encode(encoding)
    with api.unchanged():
        r = p.client.http.post(
            "/api/v1/funds/deposits",
            content=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {p.client.token}",
            },
        )
    assert r.status_code == 422
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("INVALID_FIELD", "body")


def test_api_answers_carry_no_store_and_nosniff(api: LiveApi) -> None:
    for r in (
        httpx.get(f"{api.base_url}/api/v1/health"),
        httpx.get(f"{api.base_url}/api/v1/no-such-thing"),
        httpx.post(f"{api.base_url}/api/v1/auth/token", json={"username": "x", "password": "y"}),
    ):
        assert r.headers["cache-control"] == "no-store", r.url
        assert r.headers["x-content-type-options"] == "nosniff", r.url


def test_metrics_are_open_to_anyone_and_name_no_account(api: LiveApi) -> None:
    who = api.participant(fen=10_000)
    text = api.anon().metrics()
    assert "openets_journal_seq" in text and "openets_http_requests_total" in text
    assert who.account_id not in text and "participant" not in text
