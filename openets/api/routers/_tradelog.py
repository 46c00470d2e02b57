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
        return [ev for _, ev in await self.log.records(account_id) if type(ev) is TradeExecuted]
