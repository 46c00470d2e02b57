"""Block agreement trading (大宗协议) over HTTP: requests, counter-offers, confirmation.

A participant sees the block desk as :func:`openets.trading.block_service.block_requests_for`
shows it to its account: open requests anonymously, directed offers only between their two
parties, its own dialogues. Operators and the regulator see every request with its parties.
A request the account may not see is answered as unknown (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, Principal, authorize
from openets.api.deps import CommandDep, PrincipalDep, Render, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.routers._trading_views import trade_out, trading_of
from openets.api.schemas.block import (
    BlockAcceptIn,
    BlockActorIn,
    BlockQuoteIn,
    BlockQuoteOut,
    BlockRequestIn,
    BlockRequestOut,
    BlockRequestsOut,
    BlockTradeOut,
)
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, AccountRef, QueryFlag, yuan
from openets.domain.messages import Event
from openets.domain.rejection import Code
from openets.market import MarketState
from openets.trading.block import BlockSide, BlockState, RequestView
from openets.trading.block_messages import (
    AcceptBlockQuote,
    BlockRequestOpened,
    BlockTraded,
    CounterBlockQuote,
    PostBlockRequest,
    RejectBlockQuote,
    WithdrawBlock,
)
from openets.trading.block_service import block_request_for, block_requests_for, book
from openets.trading.events import TradeExecuted

router = APIRouter(tags=["block"])

IdPath = Annotated[str, Path(min_length=1, max_length=32)]
AccountQuery = Annotated[AccountRef | None, Query(min_length=1, max_length=32)]


def _out(v: RequestView) -> BlockRequestOut:
    return BlockRequestOut(
        request_id=v.request_id,
        instrument=v.instrument,
        side=v.side.value,
        status=v.status.value,
        requester=v.requester,
        quotes=[
            BlockQuoteOut(
                quote_id=q.quote_id, by=q.by, to=q.to, price=yuan(q.price), quantity=q.quantity
            )
            for q in v.quotes
        ],
    )


def _full(st: BlockState) -> BlockRequestOut:
    """Every live quote with its parties (operators and the regulator)."""
    req = st.request
    return BlockRequestOut(
        request_id=req.request_id,
        instrument=req.instrument,
        side=req.side.value,
        status=st.status.value,
        requester=req.requester,
        quotes=[
            BlockQuoteOut(
                quote_id=q.quote_id, by=q.by, to=q.to, price=yuan(q.price), quantity=q.quantity
            )
            for q in st.live
        ],
    )


def _seen_by(m: MarketState, request_id: str, account_id: str) -> BlockRequestOut:
    """The request as the account sees it after its own command (at least its status)."""
    v = block_request_for(m, request_id, account_id)
    if v is not None:
        return _out(v)
    st = book(m).requests[request_id]
    return BlockRequestOut(
        request_id=request_id,
        instrument=st.request.instrument,
        side=st.request.side.value,
        status=st.status.value,
        requester=None,
        quotes=[],
    )


def _render_view(request_id: str, account_id: str) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> BlockRequestOut:
        return _seen_by(st, request_id, account_id)

    return render


def _side(name: str) -> BlockSide:
    return BlockSide.BUY if name == "buy" else BlockSide.SELL


@router.post(
    "/block/requests", status_code=201, response_model=BlockRequestOut, responses=COMMAND_ERRORS
)
async def post_request(body: BlockRequestIn, cmd: CommandDep) -> Response:
    """Post a block request (at least 100,000 t in the afternoon session, within ±30%)."""
    cmd.require(Action.TRADE, body.account_id)
    acct = body.account_id

    def render(events: tuple[Event, ...], st: MarketState) -> BlockRequestOut:
        ev = next(e for e in events if isinstance(e, BlockRequestOpened))
        return _seen_by(st, ev.request.request_id, acct)

    c = PostBlockRequest(
        acct, body.instrument, _side(body.side), body.price, body.quantity, body.counterparty
    )
    return await cmd.run(c, render)


def _viewer(principal: Principal, account_id: str | None) -> str | None:
    if principal.is_participant:
        account_id = account_id or principal.account_id
    authorize(principal, Action.VIEW_LISTINGS, account_id)
    return account_id


@router.get("/block/requests", response_model=BlockRequestsOut, responses=QUERY_ERRORS)
async def list_requests(
    principal: PrincipalDep,
    services: ServicesDep,
    account_id: AccountQuery = None,
    instrument: Annotated[str | None, Query(min_length=1, max_length=16)] = None,
    include_ended: QueryFlag = False,
) -> Response:
    """The block desk as the account sees it; operators and the regulator see every request
    (or an account's view with ``account_id``)."""
    viewer = _viewer(principal, account_id)
    st = services.state
    if viewer is not None:
        views = block_requests_for(st, viewer, instrument=instrument, include_ended=include_ended)
        data = [_out(v) for v in views]
    else:
        data = [
            _full(s)
            for _, s in sorted(book(st).requests.items())
            if (instrument is None or s.request.instrument == instrument)
            and (include_ended or s.status.value == "open")
        ]
    return json_response(BlockRequestsOut(data=data, count=len(data)))


@router.get("/block/requests/{request_id}", response_model=BlockRequestOut, responses=QUERY_ERRORS)
async def get_request(
    request_id: IdPath,
    principal: PrincipalDep,
    services: ServicesDep,
    account_id: AccountQuery = None,
) -> Response:
    """One block request, as the account may see it."""
    viewer = _viewer(principal, account_id)
    st = services.state
    out: BlockRequestOut | None
    if viewer is not None:
        v = block_request_for(st, request_id, viewer)
        out = _out(v) if v is not None else None
    else:
        s = book(st).requests.get(request_id)
        out = _full(s) if s is not None else None
    if out is None:
        raise ApiError(Code.UNKNOWN_ORDER, f"no block request {request_id!r}", "request_id")
    return json_response(out)


@router.post(
    "/block/requests/{request_id}/quotes",
    status_code=201,
    response_model=BlockRequestOut,
    responses=COMMAND_ERRORS,
)
async def counter(request_id: IdPath, body: BlockQuoteIn, cmd: CommandDep) -> Response:
    """A firm counter-offer on a request (对话议价); the account's side of it is locked."""
    cmd.require(Action.TRADE, body.account_id)
    c = CounterBlockQuote(request_id, body.account_id, body.price, body.quantity, body.counterparty)
    return await cmd.run(c, _render_view(request_id, body.account_id))


@router.post(
    "/block/requests/{request_id}/accept",
    status_code=201,
    response_model=BlockTradeOut,
    responses=COMMAND_ERRORS,
)
async def accept(request_id: IdPath, body: BlockAcceptIn, cmd: CommandDep) -> Response:
    """Confirm the other side's quote at exactly its price and quantity: the trade."""
    cmd.require(Action.TRADE, body.account_id)
    acct = body.account_id

    def render(events: tuple[Event, ...], st: MarketState) -> BlockTradeOut:
        traded = next(e for e in events if isinstance(e, BlockTraded))
        ev = next(e for e in events if isinstance(e, TradeExecuted))
        return BlockTradeOut(
            request_id=request_id,
            quote_id=traded.quote_id,
            trade=trade_out(trading_of(st), ev, acct),
        )

    c = AcceptBlockQuote(request_id, acct, body.price, body.quantity, body.quote_id or "")
    return await cmd.run(c, render)


@router.post(
    "/block/requests/{request_id}/quotes/{quote_id}/reject",
    response_model=BlockRequestOut,
    responses=COMMAND_ERRORS,
)
async def reject(
    request_id: IdPath, quote_id: IdPath, body: BlockActorIn, cmd: CommandDep
) -> Response:
    """Turn down a quote addressed to the account; its maker's lock is released."""
    cmd.require(Action.TRADE, body.account_id)
    c = RejectBlockQuote(request_id, body.account_id, quote_id)
    return await cmd.run(c, _render_view(request_id, body.account_id), status=200)


async def _withdraw(
    cmd: CommandDep, request_id: str, quote_id: str, account_id: str | None
) -> Response:
    acct = account_id or cmd.principal.account_id
    cmd.require(Action.TRADE, acct)
    assert acct is not None
    c = WithdrawBlock(request_id, acct, quote_id)
    return await cmd.run(c, _render_view(request_id, acct), status=200)


@router.delete(
    "/block/requests/{request_id}", response_model=BlockRequestOut, responses=COMMAND_ERRORS
)
async def withdraw_request(
    request_id: IdPath, cmd: CommandDep, account_id: AccountQuery = None
) -> Response:
    """The requester withdraws its request; every lock on it is released."""
    return await _withdraw(cmd, request_id, "", account_id)


@router.delete(
    "/block/requests/{request_id}/quotes/{quote_id}",
    response_model=BlockRequestOut,
    responses=COMMAND_ERRORS,
)
async def withdraw_quote(
    request_id: IdPath, quote_id: IdPath, cmd: CommandDep, account_id: AccountQuery = None
) -> Response:
    """Take back one's own counter-offer; its lock is released."""
    return await _withdraw(cmd, request_id, quote_id, account_id)
