"""The fast lane (openets.api.fastlane) answers command routes without FastAPI's per-request
machinery, and every answer is the one FastAPI gives: the same route, the same errors."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
from fastapi.routing import APIRoute
from liveapi import LiveApi

from openets.api.app import API_PREFIX, create_app, router_modules
from openets.api.fastlane import FastLane
from openets.bootstrap import open_market


def _concrete(path_format: str) -> str:
    path = re.sub(r"\{[^}]+:path\}", "a/b", path_format)
    return re.sub(r"\{[^}]+\}", "X1", path)


async def _fastapi_choice(router_app: Any, method: str, path: str) -> object:
    """The route FastAPI's own router selects for ``method path``."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    with contextlib.suppress(Exception):  # no login, no body: what matters is the route chosen
        await router_app(scope, receive, send)
    return scope.get("route")


def test_the_fast_lane_chooses_the_route_fastapi_would_choose() -> None:
    app = create_app(open_market(None))
    lane: FastLane = app.state.fastlane
    assert len(lane.direct_routes) > 30  # the command routes
    requests = [
        (method, API_PREFIX + _concrete(route.path_format))
        for mod in router_modules()
        for route in mod.router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    ]
    requests += [("POST", "/api/v1/listings/X1/take/more"), ("PUT", "/api/v1/listings")]

    async def compare() -> list[tuple[str, str, object, object]]:
        wrong = []
        for method, path in requests:
            found = lane.match(method, path)
            if found is None or found[0].direct is None:
                continue  # FastAPI answers it
            chosen = await _fastapi_choice(app.router.app, method, path)
            if chosen is not found[0].route:
                wrong.append((method, path, chosen, found[0].route))
        return wrong

    assert asyncio.run(compare()) == []


def test_a_path_matched_again_gets_the_same_route_and_params_of_its_own() -> None:
    lane: FastLane = create_app(open_market(None)).state.fastlane
    path = API_PREFIX + "/listings/L42/take"
    first = lane.match("POST", path)
    assert first is not None and first[1] == {"listing_id": "L42"}
    first[1]["listing_id"] = "changed by a caller"
    again = lane.match("POST", path)
    assert again is not None and again[0] is first[0] and again[1] == {"listing_id": "L42"}
    other = lane.match("POST", API_PREFIX + "/listings/L43/take")
    assert other == (first[0], {"listing_id": "L43"})
    assert lane.match("PUT", API_PREFIX + "/listings") is None
    assert lane.match("PUT", API_PREFIX + "/listings") is None  # a miss is remembered as one


@contextlib.contextmanager
def _lane_off(api: LiveApi) -> Iterator[None]:
    lane: FastLane = api.server.app.state.fastlane
    lane.enabled = False
    try:
        yield
    finally:
        lane.enabled = True


def _answer(r: httpx.Response) -> tuple[int, object, str | None]:
    try:
        body: object = r.json()
    except ValueError:
        body = r.text
    return r.status_code, body, r.headers.get("content-type")


def test_a_command_is_answered_by_the_fast_lane_as_fastapi_answers_it(api: LiveApi) -> None:
    lane: FastLane = api.server.app.state.fastlane
    p = api.participant()
    before = lane.direct_answers
    fast = p.client.request("POST", "/funds/deposits", json={"account_id": p.account_id,
                                                             "amount": "1.00"})
    assert lane.direct_answers == before + 1
    with _lane_off(api):
        slow = p.client.request("POST", "/funds/deposits", json={"account_id": p.account_id,
                                                                 "amount": "1.00"})
    assert lane.direct_answers == before + 1
    assert (fast.status_code, slow.status_code) == (201, 201)
    assert fast.json().keys() == slow.json().keys()
    assert fast.headers["content-type"] == slow.headers["content-type"]
    for name in ("cache-control", "x-content-type-options"):
        assert fast.headers[name] == slow.headers[name]


def test_a_retried_command_is_replayed_by_the_fast_lane(api: LiveApi) -> None:
    p = api.participant()
    body = {"account_id": p.account_id, "amount": "2.00"}
    first = p.client.request("POST", "/funds/deposits", json=body, idempotency_key="fl-1")
    again = p.client.request("POST", "/funds/deposits", json=body, idempotency_key="fl-1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = p.client.request("POST", "/funds/deposits", json={**body, "amount": "3.00"},
                             idempotency_key="fl-1")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_bad_request_to_a_command_route_gets_fastapi_s_answer(api: LiveApi) -> None:
    p = api.participant()
    other = api.participant()
    token = {"Authorization": f"Bearer {p.client.token}"}
    url = f"{api.base_url}{API_PREFIX}"
    json_type = {"Content-Type": "application/json"}
    cases: list[tuple[str, str, bytes, dict[str, str]]] = [
        ("POST", "/funds/deposits", b'{"account_id": "%s"}' % p.account_id.encode(), json_type),
        ("POST", "/funds/deposits", b'{"account_id": 5, "amount": "1.00"}', json_type),
        ("POST", "/funds/deposits", b'{"account_id": "A", "amount": "x"}', json_type),
        ("POST", "/funds/deposits", b"not json", json_type),
        ("POST", "/funds/deposits", b"", json_type),
        ("POST", "/funds/deposits", b'{"account_id": "A", "amount": "1.00"}', {}),
        ("POST", "/funds/deposits", b'{"account_id": "A", "amount": "1.00"}',
         {"Content-Type": "text/plain"}),
        ("POST", "/funds/deposits", b'[1, 2]', json_type),
        ("POST", "/funds/deposits",
         b'{"account_id": "%s", "amount": "1.00"}' % other.account_id.encode(), json_type),
        ("POST", "/listings/" + "L" * 40 + "/take", b'{"account_id": "A", "quantity": 1}',
         json_type),
        ("POST", "/listings/L404/take",
         b'{"account_id": "%s", "quantity": 1}' % p.account_id.encode(), json_type),
        ("PUT", "/funds/deposits", b"{}", json_type),
    ]
    with api.unchanged(), httpx.Client(timeout=10) as h:
        for method, path, body, headers in cases:
            fast = h.request(method, url + path, content=body, headers={**token, **headers})
            with _lane_off(api):
                slow = h.request(method, url + path, content=body, headers={**token, **headers})
            assert _answer(fast) == _answer(slow), (method, path, body)
            assert fast.status_code >= 400
        anon = h.post(url + "/funds/deposits", json={"account_id": "A", "amount": "1.00"})
        with _lane_off(api):
            anon_slow = h.post(url + "/funds/deposits", json={"account_id": "A", "amount": "1.00"})
        assert _answer(anon) == _answer(anon_slow)
        assert anon.status_code == 401


def test_a_token_logged_out_is_refused_at_once_on_a_command_route(api: LiveApi) -> None:
    p = api.participant(fen=10_000)
    body = {"account_id": p.account_id, "amount": "1.00"}
    auth = {"Authorization": f"Bearer {p.client.token}"}
    with httpx.Client(base_url=f"{api.base_url}/api/v1", headers=auth) as h:
        assert h.post("/funds/deposits", json=body).status_code == 201
        p.client.logout()
        with api.unchanged():
            r = h.post("/funds/deposits", json=body)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "UNAUTHENTICATED"
        assert "unknown or expired" in r.json()["error"]["message"]
