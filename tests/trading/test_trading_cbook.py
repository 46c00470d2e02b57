"""The compiled book (``openets/trading/_cbook.c``) against the pure-Python book, its reference.

Random operation streams -- matches, posts, takes, cancels and read-only walks, bad orders
among them -- go through both books: every return value, every error (type and message) and
the books after each step must be the same. The standard shared workload must give its
oracle's totals through the compiled book. Where a C compiler exists the extension must have
been built (``pip install -e .`` builds it): its absence fails here rather than skipping.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openets.trading.book import COMPILED, PyOrderBook, book_errors
from openets.trading.state import TradingState

pytestmark = pytest.mark.db_free  # books in memory only

REPO = Path(__file__).resolve().parents[2]
BUILT = importlib.util.find_spec("openets.trading._cbook") is not None
needs_build = pytest.mark.skipif(
    not BUILT, reason="the compiled book is not built (no C compiler: see the test below)"
)


def test_the_compiled_book_is_built_where_a_compiler_exists() -> None:
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler here: the pure-Python book serves")
    assert BUILT, (
        f"a C compiler exists ({compiler}) but openets.trading._cbook is not built: "
        "`make venv` builds it in a fresh clone; in a work tree, "
        "`python setup.py build_ext --inplace` builds it in place"
    )


@needs_build
def test_the_engine_uses_the_compiled_book_unless_told_not_to() -> None:
    if os.environ.get("OPENETS_PURE_BOOK", "") in ("", "0"):
        assert COMPILED and type(TradingState().book("CEA21")).__name__ == "CBook"
    code = ("from openets.trading.book import COMPILED, OrderBook;"
            " print(COMPILED, OrderBook.__name__)")
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENETS_PURE_BOOK": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "PyOrderBook"]


def _compiled() -> Any:
    return importlib.import_module("openets.trading.cbook").CBook()


def _call(book: Any, name: str, *args: Any) -> tuple[str, Any]:
    """What a call returns, or the error it raises (type and message)."""
    try:
        return "ok", getattr(book, name)(*args)
    except (ValueError, KeyError, TypeError) as exc:
        return type(exc).__name__, str(exc)


def _state(book: Any) -> tuple[Any, ...]:
    return (
        book.entries(),
        list(book),
        book.depth(1000),
        book.orders_in_best(0, 3),
        book.orders_in_best(1, 3),
        book.best_bid,
        book.best_ask,
        book.is_crossed(),
        len(book),
        book.resting_qty(),
        book.resting_qty(0),
        book.resting_qty(1),
        book_errors(book),
    )


# small ints, strings, and ints whose hashes collide or wrap round the compiled book's index
ids = st.one_of(
    st.integers(0, 40),
    st.sampled_from(["L1", "L2", "L3"]),
    st.sampled_from([-1, -2, 63, 127, 191, 255, 2**61 - 1, 2**61, 2**62]),
)
sides = st.one_of(st.sampled_from([0, 1]), st.sampled_from([0, 1, 2, "x"]))
prices = st.integers(95, 105)
qtys = st.one_of(st.integers(1, 30), st.integers(-2, 0))
ops = st.one_of(
    st.tuples(st.just("match"), ids, st.sampled_from("ABC"), sides, prices, qtys),
    st.tuples(st.just("post"), ids, st.sampled_from("ABC"), sides, prices, qtys),
    st.tuples(st.just("crossing"), sides, st.integers(90, 110), st.integers(-1, 200)),
    st.tuples(st.just("take"), ids, st.integers(-1, 40)),
    st.tuples(st.just("cancel"), ids),
    st.tuples(st.just("level_rank"), sides, st.integers(90, 110)),
    st.tuples(st.just("best_levels"), sides, st.integers(-1, 12)),
    st.tuples(st.just("orders_in_best"), sides, st.integers(-1, 12)),
    st.tuples(st.just("get"), ids),
    st.tuples(st.just("contains"), ids),
    st.tuples(st.just("pickle")),
    st.tuples(st.just("clear")),
)


@needs_build
@settings(max_examples=400, deadline=None)
@given(st.lists(ops, max_size=150))
def test_the_compiled_book_matches_the_python_book(stream: list[tuple[Any, ...]]) -> None:
    c, py = _compiled(), PyOrderBook[Any]()
    for op in stream:
        name, args = op[0], op[1:]
        if name == "match":
            cf: list[Any] = []
            pf: list[Any] = []
            assert (_call(c, name, *args, cf), cf) == (_call(py, name, *args, pf), pf), op
        elif name == "contains":
            assert (args[0] in c) == (args[0] in py)
        elif name == "pickle":
            c = pickle.loads(pickle.dumps(c))
        else:
            assert _call(c, name, *args) == _call(py, name, *args), op
        assert _state(c) == _state(py), op
    assert book_errors(c) == []


def test_a_long_random_stream_leaves_both_books_alike() -> None:
    """Thousands of orders: the compiled book's index grows, wraps and shrinks back."""
    if not BUILT:
        pytest.skip("the compiled book is not built")
    rng = random.Random(7)
    c, py = _compiled(), PyOrderBook[Any]()
    live: list[Any] = []
    for n in range(30_000):
        if live and rng.random() < 0.4:
            oid = live.pop(rng.randrange(len(live)))
            assert c.cancel(oid) == py.cancel(oid)
            continue
        oid = rng.choice((-64 * (n + 1), f"L{n}", n))  # -64k: one home slot, many ids
        side, price, qty = rng.randrange(2), 95 + rng.randrange(11), 1 + rng.randrange(50)
        cf: list[Any] = []
        pf: list[Any] = []
        assert c.match(oid, "A", side, price, qty, cf) == py.match(oid, "A", side, price, qty, pf)
        assert cf == pf
        if oid in py:
            live.append(oid)
    assert _state(c) == _state(py)


def _shared_workload() -> Any:
    env = os.environ.get("OPENETS_SHARED_BENCH")
    places = [Path(env)] if env else [up / "shared" / "bench" for up in REPO.parents]
    for place in places:
        if (place / "workload.py").is_file():
            spec = importlib.util.spec_from_file_location("shared_workload", place / "workload.py")
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    pytest.skip("no shared benchmark workload beside this repository (OPENETS_SHARED_BENCH)")


@needs_build
def test_the_standard_workload_gives_the_oracle_totals_through_the_compiled_book() -> None:
    events, stats = _shared_workload().generate_with_stats(200_000, 42)
    book = _compiled()
    fills: list[tuple[Any, str, int, int, int]] = []
    for op, oid, side, price, qty in events:
        if op == 0:
            book.match(oid, "", side, price, qty, fills)
        else:
            assert book.cancel(oid) is not None
    got = {
        "fills": len(fills),
        "filled_qty": sum(f[3] for f in fills),
        "notional_ticks": sum(f[2] * f[3] for f in fills),
        "resting_orders": len(book),
        "resting_qty": book.resting_qty(),
    }
    assert got == stats["expected"]
    assert book_errors(book) == []
