"""The compliance cycle's screens: the entity's installations, reports, allocation and status;
the verifier's queue; the regulator's approvals, allocation runs and milestones; the registry's
pledges."""

from __future__ import annotations

import asyncio
from typing import Any

from openets.web.context import Ctx
from openets.web.loaders_account import problem

RATIO_FIELDS = ("heat_ratio", "load_factor")


async def my_cycle(c: Ctx) -> dict[str, Any]:
    """The entity's registration, its reports, the year's allocation and where it stands."""
    year = c.param("year")
    ents, reports, allocs, status = await asyncio.gather(
        c.get("/compliance/entities"),
        c.get("/compliance/reports"),
        c.get("/compliance/allocations", year=year),
        c.get("/compliance/status", year=year),
    )
    if not ents.ok:
        return problem(ents)
    entity = ents.rows[0] if ents.rows else None
    this_year = [r for r in reports.rows if str(r.get("year")) == year] if reports.ok else []
    return {
        "entity": entity,
        "reports": reports.rows if reports.ok else [],
        "reported": bool(this_year),
        "allocation": allocs.rows[0] if allocs.ok and allocs.rows else None,
        "status": status.data if status.ok else None,
    }


async def entities(c: Ctx) -> dict[str, Any]:
    got = await c.get("/compliance/entities")
    return {"rows": got.rows} if got.ok else problem(got)


async def verify_queue(c: Ctx) -> dict[str, Any]:
    got = await c.get("/compliance/reports", status="submitted")
    return {"rows": got.rows} if got.ok else problem(got)


async def approval_queue(c: Ctx) -> dict[str, Any]:
    got = await c.get("/compliance/reports", status="verified")
    return {"rows": got.rows, "me": c.viewer.username} if got.ok else problem(got)


async def runs(c: Ctx) -> dict[str, Any]:
    got = await c.get("/compliance/runs")
    return {"rows": got.rows} if got.ok else problem(got)


async def milestones(c: Ctx) -> dict[str, Any]:
    got = await c.get("/compliance/status", year=c.param("year"))
    if not got.ok:
        return problem(got)
    return {"status": got.data, "rows": got.data.get("milestones", [])}


async def pledges(c: Ctx) -> dict[str, Any]:
    got = await c.get("/finance/pledges")
    return {"rows": got.rows} if got.ok else problem(got)


async def calendar(c: Ctx) -> dict[str, Any]:
    """The plan's dated steps for the year, with the time left and what concerns the viewer."""
    got = await c.get("/compliance/calendar", year=c.param("year"))
    if not got.ok:
        return problem(got)
    steps = got.data.get("steps", [])
    nxt = next((s for s in steps if s.get("key") == got.data.get("next_step")), None)
    return {"cal": got.data, "next": nxt}


CARRY_ROWS = 50


async def carry_over(c: Ctx) -> dict[str, Any]:
    """What each visible entity may carry over past 2024 (the largest excess first)."""
    got = await c.get("/compliance/carry-over", year=2024)
    if not got.ok:
        return problem(got)
    rows = sorted(got.rows, key=lambda r: (-int(r.get("not_carried_t", 0)), r.get("entity_id")))
    return {
        "rows": rows[:CARRY_ROWS],
        "more": max(0, len(rows) - CARRY_ROWS),
        "can_apply": c.viewer.role == "regulator",
    }
