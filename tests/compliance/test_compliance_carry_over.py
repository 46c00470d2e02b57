"""The carry-over of Plan 23-24: 10,000 t + 1.5 × net sales 2019-2024, from the dated trade
ledger, shown before the 2024 surrender deadline and applied (one journaled command) after it."""

from __future__ import annotations

from compliance_engine_world import CEA21, NATIONAL_REG, World

from openets.bootstrap import new_state
from openets.compliance.cycle_messages import DetermineCarryOver
from openets.compliance.service_carry_over import ApplyCarryOver, CarryOverApplied, carry_over_view
from openets.compliance.service_inputs import net_sales_t
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing


def _market() -> tuple[World, str, str, str]:
    """E1 (5,000 t CEA21) and E2 (50,000 t CEA21, never sells) and a buyer with money."""
    w = World("2024-11-01T10:00+08:00")
    e1 = w.entity("E1")
    e2 = w.entity("E2")
    w.g.ok(rc.Issue(e1, CEA21, 5_000, "allocation"))
    w.g.ok(rc.Issue(e2, CEA21, 50_000, "allocation"))
    w.g.deposit(e1, 10**8)
    other = w.g.account(tonnes={CEA21: 5_000}, fen=10**8)
    w.g.instrument(CEA21, "90.00")
    return w, e1, e2, other


def test_carry_over_is_ten_thousand_plus_one_and_a_half_times_net_sales() -> None:
    """E1 sells 2,000 t and buys 500 t in December 2024: quota 10,000 + 1.5 × 1,500 = 12,250 t;
    E2 never sold: 10,000 t."""
    w, e1, _, other = _market()
    w.trade("2024-12-02", e1, other, "90.00", 2_000, CEA21)
    w.trade("2024-12-03", other, e1, "90.00", 500, CEA21)
    w.at("2026-01-05T10:00+08:00")
    events = w.g.ok(ApplyCarryOver(2024), NATIONAL_REG)
    by_entity = {e.entity_id: e for e in events if isinstance(e, CarryOverApplied)}
    assert (by_entity["E1"].sold_t, by_entity["E1"].bought_t) == (2_000, 500)
    assert by_entity["E1"].quota_t == 12_250
    assert by_entity["E2"].quota_t == 10_000
    assert w.comp.carry_over_quota == {"E1": 12_250, "E2": 10_000}


def test_net_sales_are_dated_by_trade_date_not_settlement() -> None:
    """A sale made on 2024-12-31 counts for 2024 while it is still unsettled (no delivery, no
    roll yet); a sale made on 2025-01-02 does not count."""
    w, e1, _, other = _market()
    w.at("2024-12-31T09:45+08:00")
    (*_, posted) = w.g.ok(PostListing(e1, CEA21, Side.SELL, 9_000, 1_000))
    w.g.ok(TakeListing(posted.listing_id, other, 1_000))
    assert w.state.trading.unsettled  # not delivered yet
    assert net_sales_t(w.state, e1) == 1_000
    assert net_sales_t(w.state, other) == -1_000
    w.at("2024-12-31T15:30+08:00")
    w.g.end_of_day()
    w.trade("2025-01-02", e1, other, "90.00", 700, CEA21)
    assert net_sales_t(w.state, e1) == 1_000
    assert w.state.trading.ledger[(e1, "2025-01-02")] == (700, 0)


def test_carry_over_is_applied_only_after_the_surrender_deadline() -> None:
    w, *_ = _market()
    w.at("2025-12-31T23:00+08:00")
    r = w.g.rejects(ApplyCarryOver(2024), NATIONAL_REG)
    assert r.code is Code.INVALID_STATE and r.field == "year" and "2025-12-31" in r.message
    assert w.comp.carry_over_applied == {}
    w.at("2026-01-01T00:00+08:00")
    w.g.ok(ApplyCarryOver(2024), NATIONAL_REG)
    again = w.g.rejects(ApplyCarryOver(2024), NATIONAL_REG)
    assert again.code is Code.ALREADY_DONE


def test_carry_over_of_another_year_is_refused_naming_the_carry_over_year() -> None:
    w, *_ = _market()
    w.at("2026-01-05T10:00+08:00")
    r = w.g.rejects(ApplyCarryOver(2023), NATIONAL_REG)
    assert r.code is Code.INVALID_FIELD and r.field == "year" and "2024" in r.message


def test_carry_over_is_applied_by_a_national_regulator_only() -> None:
    w, *_ = _market()
    w.at("2026-01-05T10:00+08:00")
    r = w.g.rejects(ApplyCarryOver(2024), "reg-sd")
    assert r.code is Code.NOT_PERMITTED


def test_old_vintages_above_the_quota_are_marked_not_carried_over() -> None:
    """E2 holds 50,000 t of CEA21 with a 10,000 t quota: 40,000 t are not carried over (the
    reference leaves their fate open, so they are marked, not cancelled)."""
    w, _, e2, _ = _market()
    w.at("2026-01-05T10:00+08:00")
    w.g.ok(ApplyCarryOver(2024), NATIONAL_REG)
    view = carry_over_view(w.state, w.comp.entities["E2"], 2024)
    assert not isinstance(view, Exception) and not hasattr(view, "code")
    assert (view.held_t, view.quota_t, view.carried_t, view.not_carried_t) == (
        50_000,
        10_000,
        10_000,
        40_000,
    )
    assert view.applied
    assert w.held(e2) == 50_000  # still held: marked, not cancelled


def test_carry_over_is_shown_before_the_deadline_as_of_now() -> None:
    w, e1, _, other = _market()
    w.trade("2024-12-02", e1, other, "90.00", 2_000, CEA21)
    view = carry_over_view(w.state, w.comp.entities["E1"], 2024)
    assert not hasattr(view, "code")
    assert (view.sold_t, view.net_sales_t, view.quota_t, view.held_t) == (  # type: ignore[union-attr]
        2_000,
        2_000,
        13_000,
        3_000,
    )
    assert not view.applied  # type: ignore[union-attr]


def test_a_quota_determined_before_is_kept_when_the_carry_over_is_applied() -> None:
    w, e1, _, other = _market()
    w.trade("2024-12-02", e1, other, "90.00", 2_000, CEA21)
    w.g.ok(DetermineCarryOver("E1", 0), NATIONAL_REG)
    w.at("2026-01-05T10:00+08:00")
    events = w.g.ok(ApplyCarryOver(2024), NATIONAL_REG)
    (e1_applied,) = [e for e in events if isinstance(e, CarryOverApplied) and e.entity_id == "E1"]
    assert e1_applied.quota_t == 13_000


def test_replaying_the_journal_rebuilds_the_ledger_and_the_carry_over() -> None:
    w, e1, _, other = _market()
    w.trade("2024-12-02", e1, other, "90.00", 2_000, CEA21)
    w.at("2026-01-05T10:00+08:00")
    w.g.ok(ApplyCarryOver(2024), NATIONAL_REG)
    eng = w.g.engine
    fresh = new_state()
    eng.replay_into(fresh, eng.journal.read(0))
    assert fresh.state_hash() == eng.state.state_hash()
    assert fresh.trading.ledger == w.state.trading.ledger
    assert fresh.compliance.carry_over_applied == w.comp.carry_over_applied
