"""Market data and a participant's trading: instruments, depth, listings, the tape, own
listings and trades, the block desk and auctions."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from openets.web.context import Ctx, Got
from openets.web.loaders_account import own, problem

DEPTH_LEVELS = 5
TAPE_ROWS = 20


def dec(x: Any) -> Decimal | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        return Decimal(str(x))
    except InvalidOperation:
        return None


def instrument_row(inst: dict[str, Any], tick: dict[str, Any] | None) -> dict[str, Any]:
    """One instrument as the overview shows it: ``GET /instruments`` (bands) joined with its
    ``GET /market/ticker`` row (the day's prices)."""
    x = tick or {}
    prev = dec(x.get("prev_close") or inst.get("prev_close"))
    last = dec(x.get("last"))
    change = dec(x.get("change"))
    pct = dec(str(x.get("change_pct") or "").rstrip("%") or None)
    return {
        "code": inst.get("code"),
        "product": inst.get("product", ""),
        "prev_close": prev,
        "lower": dec(inst.get("band_low")),
        "upper": dec(inst.get("band_high")),
        "block_lower": dec(inst.get("block_band_low")),
        "block_upper": dec(inst.get("block_band_high")),
        "last": last,
        "change": change,
        "pct": pct,
        "open": dec(x.get("open")),
        "high": dec(x.get("high")),
        "low": dec(x.get("low")),
        "volume": x.get("volume"),
        "turnover": dec(x.get("turnover")),
        "best_bid": dec(x.get("best_bid")),
        "best_ask": dec(x.get("best_ask")),
        "suspended": bool(inst.get("suspended") or x.get("suspended")),
    }


async def instruments(c: Ctx) -> tuple[Got, list[dict[str, Any]]]:
    got, ticker = await asyncio.gather(c.get("/instruments"), c.get("/market/ticker"))
    ticks = {str(r.get("instrument")): r for r in ticker.rows}
    return got, [instrument_row(x, ticks.get(str(x.get("code")))) for x in got.rows]


async def overview(c: Ctx) -> dict[str, Any]:
    """The market watch; an instrument shows as trading only while a listing session runs."""
    (got, rows), status = await asyncio.gather(instruments(c), c.get("/ops/status"))
    if not got.ok:
        return problem(got)
    return {"rows": rows, "in_session": bool(status.ok and status.data.get("listing_session"))}


async def pick(c: Ctx) -> dict[str, Any]:
    """The instrument of a trade page: the path's, else the first listed one; and how the
    market trades (its entry posts listings, or continuous orders)."""
    (_, rows), status = await asyncio.gather(instruments(c), c.get("/ops/status"))
    codes = [str(r["code"]) for r in rows]
    asked = c.param("instrument")
    if asked and asked not in codes:
        return {"not_found": True}
    chosen = asked or (codes[0] if codes else "")
    matching = status.data.get("matching", "listing") if status.ok else "listing"
    return {"instrument": chosen, "codes": codes, "matching": matching}


async def instruments_param(c: Ctx) -> dict[str, Any]:
    got = await c.get("/instruments")
    return {"codes": [str(r.get("code")) for r in got.rows]}


async def quote(c: Ctx) -> dict[str, Any]:
    code = c.param("instrument")
    if not code:
        return {"none": True}
    got, rows = await instruments(c)
    if not got.ok:
        return problem(got)
    row = next((r for r in rows if r["code"] == code), None)
    return {"q": row} if row else {"unknown": code}


def levels(side: Any) -> list[dict[str, Any]]:
    return [
        {
            "price": dec(lv.get("price")),
            "quantity": int(lv.get("quantity") or 0),
            "count": lv.get("count"),
        }
        for lv in (side or [])[:DEPTH_LEVELS]
        if isinstance(lv, dict)
    ]


async def depth(c: Ctx) -> dict[str, Any]:
    code = c.param("instrument")
    if not code:
        return {"none": True}
    got, ticker = await asyncio.gather(c.get(f"/market/{code}/depth"), c.get("/market/ticker"))
    if not got.ok:
        return problem(got)
    body = got.data if isinstance(got.data, dict) else {}
    asks = levels(body.get("asks"))
    bids = levels(body.get("bids"))
    asks_rows = [(i + 1, asks[i] if i < len(asks) else None) for i in range(DEPTH_LEVELS)]
    bids_rows = [(i + 1, bids[i] if i < len(bids) else None) for i in range(DEPTH_LEVELS)]
    prev = _prev_close(ticker, code)
    return {"asks": list(reversed(asks_rows)), "bids": bids_rows, "prev_close": prev}


def market_listing(x: dict[str, Any]) -> dict[str, Any]:
    return {
        "listing_id": x.get("listing_id"),
        "side": x.get("side"),
        "price": dec(x.get("price")),
        "remaining": int(x.get("remaining") or 0),
        "mine": bool(x.get("own")),
    }


async def best_listings(c: Ctx) -> dict[str, Any]:
    """The individual listings of the best five levels: sells (asks) and buys (bids)."""
    code = c.param("instrument")
    if not code:
        return {"none": True}
    got, ticker = await asyncio.gather(c.get(f"/market/{code}/listings"), c.get("/market/ticker"))
    if not got.ok:
        return problem(got)
    body = got.data
    return {
        "sells": [market_listing(x) for x in body.get("asks", [])],
        "buys": [market_listing(x) for x in body.get("bids", [])],
        "instrument": code,
        "prev_close": _prev_close(ticker, code),
    }


def _prev_close(ticker: Got, code: str) -> Decimal | None:
    """The instrument's previous close (前收) from the ticker: what prices are coloured against."""
    mine = [r for r in ticker.rows if r.get("instrument") == code]
    return dec(mine[0].get("prev_close")) if mine else None


async def tape(c: Ctx) -> dict[str, Any]:
    code = c.param("instrument")
    if not code:
        return {"none": True}
    got = await c.get(f"/market/{code}/trades", limit=TAPE_ROWS)
    if not got.ok:
        return problem(got)
    rows = [
        {
            "trade_id": x.get("trade_id"),
            "price": dec(x.get("price")),
            "quantity": int(x.get("quantity") or 0),
            "time": x.get("time"),
            "method": x.get("method", "listing"),
        }
        for x in got.rows
    ]
    return {"rows": rows}


async def my_listings(c: Ctx) -> dict[str, Any]:
    """The account's resting listings and continuous orders (a market has one or the other),
    each cancelled by its own path."""
    q = {"account_id": own(c), "instrument": c.param("instrument") or None}
    listings, orders = await asyncio.gather(c.get("/listings", **q), c.get("/orders", **q))
    for got in (listings, orders):
        if not got.ok:
            return problem(got)
    rows = [{**r, "kind": "listing"} for r in listings.rows]
    rows += [{**r, "kind": "order"} for r in orders.rows]
    return {"rows": rows, "instrument": c.param("instrument")}


HISTORY_PAGE = 100


HISTORY_FILTERS = ("status", "instrument", "side", "from", "to")


async def order_history(c: Ctx) -> dict[str, Any]:
    """The order history (委托): every listing with what became of it, filtered by status
    (open, filled, partly filled, cancelled, expired), instrument, side and the day posted,
    a page of :data:`HISTORY_PAGE` at a time."""
    offset = int(c.param("offset", "0")) if c.param("offset", "0").isdigit() else 0
    side = c.param("side")
    got = await c.get(
        "/listings",
        account_id=own(c),
        status=c.param("status", "all"),
        instrument=c.param("instrument") or None,
        side=side if side in ("buy", "sell") else None,
        limit=HISTORY_PAGE,
        offset=offset,
        **{"from": c.param("from") or None, "to": c.param("to") or None},
    )
    if not got.ok:
        return problem(got)
    count = int(got.data.get("count", 0))
    keep = {k: c.param(k) for k in HISTORY_FILTERS if c.param(k)}
    ahead = offset + HISTORY_PAGE < count
    more = urlencode({**keep, "offset": offset + HISTORY_PAGE}) if ahead else ""
    back = urlencode({**keep, "offset": max(offset - HISTORY_PAGE, 0)}) if offset else ""
    return {
        "rows": got.rows,
        "count": count,
        "more": more,
        "back": back,
        "first": offset + 1 if got.rows else 0,
        "last": offset + len(got.rows),
    }


async def my_trades(c: Ctx) -> dict[str, Any]:
    got = await c.get("/trades", account_id=own(c), limit=500)
    if not got.ok:
        return problem(got)
    return {"rows": got.rows, "count": got.data.get("count", len(got.rows))}


async def block_requests(c: Ctx) -> dict[str, Any]:
    got = await c.get("/block/requests")
    if not got.ok:
        return problem(got)
    return {"rows": got.rows, "me": own(c)}


async def auctions(c: Ctx) -> dict[str, Any]:
    got, clock = await asyncio.gather(c.get("/auctions"), c.get("/ops/clock"))
    if not got.ok:
        return problem(got)
    now = _when(clock.data.get("now")) if clock.ok else None
    rows = []
    for a in reversed(got.rows):
        closes = _when(a.get("closes_at"))
        due = now is not None and closes is not None and closes <= now
        rows.append({**a, "due": due})
    return {"rows": rows, "me": own(c)}


def _when(x: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(x))
    except ValueError:
        return None


async def entry(c: Ctx) -> dict[str, Any]:
    """What the listing entry shows beside the form: the account's available funds, and per
    instrument the available tonnes of its product and the day's price band (limits down and
    up); the page shows the form's chosen instrument's (static/terminal.js on a change)."""
    (got, rows), funds, pos = await asyncio.gather(
        instruments(c), c.get(f"/funds/{own(c)}"), c.get(f"/accounts/{own(c)}/positions")
    )
    for bad in (got, funds, pos):
        if not bad.ok:
            return problem(bad)
    free = {str(p.get("product")): int(p.get("available") or 0) for p in pos.rows}
    return {
        "funds": dec(funds.data.get("available")),
        "rows": [
            {
                "code": r["code"],
                "product": r["product"],
                "tonnes": free.get(str(r["product"]), 0),
                "lower": r["lower"],
                "upper": r["upper"],
                "suspended": r["suspended"],
            }
            for r in rows
        ],
        "instrument": c.param("instrument"),
    }
