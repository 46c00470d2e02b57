"""The compiled order book: ``_cbook.Book`` (C) with the views of :class:`PyOrderBook`.

The C type does the work (matching, posting, takes, cancels, ranks, the level and entry walks)
and returns raw tuples; this subclass turns them into the public values (:class:`Level`,
:class:`RestingOrder`, :class:`Depth`) and adds what the pure-Python book has besides
(``from_entries``, iteration, ``get``, ``clear``, pickling). Importing this module raises
``ImportError`` when the extension is not built; :mod:`openets.trading.book` then falls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from openets.trading._cbook import Book
from openets.trading.book_values import BUY, SELL, Depth, Level, RestingOrder, Side, view


class CBook(Book):
    """Resting orders of one instrument, both sides, with price-time order inside each level."""

    __slots__ = ()

    @classmethod
    def from_entries(cls, entries: Iterable[Sequence[Any]]) -> CBook:
        """The book that :meth:`entries` describes."""
        book = cls()
        post = book.post
        for order_id, qty, account, side, price in entries:
            post(order_id, account, Side(side), price, qty)
        return book

    def to_snapshot(self, encode: Callable[[Any, Any], Any]) -> list[list[Any]]:
        """The entries, as a snapshot writes them."""
        return [list(e) for e in self.entries()]

    @classmethod
    def from_snapshot(cls, data: Any, decode: Callable[[Any, Any], Any]) -> CBook:
        """The book a snapshot wrote (:meth:`to_snapshot`)."""
        return cls.from_entries(data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.entries()))

    def best_levels(self, side: int, n: int = 5) -> tuple[Level, ...]:
        """The best ``n`` levels of one side, best first: ``(price, total_qty, order_count)``."""
        return tuple(Level(p, q, c) for p, q, c in self._levels(side, n))

    def orders_in_best(self, side: int, n: int = 5) -> tuple[RestingOrder[Any], ...]:
        """Every resting order of the best ``n`` levels of one side, best level first, arrival
        order within a level."""
        return tuple(view(e) for e in self._orders_in(side, n))

    def get(self, order_id: Any) -> RestingOrder[Any] | None:
        e = self._entry(order_id)
        return None if e is None else view(e)

    def __iter__(self) -> Iterator[RestingOrder[Any]]:
        """Every resting order, in arrival order (a snapshot: safe to cancel while iterating)."""
        return iter([view(e) for e in self.entries()])

    def depth(self, n: int = 5) -> Depth:
        return Depth(self.best_levels(BUY, n), self.best_levels(SELL, n))

    def clear(self) -> tuple[RestingOrder[Any], ...]:
        """Remove every resting order (end-of-day expiry); returns them in arrival order."""
        return tuple(view(e) for e in self._clear())


def _rebuild(cls: type[CBook], entries: list[tuple[Any, int, str, int, int]]) -> CBook:
    return cls.from_entries(entries)
