"""The settlement bank's side of the fund ledger over HTTP: its reports of money received and
paid, and the list of them.

The bank's system logs in as a ``settlement_bank`` user (a staff login: requested by one
registry operator, approved by another) and reports, by its reference, a deposit received or
failed and a withdrawal paid or failed (``POST /bank/reports``). Each report is the engine's
command (``ConfirmDeposit``, ``Deposit`` for money paid in on a reference of the bank's own,
``ConfirmWithdrawal``), journaled like any other, so replay restores it. A reference is
reported once: the same report again answers ``already_recorded`` and changes nothing, a
contrary one (paid, then failed) is refused. The engine's commands hold a report's account and
amount to the reference's; a reference the fund ledger does not know is the body's fault
(``422`` naming ``bank_ref``). The clearing side (exchange operators) and the
regulator list the reports (``GET /bank/reports``).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import CommandDep, PrincipalDep, Services, ServicesDep, json_response
from openets.api.errors import rejection_body
from openets.api.routers._bankreports import BankReport, BankReports
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, yuan
from openets.api.schemas.funds import BankReportIn, BankReportOut, BankReportRow, BankReportsOut
from openets.api.sequencer import Writer
from openets.clearing import funds
from openets.clearing.funds import FundsState
from openets.domain.messages import Command
from openets.domain.rejection import Code, Rejection

router = APIRouter(tags=["funds"])


def setup(services: Services) -> None:
    log = BankReports(services.market.engine.journal, services.state.last_seq)
    services.market.engine.subscribers.append(log)
    services.extras["bank_reports"] = log


def _log(services: Services) -> BankReports:
    log = services.extras["bank_reports"]
    assert isinstance(log, BankReports)
    return log


def _command(st: FundsState, body: BankReportIn) -> tuple[Command, str, int] | Rejection:
    """The engine's command for the report, with the account and amount it is about (the
    engine holds the report's account and amount to the reference's, and knows the reference).
    """
    ref, acct, amount = body.bank_ref, body.account_id, body.amount
    if body.kind.startswith("withdrawal"):
        paid = body.kind == "withdrawal_paid"
        return funds.ConfirmWithdrawal(ref, paid, acct, amount), *st.withdrawals.get(ref, ("", 0))
    instructed = st.pending_deposits.get(ref)
    if instructed is not None or body.kind == "deposit_failed":
        received = body.kind == "deposit_received"
        return funds.ConfirmDeposit(ref, received, acct, amount), *(instructed or ("", 0))
    if acct is None or amount is None:
        missing = "account_id" if acct is None else "amount"
        return Rejection(
            Code.INVALID_FIELD,
            f"bank reference {ref} has no deposit instruction: money paid in on a reference of "
            f"the bank's own names the account_id and the amount, {missing} was left out",
            missing,
        )
    return funds.Deposit(acct, amount, ref), acct, amount


def _refused(r: Rejection) -> tuple[int, bytes]:
    """The engine's refusal as the answer: a reference the bank names that the fund ledger does
    not know is a fault of the report's body (422 naming ``bank_ref``), not a missing path."""
    if r.code is Code.UNKNOWN_TRANSACTION and r.field == "bank_ref":
        r = Rejection(Code.INVALID_FIELD, r.message, r.field)
    return rejection_body(r)


def _again(prior: BankReport | None, body: BankReportIn) -> BankReportOut:
    acct, amount = (prior.account_id, prior.amount) if prior else (body.account_id or "", 0)
    return BankReportOut(
        kind=body.kind,
        bank_ref=body.bank_ref,
        account_id=acct,
        amount=yuan(amount),
        status="already_recorded",
        tx_id=prior.tx_id if prior else None,
        seq=None,
    )


@router.post(
    "/bank/reports", status_code=201, response_model=BankReportOut, responses=COMMAND_ERRORS
)
async def report(body: BankReportIn, cmd: CommandDep) -> Response:
    """The settlement bank reports money it received or paid, by its reference (the bank's
    service identity only). ``201`` with ``status: recorded``: posted to the fund ledger;
    ``200`` with ``already_recorded``: the bank reported this before, nothing changed. A report
    contrary to the one recorded, of an unknown reference, or whose account or amount differ
    from the reference's is refused and changes nothing."""
    cmd.require(Action.BANK_REPORT)
    log = _log(cmd.services)
    await log.ready()
    actor, ref = cmd.actor, body.bank_ref

    def job(w: Writer) -> tuple[int, bytes]:
        prior_kind = w.state.funds.bank_refs.reported(ref, body.kind.split("_")[0])
        if prior_kind == body.kind:
            prior = log.find(ref)  # rare (the bank's repeat), most often among the newest
            return 200, _again(prior, body).model_dump_json().encode()
        if prior_kind is not None:
            r: Rejection = Rejection(
                Code.ALREADY_DONE,
                f"bank reference {ref} was reported {prior_kind}, not {body.kind}",
                "kind",
            )
            return rejection_body(r)
        got = _command(w.state.funds, body)
        if isinstance(got, Rejection):
            return rejection_body(got)
        command, acct, amount = got
        evs = w.submit(command, actor)
        if isinstance(evs, Rejection):
            return _refused(evs)
        tx = next((e.tx_id for e in evs if isinstance(e, funds.FundsPosted)), None)
        out = BankReportOut(
            kind=body.kind,
            bank_ref=ref,
            account_id=acct,
            amount=yuan(amount),
            status="recorded" if evs else "already_recorded",
            tx_id=tx,
            seq=w.state.last_seq if evs else None,
        )
        return (201 if evs else 200), out.model_dump_json().encode()

    return await cmd.job(job)


@router.get("/bank/reports", response_model=BankReportsOut, responses=QUERY_ERRORS)
async def reports(
    principal: PrincipalDep,
    services: ServicesDep,
    bank_ref: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    account_id: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """The settlement bank's reports, newest first: deposits received or failed, withdrawals
    paid or failed, each with who reported it and when (exchange operators, the regulator, the
    bank)."""
    authorize(principal, Action.BANK_REPORTS_VIEW)
    log = _log(services)
    await log.ready()

    def newest() -> list[BankReportRow]:
        rows = []
        for r in log.newest():
            if (bank_ref is None or r.bank_ref == bank_ref) and (
                account_id is None or r.account_id == account_id
            ):
                rows.append(
                    BankReportRow(
                        seq=r.seq,
                        at=r.at,
                        reported_by=r.reported_by,
                        kind=r.kind,
                        bank_ref=r.bank_ref,
                        account_id=r.account_id,
                        amount=yuan(r.amount),
                        tx_id=r.tx_id,
                    )
                )
                if len(rows) == limit:
                    break
        return rows

    rows = await asyncio.to_thread(newest)
    return json_response(BankReportsOut(data=rows, count=len(rows)))
