"""What waits for the viewer: the first card of each role's first page.

Each item is read through the API as the viewer (so it counts only what the viewer may see)
and links to the page where the work is done. Four-eyes work counts only what *another*
person asked for: a request the viewer made waits for someone else.
"""

from __future__ import annotations

import asyncio
from typing import Any

from openets.web.context import Ctx

Item = dict[str, Any]


async def _due(c: Ctx, href: str) -> Item:
    """The compliance calendar's steps due within 30 days that concern the viewer."""
    got = await c.get("/compliance/calendar/due")
    rows = got.rows if got.ok else []
    return {"key": "work.steps_due", "count": len(rows), "href": href, "steps": rows}


async def _participant(c: Ctx) -> list[Item]:
    notes, due, holders, pledges = await asyncio.gather(
        c.get("/notifications", unread="true"),
        _due(c, "/compliance"),
        c.get("/supervision/large-holders", status="open"),
        c.get("/finance/pledges"),
    )
    unread = int(notes.data.get("unread", 0)) if notes.ok and isinstance(notes.data, dict) else 0
    me = c.viewer.account_id
    lent = [p for p in pledges.rows if p.get("status") == "active" and p.get("lender") == me]
    return [
        due,
        {"key": "work.unread_notes", "count": unread, "href": "/notifications"},
        {"key": "work.holder_reports", "count": len(holders.rows), "href": "/account"},
        {"key": "work.pledges_to_release", "count": len(lent), "href": "/account"},
    ]


async def _registry(c: Ctx) -> list[Item]:
    me = c.viewer.username
    reqs, users, pledges, due = await asyncio.gather(
        c.get("/registry/requests"),
        c.get("/users"),
        c.get("/finance/pledges"),
        _due(c, "/registry/issuance"),
    )
    pending = [r for r in reqs.rows if r.get("status") == "pending" and r.get("initiator") != me]
    waiting = [
        u
        for u in users.rows
        if (u.get("status") == "pending_approval" and u.get("requested_by") != me)
        or (u.get("pending_enable") and u.get("enable_requested_by") != me)
        or (u.get("pending_role") and u.get("pending_by") != me)
    ]
    defaults = [
        p
        for p in pledges.rows
        if p.get("status") == "default_pending" and p.get("default_requested_by") != me
    ]
    return [
        {"key": "work.registry_requests", "count": len(pending), "href": "/registry/approvals"},
        {"key": "work.users_to_approve", "count": len(waiting), "href": "/registry/users"},
        {"key": "work.pledge_defaults", "count": len(defaults), "href": "/registry/approvals"},
        due,
    ]


async def _regulator(c: Ctx) -> list[Item]:
    reports, alerts, cases, due = await asyncio.gather(
        c.get("/compliance/reports", status="verified"),
        c.get("/supervision/alerts"),
        c.get("/supervision/cases"),
        _due(c, "/regulator/compliance"),
    )
    return [
        due,
        {"key": "work.reports_to_approve", "count": len(reports.rows), "href": "/regulator/cycle"},
        {
            "key": "work.alerts_without_case",
            "count": sum(1 for a in alerts.rows if not a.get("case_id")),
            "href": "/regulator/alerts",
        },
        {
            "key": "work.open_cases",
            "count": sum(1 for x in cases.rows if x.get("status") != "closed"),
            "href": "/regulator/alerts",
        },
    ]


async def _verifier(c: Ctx) -> list[Item]:
    reports = await c.get("/compliance/reports", status="submitted")
    return [{"key": "work.reports_to_verify", "count": len(reports.rows), "href": "/verifier"}]


async def _exchange(c: Ctx, d: dict[str, Any]) -> list[Item]:
    """What the end of day has to do, from the market status ``d`` already read."""
    return [
        {"key": "work.unsettled_trades", "count": int(d.get("unsettled_trades", 0)),
         "href": "/exchange/eod"},
        {"key": "work.resting_listings", "count": int(d.get("resting_listings", 0)),
         "href": "/exchange/eod"},
    ]  # fmt: skip


BY_ROLE = {  # the exchange operator's items come from the market status (``_exchange``)
    "participant": _participant,
    "registry_operator": _registry,
    "regulator": _regulator,
    "verifier": _verifier,
}


async def work(c: Ctx) -> dict[str, Any]:
    """The viewer's waiting work, and the market's time and trading day."""
    status = await c.get("/ops/status")
    market = status.data if status.ok and isinstance(status.data, dict) else {}
    role = c.viewer.role
    items = await (_exchange(c, market) if role == "exchange_operator" else BY_ROLE[role](c))
    return {
        "role": c.viewer.role,
        "rows": items,
        "waiting": sum(i["count"] for i in items),
        "market": market,
        "today": today_of(market),
        "pace": pace(market, c.lang),
    }


def today_of(market: dict[str, Any]) -> dict[str, str]:
    """The day to name and its state: the trading day in progress, or today's date while no day
    is open; a day already closed says so (``ended``), a day without trading too."""
    phase, day, now = (str(market.get(k) or "") for k in ("phase", "day", "now"))
    date = now[:10]
    if phase != "idle":
        return {"day": day or date, "phase": phase}
    if day and day == date:
        return {"day": day, "phase": "ended"}
    return {"day": date or "—", "phase": "idle" if market.get("trading_day") else "no_trading"}


def _span_minutes(windows: list[str]) -> int:
    """From the first session's start to the last one's end, in minutes."""
    marks = [int(x[:2]) * 60 + int(x[3:5]) for w in windows for x in w.split("-")]
    return max(marks) - min(marks) if marks else 0


def _seconds(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x < 10 else f"{x:,.0f}"


def pace(market: dict[str, Any], lang: str) -> dict[str, Any]:
    """How the market's time runs: the sessions (``09:30–11:30、13:00–15:00``) and, where the
    clock is driven at a set speed (the demo), how many real seconds a market minute takes
    and how many real minutes the trading day."""
    sep = "、" if lang == "zh" else ", "
    listing = [str(w) for w in market.get("listing_sessions") or []]
    block = [str(w) for w in market.get("block_sessions") or []]
    out: dict[str, Any] = {
        "listing": sep.join(w.replace("-", "–") for w in listing),
        "block": sep.join(w.replace("-", "–") for w in block),
    }
    speed = market.get("clock_speed")
    if isinstance(speed, int | float) and speed > 0:
        out["speed"] = f"{speed:g}"
        out["minute"] = _seconds(60 / speed)
        out["day"] = _seconds(_span_minutes(listing) / speed)
    return out
