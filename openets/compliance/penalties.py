"""Penalties for not surrendering (reference §8.5-§8.6).

- **Regs-2024 Art. 24** (from 2024-05-01): a fine of 5 to 10 × the unsurrendered quantity × the
  average market price of the month before the surrender deadline; if the entity refuses to
  correct, its next-year allocation is cut one-for-one by the unsurrendered quantity.
- **Measures-2021 Art. 40** (the older preset, cycles 2019-2022): a fine of RMB 20,000-30,000;
  if the entity does not correct in time, the shortfall is deducted one-for-one from the next
  year's allocation.

The monthly average is exact: Σ price × quantity / Σ quantity over every trade the caller passes
(the caller decides which trades are "market transactions", e.g. all CEA trades of all trading
methods). Fines are computed exactly and rounded half-up to the fen once, at the end.

Which month: the regulation says "清缴时限前1个月". We take the last complete calendar month
that ends on or before the deadline day [I]: for a deadline of 31 December that is December,
for a deadline of 15 December it is November.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction as Q

from openets.compliance.plans import PenaltyRegime
from openets.domain.clock import BEIJING
from openets.domain.money import round_half_up_div
from openets.domain.rejection import Code, Rejection

REGS_2024_MULTIPLE_MIN = 5
REGS_2024_MULTIPLE_MAX = 10
MEASURES_2021_FINE_MIN_FEN = 2_000_000  # RMB 20,000
MEASURES_2021_FINE_MAX_FEN = 3_000_000  # RMB 30,000

TradeRow = tuple[datetime, int, int]
"""(trade time with a time zone, price in fen per tonne, quantity in tonnes)."""


@dataclass(frozen=True, slots=True)
class MonthlyPrice:
    """The traded value and quantity of one window of days (inclusive, Beijing dates)."""

    start: date
    end: date
    value_fen: int
    quantity_t: int
    trades: int

    @property
    def average(self) -> Q:
        """Exact quantity-weighted average price in fen per tonne."""
        if self.quantity_t == 0:
            raise ValueError(f"no trades between {self.start} and {self.end}")
        return Q(self.value_fen, self.quantity_t)

    @property
    def average_fen(self) -> int:
        """The average rounded half-up to the fen (for display; fines use the exact value)."""
        return round_half_up_div(self.value_fen, self.quantity_t)


@dataclass(frozen=True, slots=True)
class PenaltyAssessment:
    regime: PenaltyRegime
    shortfall_t: int
    fine_min_fen: int
    fine_max_fen: int
    deduction_t: int
    """Cut from the next year's allocation if the entity does not correct in time."""
    average_price_fen: int | None


def penalty_month(deadline: date) -> tuple[date, date]:
    """The last complete calendar month ending on or before ``deadline`` (both inclusive)."""
    next_day = deadline + timedelta(days=1)
    end = deadline if next_day.day == 1 else deadline.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def monthly_average(trades: Iterable[TradeRow], start: date, end: date) -> MonthlyPrice:
    """Sum the trades whose Beijing date falls within ``start..end``."""
    value = quantity = count = 0
    for when, price_fen, qty in trades:
        if when.tzinfo is None:
            raise ValueError(f"trade time must carry a time zone, was {when!r}")
        if price_fen <= 0 or qty <= 0:
            raise ValueError(f"trade price and quantity must be positive, were {price_fen}, {qty}")
        if start <= when.astimezone(BEIJING).date() <= end:
            value += price_fen * qty
            quantity += qty
            count += 1
    return MonthlyPrice(start, end, value, quantity, count)


def month_price_before_deadline(trades: Iterable[TradeRow], deadline: date) -> MonthlyPrice:
    start, end = penalty_month(deadline)
    return monthly_average(trades, start, end)


def regs_2024_fine_fen(shortfall_t: int, price: MonthlyPrice, multiple: Q | int) -> int:
    """``multiple × shortfall × average price``, rounded half-up to the fen."""
    m = Q(multiple)
    if not REGS_2024_MULTIPLE_MIN <= m <= REGS_2024_MULTIPLE_MAX:
        raise ValueError(f"the multiple must be within 5..10, was {m}")
    exact = m * shortfall_t * price.average
    return round_half_up_div(exact.numerator, exact.denominator)


def assess(
    regime: PenaltyRegime, shortfall_t: int, price: MonthlyPrice | None
) -> PenaltyAssessment | Rejection:
    """The fine range and the allocation deduction for an unsurrendered quantity."""
    if shortfall_t <= 0:
        return Rejection(
            Code.INVALID_STATE,
            f"nothing is unsurrendered, shortfall was {shortfall_t}",
            "shortfall",
        )
    if regime is PenaltyRegime.MEASURES_2021:
        return PenaltyAssessment(
            regime,
            shortfall_t,
            MEASURES_2021_FINE_MIN_FEN,
            MEASURES_2021_FINE_MAX_FEN,
            shortfall_t,
            None if price is None or price.quantity_t == 0 else price.average_fen,
        )
    if price is None or price.quantity_t == 0:
        window = "" if price is None else f" {price.start}..{price.end}"
        return Rejection(
            Code.INVALID_STATE,
            f"no trades in the month before the deadline{window}: the average price is undefined",
            "trades",
        )
    return PenaltyAssessment(
        regime,
        shortfall_t,
        regs_2024_fine_fen(shortfall_t, price, REGS_2024_MULTIPLE_MIN),
        regs_2024_fine_fen(shortfall_t, price, REGS_2024_MULTIPLE_MAX),
        shortfall_t,
        price.average_fen,
    )
