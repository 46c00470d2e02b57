"""The authorization matrix of the trading, market, block, auction, compliance and supervision
endpoints over HTTP: every role (and a participant on its own account and on another's) against
every endpoint. Allowed calls succeed; the others get 401 (anonymous), 403 or 404 and change
nothing (same journal seq, same state hash). Then: a participant never sees another account's
listings, orders, bids, trades or funds.

The expectations are written out here, independently of ``openets.api.auth.MATRIX``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from liveapi import LiveApi, Participant
from marketapi import at, instrument, listed, market_server, ok

from openets.client import Client

OWNER, OTHER, REG, EXCH, REGUL, VERIF, ANON = (
    "owner",
    "other",
    "registry_operator",
    "exchange_operator",
    "regulator",
    "verifier",
    "anonymous",
)
ACTORS = (OWNER, OTHER, REG, EXCH, REGUL, VERIF, ANON)
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {ANON}
ACCOUNT_VIEWERS = frozenset({OWNER, REG, EXCH, REGUL})
BLOCK = 100_000


@dataclass
class World:
    api: LiveApi
    code: str
    x: Participant  # the account the requests are about
    y: Participant  # another participant's account

    def client(self, actor: str) -> Client:
        if actor == OWNER:
            return self.x.client
        if actor == OTHER:
            return self.y.client
        if actor == ANON:
            return self.api.anon()
        return self.api.client(actor)


Values = dict[str, str]
Prep = Callable[[World], Values]


def _none(w: World) -> Values:
    return {}


def _new_instrument(w: World) -> Values:
    return {"c": instrument(w.api)}


def _suspended(w: World) -> Values:
    code = instrument(w.api)
    w.api.client("exop").post(f"/instruments/{code}/suspend", {"reason": "test"})
    return {"c": code}


def _x_listing(w: World) -> Values:
    return {"lid": listed(w.x, w.code, "sell", "48.00", 1)}


def _y_listing(w: World) -> Values:
    return {"lid": listed(w.y, w.code, "sell", "48.00", 1)}


def _block_request(p: Participant, code: str) -> str:
    body = {"account_id": p.account_id, "instrument": code, "side": "sell", "price": "48.00"}
    return str(p.client.post("/block/requests", {**body, "quantity": BLOCK})["request_id"])


def _x_request(w: World) -> Values:
    return {"rid": _block_request(w.x, w.code)}


def _y_request(w: World) -> Values:
    return {"rid": _block_request(w.y, w.code)}


def _counter(by: Participant, rid: str) -> str:
    body = {"account_id": by.account_id, "price": "47.00", "quantity": BLOCK}
    view = by.client.post(f"/block/requests/{rid}/quotes", body)
    return str(next(q["quote_id"] for q in view["quotes"] if q["by"] == by.account_id))


def _x_request_y_quote(w: World) -> Values:
    rid = _block_request(w.x, w.code)
    return {"rid": rid, "qid": _counter(w.y, rid)}


def _y_request_x_quote(w: World) -> Values:
    rid = _block_request(w.y, w.code)
    return {"rid": rid, "qid": _counter(w.x, rid)}


def _auction(w: World, seconds: int = 3600) -> str:
    closes = (w.api.clock.now() + timedelta(seconds=seconds)).isoformat()
    body = {"initiator": w.y.account_id, "side": "sell", "instrument": w.code, "quantity": 10}
    out = w.api.client("exop").post("/auctions", {**body, "closes_at": closes})
    return str(out["auction_id"])


def _y_auction(w: World) -> Values:
    return {"aid": _auction(w)}


def _x_bid(w: World) -> Values:
    aid = _auction(w)
    body = {"account_id": w.x.account_id, "price": "45.00", "quantity": 5}
    return {"aid": aid, "bid": w.x.client.post(f"/auctions/{aid}/bids", body)["bid_id"]}


def _due_auction(w: World) -> Values:
    aid = _auction(w, seconds=1)
    w.api.client("exop").advance_clock(seconds=1)
    return {"aid": aid}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with x, y, code and the prep's values
    body: Callable[[World, Values], Any] | None
    allowed: frozenset[str]
    prep: Prep = _none
    denied: dict[str, int] = field(default_factory=dict)
    """The status of a refused actor when it is not 403 (anonymous: 401)."""


def _x_body(**extra: Any) -> Callable[[World, Values], Any]:
    def body(w: World, v: Values) -> Any:
        return {"account_id": w.x.account_id, **extra}

    return body


def _listing_body(w: World, v: Values) -> Any:
    return {"account_id": w.x.account_id, "instrument": w.code, "side": "buy", "price": "48.00"} | {
        "quantity": 1
    }


def _block_body(w: World, v: Values) -> Any:
    body = {"account_id": w.x.account_id, "instrument": w.code, "side": "sell", "price": "48.00"}
    return {**body, "quantity": BLOCK}


def _auction_body(w: World, v: Values) -> Any:
    closes = (w.api.clock.now() + timedelta(hours=1)).isoformat()
    return {
        "initiator": w.x.account_id,
        "side": "sell",
        "instrument": w.code,
        "quantity": 10,
        "closes_at": closes,
    }


OWN_ONLY = frozenset({OWNER})
NOT_FOUND_FOR_OTHER = {OTHER: 404}

ENDPOINTS = (
    # --- trading
    Endpoint("instruments", "GET", "/instruments", None, EVERYONE),
    Endpoint(
        "list_instrument",
        "POST",
        "/instruments",
        lambda w, v: {
            "code": f"Z{secrets.token_hex(3)}",
            "product": "CEA21",
            "reference_price": "48.00",
        },
        frozenset({EXCH}),
    ),
    Endpoint("vintage_schedule", "GET", "/instruments/vintages", None, EVERYONE),
    Endpoint("list_due_vintages", "POST", "/instruments/due", lambda w, v: {}, frozenset({EXCH})),
    Endpoint(
        "suspend",
        "POST",
        "/instruments/{c}/suspend",
        lambda w, v: {"reason": "test"},
        frozenset({EXCH, REGUL}),
        _new_instrument,
    ),
    Endpoint(
        "resume",
        "POST",
        "/instruments/{c}/resume",
        lambda w, v: {"reason": "test"},
        frozenset({EXCH, REGUL}),
        _suspended,
    ),
    Endpoint("post_listing", "POST", "/listings", _listing_body, OWN_ONLY),
    Endpoint(
        "cancel_listing",
        "DELETE",
        "/listings/{lid}",
        None,
        OWN_ONLY,
        _x_listing,
        NOT_FOUND_FOR_OTHER,
    ),
    Endpoint("take", "POST", "/listings/{lid}/take", _x_body(quantity=1), OWN_ONLY, _y_listing),
    Endpoint("listings", "GET", "/listings?account_id={x}", None, ACCOUNT_VIEWERS),
    Endpoint("orders", "GET", "/orders?account_id={x}", None, ACCOUNT_VIEWERS),
    Endpoint("trades", "GET", "/trades?account_id={x}", None, ACCOUNT_VIEWERS),
    # --- market data
    Endpoint("depth", "GET", "/market/{code}/depth", None, EVERYONE),
    Endpoint("tape", "GET", "/market/{code}/trades", None, EVERYONE),
    Endpoint("bars", "GET", "/market/{code}/bars", None, EVERYONE),
    Endpoint("ticker", "GET", "/market/ticker", None, EVERYONE),
    Endpoint("status", "GET", "/ops/status", None, EVERYONE),
    Endpoint(
        "best_listings",
        "GET",
        "/market/{code}/listings",
        None,
        frozenset({OWNER, OTHER, EXCH, REGUL}),
    ),
    # --- block trading
    Endpoint("post_block", "POST", "/block/requests", _block_body, OWN_ONLY),
    Endpoint(
        "block_desk",
        "GET",
        "/block/requests",
        None,
        frozenset({OWNER, OTHER, REG, EXCH, REGUL}),
    ),
    Endpoint(
        "block_request",
        "GET",
        "/block/requests/{rid}",
        None,
        frozenset({OWNER, OTHER, REG, EXCH, REGUL}),
        _x_request,
    ),
    Endpoint(
        "counter",
        "POST",
        "/block/requests/{rid}/quotes",
        _x_body(price="47.50", quantity=BLOCK),
        OWN_ONLY,
        _y_request,
    ),
    Endpoint(
        "accept",
        "POST",
        "/block/requests/{rid}/accept",
        _x_body(price="48.00", quantity=BLOCK),
        OWN_ONLY,
        _y_request,
    ),
    Endpoint(
        "reject",
        "POST",
        "/block/requests/{rid}/quotes/{qid}/reject",
        _x_body(),
        OWN_ONLY,
        _x_request_y_quote,
    ),
    Endpoint(
        "withdraw_request",
        "DELETE",
        "/block/requests/{rid}?account_id={x}",
        None,
        OWN_ONLY,
        _x_request,
    ),
    Endpoint(
        "withdraw_quote",
        "DELETE",
        "/block/requests/{rid}/quotes/{qid}?account_id={x}",
        None,
        OWN_ONLY,
        _y_request_x_quote,
    ),
    # --- auctions
    Endpoint("announce", "POST", "/auctions", _auction_body, frozenset({EXCH})),
    Endpoint("auctions", "GET", "/auctions", None, EVERYONE),
    Endpoint("auction", "GET", "/auctions/{aid}", None, EVERYONE, _y_auction),
    Endpoint(
        "bid",
        "POST",
        "/auctions/{aid}/bids",
        _x_body(price="45.00", quantity=5),
        OWN_ONLY,
        _y_auction,
    ),
    Endpoint(
        "modify_bid",
        "PUT",
        "/auctions/{aid}/bids/{bid}",
        _x_body(price="46.00", quantity=5),
        OWN_ONLY,
        _x_bid,
    ),
    Endpoint(
        "withdraw_bid",
        "DELETE",
        "/auctions/{aid}/bids/{bid}?account_id={x}",
        None,
        OWN_ONLY,
        _x_bid,
    ),
    Endpoint(
        "close_auction", "POST", "/auctions/{aid}/close", None, frozenset({EXCH}), _due_auction
    ),
    Endpoint(
        "cancel_auction",
        "POST",
        "/auctions/{aid}/cancel",
        lambda w, v: {"reason": "test"},
        frozenset({EXCH}),
        _y_auction,
    ),
    # --- compliance
    Endpoint(
        "obligations",
        "GET",
        "/compliance/obligations?year=2021&account_id={x}",
        None,
        frozenset({OWNER, REG, REGUL, VERIF}),
    ),
    Endpoint("compliance_report", "GET", "/compliance/report?year=2021", None, frozenset({REGUL})),
    # --- supervision
    Endpoint("alerts", "GET", "/supervision/alerts", None, frozenset({REGUL})),
    Endpoint("cases", "GET", "/supervision/cases", None, frozenset({REGUL})),
    Endpoint("measures", "GET", "/supervision/measures", None, frozenset({REGUL})),
    Endpoint("restrictions", "GET", "/supervision/restrictions", None, frozenset({REGUL})),
    Endpoint("links", "GET", "/supervision/links", None, frozenset({REGUL})),
    Endpoint("risk_rules", "GET", "/supervision/risk-rules", None, frozenset({REGUL})),
    Endpoint(
        "surveillance",
        "POST",
        "/supervision/surveillance",
        lambda w, v: {"day": "2021-07-16"},
        frozenset({REGUL}),
    ),
    Endpoint(
        "restrict",
        "POST",
        "/supervision/restrictions",
        _x_body(trading=False, transfer=False, reason="test"),
        frozenset({EXCH, REGUL}),
    ),
    Endpoint(
        "warn", "POST", "/supervision/warnings", _x_body(text="test"), frozenset({EXCH, REGUL})
    ),
    Endpoint(
        "link",
        "POST",
        "/supervision/links",
        lambda w, v: {
            "group_id": "G",
            "account_ids": [w.x.account_id, w.y.account_id],
            "reason": "test",
        },
        frozenset({REGUL}),
    ),
    Endpoint(
        "large_holders", "GET", "/supervision/large-holders", None, frozenset({OWNER, OTHER, REGUL})
    ),
    Endpoint("scan", "POST", "/supervision/large-holders/scan", None, frozenset({REGUL})),
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    # Auctions are closed by hand here: the server's own close of a due auction would move
    # the journal inside a refused call's unchanged() check.
    with market_server(tmp_path_factory.mktemp("authz"), auction_tick_seconds=0) as api:
        at(api, "13:30")  # both the listing and the block sessions
        code = instrument(api)
        x = api.participant(tonnes={"CEA21": 10_000_000}, fen=10**11)
        y = api.participant(tonnes={"CEA21": 10_000_000}, fen=10**11)
        yield World(api, code, x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_role_may_call_trading_endpoint_only_as_the_matrix_allows(
    world: World, ep: Endpoint, actor: str
) -> None:
    api = world.api
    values = {"x": world.x.account_id, "y": world.y.account_id, "code": world.code}
    values |= ep.prep(world)
    path = ep.path.format(**values)
    body = ep.body(world, values) if ep.body else None
    client = world.client(actor)
    if actor in ep.allowed:
        r = client.request(ep.method, path, json=body)
        assert 200 <= r.status_code < 300, f"{actor} {ep.name}: {r.status_code} {r.text}"
        return
    with api.unchanged():
        r = client.request(ep.method, path, json=body)
    expected = 401 if actor == ANON else ep.denied.get(actor, 403)
    assert r.status_code == expected, f"{actor} {ep.name}: {r.status_code} {r.text}"
    code = {401: "UNAUTHENTICATED", 403: "NOT_PERMITTED"}.get(expected)
    if code is not None:
        assert r.json()["error"]["code"] == code


# --- continuous orders (their own preset) -------------------------------------------------------


@pytest.fixture(scope="module")
def cda(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with market_server(tmp_path_factory.mktemp("authz-cda"), preset="cn-cda") as api:
        at(api, "10:00")
        code = instrument(api)
        x = api.participant(tonnes={"CEA21": 10_000}, fen=10**10)
        y = api.participant(tonnes={"CEA21": 10_000}, fen=10**10)
        yield World(api, code, x, y)


def _x_order(w: World) -> Values:
    body = {"account_id": w.x.account_id, "instrument": w.code, "side": "buy", "price": "44.00"}
    return {"oid": w.x.client.post("/orders", {**body, "quantity": 1})["order_id"]}


ORDER_ENDPOINTS = (
    Endpoint("place_order", "POST", "/orders", _listing_body, OWN_ONLY),
    Endpoint(
        "cancel_order", "DELETE", "/orders/{oid}", None, OWN_ONLY, _x_order, NOT_FOUND_FOR_OTHER
    ),
)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", ORDER_ENDPOINTS, ids=lambda e: e.name)
def test_only_the_owner_places_and_cancels_its_orders(cda: World, ep: Endpoint, actor: str) -> None:
    test_role_may_call_trading_endpoint_only_as_the_matrix_allows(cda, ep, actor)


# --- what a participant never sees -------------------------------------------------------------


def test_participant_never_sees_another_accounts_listings_orders_or_trades(world: World) -> None:
    x, y = world.x, world.y
    lid = listed(x, world.code, "buy", "47.11", 3)
    for path in ("/listings", "/orders", "/trades"):
        body = ok(y.client.request("GET", path))
        assert lid not in str(body) and x.account_id not in str(body), path
    best = ok(y.client.request("GET", f"/market/{world.code}/listings"))
    assert x.account_id not in str(best)
    assert [b["own"] for b in best["bids"] if b["listing_id"] == lid] == [False]


def test_participant_never_sees_another_accounts_bids(world: World) -> None:
    x, y = world.x, world.y
    aid = _auction(world)
    bid = x.client.post(
        f"/auctions/{aid}/bids", {"account_id": x.account_id, "price": "45.67", "quantity": 2}
    )
    seen = ok(y.client.request("GET", f"/auctions/{aid}"))
    assert seen["bids"] == [] and bid["bid_id"] not in str(ok(y.client.request("GET", "/auctions")))


def test_participant_never_sees_another_accounts_funds_or_holdings(world: World) -> None:
    x, y = world.x, world.y
    assert y.client.request("GET", f"/funds/{x.account_id}").status_code == 403
    assert y.client.request("GET", f"/registry/accounts/{x.account_id}").status_code == 403
    assert (
        y.client.request(
            "GET", f"/compliance/obligations?year=2021&account_id={x.account_id}"
        ).status_code
        == 403
    )


def test_participant_never_sees_another_accounts_block_dialogue(world: World) -> None:
    x, y = world.x, world.y
    third = world.api.participant(fen=10**11)
    rid = _block_request(x, world.code)
    _counter(y, rid)
    seen = ok(third.client.request("GET", f"/block/requests/{rid}"))
    assert [q["by"] for q in seen["quotes"]] == [None]
    assert x.account_id not in str(seen) and y.account_id not in str(seen)
