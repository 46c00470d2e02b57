"""Command routes answered without FastAPI's per-request machinery (the fast lane).

A command endpoint of the API has one shape: ``async def f(<path params>, body: SomeIn,
cmd: CommandDep) -> Response``. For such a route FastAPI spends, per request, more time in its
dependency solver, its route matching across the included routers and its request/response
wrappers than the market spends on the command. :class:`FastLane` finds those routes once
(:func:`direct_route`) and, for a request whose method and path FastAPI would give to one of
them, does what FastAPI would do itself: it validates the path parameters and the JSON body
with the route's own pydantic fields, builds the :class:`~openets.api.deps.Commander` with the
same dependency function, and calls the endpoint, whose :class:`Response` goes out as is.

Anything unusual goes the long way, so every answer stays FastAPI's own: a body that is not
``application/json``, empty, not JSON, or that fails validation (the 422 names the field as
FastAPI does), a path parameter that fails its constraints, a method or path the lane does not
hold. Errors raised by the dependency or the endpoint (``ApiError``, 503s, bugs) go to the
application's exception handlers, as they would from inside FastAPI's route.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import Message, Receive, Scope, Send

from openets.api.deps import commander

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
DEPTH = 3
"""Path segments the lane keys its candidate lists on (as the route index does)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A route of the application in FastAPI's order, with what the lane needs to match it."""

    route: APIRoute
    regex: re.Pattern[str]
    convertors: dict[str, Any]
    direct: DirectRoute | None


@dataclass(frozen=True, slots=True)
class DirectRoute:
    """How to call a command endpoint without FastAPI: its parameters by kind."""

    endpoint: Callable[..., Any]
    body_name: str
    body_field: Any
    """FastAPI's ``ModelField`` of the body (its ``validate`` is what FastAPI calls)."""
    commander_name: str
    path_fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class DirectCall:
    """A request for a direct route, ready to run: its arguments but the commander."""

    candidate: Candidate
    direct: DirectRoute
    kwargs: dict[str, Any]
    scope: Scope
    receive: Receive
    """Hands out the body read again, then reads on from the server."""


BodyReader = Callable[[Receive], Awaitable[tuple[bytes | None, Receive]]]
"""Reads a request's whole body: (the body or None, a ``receive`` handing it out again)."""


def direct_route(route: APIRoute) -> DirectRoute | None:
    """The route's direct call when it is a command endpoint of the one shape, else None."""
    d = route.dependant
    if not inspect.iscoroutinefunction(route.endpoint) or d.call is not route.endpoint:
        return None
    if d.query_params or d.header_params or d.cookie_params or len(d.body_params) != 1:
        return None
    if [dep.call for dep in d.dependencies] != [commander]:
        return None
    if any(
        getattr(d, name) is not None
        for name in (
            "request_param_name",
            "websocket_param_name",
            "http_connection_param_name",
            "response_param_name",
            "background_tasks_param_name",
            "security_scopes_param_name",
        )
    ):
        return None
    body = d.body_params[0]
    annotation = getattr(body.field_info, "annotation", None)
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return None
    if getattr(body.field_info, "embed", False) or body.alias != body.name:
        return None
    returns = inspect.signature(route.endpoint).return_annotation
    if returns not in (Response, "Response"):
        return None  # an endpoint rendering its own model goes through FastAPI's serializer
    name = d.dependencies[0].name
    if name is None:
        return None
    return DirectRoute(
        endpoint=route.endpoint,
        body_name=body.name,
        body_field=body,
        commander_name=name,
        path_fields=tuple((f.name, f) for f in d.path_params),
    )


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


def _media_is_json(value: bytes | None) -> bool:
    """``application/json`` (parameters allowed): what FastAPI reads as JSON without doubt."""
    if value is None:
        return False
    media = value.split(b";", 1)[0].strip().lower()
    return media == b"application/json"


class _Fallback(Exception):
    """The request goes the long way (FastAPI answers it)."""


class FastLane:
    """The application's routes under ``prefix`` in FastAPI's order; calls the direct ones."""

    def __init__(self, routes: Sequence[APIRoute], prefix: str) -> None:
        self.candidates: list[Candidate] = []
        for route in routes:
            regex, _, convertors = compile_path(prefix + route.path)
            self.candidates.append(Candidate(route, regex, convertors, direct_route(route)))
        self.prefix = prefix
        self._groups: dict[tuple[str, ...], list[Candidate]] = {}
        self._matches: dict[tuple[str, str], tuple[Candidate, dict[str, Any]] | None] = {}
        """(method, path) -> the match: a client posts to the same paths again and again."""
        self.direct_answers = 0
        """Requests the lane answered (for the tests and the benchmark)."""
        self.enabled = True

    @property
    def direct_routes(self) -> list[APIRoute]:
        return [c.route for c in self.candidates if c.direct is not None]

    def _group(self, path: str) -> list[Candidate]:
        key = tuple(_segments(path)[:DEPTH])
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) > 4096:  # paths made up by clients must not grow it for ever
                self._groups.clear()
            group = [
                c for c in self.candidates if _may_match(c.route.path_format, self.prefix, key)
            ]
            self._groups[key] = group
        return group

    def match(self, method: str, path: str) -> tuple[Candidate, dict[str, Any]] | None:
        """The first route that matches ``method`` and ``path`` fully (FastAPI's choice)."""
        key = (method, path)
        if key in self._matches:
            found = self._matches[key]
            return None if found is None else (found[0], dict(found[1]))
        found = self._match(method, path)
        if len(self._matches) >= 4096:  # paths with ids made up by clients: bounded
            self._matches.clear()
        self._matches[key] = None if found is None else (found[0], dict(found[1]))
        return found

    def _match(self, method: str, path: str) -> tuple[Candidate, dict[str, Any]] | None:
        if not path.startswith(self.prefix):
            return None
        for c in self._group(path):
            m = c.regex.match(path)
            if m is None or method not in (c.route.methods or ()):
                continue
            params = {k: c.convertors[k].convert(v) for k, v in m.groupdict().items()}
            return c, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answer the request if it is for a direct route (None); otherwise the ``receive``
        that FastAPI is to read the request from (the body handed out again if read)."""
        call = await self.prepare(scope, receive, _read_body)
        if not isinstance(call, DirectCall):
            return call
        response = await self.invoke(call)
        self.direct_answers += 1
        await response(scope, call.receive, send)
        return None

    async def prepare(
        self, scope: Scope, receive: Receive, read: BodyReader
    ) -> DirectCall | Receive:
        """The call of a direct route, its body read with ``read`` and validated; or, for a
        request FastAPI is to answer, the ``receive`` to read it from."""
        if not self.enabled or scope["type"] != "http" or scope["method"] in SAFE:
            return receive
        found = self.match(scope["method"], scope["path"])
        if found is None:
            return receive
        cand, params = found
        direct = cand.direct
        if direct is None:
            return receive
        content_type = None
        for k, v in scope["headers"]:
            if k == b"content-type":
                content_type = v
                break
        if not _media_is_json(content_type):
            return receive
        try:
            kwargs = self._path_values(direct, params)
        except _Fallback:
            return receive
        body, replay = await read(receive)
        try:
            kwargs[direct.body_name] = self._body_value(direct, body)
        except _Fallback:
            return replay
        scope["route"] = cand.route
        scope["endpoint"] = cand.route.endpoint
        scope["path_params"] = params
        return DirectCall(cand, direct, kwargs, scope, replay)

    @staticmethod
    async def invoke(call: DirectCall) -> Response:
        """Run the command route: its commander (the login), then the endpoint."""
        direct = call.direct
        request = Request(call.scope, call.receive)
        kwargs = call.kwargs
        key = None
        for k, v in call.scope["headers"]:  # as Headers.get, without building them
            if k == b"idempotency-key":
                key = v.decode("latin-1")
                break
        kwargs[direct.commander_name] = await commander(request, key)
        response = await direct.endpoint(**kwargs)
        assert isinstance(response, Response)
        return response

    @staticmethod
    def _path_values(direct: DirectRoute, params: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in direct.path_fields:
            value, errors = field.validate(params.get(field.alias), loc=("path", field.alias))
            if errors:
                raise _Fallback
            out[name] = value
        return out

    @staticmethod
    def _body_value(direct: DirectRoute, body: bytes | None) -> Any:
        if not body:
            raise _Fallback
        try:
            data = orjson.loads(body)  # JSON it refuses goes the long way (json.loads there)
        except ValueError:
            raise _Fallback from None
        value, errors = direct.body_field.validate(data, loc=("body",))
        if errors:
            raise _Fallback
        return value


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole body (None when the client went away first), and a ``receive`` that hands
    out the same messages again, then reads on from the real one."""
    messages: list[Message] = []
    body: bytes | None = None
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        if not message.get("more_body", False):
            body = b"".join(m.get("body", b"") for m in messages)
            break

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return body, replay


def _may_match(fmt: str, prefix: str, key: tuple[str, ...]) -> bool:
    segs = _segments(prefix + fmt)
    for i, want in enumerate(key):
        if i >= len(segs):
            return False
        s = segs[i]
        if s.startswith("{") and s.endswith(":path}"):
            return True
        if not (s.startswith("{") or s == want):
            return False
    return len(key) == DEPTH or len(segs) == len(key)


ExceptionHandler = Callable[[Request, Exception], Any]


class FastLaneMiddleware:
    """The lane in the application's middleware, inside the request guard and the metrics
    (which see its requests as any other), in front of FastAPI's exception middleware and
    router. An exception from a command the lane runs goes to the application's handler for
    its class, as FastAPI's exception middleware would send it; one it has no handler for (a
    bug) goes up to the server error middleware, which answers 500."""

    def __init__(
        self, app: Callable[..., Any], lane: FastLane, handlers: dict[Any, ExceptionHandler]
    ) -> None:
        self.app = app
        self.lane = lane
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            rest = await self.lane(scope, receive, sending)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None or started:
                raise
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send)
            return
        if rest is not None:
            await self.app(scope, rest, send)

    def _handler(self, exc: Exception) -> ExceptionHandler | None:
        for cls in type(exc).__mro__:
            if cls is Exception:
                return None  # the server error middleware's (500), as in FastAPI
            handler = self.handlers.get(cls)
            if handler is not None:
                return handler
        return None
