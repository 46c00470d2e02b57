"""Small validators shared by registry handlers. Each returns a Rejection or None."""

from __future__ import annotations

from openets.domain.products import ProductCodeError, product
from openets.domain.rejection import Code, Rejection
from openets.registry.model import Account, AccountStatus
from openets.registry.state import RegistryState

TRADING_STATUSES = frozenset({AccountStatus.ACTIVE})


def check_quantity(quantity: object, field: str = "quantity") -> Rejection | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return Rejection(
            Code.INVALID_QUANTITY,
            f"{field} must be a whole number of tonnes, was {quantity!r}",
            field,
        )
    if quantity <= 0:
        return Rejection(Code.INVALID_QUANTITY, f"{field} must be positive, was {quantity}", field)
    return None


def check_product(code: object, field: str = "product") -> Rejection | None:
    try:
        product(code)  # type: ignore[arg-type]
    except ProductCodeError as exc:
        return Rejection(Code.UNKNOWN_PRODUCT, str(exc), field)
    return None


def get_account(
    state: RegistryState, account_id: object, field: str = "account_id"
) -> Account | Rejection:
    acct = state.accounts.get(account_id) if isinstance(account_id, str) else None
    if acct is None:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no account {account_id!r}", field)
    return acct


def get_usable_account(
    state: RegistryState, account_id: object, field: str = "account_id", *, moving_out: bool = True
) -> Account | Rejection:
    """An account that may take part in a movement: active, or restricted for inbound moves."""
    acct = get_account(state, account_id, field)
    if isinstance(acct, Rejection):
        return acct
    if acct.status is AccountStatus.ACTIVE:
        return acct
    if acct.status is AccountStatus.RESTRICTED and not moving_out:
        return acct
    return Rejection(
        Code.ACCOUNT_NOT_ACTIVE,
        f"account {acct.account_id} is {acct.status.value}, it must be active",
        field,
    )


def check_enough(
    state: RegistryState, account_id: str, prod: str, bucket: int, quantity: int, what: str
) -> Rejection | None:
    have = state.bucket(account_id, prod)[bucket]
    if have < quantity:
        return Rejection(
            Code.INSUFFICIENT_HOLDINGS,
            f"account {account_id} has {have} t of {prod} {what}, needs {quantity} t",
            "quantity",
        )
    return None
