"""Errors speak the caller's units: money in yuan (never fen), times as the ISO text sent
(never microseconds since the epoch)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from liveapi import LiveApi
from marketapi import at, error, instrument, listing, market_server


@pytest.fixture(scope="module")
def uapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("units"), auction_tick_seconds=0) as live:
        at(live, "10:00")
        yield live


def test_auction_window_error_quotes_times_in_iso_as_sent(uapi: LiveApi) -> None:
    code = instrument(uapi)
    seller = uapi.participant(tonnes={"CEA21": 1000})
    now = uapi.clock.now()
    opens = (now + timedelta(minutes=30)).isoformat()
    closes = (now + timedelta(minutes=20)).astimezone(UTC).isoformat()
    body = {
        "initiator": seller.account_id,
        "side": "sell",
        "instrument": code,
        "quantity": 1000,
        "reserve_price": "40.00",
        "opens_at": opens,
        "closes_at": closes,
    }
    with uapi.unchanged():
        resp = uapi.client("exop").request("POST", "/auctions", json=body)
    err = error(resp, 422, "INVALID_FIELD", "closes_at")
    assert opens in err["message"] and closes in err["message"], err
    assert not re.search(r"\d{13,}", err["message"]), err


def test_insufficient_funds_error_quotes_money_in_yuan(uapi: LiveApi) -> None:
    code = instrument(uapi)
    buyer = uapi.participant(fen=10_000)
    with uapi.unchanged():
        err = error(listing(buyer, code, "buy", "48.00", 3), 409, "INSUFFICIENT_FUNDS", "quantity")
    assert "100.00 yuan" in err["message"] and "fen" not in err["message"], err
    assert re.search(r"needs 14\d\.\d\d yuan", err["message"]), err
