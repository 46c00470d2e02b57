"""An account's own page for the registry, the exchange and the regulator (reached from the
searchable, paged account list): the holder, holdings per product and bucket, funds, what
restricts the account, its recent transactions, and its full statement on a page of its own.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from openets.web.context import Ctx
from openets.web.loaders_account import problem

ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
RECENT = 20
"""Transactions shown on the account's page (the statement page has them all)."""
POSITION_BUCKETS = (
    "available",
    "locked",
    "to_deliver",
    "to_receive",
    "pending",
    "pledged",
    "frozen",
)
LIMITED = ("restricted", "frozen", "closing", "closed")
"""Account statuses that stop some of what an active account may do."""


async def account_exists(c: Ctx) -> dict[str, Any]:
    """The page's account: a well-formed id the registry knows, else the 404 page."""
    acct = c.param("account_id")
    if not ACCOUNT_ID.match(acct):
        return {"not_found": True}
    got = await c.get(f"/registry/accounts/{acct}")
    if got.status == 404:
        return {"not_found": True}
    return {"account_id": acct}


async def account_detail(c: Ctx) -> dict[str, Any]:
    acct = c.param("account_id")
    got, pos, funds, stmt = await asyncio.gather(
        c.get(f"/registry/accounts/{acct}"),
        c.get(f"/accounts/{acct}/positions"),
        c.get(f"/funds/{acct}"),
        c.get(f"/registry/accounts/{acct}/statement", limit=10_000),
    )
    if not got.ok:
        return problem(got)
    account = got.data
    restricted = None
    if c.viewer.role == "regulator":  # the supervision's restrictions are the regulator's
        sup = await c.get("/supervision/restrictions")
        restricted = next((r for r in sup.rows if r.get("account_id") == acct), None)
    frozen = [(str(h.get("product")), int(h.get("frozen") or 0)) for h in pos.rows]
    lines = list(reversed(stmt.rows))[:RECENT]
    return {
        "account": account,
        "positions": pos.rows if pos.ok else None,
        "buckets": POSITION_BUCKETS,
        "funds": funds.data if funds.ok else None,
        "limits": {
            "status": account.get("status") if account.get("status") in LIMITED else None,
            "frozen": [(p, q) for p, q in frozen if q],
            "supervision": restricted,
        },
        "recent": lines,
        "lines": int(stmt.data.get("count", 0)) if stmt.ok else 0,
        "statement_error": None if stmt.ok else stmt.error,
    }
