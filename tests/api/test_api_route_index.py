"""The route index (openets.api.route_index) picks, for every request, the route FastAPI's full
list would pick."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

from fastapi.routing import APIRoute

from openets.api.app import API_PREFIX, create_app, router_modules
from openets.api.route_index import _Dispatch
from openets.bootstrap import open_market


def _concrete(path_format: str) -> str:
    path = re.sub(r"\{[^}]+:path\}", "a/b", path_format)
    return re.sub(r"\{[^}]+\}", "X1", path)


async def _chosen(router_app: Any, method: str, path: str) -> object:
    """The route a router app selects for ``method path`` (its handler may then fail)."""
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


def test_the_route_index_chooses_the_route_fastapi_would_choose() -> None:
    app = create_app(open_market(None))
    full, indexed = app.router.app, app.router.middleware_stack
    assert isinstance(indexed, _Dispatch)  # the index is in place
    requests = [
        (method, API_PREFIX + _concrete(route.path_format))
        for mod in router_modules()
        for route in mod.router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    ]
    assert len(requests) > 50
    unknown = [
        ("GET", "/api/v1/no-such-thing"),
        ("DELETE", "/api/v1/funds/deposits"),
        ("GET", "/api/v1/listings/X1/take/more"),
        ("GET", "/api/v1/health/"),
        ("GET", "/"),
    ]

    async def compare(requests: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
        wrong, found = [], 0
        for method, path in requests:
            route = await _chosen(full, method, path)
            found += route is not None
            if await _chosen(indexed, method, path) is not route:
                wrong.append((method, path))
        return wrong, found

    wrong, found = asyncio.run(compare(requests))
    assert (wrong, found) == ([], len(requests))
    assert indexed.fallbacks == 0  # every route found among the few of its path
    wrong, found = asyncio.run(compare(unknown))
    assert wrong == []
