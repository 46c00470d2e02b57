"""One-way bidding (单向竞价) over a live server: the exchange announces, participants bid sealed,
the exchange clears or cancels; who sees which bids, before and after the close."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from liveapi import LiveApi, Participant
from marketapi import at, error, funds, holding, instrument, market_server, ok

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def aapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    # Closed by hand (close() below): the server's automatic close would race it.
    with market_server(tmp_path_factory.mktemp("auctions"), auction_tick_seconds=0) as live:
        at(live, "10:00")
        yield live


@pytest.fixture(scope="module")
def code(aapi: LiveApi) -> str:
    return instrument(aapi, "48.00")


def later(api: LiveApi, minutes: int) -> str:
    return (api.clock.now() + timedelta(minutes=minutes)).isoformat()


def announce(api: LiveApi, initiator: str, code: str, **kw: Any) -> httpx.Response:
    body = {
        "initiator": initiator,
        "side": "sell",
        "instrument": code,
        "quantity": 1000,
        "reserve_price": "40.00",
        "closes_at": later(api, 10),
        **kw,
    }
    return api.client("exop").request("POST", "/auctions", json=body)


def bid(p: Participant, aid: str, price: str, qty: int) -> httpx.Response:
    body = {"account_id": p.account_id, "price": price, "quantity": qty}
    return p.client.request("POST", f"/auctions/{aid}/bids", json=body)


def close(api: LiveApi, aid: str) -> Any:
    at(api, api.anon().get(f"/auctions/{aid}")["closes_at"])
    return ok(api.client("exop").request("POST", f"/auctions/{aid}/close"))


@pytest.fixture
def seller(aapi: LiveApi) -> Participant:
    return aapi.participant(tonnes={"CEA21": 10_000})


def bidder(api: LiveApi) -> Participant:
    return api.participant(fen=10**8)


def test_exchange_operator_announces_and_the_initiators_tonnes_lock(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    out = ok(announce(aapi, seller.account_id, code), 201)
    assert (out["status"], out["initiator"], out["quantity"], out["bids"]) == (
        "open",
        seller.account_id,
        1000,
        [],
    )
    assert holding(aapi, seller.account_id)["locked"] == 1000


def test_participant_cannot_announce_an_auction(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    body = {"initiator": seller.account_id, "side": "sell", "instrument": code, "quantity": 10}
    body["closes_at"] = later(aapi, 10)  # type: ignore[assignment]
    with aapi.unchanged():
        r = seller.client.request("POST", "/auctions", json=body)
    error(r, 403, "NOT_PERMITTED")


def test_bids_are_sealed_from_other_bidders_the_public_and_the_exchange(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a, b = bidder(aapi), bidder(aapi)
    mine = ok(bid(a, aid, "45.00", 600), 201)
    assert (mine["price"], mine["quantity"], mine["locked_funds"]) == ("45.00", 600, "27000.00")
    ok(bid(b, aid, "46.00", 600), 201)
    seen_by_a = ok(a.client.request("GET", f"/auctions/{aid}"))
    assert [x["bid_id"] for x in seen_by_a["bids"]] == [mine["bid_id"]]
    assert seen_by_a["initiator"] is None
    public = aapi.anon().get(f"/auctions/{aid}")
    assert (public["bids"], public["initiator"]) == ([], None)
    for role in ("exchange_operator", "regulator"):
        assert aapi.client(role).get(f"/auctions/{aid}")["bids"] == []
    assert b.account_id not in str(seen_by_a) and "46.00" not in str(public)


def test_after_the_close_bidders_see_their_fills_and_the_exchange_every_bid(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a, b = bidder(aapi), bidder(aapi)
    bid_a = ok(bid(a, aid, "45.00", 600), 201)["bid_id"]
    ok(bid(b, aid, "46.00", 600), 201)
    result = close(aapi, aid)
    assert result["status"] == "cleared" and len(result["bids"]) == 2
    s = aapi.anon().get(f"/auctions/{aid}")["summary"]
    assert (s["volume"], s["clearing_price"], s["winners"], s["bidders"]) == (1000, "45.00", 2, 2)
    (a_bid,) = ok(a.client.request("GET", f"/auctions/{aid}"))["bids"]
    assert (a_bid["bid_id"], a_bid["allocated"], a_bid["trade_price"]) == (bid_a, 400, "45.00")
    trades = ok(a.client.request("GET", "/trades"))["data"]
    assert [(t["method"], t["quantity"], t["side"]) for t in trades] == [("auction", 400, "buy")]
    assert funds(aapi, a.account_id)["locked"] == "0.00"


def test_bidder_changes_its_bid(aapi: LiveApi, code: str, seller: Participant) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a = bidder(aapi)
    bid_id = ok(bid(a, aid, "45.00", 100), 201)["bid_id"]
    body = {"account_id": a.account_id, "price": "47.00", "quantity": 200}
    out = ok(a.client.request("PUT", f"/auctions/{aid}/bids/{bid_id}", json=body))
    assert (out["bid_id"], out["price"], out["quantity"], out["locked_funds"]) == (
        bid_id,
        "47.00",
        200,
        "9400.00",
    )


def test_bidder_withdraws_its_bid_and_its_funds_are_released(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a = bidder(aapi)
    bid_id = ok(bid(a, aid, "45.00", 100), 201)["bid_id"]
    out = ok(a.client.request("DELETE", f"/auctions/{aid}/bids/{bid_id}"))
    assert out == {"auction_id": aid, "bid_id": bid_id, "status": "withdrawn"}
    assert funds(aapi, a.account_id)["locked"] == "0.00"
    assert ok(a.client.request("GET", f"/auctions/{aid}"))["bids"] == []


def test_changing_another_bidders_bid_is_404(aapi: LiveApi, code: str, seller: Participant) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a, b = bidder(aapi), bidder(aapi)
    bid_id = ok(bid(a, aid, "45.00", 100), 201)["bid_id"]
    body = {"account_id": b.account_id, "price": "41.00", "quantity": 100}
    with aapi.unchanged():
        r = b.client.request("PUT", f"/auctions/{aid}/bids/{bid_id}", json=body)
    error(r, 404, "UNKNOWN_ORDER", "bid_id")


def test_withdrawing_another_bidders_bid_is_404(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a, b = bidder(aapi), bidder(aapi)
    bid_id = ok(bid(a, aid, "45.00", 100), 201)["bid_id"]
    with aapi.unchanged():
        error(b.client.request("DELETE", f"/auctions/{aid}/bids/{bid_id}"), 404, "UNKNOWN_ORDER")


def test_bid_below_the_reserve_is_refused(aapi: LiveApi, code: str, seller: Participant) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a = bidder(aapi)
    with aapi.unchanged():
        error(bid(a, aid, "39.99", 100), 422, "INVALID_PRICE", "price")


def test_bid_for_another_account_is_refused(aapi: LiveApi, code: str, seller: Participant) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a, b = bidder(aapi), bidder(aapi)
    body = {"account_id": a.account_id, "price": "45.00", "quantity": 100}
    with aapi.unchanged():
        r = b.client.request("POST", f"/auctions/{aid}/bids", json=body)
    error(r, 403, "NOT_PERMITTED", "account_id")


def test_bid_after_the_close_is_refused(aapi: LiveApi, code: str, seller: Participant) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    close(aapi, aid)
    late = bidder(aapi)
    with aapi.unchanged():
        error(bid(late, aid, "45.00", 100), 409, "AUCTION_CLOSED", "auction_id")


def test_closing_before_the_window_ends_is_refused(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    with aapi.unchanged():
        r = aapi.client("exop").request("POST", f"/auctions/{aid}/close")
    error(r, 409, "INVALID_STATE", "auction_id")


def test_operator_cancels_an_auction_and_every_lock_is_released(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a = bidder(aapi)
    ok(bid(a, aid, "45.00", 100), 201)
    body = {"reason": "公告有误"}
    out = ok(aapi.client("exop").request("POST", f"/auctions/{aid}/cancel", json=body))
    assert (out["status"], out["cancel_reason"]) == ("cancelled", "公告有误")
    assert funds(aapi, a.account_id)["locked"] == "0.00"
    assert holding(aapi, seller.account_id)["locked"] == 0


def test_cancelling_an_auction_needs_a_reason(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    with aapi.unchanged():
        r = aapi.client("exop").request("POST", f"/auctions/{aid}/cancel", json={"reason": ""})
    error(r, 422, "INVALID_FIELD", "reason")


def test_unknown_auction_is_404(aapi: LiveApi) -> None:
    error(aapi.anon().request("GET", "/auctions/AU999999"), 404, "UNKNOWN_ORDER")
    a = bidder(aapi)
    with aapi.unchanged():
        error(bid(a, "AU999999", "45.00", 1), 404, "UNKNOWN_ORDER", "auction_id")


def test_auction_list_is_public_and_shows_each_viewer_its_own_bids(
    aapi: LiveApi, code: str, seller: Participant
) -> None:
    aid = ok(announce(aapi, seller.account_id, code), 201)["auction_id"]
    a = bidder(aapi)
    ok(bid(a, aid, "45.00", 100), 201)
    public = {x["auction_id"]: x for x in aapi.anon().get("/auctions")["data"]}
    mine = {x["auction_id"]: x for x in ok(a.client.request("GET", "/auctions"))["data"]}
    assert public[aid]["bids"] == [] and len(mine[aid]["bids"]) == 1
