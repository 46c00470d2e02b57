"""Accounts over their whole life (shared/API.md): status requests and claw-backs decided by a
second registry operator, and pledge financing.

- ``POST /registry/accounts/{id}/activate|restrict|close`` (registry operator): a request;
  ``POST /registry/requests/{id}/approve`` (or ``/reject``) by a *different* operator carries
  it out. ``close`` moves an active account to ``closing``, a closing (or never activated) one
  to ``closed``.
- ``POST /registry/clawbacks`` (registry operator, four-eyes the same way).
- ``POST /finance/pledges`` (the pledgor's user), ``/finance/pledges/{id}/release`` (the
  lender's user), ``/finance/pledges/{id}/default`` (a registry operator asks; another approves
  with ``/finance/pledges/{id}/default/approve`` or ``/reject``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from openets.api.auth import Action, Role, authorize
from openets.api.deps import CommandDep, PrincipalDep, Render, ServicesDep, json_response
from openets.api.errors import ApiCode, ApiError, rejection_body
from openets.api.schemas.common import (
    COMMAND_ERRORS,
    QUERY_ERRORS,
    AccountRef,
    Amount,
    InModel,
    IsoDay,
    OutModel,
    ProductCode,
    Quantity,
    text_schema,
    text_validator,
    yuan,
)
from openets.api.schemas.registry import RequestOut
from openets.api.sequencer import Writer
from openets.api.views import request_out, status_request_out
from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.registry import commands as rc
from openets.registry import service as ar
from openets.registry.events import LedgerPosted
from openets.supervision import finance as sf
from openets.supervision.finance import fin

router = APIRouter(tags=["registry"])

IdPath = Annotated[str, Path(min_length=1, max_length=32)]
Reason = Annotated[str, text_validator(500, 1), text_schema(500, 1)]
OptReason = Annotated[str, text_validator(500), text_schema(500)]
Reference = Annotated[str, text_validator(64, 1), text_schema(64, 1)]


class ReasonIn(InModel):
    reason: Reason


class DecisionIn(InModel):
    reason: OptReason = ""


class ClawBackIn(InModel):
    account_id: AccountRef
    product: ProductCode
    quantity: Quantity
    reason: Reason


class PledgeIn(InModel):
    pledgor: AccountRef
    lender: AccountRef
    product: ProductCode
    quantity: Quantity
    loan: Amount
    maturity: IsoDay
    reference: Reference


class PledgeOut(OutModel):
    pledge_id: str
    pledgor: str
    lender: str
    product: str
    quantity: int
    loan: str
    maturity: str
    reference: str
    status: str
    """``active``, ``default_pending``, ``released`` or ``enforced``."""
    default_requested_by: str | None = None
    """Who asked for the enforcement, while it waits (another operator decides)."""


class PledgesOut(OutModel):
    data: list[PledgeOut]
    count: int


# --- account status and claw-backs ----------------------------------------------------------


def _render_status_request(events: tuple[Event, ...], st: MarketState) -> RequestOut:
    ev = events[0]
    assert isinstance(ev, ar.StatusChangeRequested)
    return status_request_out(ev)


async def _status(cmd: CommandDep, account_id: str, action: str, reason: str) -> Response:
    cmd.require(Action.ACCOUNT_OPEN)
    c = ar.RequestAccountStatus(account_id, action, reason)
    return await cmd.run(c, _render_status_request, status=202)


@router.post(
    "/registry/accounts/{account_id}/activate",
    status_code=202,
    response_model=RequestOut,
    responses=COMMAND_ERRORS,
)
async def activate(account_id: IdPath, body: ReasonIn, cmd: CommandDep) -> Response:
    """Ask to activate an account (applied or restricted → active); another operator approves."""
    return await _status(cmd, account_id, "activate", body.reason)


@router.post(
    "/registry/accounts/{account_id}/restrict",
    status_code=202,
    response_model=RequestOut,
    responses=COMMAND_ERRORS,
)
async def restrict(account_id: IdPath, body: ReasonIn, cmd: CommandDep) -> Response:
    """Ask to restrict an active account (it may receive, not send)."""
    return await _status(cmd, account_id, "restrict", body.reason)


@router.post(
    "/registry/accounts/{account_id}/close",
    status_code=202,
    response_model=RequestOut,
    responses=COMMAND_ERRORS,
)
async def close(account_id: IdPath, body: ReasonIn, cmd: CommandDep) -> Response:
    """Ask to close an account: active → closing, closing (empty) → closed."""
    return await _status(cmd, account_id, "close", body.reason)


@router.post(
    "/registry/clawbacks", status_code=202, response_model=RequestOut, responses=COMMAND_ERRORS
)
async def clawback(body: ClawBackIn, cmd: CommandDep) -> Response:
    """Ask to claw allowances back from an account to the issuing account (four-eyes)."""
    cmd.require(Action.ISSUE)
    c = ar.RequestClawBack(body.account_id, body.product, body.quantity, body.reason)

    def render(events: tuple[Event, ...], st: MarketState) -> RequestOut:
        return request_out(st.registry.pending[events[0].request_id])  # type: ignore[attr-defined]

    return await cmd.run(c, render, status=202)


async def _decide(cmd: CommandDep, request_id: str, approve: bool, reason: str) -> Response:
    cmd.require(Action.DECIDE)
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        status_req = ar.part(w.state).pending.get(request_id)
        reg_req = w.state.registry.pending.get(request_id)
        outcome = "approved" if approve else "rejected"
        if status_req is not None:
            r = w.submit(ar.DecideAccountStatus(request_id, approve, reason), actor)
            if isinstance(r, Rejection):
                return rejection_body(r)
            out = status_request_out(status_req, outcome, actor)
            return 200, out.model_dump_json().encode()
        if reg_req is None:
            return rejection_body(
                Rejection(
                    Code.UNKNOWN_TRANSACTION, f"no pending request {request_id!r}", "request_id"
                )
            )
        r = w.submit(rc.Decide(request_id, approve, reason), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        tx = next((e for e in r if isinstance(e, LedgerPosted)), None)
        out = request_out(reg_req, outcome, actor, tx.tx_id if tx else None)
        return 200, out.model_dump_json().encode()

    return await cmd.job(job)


@router.post(
    "/registry/requests/{request_id}/approve", response_model=RequestOut, responses=COMMAND_ERRORS
)
async def approve_request(
    request_id: IdPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    """Approve any four-eyes request (status change, claw-back, transfer, correction) made by
    another registry operator."""
    return await _decide(cmd, request_id, True, body.reason if body else "")


@router.post(
    "/registry/requests/{request_id}/reject", response_model=RequestOut, responses=COMMAND_ERRORS
)
async def reject_request(
    request_id: IdPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    return await _decide(cmd, request_id, False, body.reason if body else "")


# --- pledges --------------------------------------------------------------------------------


def pledge_out(rec: sf.PledgeRecord) -> PledgeOut:
    t = rec.terms
    return PledgeOut(
        pledge_id=t.pledge_id,
        pledgor=t.pledgor,
        lender=t.lender,
        product=t.product,
        quantity=t.quantity,
        loan=yuan(t.loan_fen),
        maturity=t.maturity,
        reference=t.reference,
        status=rec.status.value,
        default_requested_by=rec.initiator or None,
    )


def _render_pledge(pledge_id: str | None = None) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> PledgeOut:
        pid = pledge_id
        if pid is None:
            pid = next(e.pledge_id for e in events if isinstance(e, sf.PledgeRegistered))
        return pledge_out(fin(st).pledges[pid])

    return render


@router.post(
    "/finance/pledges", status_code=201, response_model=PledgeOut, responses=COMMAND_ERRORS
)
async def pledge(body: PledgeIn, cmd: CommandDep) -> Response:
    """Pledge allowances to a lender (the pledgor's user): they move to the pledged bucket."""
    cmd.require(Action.SURRENDER, body.pledgor, mfa=True)  # a transfer off the exchange
    c = sf.RegisterPledge(
        body.pledgor, body.lender, body.product, body.quantity, body.loan, body.maturity,
        body.reference,
    )  # fmt: skip
    return await cmd.run(c, _render_pledge())


def _pledge_or_404(cmd: CommandDep, pledge_id: str) -> sf.PledgeRecord:
    """The pledge named in the path; one that does not exist is not found (404), not refused."""
    rec = fin(cmd.services.state).pledges.get(pledge_id)
    if rec is None:
        raise ApiError(ApiCode.NOT_FOUND, f"no pledge {pledge_id!r}", "pledge_id")
    return rec


@router.post(
    "/finance/pledges/{pledge_id}/release", response_model=PledgeOut, responses=COMMAND_ERRORS
)
async def release(pledge_id: IdPath, cmd: CommandDep, body: DecisionIn | None = None) -> Response:
    """The loan is repaid: the lender's user releases the pledge."""
    rec = _pledge_or_404(cmd, pledge_id)
    cmd.require(Action.SURRENDER, rec.terms.lender)
    reason = (body.reason if body else "") or "loan repaid"
    c = sf.RepayPledge(pledge_id, reason)
    return await cmd.run(c, _render_pledge(pledge_id), status=200)


@router.post(
    "/finance/pledges/{pledge_id}/default", response_model=PledgeOut, responses=COMMAND_ERRORS
)
async def default(pledge_id: IdPath, body: ReasonIn, cmd: CommandDep) -> Response:
    """The pledgor defaulted: a registry operator asks to transfer the pledge to the lender."""
    cmd.require(Action.DECIDE)
    _pledge_or_404(cmd, pledge_id)
    c = sf.RequestPledgeEnforcement(pledge_id, body.reason)
    return await cmd.run(c, _render_pledge(pledge_id), status=200)


async def _enforce(cmd: CommandDep, pledge_id: str, approve: bool, reason: str) -> Response:
    cmd.require(Action.DECIDE)
    _pledge_or_404(cmd, pledge_id)
    c = sf.DecidePledgeEnforcement(pledge_id, approve, reason)
    return await cmd.run(c, _render_pledge(pledge_id), status=200)


@router.post(
    "/finance/pledges/{pledge_id}/default/approve",
    response_model=PledgeOut,
    responses=COMMAND_ERRORS,
)
async def approve_default(
    pledge_id: IdPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    """A different registry operator approves: the pledged tonnes go to the lender."""
    return await _enforce(cmd, pledge_id, True, body.reason if body else "")


@router.post(
    "/finance/pledges/{pledge_id}/default/reject",
    response_model=PledgeOut,
    responses=COMMAND_ERRORS,
)
async def reject_default(
    pledge_id: IdPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    return await _enforce(cmd, pledge_id, False, body.reason if body else "")


@router.get("/finance/pledges", response_model=PledgesOut, responses=QUERY_ERRORS)
async def pledges(principal: PrincipalDep, services: ServicesDep) -> Response:
    """Pledges: a participant those of its account (as pledgor or lender); operators and the
    regulator all."""
    authorize(principal, Action.ACCOUNT_LIST, principal.account_id)
    recs = list(fin(services.state).pledges.values())
    if principal.role is Role.PARTICIPANT:
        recs = [r for r in recs if principal.account_id in (r.terms.pledgor, r.terms.lender)]
    data = [pledge_out(r) for r in recs]
    return json_response(PledgesOut(data=data, count=len(data)))
