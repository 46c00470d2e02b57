"""Penalties, deductions and carry-over through the engine, from the market's own trades."""

from __future__ import annotations

import pytest
from compliance_engine_world import (
    CEA21,
    NATIONAL_REG,
    OBLIGATION_T,
    PRIOR,
    REPORT,
    World,
)

from openets.compliance.cycle_messages import (
    AssessPenalty,
    DeductAllocation,
    DetermineCarryOver,
    PreAllocate,
)
from openets.compliance.penalties import MEASURES_2021_FINE_MAX_FEN, MEASURES_2021_FINE_MIN_FEN
from openets.compliance.plans import PenaltyRegime
from openets.compliance.service_inputs import month_price, net_sales_t
from openets.compliance.service_reads import penalty_quote
from openets.domain.rejection import Code, Rejection
from openets.registry import commands as rc

CEA23 = "CEA23"
OBLIGATION_2023_T = 933_050
"""Plan 2023: gas min(40,000, 100,000 × 0.3305) + coal min(900,000, 864,710 + 180,000)."""
SHORTFALL_2023_T = OBLIGATION_2023_T - 800_000
AVERAGE_DEC_2024_FEN = 9_375
"""100 t at 90.00 and 300 t at 95.00 in December 2024; November's 50 t at 85.00 do not count."""


def _cycle_2023_with_december_trades() -> World:
    """E1 owes 933,050 t for 2023 and surrenders 800,000 t; CEA23 trades around December 2024."""
    w = World("2024-03-01T10:00+08:00")
    w.budget(2023, 2_000_000)
    w.entity("E1")
    w.pre("E1", 2023)
    w.report("E1", 2023, REPORT)
    w.final("E1", 2023)
    w.g.instrument(CEA23, "90.00")
    seller = w.g.account(tonnes={CEA23: 1_000})
    buyer = w.g.account(fen=10**8)
    w.trade("2024-11-29", seller, buyer, "85.00", 50, CEA23)
    w.trade("2024-12-02", seller, buyer, "90.00", 100, CEA23)
    w.trade("2024-12-03", seller, buyer, "95.00", 300, CEA23)
    w.at("2024-12-20T10:00+08:00")
    w.surrender("E1", 2023, (CEA23, 800_000))
    return w


@pytest.fixture(scope="module")
def after_2023_deadline() -> World:
    w = _cycle_2023_with_december_trades()
    w.at("2025-01-06T10:00+08:00")
    return w


def test_month_before_the_deadline_is_december_with_all_its_cea_trades(
    after_2023_deadline: World,
) -> None:
    from datetime import date

    price = month_price(after_2023_deadline.state, date(2024, 12, 31))
    assert (price.start, price.end) == (date(2024, 12, 1), date(2024, 12, 31))
    assert (price.value_fen, price.quantity_t, price.trades) == (3_750_000, 400, 2)
    assert price.average_fen == AVERAGE_DEC_2024_FEN


def test_regs_2024_fine_is_5_to_10_times_shortfall_times_the_months_average(
    after_2023_deadline: World,
) -> None:
    quote = penalty_quote(after_2023_deadline.state, "E1", 2023)
    assert not isinstance(quote, Rejection)
    assert quote.regime is PenaltyRegime.REGS_2024
    assert quote.shortfall_t == SHORTFALL_2023_T == 133_050
    assert quote.fine_min_fen == 5 * SHORTFALL_2023_T * AVERAGE_DEC_2024_FEN
    assert quote.fine_max_fen == 10 * SHORTFALL_2023_T * AVERAGE_DEC_2024_FEN


def test_penalty_is_assessed_within_the_range_from_the_markets_trades() -> None:
    w = _cycle_2023_with_december_trades()
    w.at("2025-01-06T10:00+08:00")
    fine = 7 * SHORTFALL_2023_T * AVERAGE_DEC_2024_FEN
    (ev,) = w.g.ok(AssessPenalty("E1", 2023, fine), NATIONAL_REG)
    assert (ev.fine_fen, ev.average_price_fen, ev.shortfall_t) == (
        fine,
        AVERAGE_DEC_2024_FEN,
        SHORTFALL_2023_T,
    )
    assert w.comp.years[("E1", 2023)].penalty_fine_fen == fine


def test_penalty_fine_outside_the_range_is_rejected(after_2023_deadline: World) -> None:
    w = after_2023_deadline
    low = 5 * SHORTFALL_2023_T * AVERAGE_DEC_2024_FEN - 1
    r = w.g.rejects(AssessPenalty("E1", 2023, low), NATIONAL_REG)
    assert r.code is Code.INVALID_AMOUNT and r.field == "fine_fen"


def test_penalty_trade_totals_other_than_the_markets_are_rejected(
    after_2023_deadline: World,
) -> None:
    w = after_2023_deadline
    fine = 5 * SHORTFALL_2023_T * AVERAGE_DEC_2024_FEN
    r = w.g.rejects(AssessPenalty("E1", 2023, fine, 1_000_000, 100), NATIONAL_REG)
    assert r.code is Code.INVALID_FIELD and r.field == "trade_value_fen"
    assert "37500.00 yuan for 400 t" in r.message


def test_penalty_before_the_deadline_is_rejected() -> None:
    w = _cycle_2023_with_december_trades()
    r = w.g.rejects(AssessPenalty("E1", 2023, 1), NATIONAL_REG)
    assert r.code is Code.INVALID_STATE and "2024-12-31" in r.message


def test_regs_2024_penalty_without_trades_in_the_month_is_rejected() -> None:
    w = World("2024-03-01T10:00+08:00")
    w.budget(2023, 2_000_000)
    w.entity("E1")
    w.pre("E1", 2023)
    w.report("E1", 2023, REPORT)
    w.final("E1", 2023)
    w.at("2025-01-06T10:00+08:00")
    r = w.g.rejects(AssessPenalty("E1", 2023, 1), NATIONAL_REG)
    assert r.code is Code.INVALID_STATE and "no trades" in r.message


def test_measures_2021_fine_is_20000_to_30000_yuan() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    w.finalised("E1")
    w.at("2024-01-05T10:00+08:00")
    quote = penalty_quote(w.state, "E1", 2021)
    assert not isinstance(quote, Rejection)
    assert (quote.fine_min_fen, quote.fine_max_fen) == (2_000_000, 3_000_000)
    assert (quote.shortfall_t, quote.average_price_fen) == (OBLIGATION_T, None)
    r = w.g.rejects(AssessPenalty("E1", 2021, MEASURES_2021_FINE_MAX_FEN + 1), NATIONAL_REG)
    assert r.code is Code.INVALID_AMOUNT
    w.g.ok(AssessPenalty("E1", 2021, MEASURES_2021_FINE_MIN_FEN), NATIONAL_REG)


def test_deduction_is_withheld_from_the_next_cycles_preallocation() -> None:
    """Plan 2021's shortfall of 39,200 t is withheld from the 2023 pre-allocation of 573,405 t."""
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.finalised("E1")
    w.at("2023-12-01T10:00+08:00")
    w.surrender("E1", 2021, (CEA21, 900_000))
    w.at("2024-01-05T10:00+08:00")
    (ev,) = w.g.ok(DeductAllocation("E1", 2021), NATIONAL_REG)
    assert (ev.from_year, ev.quantity) == (2023, 39_200)
    w.budget(2023, 1_000_000)
    pre, tx = w.g.ok(PreAllocate("E1", 2023, "2023", PRIOR), NATIONAL_REG)
    assert (pre.preallocation_t, pre.withheld_t, pre.issue_t) == (573_405, 39_200, 534_205)
    assert {p.delta for p in tx.postings} == {-534_205, 534_205}
    assert w.held(acct, CEA23) == 534_205
    assert w.province_holds(CEA23) == 1_000_000 - 534_205
    assert w.comp.withholdings == {}


def test_carry_over_quota_counts_net_sales_of_settled_trades_2019_to_2024() -> None:
    """E1 sells 2,000 t and buys 500 t in December 2024, sells 1,000 t in January 2025:
    net sales 1,500 t, quota 10,000 + 1.5 × 1,500 = 12,250 t."""
    w = World("2024-11-01T10:00+08:00")
    acct = w.entity("E1")
    w.g.ok(rc.Issue(acct, CEA21, 5_000, "allocation"))
    w.g.deposit(acct, 10**8)
    other = w.g.account(tonnes={CEA21: 5_000}, fen=10**8)
    w.g.instrument(CEA21, "90.00")
    w.trade("2024-12-02", acct, other, "90.00", 2_000, CEA21)
    w.trade("2024-12-03", other, acct, "90.00", 500, CEA21)
    w.trade("2025-01-06", acct, other, "90.00", 1_000, CEA21)
    assert net_sales_t(w.state, acct) == 1_500
    assert net_sales_t(w.state, other) == -1_500
    r = w.g.rejects(DetermineCarryOver("E1", 999), NATIONAL_REG)
    assert r.code is Code.INVALID_FIELD and "1500 t" in r.message
    (ev,) = w.g.ok(DetermineCarryOver("E1", 0), NATIONAL_REG)
    assert (ev.net_sales_t, ev.quota_t) == (1_500, 12_250)
    assert w.comp.carry_over_quota == {"E1": 12_250}
