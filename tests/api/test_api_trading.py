"""Trading over a live server: instruments, listings (挂牌), takes (摘牌), cancels, an account's
own listings and trades; continuous orders are refused here (the continuous preset's are in
test_api_trading_cda.py). Every rejection changes nothing (same journal seq, same state
hash)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from liveapi import LiveApi
from marketapi import (
    at,
    buyer,
    error,
    funds,
    holding,
    instrument,
    listed,
    listing,
    market_server,
    ok,
    seller,
    take,
)

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def mapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("trading")) as live:
        at(live, "10:00")
        yield live


# --- instruments --------------------------------------------------------------------------------


def test_exchange_operator_lists_an_instrument_with_its_bands(mapi: LiveApi) -> None:
    code = instrument(mapi, "48.00")
    (inst,) = [i for i in mapi.anon().get("/instruments")["data"] if i["code"] == code]
    assert inst == {
        "code": code,
        "product": "CEA21",
        "prev_close": "48.00",
        "band_low": "43.20",
        "band_high": "52.80",
        "block_band_low": "33.60",
        "block_band_high": "62.40",
        "tick": "0.01",
        "suspended": False,
    }


def test_listing_an_instrument_twice_is_a_duplicate(mapi: LiveApi) -> None:
    code = instrument(mapi)
    body = {"code": code, "product": "CEA21", "reference_price": "50.00"}
    with mapi.unchanged():
        r = mapi.client("exop").request("POST", "/instruments", json=body)
    error(r, 409, "DUPLICATE", "code")


def test_instrument_of_an_unknown_product_is_refused(mapi: LiveApi) -> None:
    body = {"code": "BAD1", "product": "CEA15", "reference_price": "50.00"}
    with mapi.unchanged():
        r = mapi.client("exop").request("POST", "/instruments", json=body)
    error(r, 404, "UNKNOWN_PRODUCT", "product")


def test_reference_price_as_a_json_number_is_refused(mapi: LiveApi) -> None:
    body = {"code": "BAD2", "product": "CEA21", "reference_price": 48}
    with mapi.unchanged():
        r = mapi.client("exop").request("POST", "/instruments", json=body)
    error(r, 422, "INVALID_PRICE", "reference_price")


@pytest.mark.parametrize("role", ["exchange_operator", "regulator"])
def test_operator_or_regulator_suspends_and_resumes_with_a_reason(mapi: LiveApi, role: str) -> None:
    code = instrument(mapi)
    c = mapi.client(role)
    out = ok(c.request("POST", f"/instruments/{code}/suspend", json={"reason": "异常波动"}))
    assert out["suspended"] is True
    s = seller(mapi)
    with mapi.unchanged():
        error(listing(s, code, "sell", "48.00", 10), 409, "INSTRUMENT_SUSPENDED", "instrument")
    out = ok(c.request("POST", f"/instruments/{code}/resume", json={"reason": "恢复交易"}))
    assert out["suspended"] is False
    listed(s, code, "sell", "48.00", 10)
    measures = mapi.client("regulator").get("/supervision/measures")["data"]
    mine = [m for m in measures if m["instrument"] == code]
    authority = "exchange" if role == "exchange_operator" else "regulator"
    assert [(m["suspended"], m["authority"]) for m in mine] == [
        (True, authority),
        (False, authority),
    ]


def test_suspension_needs_a_reason(mapi: LiveApi) -> None:
    code = instrument(mapi)
    with mapi.unchanged():
        r = mapi.client("exop").request("POST", f"/instruments/{code}/suspend", json={"reason": ""})
    error(r, 422, "INVALID_FIELD", "reason")


def test_suspending_an_unknown_instrument_is_404(mapi: LiveApi) -> None:
    with mapi.unchanged():
        r = mapi.client("exop").request("POST", "/instruments/NOPE/suspend", json={"reason": "x"})
    error(r, 404, "UNKNOWN_INSTRUMENT")


# --- listings -----------------------------------------------------------------------------------


def test_owner_posts_a_sell_listing_and_its_tonnes_lock(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi, 1000)
    out = ok(listing(s, code, "sell", "50.00", 300), 201)
    assert out["status"] == "open" and out["listing_id"].startswith("L")
    assert (out["side"], out["price"], out["quantity"], out["remaining"]) == (
        "sell",
        "50.00",
        300,
        300,
    )
    h = holding(mapi, s.account_id)
    assert (h["available"], h["locked"]) == (700, 300)


def test_owner_posts_a_buy_listing_and_its_funds_lock(mapi: LiveApi) -> None:
    code = instrument(mapi)
    b = buyer(mapi, 100_000)
    out = ok(listing(b, code, "buy", "45.50", 1000), 201)
    assert out["locked"] == "45500.00"
    f = funds(mapi, b.account_id)
    assert (f["available"], f["locked"]) == ("54500.00", "45500.00")


def test_listing_price_above_upper_band_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi, "48.00")
    s = seller(mapi)
    with mapi.unchanged():
        err = error(listing(s, code, "sell", "52.81", 10), 422, "PRICE_OUT_OF_BAND", "price")
    assert "52.81" in err["message"] and "52.80" in err["message"]


def test_listing_price_below_lower_band_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi, "48.00")
    b = buyer(mapi)
    with mapi.unchanged():
        error(listing(b, code, "buy", "43.19", 10), 422, "PRICE_OUT_OF_BAND", "price")


def test_listing_of_100000_tonnes_or_more_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi, 200_000)
    with mapi.unchanged():
        error(listing(s, code, "sell", "48.00", 100_000), 422, "QUANTITY_OUT_OF_RANGE", "quantity")


def test_listing_with_a_fractional_quantity_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    with mapi.unchanged():
        error(listing(s, code, "sell", "48.00", 1.5), 422, "INVALID_QUANTITY", "quantity")  # type: ignore[arg-type]


def test_listing_price_with_three_decimals_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    with mapi.unchanged():
        error(listing(s, code, "sell", "48.001", 10), 422, "INVALID_PRICE", "price")


def test_sell_listing_without_the_tonnes_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi, 10)
    with mapi.unchanged():
        error(listing(s, code, "sell", "48.00", 11), 409, "INSUFFICIENT_HOLDINGS", "quantity")


def test_buy_listing_without_the_funds_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    b = buyer(mapi, 100)
    with mapi.unchanged():
        error(listing(b, code, "buy", "48.00", 3), 409, "INSUFFICIENT_FUNDS", "quantity")


def test_listing_on_an_unknown_instrument_is_404(mapi: LiveApi) -> None:
    s = seller(mapi)
    with mapi.unchanged():
        error(listing(s, "NOPE", "sell", "48.00", 1), 404, "UNKNOWN_INSTRUMENT", "instrument")


def test_listing_side_must_be_buy_or_sell(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    with mapi.unchanged():
        error(listing(s, code, "short", "48.00", 1), 422, "INVALID_FIELD", "side")


def test_listing_for_another_account_is_refused(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, other = seller(mapi), seller(mapi)
    body = {"account_id": s.account_id, "instrument": code, "side": "sell", "price": "48.00"}
    with mapi.unchanged():
        r = other.client.request("POST", "/listings", json={**body, "quantity": 1})
    error(r, 403, "NOT_PERMITTED", "account_id")


def test_participant_without_the_trade_permission_cannot_list(mapi: LiveApi) -> None:
    code = instrument(mapi)
    viewer = mapi.participant(tonnes={"CEA21": 100}, permissions=["view"])
    with mapi.unchanged():
        error(listing(viewer, code, "sell", "48.00", 1), 403, "NOT_PERMITTED")


def test_listing_before_the_session_opens_is_refused(tmp_path: Path) -> None:
    with market_server(tmp_path) as api:  # 09:00: before the 09:30 session
        code = instrument(api)
        s = seller(api)
        with api.unchanged():
            err = error(listing(s, code, "sell", "48.00", 1), 409, "MARKET_CLOSED", None)
        assert "09:30-11:30" in err["message"]


def test_a_retried_listing_with_the_same_key_is_posted_once(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    body = {"account_id": s.account_id, "instrument": code, "side": "sell", "price": "48.00"}
    body["quantity"] = 5  # type: ignore[assignment]
    first = s.client.request("POST", "/listings", json=body, idempotency_key="listing-1")
    again = s.client.request("POST", "/listings", json=body, idempotency_key="listing-1")
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert ok(first, 201) == ok(again, 201)
    assert ok(s.client.request("GET", "/listings"))["count"] == 1


# --- cancels ------------------------------------------------------------------------------------


def test_owner_cancels_its_listing_and_the_tonnes_are_released(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi, 100)
    lid = listed(s, code, "sell", "48.00", 60)
    out = ok(s.client.request("DELETE", f"/listings/{lid}"))
    assert out == {"listing_id": lid, "status": "cancelled", "remaining": 60, "released": "0.00"}
    assert holding(mapi, s.account_id)["available"] == 100


def test_cancelling_a_buy_listing_releases_its_funds(mapi: LiveApi) -> None:
    code = instrument(mapi)
    b = buyer(mapi, 10_000)
    lid = listed(b, code, "buy", "48.00", 100)
    out = ok(b.client.request("DELETE", f"/listings/{lid}"))
    assert out["released"] == "4800.00"
    assert funds(mapi, b.account_id)["available"] == "10000.00"


def test_cancelling_another_accounts_listing_is_404(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, other = seller(mapi), seller(mapi)
    lid = listed(s, code, "sell", "48.00", 10)
    with mapi.unchanged():
        error(other.client.request("DELETE", f"/listings/{lid}"), 404, "UNKNOWN_LISTING")


def test_cancelling_a_listing_twice_is_404(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    lid = listed(s, code, "sell", "48.00", 10)
    ok(s.client.request("DELETE", f"/listings/{lid}"))
    with mapi.unchanged():
        error(s.client.request("DELETE", f"/listings/{lid}"), 404, "UNKNOWN_LISTING")


def test_staff_cannot_cancel_a_participants_listing(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    lid = listed(s, code, "sell", "48.00", 10)
    with mapi.unchanged():
        error(mapi.client("exop").request("DELETE", f"/listings/{lid}"), 403, "NOT_PERMITTED")


# --- takes --------------------------------------------------------------------------------------


def test_taker_buys_part_of_a_sell_listing_and_the_rest_stays_listed(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = seller(mapi, 1000), buyer(mapi, 100_000)
    lid = listed(s, code, "sell", "50.00", 500)
    trade = ok(take(b, lid, 200), 201)
    assert {k: trade[k] for k in ("account_id", "side", "role", "listing_id")} == {
        "account_id": b.account_id,
        "side": "buy",
        "role": "taker",
        "listing_id": lid,
    }
    assert (trade["price"], trade["quantity"], trade["amount"]) == ("50.00", 200, "10000.00")
    assert trade["settled"] is False and trade["time"].endswith("+08:00")
    depth = mapi.anon().get(f"/market/{code}/depth")
    assert depth["asks"] == [{"price": "50.00", "quantity": 300, "count": 1}]
    assert funds(mapi, b.account_id)["available"] == "90000.00"
    assert funds(mapi, s.account_id)["receivable"] == "10000.00"


def test_taking_a_buy_listing_sells_the_takers_tonnes(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = seller(mapi, 1000), buyer(mapi, 100_000)
    lid = listed(b, code, "buy", "47.00", 400)
    trade = ok(take(s, lid, 400), 201)
    assert (trade["side"], trade["role"], trade["quantity"]) == ("sell", "taker", 400)
    assert holding(mapi, s.account_id)["locked"] == 400  # delivered at settlement
    assert mapi.anon().get(f"/market/{code}/depth")["bids"] == []


def test_taking_ones_own_listing_is_a_self_trade(mapi: LiveApi) -> None:
    code = instrument(mapi)
    p = mapi.participant(tonnes={"CEA21": 100}, fen=10**7)
    lid = listed(p, code, "sell", "48.00", 10)
    with mapi.unchanged():
        error(take(p, lid, 5), 409, "SELF_TRADE", "account_id")


def test_take_beyond_the_listings_remainder_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = seller(mapi), buyer(mapi)
    lid = listed(s, code, "sell", "48.00", 10)
    with mapi.unchanged():
        error(take(b, lid, 11), 422, "QUANTITY_OUT_OF_RANGE", "quantity")


def test_take_beyond_the_best_five_levels_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = seller(mapi), buyer(mapi)
    ids = [listed(s, code, "sell", f"48.{i}0", 1) for i in range(6)]
    with mapi.unchanged():
        error(take(b, ids[5], 1), 422, "BEYOND_BEST_FIVE", "listing_id")
    ok(take(b, ids[4], 1), 201)


def test_take_without_the_funds_is_rejected(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = seller(mapi), buyer(mapi, 10)
    lid = listed(s, code, "sell", "48.00", 10)
    with mapi.unchanged():
        error(take(b, lid, 1), 409, "INSUFFICIENT_FUNDS", "quantity")


def test_take_of_an_unknown_listing_is_404(mapi: LiveApi) -> None:
    b = buyer(mapi)
    with mapi.unchanged():
        error(take(b, "L999999", 1), 404, "UNKNOWN_LISTING", "listing_id")


def test_take_for_another_account_is_refused(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b, other = seller(mapi), buyer(mapi), buyer(mapi)
    lid = listed(s, code, "sell", "48.00", 10)
    body = {"account_id": b.account_id, "quantity": 1}
    with mapi.unchanged():
        r = other.client.request("POST", f"/listings/{lid}/take", json=body)
    error(r, 403, "NOT_PERMITTED", "account_id")


def test_bought_tonnes_cannot_be_sold_the_same_day(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = seller(mapi), buyer(mapi)
    lid = listed(s, code, "sell", "48.00", 10)
    ok(take(b, lid, 10), 201)
    with mapi.unchanged():
        err = error(listing(b, code, "sell", "48.00", 10), 409, "INSUFFICIENT_HOLDINGS")
    assert "next trading day" in err["message"]


# --- an account's own listings and trades -------------------------------------------------------


def test_participant_lists_its_own_listings_only(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, other = seller(mapi), seller(mapi)
    mine = listed(s, code, "sell", "49.00", 10)
    listed(other, code, "sell", "49.00", 10)
    rows = ok(s.client.request("GET", "/listings"))["data"]
    assert [r["listing_id"] for r in rows] == [mine]
    assert rows[0]["account_id"] == s.account_id


def test_participant_cannot_list_another_accounts_listings(mapi: LiveApi) -> None:
    s, other = seller(mapi), seller(mapi)
    r = s.client.request("GET", "/listings", params={"account_id": other.account_id})
    error(r, 403, "NOT_PERMITTED", "account_id")


@pytest.mark.parametrize("role", ["registry_operator", "exchange_operator", "regulator"])
def test_staff_list_an_accounts_listings(mapi: LiveApi, role: str) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    lid = listed(s, code, "sell", "49.00", 10)
    rows = mapi.client(role).get("/listings", account_id=s.account_id)["data"]
    assert [r["listing_id"] for r in rows] == [lid]


def test_verifier_cannot_list_listings(mapi: LiveApi) -> None:
    s = seller(mapi)
    r = mapi.client("verifier").request("GET", "/listings", params={"account_id": s.account_id})
    error(r, 403, "NOT_PERMITTED")


def test_each_party_sees_its_own_side_of_a_trade_and_never_the_counterparty(
    mapi: LiveApi,
) -> None:
    code = instrument(mapi)
    s, b = seller(mapi), buyer(mapi)
    lid = listed(s, code, "sell", "48.50", 30)
    tid = ok(take(b, lid, 30), 201)["trade_id"]
    sold = ok(s.client.request("GET", "/trades", params={"instrument": code}))
    bought = ok(b.client.request("GET", "/trades", params={"instrument": code}))
    assert [(t["trade_id"], t["side"], t["role"]) for t in sold["data"]] == [(tid, "sell", "maker")]
    assert [(t["trade_id"], t["side"], t["role"]) for t in bought["data"]] == [
        (tid, "buy", "taker")
    ]
    assert b.account_id not in str(sold) and s.account_id not in str(bought)


def test_trades_of_another_account_are_refused(mapi: LiveApi) -> None:
    s, b = seller(mapi), buyer(mapi)
    r = s.client.request("GET", "/trades", params={"account_id": b.account_id})
    error(r, 403, "NOT_PERMITTED", "account_id")


def test_staff_must_name_the_account_of_the_trades(mapi: LiveApi) -> None:
    r = mapi.client("regulator").request("GET", "/trades")
    error(r, 422, "INVALID_FIELD", "account_id")


# --- continuous orders --------------------------------------------------------------------------


def test_orders_are_refused_under_listing_agreement_trading(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = seller(mapi)
    body = {"account_id": s.account_id, "instrument": code, "side": "sell", "price": "48.00"}
    with mapi.unchanged():
        r = s.client.request("POST", "/orders", json={**body, "quantity": 1})
    error(r, 403, "NOT_PERMITTED", None)
