"""Vintages as instruments and the composite price (综合价格, COMCEA) at the end of the day.

Each vintage has its own previous close, bands and daily bar; the composite is computed from
the vintages' bars by the composition in force that day (from 2025-04-29: equal weights over
CEA19-20 … CEA24), in integer fen rounded half-up to the tick."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from dsl import Given

from openets.domain.rejection import Code
from openets.presets import preset, rule_fields
from openets.trading.book import Side
from openets.trading.commands import ListDueVintages, ListInstrument, PostListing, TakeListing
from openets.trading.events import CompositeClosed, DayClosed
from openets.trading.vintages import (
    CN_VINTAGES,
    CompositeMethod,
    CompositeStage,
    Ohlc,
    weighted_average,
    weighted_bar,
)

FIVE = ("CEA19-20", "CEA21", "CEA22", "CEA23", "CEA24")
REFS = {"CEA19-20": 7000, "CEA21": 7100, "CEA22": 7200, "CEA23": 7300, "CEA24": 7400}


def _market(day: str, codes: tuple[str, ...] = FIVE) -> tuple[Given, str, str]:
    g = Given.in_memory(f"{day}T09:00+08:00")
    for c in codes:
        g.ok(ListInstrument(c, c, REFS[c]), "exchange")
    s = g.account(tonnes={c: 100_000 for c in codes}, fen=10**9)
    b = g.account(fen=10**10)
    return g, s, b


def _trade(g: Given, s: str, b: str, inst: str, price: int, qty: int) -> None:
    lid = g.ok(PostListing(s, inst, Side.SELL, price, qty))[-1].listing_id
    g.ok(TakeListing(lid, b, qty))


def _close(g: Given, day: str) -> tuple[dict[str, DayClosed], CompositeClosed]:
    g.at(f"{day}T15:05+08:00")
    g.end_of_day()
    t = g.state.trading
    bars = {c: v[-1] for c, v in t.bars.items() if v[-1].day == day}
    comp = t.composite_bars[-1]
    assert comp.day == day
    return bars, comp


def test_each_vintage_has_its_own_band_from_its_own_previous_close() -> None:
    g, s, b = _market("2025-04-29", ("CEA22", "CEA24"))
    g.at("2025-04-29T09:31+08:00")
    # CEA22 from 72.00: up to 79.20; CEA24 from 74.00: up to 81.40
    assert g.rejects(PostListing(s, "CEA22", Side.SELL, 7921, 10)).code is Code.PRICE_OUT_OF_BAND
    g.ok(PostListing(s, "CEA22", Side.SELL, 7920, 10))
    assert g.rejects(PostListing(s, "CEA24", Side.SELL, 8141, 10)).code is Code.PRICE_OUT_OF_BAND
    _trade(g, s, b, "CEA24", 8140, 100)
    bars, _ = _close(g, "2025-04-29")
    assert (bars["CEA22"].close, bars["CEA24"].close) == (7200, 8140)
    assert (bars["CEA22"].open, bars["CEA24"].open) == (None, 8140)
    g.at("2025-04-30T09:31+08:00")
    # the next day: CEA24's band from its own close 81.40 (up to 89.54), CEA22's unchanged
    g.ok(PostListing(s, "CEA24", Side.SELL, 8954, 10))
    assert g.rejects(PostListing(s, "CEA24", Side.SELL, 8955, 10)).code is Code.PRICE_OUT_OF_BAND
    assert g.rejects(PostListing(s, "CEA22", Side.SELL, 7921, 10)).code is Code.PRICE_OUT_OF_BAND
    assert {c: i.prev_close for c, i in g.state.trading.instruments.items()} == {
        "CEA22": 7200,
        "CEA24": 8140,
    }


def test_composite_is_the_equal_weighted_average_of_the_listed_vintages() -> None:
    g, s, b = _market("2025-04-29")
    g.at("2025-04-29T09:31+08:00")
    _trade(g, s, b, "CEA24", 7600, 1_000)  # a large volume does not weigh more
    _trade(g, s, b, "CEA21", 7000, 10)
    _trade(g, s, b, "CEA21", 7300, 10)  # CEA21: open 70.00, high 73.00, low 70.00, close 71.50
    bars, comp = _close(g, "2025-04-29")
    closes = [bars[c].close for c in FIVE]
    assert closes == [7000, 7150, 7200, 7300, 7600]
    assert comp.instrument == "COMCEA" and comp.method == CompositeMethod.WEIGHTED
    assert comp.weights == tuple((c, 1) for c in FIVE)
    assert comp.close == sum(closes) // 5 == 7250
    # open/high/low: each vintage's own, a vintage without trades counts with its close
    assert comp.open == (7000 + 7000 + 7200 + 7300 + 7600) // 5
    assert comp.high == (7000 + 7300 + 7200 + 7300 + 7600) // 5
    assert comp.low == comp.open
    assert comp.prev_close == sum(REFS.values()) // 5  # first day: the vintages' references
    vols = {m: (t, f) for m, t, f in comp.volumes}
    assert vols["listing"] == (1_020, 7600 * 1_000 + 7000 * 10 + 7300 * 10)


def test_composite_rounds_half_up_to_the_fen() -> None:
    assert weighted_average([(1, 7000), (1, 7001)]) == 7001  # 70.005 -> 70.01
    assert weighted_average([(1, 7000), (1, 7000), (1, 7001)]) == 7000  # 70.0033 -> 70.00
    assert weighted_average([(1, 7000), (1, 7000), (1, 7002)]) == 7001  # 70.0067 -> 70.01
    assert weighted_average([(1, 7000), (1, 7001)], tick=2) == 7000  # 70.005 on a 2-fen tick


def test_composite_close_in_the_engine_rounds_half_up() -> None:
    g, s, b = _market("2025-04-29")
    g.at("2025-04-29T09:31+08:00")
    _trade(g, s, b, "CEA19-20", 7003, 10)  # the closes add up to 36,003: 72.006 -> 72.01
    _, comp = _close(g, "2025-04-29")
    assert comp.close == 7201


def test_composite_weights_are_configured_parts() -> None:
    bars = {"A": Ohlc(6000, 6300, 5900, 6200), "B": Ohlc(None, None, None, 8000)}
    got = weighted_bar((("A", 3), ("B", 1)), bars)
    assert got == Ohlc((3 * 6000 + 8000) // 4, 6725, (3 * 5900 + 8000) // 4, 6650)


def test_composite_leaves_out_a_weighted_vintage_that_is_not_listed() -> None:
    bars = {"CEA21": Ohlc(None, None, None, 7000), "CEA22": Ohlc(None, None, None, 7101)}
    got = weighted_bar((("CEA21", 1), ("CEA22", 1), ("CEA25", 1)), bars)
    assert got == Ohlc(None, None, None, 7051)  # 70.505 over the two listed, half-up


def test_composite_of_a_day_without_listing_trades_carries_its_previous_close() -> None:
    g, s, b = _market("2025-04-29")
    g.at("2025-04-29T09:31+08:00")
    _trade(g, s, b, "CEA23", 7500, 10)
    _, first = _close(g, "2025-04-29")
    _, comp = _close(g, "2025-04-30")
    assert comp.prev_close == first.close == comp.close
    assert (comp.open, comp.high, comp.low) == (None, None, None)


def test_composite_before_2025_04_29_pools_the_vintages_listing_trades() -> None:
    g, s, b = _market("2024-12-11", ("CEA19-20", "CEA21", "CEA22", "CEA23"))
    g.at("2024-12-11T09:31+08:00")
    _trade(g, s, b, "CEA23", 7400, 300)
    _trade(g, s, b, "CEA21", 7000, 100)
    _, comp = _close(g, "2024-12-11")
    assert comp.method == CompositeMethod.POOLED
    assert (comp.open, comp.high, comp.low) == (7400, 7400, 7000)
    assert comp.close == (7400 * 300 + 7000 * 100) // 400  # the quantity-weighted average
    assert comp.prev_close == REFS["CEA19-20"]  # the first listed vintage's


def test_the_composite_cannot_be_listed_as_an_instrument() -> None:
    g = Given.in_memory("2025-04-29T09:00+08:00")
    r = g.rejects(ListInstrument("COMCEA", "CEA24", 7000), "exchange")
    assert r.code is Code.INVALID_FIELD and r.field == "code" and "not tradable" in r.message
    assert "COMCEA" not in g.state.trading.instruments


def test_composite_is_restored_by_replay(tmp_path: Any) -> None:
    from openets.bootstrap import open_market

    g = Given.on_sqlite(tmp_path / "m.db", "2025-04-29T09:00+08:00")
    for c in FIVE:
        g.ok(ListInstrument(c, c, REFS[c]), "exchange")
    s = g.account(tonnes={"CEA22": 1_000}, fen=10**8)
    b = g.account(fen=10**9)
    g.at("2025-04-29T09:31+08:00")
    _trade(g, s, b, "CEA22", 7500, 10)
    _, comp = _close(g, "2025-04-29")
    again = open_market(f"sqlite:///{tmp_path / 'm.db'}", g.clock)
    assert again.engine.state.trading.composite_bars == [comp]


# --- the composition as data -------------------------------------------------------------------


def test_vintages_are_due_on_their_listing_dates() -> None:
    codes = [v.code for v in CN_VINTAGES.due(date(2025, 4, 28), [])]
    assert codes == ["CEA19-20", "CEA21", "CEA22", "CEA23"]
    assert [v.code for v in CN_VINTAGES.due(date(2025, 4, 29), codes)] == ["CEA24"]
    assert [v.code for v in CN_VINTAGES.due(date(2023, 8, 25), [])] == ["CEA19-20"]
    assert [v.code for v in CN_VINTAGES.due(date(2023, 8, 28), ["CEA19-20"])] == [
        "CEA21",
        "CEA22",
    ]


def test_composition_from_2025_04_29_is_five_vintages_at_one_fifth_each() -> None:
    stage = CN_VINTAGES.stage_on(date(2025, 4, 29))
    assert stage.method is CompositeMethod.WEIGHTED and stage.confirmed
    assert stage.weights == tuple((c, 1) for c in FIVE)
    assert CN_VINTAGES.stage_on(date(2025, 4, 28)).method is CompositeMethod.POOLED


def test_unconfirmed_dates_and_compositions_are_marked() -> None:
    assert CN_VINTAGES.unconfirmed() == (
        "vintages.CEA23.listed_on",
        "vintages.CEA25.listed_on",
        "vintages.composite.2021-07-16.weights",
        "vintages.composite.2026-04-29.weights",
    )
    rules = preset("cn")
    assert set(CN_VINTAGES.unconfirmed()) <= set(rules.unconfirmed)
    rows = dict(rule_fields(rules))
    assert rows["vintages.CEA24.listed_on"] == date(2025, 4, 29)
    assert rows["vintages.composite.2025-04-29.weights"] == (
        "weighted CEA19-20:1 CEA21:1 CEA22:1 CEA23:1 CEA24:1"
    )


@pytest.mark.parametrize(
    "weights",
    [(), (("CEA21", 0),), (("CEA21", 1), ("CEA21", 1))],
    ids=["empty", "zero", "twice"],
)
def test_a_weighted_stage_needs_distinct_positive_weights(
    weights: tuple[tuple[str, int], ...],
) -> None:
    with pytest.raises(ValueError):
        CompositeStage(date(2025, 4, 29), CompositeMethod.WEIGHTED, weights)


def test_composite_stages_must_begin_on_increasing_dates() -> None:
    with pytest.raises(ValueError, match="increasing"):
        replace(CN_VINTAGES, composite=tuple(reversed(CN_VINTAGES.composite)))


def test_vintages_are_listed_by_the_schedule_on_their_listing_dates() -> None:
    g = Given.in_memory("2023-08-25T09:00+08:00")
    (ev,) = g.ok(ListDueVintages(), "exchange")
    assert (ev.code, ev.reference_price) == ("CEA19-20", 4800)  # the market's first reference
    assert g.ok(ListDueVintages(), "exchange") == ()  # nothing more is due yet
    g.at("2023-08-25T15:05+08:00")
    g.end_of_day()  # the composite closes at 48.00
    g.at("2023-08-28T09:00+08:00")
    listed = g.ok(ListDueVintages(), "exchange")
    assert [(e.code, e.reference_price) for e in listed] == [("CEA21", 4800), ("CEA22", 4800)]
    g.at("2025-04-29T09:00+08:00")
    listed = g.ok(ListDueVintages(7150), "exchange")
    assert [(e.code, e.reference_price) for e in listed] == [("CEA23", 7150), ("CEA24", 7150)]
    assert list(g.state.trading.instruments) == list(FIVE)


def test_listing_due_vintages_with_a_bad_reference_price_is_rejected() -> None:
    g = Given.in_memory("2025-04-29T09:00+08:00")
    r = g.rejects(ListDueVintages(0), "exchange")
    assert r.code is Code.INVALID_PRICE and r.field == "reference_price"
    assert g.state.trading.instruments == {}
