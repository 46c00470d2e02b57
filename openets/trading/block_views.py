"""Who sees which block request, and what of it: open requests to every participant without the
requester's identity, directed ones and ended ones only to the parties involved.

Kept apart from the transitions (:mod:`openets.trading.block`): the book and the routes read
requests through these views, the engine never does.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.trading.block_types import BlockSide, BlockState, RequestStatus


@dataclass(frozen=True, slots=True)
class QuoteView:
    quote_id: str
    by: str | None  # None: made by the requester, whose identity the viewer may not see
    to: str | None
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request as one viewer may see it."""

    request_id: str
    instrument: str
    side: BlockSide
    status: RequestStatus
    requester: str | None  # hidden from others until they trade with it
    quotes: tuple[QuoteView, ...]


def knows_requester(state: BlockState, viewer: str) -> bool:
    """The requester, the counterparty it named, and whoever traded with it."""
    req, t = state.request, state.trade
    if viewer in (req.requester, req.directed_to):
        return True
    return t is not None and viewer in (t.buyer, t.seller)


def visible_to(state: BlockState, viewer: str) -> bool:
    """Open requests are visible to every participant while open; directed ones, and any
    request after it ends, only to the parties involved."""
    req = state.request
    if knows_requester(state, viewer):
        return True
    if any(viewer in (q.by, q.to) for q in state.live):
        return True
    return req.directed_to is None and state.status is RequestStatus.OPEN


def view_for(state: BlockState, viewer: str) -> RequestView | None:
    """The request as ``viewer`` sees it: the public quote plus the viewer's own dialogue, and
    the requester's identity only where ``knows_requester`` allows."""
    if not visible_to(state, viewer):
        return None
    req = state.request
    known = knows_requester(state, viewer)
    quotes = tuple(
        QuoteView(
            q.quote_id,
            q.by if known or q.by != req.requester else None,
            q.to,
            q.price,
            q.quantity,
        )
        for q in state.live
        if q.to is None or viewer in (q.by, q.to)
    )
    return RequestView(
        request_id=req.request_id,
        instrument=req.instrument,
        side=req.side,
        status=state.status,
        requester=req.requester if known else None,
        quotes=quotes,
    )
