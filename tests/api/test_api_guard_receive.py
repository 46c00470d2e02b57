"""The guard's timed read of one body message (``receive_within``): a message that is there
already is taken without a timer; one that has to be waited for is waited for at most the
time limit, and the wait is cancelled when the limit passes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from openets.api import guard
from openets.api.guard import Message, receive_within

BODY: Message = {"type": "http.request", "body": b"{}", "more_body": False}


def _counting_timers(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    armed: list[float] = []
    real = asyncio.timeout

    @asynccontextmanager
    async def timeout(seconds: float) -> AsyncIterator[Any]:
        armed.append(seconds)
        async with real(seconds) as t:
            yield t

    monkeypatch.setattr(guard.asyncio, "timeout", timeout)
    return armed


def test_a_body_already_received_is_read_without_a_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    armed = _counting_timers(monkeypatch)
    ready = asyncio.Event()

    async def receive() -> Message:
        await ready.wait()  # set already: returns without suspending, as the server's does
        return BODY

    async def main() -> Message:
        ready.set()
        return await receive_within(receive, 5.0)

    assert asyncio.run(main()) is BODY
    assert armed == []


def test_a_body_that_arrives_while_waited_for_is_read_within_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    armed = _counting_timers(monkeypatch)

    async def main() -> Message:
        ready = asyncio.Event()

        async def receive() -> Message:
            await ready.wait()
            return BODY

        asyncio.get_running_loop().call_later(0.02, ready.set)
        return await receive_within(receive, 5.0)

    assert asyncio.run(main()) is BODY
    assert armed == [5.0]


def test_a_body_that_does_not_arrive_in_time_is_a_timeout_and_its_wait_is_cancelled() -> None:
    cancelled: list[bool] = []

    async def main() -> None:
        async def receive() -> Message:
            try:
                await asyncio.Event().wait()  # never set
            except asyncio.CancelledError:
                cancelled.append(True)
                raise
            return BODY

        with pytest.raises(TimeoutError):
            await receive_within(receive, 0.05)
        assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]

    asyncio.run(main())
    assert cancelled == [True]


def test_a_task_cancelled_while_its_body_is_awaited_is_cancelled() -> None:
    async def main() -> None:
        async def receive() -> Message:
            await asyncio.Event().wait()
            return BODY

        task = asyncio.create_task(receive_within(receive, 5.0))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
