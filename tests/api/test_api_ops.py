"""The clock, health, metrics, OpenAPI, and the error shape of routing and parsing errors."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from liveapi import LiveApi, make_live_api

from openets.client import ApiError
from openets.domain.clock import parse_iso

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


def test_clock_shows_the_simulated_time(api: LiveApi) -> None:
    c = api.anon().clock()
    assert c["mode"] == "simulated" and parse_iso(c["now"]) == api.clock.now()


def test_exchange_operator_advances_the_clock_by_seconds(api: LiveApi) -> None:
    before = api.clock.now()
    out = api.client("exop").advance_clock(seconds=3600)
    assert (parse_iso(out["now"]) - before).total_seconds() == 3600


def test_exchange_operator_advances_the_clock_to_a_time(api: LiveApi) -> None:
    target = api.clock.now().replace(year=api.clock.now().year + 1).isoformat()
    out = api.client("exop").advance_clock(to=target)
    assert parse_iso(out["now"]) == parse_iso(target)


def test_clock_cannot_go_back(api: LiveApi) -> None:
    with pytest.raises(ApiError) as exc:
        api.client("exop").advance_clock(to="2001-01-01T00:00+08:00")
    assert (exc.value.status, exc.value.code, exc.value.field) == (422, "INVALID_FIELD", "to")


@pytest.mark.parametrize(
    "body",
    [{}, {"seconds": 1, "to": "2030-01-01"}, {"seconds": -1}, {"seconds": 1.5}, {"to": "soon"}],
)
def test_clock_advance_needs_exactly_one_valid_target(
    api: LiveApi, body: dict[str, object]
) -> None:
    r = api.client("exop").request("POST", "/ops/clock/advance", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_FIELD"


def test_real_clock_cannot_be_advanced(tmp_path: Path) -> None:
    with make_live_api(tmp_path, clock="real") as live:
        with pytest.raises(ApiError) as exc:
            live.client("exop").advance_clock(seconds=5)
        assert (exc.value.status, exc.value.code) == (409, "INVALID_STATE")
        assert live.anon().clock()["mode"] == "real"


def test_health_reports_ok_and_the_journal_seq(api: LiveApi) -> None:
    h = api.anon().health()
    assert h["status"] == "ok" and h["journal_seq"] == api.seq()


def test_metrics_count_commands_by_outcome_and_time_requests(api: LiveApi) -> None:
    p = api.participant()
    p.client.request(
        "POST", "/funds/withdrawals", json={"account_id": p.account_id, "amount": "1.00"}
    )
    text = api.client("exop").metrics()
    assert 'openets_commands_rejected_total{code="INSUFFICIENT_FUNDS"}' in text
    assert f"openets_journal_seq {api.seq()}" in text
    assert (
        'openets_http_request_duration_seconds_bucket{method="POST",'
        'route="/api/v1/funds/withdrawals",le="+Inf"}' in text
    )
    accepted = next(
        line for line in text.splitlines() if line.startswith("openets_commands_accepted_total ")
    )
    assert int(accepted.split()[1]) > 0


def test_openapi_is_served_at_the_root(api: LiveApi) -> None:
    spec = httpx.get(f"{api.base_url}/openapi.json", timeout=30.0).json()  # built on first ask
    assert "/api/v1/funds/deposits" in spec["paths"]
    assert "/api/v1/registry/accounts/{account_id}/statement" in spec["paths"]


def test_unknown_route_is_404_in_the_error_shape(api: LiveApi) -> None:
    r = httpx.get(f"{api.base_url}/api/v1/nowhere")
    assert r.status_code == 404
    assert r.json() == {
        "error": {
            "code": "NOT_FOUND",
            "message": "no such path: GET /api/v1/nowhere",
            "field": None,
        }
    }


def test_wrong_method_is_405_in_the_error_shape(api: LiveApi) -> None:
    r = httpx.delete(f"{api.base_url}/api/v1/health")
    assert r.status_code == 405 and r.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_malformed_json_is_422_naming_the_body(api: LiveApi) -> None:
    c = api.client("regop")
    r = c.http.post(
        "/api/v1/registry/issuances",
        content=b"{not json",
        headers={"Authorization": f"Bearer {c.token}", "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "body"


def test_lone_surrogate_in_text_is_refused(api: LiveApi) -> None:
    c = api.client("regop")
    p = api.participant()
    body = (
        f'{{"account_id": "{p.account_id}", "product": "CEA21", "quantity": 1, '
        '"reason": "\\ud800"}'
    ).encode()
    with api.unchanged():
        r = c.http.post(
            "/api/v1/registry/issuances",
            content=body,
            headers={"Authorization": f"Bearer {c.token}", "Content-Type": "application/json"},
        )
    assert 400 <= r.status_code < 500


@pytest.mark.parametrize("control", ["\\u0000", "\\u001f", "\\u007f", "\\n"])
def test_text_with_a_control_character_is_refused(api: LiveApi, control: str) -> None:
    c = api.client("regop")
    p = api.participant()
    body = (
        f'{{"account_id": "{p.account_id}", "product": "CEA21", "quantity": 1, '
        f'"reason": "seed{control}x"}}'
    ).encode()
    with api.unchanged():
        r = c.http.post(
            "/api/v1/registry/issuances",
            content=body,
            headers={"Authorization": f"Bearer {c.token}", "Content-Type": "application/json"},
        )
    assert r.status_code == 422 and "control characters" in r.text


def test_end_of_day_on_a_market_with_nothing_listed_opens_no_day(tmp_path: Path) -> None:
    # Before: the close opened the day, found no instrument to close, and the finish answered
    # 409 "close the day before finishing it", leaving the day open.
    with make_live_api(tmp_path) as live:
        exop = live.client("exop")
        exop.advance_clock(to="2021-07-16T15:30+08:00")
        exop.end_of_day()
        status = exop.get("/ops/status")
        assert (status["phase"], status["day"]) == ("idle", "")


def test_market_status_names_the_sessions_and_the_clock_speed_where_one_is_set(
    api: LiveApi,
) -> None:
    body = httpx.get(f"{api.base_url}/api/v1/ops/status").json()
    assert body["listing_sessions"] == ["09:30-11:30", "13:00-15:00"]
    assert body["block_sessions"] == ["13:00-15:00"]
    assert body["clock_speed"] is None
    api.server.services.extras["clock_speed"] = 120.0  # as the demo sets it
    try:
        assert httpx.get(f"{api.base_url}/api/v1/ops/status").json()["clock_speed"] == 120.0
    finally:
        del api.server.services.extras["clock_speed"]


def test_market_status_says_whether_the_market_trades_by_listings_or_continuous_orders(
    api: LiveApi, tmp_path: Path
) -> None:
    """The terminal's entry posts listings or orders by it."""
    assert httpx.get(f"{api.base_url}/api/v1/ops/status").json()["matching"] == "listing"
    with make_live_api(tmp_path, preset="cn-cda") as cda:
        assert httpx.get(f"{cda.base_url}/api/v1/ops/status").json()["matching"] == "continuous"
