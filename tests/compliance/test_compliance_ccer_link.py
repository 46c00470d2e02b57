"""The CCER surrender link (reference §8.3, §13): CCER offsets at most 5% of the obligation;
CCER filed before 2017-03-14 is issued under its own code (``CCER-PRE17``) and offsets
surrenders made by 2024-12-31 only. Through the engine: rules and registry move together."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from compliance_engine_world import CCER_LIMIT_T, CEA21, OBLIGATION_T, World, items, op

from openets.compliance.cycle_messages import RecordSurrender
from openets.compliance.obligations import ccer_limit_t
from openets.compliance.plans import PLAN_2021, PRESETS
from openets.compliance.rules import SurrenderCheck, SurrenderItem, check_legacy_ccer_window
from openets.domain.clock import BEIJING
from openets.domain.products import CCER, CCER_PRE_2017
from openets.domain.rejection import Code
from openets.engine.codec import decode, encode
from openets.registry import commands as rc
from openets.registry.events import LedgerPosted
from openets.registry.model import SystemRole


@pytest.fixture
def w() -> World:
    """E1 finalised for 2021 (obligation 939,200 t; CCER limit 46,960 t), mid-2023."""
    w = World()
    w.budget(2021, 3_000_000)
    w.finalised("E1")
    w.at("2023-06-01T10:00+08:00")
    return w


def test_ccer_used_for_compliance_is_at_most_5_percent_of_the_obligation(w: World) -> None:
    assert all(p.ccer_cap * 20 == 1 for p in PRESETS.values())
    assert ccer_limit_t(PLAN_2021, OBLIGATION_T) == CCER_LIMIT_T == OBLIGATION_T * 5 // 100
    acct = w.accounts["E1"]
    w.g.ok(rc.Issue(acct, CCER, 30_000, "offsets", "2024-12-03"))
    w.g.ok(rc.Issue(acct, CCER, 30_000, "old offsets", "2016-05-01"))
    w.surrender("E1", 2021, (CCER, 30_000), (CCER_PRE_2017, CCER_LIMIT_T - 30_000))
    r = w.g.rejects(RecordSurrender("E1", 2021, items((CCER_PRE_2017, 1))), op("E1"))
    assert r.code is Code.CCER_CAP  # both classes count against one 5% cap
    assert w.comp.years[("E1", 2021)].ccer_t == CCER_LIMIT_T


def test_ccer_filed_before_2017_03_14_is_issued_as_ccer_pre17(w: World) -> None:
    acct = w.accounts["E1"]
    (tx,) = w.g.ok(rc.Issue(acct, CCER, 700, "old offsets", "2017-03-13"))
    assert isinstance(tx, LedgerPosted) and "filed 2017-03-13" in tx.memo
    w.g.ok(rc.Issue(acct, CCER, 300, "offsets", "2017-03-14"))
    assert (w.held(acct, CCER_PRE_2017), w.held(acct, CCER)) == (700, 300)
    r = w.g.rejects(rc.Issue(acct, CCER_PRE_2017, 1, "x", "2020-01-01"), "regop")
    assert r.code is Code.INVALID_FIELD and r.field == "registered_on"
    r = w.g.rejects(rc.Issue(acct, CEA21, 1, "x", "2016-01-01"), "regop")
    assert r.code is Code.INVALID_FIELD and "filing date of CCER" in r.message
    r = w.g.rejects(rc.Issue(acct, CCER, 1, "x", "2016-13-01"), "regop")
    assert r.code is Code.INVALID_FIELD and "YYYY-MM-DD" in r.message


def test_pre_2017_ccer_offsets_a_surrender_made_by_2024_12_31(w: World) -> None:
    acct = w.accounts["E1"]
    w.g.ok(rc.Issue(acct, CCER, 1_000, "old offsets", "2015-06-30"))
    w.at("2024-12-31T16:00+08:00")
    w.surrender("E1", 2021, (CEA21, 10_000), (CCER_PRE_2017, 1_000))
    assert w.held(w.system(SystemRole.CANCELLATION), CCER_PRE_2017) == 1_000
    assert w.comp.years[("E1", 2021)].ccer_t == 1_000


def test_pre_2017_ccer_is_ineligible_for_surrender_after_2024_12_31(w: World) -> None:
    acct = w.accounts["E1"]
    w.g.ok(rc.Issue(acct, CCER, 1_000, "old offsets", "2015-06-30"))
    w.g.ok(rc.Issue(acct, CCER, 1_000, "offsets", "2024-12-03"))
    w.at("2025-01-02T10:00+08:00")
    cmd = RecordSurrender("E1", 2021, items((CEA21, 10_000), (CCER_PRE_2017, 1)))
    r = w.g.rejects(cmd, op("E1"))
    assert (r.code, r.field) == (Code.INELIGIBLE_VINTAGE, "items[1].product")
    assert "2024-12-31" in r.message and "2017-03-14" in r.message
    assert w.held(acct, CCER_PRE_2017) == 1_000
    w.surrender("E1", 2021, (CEA21, 10_000), (CCER, 1_000))  # later credits still count


def test_legacy_ccer_window_is_configurable_per_plan() -> None:
    at = datetime(2026, 1, 5, 10, tzinfo=BEIJING)
    items_ = (SurrenderItem(CCER_PRE_2017, 1),)
    assert check_legacy_ccer_window(SurrenderCheck(PLAN_2021, 2021, items_, at, 100)) is not None
    longer = replace(PLAN_2021, legacy_ccer_until=date(2026, 12, 31))
    assert check_legacy_ccer_window(SurrenderCheck(longer, 2021, items_, at, 100)) is None


def test_ccer_issued_without_a_registration_date_is_ccer_and_journals_keep_their_shape(
    w: World,
) -> None:
    """Issues before the field existed had no date: they read as later credits (``CCER``),
    eligible after 2024; the journal's event has the same shape as before (no new field)."""
    acct = w.accounts["E1"]
    (tx,) = w.g.ok(rc.Issue(acct, CCER, 1_000, "offsets"))
    blob = encode(tx)
    assert b"registered" not in blob and b"_v" not in blob
    again = decode("LedgerPosted", blob)
    assert again == tx and {p.product for p in again.postings} == {CCER}
    w.at("2025-01-02T10:00+08:00")
    w.surrender("E1", 2021, (CEA21, 10_000), (CCER, 1_000))
