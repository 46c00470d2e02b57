"""One-way bidding (单向竞价) over HTTP: the exchange announces, participants bid sealed.

Who sees what (:func:`openets.trading.auction_service.auction_view`): anyone the announcement
and, after the close, the published figures; a participant its own bids; the initiator, the
exchange and the regulator who initiated and a secret reserve. Bids are sealed from everyone but
their bidder until the close: the exchange and the regulator see every bid only once the
auction has ended. A bid of another account is answered as unknown (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from openets.api.auth import Action, Principal, Role
from openets.api.deps import (
    Check,
    CommandDep,
    Render,
    ServicesDep,
    authenticate,
    json_response,
)
from openets.api.errors import ApiError
from openets.api.schemas.auctions import (
    AuctionCancelIn,
    AuctionIn,
    AuctionOut,
    AuctionsOut,
    AuctionSummaryOut,
    BidIn,
    BidOut,
    BidWithdrawnOut,
)
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, AccountRef, QueryFlag, yuan
from openets.api.security import SESSION_COOKIE
from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.trading.auction import (
    AuctionSide,
    AuctionSummary,
    PricingRule,
    ReserveRule,
    TieBreak,
)
from openets.trading.auction_book import OPEN, AuctionView, BidView
from openets.trading.auction_messages import (
    AnnounceAuction,
    AuctionAnnounced,
    BidModified,
    BidPlaced,
    CancelAuction,
    CloseAuction,
    ModifyBid,
    PlaceBid,
    WithdrawBid,
)
from openets.trading.auction_service import auction_book, auction_view

router = APIRouter(tags=["auctions"])

IdPath = Annotated[str, Path(min_length=1, max_length=32)]
AccountQuery = Annotated[AccountRef | None, Query(min_length=1, max_length=32)]
STAFF = (Role.EXCHANGE_OPERATOR, Role.REGULATOR)


def _summary(s: AuctionSummary | None) -> AuctionSummaryOut | None:
    if s is None:
        return None
    return AuctionSummaryOut(
        outcome=s.outcome.value,
        cancel_reason=s.cancel_reason.value if s.cancel_reason else None,
        supply=s.supply,
        bid_volume=s.bid_volume,
        eligible_volume=s.eligible_volume,
        volume=s.volume,
        clearing_price=yuan(s.clearing_price) if s.clearing_price is not None else None,
        average_price=yuan(s.average_price) if s.average_price is not None else None,
        turnover=yuan(s.turnover),
        cover_ratio_bps=s.cover_ratio_bps,
        bids=s.bids,
        bidders=s.bidders,
        winners=s.winners,
    )


def _bid(auction_id: str, b: BidView) -> BidOut:
    return BidOut(
        bid_id=b.bid_id,
        auction_id=auction_id,
        price=yuan(b.price),
        quantity=b.quantity,
        locked_funds=yuan(b.locked_fen),
        locked_tonnes=b.locked_tonnes,
        allocated=b.allocated,
        trade_price=yuan(b.trade_price) if b.trade_price is not None else None,
        trade_id=b.trade_id or None,
    )


def _out(v: AuctionView, *, sealed: bool = False) -> AuctionOut:
    return AuctionOut(
        auction_id=v.auction_id,
        instrument=v.instrument,
        side=v.side.value,
        quantity=v.quantity,
        lot_size=v.lot_size,
        reserve_price=yuan(v.reserve_price) if v.reserve_price is not None else None,
        opens_at=v.opens_at,
        closes_at=v.closes_at,
        per_bidder_cap=v.per_bidder_cap,
        pricing=v.pricing.value,
        tie_break=v.tie_break.value,
        min_cover_bps=v.min_cover_bps,
        reserve_rule=v.reserve_rule.value,
        paid_allocation=v.paid_allocation,
        fixed_price=v.fixed_price,
        covered_only=v.covered_only,
        preset=v.preset,
        status=v.status,
        cancel_reason=v.cancel_reason,
        initiator=v.initiator,
        bids=[] if sealed else [_bid(v.auction_id, b) for b in v.my_bids],
        summary=_summary(v.summary),
    )


def view_for(m: MarketState, auction_id: str, principal: Principal | None) -> AuctionOut | None:
    """The auction as ``principal`` (None: anonymous) may see it."""
    if principal is not None and principal.role in STAFF:
        v = auction_view(m, auction_id, None, operator=True)
        return None if v is None else _out(v, sealed=v.status == OPEN)
    viewer = principal.account_id if principal is not None and principal.is_participant else None
    v = auction_view(m, auction_id, viewer)
    return None if v is None else _out(v)


def _optional_principal(request: Request) -> Principal | None:
    """The caller if it sent a token or a session cookie; None for an anonymous reader."""
    if request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE):
        return authenticate(request).principal
    return None


def _render_operator(auction_id: str | None = None) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> AuctionOut:
        aid = auction_id
        if aid is None:
            aid = next(e for e in events if isinstance(e, AuctionAnnounced)).spec.auction_id
        v = auction_view(st, aid, None, operator=True)
        assert v is not None
        return _out(v, sealed=v.status == OPEN)

    return render


@router.post("/auctions", status_code=201, response_model=AuctionOut, responses=COMMAND_ERRORS)
async def announce(body: AuctionIn, cmd: CommandDep) -> Response:
    """Announce an auction (exchange operator); the initiator's side is locked at once."""
    cmd.require(Action.TRADING_ADMIN)
    c = AnnounceAuction(
        initiator=body.initiator,
        side=AuctionSide(body.side),
        instrument=body.instrument,
        quantity=body.quantity,
        reserve_price=body.reserve_price,
        closes_at=body.closes_at or "",
        opens_at=body.opens_at or "",
        lot_size=body.lot_size,
        per_bidder_cap=body.per_bidder_cap,
        pricing=PricingRule(body.pricing),
        tie_break=TieBreak(body.tie_break),
        min_cover_bps=body.min_cover_bps,
        reserve_rule=ReserveRule(body.reserve_rule),
        preset=body.preset,
    )
    return await cmd.run(c, _render_operator())


@router.get("/auctions", response_model=AuctionsOut, responses=QUERY_ERRORS)
async def list_auctions(
    request: Request, services: ServicesDep, include_ended: QueryFlag = True
) -> Response:
    """Every auction as the caller may see it (anonymous callers: the public announcement)."""
    principal = _optional_principal(request)
    st = services.state
    data = []
    for aid in sorted(auction_book(st).auctions):
        out = view_for(st, aid, principal)
        if out is not None and (include_ended or out.status == OPEN):
            data.append(out)
    return json_response(AuctionsOut(data=data, count=len(data)))


@router.get("/auctions/{auction_id}", response_model=AuctionOut, responses=QUERY_ERRORS)
async def get_auction(auction_id: IdPath, request: Request, services: ServicesDep) -> Response:
    """One auction as the caller may see it."""
    out = view_for(services.state, auction_id, _optional_principal(request))
    if out is None:
        raise ApiError(Code.UNKNOWN_ORDER, f"no auction {auction_id!r}", "auction_id")
    return json_response(out)


def _render_bid(auction_id: str, account_id: str) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> BidOut:
        ev = next(e for e in events if isinstance(e, BidPlaced | BidModified))
        v = auction_view(st, auction_id, account_id)
        assert v is not None
        return _bid(auction_id, next(b for b in v.my_bids if b.bid_id == ev.bid.bid_id))

    return render


@router.post(
    "/auctions/{auction_id}/bids", status_code=201, response_model=BidOut, responses=COMMAND_ERRORS
)
async def place_bid(auction_id: IdPath, body: BidIn, cmd: CommandDep) -> Response:
    """A sealed bid (an offer in a buy auction), locked in full until the close."""
    cmd.require(Action.TRADE, body.account_id)
    c = PlaceBid(auction_id, body.account_id, body.price, body.quantity)
    return await cmd.run(c, _render_bid(auction_id, body.account_id))


def _own_bid(auction_id: str, bid_id: str, account_id: str) -> Check:
    def check(st: MarketState) -> Rejection | None:
        a = auction_book(st).auctions.get(auction_id)
        bid = a.bids.get(bid_id) if a is not None else None
        if bid is None or bid.bidder != account_id:
            return Rejection(
                Code.UNKNOWN_ORDER,
                f"no bid {bid_id!r} of account {account_id} in auction {auction_id!r}",
                "bid_id",
            )
        return None

    return check


@router.put("/auctions/{auction_id}/bids/{bid_id}", response_model=BidOut, responses=COMMAND_ERRORS)
async def modify_bid(auction_id: IdPath, bid_id: IdPath, body: BidIn, cmd: CommandDep) -> Response:
    """Change one's own bid while bidding is open (it keeps its id; its time is the change's)."""
    cmd.require(Action.TRADE, body.account_id)
    acct = body.account_id
    c = ModifyBid(auction_id, bid_id, acct, body.price, body.quantity)
    return await cmd.run(
        c, _render_bid(auction_id, acct), status=200, check=_own_bid(auction_id, bid_id, acct)
    )


@router.delete(
    "/auctions/{auction_id}/bids/{bid_id}",
    response_model=BidWithdrawnOut,
    responses=COMMAND_ERRORS,
)
async def withdraw_bid(
    auction_id: IdPath, bid_id: IdPath, cmd: CommandDep, account_id: AccountQuery = None
) -> Response:
    """Withdraw one's own bid while bidding is open; its lock is released."""
    acct = account_id or cmd.principal.account_id
    cmd.require(Action.TRADE, acct)
    assert acct is not None

    def render(events: tuple[Event, ...], st: MarketState) -> BidWithdrawnOut:
        return BidWithdrawnOut(auction_id=auction_id, bid_id=bid_id, status="withdrawn")

    return await cmd.run(
        WithdrawBid(auction_id, bid_id, acct),
        render,
        status=200,
        check=_own_bid(auction_id, bid_id, acct),
    )


@router.post("/auctions/{auction_id}/close", response_model=AuctionOut, responses=COMMAND_ERRORS)
async def close_auction(auction_id: IdPath, cmd: CommandDep) -> Response:
    """Clear the auction after its window (exchange operator): winners trade, the rest is
    released, the figures are published."""
    cmd.require(Action.TRADING_ADMIN)
    return await cmd.run(CloseAuction(auction_id), _render_operator(auction_id), status=200)


@router.post("/auctions/{auction_id}/cancel", response_model=AuctionOut, responses=COMMAND_ERRORS)
async def cancel_auction(auction_id: IdPath, body: AuctionCancelIn, cmd: CommandDep) -> Response:
    """Call the auction off before it clears (exchange operator); every lock is released."""
    cmd.require(Action.TRADING_ADMIN)
    c = CancelAuction(auction_id, body.reason)
    return await cmd.run(c, _render_operator(auction_id), status=200)
