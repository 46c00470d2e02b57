"""Order matching: OpenETS's continuous market against peer libraries, and checked listing takes.

1. Replays the shared standard workload (``../shared/bench/workload.py``: 200,000 events of
   one instrument, seed 42) through ``benchmarks/adapters/openets_cda.py`` -- every order a
   ``PlaceOrder`` submitted to the engine (in-memory journal), every cancel a ``CancelListing``
   -- and, in the same process and interleaved round by round, through the peer adapters of
   ``../shared/bench/adapters`` that import here (naive_sorted, order_book, limit_order_book,
   matching_engine...), which are bare books. Our fills, traded quantity, notional and final
   book must equal the workload's own oracle. Prints events/s for each and our ratio to the
   fastest peer. In the same rounds, the book alone (``benchmarks/adapters/openets_book.py``:
   one ``OrderBook.match`` per order, one ``cancel`` per cancel, as the peers are bare books),
   compiled and pure Python, each checked against the oracle: ``book alone ÷ fastest peer``.
2. A deep book: 10 orders, each sweeping a book of 320 levels, through the same adapters (the
   book alone's too); the totals must equal the reference's. Prints ms per sweeping order and
   our ratio to the fastest peer (a matcher that re-reads the book once per level shows here).
3. Standing depth: the workload through the engine with 5, then 320, levels of orders resting
   behind its book (outside its price band): events/s of each and their ratio, which is 1.0
   for a matcher whose cost per order does not grow with the book's depth; also per second of
   this process's CPU time (steadier than wall-clock on a shared machine).
4. Listing agreement trading with every pre-trade check of ``openets.trading.checks``: posts
   listings (checked) then takes them (checked: session, remainder, best five, self take),
   a few of them refused on purpose. Prints posts/s and takes/s.

Speed figures are for people to compare (no thresholds). A total that differs from the
reference makes the run exit with status 1, which fails CI (``.ci/run``).

    .venv/bin/python benchmarks/matching.py             # the full workload, 5 rounds
    .venv/bin/python benchmarks/matching.py --quick     # a 50,000-event prefix, 2 rounds
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _shared_bench() -> Path:
    """``$OPENETS_SHARED_BENCH``, else the first ``shared/bench`` beside the repository or above."""
    env = os.environ.get("OPENETS_SHARED_BENCH")
    if env:
        return Path(env)
    for up in REPO.parents:
        if (up / "shared" / "bench" / "workload.py").is_file():
            return up / "shared" / "bench"
    return REPO.parent / "shared" / "bench"


SHARED_BENCH = _shared_bench()
OUR_ADAPTER = REPO / "benchmarks" / "adapters" / "openets_cda.py"
BOOK_ADAPTER = REPO / "benchmarks" / "adapters" / "openets_book.py"
OURS = ("openets_cda", "openets_book", "openets_book_py")  # a disagreement of these fails the run
PEERS = (
    "naive_sorted",
    "order_book",
    "limit_order_book",
    "matching_engine",
)  # order_matching is left out: ~2,500 events/s would take minutes
sys.path.insert(0, str(REPO))

from benchmarks._bench import MISMATCH, bench  # noqa: E402
from openets.domain.clock import BEIJING  # noqa: E402
from openets.engine.collector import DEFAULT_GEN0, settle  # noqa: E402
from openets.trading.bands import price_band  # noqa: E402
from openets.trading.book import COMPILED, SELL, OrderBook  # noqa: E402
from openets.trading.calendar import TradingCalendar  # noqa: E402
from openets.trading.checks import check_listing_order, check_take  # noqa: E402
from openets.trading.rules import CN_TRADING_RULES  # noqa: E402

AdapterClass = Any  # classes of the shared bench's BaseAdapter (untyped code)
Event = tuple[int, int, int, int, int]  # (op, order_id, side, price, qty) of the shared workload


def info(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------ the CDA part --
def load_workload(n: int, seed: int) -> tuple[list[tuple[int, int, int, int, int]], dict[str, int]]:
    if str(SHARED_BENCH) not in sys.path:
        sys.path.insert(0, str(SHARED_BENCH))
    workload = importlib.import_module("workload")
    events, stats = workload.generate_with_stats(n, seed)
    return events, stats["expected"]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_adapters(peers: tuple[str, ...], books: bool = False) -> list[AdapterClass]:
    """Our engine's adapter first, then (``books``) the book alone's, compiled where built and
    pure Python, then every peer adapter that imports (the others are reported)."""
    if str(SHARED_BENCH) not in sys.path:
        sys.path.insert(0, str(SHARED_BENCH))
    classes: list[AdapterClass] = [_load("openets_cda_adapter", OUR_ADAPTER).Adapter]
    if books:
        classes.extend(_load("openets_book_adapter", BOOK_ADAPTER).ADAPTERS)
    for name in peers:
        try:
            module = importlib.import_module(f"adapters.{name}")
        except Exception as exc:  # any import failure means "not installed here"
            info(f"skipped peer {name}: {type(exc).__name__}: {exc}")
            continue
        classes.extend(getattr(module, "ADAPTERS", None) or [module.Adapter])
    return classes


def time_pass(cls: AdapterClass, events: list[tuple[int, int, int, int, int]]) -> float:
    adapter = cls()
    gc.collect()  # every pass starts from the same heap, whoever ran before
    start = time.perf_counter()
    adapter.replay(events)
    return time.perf_counter() - start


def measure(
    classes: list[AdapterClass], events: list[Any], rounds: int, min_time: float
) -> dict[str, float]:
    """Median events/s of each adapter over ``rounds``, the adapters interleaved in each round.

    A round of one adapter repeats fresh-instance passes until ``min_time`` has passed and
    keeps the mean pass, as the shared runner does; interleaving spreads the machine's slow
    phases over every adapter alike.
    """
    for cls in classes:  # warm-up
        time_pass(cls, events[:20_000])
    per_round: dict[str, list[float]] = {cls.name: [] for cls in classes}
    for _ in range(rounds):
        for cls in classes:
            spent, passes = 0.0, 0
            while spent < min_time or passes == 0:
                spent += time_pass(cls, events)
                passes += 1
            per_round[cls.name].append(len(events) * passes / spent)
    return {name: statistics.median(rates) for name, rates in per_round.items()}


def cross_check(cls: AdapterClass, events: list[Any], expected: dict[str, int]) -> list[str]:
    """Differences between an adapter's totals and the workload oracle's (n/a skipped)."""
    a = cls()
    a.replay(events)
    got = {
        "fills": a.fills,
        "filled_qty": a.filled_qty,
        "notional_ticks": a.notional,
    }
    resting = a.resting()
    if resting is not None:
        got["resting_orders"], got["resting_qty"] = resting
    problems = [
        f"{key}: {value} != expected {expected[key]}"
        for key, value in got.items()
        if value is not None and value != expected[key]
    ]
    if a.errors:
        problems.append(f"{a.errors} commands refused")
    return problems


def run_cda(args: argparse.Namespace) -> bool:
    if not (SHARED_BENCH / "workload.py").is_file():
        info(f"no shared workload at {SHARED_BENCH}: the matching comparison is skipped")
        return True
    events, expected = load_workload(args.n, args.seed)
    classes = load_adapters(tuple(args.peers.split(",")) if args.peers else PEERS, books=True)
    ok = True
    for cls in classes:
        if not getattr(cls, "price_time", True):
            continue
        problems = cross_check(cls, events, expected)
        if problems:
            info(f"{cls.name} disagrees with the workload oracle: {'; '.join(problems)}")
            ok = ok and cls.name not in OURS
    info(f"{len(events):,} events; ours agrees with the oracle: {ok}")
    info(f"the engine's book: {'compiled' if COMPILED else 'pure Python'}"
         + ("" if any(cls.name == "openets_book" for cls in classes)
            else " (openets.trading._cbook is not built: `pip install --no-deps -e .`)"))
    rates = measure(classes, events, args.rounds, args.min_time)
    for name, rate in rates.items():
        bench(f"cda_events_per_s.{name}", int(rate), "events/s")
    ours = {name: rates.pop(name) for name in OURS if name in rates}
    if rates:
        fastest = max(rates, key=lambda name: rates[name])
        info(f"fastest peer: {fastest} ({int(rates[fastest]):,} events/s)")
        bench("cda_ratio_to_fastest_peer", ours["openets_cda"] / rates[fastest], "x")
        if "openets_book" in ours:
            bench("book alone ÷ fastest peer", ours["openets_book"] / rates[fastest], "x")
        bench("book alone (pure Python) ÷ fastest peer", ours["openets_book_py"] / rates[fastest],
              "x")
    return ok


# ------------------------------------------------------- the deep-book part --
DEEP_LEVELS = 320
DEEP_ORDERS = 10
DEEP_MID = 6000


def deep_rounds(levels: int, orders: int) -> list[tuple[list[Event], Event]]:
    """``orders`` rounds: ``levels`` resting orders of 10 t, one a level, then one order that
    sweeps them all (sells swept by a buy, then buys by a sell, alternately)."""
    out: list[tuple[list[Event], Event]] = []
    oid = 0
    for r in range(orders):
        rest_side, sign = (1, 1) if r % 2 == 0 else (0, -1)
        posts = []
        for i in range(levels):
            oid += 1
            posts.append((0, oid, rest_side, DEEP_MID + sign * i, 10))
        oid += 1
        sweep = (0, oid, 1 - rest_side, DEEP_MID + sign * (levels - 1), 10 * levels)
        out.append((posts, sweep))
    return out


def deep_expected(levels: int, orders: int) -> dict[str, int]:
    """What price-time matching must give on :func:`deep_rounds` (every resting order filled)."""
    notional = sum(10 * (DEEP_MID + s * i) for r in range(orders) for i in range(levels)
                   for s in ((1,) if r % 2 == 0 else (-1,)))
    return {
        "fills": levels * orders,
        "filled_qty": 10 * levels * orders,
        "notional_ticks": notional,
        "resting_orders": 0,
        "resting_qty": 0,
    }


def time_sweeps(cls: AdapterClass, rounds: list[tuple[list[Event], Event]]) -> tuple[float, Any]:
    """Seconds spent in the sweeping orders only (the resting orders are placed untimed)."""
    adapter = cls()
    spent = 0.0
    for posts, sweep in rounds:
        adapter.replay(posts)
        gc.collect()
        start = time.perf_counter()
        adapter.replay([sweep])
        spent += time.perf_counter() - start
    return spent, adapter


def run_deep(args: argparse.Namespace) -> bool:
    """Orders that sweep a 320-level book: the matcher must walk it once, not once per level."""
    if not (SHARED_BENCH / "workload.py").is_file():
        info(f"no shared bench at {SHARED_BENCH}: the deep-book comparison is skipped")
        return True
    levels, orders = args.deep_levels, DEEP_ORDERS
    rounds = deep_rounds(levels, orders)
    expected = deep_expected(levels, orders)
    classes = load_adapters(tuple(args.peers.split(",")) if args.peers else PEERS, books=True)
    ok = True
    per_class: dict[str, list[float]] = {cls.name: [] for cls in classes}
    for _ in range(args.rounds):
        for cls in classes:
            spent, adapter = time_sweeps(cls, rounds)
            per_class[cls.name].append(spent)
            if cls.name in OURS and getattr(cls, "price_time", True):
                got = {"fills": adapter.fills, "filled_qty": adapter.filled_qty,
                       "notional_ticks": adapter.notional}
                got["resting_orders"], got["resting_qty"] = adapter.resting()
                bad = [f"{k}: {v} != expected {expected[k]}" for k, v in got.items()
                       if v != expected[k]]
                if bad or adapter.errors:
                    info(f"{cls.name} disagrees on the deep book: {'; '.join(bad)}"
                         f" (errors: {adapter.errors})")
                    ok = False
    seconds = {name: statistics.median(v) for name, v in per_class.items()}
    info(f"{orders} orders each sweeping {levels} levels; ours agrees with the reference: {ok}")
    for name, s in seconds.items():
        bench(f"cda_deep{levels}_sweep_ms.{name}", 1000 * s / orders, "ms/order")
    ours = {name: seconds.pop(name) for name in OURS if name in seconds}
    if seconds:
        fastest = min(seconds, key=lambda name: seconds[name])
        bench(f"cda_deep{levels}_ratio_to_fastest_peer", seconds[fastest] / ours["openets_cda"],
              "x")
        if "openets_book" in ours:
            bench(f"book alone, deep{levels}, ÷ fastest peer",
                  seconds[fastest] / ours["openets_book"], "x")
    return ok


# ------------------------------------------------------- standing depth --
FAR = 200  # ticks beyond the workload's band (5880..6120): never reached by its orders


def standing_depth(levels: int) -> list[Event]:
    """``levels`` buy and ``levels`` sell orders of 10 t, one a level, outside the workload's
    price band: a book that deep which the workload's orders trade in front of."""
    out: list[Event] = []
    for i in range(levels):
        out.append((0, -(2 * i + 1), 1, 6120 + FAR + i, 10))
        out.append((0, -(2 * i + 2), 0, 5880 - FAR - i, 10))
    return out


def run_depth(args: argparse.Namespace) -> bool:
    """PlaceOrder through the engine with 5 and with ``--deep-levels`` levels standing behind
    the workload's book: the per-order cost must not grow with the book's depth."""
    if not (SHARED_BENCH / "workload.py").is_file():
        info(f"no shared bench at {SHARED_BENCH}: the standing-depth comparison is skipped")
        return True
    events, expected = load_workload(min(args.n, args.depth_n), args.seed)
    (ours,) = load_adapters(())[:1]
    ok = True
    rates: dict[int, list[float]] = {5: [], args.deep_levels: []}
    cpu_rates: dict[int, list[float]] = {5: [], args.deep_levels: []}  # steadier when shared
    for _ in range(args.rounds):
        for depth in rates:
            adapter = ours()
            adapter.replay(standing_depth(depth))
            # the collector as the server sets it once its market is recovered
            threshold = gc.get_threshold()
            settle(0 if args.python_gc else DEFAULT_GEN0)
            start, cpu = time.perf_counter(), time.process_time()
            adapter.replay(events)
            rates[depth].append(len(events) / (time.perf_counter() - start))
            cpu_rates[depth].append(len(events) / (time.process_time() - cpu))
            gc.unfreeze()
            gc.set_threshold(*threshold)
            orders, qty = adapter.resting()
            want = (expected["resting_orders"] + 2 * depth, expected["resting_qty"] + 20 * depth)
            got = (adapter.fills, adapter.filled_qty, adapter.notional, orders, qty)
            if got != (expected["fills"], expected["filled_qty"], expected["notional_ticks"],
                       *want) or adapter.errors:
                info(f"openets_cda with {depth} standing levels disagrees with the oracle: "
                     f"{got} (errors: {adapter.errors})")
                ok = False
    median = {d: statistics.median(r) for d, r in rates.items()}
    for depth, rate in median.items():
        bench(f"cda_events_per_s.openets_cda.standing{depth}", int(rate), "events/s")
        bench(f"cda_events_per_cpu_s.openets_cda.standing{depth}",
              int(statistics.median(cpu_rates[depth])), "events/cpu-s")
    bench(f"cda_standing{args.deep_levels}_to_standing5", median[args.deep_levels] / median[5],
          "x")
    return ok


# -------------------------------------------------------- the listing part --
RULES = CN_TRADING_RULES
PREV_CLOSE = 4_800
WHEN = datetime(2021, 7, 16, 10, 0, tzinfo=BEIJING)  # the first trading day, in session

Listing = tuple[str, str, int, int, int]  # (listing_id, account, side, price, qty)
Take = tuple[str, str, int]  # (listing_id, taker, qty)


def make_listings(n: int, rng: random.Random) -> list[Listing]:
    """``n`` sell listings over 30 price levels from the previous close up, 50 sellers."""
    return [
        (
            f"L{i:07d}",
            f"S{rng.randrange(50):03d}",
            SELL,
            PREV_CLOSE + rng.randrange(30),
            1 + rng.randrange(200),
        )
        for i in range(n)
    ]


def plan_takes(listings: list[Listing], n: int, rng: random.Random) -> tuple[list[Take], int]:
    """``n`` takes near the best price; every 16th beyond the best five, every 25th a self take.

    Returns the plan and how many takes the checks must refuse.
    """
    by_price = sorted(listings, key=lambda x: x[3])  # stable: arrival order within a price
    remaining = {x[0]: x[4] for x in by_price}
    worst = by_price[-1]
    front, plan, refused = 0, [], 0
    for step in range(n):
        if step % 16 == 15:
            plan.append((worst[0], "B000", 1))
            refused += 1
            continue
        while front < len(by_price) and not remaining[by_price[front][0]]:
            front += 1
        if front >= len(by_price) - 1:
            break
        lid, seller = by_price[front + rng.randrange(min(64, len(by_price) - 1 - front))][:2]
        if not remaining[lid]:
            lid, seller = by_price[front][:2]
        if step % 25 == 24:
            plan.append((lid, seller, 1))
            refused += 1
            continue
        qty = 1 + rng.randrange(remaining[lid])
        remaining[lid] -= qty
        plan.append((lid, f"B{step % 97:03d}", qty))
    return plan, refused


def post_all(book: OrderBook[str], listings: list[Listing], cal: TradingCalendar) -> int:
    band = price_band(PREV_CLOSE, RULES.listing_band_bps or 0, RULES.tick_fen)
    posted = 0
    for lid, account, side, price, qty in listings:
        if check_listing_order(RULES, cal, WHEN, band, PREV_CLOSE, price, qty) is None:
            book.post(lid, account, side, price, qty)
            posted += 1
    return posted


def take_all(book: OrderBook[str], plan: list[Take], cal: TradingCalendar) -> int:
    """Run the plan as the engine would: look up, check, take. Returns the refusals."""
    get, take = book.get, book.take
    refused = 0
    for lid, taker, qty in plan:
        listing = get(lid)
        if listing is None:
            raise AssertionError(f"planned listing {lid} is gone")
        if check_take(RULES, cal, WHEN, book, listing, taker, qty) is None:
            take(lid, qty)
        else:
            refused += 1
    return refused


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_listing(args: argparse.Namespace) -> bool:
    rng = random.Random(args.seed)
    n_takes = args.takes
    listings = make_listings(n_takes // 3, rng)
    plan, want_refused = plan_takes(listings, n_takes, rng)
    cal = TradingCalendar()
    post_rates, take_rates, ok = [], [], True
    for _ in range(args.rounds):
        book: OrderBook[str] = OrderBook()
        spent, posted = timed(lambda book=book: post_all(book, listings, cal))  # type: ignore[misc]
        post_rates.append(posted / spent)
        spent, refused = timed(lambda book=book: take_all(book, plan, cal))  # type: ignore[misc]
        take_rates.append(len(plan) / spent)
        ok = ok and posted == len(listings) and refused == want_refused
    info(f"{len(listings):,} listings, {len(plan):,} takes ({want_refused:,} refused by design)")
    bench("listing_posts_per_s_checked", int(statistics.median(post_rates)), "posts/s")
    bench("listing_takes_per_s_checked", int(statistics.median(take_rates)), "takes/s")
    if not ok:
        info("the listing run did not post or refuse what the plan says")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a 50,000-event prefix, fewer rounds")
    ap.add_argument("--n", type=int, default=200_000, help="workload events (a prefix if less)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=1.0, help="seconds per adapter and round")
    ap.add_argument("--takes", type=int, default=300_000)
    ap.add_argument("--deep-levels", type=int, default=DEEP_LEVELS, help="levels of the deep book")
    ap.add_argument("--depth-n", type=int, default=50_000,
                    help="workload events of the standing-depth comparison")
    ap.add_argument("--python-gc", action="store_true",
                    help="standing depth: Python's own collector thresholds, not the server's")
    ap.add_argument("--peers", default="", help="comma-separated peer adapters (default: all fast)")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.rounds, args.min_time = min(args.n, 50_000), 2, 0.1
        args.takes = min(args.takes, 30_000)
        args.depth_n = min(args.depth_n, 10_000)
    ok = run_cda(args)
    ok = run_deep(args) and ok
    ok = run_depth(args) and ok
    ok = run_listing(args) and ok
    if not ok:
        info("FAILED: a total differs from the reference (see above)")
    return 0 if ok else MISMATCH


if __name__ == "__main__":
    sys.exit(main())
