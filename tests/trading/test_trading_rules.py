"""The rules presets: China by default, a continuous variant, an EU-like preset."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from openets.presets import PRESETS
from openets.trading.block import CN_BLOCK_RULES
from openets.trading.rules import (
    CDA_TRADING_RULES,
    CN_TRADING_RULES,
    EU_LIKE_TRADING_RULES,
    Matching,
    TradingMethod,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def test_china_preset_trades_by_listing_with_the_published_limits() -> None:
    r = CN_TRADING_RULES
    assert r.matching is Matching.LISTING
    b = CN_BLOCK_RULES
    assert (r.tick_fen, r.listing_band_bps, b.band_bps) == (1, 1000, 3000)
    assert (r.listing_min_qty, r.listing_max_qty, b.min_qty) == (1, 99_999, 100_000)
    assert r.best_levels == 5
    assert r.listing_sessions == ((time(9, 30), time(11, 30)), (time(13, 0), time(15, 0)))
    assert b.sessions == ((time(13, 0), time(15, 0)),)
    assert (r.first_day, r.first_day_reference_fen) == (date(2021, 7, 16), 4800)
    assert r.timezone == "Asia/Shanghai"


def test_cda_preset_keeps_china_limits_with_continuous_matching() -> None:
    assert CDA_TRADING_RULES.matching is Matching.CONTINUOUS
    assert CDA_TRADING_RULES.listing_band_bps == CN_TRADING_RULES.listing_band_bps


def test_eu_like_preset_matches_continuously_without_a_band() -> None:
    assert EU_LIKE_TRADING_RULES.matching is Matching.CONTINUOUS
    assert EU_LIKE_TRADING_RULES.listing_band_bps is None
    trading = {CN_TRADING_RULES, CDA_TRADING_RULES, EU_LIKE_TRADING_RULES}
    assert {p.trading for p in PRESETS.values()} == trading


def test_rules_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CN_TRADING_RULES.tick_fen = 5  # type: ignore[misc]


def test_rules_with_a_session_ending_before_it_starts_are_refused() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        dataclasses.replace(CN_BLOCK_RULES, sessions=((time(15, 0), time(13, 0)),))


def test_trading_method_codes_follow_the_exchange_data() -> None:
    assert [m.code for m in TradingMethod] == ["10", "20", "21"]
