"""Deposits and withdrawals: the fund ledger, for accounts the registry knows."""

from __future__ import annotations

from typing import Any

from openets.clearing import funds
from openets.domain.messages import Ctx
from openets.domain.rejection import Code, Rejection
from openets.engine.core import Applier, Handler, Result
from openets.engine.state import MarketState
from openets.registry.model import AccountStatus, SubjectType


def participant_account(
    m: MarketState, account_id: object, field: str = "account_id"
) -> Rejection | None:
    acct = m.registry.accounts.get(account_id) if isinstance(account_id, str) else None
    if acct is None or acct.subject_type is SubjectType.SYSTEM:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no participant account {account_id!r}", field)
    if acct.status not in (AccountStatus.ACTIVE, AccountStatus.RESTRICTED):
        return Rejection(
            Code.ACCOUNT_NOT_ACTIVE,
            f"account {account_id} is {acct.status.value}, it must be active",
            field,
        )
    return None


def deposit(m: MarketState, cmd: funds.Deposit, ctx: Ctx) -> Result:
    return participant_account(m, cmd.account_id) or funds.deposit(m.funds, cmd, ctx)


def request_withdrawal(m: MarketState, cmd: funds.RequestWithdrawal, ctx: Ctx) -> Result:
    return participant_account(m, cmd.account_id) or funds.request_withdrawal(m.funds, cmd, ctx)


def confirm_withdrawal(m: MarketState, cmd: funds.ConfirmWithdrawal, ctx: Ctx) -> Result:
    return funds.confirm_withdrawal(m.funds, cmd, ctx)


def register(handlers: dict[type, Handler], appliers: dict[type, Applier]) -> None:
    table: dict[type, Any] = {
        funds.Deposit: deposit,
        funds.RequestWithdrawal: request_withdrawal,
        funds.ConfirmWithdrawal: confirm_withdrawal,
    }
    handlers.update(table)
