"""Block trading: counter-offers, confirmation by both sides, rejection, withdrawal, expiry."""

from __future__ import annotations

from datetime import datetime

import pytest

from openets.domain.clock import BEIJING
from openets.domain.ids import IdSource
from openets.domain.messages import Ctx
from openets.domain.rejection import Code, Rejection
from openets.trading.auction import LockAsset, LockChange
from openets.trading.block import (
    BlockOutcome,
    BlockSide,
    BlockState,
    RequestStatus,
    Step,
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


IDS = IdSource()
PREV_CLOSE = 8_000


def ctx(hour: int = 13, minute: int = 30, day: int = 2) -> Ctx:
    return Ctx(datetime(2026, 3, day, hour, minute, tzinfo=BEIJING), "user", IDS)


def ok(t: Transition) -> tuple[BlockState, BlockOutcome]:
    assert not isinstance(t, Rejection), t
    return t


def open_sell(directed_to: str | None = None) -> BlockState:
    t = open_request(
        "S", BlockSide.SELL, "CEA25", 8_000, 200_000, PREV_CLOSE, ctx(), directed_to=directed_to
    )
    return ok(t)[0]


def test_counter_offer_locks_the_counterparty() -> None:
    state = open_sell()
    state2, out = ok(counter(state, "B", 7_900, 150_000, ctx()))
    assert out.step is Step.COUNTERED and out.quote is not None and out.quote.to == "S"
    assert out.locks == (LockChange("B", LockAsset.FUNDS, 7_900 * 150_000),)
    assert len(state2.live) == 2  # the public quote stays up for everyone else


def test_requester_counter_back_replaces_the_counterparty_quote_and_releases_it() -> None:
    state, first = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    state, out = ok(counter(state, "S", 7_950, 150_000, ctx(), to="B"))
    assert first.quote is not None and out.ended == (first.quote.quote_id,)
    assert out.locks == (LockChange("B", LockAsset.FUNDS, -7_900 * 150_000),)
    # the seller already holds 200,000 t for its public quote: no more to lock for 150,000 t
    assert held(state)["S"] == (LockAsset.ALLOWANCES, 200_000)


def test_counterparty_counter_back_again_relocks_at_its_new_price() -> None:
    state, _ = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    state, _ = ok(counter(state, "S", 7_950, 150_000, ctx(), to="B"))
    state, out = ok(counter(state, "B", 7_920, 150_000, ctx()))
    assert out.locks == (LockChange("B", LockAsset.FUNDS, 7_920 * 150_000),)


def test_trade_happens_only_when_both_agree_on_price_and_quantity() -> None:
    state, c = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    assert c.quote is not None
    wrong_price = accept(state, "S", c.quote.quote_id, 7_950, 150_000, ctx())
    wrong_qty = accept(state, "S", c.quote.quote_id, 7_900, 200_000, ctx())
    assert isinstance(wrong_price, Rejection) and wrong_price.code is Code.INVALID_PRICE
    assert isinstance(wrong_qty, Rejection) and wrong_qty.code is Code.INVALID_QUANTITY
    state2, out = ok(accept(state, "S", c.quote.quote_id, 7_900, 150_000, ctx()))
    assert out.step is Step.TRADED and state2.status is RequestStatus.TRADED
    assert out.trade is not None
    assert (out.trade.buyer, out.trade.seller) == ("B", "S")
    assert (out.trade.price, out.trade.quantity) == (7_900, 150_000)


def test_trade_keeps_exactly_the_trade_amounts_locked_and_releases_the_rest() -> None:
    state, _ = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    state, _ = ok(counter(state, "C", 7_800, 100_000, ctx()))
    public = next(q for q in state.live if q.to is None)
    _, out = ok(accept(state, "B", public.quote_id, 8_000, 200_000, ctx()))
    assert set(out.locks) == {
        LockChange("B", LockAsset.FUNDS, 8_000 * 200_000 - 7_900 * 150_000),
        LockChange("C", LockAsset.FUNDS, -7_800 * 100_000),
    }
    assert out.trade is not None and out.trade.quantity == 200_000


def test_requester_cannot_accept_its_own_public_quote() -> None:
    state = open_sell()
    out = accept(state, "S", state.live[0].quote_id, 8_000, 200_000, ctx())
    assert isinstance(out, Rejection) and out.code is Code.SELF_TRADE


def test_quote_cannot_be_accepted_by_an_account_it_is_not_addressed_to() -> None:
    state, c = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    assert c.quote is not None
    out = accept(state, "C", c.quote.quote_id, 7_900, 150_000, ctx())
    assert isinstance(out, Rejection) and out.code is Code.NOT_PERMITTED


def test_directed_offer_is_accepted_only_by_the_named_counterparty() -> None:
    state = open_sell(directed_to="B")
    quote = state.live[0]
    stranger = accept(state, "C", quote.quote_id, 8_000, 200_000, ctx())
    assert isinstance(stranger, Rejection) and stranger.code is Code.NOT_PERMITTED
    stranger_counter = counter(state, "C", 7_900, 200_000, ctx())
    assert isinstance(stranger_counter, Rejection) and stranger_counter.code is Code.NOT_PERMITTED
    _, out = ok(accept(state, "B", quote.quote_id, 8_000, 200_000, ctx()))
    assert out.trade is not None and out.trade.buyer == "B"


def test_directed_counter_replaces_the_requester_quote() -> None:
    state = open_sell(directed_to="B")
    state, out = ok(counter(state, "B", 7_900, 200_000, ctx()))
    assert [q.by for q in state.live] == ["B"]
    assert LockChange("S", LockAsset.ALLOWANCES, -200_000) in out.locks


def test_requester_cannot_counter_an_account_it_is_not_talking_to() -> None:
    out = counter(open_sell(), "S", 7_900, 200_000, ctx(), to="Z")
    assert isinstance(out, Rejection) and out.code is Code.NOT_PERMITTED


def test_counter_offer_below_the_block_minimum_is_rejected() -> None:
    out = counter(open_sell(), "B", 7_900, 99_999, ctx())
    assert isinstance(out, Rejection) and out.code is Code.QUANTITY_OUT_OF_RANGE


def test_counter_offer_outside_the_band_is_rejected() -> None:
    out = counter(open_sell(), "B", 5_599, 100_000, ctx())
    assert isinstance(out, Rejection) and out.code is Code.PRICE_OUT_OF_BAND


def test_acceptance_after_15_00_is_rejected() -> None:
    state = open_sell()
    out = accept(state, "B", state.live[0].quote_id, 8_000, 200_000, ctx(15, 0))
    assert isinstance(out, Rejection) and out.code is Code.MARKET_CLOSED


def test_rejected_quote_releases_its_maker() -> None:
    state, c = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    assert c.quote is not None
    state, out = ok(reject(state, "S", c.quote.quote_id, ctx()))
    assert out.step is Step.REJECTED
    assert out.locks == (LockChange("B", LockAsset.FUNDS, -7_900 * 150_000),)
    assert state.status is RequestStatus.OPEN


def test_withdrawn_request_releases_every_party() -> None:
    state, _ = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    state, out = ok(withdraw(state, "S", ctx()))
    assert state.status is RequestStatus.WITHDRAWN and state.live == ()
    assert set(out.locks) == {
        LockChange("B", LockAsset.FUNDS, -7_900 * 150_000),
        LockChange("S", LockAsset.ALLOWANCES, -200_000),
    }


def test_withdrawn_counter_offer_releases_only_its_maker() -> None:
    state, c = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    assert c.quote is not None
    state, out = ok(withdraw(state, "B", ctx(), c.quote.quote_id))
    assert state.status is RequestStatus.OPEN
    assert out.locks == (LockChange("B", LockAsset.FUNDS, -7_900 * 150_000),)


def test_quote_cannot_be_withdrawn_by_another_account() -> None:
    state = open_sell()
    out = withdraw(state, "B", ctx(), state.live[0].quote_id)
    assert isinstance(out, Rejection) and out.code is Code.NOT_PERMITTED


def test_request_expires_at_the_end_of_the_day_and_releases_every_party() -> None:
    state, _ = ok(counter(open_sell(), "B", 7_900, 150_000, ctx()))
    state, out = ok(expire(state))
    assert state.status is RequestStatus.EXPIRED and out.step is Step.EXPIRED
    assert sum(c.amount for c in out.locks if c.party == "S") == -200_000
    assert sum(c.amount for c in out.locks if c.party == "B") == -7_900 * 150_000


def test_request_of_a_past_day_cannot_be_accepted() -> None:
    state = open_sell()
    out = accept(state, "B", state.live[0].quote_id, 8_000, 200_000, ctx(day=3))
    assert isinstance(out, Rejection) and out.code is Code.INVALID_STATE
    assert "2026-03-02" in out.message


def test_traded_request_takes_no_further_action() -> None:
    state = open_sell()
    state, _ = ok(accept(state, "B", state.live[0].quote_id, 8_000, 200_000, ctx()))
    assert isinstance(counter(state, "C", 7_900, 150_000, ctx()), Rejection)
    assert isinstance(withdraw(state, "S", ctx()), Rejection)
    assert isinstance(expire(state), Rejection)


def test_buy_request_trade_makes_the_requester_the_buyer() -> None:
    state = ok(open_request("B", BlockSide.BUY, "CEA25", 8_100, 120_000, PREV_CLOSE, ctx()))[0]
    state, c = ok(counter(state, "S", 8_200, 120_000, ctx()))
    assert c.locks == (LockChange("S", LockAsset.ALLOWANCES, 120_000),)
    assert c.quote is not None
    _, out = ok(accept(state, "B", c.quote.quote_id, 8_200, 120_000, ctx()))
    assert out.trade is not None and (out.trade.buyer, out.trade.seller) == ("B", "S")
    # the buyer locked 8,100 x 120,000 for its request; now it owes 8,200 x 120,000
    assert out.locks == (LockChange("B", LockAsset.FUNDS, 100 * 120_000),)
