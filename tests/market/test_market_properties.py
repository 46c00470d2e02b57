"""Random trading days keep every invariant: conservation, no negative bucket, a sane book,
takes never beyond the fifth level, and replay reproduces the live state."""

from __future__ import annotations

from typing import Any

import pytest
from dsl import Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.bootstrap import new_state
from openets.domain.clock import parse_iso
from openets.domain.rejection import Code, Rejection
from openets.trading.book import Side
from openets.trading.commands import CancelListing, PlaceOrder, PostListing, TakeListing

CEA = "CEA21"
N = 4
CLOSE = parse_iso("2021-07-16T15:30+08:00")

op = st.one_of(
    st.tuples(
        st.just("post"),
        st.integers(0, N - 1),
        st.sampled_from([Side.BUY, Side.SELL]),
        st.integers(4500, 5100),
        st.integers(1, 300),
    ),
    st.tuples(st.just("take"), st.integers(0, N - 1), st.integers(0, 50), st.integers(1, 300)),
    st.tuples(st.just("cancel"), st.integers(0, N - 1), st.integers(0, 50)),
    st.tuples(st.just("clock"), st.integers(1, 5000)),
)


def _market(preset: str) -> tuple[Given, list[str]]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T09:30+08:00")
    accts = [g.account(tonnes={CEA: 1000}, fen=5_000_000) for _ in range(N)]
    return g, accts


def _run(g: Given, accts: list[str], ops: list[tuple[Any, ...]], continuous: bool) -> None:
    t = g.state.trading
    for o in ops:
        if o[0] == "post":
            cls = PlaceOrder if continuous else PostListing
            r = g.engine.submit(cls(accts[o[1]], CEA, o[2], o[3], o[4]), "u")
        elif o[0] == "take":
            ids = sorted(t.listings)
            lid = ids[o[2] % len(ids)] if ids else "L0"
            before_rank = None
            if lid in t.listings:
                lst = t.listings[lid]
                before_rank = t.books[CEA].level_rank(lst.side, lst.price)
            r = g.engine.submit(TakeListing(lid, accts[o[1]], o[3]), "u")
            if not isinstance(r, Rejection):
                assert before_rank is not None and before_rank < 5
            elif before_rank is not None and before_rank >= 5:
                assert r.code in (
                    Code.BEYOND_BEST_FIVE,
                    Code.UNKNOWN_LISTING,
                    Code.QUANTITY_OUT_OF_RANGE,
                    Code.SELF_TRADE,
                )
        elif o[0] == "cancel":
            ids = sorted(t.listings)
            lid = ids[o[2] % len(ids)] if ids else "L0"
            r = g.engine.submit(CancelListing(lid, accts[o[1]]), "u")
        else:
            # never past the close at 15:30, where the day is ended below
            left = (CLOSE - g.clock.now()).total_seconds()
            if left > 0:
                g.clock.advance(min(o[1], int(left)))
            continue
        del r
        assert g.state.violations() == []
        if continuous:
            assert not t.books[CEA].is_crossed()
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert g.state.violations() == []
    fresh = new_state()
    g.engine.replay_into(fresh, g.engine.journal.read())
    assert fresh.state_hash() == g.state.state_hash()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=80))
def test_random_listing_days_conserve_funds_and_allowances(ops: list[tuple[Any, ...]]) -> None:
    g, accts = _market("cn-demo")
    try:
        _run(g, accts, ops, continuous=False)
    finally:  # its connections back now, not when collected: examples run by the hundred
        g.engine.journal.close()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=80))
def test_random_continuous_days_never_cross_the_book_and_conserve(
    ops: list[tuple[Any, ...]],
) -> None:
    g, accts = _market("cn-cda")
    try:
        _run(g, accts, ops, continuous=True)
    finally:
        g.engine.journal.close()
