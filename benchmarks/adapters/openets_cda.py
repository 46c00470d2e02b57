"""OpenETS's continuous market, through the engine, in the shared benchmark's adapter interface.

Every workload event is a command submitted to :meth:`Engine.submit` of a market of the
``eu-like`` preset (continuous matching, no band, no position limit) on an in-memory journal:
``PlaceOrder`` for an order, ``CancelListing`` for a cancel. So what is measured is the whole
path of a continuous order: the pre-trade checks, the book's one read-only walk
(``OrderBook.crossing``), the funds of each trade through the clearing account, the locks, the
events, their encoding and hash chain, and their application to the state. Buy orders come from
one account (funded), sell orders from another (holding the allowances), so no order can meet
its own account's and the totals are the reference's.

Run next to the peers from the repository root::

    BENCH_ADAPTER_PATH=benchmarks/adapters python ../shared/bench/run.py \
        --adapters naive_sorted,order_book,openets_cda
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from adapters._base import ADD, BaseAdapter  # noqa: E402  (run.py puts adapters/ on the path)

from openets.bootstrap import open_market  # noqa: E402
from openets.clearing.funds import Deposit  # noqa: E402
from openets.domain.clock import SimulatedClock, parse_iso  # noqa: E402
from openets.domain.rejection import Rejection  # noqa: E402
from openets.registry import commands as rc  # noqa: E402
from openets.registry.model import SubjectType  # noqa: E402
from openets.trading.book import Side  # noqa: E402
from openets.trading.commands import CancelListing, ListInstrument, PlaceOrder  # noqa: E402
from openets.trading.events import ListingPosted, TradeExecuted  # noqa: E402

PRESET = "eu-like"
WHEN = "2021-07-16T10:00+02:00"  # a Friday, inside the preset's 08:00-18:00 session
INSTRUMENT = "CEA21"
REFERENCE_FEN = 6000  # the workload's mid price, 60.00
FUNDS_FEN = 10**15
HOLDING_T = 10**12


class Adapter(BaseAdapter):
    name = "openets_cda"
    dist = "openets"
    price_time = True
    notes = (
        "PlaceOrder/CancelListing through Engine.submit (eu-like preset, in-memory journal): "
        "checks, funds, locks, events, hash chain and state, not only the book"
    )

    def __init__(self) -> None:
        super().__init__()
        market = open_market(None, SimulatedClock(parse_iso(WHEN)), preset=PRESET)
        self.engine = engine = market.engine
        engine.submit(ListInstrument(INSTRUMENT, INSTRUMENT, REFERENCE_FEN), "exchange")
        accounts = []
        for i, name in enumerate(("买方", "卖方")):
            opened = engine.submit(
                rc.OpenAccount(SubjectType.INSTITUTION, name, _uscc(i), "北京"), "op1"
            )
            if isinstance(opened, Rejection):
                raise RuntimeError(f"the benchmark market refused an account: {opened}")
            accounts.append(opened[0].account_id)
        self.accounts = (accounts[0], accounts[1])  # BUY (0) and SELL (1), the workload's sides
        for cmd in (
            Deposit(accounts[0], FUNDS_FEN, "bench-deposit"),
            rc.Issue(accounts[1], INSTRUMENT, HOLDING_T, "bench allocation"),
        ):
            r = engine.submit(cmd, "op1")
            if isinstance(r, Rejection):
                raise RuntimeError(f"the benchmark market refused its setup: {r}")
        self.listing_of: dict[int, str] = {}  # workload order id -> the engine's order id

    def replay(self, events: list[tuple[int, int, int, int, int]]) -> None:
        submit = self.engine.submit
        accounts = self.accounts
        listing_of = self.listing_of
        sides = (Side.BUY, Side.SELL)
        fills = filled = notional = errors = 0
        for op, oid, side, price, qty in events:
            if op == ADD:
                r = submit(PlaceOrder(accounts[side], INSTRUMENT, sides[side], price, qty), "bench")
                if isinstance(r, Rejection):
                    errors += 1
                    continue
                for ev in r:
                    t = type(ev)
                    if t is TradeExecuted:
                        fills += 1
                        filled += ev.quantity  # type: ignore[attr-defined]
                        notional += ev.quantity * ev.price  # type: ignore[attr-defined]
                    elif t is ListingPosted:
                        listing_of[oid] = ev.listing_id  # type: ignore[attr-defined]
            else:
                lid = listing_of.pop(oid, None)
                if lid is None or isinstance(
                    submit(CancelListing(lid, accounts[side]), "bench"), Rejection
                ):
                    errors += 1
        assert self.fills is not None and self.filled_qty is not None and self.notional is not None
        self.fills += fills
        self.filled_qty += filled
        self.notional += notional
        self.errors += errors

    def resting(self) -> tuple[int, int]:
        book = self.engine.state.trading.books[INSTRUMENT]
        return len(book), book.resting_qty()


def _uscc(i: int) -> str:
    from openets.domain.identity import make_uscc

    return make_uscc(f"9111000{i + 1:010d}")
