"""One order book for two protocols: continuous matching and listing agreement trading.

Continuous double auction (CDA, the preset of other markets and of the simulator)::

    fills = book.crossing(side, price, qty)             # what the order would trade; read-only
    rested = book.match(order_id, account, side, price, qty, fills)

``crossing`` walks the opposite side once, best price first, under price-time priority at the
maker's price, and returns one :data:`Fill` tuple per execution without changing the book (the
engine decides a continuous order's trades with it, and applies them with ``take``). ``match`` is
that walk followed by the takes: it appends the fills to the caller's list, rests the remainder
and returns it (0 = fully filled). After ``match`` the book is never crossed.

Listing agreement trading (挂牌协议, the China default)::

    book.post(listing_id, account, side, price, qty)   # rests, never matches
    book.level_rank(side, price) < 5                    # the caller's best-five check
    fill = book.take(listing_id, qty)                   # taker's qty <= the listing's remainder

A listing book may be crossed: buy and sell listings never trade on their own; a taker picks one.

Prices are integer fen (ticks of the caller's choosing), quantities integer tonnes. Sides are
:class:`Side` (``BUY = 0``, ``SELL = 1``); plain ``0``/``1`` are accepted too. Order ids are any
hashable the caller chooses (``ListingId`` strings in the engine, ints in benchmarks).

Why the shape: the hot path allocates one small list per resting order and one tuple per fill and
nothing else. Each side keeps ``price -> deque`` of resting entries (arrival order) and a sorted
list of its prices (ascending for both sides: best bid last, best ask first); a few hundred
levels make ``bisect``/``insort`` cheaper than any tree. The book is plain data (``entries``).

Two implementations, one contract. :class:`PyOrderBook` below is the book in Python and the
reference. ``openets/trading/_cbook.c`` is the same book compiled (a C extension built by
``pip install -e .`` where a C compiler exists; :mod:`openets.trading.cbook` wraps it): the same
fills, remainders, errors and views, checked against this one on random operation streams
(``tests/trading/test_trading_cbook.py``). ``OrderBook`` is the compiled book when it is built,
else this one; ``OPENETS_PURE_BOOK=1`` forces this one. ``COMPILED`` says which.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from openets.trading.book_values import (
    BUY,
    SELL,
    Depth,
    Fill,
    K,
    Level,
    RestingOrder,
    Side,
)

__all__ = [
    "BUY",
    "COMPILED",
    "SELL",
    "Depth",
    "Fill",
    "Level",
    "OrderBook",
    "PyOrderBook",
    "RestingOrder",
    "Side",
    "book_errors",
]

# A resting entry is a small mutable list: [order_id, remaining, account, side, price].
# Index constants are written as literals in the hot paths below.
_Entry: TypeAlias = list[Any]
_ID, _QTY, _ACCOUNT, _SIDE, _PRICE = 0, 1, 2, 3, 4


def _bad_order(order_id: object, qty: int) -> str:
    if qty <= 0:
        return f"quantity must be positive, was {qty}"
    return f"order id {order_id!r} is already resting"


class PyOrderBook(Generic[K]):
    """Resting orders of one instrument, both sides, with price-time order inside each level.

    The pure-Python book: the reference the compiled book is checked against, and the book
    itself where the extension is not built or ``OPENETS_PURE_BOOK=1``.
    """

    __slots__ = ("_ask_levels", "_ask_prices", "_bid_levels", "_bid_prices", "_orders")

    def __init__(self) -> None:
        self._bid_levels: dict[int, deque[_Entry]] = {}
        self._ask_levels: dict[int, deque[_Entry]] = {}
        self._bid_prices: list[int] = []  # ascending: best bid is the last
        self._ask_prices: list[int] = []  # ascending: best ask is the first
        self._orders: dict[K, _Entry] = {}  # arrival order

    # ----------------------------------------------------------------- data --
    def entries(self) -> list[tuple[K, int, str, int, int]]:
        """Every resting order as ``(order_id, remaining, account, side, price)``, in arrival
        order (which is also the time priority inside each level)."""
        return [(e[0], e[1], e[2], e[3], e[4]) for e in self._orders.values()]

    @classmethod
    def from_entries(cls, entries: Iterable[Sequence[Any]]) -> PyOrderBook[Any]:
        """The book that :meth:`entries` describes."""
        book: PyOrderBook[Any] = cls()
        for order_id, qty, account, side, price in entries:
            book.post(order_id, account, Side(side), price, qty)
        return book

    def to_snapshot(self, encode: Callable[[Any, Any], Any]) -> list[list[Any]]:
        """The entries, as a snapshot writes them."""
        return [list(e) for e in self.entries()]

    @classmethod
    def from_snapshot(cls, data: Any, decode: Callable[[Any, Any], Any]) -> PyOrderBook[Any]:
        """The book a snapshot wrote (:meth:`to_snapshot`)."""
        return cls.from_entries(data)

    # ------------------------------------------------------------------ CDA --
    def crossing(self, side: int, price: int, qty: int) -> list[Fill[K]]:
        """The executions an incoming limit order would get, without changing the book.

        One walk from the best opposite price: price-time priority, fills at the maker's price
        (``maker_remaining`` is what the maker keeps). The engine decides a continuous order's
        trades with this read-only walk and applies them with :meth:`take` when its events are
        applied; :meth:`match` is the same walk followed by the same takes.
        """
        fills: list[Fill[K]] = []
        if side == 0:  # a buy meets the asks, best (lowest) first
            levels, walk, sign = self._ask_levels, iter(self._ask_prices), 1
        elif side == 1:  # a sell meets the bids, best (highest) first
            levels, walk, sign = self._bid_levels, reversed(self._bid_prices), -1
        else:
            raise ValueError(f"side must be BUY (0) or SELL (1), was {side!r}")
        append = fills.append
        for bp in walk:
            if qty <= 0 or (bp - price) * sign > 0:
                break
            for e in levels[bp]:
                mq = e[1]
                if mq > qty:
                    append((e[0], e[2], bp, qty, mq - qty))
                    return fills
                append((e[0], e[2], bp, mq, 0))
                qty -= mq
                if not qty:
                    return fills
        return fills

    def match(
        self, order_id: K, account: str, side: int, price: int, qty: int, fills: list[Fill[K]]
    ) -> int:
        """Match a limit order, append its executions to ``fills``, rest what is left.

        Executions follow price-time priority and print at the maker's price (:meth:`crossing`).
        A partly filled maker keeps its place. Returns the quantity left resting under
        ``order_id`` (0 if the order filled completely). Raises ``ValueError`` for a
        non-positive quantity, an unknown side or an order id already resting: the caller's
        checks make those impossible.
        """
        if qty <= 0 or order_id in self._orders:
            raise ValueError(_bad_order(order_id, qty))
        made = self.crossing(side, price, qty)
        take = self.take
        for f in made:
            take(f[0], f[3])
            qty -= f[3]
        fills.extend(made)
        if qty:
            self.post(order_id, account, side, price, qty)
        return qty

    def cancel(self, order_id: K) -> int | None:
        """Remove a resting order; returns its remaining quantity, or None if it is not resting."""
        e = self._orders.pop(order_id, None)
        if e is None:
            return None
        price = e[4]
        if e[3] == 0:
            levels, prices = self._bid_levels, self._bid_prices
        else:
            levels, prices = self._ask_levels, self._ask_prices
        q = levels[price]
        if len(q) == 1:
            del levels[price]
            del prices[bisect_left(prices, price)]
        else:
            q.remove(e)
        remaining: int = e[1]
        return remaining

    # -------------------------------------------------------------- listing --
    def post(self, order_id: K, account: str, side: int, price: int, qty: int) -> None:
        """Rest a listing without matching it (the listing book may be crossed)."""
        if qty <= 0 or order_id in self._orders:
            raise ValueError(_bad_order(order_id, qty))
        if side == 0:
            levels, prices = self._bid_levels, self._bid_prices
        elif side == 1:
            levels, prices = self._ask_levels, self._ask_prices
        else:
            raise ValueError(f"side must be BUY (0) or SELL (1), was {side!r}")
        e = [order_id, qty, account, side, price]
        q = levels.get(price)
        if q is None:
            levels[price] = deque((e,))
            insort(prices, price)
        else:
            q.append(e)
        self._orders[order_id] = e

    def take(self, listing_id: K, qty: int) -> Fill[K]:
        """Trade ``qty`` against one listing at its price; the remainder stays listed.

        The caller has checked eligibility (best five, no self take, ``qty`` within the
        remainder); a violation here is a broken invariant and raises.
        """
        e = self._orders.get(listing_id)
        if e is None:
            raise KeyError(f"listing {listing_id!r} is not resting")
        remaining: int = e[1]
        if qty <= 0 or qty > remaining:
            raise ValueError(f"take quantity must be 1..{remaining}, was {qty}")
        remaining -= qty
        if remaining:
            e[1] = remaining
        else:
            self.cancel(listing_id)
        return (e[0], e[2], e[4], qty, remaining)

    def level_rank(self, side: int, price: int) -> int:
        """How many price levels of ``side`` are strictly better than ``price`` (0 = best)."""
        if side == 0:
            prices = self._bid_prices
            return len(prices) - bisect_right(prices, price)
        return bisect_left(self._ask_prices, price)

    def best_levels(self, side: int, n: int = 5) -> tuple[Level, ...]:
        """The best ``n`` levels of one side, best first: ``(price, total_qty, order_count)``."""
        levels = self._bid_levels if side == 0 else self._ask_levels
        out = []
        for p in self._best_prices(side, n):
            q = levels[p]
            out.append(Level(p, sum(e[1] for e in q), len(q)))
        return tuple(out)

    def orders_in_best(self, side: int, n: int = 5) -> tuple[RestingOrder[K], ...]:
        """Every resting order of the best ``n`` levels of one side: what a taker picks from.

        Best level first, arrival order within a level.
        """
        levels = self._bid_levels if side == 0 else self._ask_levels
        return tuple(_view(e) for p in self._best_prices(side, n) for e in levels[p])

    def _best_prices(self, side: int, n: int) -> list[int]:
        if n <= 0:
            return []
        if side == 0:
            return self._bid_prices[: -n - 1 : -1]
        return self._ask_prices[:n]

    # ---------------------------------------------------------------- reads --
    def get(self, order_id: K) -> RestingOrder[K] | None:
        e = self._orders.get(order_id)
        return None if e is None else _view(e)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def __len__(self) -> int:
        """The number of resting orders."""
        return len(self._orders)

    def __iter__(self) -> Iterator[RestingOrder[K]]:
        """Every resting order, in arrival order (a snapshot: safe to cancel while iterating)."""
        return iter([_view(e) for e in self._orders.values()])

    def resting_qty(self, side: int | None = None) -> int:
        """Total remaining quantity of one side, or of both."""
        return sum(e[1] for e in self._orders.values() if side is None or e[3] == side)

    @property
    def best_bid(self) -> int | None:
        return self._bid_prices[-1] if self._bid_prices else None

    @property
    def best_ask(self) -> int | None:
        return self._ask_prices[0] if self._ask_prices else None

    def is_crossed(self) -> bool:
        """True if the best bid is at or above the best ask (never so after ``match``)."""
        return bool(self._bid_prices and self._ask_prices) and (
            self._bid_prices[-1] >= self._ask_prices[0]
        )

    def depth(self, n: int = 5) -> Depth:
        return Depth(self.best_levels(BUY, n), self.best_levels(SELL, n))

    def clear(self) -> tuple[RestingOrder[K], ...]:
        """Remove every resting order (end-of-day expiry); returns them in arrival order."""
        gone = tuple(_view(e) for e in self._orders.values())
        self._bid_levels.clear()
        self._ask_levels.clear()
        self._bid_prices.clear()
        self._ask_prices.clear()
        self._orders.clear()
        return gone


def _view(e: _Entry) -> RestingOrder[Any]:
    return RestingOrder(e[0], e[2], Side(e[3]), e[4], e[1])


def book_errors(book: Any) -> list[str]:
    """Internal consistency problems of a book (empty when sound); for tests and ``verify``."""
    if not isinstance(book, PyOrderBook):
        compiled: list[str] = book._errors()  # the compiled book checks its own structure
        return compiled
    errors: list[str] = []
    seen = 0
    for side, levels, prices in (
        (BUY, book._bid_levels, book._bid_prices),
        (SELL, book._ask_levels, book._ask_prices),
    ):
        if prices != sorted(set(prices)):
            errors.append(f"{side.name} prices are not strictly ascending: {prices}")
        if set(prices) != set(levels):
            errors.append(f"{side.name} price index {prices} differs from levels {sorted(levels)}")
        for price, q in levels.items():
            if not q:
                errors.append(f"{side.name} level {price} is empty")
            for e in q:
                seen += 1
                if e[_SIDE] != side or e[_PRICE] != price:
                    errors.append(f"order {e[_ID]!r} sits at {side.name} {price}, says {e}")
                if e[_QTY] <= 0:
                    errors.append(f"order {e[_ID]!r} rests with quantity {e[_QTY]}")
                if book._orders.get(e[_ID]) is not e:
                    errors.append(f"order {e[_ID]!r} is on a level but not in the id index")
    if seen != len(book._orders):
        errors.append(f"{len(book._orders)} orders indexed but {seen} on levels")
    return errors


def _compiled_book() -> type | None:
    """The compiled book's class, unless ``OPENETS_PURE_BOOK=1`` or it is not built."""
    if os.environ.get("OPENETS_PURE_BOOK", "") not in ("", "0"):
        return None
    try:
        from openets.trading.cbook import CBook
    except ImportError:
        return None
    return CBook


if TYPE_CHECKING:
    OrderBook = PyOrderBook
    COMPILED: bool
else:
    _CBOOK = _compiled_book()
    COMPILED = _CBOOK is not None
    """True when ``OrderBook`` is the compiled book."""
    OrderBook = _CBOOK or PyOrderBook
