"""A pilot paid auction preset over HTTP: the exchange operator names ``shanghai-2024`` and the
engine fixes the floor (1.2 × the six-month listing average), the window and who may bid."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from liveapi import LiveApi, Participant
from marketapi import at, error, instrument, listed, market_server, ok, take


@pytest.fixture(scope="module")
def papi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("pilot"), auction_tick_seconds=0) as live:
        at(live, "10:00")
        yield live


def _announce(api: LiveApi, seller: Participant, code: str, **kw: object) -> object:
    body = {"initiator": seller.account_id, "side": "sell", "instrument": code, "quantity": 500}
    return api.client("exop").request("POST", "/auctions", json={**body, **kw})


def test_shanghai_2024_preset_sets_the_floor_from_the_listing_trades_of_six_months(
    papi: LiveApi,
) -> None:
    code = instrument(papi, "48.00")
    seller = papi.participant(tonnes={"CEA21": 5_000})
    buyer = papi.participant(fen=10**9)
    error(_announce(papi, seller, code, preset="shanghai-2024"), 422, "INVALID_FIELD", "preset")
    ok(take(buyer, listed(seller, code, "sell", "50.00", 1_000), 1_000), 201)
    at(papi, "15:10")
    ok(papi.client("exop").request("POST", "/ops/eod", json={}))
    at(papi, "2021-07-19T09:00+08:00")
    out = ok(_announce(papi, seller, code, preset="shanghai-2024"), 201)
    assert out["reserve_price"] == "60.00"  # 1.2 × 50.00
    assert out["preset"] == "shanghai-2024" and out["covered_only"] is True
    assert out["opens_at"].startswith("2021-07-19T09:30") and out["tie_break"] == "time"
    assert out["closes_at"].startswith("2021-07-19T11:30")


def test_unknown_auction_preset_is_refused(papi: LiveApi) -> None:
    code = instrument(papi, "48.00")
    seller = papi.participant(tonnes={"CEA21": 1_000})
    r = _announce(papi, seller, code, preset="beijing-2030", closes_at="2021-07-19T11:30+08:00")
    assert r.status_code == 422  # type: ignore[attr-defined]
