"""Route lookup by path prefix, in front of FastAPI's linear route matching.

FastAPI matches a request by trying every route of every included router in turn (the
matched router's routes twice): with some fifteen routers and a hundred routes, that was more
than half of the server's time per request. :func:`index_routes` groups the application
router's routes by the first path segments they can match (``/api/v1/listings`` …) and, for
each request, lets FastAPI choose among the few that can match it, exactly as before, in the
same order. A request that none of them matches goes on to the full list (the groups'
``default``), so every answer is the one FastAPI would give.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

DEPTH = 3
"""Path segments the index keys on: ``/api/v1/<context>``."""


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


def _formats(route: Any) -> list[str] | None:
    """The path formats a route can match; None when not known (always a candidate)."""
    contexts = getattr(route, "effective_route_contexts", None)
    if contexts is not None:  # an included router: every route it holds
        out = []
        for c in contexts():
            fmt = getattr(c, "path_format", None)
            if not isinstance(fmt, str):
                return None
            out.append(fmt)
        return out
    fmt = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(fmt, str) or type(route).__name__ == "Mount":
        return None if not isinstance(fmt, str) else [fmt + "/{path:path}"]
    return [fmt]


def _may_match(fmt: str, key: tuple[str, ...]) -> bool:
    """Whether a route of path format ``fmt`` may match a path starting with ``key``'s segments
    (``key`` shorter than DEPTH: the whole path)."""
    segs = _segments(fmt)
    for i, want in enumerate(key):
        if i >= len(segs):
            return False
        s = segs[i]
        if s.startswith("{") and s.endswith(":path}"):
            return True
        if not (s.startswith("{") or s == want):
            return False
    return len(key) == DEPTH or len(segs) == len(key)


class _Dispatch:
    """The application router's entry point: the routes that may match, then the full list."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self.full_app = router.app
        self.subs: dict[tuple[str, ...], Any] = {}
        self.fallbacks = 0
        """Requests that none of their group's routes matched (for the tests)."""

    async def fallback(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.fallbacks += 1
        await self.full_app(scope, receive, send)

    def sub_router(self, key: tuple[str, ...]) -> Any:
        sub = self.subs.get(key)
        if sub is None:
            if len(self.subs) > 4096:  # paths made up by clients must not grow it for ever
                self.subs.clear()
            routes = []
            for route in self.router.routes:
                formats = _formats(route)
                if formats is None or any(_may_match(f, key) for f in formats):
                    routes.append(route)
            sub = copy.copy(self.router)
            sub.routes = routes
            sub.default = self.fallback  # nothing here matched: FastAPI's full list decides
            self.subs[key] = sub
        return sub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or not scope.get("path", "").startswith("/"):
            await self.full_app(scope, receive, send)
            return
        sub = self.sub_router(tuple(_segments(scope["path"])[:DEPTH]))
        await sub.app(scope, receive, send)


def index_routes(app: FastAPI) -> None:
    """Dispatch ``app``'s requests to the routes that can match their first path segments."""
    router = app.router
    if getattr(router, "middleware_stack", None) != router.app:
        return  # the router is wrapped in something we do not know: leave it as it is
    router.middleware_stack = _Dispatch(router)
