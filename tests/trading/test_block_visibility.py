"""Block trading: who sees which request and whose identity."""

from __future__ import annotations

from datetime import datetime

import pytest

from openets.domain.clock import BEIJING
from openets.domain.ids import IdSource
from openets.domain.messages import Ctx
from openets.domain.rejection import Rejection
from openets.trading.block import (
    BlockOutcome,
    BlockSide,
    BlockState,
    Transition,
    accept,
    counter,
    open_request,
    view_for,
    visible_to,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


CTX = Ctx(datetime(2026, 3, 2, 14, 0, tzinfo=BEIJING), "user", IdSource())


def ok(t: Transition) -> tuple[BlockState, BlockOutcome]:
    assert not isinstance(t, Rejection), t
    return t


def open_sell(directed_to: str | None = None) -> BlockState:
    t = open_request(
        "S", BlockSide.SELL, "CEA25", 8_000, 200_000, 8_000, CTX, directed_to=directed_to
    )
    return ok(t)[0]


def test_directed_offer_is_visible_only_to_the_two_parties() -> None:
    state = open_sell(directed_to="B")
    assert visible_to(state, "S") and visible_to(state, "B")
    assert not visible_to(state, "C")
    assert view_for(state, "C") is None


def test_open_request_is_visible_to_all_without_the_requester_identity() -> None:
    state = open_sell()
    view = view_for(state, "C")
    assert view is not None and view.requester is None
    assert [q.by for q in view.quotes] == [None]
    own = view_for(state, "S")
    assert own is not None and own.requester == "S"


def test_dialogue_is_visible_only_to_its_two_parties() -> None:
    state, _ = ok(counter(open_sell(), "B", 7_900, 150_000, CTX))
    state, _ = ok(counter(state, "S", 7_950, 150_000, CTX, to="B"))
    outsider = view_for(state, "C")
    assert outsider is not None and len(outsider.quotes) == 1  # only the public quote
    inside = view_for(state, "B")
    assert inside is not None and len(inside.quotes) == 2
    assert all(q.by is None for q in inside.quotes)  # the requester's quotes stay anonymous


def test_requester_identity_is_revealed_to_its_counterparty_after_the_trade() -> None:
    state = open_sell()
    state, _ = ok(accept(state, "B", state.live[0].quote_id, 8_000, 200_000, CTX))
    view = view_for(state, "B")
    assert view is not None and view.requester == "S"
    assert view_for(state, "C") is None
