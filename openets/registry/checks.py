"""One check list per registry transaction type, run when a transaction is requested and again
when it is approved (a four-eyes request waits; the accounts may change in between).

The list for a transaction of type T over postings P:

1. every account in P exists (``UNKNOWN_ACCOUNT``);
2. its *type* may take part in T (``ACCOUNT_TYPE_NOT_ALLOWED``): the retirement accounts
   (surrender, cancellation) receive only their own transaction type and never send, so a
   manual transfer out of or into them, an issuance into them, a claw-back from them and the
   reversal of a surrender are all refused — retired units never return to circulation;
3. its *status* allows the direction (``ACCOUNT_NOT_ACTIVE``): sending needs ``active`` (or,
   for a claw-back or a correction, ``restricted``), receiving needs ``active`` or
   ``restricted``; ``applied``, ``frozen``, ``closing`` and ``closed`` accounts neither send nor
   receive;
4. quantity and product are valid (``INVALID_QUANTITY``, ``UNKNOWN_PRODUCT``);
5. for a correction: the original is of a correctable type (``NOT_CORRECTABLE``), not reversed
   already (``ALREADY_DONE``) and no other reversal of it is waiting (``REVERSAL_PENDING``).

Closing an account (``closed``) is refused while it holds allowances (``INVALID_STATE``) or is
named in a pending request (``PENDING_TRANSACTIONS``); open requests of the other contexts are
checked by the use case that guards the close (:mod:`openets.registry.close_guard`).
"""

from __future__ import annotations

from collections.abc import Iterable

from openets.domain.rejection import Code, Rejection
from openets.registry.model import (
    ISSUED,
    RETIREMENT_ROLES,
    Account,
    AccountStatus,
    Posting,
    SystemRole,
    TxType,
)
from openets.registry.state import RegistryState
from openets.registry.validate import check_product, check_quantity

A = AccountStatus
_ACTIVE = frozenset({A.ACTIVE})
_ACTIVE_OR_RESTRICTED = frozenset({A.ACTIVE, A.RESTRICTED})

SEND_STATUSES: dict[TxType, frozenset[AccountStatus]] = {
    TxType.TRANSFER: _ACTIVE,
    TxType.SURRENDER: _ACTIVE,
    TxType.CANCELLATION: _ACTIVE,
    TxType.CLAWBACK: _ACTIVE_OR_RESTRICTED,
    TxType.CORRECTION: _ACTIVE_OR_RESTRICTED,
}
"""Statuses in which an account may send in a transaction of each checked type."""

RECEIVE_STATUSES: dict[TxType, frozenset[AccountStatus]] = {
    TxType.TRANSFER: _ACTIVE_OR_RESTRICTED,
    TxType.ISSUANCE: _ACTIVE_OR_RESTRICTED,
    TxType.SURRENDER: _ACTIVE,
    TxType.CANCELLATION: _ACTIVE,
    TxType.CORRECTION: _ACTIVE_OR_RESTRICTED,
}
"""Statuses in which an account may receive in a transaction of each checked type."""

OWN_TX_TYPE: dict[SystemRole, TxType] = {
    SystemRole.SURRENDER: TxType.SURRENDER,
    SystemRole.CANCELLATION: TxType.CANCELLATION,
}
"""The one transaction type each retirement account takes part in (as the receiver)."""

CORRECTABLE = frozenset({TxType.ISSUANCE, TxType.CLAWBACK, TxType.TRANSFER})
"""Transactions a correction may reverse. Retirements are final; trading movements (locks,
deliveries, rolls) are undone by their own flows, not by the registry."""


def check_account_type(acct: Account, tx_type: TxType, delta: int, field: str) -> Rejection | None:
    """ACCOUNT_TYPE_NOT_ALLOWED when ``acct``'s type may not take part in ``tx_type``."""
    role = acct.system_role
    if role is None or role not in RETIREMENT_ROLES:
        return None
    own = OWN_TX_TYPE[role]
    if delta < 0:
        return Rejection(
            Code.ACCOUNT_TYPE_NOT_ALLOWED,
            f"account {acct.account_id} is the {role.value} account: retired units never "
            f"leave it (a {tx_type.value} out of it is refused)",
            field,
        )
    if tx_type is not own:
        return Rejection(
            Code.ACCOUNT_TYPE_NOT_ALLOWED,
            f"account {acct.account_id} is the {role.value} account: it accepts only "
            f"{own.value} transactions, not a {tx_type.value}",
            field,
        )
    return None


def check_account_status(
    acct: Account, tx_type: TxType, delta: int, field: str
) -> Rejection | None:
    """ACCOUNT_NOT_ACTIVE when ``acct``'s status does not allow it to send (or receive)."""
    table = SEND_STATUSES if delta < 0 else RECEIVE_STATUSES
    allowed = table.get(tx_type)
    if allowed is None or acct.status in allowed:
        return None
    role = "send" if delta < 0 else "receive"
    need = " or ".join(sorted(s.value for s in allowed))
    return Rejection(
        Code.ACCOUNT_NOT_ACTIVE,
        f"account {acct.account_id} is {acct.status.value}, it must be {need} to {role} in "
        f"a {tx_type.value}",
        field,
    )


_VALID_PRODUCTS: set[str] = set()
"""Product codes :func:`check_product` passed (a few dozen exist)."""


def check_postings(
    state: RegistryState,
    tx_type: TxType,
    postings: Iterable[Posting],
    fields: dict[str, str] | None = None,
) -> Rejection | None:
    """The check list of ``tx_type`` over ``postings`` (accounts, types, statuses, product and
    quantity). ``fields`` names the request field of each account (default ``account_id``)."""
    names = fields or {}
    accounts = state.accounts
    send, receive = SEND_STATUSES.get(tx_type), RECEIVE_STATUSES.get(tx_type)
    for p in postings:
        if p.account_id == ISSUED:
            continue
        # The common case, at a glance: a known participant account in an allowed status, a
        # non-zero whole quantity, a product found valid before. Anything else: the full list.
        acct = accounts.get(p.account_id)
        delta = p.delta
        if (
            acct is not None
            and acct.system_role is None
            and type(delta) is int
            and delta
            and type(p.product) is str
            and p.product in _VALID_PRODUCTS
        ):
            allowed = send if delta < 0 else receive
            if allowed is None or acct.status in allowed:
                continue
        field = names.get(p.account_id, "account_id")
        if acct is None:
            return Rejection(Code.UNKNOWN_ACCOUNT, f"no account {p.account_id!r}", field)
        r = check_product(p.product)
        if r is None and type(p.product) is str:
            _VALID_PRODUCTS.add(p.product)
        r = (
            r
            or check_quantity(abs(p.delta) if isinstance(p.delta, int) else p.delta)
            or check_account_type(acct, tx_type, p.delta, field)
            or check_account_status(acct, tx_type, p.delta, field)
        )
        if r:
            return r
    return None


def pending_reversal(state: RegistryState, tx_id: str, *, but: str = "") -> str | None:
    """The id of a correction request of ``tx_id`` still waiting (other than ``but``)."""
    for rid, req in state.pending.items():
        if rid != but and req.kind == "correction" and req.ref == tx_id:
            return rid
    return None


def check_reversible(state: RegistryState, tx_id: str, *, but: str = "") -> Rejection | None:
    """A transaction may be reversed once: not reversed, no other reversal waiting."""
    tx = state.transactions.get(tx_id)
    if tx is None:
        return Rejection(Code.UNKNOWN_TRANSACTION, f"no transaction {tx_id!r}", "tx_id")
    if tx.reversed_by:
        return Rejection(
            Code.ALREADY_DONE,
            f"transaction {tx_id} was already reversed by {tx.reversed_by}",
            "tx_id",
        )
    if tx.tx_type is TxType.CORRECTION:
        return Rejection(
            Code.INVALID_STATE,
            "a correction is not corrected by another reversal; enter a new transaction",
            "tx_id",
        )
    if tx.tx_type not in CORRECTABLE:
        kinds = ", ".join(sorted(t.value for t in CORRECTABLE))
        return Rejection(
            Code.NOT_CORRECTABLE,
            f"transaction {tx_id} is a {tx.tx_type.value}; only {kinds} can be corrected",
            "tx_id",
        )
    other = pending_reversal(state, tx_id, but=but)
    if other is not None:
        return Rejection(
            Code.REVERSAL_PENDING,
            f"transaction {tx_id} already has a reversal waiting for approval ({other})",
            "tx_id",
        )
    return None


def check_closable(state: RegistryState, account_id: str) -> Rejection | None:
    """An account with allowances or named in a pending request cannot be closed."""
    left = [(p, sum(b)) for p, b in state.holdings_of(account_id) if any(b)]
    if left:
        return Rejection(
            Code.INVALID_STATE,
            f"account {account_id} still holds {left}; empty it before closing",
            "status",
        )
    waiting = sorted(
        rid
        for rid, req in state.pending.items()
        if any(p.account_id == account_id for p in req.postings)
    )
    if waiting:
        return Rejection(
            Code.PENDING_TRANSACTIONS,
            f"account {account_id} is named in pending requests {', '.join(waiting)}; "
            "decide them before closing",
            "status",
        )
    return None
