"""The engine: one writer applies commands in order.

The flow of one command::

    submit(cmd, actor)
      -> handler(state, cmd, ctx)      pure: validate and decide; events or a Rejection
      -> journal.append(records)       hash-chained
      -> apply(events)                 in-memory state
      -> journal.commit()              durable before the caller is answered
      -> publish(events)               subscribers: read models, feeds

A rejection changes nothing: not the state, not the id counters, not the journal. A handler
that raises (a bug) changes nothing either: the command is logged and :class:`CommandFailed`
raised, so the API answers 500 with a request id, never a rejection. If the
journal cannot commit, the in-memory state is ahead of the durable one and the engine stops
(fail-stop); a restart replays the journal.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any

import msgspec
import orjson

from openets.domain.clock import Clock, from_utc_micros, to_utc_micros
from openets.domain.messages import EVENT_TYPES, Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.engine import codec, replay
from openets.engine import snapshot as snapshots
from openets.engine.chain import link
from openets.engine.journal import GENESIS, Journal, Record, Snapshot
from openets.market import Applier, Handler, MarketState

log = logging.getLogger("openets.engine")
_ids_json = msgspec.json.Encoder(order="sorted").encode
"""A command's moved id counters as the journal keeps them: compact JSON, keys sorted (the same
bytes as orjson's OPT_SORT_KEYS, which wrote them first, at a fraction of its cost on the
order path: +6 % on PlaceOrder through Engine.submit, docs/benchmarks.md)."""
Subscriber = Callable[[Sequence[Record], Sequence[Event]], None]
isenabled = gc.isenabled


def bind_applier(applier: Applier, m: MarketState) -> Callable[[Any], None]:
    """The applier with its state part resolved once (replay applies millions of events)."""
    bind = getattr(applier, "bind", None)
    if bind is not None:
        bound: Callable[[Any], None] = bind(m)
        return bound
    return partial(applier, m)


def replay_step(
    type_name: str, appliers: dict[type, Applier], st: MarketState
) -> tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any], None]]:
    """One event type's payload decoders (fast, fallback) and its applier bound to ``st``."""
    fast, slow = codec.payload_decoders(type_name)
    return fast, slow, bind_applier(appliers[EVENT_TYPES[type_name]], st)


class _BoundAppliers(dict[type, Callable[[Any], None]]):
    """Each event type's applier bound to one state, bound on first use."""

    def __init__(self, appliers: dict[type, Applier], st: MarketState) -> None:
        super().__init__()
        self.appliers = appliers
        self.st = st

    def __missing__(self, key: type) -> Callable[[Any], None]:
        bound = self[key] = bind_applier(self.appliers[key], self.st)
        return bound


class CommandFailed(RuntimeError):
    """A handler raised: the command changed nothing and was logged; the caller sees a server
    error (never a rejection, which would blame the caller for a bug)."""

    def __init__(self, cmd: Command, actor: str, cause: Exception) -> None:
        super().__init__(f"{type(cmd).__name__} failed: {type(cause).__name__}: {cause}")
        self.command = cmd
        self.actor = actor
        self.cause = cause


class EngineHalted(RuntimeError):
    """The journal failed after state changed: the process must restart and replay."""


class Engine:
    def __init__(
        self,
        journal: Journal,
        clock: Clock,
        handlers: Mapping[type[Command], Handler[Command]],
        appliers: dict[type, Applier],
        *,
        state: MarketState | None = None,
        state_factory: Callable[[], MarketState] = MarketState,
    ) -> None:
        self.journal = journal
        self.clock = clock
        self.handlers = handlers
        self.appliers = appliers
        self.state = state if state is not None else state_factory()
        self._state_factory = state_factory
        self.subscribers: list[Subscriber] = []
        self._halted: str | None = None
        self._batch = 0
        self._last_when: datetime | None = None
        self._last_ts = 0
        self._bound: tuple[object, object, dict[type, Callable[[Any], None]]] = (None, None, {})

    # --- commands -------------------------------------------------------------------------
    def submit(self, cmd: Command, actor: str = "system", *, now: datetime | None = None) -> Result:
        """Apply one command and make it durable before returning."""
        if isenabled():  # _handle, inline: the collector paused while the command runs
            gc.disable()
            try:
                result = self._handle_one(cmd, actor, now)
            finally:
                gc.enable()
        else:
            result = self._handle_one(cmd, actor, now)
        if self._batch == 0 and not isinstance(result, Rejection) and result:
            self._commit()
        return result

    def submit_many(self, cmds: Iterable[tuple[Command, str]]) -> list[Result]:
        """Group commit: apply many commands, then make them durable with one commit."""
        with self.batch():
            return [self._handle(cmd, actor, None) for cmd, actor in cmds]

    def batch(self) -> _Batch:
        """``with engine.batch(): ...`` commits once at the end (group commit)."""
        return _Batch(self)

    def _handle(self, cmd: Command, actor: str, now: datetime | None) -> Result:
        """One command, with the cyclic garbage collector paused while it runs.

        A command allocates its events, their records and the state they add, and frees little:
        the collector, left running, would stop in the middle of a large command (a settlement
        batch of 20,000 trades) again and again to walk the whole state. Paused, it runs at
        most once after the command (reference counting frees garbage at once meanwhile).
        """
        if not isenabled():
            return self._handle_one(cmd, actor, now)
        gc.disable()
        try:
            return self._handle_one(cmd, actor, now)
        finally:
            gc.enable()

    def _handle_one(self, cmd: Command, actor: str, now: datetime | None) -> Result:
        if self._halted:
            raise EngineHalted(self._halted)
        handler = self.handlers.get(type(cmd))
        if handler is None:
            return Rejection(Code.INVALID_FIELD, f"unknown command {type(cmd).__name__}", None)
        when = now or self.clock.now()
        st = self.state
        ids = st.ids
        ids.begin()
        try:
            result = handler(st, cmd, Ctx(when, actor, ids))
            if isinstance(result, Rejection) or not result:
                ids.undo()
                return result
            # Encode every event before applying any: a command applies whole or not at all.
            payloads = codec.encode_all(result)
        except Exception as exc:  # a bug, not the caller's mistake: halt the command, log it
            ids.undo()
            log.exception("command %s by %s failed: %r", type(cmd).__name__, actor, cmd)
            raise CommandFailed(cmd, actor, exc) from exc
        if when is self._last_when:
            ts = self._last_ts
        else:
            ts = self._last_ts = to_utc_micros(when)
            self._last_when = when
        self._append(result, actor, ts, ids.moved(), payloads)
        return result

    def _bound_appliers(self, st: MarketState) -> dict[type, Callable[[Any], None]]:
        """The appliers bound to ``st`` (rebuilt when the state or the table is replaced)."""
        if self._bound[0] is not st or self._bound[1] is not self.appliers:
            self._bound = (st, self.appliers, _BoundAppliers(self.appliers, st))
        return self._bound[2]

    def _append(
        self,
        events: Sequence[Event],
        actor: str,
        ts: int,
        ids: dict[str, int],
        payloads: Sequence[bytes] | None = None,
    ) -> None:
        st = self.state
        seq, prev = st.last_seq, st.last_hash
        cmd_seq = st.last_cmd_seq + 1
        records: list[Record] = []
        append = records.append
        idb = _ids_json(ids) if ids else b""
        apply = self._bound_appliers(st)
        encode = codec.encode
        new = tuple.__new__
        head = f"|{cmd_seq}|{ts}|{actor}|".encode()
        for i, ev in enumerate(events):
            seq += 1
            payload = payloads[i] if payloads is not None else encode(ev)
            name = ev.journal_name
            h = link(prev, seq, head, name, payload, idb)  # record_hash (openets.engine.chain)
            append(new(Record, (seq, cmd_seq, ts, actor, name, payload, idb, prev, h)))
            prev = h
            idb = b""
            apply[type(ev)](ev)
        st.last_seq, st.last_cmd_seq, st.last_hash, st.last_ts = seq, cmd_seq, prev, ts
        try:
            self.journal.append(records)
        except Exception as exc:  # the state is ahead of the journal: stop
            self._halted = f"journal append failed: {exc!r}"
            raise EngineHalted(self._halted) from exc
        for sub in self.subscribers:
            sub(records, events)

    @contextlib.contextmanager
    def commits_behind(self) -> Iterator[None]:
        """Within: each command's commit is written and made durable by a worker thread while
        the next command is prepared (a journal on a database server, whose work then runs on
        another core; outside a batch; not already committing in the background); on leaving,
        everything is durable, or the engine halts with the write's failure. For a run of
        large commands whose callers are answered at its end (the end of day's settlement
        batches). On SQLite the commits stay in the caller: its writes would compete with the
        next command for this process, and a crash stops between two batches as before."""
        j = self.journal
        commit_in = getattr(j, "commit_in", None)
        if (
            commit_in is None
            or self._batch
            or not getattr(j, "on_server", False)
            or getattr(j, "in_background", True)
        ):
            yield
            return
        with ThreadPoolExecutor(1, thread_name_prefix="openets-commit") as writer:
            commit_in(writer)
            try:
                yield
            finally:
                try:
                    commit_in(None)  # waits for the writer; raises its failure
                except Exception as exc:
                    self._halted = self._halted or f"journal commit failed: {exc!r}"
                    raise EngineHalted(self._halted) from exc

    def _commit(self) -> None:
        try:
            self.journal.commit()
        except Exception as exc:
            self._halted = f"journal commit failed: {exc!r}"
            raise EngineHalted(self._halted) from exc

    # --- recovery -------------------------------------------------------------------------
    def recover(self, *, use_snapshot: bool = True) -> int:
        """Rebuild the state from the last snapshot and the journal. Returns events replayed."""
        snap = self.journal.latest_snapshot() if use_snapshot else None
        if snap is not None and not snapshots.readable(snap.blob):
            log.warning("snapshot at seq %d is of an older format: replaying the journal", snap.seq)
            snap = None
        if snap is not None:
            # The blob's digest is checked before the state is built, the state's hash after.
            # A context added since the snapshot was taken starts empty: it had no events then.
            self.state = snapshots.load(snap.blob, self._state_factory)
            if self.state.state_hash() != snap.state_hash:
                raise RuntimeError(f"snapshot at seq {snap.seq} does not match its state hash")
        else:
            self.state = self._state_factory()
        chunks = getattr(self.journal, "read_chunks_for_replay", None)
        if chunks is not None:  # many records a step (openets.engine.replay)
            return replay.replay_chunks(self.appliers, self.state, chunks(self.state.last_seq))
        light = getattr(self.journal, "read_for_replay", None)
        if light is None:
            return self.replay_into(self.state, self.journal.read(self.state.last_seq))
        # Replay needs neither the actors nor the hashes of the records it applies, only the
        # last hash to chain on from: a lighter read (``openets verify`` checks the chain).
        n = self.replay_into(self.state, light(self.state.last_seq))
        if n:
            self.state.last_hash = self.journal.last()[2]
        return n

    def replay_into(self, st: MarketState, records: Iterable[Sequence[Any]]) -> int:
        """Apply ``records`` (Records, or row tuples of the same columns) to ``st``.

        Within :func:`replay.replaying`: the cyclic garbage collector paused, the id counters
        observed once at the end.
        """
        appliers = self.appliers
        loads = orjson.loads
        by_type: dict[
            str, tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any], None]]
        ] = {}
        get = by_type.get
        invalid = msgspec.ValidationError
        n = 0
        last: Sequence[Any] | None = None
        with replay.replaying(st) as moved:
            update = moved.update
            # Records are read by position (a Record or a plain row tuple of the same columns).
            for r in records:
                if r[6]:
                    update(loads(r[6]))
                step = get(r[4])
                if step is None:
                    step = by_type[r[4]] = replay_step(r[4], appliers, st)
                # Decoded and applied here rather than in a function per type: a call less
                # per event. The fast decoder refuses what the fallback reads (codec).
                try:
                    ev = step[0](r[5])
                except invalid:
                    ev = step[1](r[5])
                step[2](ev)
                last = r
                n += 1
        if last is not None:
            st.last_seq, st.last_cmd_seq, st.last_ts, st.last_hash = (
                last[0],
                last[1],
                last[2],
                last[8],
            )
        return n

    def snapshot(self) -> Snapshot:
        """Save the state so that replay need not start from zero."""
        st = self.state
        snap = Snapshot(st.last_seq, st.state_hash(), snapshots.dump(st, self._state_factory))
        self.journal.save_snapshot(snap)
        self.journal.commit()
        return snap

    @property
    def last_time(self) -> datetime | None:
        return from_utc_micros(self.state.last_ts) if self.state.last_ts else None

    @property
    def halted(self) -> str | None:
        return self._halted


class _Batch:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Engine:
        self.engine._batch += 1
        return self.engine

    def __exit__(self, *exc: object) -> None:
        self.engine._batch -= 1
        if self.engine._batch == 0 and self.engine.journal is not None:
            self.engine._commit()


__all__ = ["GENESIS", "CommandFailed", "Engine", "EngineHalted", "Result"]
