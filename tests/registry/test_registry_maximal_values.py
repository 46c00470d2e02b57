"""Allowances and prices at the edges of what is accepted never break the state hash, ``verify``,
``replay`` or ``backup``: the largest quantity the API takes, issued, transferred, surrendered
and corrected many times over; the highest price the rules accept (the largest amount the API
takes, 999,999,999,999,999.99 yuan, as the reference price and at the top of the price band)
listed, taken for the largest trade value a buyer can pay, and settled at the end of day."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dsl import START, Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.api.schemas.common import MAX_QUANTITY
from openets.bootstrap import open_market
from openets.clearing.limits import MAX_ACCOUNT_FEN
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.money import parse_yuan
from openets.domain.rejection import Rejection
from openets.ops.backup import backup
from openets.ops.eod import run_end_of_day
from openets.ops.verify import replay_market, verify_market
from openets.registry import commands as rc
from openets.trading.block import BlockSide
from openets.trading.block_messages import PostBlockRequest
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing
from openets.trading.rules import CN_TRADING_RULES as CN_RULES

P = "CEA21"
quantities = st.one_of(
    st.just(MAX_QUANTITY), st.integers(MAX_QUANTITY - 10**6, MAX_QUANTITY), st.integers(1, 10)
)
ops = st.lists(
    st.tuples(st.sampled_from(("issue", "transfer", "surrender", "correct")), quantities),
    min_size=1,
    max_size=30,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops, issues=st.integers(1, 12))
def test_maximal_quantities_pass_state_hash_verify_replay_and_backup(
    ops: list[tuple[str, int]], issues: int
) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)
        url = f"sqlite:///{path / 'market.db'}"
        clock = SimulatedClock(parse_iso(START))
        g = Given(open_market(url, clock), clock)
        a, b = g.account(), g.account()
        for _ in range(issues):  # the largest quantity, issued again and again
            g.ok(rc.Issue(a, P, MAX_QUANTITY, "maximal"))
        txs: list[str] = []
        for i, (kind, qty) in enumerate(ops):
            src, dst = (a, b) if i % 2 == 0 else (b, a)
            if kind == "issue":
                r = g.engine.submit(rc.Issue(dst, P, qty, "maximal"), "op1")
            elif kind == "transfer":
                r = g.engine.submit(rc.RequestTransfer(src, dst, P, qty, "m"), "op1")
                if not isinstance(r, Rejection):
                    r = g.engine.submit(rc.Decide(r[0].request_id, True), "op2")
            elif kind == "surrender":
                r = g.engine.submit(rc.Surrender(src, 2021, ((P, qty),)), "op1")
            else:
                tx = txs[i % len(txs)] if txs else "TX000000"
                r = g.engine.submit(rc.RequestCorrection(tx, "m"), "op1")
                if not isinstance(r, Rejection):
                    r = g.engine.submit(rc.Decide(r[0].request_id, True), "op2")
            if not isinstance(r, Rejection):
                txs += [e.tx_id for e in r if hasattr(e, "tx_id")]
        assert g.state.registry.issued(P) >= issues * MAX_QUANTITY
        assert g.state.violations() == []
        live = g.state.state_hash()
        g.engine.journal.close()
        ok, lines = verify_market(url)
        assert ok, lines
        _, replayed, _ = replay_market(url)
        assert replayed == live
        summary = backup(url, path / "backup.jsonl.gz")
        assert summary.state_hash == live


MAX_PRICE = parse_yuan("999999999999999.99")
"""The largest amount the API accepts: the highest price (and reference price) it takes."""
LOW_PRICE = -(-MAX_PRICE * (10_000 - CN_RULES.listing_band_bps) // 10_000)  # the band's floor
MAX_LISTING = CN_RULES.listing_max_qty
prices = st.one_of(
    st.just(MAX_PRICE), st.integers(MAX_PRICE - 10**6, MAX_PRICE), st.integers(LOW_PRICE, MAX_PRICE)
)
listing_qty = st.one_of(st.just(MAX_LISTING), st.integers(1, 3), st.integers(1, MAX_LISTING))
trading_ops = st.lists(
    st.tuples(st.sampled_from(("sell", "buy", "take", "hit")), prices, listing_qty),
    min_size=1,
    max_size=25,
)


def _ok(g: Given, cmd: object) -> tuple[object, ...]:
    r = g.engine.submit(cmd, "op1")
    assert not isinstance(r, Rejection), r
    return tuple(r)


def _listing_id(events: tuple[object, ...]) -> str:
    return str(next(e.listing_id for e in events if type(e).__name__ == "ListingPosted"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=trading_ops)
def test_maximal_prices_and_trade_values_pass_state_hash_verify_replay_and_backup(
    ops: list[tuple[str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)
        url = f"sqlite:///{path / 'market.db'}"
        clock = SimulatedClock(parse_iso(START))
        g = Given(open_market(url, clock), clock)
        code = g.instrument("CEA21", "999999999999999.99")
        seller = g.account(tonnes={P: MAX_QUANTITY})
        buyers = [g.account(fen=MAX_ACCOUNT_FEN) for _ in range(3)]
        g.at("2021-07-16T13:30+08:00")  # the listing and the block sessions
        # The largest trade value a buyer can pay: 1 t at the highest price, its whole balance.
        top = _listing_id(_ok(g, PostListing(seller, code, Side.SELL, MAX_PRICE, 1)))
        _ok(g, TakeListing(top, buyers[0], 1))
        # The largest amounts that rest: a listing and a block request at the highest price.
        _ok(g, PostListing(seller, code, Side.SELL, MAX_PRICE, MAX_LISTING))
        block = PostBlockRequest(seller, code, BlockSide.SELL, MAX_PRICE, MAX_QUANTITY // 2)
        _ok(g, block)
        sells: list[str] = []
        bids: list[str] = []
        for i, (kind, price, qty) in enumerate(ops):
            buyer = buyers[i % 3]
            if kind == "sell":
                r = g.engine.submit(PostListing(seller, code, Side.SELL, price, qty), "op1")
                sells += [] if isinstance(r, Rejection) else [_listing_id(tuple(r))]
            elif kind == "buy":
                r = g.engine.submit(PostListing(buyer, code, Side.BUY, price, qty), "op1")
                bids += [] if isinstance(r, Rejection) else [_listing_id(tuple(r))]
            elif kind == "take" and sells:
                g.engine.submit(TakeListing(sells[-1], buyer, qty), "op1")
            elif kind == "hit" and bids:
                g.engine.submit(TakeListing(bids[-1], seller, qty), "op1")
        g.at("2021-07-16T15:30+08:00")
        report = run_end_of_day(g.engine)
        assert report.settled >= 1
        assert g.state.funds.of(seller)[0] >= MAX_PRICE  # paid the largest trade value
        assert g.state.violations() == []
        live = g.state.state_hash()
        g.engine.journal.close()
        ok, lines = verify_market(url)
        assert ok, lines
        _, replayed, _ = replay_market(url)
        assert replayed == live
        summary = backup(url, path / "backup.jsonl.gz")
        assert summary.state_hash == live
