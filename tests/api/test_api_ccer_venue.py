"""The CCER market as its own venue (``--preset ccer``, reference §13): listing-agreement trading
only, legal persons only, 6‰ of the value per side, CCER only; over a live server. Every refusal
changes nothing (same journal seq, same state hash)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from dsl import fresh_resident_id
from liveapi import PASSWORD, LiveApi, Participant
from marketapi import error, listed, listing, market_server, ok, take

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

DAY = "2025-03-03"  # a Monday


@pytest.fixture(scope="module")
def capi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("ccer"), preset="ccer",
                       start=f"{DAY}T09:00+08:00") as live:  # fmt: skip
        ok(live.client("exop").request("POST", "/instruments", json={
            "code": "CCER", "product": "CCER", "reference_price": "80.00",
        }), 201)  # fmt: skip
        live.client("exop").advance_clock(to=f"{DAY}T10:00+08:00")
        yield live


def test_ccer_preset_is_the_markets_preset(capi: LiveApi) -> None:
    assert capi.state.preset == "ccer" and capi.state.rules.name == "ccer"


def test_ccer_listing_trade_costs_6_permille_of_the_value_on_each_side(capi: LiveApi) -> None:
    seller = capi.participant(tonnes={"CCER": 1_000})
    buyer = capi.participant(fen=10_000_000)
    lid = listed(seller, "CCER", "sell", "80.00", 250)
    trade = ok(take(buyer, lid, 250), 201)
    assert trade["price"] == "80.00" and trade["quantity"] == 250
    value = Decimal("80.00") * 250  # 20,000 yuan; 6‰ = 120 yuan a side
    for p in (buyer, seller):
        (t,) = p.client.get("/trades", account_id=p.account_id)["data"]
        assert (Decimal(t["amount"]), Decimal(t["fee"])) == (value, value * 6 / 1000)


def test_ccer_market_refuses_block_trading(capi: LiveApi) -> None:
    p = capi.participant(tonnes={"CCER": 200_000})
    body = {"account_id": p.account_id, "instrument": "CCER", "side": "sell",
            "price": "80.00", "quantity": 150_000}  # fmt: skip
    with capi.unchanged():
        err = error(p.client.request("POST", "/block/requests", json=body), 403, "NOT_PERMITTED")
    assert "does not offer block trading" in err["message"]


def test_ccer_market_refuses_one_way_bidding(capi: LiveApi) -> None:
    p = capi.participant(tonnes={"CCER": 10_000})
    body = {"initiator": p.account_id, "side": "sell", "instrument": "CCER", "quantity": 5_000,
            "closes_at": f"{DAY}T14:00+08:00"}  # fmt: skip
    with capi.unchanged():
        r = capi.client("exop").request("POST", "/auctions", json=body)
    err = error(r, 403, "NOT_PERMITTED")
    assert "does not offer auction trading" in err["message"]


def test_ccer_market_admits_legal_persons_only_an_individuals_listing_is_refused(
    capi: LiveApi,
) -> None:
    regop = capi.client("regop")
    acct = regop.open_account("individual", "张三", fresh_resident_id(), "北京")["account_id"]
    regop.issue(acct, "CCER", 100, "test", approver=capi.client("regop2"))
    regop.create_user("ccerperson", PASSWORD, "participant", acct)
    capi.client("regop2").approve_user("ccerperson")
    person = Participant(acct, "ccerperson", capi.login("ccerperson"))
    with capi.unchanged():
        err = error(listing(person, "CCER", "sell", "80.00", 10), 409, "ACCOUNT_TYPE_NOT_ALLOWED")
    assert "legal persons" in err["message"] and "individual" in err["message"]


def test_ccer_market_lists_ccer_only(capi: LiveApi) -> None:
    body = {"code": "CEA25X", "product": "CEA25", "reference_price": "70.00"}
    with capi.unchanged():
        r = capi.client("exop").request("POST", "/instruments", json=body)
    err = error(r, 404, "UNKNOWN_PRODUCT", "product")
    assert "lists CCER only" in err["message"]


def test_registry_issues_ccer_filed_before_2017_03_14_as_ccer_pre17_over_http(
    capi: LiveApi,
) -> None:
    p = capi.participant()
    regop = capi.client("regop")
    body = {"account_id": p.account_id, "product": "CCER", "quantity": 40,
            "reason": "old offsets", "registered_on": "2016-08-01"}  # fmt: skip
    for asked in (body, {**body, "registered_on": "2024-12-03"}):
        rq = ok(regop.request("POST", "/registry/issuances", json=asked), 202)
        capi.client("regop2").post(f"/registry/requests/{rq['request_id']}/approve", {})
    held = {h["product"]: h["available"] for h in regop.account(p.account_id)["holdings"]}
    assert (held.get("CCER-PRE17"), held.get("CCER")) == (40, 40)
    with capi.unchanged():
        r = regop.request("POST", "/registry/issuances", json={**body, "registered_on": "2016"})
    error(r, 422, "INVALID_FIELD", "registered_on")
