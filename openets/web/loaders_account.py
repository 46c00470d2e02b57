"""A participant's own account: holdings by bucket, funds, statements, compliance."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from openets.web.context import Ctx, Got

BUCKETS = ("available", "locked", "to_deliver", "pending", "pledged", "frozen")


def problem(got: Got) -> dict[str, Any]:
    """What a fragment shows when its API call failed (``missing``: not on this server)."""
    return {"error": got.error, "missing": got.missing}


def own(c: Ctx) -> str:
    return c.viewer.account_id or ""


async def holdings(c: Ctx) -> dict[str, Any]:
    got, pos = await asyncio.gather(
        c.get(f"/registry/accounts/{own(c)}"), c.get(f"/accounts/{own(c)}/positions")
    )
    if not got.ok:
        return problem(got)
    if not pos.ok:
        return problem(pos)
    return {"account": got.data, "rows": pos.rows, "buckets": BUCKETS}


async def funds(c: Ctx) -> dict[str, Any]:
    got = await c.get(f"/funds/{own(c)}")
    return {"funds": got.data} if got.ok else problem(got)


async def statement(c: Ctx) -> dict[str, Any]:
    """The account's statement lines, newest first; ``?ref=`` a trade's id: the lines that
    paid for and settled that trade (the trades page links here)."""
    ref = c.param("ref")[:64]
    acct = c.param("account_id") or own(c)  # staff: the account page's (the API decides)
    got = await c.get(
        f"/registry/accounts/{acct}/statement",
        ref=ref or None,
        **{"from": c.param("from"), "to": c.param("to")},
    )
    if not got.ok:
        return problem(got)
    rows = list(reversed(got.rows))  # newest first
    return {"rows": rows[:500], "count": got.data.get("count", len(rows)), "ref": ref}


async def year(c: Ctx) -> dict[str, Any]:
    """The compliance year a page is about: ``?year=``, else the year before the market's."""
    y = c.param("year")
    if y.isdigit() and 2000 <= int(y) <= 2200:
        return {"year": y}
    clock = await c.get("/ops/clock")
    now_year = int(str(clock.data["now"])[:4]) if clock.ok else date.today().year
    return {"year": str(now_year - 1)}


async def obligations(c: Ctx) -> dict[str, Any]:
    got = await c.get("/compliance/obligations", year=c.param("year"))
    if not got.ok:
        return problem(got)
    mine = [r for r in got.rows if not c.viewer.account_id or r.get("account_id") == own(c)]
    return {"rows": mine}


async def year_products(c: Ctx) -> dict[str, Any]:
    """The compliance page's year and the products the account holds (the surrender choice)."""
    out = await year(c)
    pos = await c.get(f"/accounts/{own(c)}/positions")
    out["products"] = [str(r.get("product")) for r in pos.rows if r.get("available")]
    return out
