"""Each account's trades, for ``GET /trades``: read back from the journal when asked, by the
sequence numbers the account log keeps (:mod:`openets.api.routers._accountlog`)."""

from __future__ import annotations

from openets.api.routers._accountlog import AccountLog
from openets.trading.events import TradeExecuted


class TradeLog:
    def __init__(self, log: AccountLog) -> None:
        self.log = log

    async def of(self, account_id: str) -> list[TradeExecuted]:
        """The account's trades, oldest first."""
        _, trades = await self.page(account_id, None, 0, 2**62)
        return trades[::-1]

    async def page(
        self, account_id: str, instrument: str | None, offset: int, limit: int
    ) -> tuple[int, list[TradeExecuted]]:
        """How many trades the account has (of ``instrument``, or all), and a page of them
        from ``offset``, newest first (only that page is read from the journal)."""
        total, got = await self.log.trades(account_id, instrument, offset, limit)
        return total, [ev for ev in got if type(ev) is TradeExecuted]
