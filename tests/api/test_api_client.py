"""The Python client drives a whole trade: list, post, take, tape, end of day."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from liveapi import LiveApi
from marketapi import at, instrument, market_server


@pytest.fixture(scope="module")
def capi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("client")) as live:
        at(live, "10:00")
        yield live


def test_client_posts_takes_and_settles_a_listing(capi: LiveApi) -> None:
    code = instrument(capi)
    seller = capi.participant(tonnes={"CEA21": 1_000})
    buyer = capi.participant(fen=10_000_000)
    posted = seller.client.post_listing(seller.account_id, code, "sell", "50.00", 100)
    listings = buyer.client.best_listings(code)
    assert [x["listing_id"] for x in listings["asks"]] == [posted["listing_id"]]
    trade = buyer.client.take_listing(posted["listing_id"], buyer.account_id, 40)
    assert trade["quantity"] == 40 and trade["price"] == "50.00"
    tape = buyer.client.tape(code)["data"]
    assert [(t["price"], t["quantity"]) for t in tape] == [("50.00", 40)]
    seller.client.cancel_listing(posted["listing_id"], seller.account_id)
    assert buyer.client.best_listings(code)["asks"] == []
    at(capi, "15:10")
    eod = capi.client("exop").end_of_day()
    assert eod["settled"] == 1
    bars = buyer.client.bars(code)["data"]
    assert bars[-1]["close"] == "50.00"
