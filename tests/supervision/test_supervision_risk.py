"""Risk controls through the engine: position limits, large-holder reports, risk measures."""

from __future__ import annotations

import pytest
from dsl import Given, fresh_uscc

from openets.clearing import funds
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.supervision import messages as sm
from openets.supervision import port as sup_uc
from openets.supervision.messages import Authority
from openets.supervision.port import (
    check_account_restriction,
    check_position_limit,
    position_of,
    risk_rules,
    sup,
)
from openets.supervision.risk import CN_PILOT_ANALOGUE, Limit
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

CEA = "CEA19-20"
SMALL = sm.SetRiskRules(
    "test",
    position=(Limit("entity", 1_000, True), Limit("institution", 500, False)),
    reporting=(Limit("entity", 800, True), Limit("institution", 300, False)),
    source="test limits",
)


@pytest.fixture
def g() -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    g.ok(SMALL, "exchange")
    g.at("2021-07-16T09:30+08:00")
    return g


def institution(g: Given, fen: int = 0) -> str:
    ev = g.ok(rc.OpenAccount(SubjectType.INSTITUTION, "某投资机构", fresh_uscc(), "上海"))
    acct: str = ev[0].account_id
    if fen:
        g.deposit(acct, fen)
    return acct


# --- position limits -------------------------------------------------------------------------


def test_cn_pilot_limits_preset_uses_the_beijing_pilot_analogue_marked_unconfirmed() -> None:
    g = Given.in_memory(preset="cn-pilot-limits")
    rr = risk_rules(g.state)
    assert rr is CN_PILOT_ANALOGUE and "Beijing pilot analogue [U]" in rr.source
    entity = rr.position_limit("entity")
    assert entity is not None and entity.of(300_000) == 1_300_000
    assert rr.reporting_threshold("individual") == Limit("individual", 500_000, False)


def test_eu_like_preset_has_no_position_limit() -> None:
    g = Given.in_memory(preset="eu-like")
    a = g.account(tonnes={CEA: 10})
    assert check_position_limit(g.state, a, CEA, 10**9) is None


def test_entity_position_limit_is_its_allocation_plus_the_base(g: Given) -> None:
    a = g.account(tonnes={CEA: 200})
    assert sup(g.state).allocation(a, CEA) == 200
    assert check_position_limit(g.state, a, CEA, 1_000) is None
    r = check_position_limit(g.state, a, CEA, 1_001)
    assert r is not None and r.code is Code.POSITION_LIMIT and r.field == "quantity"
    assert "would hold 1201 t" in r.message and "limit of 1200 t" in r.message


def test_buy_listing_over_the_position_limit_is_rejected(g: Given) -> None:
    b = g.account(tonnes={CEA: 200}, fen=10**8)
    g.ok(PostListing(b, CEA, Side.BUY, 4800, 600))
    r = g.rejects(PostListing(b, CEA, Side.BUY, 4800, 401))
    assert r.code is Code.POSITION_LIMIT and "open buys 600 t" in r.message
    g.ok(PostListing(b, CEA, Side.BUY, 4800, 400))


def test_institution_limit_has_no_allocation_part(g: Given) -> None:
    b = institution(g, fen=10**8)
    assert g.rejects(PostListing(b, CEA, Side.BUY, 4800, 501)).code is Code.POSITION_LIMIT
    g.ok(PostListing(b, CEA, Side.BUY, 4800, 500))


def test_taking_a_sell_listing_counts_todays_unsettled_purchases(g: Given) -> None:
    s = g.account(tonnes={CEA: 5_000})
    b = institution(g, fen=10**8)
    lid = g.ok(PostListing(s, CEA, Side.SELL, 4800, 1_000))[-1].listing_id
    g.ok(TakeListing(lid, b, 450))
    assert position_of(g.state, b, CEA).bought_unsettled == 450
    assert g.rejects(TakeListing(lid, b, 51)).code is Code.POSITION_LIMIT
    g.ok(TakeListing(lid, b, 50))


def test_selling_is_never_limited_by_the_position_limit(g: Given) -> None:
    s = institution(g)
    g.ok(rc.Issue(s, CEA, 2_000, "transfer in"))
    g.ok(PostListing(s, CEA, Side.SELL, 4800, 2_000))


def test_allocation_counts_issuance_less_claw_back(g: Given) -> None:
    a = g.account(tonnes={CEA: 300})
    g.ok(rc.ClawBack(a, CEA, 100, "true-up"))
    assert sup(g.state).allocation(a, CEA) == 200


def test_risk_rules_with_a_negative_limit_are_rejected(g: Given) -> None:
    bad = sm.SetRiskRules("bad", (Limit("entity", -1, False),), (), "x")
    r = g.rejects(bad, "exchange")
    assert r.code is Code.INVALID_FIELD and "-1" in r.message


# --- large-holder reporting ------------------------------------------------------------------


def test_crossing_the_reporting_threshold_raises_an_obligation(g: Given) -> None:
    s = g.account(tonnes={CEA: 5_000})
    b = institution(g, fen=10**8)
    lid = g.ok(PostListing(s, CEA, Side.SELL, 4800, 1_000))[-1].listing_id
    g.ok(TakeListing(lid, b, 299))
    assert g.engine.submit(sm.ScanPositions(), "eod") == ()
    g.ok(TakeListing(lid, b, 1))
    (ev,) = g.ok(sm.ScanPositions(), "eod")
    assert isinstance(ev, sm.LargeHolderReportRequired)
    assert (ev.account_id, ev.product, ev.position, ev.threshold) == (b, CEA, 300, 300)
    assert g.engine.submit(sm.ScanPositions(), "eod") == ()  # one obligation per crossing
    assert sup(g.state).obligations[ev.obligation_id].status == "open"


def test_a_covered_entity_reports_over_its_allocation_plus_threshold(g: Given) -> None:
    a = g.account(tonnes={CEA: 799})
    assert g.engine.submit(sm.ScanPositions(), "eod") == ()  # 799 < 799 + 800
    b = institution(g)
    g.ok(rc.Issue(b, CEA, 300, "x"))
    (ev,) = g.ok(sm.ScanPositions(), "eod")
    assert ev.account_id == b and a not in str(ev)


def test_falling_below_and_crossing_again_raises_a_new_obligation(g: Given) -> None:
    b = institution(g)
    g.ok(rc.Issue(b, CEA, 300, "x"))
    (first,) = g.ok(sm.ScanPositions(), "eod")
    g.ok(rc.CancelVoluntarily(b, CEA, 10, "retire"))
    (below,) = g.ok(sm.ScanPositions(), "eod")
    assert isinstance(below, sm.LargeHolderBelowThreshold)
    g.ok(rc.Issue(b, CEA, 10, "x"))
    (again,) = g.ok(sm.ScanPositions(), "eod")
    assert again.obligation_id != first.obligation_id


def test_the_holder_files_its_report_once(g: Given) -> None:
    b = institution(g)
    g.ok(rc.Issue(b, CEA, 300, "x"))
    (ev,) = g.ok(sm.ScanPositions(), "eod")
    g.ok(sm.FileLargeHolderReport(ev.obligation_id, "holding for compliance"), "holder")
    assert sup(g.state).obligations[ev.obligation_id].status == "filed"
    r = g.rejects(sm.FileLargeHolderReport(ev.obligation_id, "again"), "holder")
    assert r.code is Code.ALREADY_DONE


# --- risk measures ---------------------------------------------------------------------------


def test_risk_warning_is_journaled_with_its_authority_and_actor(g: Given) -> None:
    a = g.account()
    (ev,) = g.ok(sm.IssueRiskWarning(a, CEA, "请注意交易风险", Authority.EXCHANGE), "ex1")
    assert (ev.account_id, ev.authority, ev.actor) == (a, Authority.EXCHANGE, "ex1")
    assert sup(g.state).measures[-1] == ev


def test_risk_warning_without_text_is_rejected(g: Given) -> None:
    r = g.rejects(sm.IssueRiskWarning("", "", " ", Authority.EXCHANGE))
    assert r.code is Code.INVALID_FIELD and r.field == "text"


def test_risk_warning_by_an_unknown_authority_is_rejected(g: Given) -> None:
    r = g.rejects(sm.IssueRiskWarning("", "", "x", "broker"))  # type: ignore[arg-type]
    assert r.field == "authority"


def test_account_restricted_from_transfer_cannot_request_a_transfer(g: Given) -> None:
    a, b = g.account(tonnes={CEA: 10}), g.account()
    g.ok(sm.RestrictAccount(a, False, True, "abnormal trading", Authority.REGULATOR), "reg1")
    r = g.rejects(rc.RequestTransfer(a, b, CEA, 1, "gift"))
    assert r.code is Code.ACCOUNT_RESTRICTED and r.field == "from_account"
    assert "regulator" in r.message and "abnormal trading" in r.message


def test_account_restricted_from_transfer_cannot_withdraw_funds(g: Given) -> None:
    a = g.account(fen=10_000)
    g.ok(sm.RestrictAccount(a, False, True, "investigation", Authority.EXCHANGE), "ex1")
    r = g.rejects(funds.RequestWithdrawal(a, 100, "wd-1"))
    assert r.code is Code.ACCOUNT_RESTRICTED


def test_approving_a_transfer_out_of_a_restricted_account_is_refused(g: Given) -> None:
    a, b = g.account(tonnes={CEA: 10}), g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, CEA, 1, "gift"), "op1")
    g.ok(sm.RestrictAccount(a, False, True, "investigation", Authority.REGULATOR), "reg1")
    r = g.rejects(rc.Decide(req.request_id, True, "ok"), "op2")
    assert r.code is Code.ACCOUNT_RESTRICTED


def test_lifting_the_restriction_allows_transfers_again(g: Given) -> None:
    a, b = g.account(tonnes={CEA: 10}), g.account()
    g.ok(sm.RestrictAccount(a, True, True, "investigation", Authority.REGULATOR), "reg1")
    g.ok(sm.RestrictAccount(a, False, False, "cleared", Authority.REGULATOR), "reg1")
    g.ok(rc.RequestTransfer(a, b, CEA, 1, "gift"))
    assert check_account_restriction(g.state, a, "trading") is None


def test_restriction_without_a_reason_is_rejected(g: Given) -> None:
    a = g.account()
    r = g.rejects(sm.RestrictAccount(a, True, False, "", Authority.REGULATOR))
    assert r.field == "reason"


def test_account_restricted_from_trading_cannot_post_a_listing(g: Given) -> None:
    a = g.account(tonnes={CEA: 10})
    g.ok(PostListing(a, CEA, Side.SELL, 4800, 1))  # allowed before the restriction
    g.ok(sm.RestrictAccount(a, True, False, "spoofing", Authority.EXCHANGE), "ex1")
    r = g.rejects(PostListing(a, CEA, Side.SELL, 4800, 1))
    assert r.code is Code.ACCOUNT_RESTRICTED and "trading" in r.message


def test_regulator_suspends_and_resumes_an_instrument(g: Given) -> None:
    a = g.account(tonnes={CEA: 10})
    ev = g.ok(sm.SuspendInstrument(CEA, "abnormal volatility", Authority.REGULATOR), "reg1")
    assert ev[-1].actor == "reg1" and ev[-1].suspended
    assert g.rejects(PostListing(a, CEA, Side.SELL, 4800, 1)).code is Code.INSTRUMENT_SUSPENDED
    g.ok(sm.ResumeInstrument(CEA, "cause removed", Authority.REGULATOR), "reg1")
    g.ok(PostListing(a, CEA, Side.SELL, 4800, 1))
    kinds = [(type(x).__name__, x.suspended) for x in sup(g.state).measures]
    assert kinds == [("SuspensionOrdered", True), ("SuspensionOrdered", False)]


def test_suspending_an_unknown_instrument_is_rejected(g: Given) -> None:
    r = g.rejects(sm.SuspendInstrument("CEA99", "x", Authority.EXCHANGE))
    assert r.code is Code.UNKNOWN_INSTRUMENT


def test_suspending_a_suspended_instrument_changes_nothing(g: Given) -> None:
    g.ok(sm.SuspendInstrument(CEA, "x", Authority.EXCHANGE))
    assert g.engine.submit(sm.SuspendInstrument(CEA, "x", Authority.EXCHANGE)) == ()


def test_supervision_state_survives_replay(g: Given) -> None:
    a = g.account(tonnes={CEA: 900})
    g.ok(sm.RestrictAccount(a, False, True, "x", Authority.REGULATOR), "reg1")
    g.ok(sm.ScanPositions(), "eod")
    before = g.state.state_hash()
    g.engine.recover(use_snapshot=False)
    assert g.state.state_hash() == before
    assert sup_uc.sup(g.state).restrictions[a].transfer
