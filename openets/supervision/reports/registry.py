"""The public registry report: holdings, allocation and surrender by account holder, and the
compliance status (from the sources the caller passes in).

Built from plain values the caller reads off the registry state (accounts, holdings, ledger
transactions) and the supervision state's allocation tally; individuals' names are masked.

The compliance section: :func:`compliance_lines` over the sources it is given, each
``fn(market_state) -> Iterable[ComplianceLine]`` (the market's are
:data:`openets.composition.COMPLIANCE_SOURCES`). Without a source the section says so. The
module keeps no state: what a report shows is decided by its caller's arguments alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from openets.supervision.reports import fmt

if TYPE_CHECKING:
    from openets.market import MarketState


class AccountLike(Protocol):
    @property
    def account_id(self) -> str: ...
    @property
    def subject_type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def province(self) -> str: ...
    @property
    def system_role(self) -> object: ...


class TxLike(Protocol):
    @property
    def tx_type(self) -> str: ...
    @property
    def postings(self) -> Sequence[Any]: ...
    @property
    def ref(self) -> str: ...


@dataclass(frozen=True, slots=True)
class HolderRow:
    account_id: str
    holder: str
    subject_type: str
    province: str
    holdings: tuple[tuple[str, int], ...]
    allocated: tuple[tuple[str, int], ...]
    surrendered: tuple[tuple[str, int], ...]
    """(compliance year, tonnes)."""


@dataclass(frozen=True, slots=True)
class ComplianceLine:
    """One entity's compliance for one year, as the compliance context reports it."""

    account_id: str
    year: int
    obligation_t: int
    surrendered_t: int
    status: str
    """compliant | late | shortfall (or the source's own words)."""


ComplianceSource = Callable[["MarketState"], Iterable[ComplianceLine]]
"""A source of the report's compliance section: its lines from the market's state."""


def compliance_lines(
    state: MarketState, sources: Sequence[ComplianceSource]
) -> tuple[ComplianceLine, ...] | None:
    """Every source's lines, by year and account, or None when there is no source."""
    if not sources:
        return None
    out: list[ComplianceLine] = []
    for fn in sources:
        out += fn(state)
    return tuple(sorted(out, key=lambda c: (c.year, c.account_id)))


@dataclass(frozen=True, slots=True)
class RegistryReport:
    as_of: str
    holders: tuple[HolderRow, ...]
    compliance: tuple[ComplianceLine, ...] | None


def mask(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


def registry_report(
    as_of: str,
    accounts: Iterable[AccountLike],
    holdings: Mapping[tuple[str, str], Sequence[int]],
    transactions: Iterable[TxLike],
    allocations: Mapping[tuple[str, str], int],
    compliance: tuple[ComplianceLine, ...] | None = None,
) -> RegistryReport:
    """Participant accounts with what they hold, were allocated and surrendered."""
    held: dict[str, dict[str, int]] = {}
    for (acct, prod), b in holdings.items():
        if sum(b):
            held.setdefault(acct, {})[prod] = sum(b)
    given: dict[str, dict[str, int]] = {}
    for (acct, prod), q in allocations.items():
        if q:
            given.setdefault(acct, {})[prod] = q
    surrendered: dict[str, dict[str, int]] = {}
    for tx in transactions:
        if str(tx.tx_type) != "surrender":
            continue
        for p in tx.postings:
            if p.delta < 0:
                per = surrendered.setdefault(p.account_id, {})
                per[tx.ref] = per.get(tx.ref, 0) - p.delta
    rows = []
    for a in sorted(accounts, key=lambda a: a.account_id):
        if a.system_role is not None:
            continue
        kind = str(a.subject_type)
        rows.append(
            HolderRow(
                a.account_id,
                mask(a.name) if kind == "individual" else a.name,
                kind,
                a.province,
                tuple(sorted(held.get(a.account_id, {}).items())),
                tuple(sorted(given.get(a.account_id, {}).items())),
                tuple(sorted(surrendered.get(a.account_id, {}).items())),
            )
        )
    return RegistryReport(as_of, tuple(rows), compliance)


def _pairs(items: tuple[tuple[str, int], ...]) -> str:
    return "; ".join(f"{k} {v}" for k, v in items)


HEADER = {
    "en": ["account_id", "holder", "type", "province", "holdings", "allocated", "surrendered"],
    "zh": ["账户", "持有人", "类型", "省份", "持有量", "分配量", "清缴量"],
}
COMPLIANCE_HEADER = {
    "en": ["account_id", "year", "obligation_t", "surrendered_t", "status"],
    "zh": ["账户", "年度", "应清缴量", "已清缴量", "状态"],
}


SUBJECT_NAMES = {"entity": "重点排放单位", "institution": "机构", "individual": "个人"}


def _rows(r: RegistryReport, lang: str = "en") -> list[list[str]]:
    return [
        [
            h.account_id,
            h.holder,
            SUBJECT_NAMES.get(h.subject_type, h.subject_type) if lang == "zh" else h.subject_type,
            h.province,
            _pairs(h.holdings),
            _pairs(h.allocated),
            _pairs(h.surrendered),
        ]
        for h in r.holders
    ]


def _crows(r: RegistryReport) -> list[list[str]]:
    return [
        [c.account_id, str(c.year), str(c.obligation_t), str(c.surrendered_t), c.status]
        for c in r.compliance or ()
    ]


def render_registry(r: RegistryReport, form: str = "md", lang: str = "zh") -> str:
    fmt.check(form, lang)
    if form == "json":
        doc = {
            "as_of": r.as_of,
            "holders": [
                {
                    "account_id": h.account_id,
                    "holder": h.holder,
                    "type": h.subject_type,
                    "province": h.province,
                    "holdings": dict(h.holdings),
                    "allocated": dict(h.allocated),
                    "surrendered": dict(h.surrendered),
                }
                for h in r.holders
            ],
            "compliance": None
            if r.compliance is None
            else [dict(zip(COMPLIANCE_HEADER["en"], row, strict=True)) for row in _crows(r)],
        }
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"
    if form == "csv":
        return fmt.csv_text(HEADER[lang], _rows(r))
    zh = lang == "zh"
    parts = [
        f"# {'全国碳排放权注册登记公开报告' if zh else 'Public registry report'} {r.as_of}",
        fmt.md_table(HEADER[lang], _rows(r, lang)),
        f"## {'履约情况' if zh else 'Compliance'}",
    ]
    if r.compliance is None:
        parts.append("尚无履约数据来源。" if zh else "No compliance source is registered.")
    else:
        parts.append(fmt.md_table(COMPLIANCE_HEADER[lang], _crows(r)))
    return "\n\n".join(parts) + "\n"
