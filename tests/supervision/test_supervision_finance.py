"""Carbon finance through the engine: pledge financing (four-eyes default) and repo."""

from __future__ import annotations

import pytest
from dsl import Given

from openets.domain.rejection import Code
from openets.supervision import messages as sm
from openets.supervision.finance import (
    AcceptRepo,
    CancelRepo,
    DecidePledgeEnforcement,
    PledgeStatus,
    ProposeRepo,
    RegisterPledge,
    RepayPledge,
    RepoStatus,
    RepurchaseRepo,
    RequestPledgeEnforcement,
    fin,
)
from openets.supervision.risk import Limit
from openets.trading.book import Side
from openets.trading.commands import PostListing
from openets.trading.events import DayClosed, TradeExecuted

CEA = "CEA19-20"


@pytest.fixture
def g() -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    return g


def pledge(g: Given, qty: int = 600) -> tuple[str, str, str]:
    owner, bank = g.account(tonnes={CEA: 1_000}), g.account(name="某银行")
    ev = g.ok(RegisterPledge(owner, bank, CEA, qty, 2_000_000, "2022-07-15", "贷款合同-001"))
    return owner, bank, str(ev[-1].pledge_id)


# --- pledges ---------------------------------------------------------------------------------


def test_a_pledge_moves_the_quantity_to_the_pledged_bucket(g: Given) -> None:
    owner, bank, pid = pledge(g)
    assert g.holding(owner) == [400, 0, 0, 600, 0]
    assert fin(g.state).pledges[pid].terms.lender == bank


def test_pledging_more_than_is_available_is_rejected(g: Given) -> None:
    owner, bank = g.account(tonnes={CEA: 10}), g.account()
    r = g.rejects(RegisterPledge(owner, bank, CEA, 11, 1, "2022-01-01", "c"))
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_a_pledge_to_oneself_is_rejected(g: Given) -> None:
    owner = g.account(tonnes={CEA: 10})
    assert g.rejects(RegisterPledge(owner, owner, CEA, 1, 1, "2022-01-01", "c")).field == "lender"


def test_pledged_allowances_cannot_be_sold(g: Given) -> None:
    owner, _, _ = pledge(g)
    g.at("2021-07-16T09:30+08:00")
    r = g.rejects(PostListing(owner, CEA, Side.SELL, 4800, 401))
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_repayment_releases_the_pledge(g: Given) -> None:
    owner, _, pid = pledge(g)
    g.ok(RepayPledge(pid, "loan repaid"), "bank-officer")
    assert g.holding(owner) == [1_000, 0, 0, 0, 0]
    assert fin(g.state).pledges[pid].status is PledgeStatus.RELEASED
    assert g.rejects(RepayPledge(pid, "again")).code is Code.INVALID_STATE


def test_default_transfer_needs_a_second_person(g: Given) -> None:
    _, _, pid = pledge(g)
    g.ok(RequestPledgeEnforcement(pid, "loan in default since 2022-07-15"), "op1")
    r = g.rejects(DecidePledgeEnforcement(pid, True, "ok"), "op1")
    assert r.code is Code.SAME_PERSON_APPROVAL


def test_approved_default_moves_the_pledged_allowances_to_the_lender(g: Given) -> None:
    owner, bank, pid = pledge(g)
    g.ok(RequestPledgeEnforcement(pid, "loan in default"), "op1")
    g.ok(DecidePledgeEnforcement(pid, True, "court order 2022-001"), "op2")
    assert g.holding(owner) == [400, 0, 0, 0, 0]
    assert g.holding(bank) == [600, 0, 0, 0, 0]
    assert fin(g.state).pledges[pid].status is PledgeStatus.ENFORCED
    assert g.state.violations() == []


def test_rejected_default_leaves_the_pledge_in_force(g: Given) -> None:
    owner, _, pid = pledge(g)
    g.ok(RequestPledgeEnforcement(pid, "late payment"), "op1")
    g.ok(DecidePledgeEnforcement(pid, False, "paid after all"), "op2")
    assert fin(g.state).pledges[pid].status is PledgeStatus.ACTIVE
    assert g.holding(owner) == [400, 0, 0, 600, 0]


def test_a_repaid_pledge_cannot_be_enforced(g: Given) -> None:
    _, _, pid = pledge(g)
    g.ok(RepayPledge(pid, "repaid"))
    assert g.rejects(RequestPledgeEnforcement(pid, "x")).code is Code.INVALID_STATE


def close(g: Given, day: str) -> None:
    g.at(f"{day}T15:05+08:00")
    g.end_of_day()


# --- repo ------------------------------------------------------------------------------------


def repo(g: Given, qty: int = 1_000, price: int = 5000, back: int = 5050) -> tuple[str, str, str]:
    seller, buyer = g.account(tonnes={CEA: 2_000}, fen=10**7), g.account(fen=10**8)
    ev = g.ok(ProposeRepo(seller, buyer, CEA, qty, price, back, "2021-07-19"), "seller-op")
    return seller, buyer, str(ev[0].repo_id)


def test_repo_first_leg_is_a_block_trade_settled_at_the_end_of_the_day(g: Given) -> None:
    seller, buyer, rid = repo(g)
    g.at("2021-07-16T13:30+08:00")
    events = g.ok(AcceptRepo(rid, buyer), "buyer-op")
    (trade,) = [e for e in events if isinstance(e, TradeExecuted)]
    assert (trade.method, trade.price, trade.quantity) == ("block", 5000, 1_000)
    assert (trade.buyer, trade.seller) == (buyer, seller)
    close(g, "2021-07-16")
    assert g.holding(buyer)[0] == 1_000 and g.holding(seller)[0] == 1_000
    assert fin(g.state).repos[rid].status is RepoStatus.OPEN


def test_repo_legs_count_as_block_volume_of_the_day(g: Given) -> None:
    _, buyer, rid = repo(g)
    g.at("2021-07-16T13:30+08:00")
    g.ok(AcceptRepo(rid, buyer))
    close(g, "2021-07-16")
    (bar,) = g.state.trading.bars[CEA]
    assert isinstance(bar, DayClosed) and ("block", 1_000, 5_000_000) in bar.volumes
    assert bar.close == 4800  # block trades never set the close


def test_repo_second_leg_sells_back_at_the_agreed_price_on_the_date(g: Given) -> None:
    seller, buyer, rid = repo(g)
    g.at("2021-07-16T13:30+08:00")
    g.ok(AcceptRepo(rid, buyer))
    close(g, "2021-07-16")
    g.at("2021-07-19T13:30+08:00")
    events = g.ok(RepurchaseRepo(rid), "seller-op")
    (trade,) = [e for e in events if isinstance(e, TradeExecuted)]
    assert (trade.buyer, trade.seller, trade.price) == (seller, buyer, 5050)
    close(g, "2021-07-19")
    assert g.holding(seller)[0] == 2_000 and g.holding(buyer)[0] == 0
    assert g.funds(buyer)[0] == 10**8 + 50 * 1_000  # earned the repo interest
    assert fin(g.state).repos[rid].status is RepoStatus.CLOSED


def test_repo_second_leg_before_the_date_is_rejected(g: Given) -> None:
    _, buyer, rid = repo(g)
    g.at("2021-07-16T13:30+08:00")
    g.ok(AcceptRepo(rid, buyer))
    r = g.rejects(RepurchaseRepo(rid))
    assert r.code is Code.INVALID_STATE and "2021-07-19" in r.message


def test_repo_outside_the_block_session_is_rejected(g: Given) -> None:
    _, buyer, rid = repo(g)
    g.at("2021-07-16T10:00+08:00")
    assert g.rejects(AcceptRepo(rid, buyer)).code is Code.MARKET_CLOSED


def test_repo_first_leg_outside_the_block_band_is_rejected(g: Given) -> None:
    _, buyer, rid = repo(g, price=6241)  # 48.00 + 30% = 62.40
    g.at("2021-07-16T13:30+08:00")
    assert g.rejects(AcceptRepo(rid, buyer)).code is Code.PRICE_OUT_OF_BAND


def test_only_the_named_buyer_can_accept_a_repo(g: Given) -> None:
    _, _, rid = repo(g)
    other = g.account(fen=10**8)
    g.at("2021-07-16T13:30+08:00")
    assert g.rejects(AcceptRepo(rid, other)).code is Code.NOT_PERMITTED


def test_repurchase_date_must_be_a_later_trading_day(g: Given) -> None:
    s, b = g.account(tonnes={CEA: 10}), g.account()
    r = g.rejects(ProposeRepo(s, b, CEA, 1, 5000, 5010, "2021-07-17"))  # a Saturday
    assert r.field == "repurchase_date"


def test_a_cancelled_repo_cannot_be_accepted(g: Given) -> None:
    _, buyer, rid = repo(g)
    g.ok(CancelRepo(rid, "terms changed"))
    g.at("2021-07-16T13:30+08:00")
    assert g.rejects(AcceptRepo(rid, buyer)).code is Code.INVALID_STATE


def test_repo_buyer_over_its_position_limit_is_rejected(g: Given) -> None:
    g.ok(sm.SetRiskRules("t", (Limit("entity", 500, True),), (), "test"), "exchange")
    _, buyer, rid = repo(g)
    g.at("2021-07-16T13:30+08:00")
    assert g.rejects(AcceptRepo(rid, buyer)).code is Code.POSITION_LIMIT


def test_finance_state_survives_replay(g: Given) -> None:
    _, _, pid = pledge(g)
    _, buyer, rid = repo(g)
    g.at("2021-07-16T13:30+08:00")
    g.ok(AcceptRepo(rid, buyer))
    before = g.state.state_hash()
    g.engine.recover(use_snapshot=False)
    assert g.state.state_hash() == before
    assert fin(g.state).pledges[pid].status is PledgeStatus.ACTIVE


def test_pledge_maturing_today_or_earlier_is_refused() -> None:
    g = Given.in_memory("2021-07-16T10:00+08:00")
    owner, bank = g.account(tonnes={CEA: 100}), g.account()
    for day in ("2021-07-16", "2020-01-01"):
        r = g.rejects(RegisterPledge(owner, bank, CEA, 10, 1, day, "c"))
        assert (r.code, r.field) == ("INVALID_FIELD", "maturity")
        assert f"maturity {day} is not after today 2021-07-16" in r.message
