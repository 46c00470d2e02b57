"""OpenETS's order book (continuous double auction) in the shared benchmark's adapter interface.

Run next to the peers from the repository root::

    BENCH_ADAPTER_PATH=benchmarks/adapters python ../shared/bench/run.py \
        --adapters naive_sorted,order_book,openets_cda
"""

from __future__ import annotations

import sys
from operator import itemgetter, mul
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from adapters._base import ADD, BaseAdapter  # noqa: E402  (run.py puts adapters/ on the path)

from openets.trading.book import OrderBook  # noqa: E402

_PRICE, _QTY = itemgetter(2), itemgetter(3)  # fields of a fill tuple


class Adapter(BaseAdapter):
    name = "openets_cda"
    dist = "openets"
    price_time = True
    notes = "openets.trading.book.OrderBook.match: price-time, fills as tuples in a caller's list"

    def __init__(self) -> None:
        super().__init__()
        self.book: OrderBook[int] = OrderBook()

    def replay(self, events: list[tuple[int, int, int, int, int]]) -> None:
        book = self.book
        match, cancel = book.match, book.cancel
        fills: list[tuple[int, str, int, int, int]] = []
        for op, oid, side, price, qty in events:
            if op == ADD:
                match(oid, "", side, price, qty, fills)
            elif cancel(oid) is None:
                self.errors += 1
        prices, qtys = list(map(_PRICE, fills)), list(map(_QTY, fills))
        filled = sum(qtys)
        notional = sum(map(mul, prices, qtys))
        assert self.fills is not None and self.filled_qty is not None and self.notional is not None
        self.fills += len(fills)
        self.filled_qty += filled
        self.notional += notional

    def resting(self) -> tuple[int, int]:
        return len(self.book), self.book.resting_qty()
