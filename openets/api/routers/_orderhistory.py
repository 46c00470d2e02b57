"""The order history (委托) answer of ``GET /listings?status=all``: the listing log's entries
with their state now (what is left, what stays locked) and when they were posted and ended."""

from __future__ import annotations

from datetime import date
from typing import Literal

from openets.api.deps import Services
from openets.api.routers._listinglog import Entry, ListingLog, iso
from openets.api.routers._trading_views import remaining_of, trading_of
from openets.api.schemas.common import OutModel, yuan
from openets.domain.clock import from_utc_micros
from openets.trading.book import Side

HistoryStatus = Literal["open", "all", "filled", "partly_filled", "cancelled", "expired"]
"""``partly_filled``: some but not all of it traded (still open, or ended with a remainder)."""
SideFilter = Literal["buy", "sell"]


class HistoryRow(OutModel):
    listing_id: str
    kind: Literal["listing", "order"]
    status: Literal["open", "cancelled", "filled", "expired"]
    account_id: str
    instrument: str
    side: Literal["buy", "sell"]
    price: str
    quantity: int
    filled: int
    partly_filled: bool
    """Some but not all of it traded."""
    remaining: int
    """Still on the book (0 once it has ended)."""
    locked: str
    posted_at: str
    ended_at: str | None


class ListingHistoryOut(OutModel):
    data: list[HistoryRow]
    count: int


def _row(services: Services, e: Entry) -> HistoryRow:
    t = trading_of(services.state)
    lst = t.listings.get(e.listing_id) if e.status == "open" else None
    remaining = remaining_of(t, lst) if lst is not None else 0
    locked = max(lst.lock_left, 0) if lst is not None and lst.side is Side.BUY else 0
    return HistoryRow(
        listing_id=e.listing_id,
        kind="order" if e.continuous else "listing",
        status=e.status,  # type: ignore[arg-type]
        account_id=e.account_id,
        instrument=e.instrument,
        side=e.side,  # type: ignore[arg-type]
        price=yuan(e.price),
        quantity=e.quantity,
        filled=e.filled,
        partly_filled=0 < e.filled < e.quantity,
        remaining=remaining,
        locked=yuan(locked),
        posted_at=iso(e.posted_us) or "",
        ended_at=iso(e.ended_us),
    )


async def order_history(
    services: Services,
    account_id: str | None,
    instrument: str | None,
    status: HistoryStatus,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
    side: SideFilter | None = None,
) -> ListingHistoryOut:
    log: ListingLog = services.extras["listing_log"]  # type: ignore[assignment]
    if account_id is not None and status == "all" and not (instrument or side or start or end):
        total, page = await log.page(account_id, offset, limit)  # reads that page alone
        return ListingHistoryOut(data=[_row(services, e) for e in page], count=total)
    rows = []
    for e in reversed(await log.of(account_id)):
        if instrument is not None and e.instrument != instrument:
            continue
        if side is not None and e.side != side:
            continue
        if status == "partly_filled":
            if not 0 < e.filled < e.quantity:
                continue
        elif status != "all" and e.status != status:
            continue
        day = from_utc_micros(e.posted_us).date()
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        rows.append(e)
    data = [_row(services, e) for e in rows[offset : offset + limit]]
    return ListingHistoryOut(data=data, count=len(rows))
