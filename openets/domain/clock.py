"""The injected clock: real time in production; simulated in tests, replay and the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class RealClock:
    """Wall-clock time in Beijing time."""

    def now(self) -> datetime:
        return datetime.now(BEIJING)


class SimulatedClock:
    """A clock that moves only when told to: deterministic for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError(f"simulated clock start must carry a time zone, was {start!r}")
        self._now = start.astimezone(BEIJING)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float | int = 0, *, to: datetime | None = None) -> datetime:
        if to is not None:
            if to.tzinfo is None:
                raise ValueError(f"'to' must carry a time zone, was {to!r}")
            target = to.astimezone(BEIJING)
            if target < self._now:
                raise ValueError(f"the clock cannot go back: now {self._now}, asked {target}")
            self._now = target
        else:
            if seconds < 0:
                raise ValueError(f"seconds must be >= 0, was {seconds}")
            self._now = self._now + timedelta(seconds=seconds)
        return self._now

    def set(self, when: datetime) -> None:
        """Set the time directly (replay restores the journaled time)."""
        self._now = when.astimezone(BEIJING)


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 time; a naive time is taken as Beijing time."""
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=BEIJING)
    return dt


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_utc_micros(dt: datetime) -> int:
    """Microseconds since the epoch: a stable integer for the journal."""
    delta = (dt if dt.tzinfo is not None else dt.astimezone(UTC)) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_utc_micros(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC).astimezone(BEIJING) + timedelta(microseconds=us)
