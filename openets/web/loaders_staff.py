"""Operator and regulator consoles: accounts, registry totals, freezes, four-eyes requests,
instruments, the trading day, the clock, compliance by province, alerts, the daily report."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from openets.web.context import Ctx
from openets.web.loaders_account import problem
from openets.web.loaders_market import instruments


async def accounts(c: Ctx) -> dict[str, Any]:
    """A page of accounts (100), found by ``q`` (id, name or code) and ``status``."""
    query = {k: c.param(k) for k in ("q", "status", "cursor") if c.param(k)}
    got = await c.get("/registry/accounts", limit=100, **query)
    if not got.ok:
        return problem(got)
    rows = got.rows
    applied = [a for a in rows if a.get("status") == "applied"]
    cursor = got.data.get("next_cursor")
    following = urlencode({**{k: v for k, v in query.items() if k != "cursor"}, "cursor": cursor})
    return {
        "rows": rows,
        "applied": applied,
        "count": got.data.get("count", len(rows)),
        "next_cursor": cursor,
        "next_query": following,
    }


async def account_query(c: Ctx) -> dict[str, Any]:
    """The account page's search, kept in the form."""
    return {"q": c.param("q"), "status": c.param("status")}


async def registry_totals(c: Ctx) -> dict[str, Any]:
    got = await c.get("/registry/report", limit=1)
    if not got.ok:
        return problem(got)
    return {"totals": got.data.get("totals", [])}


async def frozen(c: Ctx) -> dict[str, Any]:
    got = await c.get("/registry/report", limit=100_000)
    if not got.ok:
        return problem(got)
    return {"rows": [r for r in got.rows if r.get("frozen")]}


async def requests(c: Ctx) -> dict[str, Any]:
    got = await c.get("/registry/requests")
    if not got.ok:
        return problem(got)
    return {"rows": got.rows, "me": c.viewer.username}


async def instruments_admin(c: Ctx) -> dict[str, Any]:
    (got, rows), sched = await asyncio.gather(instruments(c), c.get("/instruments/vintages"))
    if not got.ok:
        return problem(got)
    return {"rows": rows, "schedule": sched.data if sched.ok else None}


async def clock(c: Ctx) -> dict[str, Any]:
    got = await c.get("/ops/clock")
    return {"clock": got.data} if got.ok else problem(got)


async def trading_day(c: Ctx) -> dict[str, Any]:
    status, health = await asyncio.gather(c.get("/ops/status"), c.get("/health"))
    if not status.ok:
        return problem(status)
    return {"status": status.data, "health": health.data if health.ok else None}


def _summary_row(r: dict[str, Any]) -> dict[str, Any]:
    """A report row for the page; no entities have no rate (a dash, not 100.00%)."""
    entities = int(r.get("entities") or 0)
    return {
        "entities": entities,
        "obligation": int(r.get("obligation_t") or 0),
        "surrendered": int(r.get("surrendered_t") or 0),
        "shortfall": int(r.get("shortfall_t") or 0),
        "rate": (str(r.get("rate") or "").rstrip("%") or None) if entities else None,
        "status": {k: int(r.get(k) or 0) for k in ("compliant", "late", "shortfall") if r.get(k)},
    }


async def provinces(c: Ctx) -> dict[str, Any]:
    """Compliance by province: the regulator's report, or (for verifiers and operators, who
    may not read it) the obligations summed by province."""
    year = c.param("year")
    if c.viewer.role == "regulator":
        got = await c.get("/compliance/report", year=year)
        if not got.ok:
            return problem(got)
        rows = [(str(r.get("scope")), _summary_row(r)) for r in got.data.get("provinces", [])]
        rows.sort(key=lambda kv: -kv[1]["obligation"])
        national = _summary_row(got.data.get("national", {}))
        return {"rows": rows, "national": national, "entities": national["entities"]}
    got = await c.get("/compliance/obligations", year=year)
    if not got.ok:
        return problem(got)
    by: dict[str, dict[str, Any]] = {}
    for r in got.rows:
        p = by.setdefault(
            str(r.get("province", "")),
            {"entities": 0, "obligation": 0, "surrendered": 0, "shortfall": 0, "status": {}},
        )
        p["entities"] += 1
        p["obligation"] += int(r.get("obligation_t") or 0)
        p["surrendered"] += int(r.get("surrendered_t") or 0)
        p["shortfall"] += int(r.get("shortfall_t") or 0)
        st = str(r.get("status", "pending"))
        p["status"][st] = p["status"].get(st, 0) + 1
    out = sorted(by.items(), key=lambda kv: -kv[1]["obligation"])
    for _, p in out:
        p["rate"] = f"{100 * p['surrendered'] / p['obligation']:.2f}" if p["obligation"] else None
    return {"rows": out, "national": None, "entities": len(got.rows)}


async def alerts(c: Ctx) -> dict[str, Any]:
    got = await c.get("/supervision/alerts")
    if not got.ok:
        return problem(got)
    cases = await c.get("/supervision/cases")
    return {"rows": got.rows, "cases": cases.rows if cases.ok else None}


async def bank_reports(c: Ctx) -> dict[str, Any]:
    """The settlement bank's reports, newest first (``?bank_ref=`` one reference's)."""
    ref = c.param("bank_ref")
    got = await c.get("/bank/reports", bank_ref=ref)
    return {"rows": got.rows, "bank_ref": ref} if got.ok else problem(got)


async def report_date(c: Ctx) -> dict[str, Any]:
    """The report's day: ``?date=``, else the last closed trading day (else today)."""
    d = c.param("date")
    if len(d) == 10:
        return {"date": d}
    inst = await c.get("/instruments")
    days: list[str] = []
    for code in [str(x.get("code")) for x in inst.rows][:3]:
        bars = await c.get(f"/market/{code}/bars", limit=5)
        days += [str(b.get("day")) for b in bars.rows if b.get("final")]
    if days:
        return {"date": max(days)}
    clk = await c.get("/ops/clock")
    return {"date": str(clk.data["now"])[:10] if clk.ok else ""}


async def daily_report(c: Ctx) -> dict[str, Any]:
    d = c.param("date")
    if not d:
        d = (await report_date(c))["date"]
    got = await c.get("/reports/daily", date=d, lang=c.lang)
    if not got.ok:
        return problem(got)
    return {"report": got.data, "date": d}


async def dashboard(c: Ctx) -> dict[str, Any]:
    _, rows = await instruments(c)
    return {"codes": [str(r["code"]) for r in rows], **(await report_date(c))}


async def users(c: Ctx) -> dict[str, Any]:
    """Every login with its status; the pending ones first (what waits for a second person)."""
    got = await c.get("/users")
    if not got.ok:
        return problem(got)
    rows = sorted(
        got.rows,
        key=lambda u: (
            u["status"] != "pending_approval" and not u.get("pending_enable"),
            u["username"],
        ),
    )
    return {"rows": rows, "me": c.viewer.username}
