"""What a continuous-market order would do, without doing it.

The engine's handlers are pure: they decide the trades of an incoming order from the book as
it is, and the book changes only when the resulting events are applied (``take`` for each
maker, ``post`` for the rest). This walk reproduces :meth:`OrderBook.match` exactly:
price-time priority, fills at the maker's price.
"""

from __future__ import annotations

from typing import Any

from openets.trading.book import Fill, OrderBook, Side


def peek_match(book: OrderBook[Any], side: Side, price: int, qty: int) -> list[Fill[Any]]:
    """The fills an incoming limit order would get: ``(maker_id, account, price, qty, left)``."""
    opposite = Side.SELL if side is Side.BUY else Side.BUY
    fills: list[Fill[Any]] = []
    want = qty
    depth = 0
    while want > 0:
        depth += 1
        orders = book.orders_in_best(opposite, depth)
        if not orders:
            break
        level_price = orders[-1].price
        crosses = level_price <= price if side is Side.BUY else level_price >= price
        if not crosses:
            break
        for o in orders:
            if o.price != level_price:
                continue
            q = min(want, o.remaining)
            fills.append((o.order_id, o.account, o.price, q, o.remaining - q))
            want -= q
            if want == 0:
                break
        if len(book.orders_in_best(opposite, depth + 1)) == len(orders):
            break  # no deeper level
    return fills
