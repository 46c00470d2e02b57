"""The fund ledger over HTTP: deposits and withdrawals (the saga with the bank is
:mod:`openets.clearing.saga`), balances."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError, rejection_body
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, yuan
from openets.api.schemas.funds import BalancesOut, DepositOut, MoneyIn, WithdrawalOut
from openets.api.sequencer import Writer
from openets.api.views import balances
from openets.clearing import saga
from openets.clearing.service import participant_account
from openets.domain.rejection import Code, Rejection

router = APIRouter(tags=["funds"])


@router.post(
    "/funds/deposits", status_code=201, response_model=DepositOut, responses=COMMAND_ERRORS
)
async def deposit(body: MoneyIn, cmd: CommandDep) -> Response:
    """Instruct a payment in from the bank to the account's fund sub-account (the account's
    own user). Credited when the bank confirms it (``status: confirmed``; the simulated bank
    confirms at once). Per-transaction and daily limits of the market preset apply."""
    services = cmd.services
    cmd.require(Action.DEPOSIT, body.account_id)
    actor, acct, amount = cmd.actor, body.account_id, body.amount
    bank = services.bank

    def job(w: Writer) -> tuple[int, bytes]:
        r = saga.deposit(w, bank, acct, amount, actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        out = DepositOut(
            account_id=acct,
            amount=yuan(amount),
            bank_ref=r.bank_ref,
            status=r.status,  # type: ignore[arg-type]
            tx_id=r.tx_id,
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
        r = saga.withdraw(w, bank, acct, amount, actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        out = WithdrawalOut(
            account_id=acct,
            amount=yuan(amount),
            bank_ref=r.bank_ref,
            status=r.status,  # type: ignore[arg-type]
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
