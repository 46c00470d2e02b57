"""Notifications over HTTP: ``GET /notifications?unread=true`` (the caller's, newest first) and
``POST /notifications/{id}/read``; new ones are also pushed on ``/ws/private`` as
``{"type": "notification", "data": …}`` and, where the server has ``--smtp``, e-mailed.
What makes a notification and for whom: :mod:`openets.api.notify`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Principal
from openets.api.deps import PrincipalDep, Services, ServicesDep, json_response
from openets.api.errors import ApiCode, ApiError
from openets.api.mailer import Mailer
from openets.api.notify import Memo, Note, NotificationCenter
from openets.api.notify_english import english
from openets.api.routers._feeds import encode
from openets.api.routers._trading_views import side_name, trading_of
from openets.api.routers.compliance_calendar import due_notes
from openets.api.schemas.common import QUERY_ERRORS, OutModel
from openets.market import MarketState
from openets.trading.auction_service import auction_book

router = APIRouter(tags=["notifications"])

IdPath = Annotated[str, Path(min_length=1, max_length=40)]


class NotificationOut(OutModel):
    notification_id: str
    kind: str
    """fill, listing_expired, block_offer, auction_cancelled, approval_waiting, approval_decided,
    account_status, restriction, risk_warning, large_holder, alert, funds, allowances,
    obligation, penalty, step_due (a step of the compliance calendar due within 30 days)"""
    time: str
    params: dict[str, Any]
    """The figures of the notification (money as yuan strings, quantities in tonnes)."""
    text: str
    """The notification in English (pages word it in the reader's language)."""
    link: str
    """The terminal's page about it."""
    read: bool


class NotificationsOut(OutModel):
    data: list[NotificationOut]
    count: int
    unread: int


class ReadOut(OutModel):
    notification_id: str
    read: bool


def seed_memo(st: MarketState) -> Memo:
    """Owners and parties of what is still live in the state (for events still to come)."""
    memo = Memo()
    t = trading_of(st)
    for lst in t.listings.values():
        memo.listings[lst.listing_id] = (lst.account_id, lst.instrument, side_name(lst.side))
    for aid, a in auction_book(st).auctions.items():
        memo.auctions[aid] = {a.spec.initiator, *(b.bidder for b in a.bids.values())}
    for rid, req in st.registry.pending.items():
        memo.approvals[rid] = req.initiator
    comp = st.compliance
    for eid, e in getattr(comp, "entities", {}).items():
        memo.entities[eid] = e.account_id
    return memo


def center_of(services: Services) -> NotificationCenter:
    center: NotificationCenter = services.extras["notifications"]  # type: ignore[assignment]
    return center


def setup(services: Services) -> None:
    st = services.state
    center = NotificationCenter(services.market.engine.journal, st.last_seq)
    center.seed(seed_memo(st))
    services.extras["notifications"] = center
    services.market.engine.subscribers.append(center)

    def push(n: Note) -> None:
        feeds = services.extras.get("feeds")
        private = getattr(feeds, "private", {})
        if n.account_id is not None:
            for sub in tuple(private.get(n.account_id, ())):
                sub.put(encode("notification", note_out(n, False)))

    center.listeners.append(push)
    if services.settings.smtp_url:
        mailer = Mailer(services.settings.smtp_url, services.users)
        services.extras["mailer"] = mailer
        center.listeners.append(mailer.enqueue)


async def _with_due(services: Services, principal: Principal) -> list[Note]:
    """The steps of the compliance calendar due soon for the caller (``step_due``, computed
    from the clock, first), then its notifications, newest first."""
    due = due_notes(services.state, principal, services.clock.now())
    return [*due, *await center_of(services).of(principal)]


@router.get("/notifications", response_model=NotificationsOut, responses=QUERY_ERRORS)
async def notifications(
    principal: PrincipalDep,
    services: ServicesDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Response:
    """The caller's notifications, newest first (``unread=true``: only those not yet read)."""
    center = center_of(services)
    notes = await _with_due(services, principal)
    unread_n = sum(1 for n in notes if not center.is_read(principal, n.note_id))
    if unread:
        notes = [n for n in notes if not center.is_read(principal, n.note_id)]
    data = [
        NotificationOut(**note_out(n, center.is_read(principal, n.note_id))) for n in notes[:limit]
    ]
    return json_response(NotificationsOut(data=data, count=len(notes), unread=unread_n))


@router.post(
    "/notifications/{notification_id}/read", response_model=ReadOut, responses=QUERY_ERRORS
)
async def mark_read(
    notification_id: IdPath, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """Mark one of the caller's notifications read (``all``: every one of them)."""
    center = center_of(services)
    notes = await _with_due(services, principal)
    if notification_id == "all":
        center.mark_read(principal, [n.note_id for n in notes])
        return json_response(ReadOut(notification_id="all", read=True))
    if not any(n.note_id == notification_id for n in notes):
        raise ApiError(ApiCode.NOT_FOUND, f"no notification {notification_id!r}", "notification_id")
    center.mark_read(principal, [notification_id])
    return json_response(ReadOut(notification_id=notification_id, read=True))


def note_out(n: Note, read: bool) -> dict[str, Any]:
    """A notification as the API and the private feed give it."""
    return {
        "notification_id": n.note_id,
        "kind": n.kind,
        "time": n.time,
        "params": n.params,
        "text": english(n),
        "link": n.link,
        "read": read,
    }
