"""The sequencer: the one writer of the market inside the server's event loop.

The engine is not thread-safe, so every command goes through one asyncio task that drains a
queue of jobs, runs each job's commands with ``engine.submit`` inside one ``engine.batch()`` per
drained batch (group commit: one durable commit for the batch, before any caller is answered),
and then resolves the callers' futures. GET handlers read ``market.state`` directly in the same
event loop, where nothing else changes it.

On a SQL journal the commit's write and fsync run in a worker thread (``commit_in``): while a
batch is being made durable the event loop goes on serving requests and applies the next
batches, which the writer then commits together. Callers are answered only once their batch is
durable; GET handlers may meanwhile see the commands of a batch being written (a few
milliseconds before it is acknowledged).

A job is a function of a :class:`Writer` (not just one command) so a use case can submit
several commands, check the state first, render its answer from the state right after its
commands, and stage rows in the API's own tables (idempotency answers, users) on the writer's
SQL connection, committed atomically with the journal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from openets.api.metrics import Metrics
from openets.audit.signer import Signer
from openets.bootstrap import Market
from openets.domain.messages import Command, Result
from openets.engine.core import Engine as MarketEngine
from openets.market import MarketState
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal

T = TypeVar("T")


class ServiceUnavailable(RuntimeError):
    """The batch could not be made durable (the engine stopped) or the sequencer is stopped.

    Its text is the public message: the cause (a driver's error) goes to the server log only."""


STOPPED = (
    "the market stopped: a write could not be made durable; it resumes from the journal "
    "when the server restarts"
)
"""What a client is told after a failed commit (never the driver's text)."""

log = logging.getLogger("openets.api.sequencer")


class SideDb:
    """The database of the API's own tables (users, idempotency).

    On a SQL journal it is the market database, and the writer's connection is the journal's,
    so rows staged by a job commit with the journal records. An in-memory market gets a
    throwaway SQLite file instead.
    """

    def __init__(self, market: Market) -> None:
        journal = market.engine.journal
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._own_conn: Connection | None = None
        if isinstance(journal, SqlJournal):
            self.engine: Engine = journal.engine
            self._journal: SqlJournal | None = journal
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="openets-api-")
            url = f"sqlite:///{Path(self._tmp.name) / 'api.db'}"
            self.engine = make_engine(url, synchronous="OFF")
            self._journal = None

    def connection(self) -> Connection:
        """The writer's connection (only the sequencer's task may use it)."""
        if self._journal is not None:
            # The journal's own connection, so that staged rows commit with its records.
            # (SqlJournal names it ``_c``; a public ``connection()`` is used when present.)
            get = getattr(self._journal, "connection", None) or self._journal._c
            conn: Connection = get()
            return conn
        if self._own_conn is None:
            self._own_conn = self.engine.connect()
        return self._own_conn

    def commit_own(self) -> None:
        """Commit the side connection when it is not the journal's (the journal commits its own)."""
        if self._own_conn is not None:
            self._own_conn.commit()

    def close(self) -> None:
        if self._own_conn is not None:
            self._own_conn.close()
            self._own_conn = None
        if self._tmp is not None:
            self.engine.dispose()
            self._tmp.cleanup()
            self._tmp = None


class Writer:
    """What a job sees while it runs in the writer."""

    __slots__ = ("_conn", "_side", "engine", "metrics")

    def __init__(self, engine: MarketEngine, side: SideDb, metrics: Metrics) -> None:
        self.engine = engine
        self.metrics = metrics
        self._side = side
        self._conn: Connection | None = None

    @property
    def state(self) -> MarketState:
        return self.engine.state

    @property
    def conn(self) -> Connection:
        """The side tables' connection, in the batch's transaction."""
        if self._conn is None:
            self._conn = self._side.connection()
        return self._conn

    def submit(self, cmd: Command, actor: str, *, now: datetime | None = None) -> Result:
        r = self.engine.submit(cmd, actor, now=now)
        self.metrics.command(r)
        return r


class _Job:
    __slots__ = ("fn", "future")

    def __init__(self, fn: Callable[[Writer], Any], future: asyncio.Future[Any]) -> None:
        self.fn = fn
        self.future = future


class Sequencer:
    def __init__(
        self, market: Market, side: SideDb, metrics: Metrics, *, max_batch: int = 512
    ) -> None:
        self.market = market
        self.side = side
        self.metrics = metrics
        self.max_batch = max_batch
        self._queue: asyncio.Queue[_Job] | None = None
        self._task: asyncio.Task[None] | None = None
        self._committer: ThreadPoolExecutor | None = None
        self._answers: set[asyncio.Task[None]] = set()
        self._failed: str | None = None
        self.signer: Signer | None = None
        """Signs checkpoints of the journal at the end of a batch when due (``--signing-key``)."""

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Start the writer task in the running event loop."""
        self._queue = asyncio.Queue()
        journal = self.market.engine.journal
        if isinstance(journal, SqlJournal):
            self._committer = ThreadPoolExecutor(1, thread_name_prefix="openets-commit")
            journal.commit_in(self._committer)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="sequencer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._answers:
            await asyncio.gather(*self._answers, return_exceptions=True)
        if self._committer is not None:
            journal = self.market.engine.journal
            if isinstance(journal, SqlJournal):
                with contextlib.suppress(Exception):
                    journal.commit_in(None)
            self._committer.shutdown(wait=True)
            self._committer = None
        if self._queue is not None:
            while not self._queue.empty():
                job = self._queue.get_nowait()
                if not job.future.done():
                    job.future.set_exception(ServiceUnavailable("the server is stopping"))

    @property
    def failed(self) -> bool:
        """A commit failed: the in-memory state may be ahead of the journal (fail-stop)."""
        return self._failed is not None or bool(self.market.engine.halted)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and self._failed is None

    # --- submitting -----------------------------------------------------------------------
    async def run(self, fn: Callable[[Writer], T]) -> T:
        """Run ``fn`` in the writer; answered once its batch is durable."""
        if self._queue is None or not self.running:
            raise ServiceUnavailable("the sequencer is not running")
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(fn, fut))
        return await fut

    async def submit(self, cmd: Command, actor: str) -> Result:
        """Submit one command as ``actor``; the events or the rejection."""
        return await self.run(lambda w: w.submit(cmd, actor))

    # --- the writer -----------------------------------------------------------------------
    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        engine = self.market.engine
        while True:
            jobs = [await queue.get()]
            while len(jobs) < self.max_batch and not queue.empty():
                jobs.append(queue.get_nowait())
            self._run_batch(engine, jobs)

    def _run_batch(self, engine: MarketEngine, jobs: list[_Job]) -> None:
        """Apply the batch; answer once it is durable (now, or when its write is done)."""
        writer = Writer(engine, self.side, self.metrics)
        outcomes: list[tuple[bool, Any]] = []
        try:
            with engine.batch():
                for job in jobs:
                    try:
                        outcomes.append((True, job.fn(writer)))
                    except Exception as exc:  # a bug in one job must not stop the others
                        outcomes.append((False, exc))
                if self.signer is not None and not engine.halted:
                    self.signer.maybe_sign(engine)
            if engine.halted:
                log.error("engine halted: %s", engine.halted)
                raise ServiceUnavailable(STOPPED)
            self.side.commit_own()
        except Exception as exc:
            self._fail(jobs, exc)
            return
        journal = engine.journal
        write = journal.pending() if isinstance(journal, SqlJournal) else None
        if write is None:
            self._answer(jobs, outcomes)
            return
        task = asyncio.get_running_loop().create_task(self._answer_when(write, jobs, outcomes))
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    async def _answer_when(
        self, write: Future[None], jobs: list[_Job], outcomes: list[tuple[bool, Any]]
    ) -> None:
        try:
            await asyncio.wrap_future(write)
        except Exception as exc:
            self._failed = f"journal write failed: {exc!r}"  # the journal refuses the rest
            self._fail(jobs, exc)
            return
        self._answer(jobs, outcomes)

    @staticmethod
    def _fail(jobs: list[_Job], exc: BaseException) -> None:
        if isinstance(exc, ServiceUnavailable):
            failure = exc
        else:
            log.error("the batch could not be made durable: %r", exc)
            failure = ServiceUnavailable(STOPPED)
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(failure)

    def _answer(self, jobs: list[_Job], outcomes: list[tuple[bool, Any]]) -> None:
        self.metrics.batch(len(jobs))
        for job, (ok, value) in zip(jobs, outcomes, strict=True):
            if job.future.done():  # the caller went away
                continue
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)
