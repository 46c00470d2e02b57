"""Trading days of mainland China (XSHG data) and session windows, in Beijing time."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, time

import pytest

from openets.domain.clock import BEIJING
from openets.trading.calendar import (
    CalendarRangeError,
    TradingCalendar,
    WeekdayCalendar,
    make_calendar,
)
from openets.trading.rules import CN_TRADING_RULES

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


LISTING = CN_TRADING_RULES.listing_sessions
CAL = TradingCalendar()


def test_first_trading_day_of_the_national_market_is_a_trading_day() -> None:
    assert CAL.is_trading_day(date(2021, 7, 16))


def test_national_day_holiday_is_not_a_trading_day() -> None:
    assert not CAL.is_trading_day(date(2021, 10, 1))


def test_weekend_is_not_a_trading_day() -> None:
    assert not CAL.is_trading_day(date(2021, 7, 17))


def test_weekend_make_up_workday_is_not_a_trading_day() -> None:
    assert not CAL.is_trading_day(date(2021, 9, 26))  # a Sunday worked for National Day


def test_first_compliance_cycle_had_114_trading_days() -> None:
    assert len(CAL.trading_days(date(2021, 7, 16), date(2021, 12, 31))) == 114


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_recent_years_had_242_trading_days(year: int) -> None:
    assert len(CAL.trading_days(date(year, 1, 1), date(year, 12, 31))) == 242


def test_next_trading_day_skips_the_national_day_holiday() -> None:
    assert CAL.next_trading_day(date(2021, 9, 30)) == date(2021, 10, 8)
    assert CAL.previous_trading_day(date(2021, 10, 8)) == date(2021, 9, 30)


def test_date_after_the_calendar_data_is_refused_by_default() -> None:
    after = date.fromordinal(CAL.last_day.toordinal() + 5)
    with pytest.raises(CalendarRangeError, match="outside the trading calendar"):
        CAL.is_trading_day(after)
    with pytest.raises(CalendarRangeError):
        CAL.next_trading_day(CAL.last_day)


def test_date_after_the_calendar_data_counts_weekdays_when_asked() -> None:
    cal = TradingCalendar(beyond="weekdays")
    last = cal.last_day
    nxt = cal.next_trading_day(last)
    assert nxt > last and nxt.weekday() < 5
    assert cal.previous_trading_day(nxt) == last
    assert all(d.weekday() < 5 for d in cal.trading_days(last, date(last.year + 1, 3, 1)))


def test_calendar_data_start_and_end_are_reported() -> None:
    assert CAL.first_day <= date(2021, 7, 16) <= CAL.last_day
    assert CAL.covers(date(2021, 7, 16))


def test_morning_session_is_open_at_0930() -> None:
    assert CAL.session_of(datetime(2021, 7, 16, 9, 30, tzinfo=BEIJING), LISTING) == 0


def test_afternoon_session_is_the_second_window() -> None:
    assert CAL.session_of(datetime(2021, 7, 16, 14, 59, 59, tzinfo=BEIJING), LISTING) == 1


@pytest.mark.parametrize("hm", [(9, 29), (11, 30), (12, 0), (15, 0)])
def test_listing_is_closed_outside_its_windows(hm: tuple[int, int]) -> None:
    assert not CAL.in_session(datetime(2021, 7, 16, *hm, tzinfo=BEIJING), LISTING)


def test_session_is_judged_in_beijing_time() -> None:
    utc = datetime(2021, 7, 16, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
    assert CAL.session_of(utc, LISTING) == 0


def test_weekday_calendar_has_no_holidays() -> None:
    cal = WeekdayCalendar()
    assert cal.is_trading_day(date(2021, 10, 1))
    assert not cal.is_trading_day(date(2021, 10, 2))
    assert cal.next_trading_day(date(2021, 10, 1)) == date(2021, 10, 4)
    assert cal.previous_trading_day(date(2021, 10, 4)) == date(2021, 10, 1)
    assert len(cal.trading_days(date(2021, 10, 1), date(2021, 10, 31))) == 21


def test_calendars_survive_pickling() -> None:
    for cal in (CAL, TradingCalendar(beyond="weekdays"), WeekdayCalendar("Europe/Berlin")):
        copy = pickle.loads(pickle.dumps(cal))
        assert type(copy) is type(cal) and copy.tz == cal.tz
        assert copy.is_trading_day(date(2021, 10, 1)) == cal.is_trading_day(date(2021, 10, 1))


def test_make_calendar_follows_the_preset_name() -> None:
    assert isinstance(make_calendar("XSHG"), TradingCalendar)
    assert isinstance(make_calendar("weekdays"), WeekdayCalendar)
    with pytest.raises(ValueError):
        make_calendar("NYSE")


def test_listing_session_windows_are_times_of_day() -> None:
    assert all(isinstance(t, time) for w in LISTING for t in w)
