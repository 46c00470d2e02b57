"""Registry events: what happened. Applied to :class:`RegistryState` and journaled."""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Event
from openets.registry.model import AccountStatus, Posting, SubjectType, SystemRole, TxType


@dataclass(frozen=True, slots=True)
class AccountOpened(Event):
    account_id: str
    subject_type: SubjectType
    name: str
    id_code: str
    province: str
    status: AccountStatus
    system_role: SystemRole | None
    opened_at: str


@dataclass(frozen=True, slots=True)
class AccountStatusChanged(Event):
    account_id: str
    old: AccountStatus
    new: AccountStatus
    reason: str


@dataclass(frozen=True, slots=True)
class LedgerPosted(Event):
    """A double-entry transaction: the postings sum to zero per product."""

    tx_id: str
    tx_type: TxType
    postings: tuple[Posting, ...]
    ref: str
    memo: str


@dataclass(frozen=True, slots=True)
class ApprovalRequested(Event):
    """A four-eyes request (manual transfer or correction) awaiting a different approver."""

    request_id: str
    kind: str  # "transfer" | "correction"
    initiator: str
    tx_type: TxType
    postings: tuple[Posting, ...]
    ref: str
    memo: str


@dataclass(frozen=True, slots=True)
class ApprovalDecided(Event):
    request_id: str
    approver: str
    approved: bool
    reason: str
