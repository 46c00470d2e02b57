"""Invariants of block negotiation over random sequences of actions (Hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openets.domain.clock import BEIJING
from openets.domain.ids import IdSource
from openets.domain.messages import Ctx
from openets.domain.rejection import Rejection
from openets.trading.block import (
    BlockSide,
    BlockState,
    RequestStatus,
    Transition,
    accept,
    counter,
    expire,
    held,
    open_request,
    reject,
    withdraw,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


PARTIES = ("S", "B", "C", "D")
action = st.tuples(
    st.sampled_from(["counter", "accept", "reject", "withdraw", "withdraw_all", "expire"]),
    st.sampled_from(PARTIES),
    st.integers(0, 5),  # which live quote
    st.integers(5_500, 10_500),
    st.integers(99_000, 300_000),
)


def step(
    state: BlockState, ctx: Ctx, kind: str, party: str, pick: int, price: int, qty: int
) -> Transition | None:
    """Apply one random action; None when it does not apply to this state."""
    quote = state.live[pick % len(state.live)] if state.live else None
    if kind == "counter":
        to = quote.by if quote is not None and party == "S" else None
        return counter(state, party, price, qty, ctx, to=to)
    if kind == "withdraw_all":
        return withdraw(state, party, ctx)
    if kind == "expire":
        return expire(state)
    if quote is None:
        return None
    if kind == "accept":
        return accept(state, party, quote.quote_id, quote.price, quote.quantity, ctx)
    if kind == "reject":
        return reject(state, party, quote.quote_id, ctx)
    return withdraw(state, party, ctx, quote.quote_id)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(BlockSide)),
    st.none() | st.sampled_from(("B", "C")),
    st.lists(action, max_size=25),
)
def test_applied_lock_changes_always_equal_what_the_state_holds(
    side: BlockSide,
    directed: str | None,
    actions: list[tuple[str, str, int, int, int]],
) -> None:
    ctx = Ctx(datetime(2026, 3, 2, 14, 0, tzinfo=BEIJING), "user", IdSource())
    first = open_request("S", side, "CEA25", 8_000, 200_000, 8_000, ctx, directed_to=directed)
    assert not isinstance(first, Rejection)
    state, outcome = first
    ledger: defaultdict[str, int] = defaultdict(int)
    for change in outcome.locks:
        ledger[change.party] += change.amount
    for kind, party, pick, price, qty in actions:
        t = step(state, ctx, kind, party, pick, price, qty)
        if t is None or isinstance(t, Rejection):
            continue
        state, outcome = t
        for change in outcome.locks:
            ledger[change.party] += change.amount
        holding = {p: amount for p, (_, amount) in held(state).items()}
        assert {p: a for p, a in ledger.items() if a} == holding
        assert all(a >= 0 for a in ledger.values())
    if state.status in (RequestStatus.WITHDRAWN, RequestStatus.EXPIRED):
        assert not any(ledger.values())
    if state.trade is not None:
        t_ = state.trade
        assert t_.buyer != t_.seller and "S" in (t_.buyer, t_.seller)
        assert t_.quantity >= 100_000 and 5_600 <= t_.price <= 10_400
        if directed is not None:
            assert directed in (t_.buyer, t_.seller)
