"""The bank references the fund ledger has recorded: a reference is applied once, ever.

Each deposit, withdrawal request and bank answer is recorded under ``"<kind>:<bank ref>"`` so
that the bank's repeated report of it changes nothing. Kept in memory, this set would grow with
every deposit of the market's history; so on a SQL journal it lives in the store (the
``bank_ref`` table of :mod:`openets.store.bankref_store`, written with the journal records that
make the references) and memory keeps only the count. A market in memory (or one not bound to a
store yet) keeps the references here.

A failed deposit is recorded too (``deposit_failed:<ref>``, so that the bank's report of it is
known again) but not counted: the count is part of the state hash, and counts what the ledger
posted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

DEPOSIT_FAILED = "deposit_failed"

REPORT_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "deposit": (("deposit", "deposit_received"), (DEPOSIT_FAILED, "deposit_failed")),
    "withdrawal": (("withdrawal", "withdrawal_paid"), ("withdrawal_failed", "withdrawal_failed")),
}
"""Per family of the bank's reports: the key each ledger record is kept under, and the kind of
report it answers."""


class BankRefStore(Protocol):
    """Where the references are kept outside memory."""

    def has(self, key: str) -> bool:
        """Whether ``key`` was recorded, durable or staged."""
        ...


class BankRefs:
    """The recorded ``"<kind>:<bank ref>"`` keys; the posting path adds, commands ask ``in``."""

    __slots__ = ("_mem", "count", "store")

    def __init__(self, store: BankRefStore | None = None) -> None:
        self._mem: set[str] = set()
        self.count = 0
        """References the ledger posted (part of the state hash)."""
        self.store = store

    def bind(self, store: BankRefStore | None) -> None:
        """Read from ``store`` from now on; what memory held is there (the journal's records)."""
        if store is None:
            return
        self.store = store
        self._mem.clear()

    @property
    def in_memory(self) -> int:
        """Keys held in memory (none once bound to a store)."""
        return len(self._mem)

    def add(self, key: str, *, counted: bool = True) -> None:
        if counted:
            self.count += 1
        if self.store is None:
            self._mem.add(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if key in self._mem:
            return True
        return self.store is not None and self.store.has(key)

    def __len__(self) -> int:
        return self.count

    def reported(self, bank_ref: str, family: str) -> str | None:
        """The kind of the bank's report already recorded for ``bank_ref`` in ``family``
        (``deposit`` or ``withdrawal``), or None."""
        for key, kind in REPORT_KINDS.get(family, ()):
            if f"{key}:{bank_ref}" in self:
                return kind
        return None

    # --- snapshots --------------------------------------------------------------------------
    def to_snapshot(self, encode: Callable[[Any, Any], Any]) -> dict[str, Any]:
        """The count, and what memory holds (nothing when the store keeps the keys)."""
        return {"count": self.count, "memory": sorted(self._mem)}

    @classmethod
    def from_snapshot(cls, data: Any, decode: Callable[[Any, Any], Any]) -> BankRefs:
        """The keys a snapshot wrote (:meth:`to_snapshot`; a list of ``[key, tx id]`` pairs is
        the form written when the references were a plain dict)."""
        out = cls()
        if isinstance(data, list):
            out._mem = {str(pair[0]) for pair in data}
            out.count = len(out._mem)
        else:
            out._mem = {str(k) for k in data["memory"]}
            out.count = int(data["count"])
        return out
