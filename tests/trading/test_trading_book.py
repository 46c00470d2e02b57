"""The order book: one contract, run against the fast book and a naive reference book.

The reference keeps every order in one list and finds the best maker with ``min`` on
(price, arrival): slow, short and obviously price-time. Random streams must give identical
fills, returns and books.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openets.trading.book import (
    BUY,
    SELL,
    Level,
    OrderBook,
    PyOrderBook,
    RestingOrder,
    Side,
    book_errors,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


Fill = tuple[Any, str, int, int, int]


@dataclass
class _RefOrder:
    order_id: Any
    account: str
    side: int
    price: int
    remaining: int
    seq: int


@dataclass
class NaiveBook:
    """The reference: a flat list, best maker by min((price, seq)) for asks, bids negated.

    Same public interface as :class:`OrderBook`, so the contract tests below run on both.
    """

    orders: list[_RefOrder] = field(default_factory=list)
    seq: int = 0

    def _rest(self, order_id: Any, account: str, side: int, price: int, qty: int) -> None:
        if qty <= 0 or self._find(order_id) is not None:
            raise ValueError(f"bad order {order_id!r} x {qty}")
        self.seq += 1
        self.orders.append(_RefOrder(order_id, account, side, price, qty, self.seq))

    def _find(self, order_id: Any) -> _RefOrder | None:
        return next((o for o in self.orders if o.order_id == order_id), None)

    def _key(self, o: _RefOrder) -> tuple[int, int]:
        return (o.price if o.side == SELL else -o.price, o.seq)

    def match(
        self, order_id: Any, account: str, side: int, price: int, qty: int, fills: list[Fill]
    ) -> int:
        if qty <= 0 or self._find(order_id) is not None:
            raise ValueError(f"bad order {order_id!r} x {qty}")
        while qty:
            makers = [
                o
                for o in self.orders
                if o.side != side and (o.price <= price if side == BUY else o.price >= price)
            ]
            if not makers:
                break
            m = min(makers, key=self._key)
            q = min(qty, m.remaining)
            m.remaining -= q
            qty -= q
            fills.append((m.order_id, m.account, m.price, q, m.remaining))
            if not m.remaining:
                self.orders.remove(m)
        if qty:
            self._rest(order_id, account, side, price, qty)
        return qty

    def post(self, order_id: Any, account: str, side: int, price: int, qty: int) -> None:
        self._rest(order_id, account, side, price, qty)

    def take(self, order_id: Any, qty: int) -> Fill:
        m = self._find(order_id)
        if m is None:
            raise KeyError(order_id)
        if not 0 < qty <= m.remaining:
            raise ValueError(f"take {qty} of {m.remaining}")
        m.remaining -= qty
        if not m.remaining:
            self.orders.remove(m)
        return (m.order_id, m.account, m.price, qty, m.remaining)

    def cancel(self, order_id: Any) -> int | None:
        m = self._find(order_id)
        if m is None:
            return None
        self.orders.remove(m)
        return m.remaining

    def get(self, order_id: Any) -> RestingOrder[Any] | None:
        m = self._find(order_id)
        return (
            None
            if m is None
            else RestingOrder(m.order_id, m.account, Side(m.side), m.price, m.remaining)
        )

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self) -> Iterator[RestingOrder[Any]]:
        return iter(
            [
                RestingOrder(o.order_id, o.account, Side(o.side), o.price, o.remaining)
                for o in self.orders
            ]
        )

    def resting_qty(self, side: int | None = None) -> int:
        return sum(o.remaining for o in self.orders if side is None or o.side == side)

    @property
    def best_bid(self) -> int | None:
        return max((o.price for o in self.orders if o.side == BUY), default=None)

    @property
    def best_ask(self) -> int | None:
        return min((o.price for o in self.orders if o.side == SELL), default=None)

    def is_crossed(self) -> bool:
        bid, ask = self.best_bid, self.best_ask
        return bid is not None and ask is not None and bid >= ask

    def best_levels(self, side: int, n: int = 5) -> tuple[Level, ...]:
        prices = sorted({o.price for o in self.orders if o.side == side}, reverse=side == BUY)
        return tuple(
            Level(
                p,
                sum(o.remaining for o in self.orders if o.side == side and o.price == p),
                sum(1 for o in self.orders if o.side == side and o.price == p),
            )
            for p in prices[:n]
        )

    def level_rank(self, side: int, price: int) -> int:
        return sum(
            1
            for lv in self.best_levels(side, 10**9)
            if (lv.price > price if side == BUY else lv.price < price)
        )

    def orders_in_best(self, side: int, n: int = 5) -> tuple[RestingOrder[Any], ...]:
        best = {lv.price for lv in self.best_levels(side, n)}
        mine = sorted((o for o in self.orders if o.side == side and o.price in best), key=self._key)
        return tuple(
            RestingOrder(o.order_id, o.account, Side(o.side), o.price, o.remaining) for o in mine
        )


BOOKS: list[Callable[[], Any]] = [OrderBook, PyOrderBook, NaiveBook]
each_book = pytest.mark.parametrize("make", BOOKS, ids=["fast", "python", "naive"])
"""Every contract test below runs on the fast book (compiled where built), the pure-Python
book and the naive book."""


def assert_same_book(book: OrderBook[int], ref: NaiveBook) -> None:
    assert book_errors(book) == []
    for side in (BUY, SELL):
        assert book.best_levels(side, 1000) == ref.best_levels(side, 1000)
        assert book.orders_in_best(side, 5) == ref.orders_in_best(side, 5)
        for lv in ref.best_levels(side, 1000):
            assert book.level_rank(side, lv.price) == ref.level_rank(side, lv.price)
    assert (book.best_bid, book.best_ask) == (ref.best_bid, ref.best_ask)
    assert len(book) == len(ref)
    assert book.resting_qty() == ref.resting_qty()
    assert sorted(book) == sorted(ref)


# ---------------------------------------------------------------- streams --
ACCOUNTS = ("A", "B", "C")
cda_op = st.one_of(
    st.tuples(
        st.just("match"),
        st.sampled_from(ACCOUNTS),
        st.sampled_from((BUY, SELL)),
        st.integers(95, 105),
        st.integers(1, 30),
    ),
    st.tuples(st.just("cancel"), st.integers(0, 10_000)),
    st.tuples(st.just("pickle")),
)
listing_op = st.one_of(
    st.tuples(
        st.just("post"),
        st.sampled_from(ACCOUNTS),
        st.sampled_from((BUY, SELL)),
        st.integers(95, 105),
        st.integers(1, 30),
    ),
    st.tuples(st.just("take"), st.integers(0, 10_000), st.integers(1, 1000)),
    st.tuples(st.just("cancel"), st.integers(0, 10_000)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cda_op, max_size=120))
def test_cda_stream_gives_the_same_fills_as_the_reference_book(ops: list[tuple[Any, ...]]) -> None:
    book: OrderBook[int] = OrderBook()
    ref = NaiveBook()
    next_id = 0
    for op in ops:
        if op[0] == "match":
            _, account, side, price, qty = op
            next_id += 1
            fills: list[Fill] = []
            want: list[Fill] = []
            rested = book.match(next_id, account, side, price, qty, fills)
            assert (fills, rested) == (want, ref.match(next_id, account, side, price, qty, want))
        elif op[0] == "cancel":
            target = op[1] % (next_id + 1)
            assert book.cancel(target) == ref.cancel(target)
        else:
            book = pickle.loads(pickle.dumps(book))
    assert_same_book(book, ref)


@settings(max_examples=300, deadline=None)
@given(st.lists(listing_op, max_size=120))
def test_listing_stream_behaves_as_the_reference_book(ops: list[tuple[Any, ...]]) -> None:
    book: OrderBook[int] = OrderBook()
    ref = NaiveBook()
    next_id = 0
    for op in ops:
        if op[0] == "post":
            _, account, side, price, qty = op
            next_id += 1
            book.post(next_id, account, side, price, qty)
            ref.post(next_id, account, side, price, qty)
        elif op[0] == "take":
            live = sorted(o.order_id for o in ref.orders)
            if not live:
                continue
            target = live[op[1] % len(live)]
            remaining = next(o.remaining for o in ref.orders if o.order_id == target)
            qty = 1 + (op[2] - 1) % remaining
            assert book.take(target, qty) == ref.take(target, qty)
        else:
            target = op[1] % (next_id + 1)
            assert book.cancel(target) == ref.cancel(target)
    assert_same_book(book, ref)


@each_book
@settings(max_examples=150, deadline=None)
@given(ops=st.lists(cda_op, max_size=80))
def test_cda_book_is_never_crossed_after_matching(
    make: Callable[[], Any], ops: list[tuple[Any, ...]]
) -> None:
    book = make()
    for i, op in enumerate(ops):
        if op[0] == "match":
            book.match(i, *op[1:], [])
            assert not book.is_crossed()
        elif op[0] == "cancel":
            book.cancel(op[1] % (i + 1))


@each_book
@settings(max_examples=150, deadline=None)
@given(ops=st.lists(cda_op, max_size=80))
def test_cda_quantities_are_conserved(make: Callable[[], Any], ops: list[tuple[Any, ...]]) -> None:
    book = make()
    submitted = filled = cancelled = 0
    for i, op in enumerate(ops):
        if op[0] == "match":
            fills: list[Fill] = []
            rested = book.match(i, *op[1:], fills)
            assert sum(f[3] for f in fills) + rested == op[4]
            assert all(f[3] > 0 and f[4] >= 0 for f in fills)
            submitted += op[4]
            filled += sum(f[3] for f in fills)
        elif op[0] == "cancel":
            cancelled += book.cancel(op[1] % (i + 1)) or 0
    # every tonne submitted traded (and is counted on both sides), rests or was cancelled
    assert submitted == 2 * filled + book.resting_qty() + cancelled


@each_book
@settings(max_examples=150, deadline=None)
@given(ops=st.lists(cda_op, max_size=80))
def test_fills_respect_price_time_priority(
    make: Callable[[], Any], ops: list[tuple[Any, ...]]
) -> None:
    book = make()
    for i, op in enumerate(ops):
        if op[0] != "match":
            continue
        _, account, side, price, qty = op
        fills: list[Fill] = []
        book.match(i, account, side, price, qty, fills)
        keys = [((p if side == BUY else -p), maker) for maker, _, p, _, _ in fills]
        assert keys == sorted(keys)  # better price first, then older (smaller id) first
        for _, _, p, _, _ in fills:
            assert p <= price if side == BUY else p >= price


# ------------------------------------------------------------------ rules --
def _book(make: Callable[[], Any], *orders: tuple[int, str, Side, int, int]) -> Any:
    book = make()
    for oid, account, side, price, qty in orders:
        book.post(oid, account, side, price, qty)
    return book


@each_book
def test_match_fills_at_the_maker_price(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "M", SELL, 5000, 10))
    fills: list[Fill] = []
    assert book.match(2, "T", BUY, 5100, 4, fills) == 0
    assert fills == [(1, "M", 5000, 4, 6)]


@each_book
def test_match_partly_filled_taker_rests_its_remainder(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "M", SELL, 5000, 10))
    fills: list[Fill] = []
    assert book.match(2, "T", BUY, 5000, 25, fills) == 15
    assert book.get(2) == RestingOrder(2, "T", BUY, 5000, 15)
    assert book.best_ask is None and book.best_bid == 5000


@each_book
def test_match_older_order_at_a_level_fills_first(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "M1", SELL, 5000, 5), (2, "M2", SELL, 5000, 5))
    fills: list[Fill] = []
    book.match(3, "T", BUY, 5000, 7, fills)
    assert fills == [(1, "M1", 5000, 5, 0), (2, "M2", 5000, 2, 3)]


@each_book
def test_match_better_price_fills_before_older_order(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "M1", SELL, 5001, 5), (2, "M2", SELL, 5000, 5))
    fills: list[Fill] = []
    book.match(3, "T", BUY, 5001, 6, fills)
    assert fills == [(2, "M2", 5000, 5, 0), (1, "M1", 5001, 1, 4)]


@each_book
def test_match_with_a_duplicate_order_id_is_refused(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "M", BUY, 5000, 5))
    with pytest.raises(ValueError):
        book.match(1, "M", BUY, 4900, 5, [])


@each_book
def test_listing_book_may_be_crossed_without_trading(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "B", BUY, 5100, 5), (2, "S", SELL, 5000, 5))
    assert book.is_crossed()
    assert len(book) == 2


@each_book
def test_take_reduces_the_listing_and_keeps_the_remainder(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "S", SELL, 5000, 10))
    assert book.take(1, 4) == (1, "S", 5000, 4, 6)
    assert book.get(1) == RestingOrder(1, "S", SELL, 5000, 6)


@each_book
def test_take_of_the_whole_remainder_removes_the_listing(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "S", SELL, 5000, 10))
    book.take(1, 10)
    assert book.get(1) is None and book.best_levels(SELL) == ()


@each_book
def test_take_above_the_remainder_is_a_broken_invariant(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "S", SELL, 5000, 10))
    with pytest.raises(ValueError):
        book.take(1, 11)


@each_book
def test_level_rank_counts_better_levels(make: Callable[[], Any]) -> None:
    book = _book(make, *((i, "S", SELL, 5000 + i, 1) for i in range(7)))
    book.post(100, "B", BUY, 4990, 1)
    book.post(101, "B", BUY, 4980, 1)
    assert [book.level_rank(SELL, 5000 + i) for i in range(7)] == list(range(7))
    assert book.level_rank(BUY, 4990) == 0 and book.level_rank(BUY, 4980) == 1


@each_book
def test_best_levels_aggregate_quantity_and_count(make: Callable[[], Any]) -> None:
    book = _book(make, (1, "S", SELL, 5000, 3), (2, "T", SELL, 5000, 4), (3, "S", SELL, 5002, 1))
    assert book.best_levels(SELL) == (Level(5000, 7, 2), Level(5002, 1, 1))


@each_book
def test_orders_in_best_lists_each_listing_of_the_best_levels(make: Callable[[], Any]) -> None:
    book = _book(make, *((i, "S", SELL, 5000 + i // 2, 1) for i in range(14)))
    picks = book.orders_in_best(SELL, 5)
    assert [o.order_id for o in picks] == list(range(10))


def test_depth_shows_both_sides_best_first() -> None:
    book = _book(OrderBook, (1, "S", SELL, 5000, 3), (2, "B", BUY, 4900, 4), (3, "B", BUY, 4950, 1))
    assert book.depth() == ((Level(4950, 1, 1), Level(4900, 4, 1)), (Level(5000, 3, 1),))


def test_clear_expires_every_order_in_arrival_order() -> None:
    book = _book(OrderBook, (1, "S", SELL, 5000, 3), (2, "B", BUY, 4900, 4))
    assert [o.order_id for o in book.clear()] == [1, 2]
    assert len(book) == 0 and book_errors(book) == []


def test_book_survives_pickling() -> None:
    book = _book(OrderBook, (1, "S", SELL, 5000, 3), (2, "B", BUY, 4900, 4))
    copy = pickle.loads(pickle.dumps(book))
    assert list(copy) == list(book) and book_errors(copy) == []
