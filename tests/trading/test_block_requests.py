"""Block trading: what a request must satisfy (size, band, session) and what it locks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from openets.domain.clock import BEIJING
from openets.domain.ids import IdSource
from openets.domain.messages import Ctx
from openets.domain.rejection import Code, Rejection
from openets.trading.auction import LockAsset, LockChange
from openets.trading.block import (
    CN_BLOCK_RULES,
    BlockSide,
    RequestStatus,
    Step,
    open_request,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


PREV_CLOSE = 8_000  # 80.00 yuan: the block band is 56.00..104.00


def at(hour: int, minute: int = 0, second: int = 0, day: int = 2) -> Ctx:
    return Ctx(datetime(2026, 3, day, hour, minute, second, tzinfo=BEIJING), "user", IdSource())


def test_block_request_of_99999_t_is_rejected() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 99_999, PREV_CLOSE, at(13, 30))
    assert isinstance(out, Rejection) and out.code is Code.QUANTITY_OUT_OF_RANGE
    assert out.field == "quantity" and "99999" in out.message


def test_block_request_of_100000_t_is_accepted() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 100_000, PREV_CLOSE, at(13, 30))
    assert not isinstance(out, Rejection)
    state, outcome = out
    assert state.status is RequestStatus.OPEN and outcome.step is Step.OPENED


def test_block_price_above_the_band_is_rejected() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 10_401, 100_000, PREV_CLOSE, at(13, 30))
    assert isinstance(out, Rejection) and out.code is Code.PRICE_OUT_OF_BAND
    assert "10401" in out.message and "5600..10400" in out.message


def test_block_price_below_the_band_is_rejected() -> None:
    out = open_request("B", BlockSide.BUY, "CEA25", 5_599, 100_000, PREV_CLOSE, at(13, 30))
    assert isinstance(out, Rejection) and out.code is Code.PRICE_OUT_OF_BAND


def test_block_prices_at_both_30_percent_limits_are_accepted() -> None:
    for price in (5_600, 10_400):
        out = open_request("B", BlockSide.BUY, "CEA25", price, 100_000, PREV_CLOSE, at(13, 30))
        assert not isinstance(out, Rejection)
        assert out[0].request.band == (5_600, 10_400)


def test_block_rules_without_a_band_accept_any_positive_price() -> None:
    rules = replace(CN_BLOCK_RULES, band_bps=None)
    out = open_request("B", BlockSide.BUY, "CEA25", 99_999, 100_000, None, at(13, 30), rules=rules)
    assert not isinstance(out, Rejection) and out[0].request.band is None


def test_block_order_above_a_maximum_is_rejected() -> None:
    rules = replace(CN_BLOCK_RULES, max_qty=500_000)
    out = open_request(
        "S", BlockSide.SELL, "CEA25", 8_000, 500_001, PREV_CLOSE, at(13, 30), rules=rules
    )
    assert isinstance(out, Rejection) and out.code is Code.QUANTITY_OUT_OF_RANGE


def test_block_rules_follow_the_market_preset() -> None:
    from openets.presets import PRESETS

    assert PRESETS["cn"].block is CN_BLOCK_RULES


def test_block_request_before_13_00_is_rejected() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 100_000, PREV_CLOSE, at(12, 59, 59))
    assert isinstance(out, Rejection) and out.code is Code.MARKET_CLOSED
    assert "12:59:59" in out.message


def test_block_request_at_15_00_is_rejected() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 100_000, PREV_CLOSE, at(15, 0))
    assert isinstance(out, Rejection) and out.code is Code.MARKET_CLOSED


def test_block_request_at_13_00_is_accepted() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 100_000, PREV_CLOSE, at(13, 0))
    assert not isinstance(out, Rejection)


def test_block_session_is_judged_in_beijing_time() -> None:
    utc = Ctx(datetime.fromisoformat("2026-03-02T05:30:00+00:00"), "user", IdSource())
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 100_000, PREV_CLOSE, utc)
    assert not isinstance(out, Rejection)  # 13:30 in Beijing


def test_directed_offer_to_oneself_is_rejected() -> None:
    out = open_request(
        "S", BlockSide.SELL, "CEA25", 8_000, 100_000, PREV_CLOSE, at(13, 30), directed_to="S"
    )
    assert isinstance(out, Rejection) and out.code is Code.SELF_TRADE


def test_sell_request_locks_the_allowances() -> None:
    out = open_request("S", BlockSide.SELL, "CEA25", 8_000, 150_000, PREV_CLOSE, at(13, 30))
    assert not isinstance(out, Rejection)
    assert out[1].locks == (LockChange("S", LockAsset.ALLOWANCES, 150_000),)


def test_buy_request_locks_price_times_quantity() -> None:
    out = open_request("B", BlockSide.BUY, "CEA25", 8_000, 150_000, PREV_CLOSE, at(13, 30))
    assert not isinstance(out, Rejection)
    assert out[1].locks == (LockChange("B", LockAsset.FUNDS, 1_200_000_000),)
