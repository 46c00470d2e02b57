"""The first page names the market's day truthfully: the day in progress, today's date while no
day is open, a day already closed as closed, a day without trading as such."""

from __future__ import annotations

import pytest

from openets.web.loaders_work import today_of

pytestmark = pytest.mark.db_free

NOW = "2021-07-16T16:00:00+08:00"


def test_day_in_progress_is_named_with_its_phase() -> None:
    got = today_of({"phase": "open", "day": "2021-07-16", "now": NOW, "trading_day": True})
    assert got == {"day": "2021-07-16", "phase": "open"}


def test_before_the_first_day_today_is_named_not_a_dash() -> None:
    got = today_of({"phase": "idle", "day": "", "now": NOW, "trading_day": True})
    assert got == {"day": "2021-07-16", "phase": "idle"}


def test_a_day_whose_end_of_day_ran_is_closed_not_waiting_to_open() -> None:
    got = today_of({"phase": "idle", "day": "2021-07-16", "now": NOW, "trading_day": True})
    assert got == {"day": "2021-07-16", "phase": "ended"}


def test_a_weekend_is_not_a_trading_day() -> None:
    saturday = "2021-07-17T10:00+08:00"
    got = today_of({"phase": "idle", "day": "2021-07-16", "now": saturday, "trading_day": False})
    assert got == {"day": "2021-07-17", "phase": "no_trading"}
