"""Continuous orders over a live server on the continuous preset (cn-cda): an order trades at
the maker's price and rests the rest, is cancelled by its owner, is no listing; listings are
refused there. Every rejection changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from liveapi import LiveApi, Participant
from marketapi import at, buyer, error, funds, instrument, listing, market_server, ok, seller

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def cda(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("cda"), preset="cn-cda") as live:
        at(live, "10:00")
        yield live


def order(p: Participant, code: str, side: str, price: str, qty: int) -> dict[str, object]:
    body = {"account_id": p.account_id, "instrument": code, "side": side, "price": price}
    return dict(ok(p.client.request("POST", "/orders", json={**body, "quantity": qty}), 201))


def test_continuous_order_trades_at_the_makers_price_and_rests_the_rest(cda: LiveApi) -> None:
    code = instrument(cda)
    s, b = seller(cda), buyer(cda)
    first = order(s, code, "sell", "48.00", 100)
    assert (first["status"], first["filled"], first["remaining"]) == ("open", 0, 100)
    out = order(b, code, "buy", "49.00", 150)
    assert (out["status"], out["filled"], out["remaining"]) == ("partially_filled", 100, 50)
    (trade,) = out["trades"]  # type: ignore[misc]
    assert (trade["price"], trade["quantity"], trade["role"]) == ("48.00", 100, "taker")
    rows = ok(b.client.request("GET", "/orders"))["data"]
    assert [(r["listing_id"], r["kind"], r["remaining"]) for r in rows] == [
        (out["order_id"], "order", 50)
    ]


def test_order_filled_at_once_has_no_resting_id(cda: LiveApi) -> None:
    code = instrument(cda)
    s, b = seller(cda), buyer(cda)
    order(s, code, "sell", "48.00", 100)
    out = order(b, code, "buy", "48.00", 100)
    assert (out["status"], out["order_id"], out["remaining"]) == ("filled", None, 0)


def test_owner_cancels_the_rest_of_its_order(cda: LiveApi) -> None:
    code = instrument(cda)
    b = buyer(cda)
    oid = order(b, code, "buy", "47.00", 100)["order_id"]
    (resting,) = ok(b.client.request("GET", "/orders"))["data"]
    assert Decimal(resting["locked"]) >= Decimal(
        "4700.00"
    )  # price × quantity and the fee bound of this preset
    out = ok(b.client.request("DELETE", f"/orders/{oid}"))
    assert (out["status"], out["remaining"], out["released"]) == (
        "cancelled",
        100,
        resting["locked"],
    )
    assert funds(cda, b.account_id)["locked"] == "0.00"


def test_an_order_cannot_be_cancelled_as_a_listing(cda: LiveApi) -> None:
    code = instrument(cda)
    b = buyer(cda)
    oid = order(b, code, "buy", "47.00", 100)["order_id"]
    with cda.unchanged():
        error(b.client.request("DELETE", f"/listings/{oid}"), 404, "UNKNOWN_LISTING")


def test_listings_are_refused_under_continuous_matching(cda: LiveApi) -> None:
    code = instrument(cda)
    s = seller(cda)
    with cda.unchanged():
        error(listing(s, code, "sell", "48.00", 1), 403, "NOT_PERMITTED", None)
