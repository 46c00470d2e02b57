"""The application's front door: a command for a direct route of the fast lane is answered here,
before Starlette's middleware stack, with what that stack would do to it on the way.

The stack costs a command request a dozen nested ASGI calls and wrapped ``send`` functions
(FastAPI's outer layers, the request guard, the metrics, the lane's own middleware, Starlette's
``Response`` call). :class:`FrontDoor` does their work in one place, in their order:

- the request guard's bounded, timed body read (:meth:`RequestGuard.read_stated`, the length
  checked here already); a refused body gets the guard's answer;
- the fast lane's route choice and validation (:meth:`FastLane.prepare`), the login and the
  endpoint (:meth:`FastLane.invoke`); an error goes to the application's handler for its class;
- the answer's headers as the guard adds them, sent in two messages (start, body);
- the request timed into the metrics under its route template;
- a bug (an exception without a handler) answered by the application's handler for
  ``Exception``, which logs it, as Starlette's server error middleware has it answered; the
  exception is not raised on to the server, which would close the connection after the whole
  answer (a client reusing it would see its next request reset).

A request it does not take (no ``Content-Length``, a chunked or an over-long body, a body the
lane does not validate, any other route) goes through the stack as before, which answers it
exactly as it always did.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from openets.api.fastlane import SAFE, DirectCall, FastLane
from openets.api.guard import Refused, RequestGuard, guarded_headers, replaying, with_headers
from openets.api.metrics import Metrics

Handler = Callable[[Request, Exception], Awaitable[Response]]


async def _never(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("the front door's guard only reads bodies")


class FrontDoor:
    def __init__(
        self,
        lane: FastLane,
        metrics: Metrics,
        prefixes: dict[int, str],
        handlers: dict[Any, Any],
        *,
        max_body_bytes: int,
        body_timeout_seconds: float,
    ) -> None:
        self.lane = lane
        self.metrics = metrics
        self.prefixes = prefixes
        self.handlers = handlers
        self.guard = RequestGuard(
            _never, max_body_bytes=max_body_bytes, body_timeout_seconds=body_timeout_seconds
        )
        self.max_body = max_body_bytes

    def _takes(self, scope: Scope) -> bool:
        """A request with a body of a stated length within the limit, not chunked."""
        length: bytes | None = None
        for k, v in scope["headers"]:
            if k == b"content-length":
                length = v
            elif k == b"transfer-encoding":
                return False
        if length is None or not length.isdigit():
            return False
        return 0 < int(length) <= self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answer the request (None), or the ``receive`` the stack is to read it from."""
        lane = self.lane
        if not lane.enabled or scope["method"] in SAFE or not self._takes(scope):
            return receive
        start = time.perf_counter()
        guard = self.guard

        async def read(recv: Receive) -> tuple[bytes | None, Receive]:
            body = await guard.read_stated(recv, True)  # the lane took only application/json
            return body, replaying(body, recv)

        try:
            call = await lane.prepare(scope, receive, read)
        except Refused as r:
            await guard.refuse(r, receive, with_headers(send, True))
            return None
        if not isinstance(call, DirectCall):
            return call
        status = 500
        started = False
        try:
            try:
                response = await lane.invoke(call)
                lane.direct_answers += 1
            except Exception as exc:
                handler = self._handler(exc)
                if handler is None:
                    raise
                response = await handler(Request(scope, call.receive), exc)
            status = response.status_code
            started = True
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": guarded_headers(response.raw_headers, True),
                }
            )
            await send({"type": "http.response.body", "body": response.body})
        except Exception as exc:
            if started or not await self._bug(scope, call, send, exc):
                raise  # the server closes the connection
        finally:
            route = call.candidate.route
            path = self.prefixes.get(id(route), "") + route.path
            self.metrics.request(scope["method"], path, status, time.perf_counter() - start)
        return None

    def _handler(self, exc: Exception) -> Handler | None:
        for cls in type(exc).__mro__:
            if cls is Exception:
                return None  # a bug: the server error middleware's
            handler = self.handlers.get(cls)
            if handler is not None:
                return handler  # type: ignore[no-any-return]
        return None

    async def _bug(self, scope: Scope, call: DirectCall, send: Send, exc: Exception) -> bool:
        """A bug answered by the application's handler for ``Exception`` (it logs the error
        with the request id it answers): whether it answered. The connection stays open for
        the client's next request (the answer is whole)."""
        handler = self.handlers.get(Exception) or self.handlers.get(500)
        if handler is None:
            return False
        response = await handler(Request(scope, call.receive), exc)
        await response(scope, call.receive, send)
        return True


class Api(FastAPI):
    """FastAPI with the front door (set by ``create_app``) in front of its middleware stack."""

    front: FrontDoor | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        front = self.front
        if front is not None and scope["type"] == "http":
            scope["app"] = self  # as Starlette sets it: the login reads the services from it
            if self.root_path:
                scope["root_path"] = self.root_path
            rest = await front(scope, receive, send)
            if rest is None:
                return
            receive = rest
        await super().__call__(scope, receive, send)
