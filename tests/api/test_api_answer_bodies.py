"""A command's answer written without building its response model is byte for byte the body
pydantic writes for the same values (the listing and take routes answer so)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from liveapi import LiveApi
from marketapi import at, instrument, listed, listing, market_server, take

from openets.api.schemas.trading import ListingOut, TradeOut


@pytest.fixture(scope="module")
def mapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("bodies")) as live:
        at(live, "10:00")
        yield live


@pytest.mark.parametrize(("side", "price"), [("buy", "45.50"), ("sell", "50.00")])
def test_a_posted_listing_is_answered_with_the_body_of_its_listing_out(
    mapi: LiveApi, side: str, price: str
) -> None:
    code = instrument(mapi)
    p = mapi.participant(tonnes={"CEA21": 1000}, fen=10**8)
    r = listing(p, code, side, price, 300)
    assert r.status_code == 201, r.text
    assert r.content == ListingOut.model_validate_json(r.content).model_dump_json().encode()
    assert r.json()["locked"] == ("13650.00" if side == "buy" else "0.00")


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_a_take_is_answered_with_the_body_of_its_trade_out(mapi: LiveApi, side: str) -> None:
    code = instrument(mapi)
    maker = mapi.participant(tonnes={"CEA21": 1000}, fen=10**8)
    taker = mapi.participant(tonnes={"CEA21": 1000}, fen=10**8)
    lid = listed(maker, code, "sell" if side == "buy" else "buy", "48.00", 500)
    r = take(taker, lid, 200)
    assert r.status_code == 201, r.text
    assert r.content == TradeOut.model_validate_json(r.content).model_dump_json().encode()
    out = r.json()
    assert (out["side"], out["role"], out["listing_id"], out["settled"]) == (
        side,
        "taker",
        lid,
        False,
    )
