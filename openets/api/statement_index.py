"""Where each account's ledger entries are in the journal: per account, the sequence numbers
and times of the records that touch it (``LedgerPosted``, ``FundsPosted``, ``TradesSettled``).

A statement looks up its account and period here (a binary search on time) and reads just
those records by sequence number, instead of scanning the journal. The index is built from
the journal on the first statement (in a worker thread) and kept up by an engine subscriber.
"""

from __future__ import annotations

import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openets.clearing.funds import FundsPosted
from openets.clearing.settlement import TradesSettled
from openets.engine import codec
from openets.engine.journal import Journal, Record
from openets.registry.events import LedgerPosted

TYPES = ("LedgerPosted", "FundsPosted", "TradesSettled")


def accounts_of(ev: object) -> set[str]:
    """The accounts an entry (or a settlement batch's entries) posts to."""
    if isinstance(ev, TradesSettled):
        return ev.accounts()
    if isinstance(ev, LedgerPosted | FundsPosted):
        return {p.account_id for p in ev.postings}
    return set()


class StatementIndex:
    def __init__(self, journal: Journal, head: Any) -> None:
        self.journal = journal
        self._head = head  # () -> the engine's last journal seq
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._seqs: dict[str, array[int]] = {}
        self._ts: dict[str, array[int]] = {}
        self._last = 0
        self._state = "cold"  # cold -> building -> ready
        self._buffer: list[tuple[int, int, set[str]]] = []

    # --- kept up by the engine ------------------------------------------------------------
    def watch(self, records: Sequence[Record], events: Sequence[Any]) -> None:
        """Engine subscriber (records and events align one to one)."""
        if self._state == "cold":
            return  # the build reads these from the journal
        with self._lock:
            for r, ev in zip(records, events, strict=True):
                if r.type in TYPES:
                    item = (r.seq, r.ts, accounts_of(ev))
                    if self._state == "ready":
                        self._add(*item)
                    else:
                        self._buffer.append(item)

    def _add(self, seq: int, ts: int, accounts: Iterable[str]) -> None:
        if seq <= self._last:
            return
        for a in accounts:
            s = self._seqs.get(a)
            if s is None:
                s = self._seqs[a] = array("q")
                self._ts[a] = array("q")
            s.append(seq)
            self._ts[a].append(ts)
        self._last = seq

    # --- built once -----------------------------------------------------------------------
    def ensure(self, wait_seconds: float = 5.0) -> None:
        """Build the index from the journal if not built yet (blocking; call in a thread)."""
        if self._state == "ready":
            return
        with self._build_lock:
            if self._state == "ready":
                return
            with self._lock:
                self._state = "building"
            target = int(self._head())
            last = 0
            deadline = time.monotonic() + wait_seconds
            while True:
                for r in self.journal.read(last):
                    last = r.seq
                    if r.type in TYPES:
                        with self._lock:
                            self._add(r.seq, r.ts, accounts_of(codec.decode(r.type, r.payload)))
                if last >= target or time.monotonic() > deadline:
                    break  # the rest of the batch in flight comes from the buffer
                time.sleep(0.01)
            with self._lock:
                for item in sorted(self._buffer):
                    self._add(*item)
                self._buffer.clear()
                self._state = "ready"

    def seqs(
        self, account_id: str, lo_us: int | None, hi_us: int | None, max_seq: int
    ) -> list[int]:
        """The records touching ``account_id`` with ``lo_us <= ts < hi_us`` and seq <= max_seq."""
        self.ensure()
        with self._lock:
            seqs, ts = self._seqs.get(account_id), self._ts.get(account_id)
            if seqs is None or ts is None:
                return []
            i = bisect_left(ts, lo_us) if lo_us is not None else 0
            j = bisect_left(ts, hi_us) if hi_us is not None else len(ts)
            return [s for s in seqs[i:j] if s <= max_seq]


def read_seqs(journal: Journal, seqs: list[int]) -> Iterator[Record]:
    """The journal records of ``seqs`` (ascending), read by sequence number."""
    by_seq = getattr(journal, "read_seqs", None)
    if by_seq is not None:
        yield from by_seq(seqs)
        return
    wanted = set(seqs)
    for r in journal.read(seqs[0] - 1 if seqs else 0):
        if r.seq in wanted:
            yield r
