"""The order history (委托) over a live server: ``GET /listings?status=all`` lists filled,
cancelled and expired listings beside the open ones, with filters by status and date."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from liveapi import LiveApi
from marketapi import at, error, instrument, listed, market_server, ok, take


@pytest.fixture(scope="module")
def mapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("history")) as live:
        at(live, "10:00")
        yield live


def test_order_history_lists_filled_cancelled_and_open_listings(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    b = mapi.participant(fen=10_000_000)
    filled = listed(s, code, "sell", "50.00", 100)
    ok(take(b, filled, 100), 201)
    cancelled = listed(s, code, "sell", "51.00", 100)
    s.client.cancel_listing(cancelled)
    still = listed(s, code, "sell", "52.00", 100)
    ok(take(b, still, 40), 201)
    rows = s.client.get("/listings", status="all")["data"]
    got = {r["listing_id"]: (r["status"], r["filled"], r["remaining"]) for r in rows}
    assert got == {
        filled: ("filled", 100, 0),
        cancelled: ("cancelled", 0, 0),
        still: ("open", 40, 60),
    }
    assert [r["listing_id"] for r in rows] == [still, cancelled, filled]  # newest first
    assert rows[0]["posted_at"].startswith("2021-07-16T10:00") and rows[0]["ended_at"] is None


def test_order_history_filters_by_status_and_date(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    lid = listed(s, code, "sell", "50.00", 100)
    s.client.cancel_listing(lid)
    assert [r["listing_id"] for r in s.client.get("/listings", status="cancelled")["data"]] == [lid]
    assert s.client.get("/listings", status="filled")["data"] == []
    on_day = s.client.get("/listings", status="all", **{"from": "2021-07-16", "to": "2021-07-16"})
    assert lid in [r["listing_id"] for r in on_day["data"]]
    later = s.client.get("/listings", status="all", **{"from": "2021-07-17"})
    assert later == {"data": [], "count": 0}


def test_order_history_is_the_callers_own(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000})
    other = mapi.participant()
    listed(s, code, "sell", "50.00", 100)
    assert other.client.get("/listings", status="all")["data"] == []
    r = other.client.request(
        "GET", "/listings", params={"status": "all", "account_id": s.account_id}
    )
    error(r, 403, "NOT_PERMITTED")


def test_an_unknown_history_status_is_rejected(mapi: LiveApi) -> None:
    s = mapi.participant()
    r = s.client.request("GET", "/listings", params={"status": "done"})
    assert error(r, 422, "INVALID_FIELD")["field"] == "status"


def test_order_history_filters_partly_filled_listings_and_by_side(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s = mapi.participant(tonnes={"CEA21": 1_000}, fen=10_000_000)
    b = mapi.participant(tonnes={"CEA21": 1_000}, fen=10_000_000)
    partly_open = listed(s, code, "sell", "50.00", 100)
    ok(take(b, partly_open, 30), 201)
    partly_cancelled = listed(s, code, "sell", "50.50", 100)
    ok(take(b, partly_cancelled, 10), 201)
    s.client.cancel_listing(partly_cancelled)
    whole = listed(s, code, "sell", "51.00", 50)
    ok(take(b, whole, 50), 201)
    bid = listed(s, code, "buy", "47.00", 20)
    rows = s.client.get("/listings", status="partly_filled")["data"]
    assert [(r["listing_id"], r["status"]) for r in rows] == [
        (partly_cancelled, "cancelled"),
        (partly_open, "open"),
    ]
    assert all(r["partly_filled"] for r in rows)
    buys = s.client.get("/listings", status="all", side="buy")["data"]
    assert [r["listing_id"] for r in buys] == [bid]
    open_sells = s.client.get("/listings", side="sell")["data"]
    assert [r["listing_id"] for r in open_sells] == [partly_open]
    r = s.client.request("GET", "/listings", params={"side": "both"})
    assert error(r, 422, "INVALID_FIELD")["field"] == "side"
