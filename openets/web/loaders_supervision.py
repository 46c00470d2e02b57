"""The regulator's views of holdings: large-holder reports (大户报告), accounts under a trading
or transfer restriction, and one account's positions looked up by its id."""

from __future__ import annotations

import re
from typing import Any

from openets.web.context import Ctx
from openets.web.loaders_account import problem

ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


async def large_holders(c: Ctx) -> dict[str, Any]:
    got = await c.get("/supervision/large-holders")
    return {"rows": got.rows} if got.ok else problem(got)


async def links(c: Ctx) -> dict[str, Any]:
    """Related accounts by group (declared by the regulator: the surveillance counts a trade
    within a group as a wash trade, and a ring among its members as circular)."""
    got = await c.get("/supervision/links")
    if not got.ok:
        return problem(got)
    groups = got.data.get("groups", {}) if isinstance(got.data, dict) else {}
    return {"rows": [{"group": g, "accounts": list(a)} for g, a in sorted(groups.items())]}


async def restrictions(c: Ctx) -> dict[str, Any]:
    got = await c.get("/supervision/restrictions")
    return {"rows": got.rows} if got.ok else problem(got)


async def positions(c: Ctx) -> dict[str, Any]:
    """``?account=``'s positions per product (nothing asked: an empty form)."""
    acct = c.param("account").strip()
    if not acct:
        return {"account": ""}
    if not ACCOUNT_ID.match(acct):
        return {"account": acct, "unknown": True}
    got = await c.get(f"/accounts/{acct}/positions")
    if not got.ok:
        return {**problem(got), "account": acct}
    return {"account": acct, "rows": got.rows}


async def account_param(c: Ctx) -> dict[str, Any]:
    return {"account": c.param("account").strip()}
