"""The reserve's rules as a regulator reads them: each parameter named in the page's language and
its value in yuan, tonnes, percent or years, never a field path or raw JSON (the API keeps both)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from openets.web.fmt import fmt_pct, fmt_price

YUAN = ("low", "high", "ccr", "ecr")
"""Parameters in fen (a price, or a trigger whose base price is in fen)."""
TONNES = (
    "quantity", "upper_threshold", "lower_threshold", "buffer_ceiling", "release",
    "invalidation_floor", "ccr_quantity", "ecr_quantity", "lot",
)  # fmt: skip
TRIGGER = re.compile(r"Trigger\(base_price=(\d+), base_year=(\d+), rise_bps=(\d+)\)")


def _yuan(fen: int) -> str:
    return fmt_price(Decimal(fen) / 100)


def _pct(bps: int) -> str:
    return fmt_pct(Decimal(bps) / 100, sign=False)


def shown(leaf: str, value: Any, t: Any) -> str:
    """``value`` of the parameter ``leaf`` (the last part of its name) in the page's words."""
    sep = str(t("list.sep"))
    if value is None or value == "none":
        return str(t("reserves.off"))
    if isinstance(value, bool):
        return str(t("yes" if value else "no"))
    if isinstance(value, str) and (m := TRIGGER.fullmatch(value)):
        price, year, rise = (int(x) for x in m.groups())
        return str(t("rparam.trigger", price=_yuan(price), year=year, rise=_pct(rise)))
    if leaf == "intake_rates" and isinstance(value, list):
        return sep.join(str(t("rparam.rate_from", year=y, rate=_pct(r))) for y, r in value)
    if leaf == "tiers" and isinstance(value, list):
        return sep.join(str(t("rparam.tier", price=_yuan(p), qty=f"{q:,}")) for p, q in value)
    if isinstance(value, int):
        if leaf in YUAN:
            return f"{_yuan(value)} {t('unit.yuan')}"
        if leaf in TONNES:
            return f"{value:,} {t('unit.tonnes')}"
        if leaf == "days":
            return str(t("rparam.days", n=value))
        return str(value)  # a year
    return str(value)


def rule_rows(rules: list[dict[str, Any]], t: Any) -> list[dict[str, Any]]:
    """The rules table: the name (kept for the page's data attribute), its label and value."""
    rows = []
    for r in rules:
        name = str(r.get("name", ""))
        key = name.removeprefix("reserves.")
        leaf = key.rsplit(".", 1)[-1]
        rows.append({
            "name": name,
            "label": t(f"rparam.{key}", default=key),
            "shown": shown(leaf, r.get("value"), t),
            "unconfirmed": bool(r.get("unconfirmed")),
        })  # fmt: skip
    return rows
