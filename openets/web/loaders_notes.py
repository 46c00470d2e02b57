"""Notifications in the page: the bell in the header and the list, worded in the reader's
language from each notification's kind and figures."""

from __future__ import annotations

from typing import Any

from openets.web import errors, fmt, i18n
from openets.web.context import Ctx
from openets.web.loaders_account import problem

ENUM_PARAMS = {
    "side": "side.",
    "method": "method.",
    "status": "status.",
    "severity": "severity.",
    "detector": "detector.",
    "tx_type": "note.tx.",
    "request_kind": "note.request.",
    "step_kind": "step.kind.",
}


def words(lang: str, n: dict[str, Any]) -> str:
    """One notification in ``lang``: enum values translated, figures formatted."""
    t = i18n.translator(lang)
    params: dict[str, Any] = {}
    for k, v in (n.get("params") or {}).items():
        if k in ENUM_PARAMS:
            params[k] = t(ENUM_PARAMS[k] + str(v), default=str(v))
        elif k in ("price", "amount", "fine"):
            params[k] = fmt.fmt_price(v)
        elif isinstance(v, bool):
            params[k] = t("yes" if v else "no")
        elif isinstance(v, int) and k not in ("days_left", "hours_left"):
            params[k] = fmt.fmt_qty(v)
        elif k == "reason":
            params[k] = t("auction.cancel_reason." + str(v), default=str(v) or "—")
        else:
            params[k] = v
    raw = n.get("params") or {}
    if n.get("kind") == "alert" and not raw.get("instrument") and "accounts" in raw:
        accounts = [a for a in str(raw["accounts"]).split(", ") if a]
        about = {**raw, "accounts": accounts}
        params["instrument"] = errors.about(about, t)
    if n.get("kind") == "risk_warning" and not raw.get("instrument"):
        params["instrument"] = t("note.whole_market")  # a warning on the whole market
    if n.get("kind") == "approval_decided":
        params["decision"] = t("note.approved" if n["params"].get("approved") else "note.rejected")
    return t("note." + str(n.get("kind")), default=str(n.get("text", "")), **params)


async def bell(c: Ctx) -> dict[str, Any]:
    got = await c.get("/notifications", limit=8)
    if not got.ok:
        return problem(got)
    rows = [{**n, "words": words(c.lang, n)} for n in got.rows]
    return {"rows": rows, "unread": got.data.get("unread", 0), "count": got.data.get("count", 0)}


async def notes(c: Ctx) -> dict[str, Any]:
    unread = c.param("unread") == "true"
    got = await c.get("/notifications", limit=500, unread="true" if unread else None)
    if not got.ok:
        return problem(got)
    rows = [{**n, "words": words(c.lang, n)} for n in got.rows]
    return {"rows": rows, "unread": got.data.get("unread", 0), "count": got.data.get("count", 0)}
