"""Replay by chunks: many journal records read, decoded and applied at a time.

A journal on a database hands replay its records as :class:`ReplayChunk`\\ s rather than row by
row: the database joins a run of consecutive records into one value per column (the event
types, comma-separated; the payloads, as one JSON array; the id counters the commands moved),
which costs it a fraction of a row per record and the driver one value instead of a tuple of
values per record. Replay then decodes the chunk's payloads in one pass (each with its event
type's typed decoder) and applies the events in order, without a Python-level loop per record.

The result is the record-by-record replay's (:meth:`Engine.replay_into`), event for event: the
same events, applied in the same order to the same appliers; a payload the typed decoder
refuses is read by the generated decoder as there; the id counters end at the last value
journaled for each. ``tests/engine/test_engine_replay_chunks.py`` holds the two to each other.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, NamedTuple

import msgspec

from openets.market import Applier, MarketState


class ReplayChunk(NamedTuple):
    """Consecutive journal records, column by column, as replay reads them."""

    size: int
    """Records in the chunk."""
    types: str
    """Their event types in journal order, joined by commas."""
    payloads: bytes
    """Their payloads in journal order, as one JSON array."""
    ids: bytes
    """The non-empty id-counter objects among them, in journal order, joined by commas
    (``b""`` where no command of the chunk moved a counter)."""
    last: tuple[int, int, int, str]
    """The last record's seq, cmd_seq, ts and hash."""


def chunks_of(records: Iterable[Sequence[Any]], size: int = 2000) -> Iterable[ReplayChunk]:
    """Records (or rows of their columns) as chunks of ``size`` (a journal with no chunked read
    of its own; tests)."""
    part: list[Sequence[Any]] = []
    for r in records:
        part.append(r)
        if len(part) == size:
            yield _chunk(part)
            part = []
    if part:
        yield _chunk(part)


def _chunk(rows: list[Sequence[Any]]) -> ReplayChunk:
    last = rows[-1]
    return ReplayChunk(
        len(rows),
        ",".join(r[4] for r in rows),
        b"[" + b",".join(_bytes(r[5]) for r in rows) + b"]",
        b",".join(_bytes(r[6]) for r in rows if r[6]),
        (last[0], last[1], last[2], last[8]),
    )


def _bytes(v: bytes | str) -> bytes:
    return v.encode() if isinstance(v, str) else bytes(v)


_raws = msgspec.json.Decoder(list[msgspec.Raw]).decode
_id_objects = msgspec.json.Decoder(list[dict[str, int]]).decode
_id_object = msgspec.json.Decoder(dict[str, int]).decode
Step = tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any], None]]


@contextlib.contextmanager
def replaying(st: MarketState) -> Iterator[dict[str, int]]:
    """Replay's surroundings, for both replays: the cyclic garbage collector paused (replay
    builds long-lived objects by the million and frees none), and the id counters the replay
    collects in the yielded dict observed once at the end (they only rise: the last value
    journaled for each is its value)."""
    moved: dict[str, int] = {}
    paused = gc.isenabled()
    gc.disable()
    try:
        yield moved
    finally:
        if paused:
            gc.enable()
        observe = st.ids.observe
        for k, v in moved.items():
            observe(k, v)


def _ids_moved(ids: bytes) -> dict[str, int] | Iterable[tuple[str, int]]:
    """The id counters a chunk's records moved, the last value of each (in journal order).

    The objects are merged into one (``{"TX":1},{"RQ":2},{"TX":3}`` read as
    ``{"TX":1,"RQ":2,"TX":3}``, where a repeated key takes its last value) and read in one
    call. A ``},{`` inside a key would leave a comma in it: such a chunk is read object by
    object."""
    merged = _id_object(ids.replace(b"},{", b","))
    if any("," in k for k in merged):
        return chain.from_iterable(map(dict.items, _id_objects(b"[%s]" % ids)))
    return merged


def replay_chunks(
    appliers: dict[type, Applier], st: MarketState, chunks: Iterable[ReplayChunk]
) -> int:
    """Apply the records of ``chunks`` to ``st``, in order; returns how many were applied.

    As :meth:`Engine.replay_into`: the cyclic garbage collector is paused meanwhile, the id
    counters are observed once at the end (they only rise: the last value journaled for each
    is its value), and the state's last seq, cmd_seq, time and hash are the last record's.
    """
    from openets.engine.core import replay_step

    steps: dict[str, Step] = {}
    invalid = msgspec.ValidationError
    n = 0
    last: tuple[int, int, int, str] | None = None
    with replaying(st) as moved:
        update = moved.update
        for chunk in chunks:
            names = chunk.types.split(",")
            raws = _raws(chunk.payloads)
            if len(raws) != len(names) or len(names) != chunk.size:
                raise ValueError(
                    f"journal chunk ending at seq {chunk.last[0]}: {chunk.size} records, "
                    f"{len(names)} types and {len(raws)} payloads"
                )
            for name in set(names).difference(steps):
                steps[name] = replay_step(name, appliers, st)
            # Each event decoded and applied at once, while its payload and objects are in
            # the cache (decoding a chunk whole, then applying it, measured slower).
            get = steps.__getitem__
            for name, raw in zip(names, raws, strict=True):
                step = get(name)
                try:
                    ev = step[0](raw)
                except invalid:  # the typed decoder refuses what the generated one reads
                    ev = step[1](raw)
                step[2](ev)
            if chunk.ids:
                update(_ids_moved(chunk.ids))
            n += chunk.size
            last = chunk.last
    if last is not None:
        st.last_seq, st.last_cmd_seq, st.last_ts, st.last_hash = last
    return n


__all__ = ["ReplayChunk", "chunks_of", "replay_chunks", "replaying"]
