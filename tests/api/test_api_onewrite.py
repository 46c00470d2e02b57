"""The server's HTTP protocol (openets.api.onewrite) writes an answer's head and body in one
write, and holds nothing back that a client waits for."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from openets.api.onewrite import protocol

BODY = b'{"ok":true}'


class Transport:
    """What the protocol writes, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def get_extra_info(self, name: str) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 40000)}.get(name)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def answer(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def _serve(app: Any, request: bytes, until: Any = None) -> Transport:
    async def run() -> Transport:
        cls = protocol()
        assert not isinstance(cls, str)  # httptools is installed: the one-write protocol
        proto: Any = cls(  # type: ignore[call-arg]
            Config(app=app, lifespan="off", log_level="warning"), ServerState(), {}
        )
        transport = Transport()
        proto.connection_made(transport)
        proto.data_received(request)
        for _ in range(20):
            await asyncio.sleep(0)
        if until is not None:
            await until(transport)
        proto.connection_lost(None)
        return transport

    return asyncio.run(run())


POST = (
    b"POST /api/v1/x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
    b"Content-Length: 2\r\n\r\n{}"
)


def test_an_answer_leaves_in_one_write() -> None:
    t = _serve(answer, POST)
    assert len(t.writes) == 1
    assert t.writes[0].startswith(b"HTTP/1.1 201 Created\r\n")
    assert t.writes[0].endswith(b"\r\n\r\n" + BODY)


def test_the_answer_to_a_head_request_is_written() -> None:
    t = _serve(answer, b"HEAD /api/v1/x HTTP/1.1\r\nHost: t\r\n\r\n")
    assert len(t.writes) == 1
    assert t.writes[0].startswith(b"HTTP/1.1 201 Created\r\n")
    assert t.writes[0].endswith(b"\r\n\r\n")


def test_a_streamed_answer_sends_its_head_before_its_body() -> None:
    later = asyncio.Event()

    async def stream(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await later.wait()
        await send({"type": "http.response.body", "body": b"late"})

    async def check(t: Transport) -> None:
        assert len(t.writes) == 1  # the head, while the body waits
        assert b"transfer-encoding: chunked" in t.writes[0]
        later.set()
        for _ in range(20):
            await asyncio.sleep(0)
        assert b"late" in b"".join(t.writes[1:])

    _serve(stream, b"GET /api/v1/x HTTP/1.1\r\nHost: t\r\n\r\n", check)
