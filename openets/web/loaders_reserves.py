"""The regulator's page of the market stability mechanisms: the reserve's rules and state (the
band reserve's count, the price containment tiers and what they sold, the reserve account's
holdings), every action in order, and the form that applies a rule."""

from __future__ import annotations

from typing import Any

from openets.web import i18n
from openets.web.context import Ctx
from openets.web.loaders_account import problem
from openets.web.reserve_rules import rule_rows

RULES_OF = {
    "msr": ("msr", "msr_invalidation"),
    "band": ("band",),
    "price_containment": ("pcr",),
}
"""The mechanisms the regulator applies by hand (containment acts at a government sale's close)."""


def mechanisms(rows: list[dict[str, Any]]) -> list[str]:
    """The names of the market's mechanisms that are on (a field of theirs is listed)."""
    on = []
    for r in rows:
        parts = str(r.get("name", "")).split(".")
        if len(parts) >= 3 and parts[1] not in on:
            on.append(parts[1])
    return on


async def reserves(c: Ctx) -> dict[str, Any]:
    got = await c.get("/supervision/reserves")
    if not got.ok:
        return problem(got)
    d = dict(got.data)
    d["mechanisms"] = mechanisms(d.get("rules", []))
    if "msr" in d["mechanisms"]:
        d["msr"] = msr_status(d.get("rules", []), d.get("actions", []))
    d["actions"] = list(reversed(d.get("actions", [])))  # the latest first
    d["rule_rows"] = rule_rows(d.get("rules", []), i18n.translator(c.lang))
    return d


def msr_status(rules: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The MSR's TNAC thresholds and its last decision (intake, release or none)."""
    value = {str(r["name"]).removeprefix("reserves.msr."): r.get("value") for r in rules}
    last = next((a for a in reversed(actions) if a.get("rule") == "msr"), None)
    return {
        "upper": value.get("upper_threshold"),
        "lower": value.get("lower_threshold"),
        "ceiling": value.get("buffer_ceiling"),
        "release": value.get("release"),
        "last": last,
    }


async def params(c: Ctx) -> dict[str, Any]:
    """The apply form's choices: the rules the market has, its instruments and products."""
    got = await c.get("/supervision/reserves")
    on = mechanisms(got.data.get("rules", [])) if got.ok else []
    insts = await c.get("/instruments")
    return {
        "rules": [r for m in on for r in RULES_OF.get(m, ())],
        "codes": [str(r.get("code")) for r in insts.rows],
        "products": sorted({str(r.get("product")) for r in insts.rows}),
    }
