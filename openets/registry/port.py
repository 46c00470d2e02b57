"""The registry's port for the other contexts: what trading, clearing, compliance, supervision
and identity ask of the holdings and the accounts, and nothing else of its internals.

- reads: :func:`available`, :func:`bucket`, :func:`held`, :func:`products`, :func:`account`,
  :func:`usable_account`, :func:`system_account`, :func:`pending_holdings` (what the T+1
  roll moves to available), :func:`participant_holdings` and :func:`transaction`;
- the ledger's events another context builds: :func:`move` (a bucket move inside one account:
  locks, freezes, pledges, the roll), :func:`transfer` (between two accounts), checked with
  :func:`check_postings` and :func:`check_product`;
- the retirements compliance runs for an entity: :func:`surrender`, :func:`cancel_voluntarily`;
- settlement's net posting of a day's deliveries: :func:`post_settlement`.

The value types these carry (accounts, buckets, postings, the ledger's event and records) are
re-exported here, so a context names them without reaching into the registry's modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from openets.domain.messages import Ctx, Event
from openets.domain.rejection import Code, Rejection
from openets.registry.checks import RECEIVE_STATUSES, SEND_STATUSES
from openets.registry.checks import check_postings as _check_postings
from openets.registry.commands import CancelVoluntarily, Decide, Surrender
from openets.registry.events import AccountStatusChanged, ApprovalRequested, LedgerPosted
from openets.registry.handlers import cancel_voluntarily as _cancel_voluntarily
from openets.registry.handlers import move, transfer
from openets.registry.handlers import surrender as _surrender
from openets.registry.model import (
    ISSUED,
    Account,
    AccountStatus,
    Bucket,
    Posting,
    SubjectType,
    SystemRole,
    TxType,
)
from openets.registry.txindex import TxRecord
from openets.registry.validate import check_product, get_usable_account

if TYPE_CHECKING:
    from openets.market import MarketState

__all__ = [
    "ISSUED",
    "MOVE_STATUSES",
    "Account",
    "AccountStatus",
    "AccountStatusChanged",
    "ApprovalRequested",
    "Bucket",
    "CancelVoluntarily",
    "Decide",
    "LedgerPosted",
    "Posting",
    "SubjectType",
    "Surrender",
    "SystemRole",
    "TxRecord",
    "TxType",
    "account",
    "available",
    "bucket",
    "cancel_voluntarily",
    "check_may_move",
    "check_postings",
    "check_product",
    "held",
    "move",
    "participant_holdings",
    "pending_holdings",
    "pending_transfer",
    "post_settlement",
    "products",
    "subject_type",
    "surrender",
    "system_account",
    "transaction",
    "transfer",
    "usable_account",
]

Result = tuple[Event, ...] | Rejection


def available(m: MarketState, account_id: str, product: str) -> int:
    """Tonnes of ``product`` the account may sell, transfer or surrender now."""
    return m.registry.available(account_id, product)


def bucket(m: MarketState, account_id: str, product: str) -> Sequence[int]:
    """The account's tonnes of ``product`` in each :class:`Bucket` (a read: never mutate it)."""
    return m.registry.bucket(account_id, product)


def held(m: MarketState, account_id: str, product: str) -> int:
    """Tonnes of ``product`` the account holds in every bucket."""
    return sum(m.registry.holdings.get((account_id, product), ()))


def products(m: MarketState) -> list[str]:
    """Every product the registry has seen, sorted (the order reads are made in)."""
    return sorted(m.registry.products)


def account(m: MarketState, account_id: object) -> Account | None:
    """The account record, or None for an unknown id (or a value that is not an id)."""
    return m.registry.accounts.get(account_id) if isinstance(account_id, str) else None


def account_lookup(m: MarketState) -> Callable[[str], Account | None]:
    """:func:`account` for an id known to be a string, resolved once (replay's appliers)."""
    return m.registry.accounts.get


def subject_type(m: MarketState, account_id: str) -> SubjectType:
    """The subject type of a known account (KeyError for an unknown id: a caller that has not
    checked the account first asks :func:`account`)."""
    return m.registry.accounts[account_id].subject_type


def usable_account(
    m: MarketState, account_id: object, field: str = "account_id", *, moving_out: bool = True
) -> Account | Rejection:
    """An account that may take part in a movement: active, or restricted for inbound moves."""
    return get_usable_account(m.registry, account_id, field, moving_out=moving_out)


def system_account(m: MarketState, role: SystemRole, province: str = "") -> str:
    """The system account of ``role`` (genesis opens every one before any command)."""
    return m.registry.required_system_account(role, province)


def pending_holdings(m: MarketState) -> list[tuple[str, str, int]]:
    """(account, product, tonnes) of every holding with tonnes in PENDING, sorted: the
    deliveries not yet usable, which the T+1 roll moves to available."""
    return [
        (acct, prod, b[Bucket.PENDING])
        for (acct, prod), b in sorted(m.registry.holdings.items())
        if b[Bucket.PENDING]
    ]


Direction = Literal["out", "in"]

MOVE_STATUSES: Mapping[str, frozenset[AccountStatus]] = {
    "out": SEND_STATUSES[TxType.TRANSFER],
    "in": RECEIVE_STATUSES[TxType.TRANSFER],
}
"""The statuses an account may move allowances or funds in, by direction (see
:func:`check_may_move`)."""


def check_may_move(
    m: MarketState, account_id: object, direction: Direction, what: str, field: str
) -> Rejection | None:
    """ACCOUNT_NOT_ACTIVE when the account's status forbids ``what`` ("allowances in a
    transfer", "funds in a withdrawal") to move ``direction``: moving out needs ``active`` (a
    restricted account may receive, not send), moving in ``active`` or ``restricted`` (an
    applied, frozen, closing or closed account does neither). None for an unknown account (its
    command's handler names it)."""
    acct = account(m, account_id)
    if acct is None:
        return None
    allowed = (SEND_STATUSES if direction == "out" else RECEIVE_STATUSES)[TxType.TRANSFER]
    if acct.status in allowed:
        return None
    need = " or ".join(sorted(s.value for s in allowed))
    role = "send" if direction == "out" else "receive"
    return Rejection(
        Code.ACCOUNT_NOT_ACTIVE,
        f"account {acct.account_id} is {acct.status.value}, it must be {need} to {role} "
        f"{what} (a restricted account may receive but not send; a frozen one neither)",
        field,
    )


def pending_transfer(m: MarketState, request_id: object) -> tuple[Posting, ...]:
    """The postings of the pending transfer request ``request_id`` (none for an unknown id or
    a request of another kind)."""
    req = m.registry.pending.get(request_id) if isinstance(request_id, str) else None
    return req.postings if req is not None and req.kind == "transfer" else ()


def participant_holdings(m: MarketState) -> Iterator[tuple[str, str, int]]:
    """(account, product, tonnes in every bucket) of every participant account's holding."""
    accounts = m.registry.accounts
    for (acct, prod), b in m.registry.holdings.items():
        a = accounts.get(acct)
        if a is not None and a.system_role is None:
            yield acct, prod, sum(b)


def transaction(m: MarketState, tx_id: str) -> TxRecord | None:
    """The ledger's record of transaction ``tx_id`` (None for an unknown id)."""
    return m.registry.transactions.get(tx_id)


def check_postings(
    m: MarketState,
    tx_type: TxType,
    postings: Iterable[Posting],
    fields: dict[str, str] | None = None,
) -> Rejection | None:
    """The registry's check list of ``tx_type`` over ``postings`` (accounts, types, statuses,
    product and quantity), for a transaction another context builds."""
    return _check_postings(m.registry, tx_type, postings, fields)


def surrender(m: MarketState, cmd: Surrender, ctx: Ctx) -> Result:
    """The registry's decision on surrendering allowances for a compliance year."""
    return _surrender(m.registry, cmd, ctx)


def cancel_voluntarily(m: MarketState, cmd: CancelVoluntarily, ctx: Ctx) -> Result:
    """The registry's decision on cancelling allowances or credits voluntarily."""
    return _cancel_voluntarily(m.registry, cmd, ctx)


def post_settlement(
    m: MarketState,
    net: Mapping[Bucket, Mapping[tuple[str, str], int]],
    count: int,
    transactions: Callable[[], Iterable[tuple[str, TxRecord]]],
) -> None:
    """Apply ``count`` settlement deliveries at once by their net effect (the registry's
    :meth:`~openets.registry.state.RegistryState.post_net`): settlement's applier."""
    m.registry.post_net(net, count, transactions)
