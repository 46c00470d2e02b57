"""Surveillance detectors: each fires on a planted scenario and stays quiet on an honest day."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic_day import DAY, HonestSpec, at, honest_day, with_events

from openets.supervision.detectors import (
    circular_trading,
    concentration,
    layering,
    marking_the_close,
    pinned_at_band,
    run_all,
    wash_trades,
)
from openets.supervision.model import Action, DayData, OrderEvent, Params, Severity, TradeRec

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


P = Params()


@pytest.fixture(scope="module")
def honest() -> DayData:
    return honest_day(HonestSpec(orders=6_000, accounts=300, seed=7))


def trade(tid: str, when: str, buyer: str, seller: str, qty: int, price: int = 6000,
          inst: str = "CEA21", maker: str = "") -> TradeRec:  # fmt: skip
    return TradeRec(at(DAY, when), tid, inst, "listing", price, qty, buyer, seller, maker)


def order(oid: str, when: str, action: Action, acct: str, side: int, price: int,
          qty: int = 100, inst: str = "CEA21") -> OrderEvent:  # fmt: skip
    return OrderEvent(at(DAY, when), action, oid, acct, inst, side, price, qty)


# --- honest markets --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_detector_is_quiet_on_an_honest_market(seed: int) -> None:
    day = honest_day(HonestSpec(orders=8_000, accounts=400, seed=seed))
    assert run_all(day) == ()


def test_detectors_are_deterministic_for_the_same_day(honest: DayData) -> None:
    planted = with_events(honest, trades=[trade("X1", "10:00:00", "Z1", "Z1", 500)])
    assert run_all(planted) == run_all(planted)


def test_an_unknown_detector_name_is_refused(honest: DayData) -> None:
    with pytest.raises(ValueError, match="no_such"):
        run_all(honest, only=["no_such"])


# --- wash and self trades --------------------------------------------------------------------


def test_wash_trades_between_linked_accounts_are_flagged_with_their_trades(
    honest: DayData,
) -> None:
    planted = [trade(f"W{i}", f"10:0{i}:00", "W1", "W2", 3_000, maker=f"LW{i}") for i in range(4)]
    day = with_events(honest, trades=planted, groups=(("W1", "GW"), ("W2", "GW")))
    (alert,) = wash_trades(day, P)
    assert alert.accounts == ("W1", "W2") and alert.instrument == "CEA21"
    assert alert.trades == ("W0", "W1", "W2", "W3") and alert.orders == ("LW0", "LW1", "LW2", "LW3")
    assert alert.metric("quantity") == 12_000 and alert.severity is Severity.HIGH


def test_self_trade_of_one_account_is_flagged_high(honest: DayData) -> None:
    day = with_events(honest, trades=[trade("S1", "10:00:00", "Z1", "Z1", 10)])
    (alert,) = wash_trades(day, P)
    assert alert.accounts == ("Z1",) and alert.severity is Severity.HIGH
    assert alert.metric("self_trades") == 1


def test_trades_between_unlinked_accounts_are_not_wash_trades(honest: DayData) -> None:
    day = with_events(honest, trades=[trade("U1", "10:00:00", "W1", "W2", 3_000)])
    assert wash_trades(day, P) == []


# --- circular trading ------------------------------------------------------------------------


def _ring(rounds: int, qty: int = 5_000) -> list[TradeRec]:
    out = []
    for r in range(rounds):
        m = 10 + r
        out += [
            trade(f"C{r}a", f"{m}:00:00", "R2", "R1", qty),
            trade(f"C{r}b", f"{m}:05:00", "R3", "R2", qty),
            trade(f"C{r}c", f"{m}:10:00", "R1", "R3", qty),
        ]
    return out


def test_circular_trading_round_a_ring_of_three_is_flagged(honest: DayData) -> None:
    (alert,) = circular_trading(with_events(honest, trades=_ring(3)), P)
    assert alert.accounts == ("R1", "R2", "R3")
    assert alert.metric("rounds") == 3 and alert.metric("quantity") == 45_000
    assert set(alert.trades) == {t.trade_id for t in _ring(3)}
    assert alert.severity is Severity.MEDIUM


def test_one_round_of_an_undeclared_ring_is_not_flagged(honest: DayData) -> None:
    assert circular_trading(with_events(honest, trades=_ring(1)), P) == []


def test_one_round_of_a_declared_group_is_flagged_high(honest: DayData) -> None:
    links = (("R1", "GR"), ("R2", "GR"), ("R3", "GR"))
    (alert,) = circular_trading(with_events(honest, trades=_ring(1), groups=links), P)
    assert alert.severity is Severity.HIGH and "GR" in alert.summary


def test_a_ring_slower_than_the_window_is_not_circular(honest: DayData) -> None:
    slow = Params(circular_window_s=300)  # legs are 5 minutes apart: 10 minutes per round
    assert circular_trading(with_events(honest, trades=_ring(3)), slow) == []


# --- marking the close -----------------------------------------------------------------------


def _closing_buys(qty: int, price: int) -> list[TradeRec]:
    return [
        trade(f"M{i}", f"14:5{i}:00", "MK", f"A{i + 1:06d}", qty, price=price) for i in range(5)
    ]


def test_marking_the_close_is_flagged_with_the_close_it_moved(honest: DayData) -> None:
    (alert,) = marking_the_close(with_events(honest, trades=_closing_buys(40_000, 6_500)), P)
    assert alert.accounts == ("MK",) and alert.metric("net") == 200_000
    assert alert.metric("move_bps") > P.close_min_move_bps  # type: ignore[operator]
    assert alert.metric("close") > alert.metric("close_without")  # type: ignore[operator]
    assert alert.trades == ("M0", "M1", "M2", "M3", "M4")


def test_late_trades_at_the_average_price_do_not_mark_the_close(honest: DayData) -> None:
    mid = sum(t.price * t.quantity for t in honest.trades) // sum(t.quantity for t in honest.trades)
    assert marking_the_close(with_events(honest, trades=_closing_buys(40_000, mid)), P) == []


def test_the_same_trades_early_in_the_day_do_not_mark_the_close(honest: DayData) -> None:
    early = [t._replace(ts=t.ts - 4 * 3600 * 1_000_000) for t in _closing_buys(40_000, 6_500)]
    assert marking_the_close(with_events(honest, trades=early), P) == []


# --- layering / spoofing ---------------------------------------------------------------------


def _spoof(improving: bool, buys: bool) -> tuple[list[OrderEvent], list[TradeRec]]:
    orders, trades = [], []
    price = 5_401 if improving else 6_590  # below every honest offer / far above the best
    for i in range(12):
        t0, t1 = f"10:{10 + 2 * i}:00", f"10:{10 + 2 * i}:30"
        orders += [
            order(f"SP{i}", t0, Action.PLACE, "SPF", 1, price),
            order(f"SP{i}", t1, Action.CANCEL, "SPF", 1, price),
        ]
        if buys and i % 4 == 0:
            trades.append(trade(f"SB{i}", f"10:{10 + 2 * i}:15", "SPF", "A000009", 100))
    return orders, trades


def test_layering_with_trades_on_the_other_side_is_flagged_high(honest: DayData) -> None:
    orders, trades = _spoof(improving=True, buys=True)
    (alert,) = layering(with_events(honest, orders, trades), P)
    assert alert.accounts == ("SPF",) and alert.severity is Severity.HIGH
    assert alert.metric("improving_cancels") == 12 and alert.metric("cancel_bps") == 10_000
    assert alert.trades == ("SB0", "SB4", "SB8") and len(alert.orders) == 12


def test_layering_without_trades_on_the_other_side_is_medium(honest: DayData) -> None:
    orders, _ = _spoof(improving=True, buys=False)
    (alert,) = layering(with_events(honest, orders), P)
    assert alert.severity is Severity.MEDIUM


def test_cancels_that_never_improve_the_best_price_are_not_layering(honest: DayData) -> None:
    orders, trades = _spoof(improving=False, buys=True)
    assert layering(with_events(honest, orders, trades), P) == []


# --- pinned at the band ----------------------------------------------------------------------


def test_trades_pinned_at_the_upper_limit_are_flagged_to_the_buyer(honest: DayData) -> None:
    pinned = [trade(f"B{i}", f"11:0{i}:00", "BND", f"A{i + 1:06d}", 3_000, 6_600) for i in range(4)]
    (alert,) = pinned_at_band(with_events(honest, trades=pinned), P)
    assert alert.accounts == ("BND",) and "upper price limit (66.00)" in alert.summary
    assert alert.metric("trades") == 4 and alert.severity is Severity.HIGH


def test_trades_pinned_at_the_lower_limit_are_flagged_to_the_seller(honest: DayData) -> None:
    pinned = [trade(f"B{i}", f"11:0{i}:00", f"A{i + 1:06d}", "DUMP", 500, 5_400) for i in range(3)]
    (alert,) = pinned_at_band(with_events(honest, trades=pinned), P)
    assert alert.accounts == ("DUMP",) and alert.severity is Severity.MEDIUM


def test_two_small_trades_at_the_limit_are_not_flagged(honest: DayData) -> None:
    pinned = [trade(f"B{i}", f"11:0{i}:00", "BND", "A000001", 10, 6_600) for i in range(2)]
    assert pinned_at_band(with_events(honest, trades=pinned), P) == []


# --- concentration ---------------------------------------------------------------------------


def test_one_buyer_with_half_the_days_volume_is_flagged_high(honest: DayData) -> None:
    vol = sum(t.quantity for t in honest.trades if t.instrument == "CEA22")
    parts = [vol // 5] * 4 + [vol - 4 * (vol // 5)]  # five sellers of about 10% each
    big = [
        trade(f"K{i}", "13:30:00", "BIG", f"A{i + 1:06d}", q, inst="CEA22")
        for i, q in enumerate(parts)
    ]
    (alert,) = concentration(with_events(honest, trades=big), P)
    assert alert.accounts == ("BIG",) and alert.metric("share_bps") == 5_000
    assert alert.severity is Severity.HIGH and len(alert.trades) == 5


def test_a_share_below_the_threshold_is_not_concentration(honest: DayData) -> None:
    vol = sum(t.quantity for t in honest.trades if t.instrument == "CEA22")
    small = [trade("K1", "13:30:00", "BIG", "A000002", vol // 4, inst="CEA22")]
    assert concentration(with_events(honest, trades=small), P) == []


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(1, 3), st.integers(5400, 6600)),
        max_size=60,
    )
)
def test_detectors_never_fail_and_keep_evidence_bounded(
    rows: list[tuple[int, int, int, int]],
) -> None:
    trades = [
        trade(f"T{i}", f"{10 + i % 5}:{i % 60:02d}:00", f"P{b}", f"P{s}", q * 1_000, price)
        for i, (b, s, q, price) in enumerate(rows)
    ]
    day = with_events(honest_day(HonestSpec(orders=200, accounts=20)), trades=trades)
    p = Params(max_evidence=3, conc_min_day_qty=1, band_min_trades=1)
    for alert in run_all(day, p):
        assert len(alert.trades) <= 3 and len(alert.orders) <= 3
        assert alert.evidence_count >= len(alert.trades) + len(alert.orders)
