"""The fund ledger over HTTP: deposits, withdrawals through the bank adapter, balances."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.bank import Payout
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError, rejection_body
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, yuan
from openets.api.schemas.funds import BalancesOut, DepositOut, MoneyIn, WithdrawalOut
from openets.api.sequencer import Writer
from openets.api.views import balances
from openets.clearing import funds
from openets.domain.rejection import Code, Rejection
from openets.engine.usecases.money import participant_account

router = APIRouter(tags=["funds"])


@router.post(
    "/funds/deposits", status_code=201, response_model=DepositOut, responses=COMMAND_ERRORS
)
async def deposit(body: MoneyIn, cmd: CommandDep) -> Response:
    """Pay money in from the bank to the account's fund sub-account (the account's own user)."""
    services = cmd.services
    cmd.require(Action.DEPOSIT, body.account_id)
    actor, acct, amount = cmd.actor, body.account_id, body.amount
    bank = services.bank

    def job(w: Writer) -> tuple[int, bytes]:
        ref = bank.reference("DEP")
        r = w.submit(funds.Deposit(acct, amount, ref), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        if not r:
            return rejection_body(
                Rejection(Code.DUPLICATE, f"bank reference {ref} was already used", None)
            )
        ev = r[0]
        assert isinstance(ev, funds.FundsPosted)
        out = DepositOut(
            account_id=acct,
            amount=yuan(amount),
            bank_ref=ref,
            tx_id=ev.tx_id,
            balances=balances(w.state, acct),
        )
        return 201, out.model_dump_json().encode()

    return await cmd.job(job)


@router.post(
    "/funds/withdrawals", status_code=201, response_model=WithdrawalOut, responses=COMMAND_ERRORS
)
async def withdraw(body: MoneyIn, cmd: CommandDep) -> Response:
    """Pay money out to the account's bank account: the withdrawable balance at most.

    The amount is held as pending, the bank is asked to pay, and its answer is recorded; the
    simulated bank pays at once (``status: paid``)."""
    services = cmd.services
    cmd.require(Action.WITHDRAW, body.account_id)
    actor, acct, amount = cmd.actor, body.account_id, body.amount
    bank = services.bank

    def job(w: Writer) -> tuple[int, bytes]:
        ref = bank.reference("WDR")
        r = w.submit(funds.RequestWithdrawal(acct, amount, ref), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        status = bank.pay_out(acct, amount, ref)
        if status is not Payout.PENDING:
            c = w.submit(funds.ConfirmWithdrawal(ref, status is Payout.PAID), "bank")
            if isinstance(c, Rejection):  # the engine's invariant: cannot happen
                raise RuntimeError(f"the bank's confirmation was refused: {c}")
        out = WithdrawalOut(
            account_id=acct,
            amount=yuan(amount),
            bank_ref=ref,
            status=status.value,
            balances=balances(w.state, acct),
        )
        return 201, out.model_dump_json().encode()

    return await cmd.job(job)


@router.get("/funds/{account_id}", response_model=BalancesOut, responses=QUERY_ERRORS)
async def get_balances(
    account_id: Annotated[str, Path(min_length=1, max_length=32)],
    principal: PrincipalDep,
    services: ServicesDep,
) -> Response:
    """Balances: available, locked, withdrawable, receivable, pending withdrawal (yuan)."""
    authorize(principal, Action.FUNDS_VIEW, account_id)
    st = services.state
    r = participant_account(st, account_id)
    if r is not None and r.code is Code.UNKNOWN_ACCOUNT:
        raise ApiError.from_rejection(r)
    return json_response(balances(st, account_id))
