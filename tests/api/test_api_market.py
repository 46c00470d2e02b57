"""Public market data over a live server (depth, the tape, bars, the ticker, the daily report),
the anonymous best-five listings a taker picks from, the market's status and the end of day.
Public data never names an account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from liveapi import LiveApi, Participant
from marketapi import at, error, holding, instrument, listed, market_server, ok, take

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

ACCOUNT_KEYS = {"account_id", "buyer", "seller", "account", "requester"}


@pytest.fixture(scope="module")
def mapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("market")) as live:
        at(live, "10:00")
        yield live


def pair(api: LiveApi) -> tuple[Participant, Participant]:
    return api.participant(tonnes={"CEA21": 100_000}), api.participant(fen=10**9)


def no_accounts(body: object) -> bool:
    """True if no key of ``body`` (at any depth) names an account."""
    if isinstance(body, dict):
        return not (ACCOUNT_KEYS & body.keys()) and all(no_accounts(v) for v in body.values())
    if isinstance(body, list):
        return all(no_accounts(v) for v in body)
    return True


# --- depth and the best-five listings -----------------------------------------------------------


def test_depth_shows_the_best_five_levels_per_side_aggregated(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = pair(mapi)
    listed(s, code, "sell", "50.00", 10)
    listed(s, code, "sell", "50.00", 15)
    for i in range(6):
        listed(s, code, "sell", f"51.{i}0", 1)
    listed(b, code, "buy", "47.00", 7)
    d = mapi.anon().get(f"/market/{code}/depth")
    assert d["asks"][0] == {"price": "50.00", "quantity": 25, "count": 2}
    assert [x["price"] for x in d["asks"]] == ["50.00", "51.00", "51.10", "51.20", "51.30"]
    assert d["bids"] == [{"price": "47.00", "quantity": 7, "count": 1}]
    assert no_accounts(d)


def test_participant_sees_the_best_five_listings_anonymously(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = pair(mapi)
    mine = listed(s, code, "sell", "49.00", 10)
    theirs = listed(b, code, "buy", "48.00", 5)
    seen = ok(b.client.request("GET", f"/market/{code}/listings"))
    assert seen["asks"] == [
        {"listing_id": mine, "side": "sell", "price": "49.00", "remaining": 10, "own": False}
    ]
    assert seen["bids"] == [
        {"listing_id": theirs, "side": "buy", "price": "48.00", "remaining": 5, "own": True}
    ]
    assert s.account_id not in str(seen) and b.account_id not in str(seen)


def test_best_five_listings_leave_out_the_sixth_level(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = pair(mapi)
    ids = [listed(s, code, "sell", f"49.{i}0", 1) for i in range(6)]
    seen = ok(b.client.request("GET", f"/market/{code}/listings"))
    assert [x["listing_id"] for x in seen["asks"]] == ids[:5]


def test_anonymous_callers_cannot_see_the_individual_listings(mapi: LiveApi) -> None:
    code = instrument(mapi)
    error(mapi.anon().request("GET", f"/market/{code}/listings"), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    ("role", "status"),
    [("registry_operator", 403), ("verifier", 403), ("exchange_operator", 200), ("regulator", 200)],
)
def test_staff_access_to_the_individual_listings(mapi: LiveApi, role: str, status: int) -> None:
    code = instrument(mapi)
    r = mapi.client(role).request("GET", f"/market/{code}/listings")
    assert r.status_code == status, r.text


@pytest.mark.parametrize("what", ["depth", "listings", "trades", "bars"])
def test_market_data_of_an_unknown_instrument_is_404(mapi: LiveApi, what: str) -> None:
    p = mapi.participant()
    error(p.client.request("GET", f"/market/NOPE/{what}"), 404, "UNKNOWN_INSTRUMENT")


# --- tape, bars, ticker -------------------------------------------------------------------------


def test_tape_lists_trades_newest_first_without_identities(mapi: LiveApi) -> None:
    code = instrument(mapi)
    s, b = pair(mapi)
    first = ok(take(b, listed(s, code, "sell", "49.00", 10), 10), 201)["trade_id"]
    second = ok(take(b, listed(s, code, "sell", "49.50", 20), 20), 201)["trade_id"]
    tape = mapi.anon().get(f"/market/{code}/trades")
    assert [(t["trade_id"], t["price"], t["quantity"], t["method"]) for t in tape["data"]] == [
        (second, "49.50", 20, "listing"),
        (first, "49.00", 10, "listing"),
    ]
    assert no_accounts(tape) and s.account_id not in str(tape)
    assert len(mapi.anon().get(f"/market/{code}/trades", limit=1)["data"]) == 1


def test_the_day_in_progress_has_a_running_bar(mapi: LiveApi) -> None:
    code = instrument(mapi, "48.00")
    s, b = pair(mapi)
    ok(take(b, listed(s, code, "sell", "50.00", 10), 10), 201)
    ok(take(b, listed(s, code, "sell", "49.00", 30), 30), 201)
    (bar,) = mapi.anon().get(f"/market/{code}/bars", interval="1d")["data"]
    assert {k: bar[k] for k in ("open", "high", "low", "close", "prev_close", "final")} == {
        "open": "50.00",
        "high": "50.00",
        "low": "49.00",
        "close": "49.25",  # the quantity-weighted average: (500 + 1470) / 40
        "prev_close": "48.00",
        "final": False,
    }
    assert bar["listing"] == {"volume": 40, "turnover": "1970.00"}
    assert (bar["volume"], bar["turnover"]) == (40, "1970.00")


def test_bars_come_only_daily(mapi: LiveApi) -> None:
    code = instrument(mapi)
    r = mapi.anon().request("GET", f"/market/{code}/bars", params={"interval": "1h"})
    error(r, 422, "INVALID_FIELD", "interval")


def test_ticker_shows_last_price_change_and_best_prices(mapi: LiveApi) -> None:
    code = instrument(mapi, "48.00")
    s, b = pair(mapi)
    ok(take(b, listed(s, code, "sell", "50.40", 10), 10), 201)
    listed(s, code, "sell", "50.60", 5)
    listed(b, code, "buy", "49.90", 5)
    rows = {r["instrument"]: r for r in mapi.anon().get("/market/ticker")["data"]}
    t = rows[code]
    assert (t["last"], t["change"], t["change_pct"]) == ("50.40", "2.40", "5.00%")
    assert (t["best_bid"], t["best_ask"], t["volume"]) == ("49.90", "50.60", 10)
    assert no_accounts(t)


def test_market_status_is_public(mapi: LiveApi) -> None:
    s, _ = pair(mapi)
    listed(s, instrument(mapi), "sell", "50.00", 1)  # the day's first command opens it
    st = mapi.anon().get("/ops/status")
    assert (st["phase"], st["trading_day"], st["listing_session"], st["block_session"]) == (
        "open",
        True,
        True,
        False,
    )
    assert st["day"] == "2021-07-16" and st["preset"] == "cn"


# --- the end of day -----------------------------------------------------------------------------


def test_end_of_day_is_refused_during_the_session(mapi: LiveApi) -> None:
    with mapi.unchanged():
        r = mapi.client("exop").request("POST", "/ops/eod", json={})
    error(r, 409, "INVALID_STATE", "force")


@pytest.mark.parametrize("role", ["participant", "registry_operator", "regulator", "verifier"])
def test_only_the_exchange_operator_runs_the_end_of_day(mapi: LiveApi, role: str) -> None:
    c = mapi.participant().client if role == "participant" else mapi.client(role)
    with mapi.unchanged():
        error(c.request("POST", "/ops/eod", json={}), 403, "NOT_PERMITTED")


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, dict[str, str]]]:
    """A market whose first day traded, closed and settled."""
    with market_server(tmp_path_factory.mktemp("closed")) as api:
        at(api, "10:00")
        code = instrument(api, "48.00")
        s, b = pair(api)
        ok(take(b, listed(s, code, "sell", "50.00", 100), 100), 201)
        listed(s, code, "sell", "52.00", 10)  # expires at the close
        at(api, "15:30")
        eod = ok(api.client("exop").request("POST", "/ops/eod", json={}))
        yield api, {"code": code, "seller": s.account_id, "buyer": b.account_id, **eod}


def test_ticker_after_the_end_of_day_gives_the_closed_days_figures(
    closed: tuple[LiveApi, dict[str, str]],
) -> None:
    api, w = closed
    rows = {r["instrument"]: r for r in api.anon().get("/market/ticker")["data"]}
    t = rows[w["code"]]
    assert {k: t[k] for k in ("day", "prev_close", "open", "high", "low", "last")} == {
        "day": "2021-07-16", "prev_close": "48.00", "open": "50.00", "high": "50.00",
        "low": "50.00", "last": "50.00",
    }  # fmt: skip
    assert (t["change"], t["change_pct"], t["volume"], t["turnover"]) == (
        "2.00",
        "4.17%",
        100,
        "5000.00",
    )
    assert (t["best_bid"], t["best_ask"]) == (None, None)  # the day's listings expired


def test_end_of_day_expires_listings_settles_and_rolls_the_day(
    closed: tuple[LiveApi, dict[str, str]],
) -> None:
    api, w = closed
    assert (w["day"], w["expired"], w["settled"], w["phase"]) == ("2021-07-16", 1, 1, "idle")
    assert holding(api, w["buyer"])["available"] == 100
    assert holding(api, w["seller"])["total"] == 100_000 - 100
    assert api.anon().get(f"/market/{w['code']}/depth")["asks"] == []
    assert api.state.violations() == []


def test_the_closed_day_has_a_final_bar_and_the_next_days_bands(
    closed: tuple[LiveApi, dict[str, str]],
) -> None:
    api, w = closed
    (bar,) = api.anon().get(f"/market/{w['code']}/bars")["data"]
    assert (bar["close"], bar["final"], bar["volume"]) == ("50.00", True, 100)
    (inst,) = [i for i in api.anon().get("/instruments")["data"] if i["code"] == w["code"]]
    assert (inst["prev_close"], inst["band_low"], inst["band_high"]) == ("50.00", "45.00", "55.00")


def test_a_second_end_of_day_changes_nothing(closed: tuple[LiveApi, dict[str, str]]) -> None:
    api, _ = closed
    with api.unchanged():
        out = ok(api.client("exop").request("POST", "/ops/eod", json={}))
    assert (out["expired"], out["settled"]) == (0, 0)


def test_daily_report_is_public_in_the_exchanges_format(
    closed: tuple[LiveApi, dict[str, str]],
) -> None:
    api, w = closed
    rep = api.anon().get("/reports/daily", date="2021-07-16")
    assert rep["title"] == "【CEA】全国碳市场每日综合价格行情及成交信息20210716"
    assert rep["composite"]["prices"]["close"] == "50.00"
    assert [v["instrument"] for v in rep["vintages"]] == [w["code"]]
    md = api.anon().request("GET", "/reports/daily", params={"date": "2021-07-16", "format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "挂牌协议" in md.text
    csv = api.anon().request(
        "GET", "/reports/daily", params={"date": "2021-07-16", "format": "csv", "lang": "en"}
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")


def test_daily_report_of_a_day_without_trading_is_404(
    closed: tuple[LiveApi, dict[str, str]],
) -> None:
    api, _ = closed
    r = api.anon().request("GET", "/reports/daily", params={"date": "2021-07-15"})
    error(r, 404, "NOT_FOUND", "date")


def test_daily_report_date_must_be_a_date(closed: tuple[LiveApi, dict[str, str]]) -> None:
    api, _ = closed
    r = api.anon().request("GET", "/reports/daily", params={"date": "16/07/2021"})
    error(r, 422, "INVALID_FIELD", "date")


def test_forced_end_of_day_closes_during_the_session(tmp_path: Path) -> None:
    with market_server(tmp_path) as api:
        at(api, "10:00")
        code = instrument(api)
        s, _ = pair(api)
        listed(s, code, "sell", "48.00", 10)
        out = ok(api.client("exop").request("POST", "/ops/eod", json={"force": True}))
        assert (out["expired"], out["phase"]) == (1, "idle")
        with api.unchanged():
            error(take(s, "L000001", 1), 404, "UNKNOWN_LISTING")
        assert api.anon().get("/ops/status")["phase"] == "idle"


def test_public_daily_report_prints_the_days_signed_head(
    closed: tuple[LiveApi, dict[str, str]], tmp_path: Path
) -> None:
    from openets.audit.keys import generate, load_private
    from openets.audit.signer import Signer

    api, _ = closed
    before = api.anon().get("/reports/daily", date="2021-07-16")
    assert before["signed_head"] is None
    key = tmp_path / "k"
    generate(key)
    signer = Signer(load_private(key))
    api.submit(signer.checkpoint(api.market.engine), "audit")
    cp = api.anon().get("/audit/head")
    rep = api.anon().get("/reports/daily", date="2021-07-16")
    assert rep["signed_head"]["hash"] == cp["hash"] and rep["signed_head"]["seq"] == cp["seq"]
    for lang, title in (("zh", "签名链头"), ("en", "Signed head")):
        md = api.anon().request(
            "GET", "/reports/daily", params={"date": "2021-07-16", "format": "md", "lang": lang}
        )
        assert title in md.text and cp["signature"] in md.text
