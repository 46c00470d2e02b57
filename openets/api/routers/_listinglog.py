"""Each account's order history (委托), for ``GET /listings?status=all``: every listing and
continuous order with what became of it — open, filled, cancelled or expired — and when.

Made when asked from the account's records, read back from the journal by the sequence numbers
the account log keeps (:mod:`openets.api.routers._accountlog`).
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.api.routers._accountlog import AccountLog
from openets.domain.clock import from_utc_micros
from openets.trading.book import Side
from openets.trading.events import ListingCancelled, ListingPosted, TradeExecuted


@dataclass
class Entry:
    listing_id: str
    account_id: str
    instrument: str
    side: str
    price: int
    quantity: int
    continuous: bool
    posted_us: int
    filled: int = 0
    status: str = "open"
    ended_us: int | None = None


class History:
    """Listings by id and by account, in posting order."""

    def __init__(self) -> None:
        self.by_id: dict[str, Entry] = {}
        self.by_account: dict[str, list[Entry]] = {}

    def apply(self, ts: int, ev: object) -> None:
        """Apply one event journaled at ``ts`` (UTC microseconds)."""
        if type(ev) is ListingPosted:
            e = Entry(
                ev.listing_id,
                ev.account_id,
                ev.instrument,
                "buy" if ev.side == Side.BUY else "sell",
                ev.price,
                ev.quantity,
                ev.continuous,
                ts,
            )
            self.by_id[e.listing_id] = e
            self.by_account.setdefault(e.account_id, []).append(e)
        elif type(ev) is TradeExecuted:
            e2 = self.by_id.get(ev.maker_id) if ev.maker_id else None
            if e2 is not None:
                e2.filled += ev.quantity
                if e2.filled >= e2.quantity:
                    e2.status, e2.ended_us = "filled", ts
        elif type(ev) is ListingCancelled:
            e3 = self.by_id.get(ev.listing_id)
            if e3 is not None and e3.status == "open":
                e3.status = "expired" if ev.reason == "expired" else "cancelled"
                if ev.reason.startswith("filled"):
                    e3.status = "filled"
                e3.ended_us = ts


class ListingLog:
    def __init__(self, log: AccountLog) -> None:
        self.log = log

    async def of(self, account_id: str | None) -> list[Entry]:
        """The account's listings (every account's with None), oldest first."""
        history = History()
        for ts, ev in await self.log.records(account_id):
            history.apply(ts, ev)
        if account_id is None:
            return sorted(history.by_id.values(), key=lambda e: e.posted_us)
        return list(history.by_account.get(account_id, []))

    async def page(self, account_id: str, offset: int, limit: int) -> tuple[int, list[Entry]]:
        """How many listings the account posted, and the page of them from ``offset``, newest
        first: made from the records of the page's listings and what followed them alone."""
        total, records = await self.log.listing_page(account_id, offset, limit)
        history = History()
        for ts, ev in records:
            history.apply(ts, ev)
        entries = history.by_account.get(account_id, [])[::-1]
        return total, entries[offset : offset + limit]


def iso(us: int | None) -> str | None:
    return None if us is None else from_utc_micros(us).isoformat()
