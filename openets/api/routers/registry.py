"""The registry over HTTP: accounts, holdings, issuance, transfers and corrections (four-eyes),
surrender, freezes, the holdings report and account statements."""

from __future__ import annotations

import asyncio
import bisect
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, Role, allowed, authorize
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError, rejection_body
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, QueryFlag, query_time
from openets.api.schemas.registry import (
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    CorrectionIn,
    DecisionIn,
    FreezeIn,
    IssuanceIn,
    ProductTotal,
    ReportOut,
    ReportRow,
    RequestOut,
    RequestsOut,
    StatementOut,
    SurrenderIn,
    TransferIn,
    TxOut,
)
from openets.api.sequencer import Writer
from openets.api.statement_index import StatementIndex
from openets.api.statements import statement_lines
from openets.api.views import account_public, request_out, status_request_out, tx_out
from openets.domain.clock import to_utc_micros
from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.registry import commands as rc
from openets.registry import service as account_requests
from openets.registry.events import LedgerPosted
from openets.registry.model import SubjectType

router = APIRouter(tags=["registry"])

AccountPath = Annotated[str, Path(min_length=1, max_length=32)]
RequestPath = Annotated[str, Path(min_length=1, max_length=32)]


def _account(state: MarketState, account_id: str) -> AccountPublic:
    acct = state.registry.accounts.get(account_id)
    if acct is None:
        raise ApiError(Code.UNKNOWN_ACCOUNT, f"no account {account_id!r}", "account_id")
    return account_public(state, acct)


def _render_tx(events: tuple[Event, ...], state: MarketState) -> TxOut:
    tx = next(e for e in events if isinstance(e, LedgerPosted))
    return tx_out(tx)


def _render_request(events: tuple[Event, ...], state: MarketState) -> RequestOut:
    return request_out(state.registry.pending[events[0].request_id])  # type: ignore[attr-defined]


@router.post(
    "/registry/accounts", status_code=201, response_model=AccountPublic, responses=COMMAND_ERRORS
)
async def open_account(body: AccountCreate, cmd: CommandDep) -> Response:
    """Open a participant account (registry operator)."""
    cmd.require(Action.ACCOUNT_OPEN)
    c = rc.OpenAccount(
        SubjectType(body.subject_type), body.name, body.id_code, body.province, body.activate
    )
    return await cmd.run(
        c,
        lambda evs, st: account_public(st, st.registry.accounts[evs[0].account_id]),  # type: ignore[attr-defined]
    )


@router.get("/registry/accounts", response_model=AccountsPublic, responses=QUERY_ERRORS)
async def list_accounts(
    principal: PrincipalDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    include_system: QueryFlag = False,
    q: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[
        Literal["applied", "active", "restricted", "frozen", "closing", "closed"] | None,
        Query(),
    ] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
) -> Response:
    """Accounts the caller may see: a participant its own; operators and the regulator all.

    ``q`` finds an account by id, name or identity code (case-insensitive, part of the text);
    ``status`` keeps one lifecycle status. Pages are in account-id order: ``cursor`` (the
    ``next_cursor`` of the previous page) starts after that id; ``count`` counts every match."""
    authorize(principal, Action.ACCOUNT_LIST, principal.account_id)
    st = services.state
    own = principal.role is Role.PARTICIPANT
    if cursor is not None and (
        cursor not in st.registry.accounts or (own and cursor != principal.account_id)
    ):
        raise ApiError(
            Code.INVALID_FIELD,
            f"cursor {cursor!r} is not an account id of this list (give the next_cursor of "
            "the previous page)",
            "cursor",
        )
    if own:
        accts = (
            [st.registry.accounts[principal.account_id]]
            if principal.account_id in st.registry.accounts
            else []
        )
    else:
        accts = [
            a for a in st.registry.accounts.values() if include_system or a.system_role is None
        ]
    needle = q.casefold() if q is not None else None
    ids = sorted(
        a.account_id
        for a in accts
        if (status is None or a.status.value == status)
        and (
            needle is None
            or needle in a.account_id.casefold()
            or needle in a.name.casefold()
            or needle in a.id_code.casefold()
        )
    )
    start = bisect.bisect_right(ids, cursor) if cursor is not None else offset
    page = ids[start : start + limit]
    more = start + limit < len(ids)
    data = [account_public(st, st.registry.accounts[i]) for i in page]
    out = AccountsPublic(data=data, count=len(ids), next_cursor=page[-1] if more and page else None)
    return json_response(out)


@router.get("/registry/accounts/{account_id}", response_model=AccountPublic, responses=QUERY_ERRORS)
async def get_account(
    account_id: AccountPath, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """An account with its holdings per product and bucket."""
    authorize(principal, Action.ACCOUNT_VIEW, account_id)
    return json_response(_account(services.state, account_id))


@router.post(
    "/registry/issuances", status_code=202, response_model=RequestOut, responses=COMMAND_ERRORS
)
async def issue(body: IssuanceIn, cmd: CommandDep) -> Response:
    """Ask to issue allowances into an account (registry operator): a request that a different
    registry operator approves (``POST /registry/requests/{id}/approve``) before anything is
    issued, with the check list run again at approval."""
    cmd.require(Action.ISSUE)
    filed = body.registered_on.isoformat() if body.registered_on else ""
    c = rc.RequestIssuance(body.account_id, body.product, body.quantity, body.reason, filed)
    return await cmd.run(c, _render_request, status=202)


@router.post(
    "/registry/transfers", status_code=202, response_model=RequestOut, responses=COMMAND_ERRORS
)
async def request_transfer(body: TransferIn, cmd: CommandDep) -> Response:
    """Request a non-trade transfer; a second registry operator approves it."""
    cmd.require(Action.TRANSFER)
    c = rc.RequestTransfer(
        body.from_account, body.to_account, body.product, body.quantity, body.reason
    )
    return await cmd.run(c, _render_request, status=202)


@router.get("/registry/requests", response_model=RequestsOut, responses=QUERY_ERRORS)
async def pending_requests(principal: PrincipalDep, services: ServicesDep) -> Response:
    """Four-eyes requests awaiting a decision (registry operators, the regulator)."""
    if not (allowed(principal, Action.DECIDE) or allowed(principal, Action.REPORT)):
        authorize(principal, Action.DECIDE)
    data = [request_out(r) for r in services.state.registry.pending.values()]
    data += [status_request_out(r) for r in account_requests.part(services.state).pending.values()]
    data.sort(key=lambda r: (len(r.request_id), r.request_id))
    return json_response(RequestsOut(data=data, count=len(data)))


async def _decide(
    cmd: CommandDep, kind: str, request_id: str, approve: bool, reason: str
) -> Response:
    cmd.require(Action.DECIDE)
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        req = w.state.registry.pending.get(request_id)
        if req is None or req.kind != kind:
            return rejection_body(
                Rejection(
                    Code.UNKNOWN_TRANSACTION,
                    f"no pending {kind} request {request_id!r}",
                    "request_id",
                )
            )
        r = w.submit(rc.Decide(request_id, approve, reason), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        tx = next((e for e in r if isinstance(e, LedgerPosted)), None)
        out = request_out(
            req, "approved" if approve else "rejected", actor, tx.tx_id if tx else None
        )
        return 200, out.model_dump_json().encode()

    return await cmd.job(job)


@router.post(
    "/registry/transfers/{request_id}/approve", response_model=RequestOut, responses=COMMAND_ERRORS
)
async def approve_transfer(
    request_id: RequestPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    """Approve a transfer requested by another registry operator."""
    return await _decide(cmd, "transfer", request_id, True, body.reason if body else "")


@router.post(
    "/registry/transfers/{request_id}/reject", response_model=RequestOut, responses=COMMAND_ERRORS
)
async def reject_transfer(
    request_id: RequestPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    return await _decide(cmd, "transfer", request_id, False, body.reason if body else "")


@router.post(
    "/registry/surrenders", status_code=201, response_model=TxOut, responses=COMMAND_ERRORS
)
async def surrender(body: SurrenderIn, cmd: CommandDep) -> Response:
    """Surrender allowances for a compliance year (the account's own user). A transfer out of
    the account for good, so it needs a session opened with a one-time code where the market
    asks for two-factor login on participants' transfers."""
    cmd.require(Action.SURRENDER, body.account_id, mfa=True)
    items = tuple((i.product, i.quantity) for i in body.items)
    return await cmd.run(rc.Surrender(body.account_id, body.compliance_year, items), _render_tx)


@router.post("/registry/freezes", status_code=201, response_model=TxOut, responses=COMMAND_ERRORS)
async def freeze(body: FreezeIn, cmd: CommandDep) -> Response:
    """Judicially freeze available allowances (registry operator)."""
    cmd.require(Action.FREEZE)
    c = rc.Freeze(body.account_id, body.product, body.quantity, body.reason)
    return await cmd.run(c, _render_tx)


@router.post("/registry/unfreezes", status_code=201, response_model=TxOut, responses=COMMAND_ERRORS)
async def unfreeze(body: FreezeIn, cmd: CommandDep) -> Response:
    cmd.require(Action.FREEZE)
    c = rc.Unfreeze(body.account_id, body.product, body.quantity, body.reason)
    return await cmd.run(c, _render_tx)


@router.post(
    "/registry/corrections", status_code=202, response_model=RequestOut, responses=COMMAND_ERRORS
)
async def request_correction(body: CorrectionIn, cmd: CommandDep) -> Response:
    """Request the reversal of a transaction; a second registry operator approves it."""
    cmd.require(Action.CORRECT)
    return await cmd.run(rc.RequestCorrection(body.tx_id, body.reason), _render_request, status=202)


@router.post(
    "/registry/corrections/{request_id}/approve",
    response_model=RequestOut,
    responses=COMMAND_ERRORS,
)
async def approve_correction(
    request_id: RequestPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    return await _decide(cmd, "correction", request_id, True, body.reason if body else "")


@router.post(
    "/registry/corrections/{request_id}/reject", response_model=RequestOut, responses=COMMAND_ERRORS
)
async def reject_correction(
    request_id: RequestPath, cmd: CommandDep, body: DecisionIn | None = None
) -> Response:
    return await _decide(cmd, "correction", request_id, False, body.reason if body else "")


@router.get("/registry/report", response_model=ReportOut, responses=QUERY_ERRORS)
async def report(
    principal: PrincipalDep,
    services: ServicesDep,
    product: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Response:
    """Holdings by account and product, with issued, retired and held totals per product."""
    authorize(principal, Action.REPORT)
    reg = services.state.registry
    rows = []
    held: dict[str, int] = {}
    retired: dict[str, int] = {}
    for (acct_id, prod), b in sorted(reg.holdings.items()):
        if product is not None and prod != product:
            continue
        total = sum(b)
        if reg.is_retirement(acct_id):
            retired[prod] = retired.get(prod, 0) + total
            continue
        held[prod] = held.get(prod, 0) + total
        acct = reg.accounts[acct_id]
        if total and acct.system_role is None:
            rows.append(
                ReportRow(
                    account_id=acct_id,
                    name=acct.name,
                    province=acct.province,
                    product=prod,
                    available=b[0],
                    locked=b[1],
                    pending=b[2],
                    pledged=b[3],
                    frozen=b[4],
                    total=total,
                )
            )
    products = sorted(set(held) | set(retired))
    totals = [
        ProductTotal(
            product=p, issued=reg.issued(p), retired=retired.get(p, 0), held=held.get(p, 0)
        )
        for p in products
    ]
    out = ReportOut(data=rows[offset : offset + limit], count=len(rows), totals=totals)
    return json_response(out)


def _index(services: ServicesDep) -> StatementIndex | None:
    index = services.extras.get("statement_index")
    return index if isinstance(index, StatementIndex) else None


def _parse_when(text: str | None, field: str, *, end: bool) -> datetime | None:
    """A date (the whole day, Beijing time) or an ISO 8601 time; None when not given."""
    when = query_time(text, field)
    if when is not None and end and text is not None and len(text) == 10:
        return when + timedelta(days=1)
    return when


@router.get(
    "/registry/accounts/{account_id}/statement",
    response_model=StatementOut,
    responses=QUERY_ERRORS,
)
async def statement(
    account_id: AccountPath,
    principal: PrincipalDep,
    services: ServicesDep,
    from_: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    to: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ref: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> Response:
    """The account's allowance and money movements in ``[from, to)`` from the journal.

    ``from`` and ``to`` are dates (whole days, Beijing time; ``to`` includes its day) or ISO
    8601 times (``to`` excluded). ``ref``: only the lines of that reference (a trade's id
    gives the lines that paid for and settled it)."""
    authorize(principal, Action.STATEMENT, account_id)
    st = services.state
    if account_id not in st.registry.accounts:
        raise ApiError(Code.UNKNOWN_ACCOUNT, f"no account {account_id!r}", "account_id")
    lo = _parse_when(from_, "from", end=False)
    hi = _parse_when(to, "to", end=True)
    if lo is not None and hi is not None and hi < lo:
        raise ApiError(Code.INVALID_FIELD, f"to ({to}) is before from ({from_})", "to")
    lo_us = to_utc_micros(lo) if lo is not None else None
    hi_us = to_utc_micros(hi) if hi is not None else None
    lines = await asyncio.to_thread(
        statement_lines,
        services.market.engine.journal,
        account_id,
        lo_us,
        hi_us,
        st.last_seq,
        _index(services),
    )
    if ref is not None:
        lines = [x for x in lines if x.ref == ref]
    out = StatementOut(
        account_id=account_id,
        period_from=lo.isoformat() if lo else None,
        period_to=hi.isoformat() if hi else None,
        data=lines[:limit],
        count=len(lines),
    )
    return json_response(out)
