"""The engine decides continuous trades with a read-only walk; it must equal the book's match."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from openets.trading.book import OrderBook, Side
from openets.trading.matching import peek_match

orders = st.lists(
    st.tuples(st.sampled_from([Side.BUY, Side.SELL]), st.integers(95, 105), st.integers(1, 50)),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(orders, st.sampled_from([Side.BUY, Side.SELL]), st.integers(90, 110), st.integers(1, 400))
def test_peek_match_equals_the_books_own_matching(
    flow: list[tuple[Side, int, int]], side: Side, price: int, qty: int
) -> None:
    book: OrderBook[int] = OrderBook()
    for i, (s, p, q) in enumerate(flow):
        book.match(i, f"a{i % 3}", s, p, q, [])
    expected: list[tuple[int, str, int, int, int]] = []
    copy.deepcopy(book).match(10_000, "x", side, price, qty, expected)
    assert peek_match(book, side, price, qty) == expected
