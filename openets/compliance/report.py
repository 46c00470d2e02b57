"""Compliance reports: per entity, per province and national, as CSV or JSON text.

The compliance rate is by quantity, as the regulator publishes it (reference §8.4):
Σ min(surrendered, obligation) / Σ obligation, in basis points rounded half-up (an obligation
of zero counts as fully met). Status per entity: ``compliant`` (all surrendered by the
deadline), ``late`` (all, some after it) or ``shortfall`` (not all yet).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from openets.compliance.obligations import Position, Status
from openets.compliance.state import ComplianceState
from openets.domain.cells import safe_cell
from openets.domain.money import round_half_up_div

ENTITY_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "province",
    "year",
    "obligation_t",
    "surrendered_t",
    "ccer_t",
    "shortfall_t",
    "rate",
    "status",
)


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals over a group of entities (a province, or the nation)."""

    scope: str
    year: int
    entities: int
    obligation_t: int
    surrendered_t: int
    met_t: int
    """Σ min(surrendered, obligation): what counts towards the rate."""
    shortfall_t: int
    compliant: int
    late: int
    shortfall: int

    @property
    def rate_bps(self) -> int:
        return rate_bps(self.met_t, self.obligation_t)


def rate_bps(met_t: int, obligation_t: int) -> int:
    """Share met in basis points, rounded half-up; an obligation of 0 is fully met."""
    if obligation_t == 0:
        return 10_000
    return round_half_up_div(met_t * 10_000, obligation_t)


def format_rate(bps: int) -> str:
    """10000 → ``"100.00"`` (percent with two places)."""
    return f"{bps // 100}.{bps % 100:02d}"


def positions(state: ComplianceState, year: int) -> tuple[Position, ...]:
    """Every entity with a determined obligation for ``year``, by entity id."""
    out = []
    for entity_id, y in sorted(state.years):
        if y == year:
            p = state.position(entity_id, year)
            if p is not None:
                out.append(p)
    return tuple(out)


def summarise(scope: str, year: int, items: Iterable[Position]) -> Summary:
    n = obligation = surrendered = met = short = 0
    counts = dict.fromkeys(Status, 0)
    for p in items:
        n += 1
        obligation += p.obligation_t
        surrendered += p.surrendered_t
        met += min(p.surrendered_t, p.obligation_t)
        short += p.shortfall_t
        counts[p.status] += 1
    return Summary(
        scope,
        year,
        n,
        obligation,
        surrendered,
        met,
        short,
        counts[Status.COMPLIANT],
        counts[Status.LATE],
        counts[Status.SHORTFALL],
    )


def by_province(year: int, items: Iterable[Position]) -> tuple[Summary, ...]:
    groups: dict[str, list[Position]] = {}
    for p in items:
        groups.setdefault(p.province, []).append(p)
    return tuple(summarise(prov, year, groups[prov]) for prov in sorted(groups))


def entity_rows(items: Iterable[Position]) -> list[dict[str, str | int]]:
    return [
        {
            "entity_id": p.entity_id,
            "province": p.province,
            "year": p.year,
            "obligation_t": p.obligation_t,
            "surrendered_t": p.surrendered_t,
            "ccer_t": p.ccer_t,
            "shortfall_t": p.shortfall_t,
            "rate": format_rate(rate_bps(min(p.surrendered_t, p.obligation_t), p.obligation_t)),
            "status": p.status.value,
        }
        for p in items
    ]


def _summary_dict(s: Summary) -> dict[str, str | int]:
    return {
        "scope": s.scope,
        "year": s.year,
        "entities": s.entities,
        "obligation_t": s.obligation_t,
        "surrendered_t": s.surrendered_t,
        "shortfall_t": s.shortfall_t,
        "rate": format_rate(s.rate_bps),
        "compliant": s.compliant,
        "late": s.late,
        "shortfall": s.shortfall,
    }


def entities_csv(items: Iterable[Position]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in entity_rows(items))
    return out.getvalue()


def summaries_csv(summaries: Iterable[Summary]) -> str:
    rows = [_summary_dict(s) for s in summaries]
    out = io.StringIO()
    fields = list(_summary_dict(Summary("", 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)
    return out.getvalue()


def report_json(year: int, items: Iterable[Position]) -> str:
    """The whole report: national summary, provinces and entities, as stable JSON text."""
    ps = tuple(items)
    doc = {
        "year": year,
        "national": _summary_dict(summarise("national", year, ps)),
        "provinces": [_summary_dict(s) for s in by_province(year, ps)],
        "entities": entity_rows(ps),
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
