"""Penalties for unsurrendered allowances: Regs-2024 and Measures-2021."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from openets.compliance.penalties import (
    MonthlyPrice,
    PenaltyAssessment,
    assess,
    month_price_before_deadline,
    penalty_month,
    regs_2024_fine_fen,
)
from openets.compliance.plans import PenaltyRegime
from openets.domain.clock import BEIJING
from openets.domain.rejection import Code, Rejection

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def bj(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=BEIJING)


def december_2024_trades() -> list[tuple[datetime, int, int]]:
    """A month of trades: one each trading day at ¥95.00 + day fen, 1,000 t + 10 t × day,
    plus trades just outside December that must not count."""
    trades = []
    day = date(2024, 12, 1)
    while day.month == 12:
        if day.weekday() < 5:
            trades.append((bj(day.year, day.month, day.day), 9_500 + day.day, 1_000 + 10 * day.day))
        day += timedelta(days=1)
    trades.append((bj(2024, 11, 29), 1, 1_000_000))  # November: outside
    trades.append((bj(2025, 1, 2), 99_999, 1_000_000))  # January: outside
    return trades


def test_penalty_month_is_the_calendar_month_ending_at_a_month_end_deadline() -> None:
    assert penalty_month(date(2024, 12, 31)) == (date(2024, 12, 1), date(2024, 12, 31))


def test_penalty_month_is_the_previous_calendar_month_for_a_mid_month_deadline() -> None:
    assert penalty_month(date(2021, 12, 15)) == (date(2021, 11, 1), date(2021, 11, 30))


def test_monthly_average_price_is_quantity_weighted_and_exact() -> None:
    trades = december_2024_trades()
    inside = [t for t in trades if t[0].month == 12]
    price = month_price_before_deadline(trades, date(2024, 12, 31))
    assert price.trades == len(inside) == 22
    assert price.value_fen == sum(p * q for _, p, q in inside)
    assert price.quantity_t == sum(q for _, _, q in inside)
    assert price.average * price.quantity_t == price.value_fen


def test_trades_are_dated_in_beijing_time() -> None:
    # 2024-11-30 17:00 UTC is 2024-12-01 01:00 in Beijing: a December trade.
    utc = datetime(2024, 11, 30, 17, tzinfo=UTC)
    price = month_price_before_deadline([(utc, 10_000, 5)], date(2024, 12, 31))
    assert (price.trades, price.quantity_t) == (1, 5)


def test_regs_2024_fine_is_5_to_10_times_shortfall_times_monthly_average_price() -> None:
    """Two trades in December 2024: 1,000 t at ¥100.00 and 3,000 t at ¥96.00.

    average = (1,000 × 10,000 + 3,000 × 9,600) / 4,000 = 9,700 fen (¥97.00)
    shortfall 1,234 t: min = 5 × 1,234 × 9,700 = 59,849,000 fen (¥598,490.00)
                       max = 10 × 1,234 × 9,700 = 119,698,000 fen
    """
    trades = [(bj(2024, 12, 2), 10_000, 1_000), (bj(2024, 12, 20), 9_600, 3_000)]
    price = month_price_before_deadline(trades, date(2024, 12, 31))
    a = assess(PenaltyRegime.REGS_2024, 1_234, price)
    assert isinstance(a, PenaltyAssessment)
    assert (a.fine_min_fen, a.fine_max_fen, a.average_price_fen) == (
        59_849_000,
        119_698_000,
        9_700,
    )
    assert a.deduction_t == 1_234


def test_regs_2024_fine_from_a_month_of_trades_uses_the_exact_average() -> None:
    price = month_price_before_deadline(december_2024_trades(), date(2024, 12, 31))
    a = assess(PenaltyRegime.REGS_2024, 777, price)
    assert isinstance(a, PenaltyAssessment)
    exact_min = Fraction(5 * 777 * price.value_fen, price.quantity_t)
    assert abs(a.fine_min_fen - exact_min) <= Fraction(1, 2)
    assert a.fine_max_fen == regs_2024_fine_fen(777, price, 10)


def test_regs_2024_fine_rounds_half_up_to_the_fen() -> None:
    price = MonthlyPrice(date(2024, 12, 1), date(2024, 12, 31), 10_001, 2, 2)  # 5,000.5 fen
    assert regs_2024_fine_fen(1, price, 5) == 25_003  # 25,002.5 → 25,003


def test_regs_2024_fine_multiple_outside_5_to_10_is_refused() -> None:
    price = MonthlyPrice(date(2024, 12, 1), date(2024, 12, 31), 100, 1, 1)
    with pytest.raises(ValueError):
        regs_2024_fine_fen(1, price, 11)


def test_regs_2024_without_trades_in_the_month_cannot_be_assessed() -> None:
    price = month_price_before_deadline([(bj(2024, 11, 5), 9_000, 10)], date(2024, 12, 31))
    r = assess(PenaltyRegime.REGS_2024, 10, price)
    assert isinstance(r, Rejection) and r.code is Code.INVALID_STATE


def test_measures_2021_fine_is_20000_to_30000_yuan_with_one_for_one_deduction() -> None:
    a = assess(PenaltyRegime.MEASURES_2021, 5_000, None)
    assert isinstance(a, PenaltyAssessment)
    assert (a.fine_min_fen, a.fine_max_fen, a.deduction_t) == (2_000_000, 3_000_000, 5_000)


def test_no_penalty_without_a_shortfall() -> None:
    r = assess(PenaltyRegime.MEASURES_2021, 0, None)
    assert isinstance(r, Rejection)
