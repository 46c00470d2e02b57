"""Surveillance runs through the engine, and alerts becoming cases a regulator closes."""

from __future__ import annotations

import pytest
from dsl import Given

from openets.domain.clock import parse_iso, to_utc_micros
from openets.domain.rejection import Code
from openets.ops.surveillance import run_surveillance, surveillance_input
from openets.supervision import messages as sm
from openets.supervision.feed import Collector
from openets.supervision.messages import CaseStatus, Finding
from openets.supervision.model import Action, Alert, Severity
from openets.supervision.port import sup
from openets.trading.book import Side
from openets.trading.commands import CancelListing, PostListing, TakeListing

CEA = "CEA19-20"
DAY = "2021-07-16"


@pytest.fixture
def g() -> Given:
    """A day on which two linked accounts trade with each other, and one listing is cancelled."""
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.collector = Collector()  # type: ignore[attr-defined]
    g.engine.subscribers.append(g.collector)  # type: ignore[attr-defined]
    g.instrument(CEA, "48.00")
    a, b = g.account(tonnes={CEA: 1_000}), g.account(fen=10**8)
    g.ok(sm.LinkAccounts("集团甲", (a, b), "same parent company"), "reg1")
    g.at("2021-07-16T09:31+08:00")
    lid = g.ok(PostListing(a, CEA, Side.SELL, 5000, 400))[-1].listing_id
    g.at("2021-07-16T09:32+08:00")
    g.ok(TakeListing(lid, b, 400))
    other = g.ok(PostListing(a, CEA, Side.SELL, 5100, 10))[-1].listing_id
    g.ok(CancelListing(other, a))
    g.a, g.b, g.lid = a, b, lid  # type: ignore[attr-defined]
    return g


def alerts_of(g: Given) -> list[Alert]:
    return [r.alert for r in sup(g.state).alerts.values()]


def test_surveillance_input_is_built_from_the_journal(g: Given) -> None:
    day = surveillance_input(g.engine, DAY)
    assert [o.action for o in day.orders] == [
        Action.PLACE,
        Action.EXPIRE,  # filled
        Action.PLACE,
        Action.CANCEL,
    ]
    assert len(day.trades) == 1 and day.trades[0].maker_id == g.lid  # type: ignore[attr-defined]
    assert day.prev_close == ((CEA, 4800),)
    assert (CEA, "listing", 4320, 5280) in day.bands
    assert day.session_end == to_utc_micros(parse_iso("2021-07-16T15:00+08:00"))
    assert dict(day.groups) == {g.a: "集团甲", g.b: "集团甲"}  # type: ignore[attr-defined]


def test_a_live_collector_gives_the_same_day_as_the_journal(g: Given) -> None:
    live = surveillance_input(g.engine, DAY, g.collector.rows())  # type: ignore[attr-defined]
    assert live == surveillance_input(g.engine, DAY)


def test_a_surveillance_run_journals_the_wash_trade_it_found(g: Given) -> None:
    ran, raised = run_surveillance(g.engine, DAY)  # type: ignore[misc]
    assert isinstance(ran, sm.SurveillanceRan) and ran.new == 1
    alert = raised.alert
    assert alert.detector == "wash_trade" and alert.severity is Severity.MEDIUM
    assert alert.orders == (g.lid,) and len(alert.trades) == 1  # type: ignore[attr-defined]
    assert list(g.engine.journal.read())[-1].type == "AlertRaised"


def test_rerunning_surveillance_does_not_repeat_alerts(g: Given) -> None:
    run_surveillance(g.engine, DAY)
    (ran,) = run_surveillance(g.engine, DAY)  # type: ignore[misc]
    assert (ran.found, ran.new) == (1, 0)
    assert len(alerts_of(g)) == 1


def test_a_run_that_finds_nothing_is_journaled_too(g: Given) -> None:
    (ran,) = run_surveillance(g.engine, DAY, only=["layering"])  # type: ignore[misc]
    assert ran.detectors == ("layering",) and ran.found == 0


def test_an_alert_of_another_day_is_refused(g: Given) -> None:
    stray = Alert("wash_trade", "2021-07-19", CEA, ("x",), Severity.LOW, "x")
    r = g.rejects(sm.RecordAlerts(DAY, ("wash_trade",), (stray,)))
    assert r.code is Code.INVALID_FIELD


def test_alerts_survive_replay(g: Given) -> None:
    run_surveillance(g.engine, DAY)
    before = g.state.state_hash()
    g.engine.recover(use_snapshot=False)
    assert g.state.state_hash() == before and len(alerts_of(g)) == 1


# --- cases -----------------------------------------------------------------------------------


def opened(g: Given) -> str:
    run_surveillance(g.engine, DAY)
    (alert_id,) = sup(g.state).alerts
    (ev,) = g.ok(sm.OpenCase((alert_id,), "集团内部对倒"), "reg1")
    return str(ev.case_id)


def test_case_goes_open_under_review_closed_with_a_finding(g: Given) -> None:
    cid = opened(g)
    g.ok(sm.StartReview(cid, "requested the trading records"), "reg2")
    g.ok(sm.CloseCase(cid, Finding.VIOLATION, "wash trades confirmed; referred for a fine"), "reg2")
    case = sup(g.state).cases[cid]
    assert case.status is CaseStatus.CLOSED and case.finding is Finding.VIOLATION
    assert [h[:2] for h in case.history] == [
        ("open", "reg1"),
        ("under_review", "reg2"),
        ("closed", "reg2"),
    ]


def test_an_open_case_cannot_be_closed_before_review(g: Given) -> None:
    cid = opened(g)
    r = g.rejects(sm.CloseCase(cid, Finding.NO_VIOLATION, "fine"))
    assert r.code is Code.INVALID_STATE and "open" in r.message


def test_a_case_is_not_closed_without_a_note(g: Given) -> None:
    cid = opened(g)
    g.ok(sm.StartReview(cid, ""))
    assert g.rejects(sm.CloseCase(cid, Finding.NO_VIOLATION, " ")).field == "note"


def test_a_case_is_not_closed_with_an_unknown_finding(g: Given) -> None:
    cid = opened(g)
    g.ok(sm.StartReview(cid, ""))
    r = g.rejects(sm.CloseCase(cid, "guilty", "x"))  # type: ignore[arg-type]
    assert r.field == "finding"


def test_an_alert_already_in_a_case_cannot_open_another(g: Given) -> None:
    opened(g)
    (alert_id,) = sup(g.state).alerts
    assert g.rejects(sm.OpenCase((alert_id,), "again")).code is Code.INVALID_STATE


def test_a_case_needs_known_alerts(g: Given) -> None:
    assert g.rejects(sm.OpenCase(("AL999999",), "x")).field == "alert_ids"
    assert g.rejects(sm.OpenCase((), "x")).field == "alert_ids"


def test_unlinking_accounts_stops_wash_alerts_on_later_runs(g: Given) -> None:
    g.ok(sm.UnlinkAccounts((g.a, g.b), "group sold"), "reg1")  # type: ignore[attr-defined]
    (ran,) = run_surveillance(g.engine, DAY, only=["wash_trade"])  # type: ignore[misc]
    assert ran.found == 0
