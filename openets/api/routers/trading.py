"""Trading over HTTP: instruments, listings (挂牌) and takes (摘牌), continuous orders, and
each account's own listings and trades.

Each endpoint parses, checks who may act for which account, submits one engine command through
the sequencer and renders the answer from its events and the state right after it. A listing
or order of another account is answered as unknown (404): whether it exists is not revealed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, Principal, Role, authorize
from openets.api.deps import (
    Check,
    CommandDep,
    PrincipalDep,
    Render,
    Services,
    ServicesDep,
    json_response,
)
from openets.api.errors import ApiError
from openets.api.routers._accountlog import AccountLog
from openets.api.routers._listinglog import ListingLog
from openets.api.routers._orderhistory import (
    HistoryStatus,
    ListingHistoryOut,
    SideFilter,
    order_history,
)
from openets.api.routers._tradelog import TradeLog
from openets.api.routers._trading_views import (
    instrument_out,
    listing_json,
    listing_out,
    trade_json,
    trade_out,
    trading_of,
)
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, AccountRef, yuan
from openets.api.schemas.trading import (
    CancelOut,
    CompositeStageOut,
    CompositeWeightOut,
    DueVintagesIn,
    InstrumentIn,
    InstrumentOut,
    InstrumentsOut,
    InstrumentStatusIn,
    ListingIn,
    ListingOut,
    ListingsOut,
    OrderOut,
    TakeIn,
    TradeOut,
    TradesOut,
    VintageOut,
    VintagesOut,
)
from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.supervision import messages as sm
from openets.trading import commands as tc
from openets.trading.book import Side
from openets.trading.events import (
    InstrumentListed,
    ListingCancelled,
    ListingPosted,
    TradeExecuted,
)

router = APIRouter(tags=["trading"])

IdPath = Annotated[str, Path(min_length=1, max_length=32)]
CodePath = Annotated[str, Path(min_length=1, max_length=16)]
AccountQuery = Annotated[AccountRef | None, Query(min_length=1, max_length=32)]
InstrumentQuery = Annotated[str | None, Query(min_length=1, max_length=16)]
Limit = Annotated[int, Query(ge=1, le=10_000)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


def setup(services: Services) -> None:
    def resting(listing_id: str) -> bool:
        return listing_id in trading_of(services.state).listings

    listings = trading_of(services.state).listings
    log = AccountLog(
        services.market.engine.journal,
        services.state.last_seq,
        resting,
        {lid: lst.account_id for lid, lst in listings.items()},
    )
    services.market.engine.subscribers.append(log)
    services.extras["trade_log"] = TradeLog(log)
    services.extras["listing_log"] = ListingLog(log)


def _side(name: str) -> Side:
    return Side.BUY if name == "buy" else Side.SELL


def viewed_account(principal: Principal, action: Action, account_id: str | None) -> str | None:
    """The account a read is about: a participant's own by default; staff name one or none."""
    if principal.is_participant:
        account_id = account_id or principal.account_id
    authorize(principal, action, account_id)
    return account_id


# --- instruments --------------------------------------------------------------------------------


@router.get("/instruments", response_model=InstrumentsOut)
async def list_instruments(services: ServicesDep) -> Response:
    """Tradable instruments with the previous close and today's price bands (public)."""
    st = services.state
    data = [instrument_out(st, i) for _, i in sorted(trading_of(st).instruments.items())]
    return json_response(InstrumentsOut(data=data, count=len(data)))


@router.get("/instruments/vintages", response_model=VintagesOut)
async def vintage_schedule(services: ServicesDep) -> Response:
    """The vintages with their listing dates ([U] ones marked) and the composite price's
    composition by date: which vintages, with which weights (public)."""
    st = services.state
    vr = st.rules.vintages
    listed = trading_of(st).instruments
    today = services.clock.now().astimezone(st.rules.calendar.tz).date()

    def weights(w: tuple[tuple[str, int], ...]) -> list[CompositeWeightOut]:
        total = sum(p for _, p in w)
        return [CompositeWeightOut(instrument=c, weight=f"{p}/{total}") for c, p in w]

    return json_response(
        VintagesOut(
            composite_code=vr.composite_code,
            vintages=[
                VintageOut(
                    code=v.code,
                    listed_on=v.listed_on.isoformat(),
                    confirmed=v.confirmed,
                    note=v.note,
                    listed=v.code in listed,
                )
                for v in vr.vintages
            ],
            composite=[
                CompositeStageOut(
                    since=s.since.isoformat(),
                    method=s.method.value,
                    weights=weights(s.weights),
                    confirmed=s.confirmed,
                    note=s.note,
                )
                for s in vr.composite
            ],
            composite_today=vr.stage_on(today).since.isoformat(),
        )
    )


@router.post(
    "/instruments/due", status_code=200, response_model=InstrumentsOut, responses=COMMAND_ERRORS
)
async def list_due_vintages(body: DueVintagesIn, cmd: CommandDep) -> Response:
    """List the vintages whose listing date has come and that are not listed yet (exchange
    operator); the answer holds the instruments listed (none when none was due)."""
    cmd.require(Action.TRADING_ADMIN)

    def render(events: tuple[Event, ...], st: MarketState) -> InstrumentsOut:
        t = trading_of(st)
        data = [
            instrument_out(st, t.instruments[e.code])
            for e in events
            if isinstance(e, InstrumentListed)
        ]
        return InstrumentsOut(data=data, count=len(data))

    return await cmd.run(tc.ListDueVintages(body.reference_price), render, status=200)


def _render_instrument(code: str) -> Render:
    def render(events: tuple[Event, ...], st: MarketState) -> InstrumentOut:
        return instrument_out(st, trading_of(st).instruments[code])

    return render


@router.post(
    "/instruments", status_code=201, response_model=InstrumentOut, responses=COMMAND_ERRORS
)
async def list_instrument(body: InstrumentIn, cmd: CommandDep) -> Response:
    """List a vintage for trading (exchange operator)."""
    cmd.require(Action.TRADING_ADMIN)
    c = tc.ListInstrument(body.code, body.product, body.reference_price)
    return await cmd.run(c, _render_instrument(body.code))


async def _set_status(
    cmd: CommandDep, code: str, body: InstrumentStatusIn, suspend: bool
) -> Response:
    cmd.require(Action.INSTRUMENT_STATUS)
    who = cmd.principal.role
    authority = sm.Authority.EXCHANGE if who is Role.EXCHANGE_OPERATOR else sm.Authority.REGULATOR
    c: sm.SuspendInstrument | sm.ResumeInstrument = (
        sm.SuspendInstrument(code, body.reason, authority)
        if suspend
        else sm.ResumeInstrument(code, body.reason, authority)
    )
    return await cmd.run(c, _render_instrument(code), status=200)


@router.post("/instruments/{code}/suspend", response_model=InstrumentOut, responses=COMMAND_ERRORS)
async def suspend_instrument(code: CodePath, body: InstrumentStatusIn, cmd: CommandDep) -> Response:
    """Suspend trading in an instrument (exchange operator or regulator), with the reason."""
    return await _set_status(cmd, code, body, True)


@router.post("/instruments/{code}/resume", response_model=InstrumentOut, responses=COMMAND_ERRORS)
async def resume_instrument(code: CodePath, body: InstrumentStatusIn, cmd: CommandDep) -> Response:
    """Resume trading in a suspended instrument (exchange operator or regulator)."""
    return await _set_status(cmd, code, body, False)


# --- listings -----------------------------------------------------------------------------------


def _render_posted(events: tuple[Event, ...], st: MarketState) -> bytes:
    ev = events[-1]
    assert isinstance(ev, ListingPosted)
    t = trading_of(st)
    return listing_json(t, t.listings[ev.listing_id])  # ListingOut's body


@router.post("/listings", status_code=201, response_model=ListingOut, responses=COMMAND_ERRORS)
async def post_listing(body: ListingIn, cmd: CommandDep) -> Response:
    """Post a buy or sell listing (挂牌) for the caller's account; its funds or tonnes lock."""
    cmd.require(Action.TRADE, body.account_id)
    c = tc.PostListing(
        body.account_id, body.instrument, _side(body.side), body.price, body.quantity
    )
    return await cmd.run(c, _render_posted)


def _own_resting(listing_id: str, account_id: str, kind: Literal["listing", "order"]) -> Check:
    """A check (in the writer): the listing rests, is of ``kind`` and is the account's."""

    def check(st: MarketState) -> Rejection | None:
        lst = trading_of(st).listings.get(listing_id)
        if lst is None or lst.account_id != account_id or lst.continuous != (kind == "order"):
            return Rejection(
                Code.UNKNOWN_LISTING if kind == "listing" else Code.UNKNOWN_ORDER,
                f"no {kind} {listing_id!r} of account {account_id} is resting (it may have been "
                "taken, cancelled or expired)",
                f"{kind}_id",
            )
        return None

    return check


def _render_cancelled(events: tuple[Event, ...], st: MarketState) -> CancelOut:
    ev = events[-1]
    assert isinstance(ev, ListingCancelled)
    return CancelOut(
        listing_id=ev.listing_id,
        status="cancelled",
        remaining=ev.remaining,
        released=yuan(ev.released_fen),
    )


async def _cancel(cmd: CommandDep, listing_id: str, kind: Literal["listing", "order"]) -> Response:
    acct = cmd.principal.account_id
    cmd.require(Action.TRADE, acct)
    assert acct is not None
    return await cmd.run(
        tc.CancelListing(listing_id, acct),
        _render_cancelled,
        status=200,
        check=_own_resting(listing_id, acct, kind),
    )


@router.delete("/listings/{listing_id}", response_model=CancelOut, responses=COMMAND_ERRORS)
async def cancel_listing(listing_id: IdPath, cmd: CommandDep) -> Response:
    """Cancel one of the caller's listings; what is left of its lock is released."""
    return await _cancel(cmd, listing_id, "listing")


@router.post(
    "/listings/{listing_id}/take",
    status_code=201,
    response_model=TradeOut,
    responses=COMMAND_ERRORS,
)
async def take_listing(listing_id: IdPath, body: TakeIn, cmd: CommandDep) -> Response:
    """Take (摘牌) a listing of another account within the best five levels: the trade."""
    cmd.require(Action.TRADE, body.account_id)
    acct = body.account_id

    def render(events: tuple[Event, ...], st: MarketState) -> bytes:
        ev = next(e for e in events if isinstance(e, TradeExecuted))
        return trade_json(trading_of(st), ev, acct)  # TradeOut's body

    return await cmd.run(tc.TakeListing(listing_id, acct, body.quantity), render)


def _listings(
    st: MarketState,
    account_id: str | None,
    kind: Literal["listing", "order"],
    instrument: str | None,
    limit: int,
    offset: int,
) -> ListingsOut:
    t = trading_of(st)
    continuous = kind == "order"
    rows = [
        lst
        for lst in t.listings.values()
        if lst.continuous is continuous
        and (account_id is None or lst.account_id == account_id)
        and (instrument is None or lst.instrument == instrument)
    ]
    data = [listing_out(t, lst) for lst in rows[offset : offset + limit]]
    return ListingsOut(data=data, count=len(rows))


@router.get("/listings", response_model=ListingsOut | ListingHistoryOut, responses=QUERY_ERRORS)
async def my_listings(
    principal: PrincipalDep,
    services: ServicesDep,
    account_id: AccountQuery = None,
    instrument: InstrumentQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
    status: HistoryStatus = "open",
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    side: SideFilter | None = None,
) -> Response:
    """Listings of an account: a participant its own; operators and the regulator any
    account's (or all of them without ``account_id``). ``status=open`` (the default): the
    resting ones; ``status=all`` (or ``filled``, ``partly_filled``, ``cancelled``,
    ``expired``): the order history (委托), newest first, with when each was posted and ended,
    optionally posted ``from`` … ``to`` (dates, inclusive) and of one ``side``."""
    acct = viewed_account(principal, Action.VIEW_LISTINGS, account_id)
    if status == "open" and from_ is None and to is None and side is None:
        return json_response(_listings(services.state, acct, "listing", instrument, limit, offset))
    return json_response(
        await order_history(services, acct, instrument, status, from_, to, limit, offset, side)
    )


# --- continuous orders --------------------------------------------------------------------------


@router.post("/orders", status_code=201, response_model=OrderOut, responses=COMMAND_ERRORS)
async def place_order(body: ListingIn, cmd: CommandDep) -> Response:
    """A limit order of a continuous-auction preset: it trades at once against the book under
    price-time priority and the rest rests (refused under listing agreement trading)."""
    cmd.require(Action.TRADE, body.account_id)
    acct = body.account_id

    def render(events: tuple[Event, ...], st: MarketState) -> OrderOut:
        t = trading_of(st)
        trades = [trade_out(t, e, acct) for e in events if isinstance(e, TradeExecuted)]
        posted = next((e for e in events if isinstance(e, ListingPosted)), None)
        filled = sum(x.quantity for x in trades)
        rest = posted.quantity if posted is not None else 0
        return OrderOut(
            order_id=posted.listing_id if posted is not None else None,
            status="open" if not filled else "partially_filled" if rest else "filled",
            instrument=body.instrument,
            side=body.side,
            price=yuan(body.price),
            quantity=body.quantity,
            filled=filled,
            remaining=rest,
            trades=trades,
        )

    c = tc.PlaceOrder(acct, body.instrument, _side(body.side), body.price, body.quantity)
    return await cmd.run(c, render)


@router.delete("/orders/{order_id}", response_model=CancelOut, responses=COMMAND_ERRORS)
async def cancel_order(order_id: IdPath, cmd: CommandDep) -> Response:
    """Cancel the rest of one of the caller's continuous-market orders."""
    return await _cancel(cmd, order_id, "order")


@router.get("/orders", response_model=ListingsOut, responses=QUERY_ERRORS)
async def my_orders(
    principal: PrincipalDep,
    services: ServicesDep,
    account_id: AccountQuery = None,
    instrument: InstrumentQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Resting continuous-market orders of an account (as ``GET /listings``)."""
    acct = viewed_account(principal, Action.VIEW_LISTINGS, account_id)
    return json_response(_listings(services.state, acct, "order", instrument, limit, offset))


# --- trades -------------------------------------------------------------------------------------


@router.get("/trades", response_model=TradesOut, responses=QUERY_ERRORS)
async def my_trades(
    principal: PrincipalDep,
    services: ServicesDep,
    account_id: AccountQuery = None,
    instrument: InstrumentQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """An account's trades, newest first, as that account sees them (never the counterparty):
    a participant its own; operators and the regulator name the account."""
    acct = viewed_account(principal, Action.VIEW_LISTINGS, account_id)
    if acct is None:
        raise ApiError(Code.INVALID_FIELD, "account_id is required", "account_id")
    log: TradeLog = services.extras["trade_log"]  # type: ignore[assignment]
    total, trades = await log.page(acct, instrument, offset, limit)
    t = trading_of(services.state)
    data = [trade_out(t, e, acct) for e in trades]
    return json_response(TradesOut(data=data, count=total))
