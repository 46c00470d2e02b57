"""The simulated clock in the journal: an advance is a command, so that an acknowledged advance
survives a crash (``kill -9``) and replay restores the market's time.

The record of :class:`ClockAdvanced` carries the new time as its time stamp, and the event
itself carries it as text; :func:`journaled_now` reads it back after replay. A real clock is
never advanced (the HTTP route refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openets.domain.clock import BEIJING
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState

LATEST = datetime.fromisoformat("2200-01-01T00:00:00+08:00")
"""The simulated clock goes no further (far beyond any compliance cycle)."""


@dataclass(frozen=True, slots=True)
class AdvanceClock(Command):
    """Move the simulated clock to ``to`` (ISO 8601 with an offset)."""

    to: str


@dataclass(frozen=True, slots=True)
class ClockAdvanced(Event):
    previous: str
    to: str


@dataclass(slots=True)
class ClockState:
    now: str = ""
    """The latest journaled time of the simulated clock ('' before the first advance)."""

    def canonical(self) -> dict[str, object]:
        return {"now": self.now}


def clock_part(m: MarketState) -> ClockState:
    st: ClockState = m.clock
    return st


def journaled_now(m: MarketState) -> datetime | None:
    """The simulated time the journal last advanced to, if it ever did."""
    part = m.clock
    return datetime.fromisoformat(part.now) if isinstance(part, ClockState) and part.now else None


def advance_clock(m: MarketState, cmd: AdvanceClock, ctx: Ctx) -> Result:
    try:
        to = datetime.fromisoformat(cmd.to) if isinstance(cmd.to, str) else None
    except ValueError:
        to = None
    if to is None or to.tzinfo is None:
        return Rejection(
            Code.INVALID_FIELD, f"to must be an ISO 8601 time with an offset, was {cmd.to!r}", "to"
        )
    previous = journaled_now(m)
    if previous is not None and to < previous:
        return Rejection(
            Code.INVALID_FIELD,
            f"the clock cannot go back: now {previous.isoformat()}, asked {cmd.to}",
            "to",
        )
    if to > LATEST:
        return Rejection(
            Code.INVALID_FIELD, f"the simulated clock stops at {LATEST.isoformat()}", "to"
        )
    was = previous.isoformat() if previous is not None else ""
    return (ClockAdvanced(was, to.astimezone(BEIJING).isoformat()),)


def apply_advanced(st: ClockState, ev: ClockAdvanced) -> None:
    st.now = ev.to


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part

    handlers[AdvanceClock] = advance_clock
    appliers[ClockAdvanced] = apply_part("clock", apply_advanced)
