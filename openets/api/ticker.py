"""Work the market does by the clock while the server runs: an auction clears when its
bidding window closes (not only at the end of the day).

:class:`Ticker` runs in the server's event loop; every ``interval`` seconds it asks the state
for the auctions whose window has closed and submits their ``CloseAuction`` through the
sequencer, like any other command (journaled, with the actor ``system``). Listeners (the
notifications) hear of each result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from openets.api.sequencer import Sequencer, ServiceUnavailable
from openets.domain.clock import Clock
from openets.domain.rejection import Rejection
from openets.market import MarketState
from openets.trading.auction_messages import CloseAuction
from openets.trading.auction_service import due_auctions

log = logging.getLogger("openets.api.ticker")
ACTOR = "system"


class Ticker:
    def __init__(
        self,
        sequencer: Sequencer,
        state: Callable[[], MarketState],
        clock: Clock,
        interval: float = 1.0,
    ) -> None:
        self.sequencer = sequencer
        self.state = state
        self.clock = clock
        self.interval = interval
        self.failed: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="ticker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def tick(self) -> int:
        """Close every auction that is due now; how many closed."""
        closed = 0
        for auction_id in due_auctions(self.state(), self.clock.now()):
            if auction_id in self.failed:
                continue
            r = await self.sequencer.submit(CloseAuction(auction_id), ACTOR)
            if isinstance(r, Rejection):
                log.warning("auction %s could not close: %s", auction_id, r)
                self.failed.add(auction_id)
            else:
                closed += 1
        return closed

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.tick()
            except ServiceUnavailable:
                continue
            except Exception:  # a bug here must not stop the server's other work
                log.exception("the ticker failed")
