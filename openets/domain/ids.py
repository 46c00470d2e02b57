"""Typed identifiers and an injected, deterministic id source."""

from __future__ import annotations

from typing import NewType

AccountId = NewType("AccountId", str)
ListingId = NewType("ListingId", str)
OrderId = NewType("OrderId", str)
TradeId = NewType("TradeId", str)
TxId = NewType("TxId", str)


class IdSource:
    """Sequential ids per prefix (``A000001``, ``T000042``): deterministic for a replay.

    The counters are part of the engine state, so replaying the journal reproduces every id.
    """

    __slots__ = ("_counters",)

    def __init__(self, counters: dict[str, int] | None = None) -> None:
        self._counters: dict[str, int] = dict(counters or {})

    def next(self, prefix: str, width: int = 6) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def observe(self, prefix: str, value: int) -> None:
        """Advance a counter to at least ``value`` (used when applying journaled events)."""
        if value > self._counters.get(prefix, 0):
            self._counters[prefix] = value

    def snapshot(self) -> dict[str, int]:
        return dict(self._counters)

    def restore(self, counters: dict[str, int]) -> None:
        """Undo the ids handed out by a command that was then rejected."""
        self._counters = dict(counters)
