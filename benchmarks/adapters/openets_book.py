"""OpenETS's order book alone, in the shared benchmark's adapter interface (as the peers are
bare books): every workload order is one ``OrderBook.match`` call, every cancel one ``cancel``.

Two variants, both checked against the workload's oracle:

* ``openets_book``: the compiled book (``openets/trading/_cbook.c`` through
  ``openets.trading.cbook.CBook``), what ``OrderBook`` is where the extension is built;
* ``openets_book_py``: the pure-Python book (``PyOrderBook``), the reference and the fallback.

Fills are collected as the book returns them (one tuple per execution) and counted in the
timed ``replay``. Without the extension only the pure-Python variant is offered.

    BENCH_ADAPTER_PATH=benchmarks/adapters python ../shared/bench/run.py \
        --adapters naive_sorted,order_book,openets_book,openets_book_py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from adapters._base import ADD, BaseAdapter  # noqa: E402  (run.py puts adapters/ on the path)

from openets.trading.book import PyOrderBook  # noqa: E402


class PyAdapter(BaseAdapter):
    name = "openets_book_py"
    dist = "openets"
    price_time = True
    notes = "OrderBook.match/cancel of the pure-Python book (PyOrderBook), fills as tuples"
    make: Any = PyOrderBook

    def __init__(self) -> None:
        super().__init__()
        self.book = self.make()

    def replay(self, events: list[tuple[int, int, int, int, int]]) -> None:
        book = self.book
        match, cancel = book.match, book.cancel
        made: list[tuple[int, str, int, int, int]] = []
        errors = 0
        for op, oid, side, price, qty in events:
            if op == ADD:
                match(oid, "", side, price, qty, made)
            elif cancel(oid) is None:
                errors += 1
        filled = notional = 0
        for f in made:
            filled += f[3]
            notional += f[2] * f[3]
        assert self.fills is not None and self.filled_qty is not None and self.notional is not None
        self.fills += len(made)
        self.filled_qty += filled
        self.notional += notional
        self.errors += errors

    def resting(self) -> tuple[int, int]:
        return len(self.book), self.book.resting_qty()


ADAPTERS: list[type[BaseAdapter]] = [PyAdapter]

if importlib.util.find_spec("openets.trading._cbook") is not None:
    from openets.trading.cbook import CBook

    class Adapter(PyAdapter):
        name = "openets_book"
        notes = "OrderBook.match/cancel of the compiled book (openets/trading/_cbook.c)"
        make = CBook

    ADAPTERS.insert(0, Adapter)
