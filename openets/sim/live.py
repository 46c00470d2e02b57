"""A compliance cycle run live: the simulated clock paced against real time.

:class:`LiveCycle` walks the same day steps as the headless simulator
(:func:`openets.sim.simulate.day_steps`), but only as far as a target time: the demo calls
:meth:`LiveCycle.advance_to` from the server's one writer every fraction of a second with
``now + speed × elapsed``, so people trading in the browser meet the agents in the same market.
Nights, weekends and holidays are skipped at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time

from openets.sim.simulate import Cast, day_steps, session_time


@dataclass
class LiveCycle:
    cast: Cast
    day: int = 0
    _steps: Iterator[datetime] | None = None
    _next: datetime | None = None
    done: bool = False
    actions: int = field(default=0)

    def next_time(self) -> datetime | None:
        """When the next agent action happens (None once the cycle is over)."""
        self._prime()
        return self._next

    def _prime(self) -> None:
        while self._next is None and not self.done:
            if self._steps is None:
                if self.day >= len(self.cast.days):
                    self.done = True
                    return
                self._steps = day_steps(self.cast, self.day)
            try:
                self._next = next(self._steps)
            except StopIteration:
                self._steps = None
                self.day += 1

    def advance_to(self, target: datetime, max_actions: int = 200) -> int:
        """Do every step due by ``target`` (at most ``max_actions``); returns how many ran."""
        n = 0
        while n < max_actions:
            nxt = self.next_time()
            if nxt is None or nxt > target:
                break
            self._next = None  # the generator does the step when resumed
            self._resume()
            n += 1
        self.actions += n
        return n

    def _resume(self) -> None:
        assert self._steps is not None
        try:
            self._next = next(self._steps)
        except StopIteration:
            self._steps = None
            self.day += 1

    def skip_target(self, now: datetime) -> datetime:
        """Outside trading hours jump straight to the next action (no idle nights)."""
        nxt = self.next_time()
        if nxt is None:
            return now
        opening = session_time(nxt.date(), time(9, 0))
        if now < opening:
            return opening
        return now
