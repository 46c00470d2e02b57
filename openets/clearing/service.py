"""Deposits and withdrawals: the fund ledger, for accounts the registry knows."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo

from openets.clearing import funds
from openets.clearing.limits import FundLimits
from openets.domain.messages import Ctx, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import AccountStatus, SubjectType


def participant_account(
    m: MarketState, account_id: object, field: str = "account_id"
) -> Rejection | None:
    acct = registry_port.account(m, account_id)
    if acct is None or acct.subject_type is SubjectType.SYSTEM:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no participant account {account_id!r}", field)
    if acct.status not in (AccountStatus.ACTIVE, AccountStatus.RESTRICTED):
        return Rejection(
            Code.ACCOUNT_NOT_ACTIVE,
            f"account {account_id} is {acct.status.value}, it must be active",
            field,
        )
    return None


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def limits_and_day(m: MarketState, ctx: Ctx) -> tuple[FundLimits, str]:
    """The market preset's fund limits and today's market date (the day of the daily limit)."""

    rules = m.rules
    day = ctx.now.astimezone(_zone(rules.trading.timezone)).date().isoformat()
    return rules.settlement.fund_limits, day


def deposit(m: MarketState, cmd: funds.Deposit, ctx: Ctx) -> Result:
    return participant_account(m, cmd.account_id) or funds.deposit(m.funds, cmd, ctx)


def instruct_deposit(m: MarketState, cmd: funds.InstructDeposit, ctx: Ctx) -> Result:
    r = participant_account(m, cmd.account_id)
    if r:
        return r
    limits, day = limits_and_day(m, ctx)
    return funds.instruct_deposit(m.funds, cmd, ctx, limits, day)


def confirm_deposit(m: MarketState, cmd: funds.ConfirmDeposit, ctx: Ctx) -> Result:
    return funds.confirm_deposit(m.funds, cmd, ctx)


def request_withdrawal(m: MarketState, cmd: funds.RequestWithdrawal, ctx: Ctx) -> Result:
    r = participant_account(m, cmd.account_id)
    if r:
        return r
    limits, day = limits_and_day(m, ctx)
    return funds.request_withdrawal(m.funds, cmd, ctx, limits, day)


def confirm_withdrawal(m: MarketState, cmd: funds.ConfirmWithdrawal, ctx: Ctx) -> Result:
    return funds.confirm_withdrawal(m.funds, cmd, ctx)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[funds.Deposit] = deposit
    handlers[funds.InstructDeposit] = instruct_deposit
    handlers[funds.ConfirmDeposit] = confirm_deposit
    handlers[funds.RequestWithdrawal] = request_withdrawal
    handlers[funds.ConfirmWithdrawal] = confirm_withdrawal
