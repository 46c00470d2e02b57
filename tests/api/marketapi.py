"""Helpers of the trading API tests: a live server with a chosen preset and start time, the
simulated clock moved through the exchange operator, instruments, listings and error checks.

Each trading test module runs its own server (``market_server``) so that it owns the clock: the
market opens on Friday 2021-07-16, listing sessions 09:30-11:30 and 13:00-15:00, block trading
13:00-15:00 (Beijing time).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import httpx
from dsl import START
from liveapi import PASSWORD, STAFF, LiveApi, Participant, fast_settings, server_db

from openets.api.app import create_app
from openets.api.security import Passwords
from openets.api.server import ServerThread
from openets.api.users import add_user_to_db
from openets.bootstrap import open_market
from openets.client import Client
from openets.domain.clock import SimulatedClock, parse_iso

DAY = "2021-07-16"
_codes = count(1)


@contextlib.contextmanager
def market_server(
    path: Path,
    *,
    preset: str = "cn",
    start: str = START,
    auction_tick_seconds: float = 1.0,
    **settings: Any,
) -> Iterator[LiveApi]:
    """A live API over a new market of ``preset`` whose simulated clock starts at ``start``
    (``auction_tick_seconds=0``: no automatic auction close, for tests that close by hand;
    ``settings``: more of the server's settings, e.g. ``signing_key``)."""
    db = server_db(path)
    fast = Passwords(1, 8192, 1)
    for user, role in STAFF.items():
        add_user_to_db(db, user, PASSWORD, role, None, passwords=fast)
    clock = SimulatedClock(parse_iso(start))
    market = open_market(db, clock, preset=preset)
    server = ServerThread(
        create_app(market, fast_settings(auction_tick_seconds=auction_tick_seconds, **settings))
    ).start()
    live = LiveApi(server, market, clock)
    try:
        yield live
    finally:
        for c in live._clients.values():
            c.close()
        server.stop()
        market.engine.journal.close()


def at(api: LiveApi, when: str) -> None:
    """Move the simulated clock to ``when`` (a time of day on :data:`DAY`, or a full time)."""
    target = when if "T" in when else f"{DAY}T{when}+08:00"
    if parse_iso(target) > api.clock.now():
        api.client("exop").advance_clock(to=target)


def instrument(api: LiveApi, reference: str = "48.00", product: str = "CEA21") -> str:
    """A newly listed instrument (its own code, so tests do not share a book)."""
    code = f"T{next(_codes):03d}"
    ok(api.client("exop").request("POST", "/instruments", json={
        "code": code, "product": product, "reference_price": reference,
    }), 201)  # fmt: skip
    return code


def listing(p: Participant, code: str, side: str, price: str, qty: int) -> httpx.Response:
    body = {"account_id": p.account_id, "instrument": code, "side": side, "price": price}
    return p.client.request("POST", "/listings", json={**body, "quantity": qty})


def listed(p: Participant, code: str, side: str, price: str, qty: int) -> str:
    """Post a listing that must be accepted; its id."""
    return str(ok(listing(p, code, side, price, qty), 201)["listing_id"])


def take(p: Participant, listing_id: str, qty: int) -> httpx.Response:
    body = {"account_id": p.account_id, "quantity": qty}
    return p.client.request("POST", f"/listings/{listing_id}/take", json=body)


def seller(api: LiveApi, tonnes: int = 10_000) -> Participant:
    """A participant holding ``tonnes`` of CEA21."""
    return api.participant(tonnes={"CEA21": tonnes})


def buyer(api: LiveApi, yuan: int = 1_000_000) -> Participant:
    """A participant with ``yuan`` of funds."""
    return api.participant(fen=yuan * 100)


def ok(resp: httpx.Response, status: int = 200) -> Any:
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    return resp.json()


def error(resp: httpx.Response, status: int, code: str, field: str | None = "") -> dict[str, Any]:
    """Assert an error answer; ``field`` '' means: any field."""
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    err: dict[str, Any] = resp.json()["error"]
    assert err["code"] == code, err
    if field != "":
        assert err["field"] == field, err
    return err


def holding(api: LiveApi, account_id: str, product: str = "CEA21") -> dict[str, int]:
    acct = api.client("regop").account(account_id)
    for h in acct["holdings"]:
        if h["product"] == product:
            return {k: v for k, v in h.items() if k != "product"}
    return {"available": 0, "locked": 0, "pending": 0, "pledged": 0, "frozen": 0, "total": 0}


def funds(api: LiveApi, account_id: str) -> dict[str, str]:
    return dict(api.client("regop").funds(account_id))


def ws_url(api: LiveApi, path: str) -> str:
    return api.base_url.replace("http://", "ws://") + "/api/v1" + path


__all__ = [
    "DAY",
    "Client",
    "LiveApi",
    "Participant",
    "at",
    "error",
    "funds",
    "holding",
    "instrument",
    "listed",
    "listing",
    "market_server",
    "ok",
    "take",
    "ws_url",
]
