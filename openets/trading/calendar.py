"""Trading days and session windows, in the market's time zone (Beijing time by default).

:class:`TradingCalendar` takes the trading days of mainland China from the Shanghai Stock
Exchange calendar (``XSHG``) of ``exchange_calendars``: the national carbon market trades on the
same days (Monday to Friday, closed on statutory holidays and on weekend make-up workdays;
cn-ets-rules §3.4, [I]). Its 2022-2024 years have 242 trading days each and 2021-07-16..12-31
has 114, as the market reported.

The package knows holidays only as far as it has been published: for exchange_calendars 4.x
the data run from 1990-12-03 to the end of the current release's last year (2026-12-31 at the
time of writing; see :attr:`TradingCalendar.last_day`). A date outside that range is not
guessed: by default every query about it raises :class:`CalendarRangeError`. A simulator that
must run past the published data passes ``beyond="weekdays"``: outside the range every Monday
to Friday is then a trading day, which is stated, not hidden: no holiday is invented.

:class:`WeekdayCalendar` (Monday to Friday, no holidays) has the same interface for presets
without an exchange calendar, and for tests.

Sessions are ``[start, end)`` windows of local time: an order at 11:30:00 is outside
09:30-11:30. The days are loaded once per process and kept as a set of ordinals, so the
questions the simulator asks millions of times are set and bisect look-ups.
"""

from __future__ import annotations

import warnings
from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

SessionWindows = tuple[tuple[time, time], ...]
Beyond = Literal["raise", "weekdays"]


class CalendarRangeError(ValueError):
    """A date outside the trading days the calendar data know."""


class Calendar(Protocol):
    """What the trading context asks of a calendar."""

    @property
    def tz(self) -> ZoneInfo: ...

    def is_trading_day(self, day: date) -> bool: ...

    def next_trading_day(self, day: date) -> date: ...

    def previous_trading_day(self, day: date) -> date: ...

    def trading_days(self, start: date, end: date) -> tuple[date, ...]: ...

    def session_of(self, when: datetime, windows: SessionWindows) -> int | None: ...

    def in_session(self, when: datetime, windows: SessionWindows) -> bool: ...


def _session_index(local: datetime, windows: SessionWindows) -> int | None:
    t = local.time()
    for i, (start, end) in enumerate(windows):
        if start <= t < end:
            return i
    return None


class _Base:
    """Shared time-of-day logic; subclasses say which days trade."""

    __slots__ = ("_memo", "_tz")

    def __init__(self, tz: str | ZoneInfo) -> None:
        self._tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        # The last (time, windows, answer) of session_of: every check of one command asks
        # about the same instant (and so do the commands of one clock reading).
        self._memo: tuple[datetime | None, SessionWindows, int | None] = (None, (), None)

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def is_trading_day(self, day: date) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def local(self, when: datetime) -> datetime:
        """``when`` in the market's time zone; a naive time is taken as already local."""
        if when.tzinfo is None or when.tzinfo is self._tz:
            return when
        return when.astimezone(self._tz)

    def session_of(self, when: datetime, windows: SessionWindows) -> int | None:
        """The index of the window ``when`` falls in on a trading day, or None if closed."""
        memo = self._memo
        if memo[0] is when and memo[1] is windows:
            return memo[2]
        local = self.local(when)
        i = _session_index(local, windows) if self.is_trading_day(local.date()) else None
        self._memo = (when, windows, i)  # one tuple: a reader sees the old entry or the new
        return i

    def in_session(self, when: datetime, windows: SessionWindows) -> bool:
        return self.session_of(when, windows) is not None


class WeekdayCalendar(_Base):
    """Every Monday to Friday trades; no holidays."""

    __slots__ = ()

    def __init__(self, tz: str | ZoneInfo = "Asia/Shanghai") -> None:
        super().__init__(tz)

    def __reduce__(self) -> tuple[type[WeekdayCalendar], tuple[str]]:
        return (WeekdayCalendar, (self._tz.key,))

    def is_trading_day(self, day: date) -> bool:
        return day.weekday() < 5

    def next_trading_day(self, day: date) -> date:
        """The first trading day strictly after ``day``."""
        return _next_weekday(day)

    def previous_trading_day(self, day: date) -> date:
        """The last trading day strictly before ``day``."""
        return _previous_weekday(day)

    def trading_days(self, start: date, end: date) -> tuple[date, ...]:
        """Trading days from ``start`` to ``end``, both inclusive."""
        return _weekdays(start, end)


@cache
def _xshg_days() -> tuple[frozenset[int], tuple[int, ...]]:
    """Ordinals of every XSHG trading day the installed package knows (loaded once)."""
    import exchange_calendars as xc  # imported here: it pulls in pandas

    with warnings.catch_warnings():  # the package's own pandas deprecation notices
        warnings.simplefilter("ignore")
        bound = xc.get_calendar("XSHG").bound_min()
        cal = xc.get_calendar("XSHG", start=bound)
        ordinals = tuple(int(ts.toordinal()) for ts in cal.sessions)
    return frozenset(ordinals), ordinals


class TradingCalendar(_Base):
    """Trading days of mainland China from the XSHG exchange calendar, in Beijing time."""

    __slots__ = ("_beyond", "_first", "_last", "_ordinals", "_set")

    def __init__(self, *, beyond: Beyond = "raise", tz: str | ZoneInfo = "Asia/Shanghai") -> None:
        super().__init__(tz)
        if beyond not in ("raise", "weekdays"):
            raise ValueError(f"beyond must be 'raise' or 'weekdays', was {beyond!r}")
        self._beyond: Beyond = beyond
        self._set, self._ordinals = _xshg_days()
        self._first = self._ordinals[0]
        self._last = self._ordinals[-1]

    def __reduce__(self) -> tuple[object, ...]:
        return (_make_trading_calendar, (self._beyond, self._tz.key))

    @property
    def first_day(self) -> date:
        """The first trading day of the calendar data."""
        return date.fromordinal(self._first)

    @property
    def last_day(self) -> date:
        """The last trading day of the calendar data: later dates are outside the range."""
        return date.fromordinal(self._last)

    @property
    def beyond(self) -> Beyond:
        return self._beyond

    def covers(self, day: date) -> bool:
        """True if the calendar data know whether ``day`` trades."""
        return self._first <= day.toordinal() <= self._last

    def _outside(self, day: date) -> None:
        if self._beyond == "raise":
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the trading calendar "
                f"({self.first_day.isoformat()}..{self.last_day.isoformat()}); "
                "update exchange_calendars or use beyond='weekdays'"
            )

    def is_trading_day(self, day: date) -> bool:
        o = day.toordinal()
        if self._first <= o <= self._last:
            return o in self._set
        self._outside(day)
        return day.weekday() < 5

    def next_trading_day(self, day: date) -> date:
        """The first trading day strictly after ``day``."""
        o = day.toordinal()
        if self._first - 1 <= o < self._last:
            return date.fromordinal(self._ordinals[bisect_right(self._ordinals, o)])
        if o < self._first:
            self._outside(day)
            nxt = _next_weekday(day)
            return nxt if nxt.toordinal() < self._first else self.first_day
        self._outside(day + timedelta(days=1))
        return _next_weekday(day)

    def previous_trading_day(self, day: date) -> date:
        """The last trading day strictly before ``day``."""
        o = day.toordinal()
        if self._first < o <= self._last + 1:
            return date.fromordinal(self._ordinals[bisect_left(self._ordinals, o) - 1])
        if o > self._last:
            self._outside(day)
            prev = _previous_weekday(day)
            return prev if prev.toordinal() > self._last else self.last_day
        self._outside(day - timedelta(days=1))
        return _previous_weekday(day)

    def trading_days(self, start: date, end: date) -> tuple[date, ...]:
        """Trading days from ``start`` to ``end``, both inclusive."""
        s, e = start.toordinal(), end.toordinal()
        if s > e:
            return ()
        if s < self._first:
            self._outside(start)
        if e > self._last:
            self._outside(end)
        before = _weekdays(start, date.fromordinal(min(e, self._first - 1)))
        inside_lo, inside_hi = max(s, self._first), min(e, self._last)
        inside: tuple[date, ...] = ()
        if inside_lo <= inside_hi:
            i = bisect_left(self._ordinals, inside_lo)
            j = bisect_right(self._ordinals, inside_hi)
            inside = tuple(date.fromordinal(o) for o in self._ordinals[i:j])
        after = _weekdays(date.fromordinal(max(s, self._last + 1)), end)
        return before + inside + after


def _make_trading_calendar(beyond: Beyond, tz: str) -> TradingCalendar:
    return TradingCalendar(beyond=beyond, tz=tz)


def _next_weekday(day: date) -> date:
    nxt = day + timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += timedelta(days=1)
    return nxt


def _previous_weekday(day: date) -> date:
    prev = day - timedelta(days=1)
    while prev.weekday() >= 5:
        prev -= timedelta(days=1)
    return prev


def _weekdays(start: date, end: date) -> tuple[date, ...]:
    s, e = start.toordinal(), end.toordinal()
    return tuple(date.fromordinal(o) for o in range(s, e + 1) if (o + 6) % 7 < 5)


def make_calendar(name: str, tz: str = "Asia/Shanghai", *, beyond: Beyond = "raise") -> Calendar:
    """The calendar a rules preset names: ``"XSHG"`` or ``"weekdays"``."""
    if name == "XSHG":
        return TradingCalendar(beyond=beyond, tz=tz)
    if name == "weekdays":
        return WeekdayCalendar(tz)
    raise ValueError(f"calendar must be 'XSHG' or 'weekdays', was {name!r}")
