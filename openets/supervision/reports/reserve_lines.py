"""The day's stability-reserve actions in the daily market report (市场调节（储备操作）).

Read from the journal like the rest of the report: every ``ReserveRuleApplied`` of the day
(its ``day``; in a journal from before that field, the trading day open when it was journaled)
except the decisions to do nothing (``none``). Each is one line: the mechanism (``band``,
``pcr``, ``ecr``, ``ccr``, ``msr``, ``msr_invalidation``), the action, the tonnes, the price
where one applies and the reference (the one-way bidding's auction id, else the registry's
transaction id):

* a band release or buy-back, a price containment tier sale: the one-way bidding's reserve
  price (its ``AuctionAnnounced``), the tonnes put on offer (a buy-back: the tonnes sought);
* an emissions containment withholding, a cost containment addition: the auction's clearing
  price (its ``AuctionResultPublished``), the tonnes withheld or added;
* an MSR intake, release or invalidation, a sale's unsold tonnes returned to the reserve: no
  price, the tonnes moved;
* an operation decided but refused (the end of day's band step): no tonnes, the refusal as its
  note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openets.domain.money import format_yuan
from openets.supervision.reports import fmt

TYPES = frozenset({"ReserveRuleApplied", "AuctionAnnounced", "AuctionResultPublished"})
PRICED = frozenset({"band", "pcr"})
CLEARED = frozenset({"ecr", "ccr"})

MECHANISMS = {
    "zh": {
        "band": "价格区间储备",
        "pcr": "价格控制储备",
        "ecr": "排放控制储备",
        "ccr": "成本控制储备",
        "msr": "市场稳定储备",
        "msr_invalidation": "市场稳定储备（作废）",
    },
    "en": {
        "band": "band reserve",
        "pcr": "price containment reserve",
        "ecr": "emissions containment reserve",
        "ccr": "cost containment reserve",
        "msr": "market stability reserve",
        "msr_invalidation": "market stability reserve (invalidation)",
    },
}
ACTIONS = {
    "zh": {
        "release": "投放（单向竞价）",
        "buy_back": "回购（单向竞价）",
        "tier": "分档固定价格发售",
        "returned": "未售出，退回储备",
        "withheld": "扣留",
        "released": "追加投放",
        "intake": "吸纳",
        "buffer": "吸纳（超出上限部分）",
        "invalidation": "作废注销",
    },
    "en": {
        "release": "release (one-way bidding)",
        "buy_back": "buy-back (one-way bidding)",
        "tier": "tier sale at a fixed price",
        "returned": "unsold, back to the reserve",
        "withheld": "withheld",
        "released": "released into the auction",
        "intake": "intake",
        "buffer": "intake (above the threshold)",
        "invalidation": "invalidation",
    },
}
MSR_RELEASE = {"zh": "投放（回到拍卖）", "en": "release (back for auction)"}
"""An MSR release is a transfer back for auction, not a one-way bidding."""

SECTION = {"zh": "市场调节（储备操作）", "en": "Reserve actions"}
REFUSED = {"zh": "未能执行", "en": "not carried out"}
MD_HEADER = {
    "zh": ["机制", "操作", "产品", "数量（吨）", "价格（元/吨）", "竞价/交易编号", "说明"],
    "en": [
        "Mechanism",
        "Action",
        "Instrument",
        "Quantity (t)",
        "Price (CNY/t)",
        "Reference",
        "Note",
    ],
}
CSV_HEADER = {
    "en": [
        "reserve_mechanism",
        "reserve_action",
        "reserve_quantity_t",
        "reserve_price",
        "reserve_reference",
        "reserve_note",
    ],
    "zh": ["储备机制", "储备操作", "储备数量", "储备价格", "储备操作编号", "储备说明"],
}


@dataclass(frozen=True, slots=True)
class ReserveLine:
    """One stability-reserve action of a day."""

    day: str
    mechanism: str
    action: str
    product: str
    instrument: str
    quantity: int
    price: int | None
    auction_id: str
    tx_id: str
    note: str

    @property
    def reference(self) -> str:
        return self.auction_id or self.tx_id

    @property
    def where(self) -> str:
        """The instrument of its one-way bidding or auction, else the product."""
        return self.instrument or self.product


@dataclass(slots=True)
class _Applied:
    day: str
    d: dict[str, Any]


class ReserveReader:
    """Collects the reserve actions from journal payloads, in journal order."""

    def __init__(self) -> None:
        self._applied: list[_Applied] = []
        self._announced: dict[str, tuple[str, int | None]] = {}
        self._cleared: dict[str, int | None] = {}

    def add(self, typ: str, d: dict[str, Any], current: str) -> None:
        if typ == "AuctionAnnounced":
            spec = d["spec"]
            self._announced[spec["auction_id"]] = (spec["instrument"], spec["reserve_price"])
        elif typ == "AuctionResultPublished":
            s = d["summary"]
            self._cleared[s["auction_id"]] = s["clearing_price"]
        elif typ == "ReserveRuleApplied" and d["decision"] != "none":
            self._applied.append(_Applied(d.get("day") or current, d))

    def by_day(self) -> dict[str, list[ReserveLine]]:
        out: dict[str, list[ReserveLine]] = {}
        for a in self._applied:
            line = self._line(a.day, a.d)
            if line.day:
                out.setdefault(line.day, []).append(line)
        return out

    def _line(self, day: str, d: dict[str, Any]) -> ReserveLine:
        rule, decision, aid = d["rule"], d["decision"], d["auction_id"]
        action = "tier" if decision.startswith("tier") else decision
        instrument, reserve_price = self._announced.get(aid, ("", None))
        price: int | None = None
        if rule in PRICED and action != "returned":
            price = reserve_price
        elif rule in CLEARED:
            price = self._cleared.get(aid)
        qty = d["decided"] if action == "buy_back" else d["moved"]
        return ReserveLine(
            day, rule, action, d["product"], instrument, qty, price, aid, d["tx_id"],
            d.get("note", ""),
        )  # fmt: skip


def _name(table: dict[str, dict[str, str]], lang: str, code: str) -> str:
    return table[lang].get(code, code)


def _action(x: ReserveLine, lang: str) -> str:
    if x.mechanism == "msr" and x.action == "release":
        return MSR_RELEASE[lang]
    return _name(ACTIONS, lang, x.action)


def _note(x: ReserveLine, lang: str) -> str:
    """A refusal (``refused: CODE: message``): zh 未能执行（CODE）, en not carried out: message."""
    if not x.note:
        return ""
    code, _, message = x.note.removeprefix("refused: ").partition(": ")
    if lang == "zh":
        return f"{REFUSED['zh']}（{code}）"
    return f"{REFUSED['en']}: {message or code}"


def reserve_json(lines: tuple[ReserveLine, ...], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "mechanism": x.mechanism,
            "mechanism_name": _name(MECHANISMS, lang, x.mechanism),
            "action": x.action,
            "action_name": _action(x, lang),
            "product": x.product,
            "instrument": x.instrument or None,
            "quantity_t": x.quantity,
            "price": None if x.price is None else format_yuan(x.price),
            "reference": x.reference,
            "auction_id": x.auction_id or None,
            "tx_id": x.tx_id or None,
            "note": _note(x, lang) or None,
        }
        for x in lines
    ]


def reserve_md(lines: tuple[ReserveLine, ...], lang: str) -> str:
    """The report's section (empty on a day without a reserve action)."""
    if not lines:
        return ""
    rows = [
        [
            _name(MECHANISMS, lang, x.mechanism),
            _action(x, lang),
            x.where,
            fmt.tonnes(x.quantity),
            "—" if x.price is None else fmt.yuan(x.price),
            x.reference or "—",
            _note(x, lang) or "—",
        ]
        for x in lines
    ]
    return f"## {SECTION[lang]}\n\n{fmt.md_table(MD_HEADER[lang], rows)}"


def reserve_csv_cells(x: ReserveLine, lang: str) -> list[object]:
    price = "" if x.price is None else format_yuan(x.price)
    return [x.mechanism, x.action, x.quantity, price, x.reference, _note(x, lang)]
