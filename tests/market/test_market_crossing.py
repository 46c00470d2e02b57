"""The engine decides continuous trades with the book's read-only walk (``crossing``).

It must trade what an independent price-time reference matches, leave the book as it was, and
read each resting order of the levels it reaches once: a sweep through n levels costs O(n).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trading.test_trading_book import NaiveBook

from openets.trading.book import OrderBook, PyOrderBook, Side, book_errors

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


orders = st.lists(
    st.tuples(st.sampled_from([Side.BUY, Side.SELL]), st.integers(95, 105), st.integers(1, 50)),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(orders, st.sampled_from([Side.BUY, Side.SELL]), st.integers(90, 110), st.integers(1, 400))
def test_continuous_order_trades_what_the_reference_book_matches(
    flow: list[tuple[Side, int, int]], side: Side, price: int, qty: int
) -> None:
    book: OrderBook[int] = OrderBook()
    ref = NaiveBook()
    for i, (s, p, q) in enumerate(flow):
        book.match(i, f"a{i % 3}", s, p, q, [])
        ref.match(i, f"a{i % 3}", s, p, q, [])
    expected: list[tuple[int, str, int, int, int]] = []
    ref.match(10_000, "x", side, price, qty, expected)
    before = copy.deepcopy(book)
    assert book.crossing(side, price, qty) == expected
    assert list(book) == list(before) and book_errors(book) == []  # read-only


class _CountingLevels(dict[int, Any]):
    """A book's ``price -> level`` map that counts how often a level is read."""

    reads = 0

    def __getitem__(self, price: int) -> Any:
        type(self).reads += 1
        return super().__getitem__(price)


def test_a_sweep_through_the_book_reads_each_level_once() -> None:
    levels = 320
    book: PyOrderBook[int] = PyOrderBook()  # the compiled book's walk is one C loop
    for i in range(levels):
        book.post(i, "maker", Side.SELL, 5000 + i, 10)
    counting = _CountingLevels(book._ask_levels)
    book._ask_levels = counting
    _CountingLevels.reads = 0
    fills = book.crossing(Side.BUY, 5000 + levels, 10 * levels)
    assert [f[2] for f in fills] == [5000 + i for i in range(levels)]
    assert _CountingLevels.reads <= levels
