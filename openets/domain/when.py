"""Dates and times from the outside world: ISO 8601, ASCII digits, real calendar dates, and
inside a sane window (years 2000 to 2100), so that no later conversion can overflow.

Errors quote the text as it was sent.
"""

from __future__ import annotations

from datetime import date, datetime

from openets.domain.clock import BEIJING

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


class WhenError(ValueError):
    """A date or time that is malformed or outside the window; the message says which."""


def _window(year: int, text: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise WhenError(f"must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}, was {text!r}")


def parse_day(text: object) -> date:
    """``YYYY-MM-DD``, a real calendar date within the window."""
    if not isinstance(text, str) or len(text) != 10 or not text.isascii():
        raise WhenError(f"must be a date YYYY-MM-DD, was {str(text)[:40]!r}")
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise WhenError(f"must be a real date YYYY-MM-DD, was {text!r}") from None
    _window(d.year, text)
    return d


def parse_time(text: object, *, offset_required: bool = True) -> datetime:
    """An ISO 8601 time (``2021-07-16T09:30:00+08:00``) within the window; without an offset
    (when allowed) it is Beijing time."""
    if not isinstance(text, str) or not 10 <= len(text) <= 40 or not text.isascii():
        raise WhenError(
            f"must be an ISO 8601 time such as 2021-07-16T09:30+08:00, was {str(text)[:40]!r}"
        )
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise WhenError(
            f"must be an ISO 8601 time such as 2021-07-16T09:30+08:00, was {text!r}"
        ) from None
    _window(dt.year, text)
    if dt.tzinfo is None:
        if offset_required:
            raise WhenError(f"must have a UTC offset such as +08:00, was {text!r}")
        dt = dt.replace(tzinfo=BEIJING)
    return dt
