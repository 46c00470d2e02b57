"""Notifications (通知): what a user should hear of without looking — fills (成交回报), expired
listings, block offers addressed to the account, auctions called off, approvals and
rejections, four-eyes requests waiting, account restrictions and warnings, large-holder
reports due, surveillance alerts, funds and allowances arriving, obligations and penalties.

:class:`NotificationCenter` is a read model beside the engine (like the trade log): each
accepted event becomes zero or more :class:`Note` for an account (its users), a role (every
user of it but the one who acted) or one user. Notes made while the server runs come from the
engine's subscriber; older ones are derived from the journal once, the first time someone asks.
Listeners (the private WebSocket feed, the mailer) hear of each new note. Read marks live in
memory per user. Each recipient (an account, a role, a user) keeps its newest :data:`KEEP`
notes. A note carries a ``kind`` and its ``params``; pages word it in the reader's language
(:mod:`openets.web.i18n_more`), :func:`openets.api.notify_english.english` words it for API
users and e-mail.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openets.api.auth import Principal
from openets.clearing.funds import FundsPosted
from openets.compliance.cycle_messages import ObligationDetermined, PenaltyAssessed
from openets.compliance.mrv import (
    EntityRegistered,
    ReportApproved,
    ReportSubmitted,
    ReportVerified,
)
from openets.domain.clock import from_utc_micros
from openets.engine import codec
from openets.engine.journal import Journal, Record
from openets.registry.events import (
    AccountStatusChanged,
    ApprovalDecided,
    ApprovalRequested,
    LedgerPosted,
)
from openets.registry.model import Bucket, TxType
from openets.supervision.messages import (
    AccountRestrictionSet,
    AlertRaised,
    LargeHolderReportRequired,
    RiskWarningIssued,
)
from openets.trading.auction_messages import (
    AuctionAnnounced,
    AuctionCancelled,
    AuctionResultPublished,
    BidPlaced,
)
from openets.trading.block_messages import BlockQuoted, BlockRequestOpened
from openets.trading.book import Side
from openets.trading.events import ListingCancelled, ListingPosted, TradeExecuted

Params = dict[str, str | int | bool]


@dataclass(frozen=True, slots=True)
class Note:
    note_id: str
    seq: int
    time: str
    kind: str
    params: Params
    account_id: str | None = None
    role: str | None = None
    user: str | None = None
    actor: str = ""
    link: str = ""

    def for_principal(self, p: Principal) -> bool:
        if self.user is not None:
            return p.username == self.user
        if self.account_id is not None:
            return p.account_id == self.account_id
        if self.role is not None:
            return p.role.value == self.role and p.username != self.actor
        return False


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


@dataclass
class Memo:
    """What deriving needs to remember from earlier events (owners and parties)."""

    listings: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """listing id -> (account, instrument, side)"""
    auctions: dict[str, set[str]] = field(default_factory=dict)
    """auction id -> the initiator and the bidders"""
    approvals: dict[str, str] = field(default_factory=dict)
    """four-eyes request id -> the user who asked"""
    entities: dict[str, str] = field(default_factory=dict)
    """entity id -> its account"""


def _side(side: Side | int) -> str:
    return "buy" if side == Side.BUY else "sell"


Emit = Callable[..., None]


def _on_trade_executed(ev: TradeExecuted, memo: Memo, note: Emit) -> None:
    for acct, side in ((ev.buyer, "buy"), (ev.seller, "sell")):
        params: Params = {
            "side": side,
            "instrument": ev.instrument,
            "quantity": ev.quantity,
            "price": yuan(ev.price),
            "method": ev.method,
            "trade_id": ev.trade_id,
        }
        note("fill", params, "/trades", account_id=acct)


def _on_listing_posted(ev: ListingPosted, memo: Memo, note: Emit) -> None:
    memo.listings[ev.listing_id] = (ev.account_id, ev.instrument, _side(ev.side))


def _on_listing_cancelled(ev: ListingCancelled, memo: Memo, note: Emit) -> None:
    owner = memo.listings.pop(ev.listing_id, None)
    if owner is not None and ev.reason == "expired" and ev.remaining:
        acct, inst, side = owner
        p: Params = {
            "listing_id": ev.listing_id,
            "instrument": inst,
            "side": side,
            "remaining": ev.remaining,
        }
        note("listing_expired", p, "/orders", account_id=acct)


def _on_block_request_opened(ev: BlockRequestOpened, memo: Memo, note: Emit) -> None:
    if ev.request.directed_to:
        p = {
            "request_id": ev.request.request_id,
            "instrument": ev.request.instrument,
            "price": yuan(ev.quote.price),
            "quantity": ev.quote.quantity,
        }
        note("block_offer", p, "/block", account_id=ev.request.directed_to)


def _on_block_quoted(ev: BlockQuoted, memo: Memo, note: Emit) -> None:
    if ev.quote.to:
        p = {
            "request_id": ev.request_id,
            "instrument": "",
            "price": yuan(ev.quote.price),
            "quantity": ev.quote.quantity,
        }
        note("block_offer", p, "/block", account_id=ev.quote.to)


def _on_auction_announced(ev: AuctionAnnounced, memo: Memo, note: Emit) -> None:
    memo.auctions[ev.spec.auction_id] = {ev.spec.initiator}


def _on_bid_placed(ev: BidPlaced, memo: Memo, note: Emit) -> None:
    memo.auctions.setdefault(ev.auction_id, set()).add(ev.bid.bidder)


def _on_auction_cancelled(ev: AuctionCancelled, memo: Memo, note: Emit) -> None:
    for acct in sorted(memo.auctions.get(ev.auction_id, ())):
        p = {"auction_id": ev.auction_id, "reason": ev.reason}
        note("auction_cancelled", p, "/auctions", account_id=acct)


def _on_auction_result_published(ev: AuctionResultPublished, memo: Memo, note: Emit) -> None:
    sm = ev.summary
    if sm.cancel_reason is not None:
        for acct in sorted(memo.auctions.get(sm.auction_id, ())):
            p = {"auction_id": sm.auction_id, "reason": sm.cancel_reason.value}
            note("auction_cancelled", p, "/auctions", account_id=acct)


def _on_approval_requested(ev: ApprovalRequested, memo: Memo, note: Emit) -> None:
    memo.approvals[ev.request_id] = ev.initiator
    p = {"request_id": ev.request_id, "request_kind": ev.kind}
    note("approval_waiting", p, "/registry/approvals", role="registry_operator")


def _on_approval_decided(ev: ApprovalDecided, memo: Memo, note: Emit) -> None:
    initiator = memo.approvals.pop(ev.request_id, None)
    if initiator:
        p = {"request_id": ev.request_id, "approved": ev.approved, "reason": ev.reason}
        note("approval_decided", p, "/registry/approvals", user=initiator)


def _on_account_status_changed(ev: AccountStatusChanged, memo: Memo, note: Emit) -> None:
    p = {"status": ev.new.value, "reason": ev.reason}
    note("account_status", p, "/account", account_id=ev.account_id)


def _on_account_restriction_set(ev: AccountRestrictionSet, memo: Memo, note: Emit) -> None:
    p = {"trading": ev.trading, "transfer": ev.transfer, "reason": ev.reason}
    note("restriction", p, "/account", account_id=ev.account_id)


def _on_risk_warning_issued(ev: RiskWarningIssued, memo: Memo, note: Emit) -> None:
    p = {"instrument": ev.instrument, "text": ev.text}
    note("risk_warning", p, "/market", account_id=ev.account_id)


def _on_large_holder_report_required(ev: LargeHolderReportRequired, memo: Memo, note: Emit) -> None:
    p = {"product": ev.product, "position": ev.position, "threshold": ev.threshold}
    note("large_holder", p, "/account", account_id=ev.account_id)


def _on_alert_raised(ev: AlertRaised, memo: Memo, note: Emit) -> None:
    a = ev.alert
    p = {
        "alert_id": ev.alert_id,
        "detector": a.detector,
        "instrument": a.instrument,
        "severity": str(getattr(a.severity, "value", a.severity)),
    }
    if not a.instrument:  # an alert on no instrument: what it is about instead
        p["accounts"] = ", ".join(a.accounts)
        p["subject"] = a.subject
    note("alert", p, "/regulator/alerts", role="regulator")


def _on_funds_posted(ev: FundsPosted, memo: Memo, note: Emit) -> None:
    if ev.tx_type in ("deposit", "withdrawal", "withdrawal_failed"):
        for post in ev.postings:
            if post.delta > 0 or ev.tx_type == "withdrawal":
                p = {"tx_type": ev.tx_type, "amount": yuan(abs(post.delta))}
                note("funds", p, "/account", account_id=post.account_id)
                break


def _on_ledger_posted(ev: LedgerPosted, memo: Memo, note: Emit) -> None:
    if ev.tx_type in (TxType.ISSUANCE, TxType.TRANSFER, TxType.CLAWBACK):
        for post in ev.postings:
            if post.bucket == Bucket.AVAILABLE and post.account_id[:1] != "@":
                p = {
                    "tx_type": ev.tx_type.value,
                    "product": post.product,
                    "quantity": post.delta,
                }
                note("allowances", p, "/account", account_id=post.account_id)


def _on_entity_registered(ev: EntityRegistered, memo: Memo, note: Emit) -> None:
    memo.entities[ev.entity_id] = ev.account_id


def _on_obligation_determined(ev: ObligationDetermined, memo: Memo, note: Emit) -> None:
    acct = memo.entities.get(ev.entity_id)
    if acct:
        p = {"year": ev.year, "obligation": ev.obligation.obligation_t}
        note("obligation", p, "/compliance", account_id=acct)


def _on_penalty_assessed(ev: PenaltyAssessed, memo: Memo, note: Emit) -> None:
    acct = memo.entities.get(ev.entity_id)
    if acct:
        p = {"year": ev.year, "shortfall": ev.shortfall_t, "fine": yuan(ev.fine_fen)}
        note("penalty", p, "/compliance", account_id=acct)


def _on_report_submitted(ev: ReportSubmitted, memo: Memo, note: Emit) -> None:
    p = {"entity_id": ev.entity_id, "year": ev.year}
    note("report_waiting", p, "/verifier", role="verifier")


def _on_report_verified(ev: ReportVerified, memo: Memo, note: Emit) -> None:
    p = {"entity_id": ev.entity_id, "year": ev.year, "adjusted": ev.adjusted}
    note("report_to_approve", p, "/regulator/cycle", role="regulator")
    acct = memo.entities.get(ev.entity_id)
    if acct:
        mine = {"year": ev.year, "adjusted": ev.adjusted, "reason": ev.reason}
        note("report_verified", mine, "/compliance", account_id=acct)


def _on_report_approved(ev: ReportApproved, memo: Memo, note: Emit) -> None:
    acct = memo.entities.get(ev.entity_id)
    if acct:
        p = {"year": ev.year, "emissions": ev.verified_emissions_t}
        note("report_approved", p, "/compliance", account_id=acct)


RULES: dict[type, Callable[[Any, Memo, Emit], None]] = {
    TradeExecuted: _on_trade_executed,
    ListingPosted: _on_listing_posted,
    ListingCancelled: _on_listing_cancelled,
    BlockRequestOpened: _on_block_request_opened,
    BlockQuoted: _on_block_quoted,
    AuctionAnnounced: _on_auction_announced,
    BidPlaced: _on_bid_placed,
    AuctionCancelled: _on_auction_cancelled,
    AuctionResultPublished: _on_auction_result_published,
    ApprovalRequested: _on_approval_requested,
    ApprovalDecided: _on_approval_decided,
    AccountStatusChanged: _on_account_status_changed,
    AccountRestrictionSet: _on_account_restriction_set,
    RiskWarningIssued: _on_risk_warning_issued,
    LargeHolderReportRequired: _on_large_holder_report_required,
    AlertRaised: _on_alert_raised,
    FundsPosted: _on_funds_posted,
    LedgerPosted: _on_ledger_posted,
    EntityRegistered: _on_entity_registered,
    ObligationDetermined: _on_obligation_determined,
    PenaltyAssessed: _on_penalty_assessed,
    ReportSubmitted: _on_report_submitted,
    ReportVerified: _on_report_verified,
    ReportApproved: _on_report_approved,
}


_last_when: tuple[int, str] = (0, "")


def _when(ts: int) -> str:
    """The ISO time of a record (the records of one command share it: worded once)."""
    global _last_when
    last = _last_when
    if last[0] == ts:
        return last[1]
    iso = from_utc_micros(ts).isoformat()
    _last_when = (ts, iso)
    return iso


def derive(r: Record, ev: object, memo: Memo) -> list[Note]:
    """The notes one journaled event makes (and what it teaches ``memo``)."""
    rule = RULES.get(type(ev))
    if rule is None:
        return []
    out: list[Note] = []

    def note(kind: str, params: Params, link: str = "", **to: str | None) -> None:
        n = len(out)
        nid = f"N{r.seq}-{n}"
        out.append(Note(nid, r.seq, _when(r.ts), kind, params, actor=r.actor, link=link, **to))

    rule(ev, memo, note)
    return out


Listener = Callable[[Note], None]


KEEP = 1000
"""Notes kept per recipient (an account, a role or a user): the newest, as many as
``GET /notifications`` lists at most; older ones are forgotten (their events stay in the journal:
fills in the trade history, funds and allowances in the statements)."""

Key = tuple[str, str]


def recipient(n: Note) -> Key | None:
    """Whose a note is: ("user", name), ("account", id) or ("role", value)."""
    if n.user is not None:
        return ("user", n.user)
    if n.account_id is not None:
        return ("account", n.account_id)
    if n.role is not None:
        return ("role", n.role)
    return None


def _order(n: Note) -> tuple[int, int]:
    return n.seq, int(n.note_id.rsplit("-", 1)[1])


class NotificationCenter:
    def __init__(self, journal: Journal, start_seq: int, keep: int = KEEP) -> None:
        self.journal = journal
        self.start_seq = start_seq
        self.keep = keep
        self.memo = Memo()
        self.live: dict[Key, deque[Note]] = {}
        """Notes made while the server runs, the newest ``keep`` per recipient."""
        self.read: dict[str, set[str]] = {}
        self.listeners: list[Listener] = []
        self._past: dict[Key, list[Note]] | None = None
        self._lock: asyncio.Lock | None = None

    def seed(self, memo: Memo) -> None:
        """Owners and parties known from the state at start (for events still to come)."""
        self.memo = memo

    def __call__(self, records: Sequence[Record], events: Sequence[object]) -> None:
        """The engine's subscriber: called after each accepted command, in the writer."""
        for r, ev in zip(records, events, strict=True):
            for n in derive(r, ev, self.memo):
                key = recipient(n)
                if key is not None:
                    kept = self.live.get(key)
                    if kept is None:
                        kept = self.live[key] = deque(maxlen=self.keep)
                    kept.append(n)
                for listen in self.listeners:
                    listen(n)

    async def _load_past(self) -> dict[Key, list[Note]]:
        if self._past is None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._past is None:
                    self._past = await asyncio.to_thread(self._load)
        return self._past

    def _kept(self, p: Principal, past: dict[Key, list[Note]]) -> list[Note]:
        """The principal's notes still kept, oldest first."""
        keys: list[Key] = [("user", p.username), ("role", p.role.value)]
        if p.account_id is not None:
            keys.append(("account", p.account_id))
        notes: list[Note] = []
        for key in keys:
            mine = [*past.get(key, ()), *self.live.get(key, ())][-self.keep :]
            notes.extend(n for n in mine if n.for_principal(p))
        notes.sort(key=_order)
        return notes

    async def of(self, p: Principal, unread: bool = False) -> list[Note]:
        """The principal's notes, newest first."""
        notes = self._kept(p, await self._load_past())
        if unread:
            seen = self.read.get(p.username, set())
            notes = [n for n in notes if n.note_id not in seen]
        notes.reverse()
        return notes

    def is_read(self, p: Principal, note_id: str) -> bool:
        return note_id in self.read.get(p.username, set())

    def mark_read(self, p: Principal, note_ids: Sequence[str]) -> None:
        seen = self.read.setdefault(p.username, set())
        seen.update(note_ids)
        if len(seen) > 2 * self.keep:  # marks of forgotten notes go with them
            seen &= {n.note_id for n in self._kept(p, self._past or {})}

    def _load(self) -> dict[Key, list[Note]]:
        memo = Memo()
        out: dict[Key, deque[Note]] = {}
        for r in self.journal.read(0):
            if r.seq > self.start_seq:
                break
            if r.type not in WATCHED:
                continue
            for n in derive(r, codec.decode(r.type, r.payload), memo):
                key = recipient(n)
                if key is not None:
                    kept = out.get(key)
                    if kept is None:
                        kept = out[key] = deque(maxlen=self.keep)
                    kept.append(n)
        return {key: list(notes) for key, notes in out.items()}


WATCHED = frozenset(cls.__name__ for cls in RULES)
