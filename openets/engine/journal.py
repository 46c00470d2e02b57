"""The journal: an append-only, hash-chained list of events.

Each record carries its sequence number, the time of the command (UTC microseconds, from the
injected clock), the actor, the event type and JSON payload, the id counters its command
advanced (on the first record of a command), and the SHA-256 of the previous record, so that
anyone can recompute the chain and find the first record that was changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple, Protocol

GENESIS = "0" * 64
_WIDTH = 9
"""Fields of a record (:class:`Record`)."""
_fields_of = chain.from_iterable


class Record(NamedTuple):
    """One journal row. (A NamedTuple: replay builds millions of them straight from rows.)"""

    seq: int
    cmd_seq: int
    ts: int
    actor: str
    type: str
    payload: bytes
    ids: bytes
    prev_hash: str
    hash: str


def record_hash(
    prev_hash: str,
    seq: int,
    cmd_seq: int,
    ts: int,
    actor: str,
    type_: str,
    payload: bytes,
    ids: bytes,
) -> str:
    h = hashlib.sha256()
    h.update(f"{prev_hash}|{seq}|{cmd_seq}|{ts}|{actor}|{type_}|".encode())
    h.update(payload if isinstance(payload, bytes) else payload.encode())
    h.update(b"|")
    h.update(ids if isinstance(ids, bytes) else ids.encode())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Snapshot:
    seq: int
    state_hash: str
    blob: bytes


class Journal(Protocol):
    """Where records go. ``append`` is durable when ``commit`` returns."""

    def last(self) -> tuple[int, int, str]:
        """(last seq, last cmd_seq, last hash); (0, 0, GENESIS) when empty."""
        ...

    def append(self, records: Iterable[Record]) -> None: ...

    def commit(self) -> None: ...

    def read(self, after_seq: int = 0) -> Iterator[Record]: ...

    def save_snapshot(self, snap: Snapshot) -> None: ...

    def latest_snapshot(self) -> Snapshot | None: ...

    def close(self) -> None: ...


class MemoryJournal:
    """An in-memory journal for tests and headless simulations that need no durability."""

    def __init__(self) -> None:
        # Committed records are kept flat, their nine fields one after another in one list (a
        # record is ``_flat[9 * i : 9 * i + 9]``): no object per record for the garbage
        # collector to track (a tuple per record was tracked until the collector's next pass
        # and made those passes come more often), and no copy of each record at commit.
        self._flat: list[Any] = []
        self._staged: list[Record] = []
        self.snapshots: list[Snapshot] = []

    def __len__(self) -> int:
        """Committed records."""
        return len(self._flat) // _WIDTH

    def __bool__(self) -> bool:
        """A journal, even an empty one: ``journal or MemoryJournal()`` must keep it."""
        return True

    def last(self) -> tuple[int, int, str]:
        if self._staged:
            r = self._staged[-1]
            return r[0], r[1], r[8]
        flat = self._flat
        if not flat:
            return 0, 0, GENESIS
        return flat[-_WIDTH], flat[1 - _WIDTH], flat[-1]

    def append(self, records: Iterable[Record]) -> None:
        self._staged.extend(records)

    def commit(self) -> None:
        self._flat.extend(_fields_of(self._staged))
        self._staged.clear()

    def rollback(self) -> None:
        self._staged.clear()

    def read(self, after_seq: int = 0) -> Iterator[Record]:
        new = tuple.__new__
        flat = self._flat
        for i in range(0, len(flat), _WIDTH):
            if flat[i] > after_seq:
                yield new(Record, flat[i : i + _WIDTH])

    def save_snapshot(self, snap: Snapshot) -> None:
        self.snapshots.append(snap)

    def latest_snapshot(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    def close(self) -> None:
        pass


def verify_chain(records: Iterable[Record]) -> tuple[int, str | None]:
    """Recompute the chain. Returns (records checked, the first problem or None)."""
    prev = GENESIS
    expected_seq = None
    n = 0
    for r in records:
        n += 1
        if expected_seq is not None and r.seq != expected_seq:
            return n, f"record seq {r.seq}: expected seq {expected_seq} (a record is missing)"
        if r.prev_hash != prev:
            return (
                n,
                f"record seq {r.seq}: prev_hash {r.prev_hash[:12]}… does not match the "
                f"previous record's hash {prev[:12]}…",
            )
        h = record_hash(r.prev_hash, r.seq, r.cmd_seq, r.ts, r.actor, r.type, r.payload, r.ids)
        if h != r.hash:
            return (
                n,
                f"record seq {r.seq} ({r.type}): content does not match its hash "
                "(the record was changed)",
            )
        prev = r.hash
        expected_seq = r.seq + 1
    return n, None
