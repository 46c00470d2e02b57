"""The registry's transactions by id: what a correction reverses and whether it was reversed.

Every posting of the registry (issuances, transfers, deliveries of trades, corrections …) is a
transaction a correction may name later. Kept in memory, this index would grow with every
transaction of the market's history; so on a SQL journal it lives in the store
(:class:`TxStore`, the ``registry_tx`` table of :mod:`openets.store.tx_store`, written with the
journal records that post them) and memory keeps only the count. A market in memory (or one
not bound to a store yet) keeps the transactions here.

Reads give the same answers either way, so that a command is decided alike live and on replay:
the store answers for every record of the journal, including those staged and not yet durable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from openets.registry.model import Posting, TxType


@dataclass(slots=True)
class TxRecord:
    tx_type: TxType
    postings: tuple[Posting, ...]
    ref: str
    reversed_by: str = ""


class TxStore(Protocol):
    """Where the transactions are kept outside memory."""

    def get(self, tx_id: str) -> TxRecord | None:
        """The transaction (with ``reversed_by``), durable or staged; None if unknown."""
        ...

    def items(self) -> Iterator[tuple[str, TxRecord]]:
        """Every transaction, in posting order."""
        ...

    def unwritten_items(self) -> Iterator[tuple[str, TxRecord]]:
        """The transactions whose records are not durable yet, in posting order."""
        ...


class TxIndex:
    """The registry's transactions by id; the posting path adds, corrections mark."""

    __slots__ = ("_mem", "count", "store")

    def __init__(self, store: TxStore | None = None) -> None:
        self._mem: dict[str, TxRecord] = {}
        self.count = 0
        """Transactions posted (part of the state hash)."""
        self.store = store

    def bind(self, store: TxStore | None) -> None:
        """Read from ``store`` from now on; what memory held is there (the journal's records)."""
        if store is None:
            return
        self.store = store
        self._mem.clear()

    @property
    def in_memory(self) -> int:
        """Transactions held in memory (none once bound to a store)."""
        return len(self._mem)

    # --- the posting path -----------------------------------------------------------------
    def add(self, tx_id: str, record: TxRecord) -> None:
        self.count += 1
        if self.store is None:
            self._mem[tx_id] = record

    def posted(
        self, tx_id: str, tx_type: TxType, postings: tuple[Posting, ...], ref: str
    ) -> None:
        """:meth:`add` of the transaction made of these, its record made only where memory
        keeps it (replay posts a transaction per ``LedgerPosted``)."""
        self.count += 1
        if self.store is None:
            self._mem[tx_id] = TxRecord(tx_type, postings, ref)

    def add_many(self, count: int, records: Callable[[], Iterable[tuple[str, TxRecord]]]) -> None:
        """``count`` transactions at once; ``records`` gives them (called only when kept in
        memory, i.e. not bound to a store)."""
        self.count += count
        if self.store is None:
            self._mem.update(records())

    def mark_reversed(self, tx_id: str, by: str) -> None:
        """``tx_id`` was reversed by the correction ``by`` (a bound store derives it itself)."""
        rec = self._mem.get(tx_id)
        if rec is not None:
            rec.reversed_by = by

    # --- reads ------------------------------------------------------------------------------
    def get(self, tx_id: str) -> TxRecord | None:
        rec = self._mem.get(tx_id)
        if rec is None and self.store is not None:
            return self.store.get(tx_id)
        return rec

    def __getitem__(self, tx_id: str) -> TxRecord:
        rec = self.get(tx_id)
        if rec is None:
            raise KeyError(tx_id)
        return rec

    def __contains__(self, tx_id: object) -> bool:
        return isinstance(tx_id, str) and self.get(tx_id) is not None

    def __len__(self) -> int:
        return self.count

    def items(self) -> Iterator[tuple[str, TxRecord]]:
        if self.store is not None:
            yield from self.store.items()
        yield from self._mem.items()

    def unchecked_items(self) -> Iterator[tuple[str, TxRecord]]:
        """What an invariant check of the state looks at: every transaction held in memory,
        and those of a store not durable yet (a full check replays into memory)."""
        if self.store is not None:
            yield from self.store.unwritten_items()
        yield from self._mem.items()

    def __iter__(self) -> Iterator[str]:
        return (tx_id for tx_id, _ in self.items())

    def values(self) -> Iterator[TxRecord]:
        return (rec for _, rec in self.items())

    # --- snapshots --------------------------------------------------------------------------
    def memory(self) -> dict[str, TxRecord]:
        """What memory holds (a snapshot writes it with the count)."""
        return self._mem

    @classmethod
    def restored(cls, count: int, memory: dict[str, TxRecord]) -> TxIndex:
        out = cls()
        out.count = count
        out._mem = memory
        return out

    def to_snapshot(self, encode: Callable[[Any, Any], Any]) -> dict[str, Any]:
        """The count, and what memory holds (nothing when the store keeps the records)."""
        return {"count": self.count, "memory": encode(_MEMORY, self._mem)}

    @classmethod
    def from_snapshot(cls, data: Any, decode: Callable[[Any, Any], Any]) -> TxIndex:
        """The index a snapshot wrote (:meth:`to_snapshot`; a list of records is the form
        written when the index was a plain dict)."""
        if isinstance(data, list):
            memory = decode(_MEMORY, data)
            return cls.restored(len(memory), memory)
        return cls.restored(int(data["count"]), decode(_MEMORY, data["memory"]))


_MEMORY = dict[str, TxRecord]
"""The declared type of what a snapshot writes of the index's memory."""
