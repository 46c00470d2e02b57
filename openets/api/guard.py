"""The first thing a request meets: a bounded body read within a time limit, and headers that
keep API answers out of caches and content sniffing.

- A body larger than ``max_body_bytes`` (1 MiB by default) is answered 413 ``BODY_TOO_LARGE``:
  at once when ``Content-Length`` says so, before a byte of it is kept; otherwise as soon as
  the bytes received pass the limit. Memory per request is bounded by the limit. Before the
  answer, up to ``DRAIN_BYTES`` more of the body are read and dropped (for at most
  ``DRAIN_SECONDS``, stopping when the client pauses): a connection closed on unread bytes
  is reset, and the client would see a broken connection instead of the 413 naming the limit.
- A client that sends its body slower than ``body_timeout_seconds`` between chunks (or takes
  longer than four times that in all) is answered 408 ``REQUEST_TIMEOUT`` and disconnected.
  A body that is there already when it is read (a small body arrives with its headers) is
  taken without arming the timer (:func:`receive_within`).
- A JSON body must be UTF-8: a byte-order mark or a NUL in its first bytes (UTF-16, UTF-32)
  is refused with 422 naming ``body``.
- Every answer under ``/api/`` carries ``Cache-Control: no-store``; every answer carries
  ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable, MutableMapping
from typing import Any

from openets.api.errors import error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MIB = 1024 * 1024
DRAIN_BYTES = 16 * MIB
DRAIN_SECONDS = 2.0
DRAIN_IDLE_SECONDS = 0.25
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class Refused(Exception):
    """A body the guard does not take: the status, code and message of its answer."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class _Resumed:
    """Awaits the rest of a coroutine that has run to its first suspension already: hands the
    task what the coroutine waits on, and the task's answers (values, a cancellation) back."""

    __slots__ = ("coro", "first")

    def __init__(self, coro: Coroutine[Any, Any, Message], first: Any) -> None:
        self.coro, self.first = coro, first

    def __await__(self) -> Generator[Any, Any, Message]:
        coro, waiting = self.coro, self.first
        while True:
            try:
                value = yield waiting
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # a cancellation (the timer's) goes on into it
                try:
                    waiting = coro.throw(exc)
                except StopIteration as done:
                    return done.value  # type: ignore[no-any-return]
                continue
            try:
                waiting = coro.send(value)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]


async def receive_within(receive: Receive, seconds: float) -> Message:
    """``receive()``'s message within ``seconds`` (``TimeoutError`` otherwise). A message
    that is there already (``receive`` answers without waiting) costs no timer: the timer is
    armed only once the read has to wait, from that moment."""
    coro = receive()
    if not isinstance(coro, Coroutine):
        async with asyncio.timeout(seconds):
            return await coro
    try:
        first = coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    async with asyncio.timeout(seconds):
        return await _Resumed(coro, first)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for k, v in scope.get("headers") or ():
        if k.lower() == name:
            return bytes(v)
    return None


def with_headers(send: Send, api: bool) -> Send:
    """``send`` adding ``X-Content-Type-Options: nosniff`` to the answer, and (``api``)
    ``Cache-Control: no-store``, unless the answer has them."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = guarded_headers(message.get("headers") or [], api)
        await send(message)

    return send_with_headers


def guarded_headers(headers: Iterable[tuple[bytes, bytes]], api: bool) -> list[tuple[bytes, bytes]]:
    """A copy of an answer's headers with the guard's two added where missing."""
    out = list(headers)
    names = {bytes(k).lower() for k, _ in out}
    if b"x-content-type-options" not in names:
        out.append((b"x-content-type-options", b"nosniff"))
    if api and b"cache-control" not in names:
        out.append((b"cache-control", b"no-store"))
    return out


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands out ``body`` (read already) once, then reads on."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _drain(receive: Receive) -> None:
    """Read and drop what is left of a refused body, within ``DRAIN_BYTES``/``DRAIN_SECONDS``."""
    dropped = 0
    deadline = time.monotonic() + DRAIN_SECONDS
    while dropped < DRAIN_BYTES:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            message = await asyncio.wait_for(receive(), min(left, DRAIN_IDLE_SECONDS))
        except TimeoutError:
            return
        if message["type"] != "http.request":
            return
        dropped += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class RequestGuard:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int = MIB, body_timeout_seconds: float = 10.0
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.timeout = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send_with_headers = with_headers(send, str(scope.get("path", "")).startswith("/api/"))
        try:
            body = await self.read_body(scope, receive)
        except Refused as r:
            await self.refuse(r, receive, send_with_headers)
            return
        if body is None:
            await self.app(scope, receive, send_with_headers)
            return
        await self.app(scope, replaying(body, receive), send_with_headers)

    async def refuse(self, r: Refused, receive: Receive, send: Send) -> None:
        """Answer a refused body (a 413 after draining what the client still sends)."""
        if r.status == 413:
            await _drain(receive)
        await self._refuse(r, send)

    async def read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or ``None`` for a request that has none (GET, HEAD, no length)."""
        length = _header(scope, b"content-length")
        chunked = b"chunked" in (_header(scope, b"transfer-encoding") or b"").lower()
        if length is None and not chunked:
            return None
        if length is not None:
            try:
                n = int(length)
            except ValueError:
                raise Refused(400, "INVALID_FIELD", "Content-Length is not a number") from None
            if n > self.max_body:
                raise self._too_large()
            if n == 0:
                return None
        json = b"json" in (_header(scope, b"content-type") or b"").lower()
        return await self.read_stated(receive, json)

    async def read_stated(self, receive: Receive, json: bool) -> bytes:
        """The whole body of a request whose headers announce one within the limit; a JSON
        body (``json``) must be UTF-8."""
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + 4 * self.timeout
        while True:
            left = min(self.timeout, deadline - time.monotonic())
            try:
                # a deadline on this task (no task of its own per read, as wait_for makes)
                message = await receive_within(receive, max(left, 0.001))
            except TimeoutError:
                raise Refused(
                    408,
                    "REQUEST_TIMEOUT",
                    f"the request body did not arrive within {self.timeout:g} seconds",
                ) from None
            if message["type"] == "http.disconnect":
                raise Refused(400, "INVALID_FIELD", "the client went away", "body")
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self.max_body:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if json and body and (body.startswith(_BOMS) or b"\x00" in body[:4]):
            raise Refused(
                422,
                "INVALID_FIELD",
                "the JSON body must be UTF-8 (without a byte-order mark)",
                "body",
            )
        return body

    def _too_large(self) -> Refused:
        return Refused(
            413,
            "BODY_TOO_LARGE",
            f"the request body may have at most {self.max_body} bytes",
            "body",
        )

    @staticmethod
    async def _refuse(r: Refused, send: Send) -> None:
        body = error_body(r.code, r.message, r.field)
        await send(
            {
                "type": "http.response.start",
                "status": r.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})
