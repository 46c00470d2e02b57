"""Registry value types: accounts, buckets, transaction types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from openets.domain.frozen import quick_init


class Bucket(IntEnum):
    """Where a holding sits inside one account."""

    AVAILABLE = 0
    LOCKED = 1  # by a listing, an order, a block commitment or a bid
    PENDING = 2  # bought today, delivered at settlement, usable the next trading day
    PLEDGED = 3
    FROZEN = 4  # judicially frozen


BUCKET_NAMES = tuple(b.name.lower() for b in Bucket)


class SubjectType(StrEnum):
    ENTITY = "entity"  # 重点排放单位, a covered entity
    INSTITUTION = "institution"
    INDIVIDUAL = "individual"
    SYSTEM = "system"


class AccountStatus(StrEnum):
    APPLIED = "applied"
    ACTIVE = "active"
    RESTRICTED = "restricted"
    FROZEN = "frozen"
    CLOSING = "closing"
    CLOSED = "closed"


ALLOWED_STATUS_MOVES: dict[AccountStatus, frozenset[AccountStatus]] = {
    AccountStatus.APPLIED: frozenset({AccountStatus.ACTIVE, AccountStatus.CLOSED}),
    AccountStatus.ACTIVE: frozenset(
        {AccountStatus.RESTRICTED, AccountStatus.FROZEN, AccountStatus.CLOSING}
    ),
    AccountStatus.RESTRICTED: frozenset({AccountStatus.ACTIVE, AccountStatus.FROZEN}),
    AccountStatus.FROZEN: frozenset({AccountStatus.ACTIVE, AccountStatus.RESTRICTED}),
    AccountStatus.CLOSING: frozenset({AccountStatus.CLOSED, AccountStatus.ACTIVE}),
    AccountStatus.CLOSED: frozenset(),
}


class SystemRole(StrEnum):
    """System accounts of the registry (SPEC C1)."""

    NATIONAL_ALLOCATION = "national_allocation"
    PROVINCIAL_ALLOCATION = "provincial_allocation"
    AUCTION = "auction"
    RESERVE = "reserve"
    SURRENDER = "surrender"  # 清缴: units surrendered for compliance are retired here
    CANCELLATION = "cancellation"  # 注销: voluntary cancellation retires units here
    EXCHANGE_CLEARING = "exchange_clearing"
    FEE_INCOME = "fee_income"


RETIREMENT_ROLES = frozenset({SystemRole.SURRENDER, SystemRole.CANCELLATION})


class TxType(StrEnum):
    ISSUANCE = "issuance"
    CLAWBACK = "clawback"
    TRANSFER = "transfer"
    SURRENDER = "surrender"
    CANCELLATION = "cancellation"
    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    PLEDGE = "pledge"
    RELEASE = "release"
    CORRECTION = "correction"
    LOCK = "lock"
    UNLOCK = "unlock"
    DELIVERY = "delivery"  # settlement: seller locked -> buyer pending
    ROLL = "roll"  # pending -> available on the next trading day


ISSUED = "@ISSUED"
"""The tally every issuance draws from (and every claw-back returns to). Not an account."""


@quick_init
@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a transaction: ``delta`` tonnes of ``product`` in ``account``'s ``bucket``."""

    account_id: str
    product: str
    bucket: Bucket
    delta: int


@dataclass(slots=True)
class Account:
    account_id: str
    subject_type: SubjectType
    name: str
    id_code: str
    province: str
    status: AccountStatus
    system_role: SystemRole | None = None
    opened_at: str = ""
