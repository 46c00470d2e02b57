"""uvicorn's httptools protocol writing each answer's head and body in one write.

uvicorn writes an answer's status line and headers when the application sends
``http.response.start``, and its body with ``http.response.body``: two writes, two TCP
segments on the wire, and two wake-ups of the client, for an answer of a few hundred bytes.
:class:`OneWriteProtocol` holds the head back until the body's first write and sends them
together. Everything else is uvicorn's own: the head held is the bytes uvicorn made, a
``100 Continue`` (written before the answer starts) goes out at once, and an answer that never
sends its body is closed as uvicorn closes it. An answer without a length (chunked, streamed)
is not held: its head goes out at once; nor is the head of an answer whose body uvicorn does not
write (to a HEAD request).

``protocol()`` is what ``openets serve`` and the test server give uvicorn: this class where
uvicorn's httptools protocol has the hook it needs, else uvicorn's own choice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]


class _HeldHead:
    """The cycle's transport while its answer's head waits for the body."""

    __slots__ = ("cycle", "head", "transport")

    def __init__(self, cycle: Any, transport: asyncio.Transport) -> None:
        self.cycle = cycle
        self.transport = transport
        self.head: bytes | None = None

    def write(self, data: bytes) -> None:
        if self.head is None:
            self.head = data  # the status line and headers
            return
        self.cycle.transport = self.transport  # later writes go straight out
        self.transport.write(self.head + data)

    def release(self) -> None:
        """Write the head now (an answer streamed without a length: its body may wait)."""
        self.cycle.transport = self.transport
        if self.head is not None:
            self.transport.write(self.head)

    def __getattr__(self, name: str) -> Any:  # close(), is_closing(), ...
        return getattr(self.transport, name)


def _holding_send(cycle: Any) -> Callable[[Message], Awaitable[None]]:
    send = cycle.send

    async def send_held(message: Message) -> None:
        if message["type"] == "http.response.start" and not cycle.response_started:
            held = cycle.transport = _HeldHead(cycle, cycle.transport)
            try:
                await send(message)
            except BaseException:
                held.release()
                raise
            if cycle.chunked_encoding:
                held.release()  # streamed: the body may be slow to come
            return
        try:
            await send(message)
        finally:
            held = cycle.transport
            if isinstance(held, _HeldHead) and not message.get("more_body", False):
                held.release()  # the answer is complete without a body write (HEAD)

    return send_held


def protocol() -> type[asyncio.Protocol] | str:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # no httptools: uvicorn's h11 protocol
        return "auto"
    if not hasattr(HttpToolsProtocol, "_start_asgi_task"):
        return "auto"  # another uvicorn: its own protocol

    class OneWriteProtocol(HttpToolsProtocol):
        def _start_asgi_task(self, cycle: Any, app: Any) -> None:
            cycle.send = _holding_send(cycle)  # the application is handed cycle.send
            super()._start_asgi_task(cycle, app)

    return OneWriteProtocol
