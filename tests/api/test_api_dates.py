"""Every date and time a request carries is validated: a real date, ISO 8601, ASCII digits,
inside the years 2000 to 2100; a bad one is a 422 naming the field, never a 500."""

from __future__ import annotations

import pytest
from liveapi import LiveApi

from openets.client import ApiError
from openets.domain.when import WhenError, parse_day, parse_time


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "0001-01-01"}, "from"),
        ({"to": "9999-12-31T23:59:59-14:00"}, "to"),
        ({"from": "0001-01-01T00:00:00+14:00"}, "from"),
        ({"to": "2021-02-30"}, "to"),
        ({"from": "２０２１-07-16"}, "from"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_statement_date_out_of_range_is_422_naming_the_field(
    api: LiveApi, params: dict[str, str], field: str
) -> None:
    p = api.participant()
    with pytest.raises(ApiError) as e:
        p.client.get(f"/registry/accounts/{p.account_id}/statement", **params)
    assert (e.value.status, e.value.code, e.value.field) == (422, "INVALID_FIELD", field)
    assert next(iter(params.values())) in e.value.message  # quoted as sent


def test_surveillance_day_that_does_not_exist_is_422(api: LiveApi) -> None:
    with api.unchanged(), pytest.raises(ApiError) as e:
        api.client("regulator").post("/supervision/surveillance", {"day": "2021-02-30"})
    assert (e.value.status, e.value.field) == (422, "day")
    assert "2021-02-30" in e.value.message


def test_alerts_day_query_is_validated(api: LiveApi) -> None:
    with pytest.raises(ApiError) as e:
        api.client("regulator").get("/supervision/alerts", day="2021-13-01")
    assert (e.value.status, e.value.field) == (422, "day")


def test_daily_report_date_outside_the_window_is_422(api: LiveApi) -> None:
    with pytest.raises(ApiError) as e:
        api.anon().get("/reports/daily", date="0001-01-01")
    assert (e.value.status, e.value.field) == (422, "date")


def test_auction_closing_in_the_year_9999_is_refused(api: LiveApi) -> None:
    body = {
        "initiator": "A000001",
        "side": "sell",
        "instrument": "CEA19-20",
        "quantity": 1000,
        "closes_at": "9999-12-31T15:00:00+08:00",
    }
    with api.unchanged(), pytest.raises(ApiError) as e:
        api.client("exop").post("/auctions", body)
    assert (e.value.status, e.value.field) == (422, "closes_at")
    assert "9999-12-31T15:00:00+08:00" in e.value.message


def test_clock_advance_to_a_time_outside_the_window_is_422(api: LiveApi) -> None:
    with api.unchanged(), pytest.raises(ApiError) as e:
        api.client("exop").advance_clock(to="9999-12-31T23:59:59-14:00")
    assert (e.value.status, e.value.field) == (422, "to")


@pytest.mark.parametrize(
    "text", ["1999-12-31", "2101-01-01", "2021-02-29", "2021-7-16", "٢٠٢١-07-16", "", None]
)
def test_day_outside_the_window_or_not_a_date_is_refused(text: object) -> None:
    with pytest.raises(WhenError):
        parse_day(text)


@pytest.mark.parametrize(
    "text", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00+14:00", "2021-07-16T09:00", "x" * 20]
)
def test_time_outside_the_window_or_without_offset_is_refused(text: str) -> None:
    with pytest.raises(WhenError):
        parse_time(text)


def test_times_inside_the_window_are_taken() -> None:
    assert parse_day("2024-02-29").day == 29
    assert parse_time("2100-12-31T23:59:59-14:00").year == 2100
