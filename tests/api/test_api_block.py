"""Block agreement trading (大宗协议) over a live server: requests, who sees them, counter-offers,
confirmation, rejection, withdrawal and the lapse at the end of the day."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from liveapi import LiveApi, Participant
from marketapi import at, error, funds, holding, instrument, market_server, ok

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

BLOCK = 100_000


@pytest.fixture(scope="module")
def bapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("block")) as live:
        at(live, "13:30")
        yield live


@pytest.fixture(scope="module")
def code(bapi: LiveApi) -> str:
    return instrument(bapi, "48.00")


def seller(api: LiveApi) -> Participant:
    return api.participant(tonnes={"CEA21": 300_000})


def buyer(api: LiveApi) -> Participant:
    return api.participant(fen=10**10)


def request(
    p: Participant, code: str, side: str, price: str, qty: int = BLOCK, to: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"account_id": p.account_id, "instrument": code, "side": side}
    body |= {"price": price, "quantity": qty, "counterparty": to}
    return p.client.request("POST", "/block/requests", json=body)


def quote(p: Participant, rid: str, price: str, qty: int = BLOCK, to: str | None = None) -> Any:
    body = {"account_id": p.account_id, "price": price, "quantity": qty, "counterparty": to}
    return p.client.request("POST", f"/block/requests/{rid}/quotes", json=body)


def accept(p: Participant, rid: str, price: str, qty: int = BLOCK, qid: str | None = None) -> Any:
    body = {"account_id": p.account_id, "price": price, "quantity": qty, "quote_id": qid}
    return p.client.request("POST", f"/block/requests/{rid}/accept", json=body)


def visible(p: Participant) -> list[str]:
    return [r["request_id"] for r in ok(p.client.request("GET", "/block/requests"))["data"]]


def test_open_request_is_visible_to_every_participant_without_the_requester(
    bapi: LiveApi, code: str
) -> None:
    s, other = seller(bapi), buyer(bapi)
    out = ok(request(s, code, "sell", "50.00"), 201)
    assert (out["status"], out["requester"], out["side"]) == ("open", s.account_id, "sell")
    seen = ok(other.client.request("GET", f"/block/requests/{out['request_id']}"))
    assert seen["requester"] is None
    assert [(q["by"], q["price"], q["quantity"]) for q in seen["quotes"]] == [
        (None, "50.00", BLOCK)
    ]
    assert s.account_id not in str(seen)
    assert holding(bapi, s.account_id)["locked"] == BLOCK


def test_directed_offer_is_visible_only_to_its_two_parties(bapi: LiveApi, code: str) -> None:
    s, b, third = seller(bapi), buyer(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "50.00", to=b.account_id), 201)["request_id"]
    assert rid in visible(b) and rid in visible(s)
    assert rid not in visible(third)
    error(third.client.request("GET", f"/block/requests/{rid}"), 404, "UNKNOWN_ORDER")
    with bapi.unchanged():
        error(quote(third, rid, "49.00"), 404, "UNKNOWN_ORDER", "request_id")


def test_counter_offer_and_its_acceptance_make_a_block_trade(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "50.00"), 201)["request_id"]
    view = ok(quote(b, rid, "49.00"), 201)
    (mine,) = [q for q in view["quotes"] if q["by"] == b.account_id]
    assert mine["to"] == s.account_id
    assert funds(bapi, b.account_id)["locked"] == "4900000.00"
    deal = ok(accept(s, rid, "49.00", qid=mine["quote_id"]), 201)
    t = deal["trade"]
    assert (t["method"], t["side"], t["price"], t["quantity"]) == ("block", "sell", "49.00", BLOCK)
    assert t["account_id"] == s.account_id and b.account_id not in str(deal)
    assert funds(bapi, b.account_id)["locked"] == "0.00"
    assert holding(bapi, s.account_id)["locked"] == BLOCK  # delivered at settlement
    after = ok(s.client.request("GET", f"/block/requests/{rid}"))
    assert (after["status"], after["quotes"]) == ("traded", [])
    bought = ok(b.client.request("GET", "/trades"))["data"]
    assert [(x["trade_id"], x["side"]) for x in bought] == [(t["trade_id"], "buy")]
    tape = bapi.anon().get(f"/market/{code}/trades")["data"]
    assert tape[0]["trade_id"] == t["trade_id"] and tape[0]["method"] == "block"


def test_buyer_accepts_the_public_quote_of_an_open_request(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "48.50"), 201)["request_id"]
    deal = ok(accept(b, rid, "48.50"), 201)
    assert (deal["trade"]["side"], deal["trade"]["amount"]) == ("buy", "4850000.00")


def test_accepting_at_another_price_is_refused(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "48.50"), 201)["request_id"]
    with bapi.unchanged():
        error(accept(b, rid, "48.40"), 422, "INVALID_PRICE", "price")


def test_regulator_sees_every_request_with_its_parties(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "49.00", to=b.account_id), 201)["request_id"]
    rows = bapi.client("regulator").get("/block/requests")["data"]
    (row,) = [r for r in rows if r["request_id"] == rid]
    assert row["requester"] == s.account_id and row["quotes"][0]["to"] == b.account_id


def test_rejecting_a_counter_offer_releases_its_lock(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "50.00"), 201)["request_id"]
    view = ok(quote(b, rid, "47.00"), 201)
    (q,) = [q for q in view["quotes"] if q["by"] == b.account_id]
    body = {"account_id": s.account_id}
    after = ok(
        s.client.request("POST", f"/block/requests/{rid}/quotes/{q['quote_id']}/reject", json=body)
    )
    assert q["quote_id"] not in [x["quote_id"] for x in after["quotes"]]
    assert funds(bapi, b.account_id)["locked"] == "0.00"


def test_requester_withdraws_its_request_and_the_tonnes_are_released(
    bapi: LiveApi, code: str
) -> None:
    s = seller(bapi)
    rid = ok(request(s, code, "sell", "50.00"), 201)["request_id"]
    out = ok(s.client.request("DELETE", f"/block/requests/{rid}"))
    assert out["status"] == "withdrawn"
    assert holding(bapi, s.account_id)["locked"] == 0


def test_counterparty_withdraws_its_own_quote(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "50.00"), 201)["request_id"]
    view = ok(quote(b, rid, "49.50"), 201)
    (q,) = [q for q in view["quotes"] if q["by"] == b.account_id]
    ok(b.client.request("DELETE", f"/block/requests/{rid}/quotes/{q['quote_id']}"))
    assert funds(bapi, b.account_id)["locked"] == "0.00"


def test_only_the_requester_withdraws_a_request(bapi: LiveApi, code: str) -> None:
    s, b = seller(bapi), buyer(bapi)
    rid = ok(request(s, code, "sell", "50.00"), 201)["request_id"]
    with bapi.unchanged():
        error(b.client.request("DELETE", f"/block/requests/{rid}"), 409, "INVALID_STATE")


def test_block_request_below_100000_tonnes_is_refused(bapi: LiveApi, code: str) -> None:
    s = seller(bapi)
    with bapi.unchanged():
        error(request(s, code, "sell", "50.00", 99_999), 422, "QUANTITY_OUT_OF_RANGE", "quantity")


def test_block_price_outside_thirty_percent_is_refused(bapi: LiveApi, code: str) -> None:
    s = seller(bapi)
    with bapi.unchanged():
        error(request(s, code, "sell", "62.41"), 422, "PRICE_OUT_OF_BAND", "price")


def test_block_request_for_another_account_is_refused(bapi: LiveApi, code: str) -> None:
    s, other = seller(bapi), seller(bapi)
    body = {"account_id": s.account_id, "instrument": code, "side": "sell", "price": "50.00"}
    with bapi.unchanged():
        r = other.client.request("POST", "/block/requests", json={**body, "quantity": BLOCK})
    error(r, 403, "NOT_PERMITTED", "account_id")


@pytest.mark.parametrize("role", ["registry_operator", "exchange_operator", "regulator"])
def test_staff_cannot_trade_on_the_block_desk(bapi: LiveApi, code: str, role: str) -> None:
    s = seller(bapi)
    body = {"account_id": s.account_id, "instrument": code, "side": "sell", "price": "50.00"}
    with bapi.unchanged():
        r = bapi.client(role).request("POST", "/block/requests", json={**body, "quantity": BLOCK})
    error(r, 403, "NOT_PERMITTED")


def test_block_request_in_the_morning_session_is_refused(tmp_path: Path) -> None:
    with market_server(tmp_path) as api:
        at(api, "10:00")
        code = instrument(api)
        s = seller(api)
        with api.unchanged():
            err = error(request(s, code, "sell", "50.00"), 409, "MARKET_CLOSED", None)
        assert "13:00-15:00" in err["message"]


def test_open_block_requests_lapse_at_the_end_of_the_day(tmp_path: Path) -> None:
    with market_server(tmp_path) as api:
        at(api, "13:30")
        code = instrument(api)
        s = seller(api)
        rid = ok(request(s, code, "sell", "50.00"), 201)["request_id"]
        at(api, "15:30")
        ok(api.client("exop").request("POST", "/ops/eod", json={}))
        assert holding(api, s.account_id)["locked"] == 0
        assert rid not in visible(s)
        ended = ok(s.client.request("GET", "/block/requests", params={"include_ended": True}))
        assert [(r["request_id"], r["status"]) for r in ended["data"]] == [(rid, "expired")]
