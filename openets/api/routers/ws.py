"""WebSocket feeds: ``/ws/market/{instrument}`` (public: depth, trades, bars, status, no
identities), ``/ws/market`` (public: the market watch, every instrument's ticker row as it
moves) and ``/ws/private`` (a participant's own listings, orders and fills).

Each connection first gets a ``snapshot`` message, then updates as the market changes, as JSON
text ``{"type": ..., "data": ...}``. A client may send ``{"type": "ping"}`` and gets a ``pong``.
The private feed authenticates with the API token in the ``token`` query parameter or with the
browser's session cookie; it closes with code 4401 (not authenticated, or logged out while
open) or 4403 (not a participant, or the cookie sent from another site's page). An unknown
instrument closes with 4404, a client too slow to keep up with 1013. Tokens in the query are
never logged (:mod:`openets.api.logredact`).
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from openets.api.auth import Action, scope_of
from openets.api.deps import Services
from openets.api.routers._feeds import CLOSE, Feeds, Subscription
from openets.api.routers._trading_views import trading_of
from openets.api.security import SESSION_COOKIE
from openets.api.users import active_principal

router = APIRouter(tags=["feeds"])

PONG = orjson.dumps({"type": "pong", "data": None}).decode()
LOGGED_OUT = b"\x00logged-out"
"""Queued for a private feed whose session ended: it closes with 4401."""


def _logged_out(sub: Subscription) -> None:
    while not sub.queue.empty():
        sub.queue.get_nowait()
    sub.queue.put_nowait(LOGGED_OUT)


def _same_origin(ws: WebSocket) -> bool:
    """A browser sends ``Origin``; with the session cookie it must be this server's own (a page
    elsewhere must not open the private feed with the user's cookie). Clients other than
    browsers send none."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    host = ws.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def setup(services: Services) -> None:
    feeds = Feeds(lambda: services.state, lambda: services.clock.now().isoformat())
    services.extras["feeds"] = feeds
    services.market.engine.subscribers.append(feeds)


def _feeds(ws: WebSocket) -> Feeds:
    services: Services = ws.app.state.services
    feeds: Feeds = services.extras["feeds"]  # type: ignore[assignment]
    return feeds


async def _refuse(ws: WebSocket, code: int, error: str, message: str) -> None:
    await ws.send_text(
        orjson.dumps({"type": "error", "data": {"code": error, "message": message}}).decode()
    )
    await ws.close(code=code)


async def _pump(ws: WebSocket, sub: Subscription, first: bytes) -> None:
    """Send the snapshot, then every queued message, until the client goes or falls behind."""
    await ws.send_text(first.decode())
    receiving = asyncio.ensure_future(ws.receive_text())
    try:
        while True:
            getting = asyncio.ensure_future(sub.queue.get())
            done, _ = await asyncio.wait({getting, receiving}, return_when=asyncio.FIRST_COMPLETED)
            if getting in done:
                msg = getting.result()
                if msg == CLOSE:
                    await ws.close(code=1013, reason="too slow: reconnect")
                    return
                if msg == LOGGED_OUT:
                    await ws.close(code=4401, reason="logged out")
                    return
                await ws.send_text(msg.decode())
            else:
                getting.cancel()
            if receiving in done:
                text = receiving.result()  # raises WebSocketDisconnect when the client left
                if '"ping"' in text:
                    await ws.send_text(PONG)
                receiving = asyncio.ensure_future(ws.receive_text())
    finally:
        receiving.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await receiving


async def _serve(ws: WebSocket, feeds: Feeds, sub: Subscription, first: bytes) -> None:
    try:
        await _pump(ws, sub, first)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        feeds.unsubscribe(sub)
        if ws.application_state is WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await ws.close()


@router.websocket("/ws/market")
async def watch_feed(ws: WebSocket) -> None:
    """Every instrument's ticker row (``GET /market/ticker``'s: open, high, low, last, change,
    volume, turnover, best bid and ask), first all of them, then each as it moves."""
    await ws.accept()
    feeds = _feeds(ws)
    first = feeds.watch_snapshot()
    sub = feeds.subscribe_watch()
    await _serve(ws, feeds, sub, first)


@router.websocket("/ws/market/{instrument}")
async def market_feed(ws: WebSocket, instrument: str) -> None:
    """Depth (best five levels), trades and bars of one instrument, pushed as they change."""
    await ws.accept()
    services: Services = ws.app.state.services
    if instrument not in trading_of(services.state).instruments:
        await _refuse(ws, 4404, "UNKNOWN_INSTRUMENT", f"no instrument {instrument[:16]!r}")
        return
    feeds = _feeds(ws)
    first = feeds.market_snapshot(instrument)
    sub = feeds.subscribe_market(instrument)
    await _serve(ws, feeds, sub, first)


@router.websocket("/ws/private")
async def private_feed(ws: WebSocket) -> None:
    """The participant's own listings and orders (open, filled, cancelled, expired) and fills."""
    await ws.accept()
    services: Services = ws.app.state.services
    bearer = ws.query_params.get("token")
    token = bearer or ws.cookies.get(SESSION_COOKIE)
    if bearer is None and token and not _same_origin(ws):
        await _refuse(
            ws, 4403, "ORIGIN_REFUSED", "the session cookie is good on this server's own pages only"
        )
        return
    session = services.sessions.lookup(token) if token else None
    principal = active_principal(services.state, session.principal.username) if session else None
    if principal is None:
        await _refuse(ws, 4401, "UNAUTHENTICATED", "send the API token as ?token=… or log in")
        return
    if principal.account_id is None or scope_of(principal, Action.VIEW_LISTINGS) is None:
        await _refuse(
            ws, 4403, "NOT_PERMITTED", "the private feed is a participant's own account's"
        )
        return
    feeds = _feeds(ws)
    first = feeds.private_snapshot(principal.account_id)
    sub = feeds.subscribe_private(principal.account_id)
    assert token is not None
    unwatch = services.sessions.watch(token, lambda: _logged_out(sub))  # closes on logout
    try:
        await _serve(ws, feeds, sub, first)
    finally:
        unwatch()
