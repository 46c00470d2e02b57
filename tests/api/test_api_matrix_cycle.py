"""The authorization matrix of the compliance cycle's steps and of the end of day with its daily
report, and of the market stability mechanisms (an eu-like market): every role (and a
participant on its own account and on another's) against every endpoint. Allowed calls
succeed; the others get 401 (anonymous) or 403 and change nothing.

The compliance rows run on a market of 2022-03-01 with an entity ``EX`` (山东) bound to the
owner's account; the verifier is appointed in 山东. The expectations are written out here,
independently of ``openets.api.auth.MATRIX``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import test_api_authz_trading as authz
from liveapi import PASSWORD, LiveApi, Participant
from marketapi import at, instrument, listed, market_server, ok, take
from test_api_authz_trading import (
    ACTORS,
    EVERYONE,
    EXCH,
    OWN_ONLY,
    REGUL,
    VERIF,
    Endpoint,
    Values,
    World,
)

from openets.client import Client
from openets.compliance.state import ReportStatus

ENTITY = "EX"
VERIFIER = "ver-sd"


def _line(unit: str, mwh: int, emissions: int) -> dict[str, Any]:
    return {"unit_id": unit, "supply_mwh": mwh, "load_factor": "0.9", "emissions_t": emissions}


PRIOR = [_line("U1", 1_000_000, 0), _line("U2", 100_000, 0)]
LINES = [_line("U1", 1_100_000, 900_000), _line("U2", 100_000, 40_000)]


class CycleWorld(World):
    """The verifier of this world is the one appointed where the entity is."""

    def client(self, actor: str) -> Client:
        return self.api.client(VERIFIER) if actor == VERIF else super().client(actor)


def _reports(w: World) -> dict[int, ReportStatus]:
    comp = w.api.state.compliance
    return {y: r.status for (e, y), r in comp.reports.items() if e == ENTITY}


def _report_of(w: World, status: ReportStatus) -> int:
    """A year of EX's report in ``status``: submitted (and verified) anew if there is none."""
    have = _reports(w)
    for year, st in sorted(have.items()):
        if st is status and year != 2021:
            return year
    year = _fresh_year(w)["year"]
    body = {"entity_id": ENTITY, "year": year, "lines": LINES}
    ok(w.x.client.request("POST", "/compliance/reports", json=body), 201)
    if status is not ReportStatus.SUBMITTED:
        path = f"/compliance/reports/{ENTITY}/{year}/verify"
        ok(w.api.client(VERIFIER).request("POST", path, json={"lines": LINES}))
    return int(year)


def _fresh_year(w: World) -> dict[str, Any]:
    have = _reports(w)
    return {"year": next(y for y in range(2022, 2100) if y not in have)}


def _submitted(w: World) -> Values:
    return {"eid": ENTITY, "year": str(_report_of(w, ReportStatus.SUBMITTED))}


def _verified(w: World) -> Values:
    return {"eid": ENTITY, "year": str(_report_of(w, ReportStatus.VERIFIED))}


def _ready_for_2021_final(w: World) -> Values:
    """2021 pre-allocated and EX's 2021 report approved (once)."""
    comp = w.api.state.compliance
    reg = w.api.client("regulator")
    if not any(r.kind == "preallocation" and r.year == 2021 for r in comp.runs):
        body = {"plan": "2021", "year": 2021, "prior": [{"entity_id": ENTITY, "lines": PRIOR}]}
        ok(reg.request("POST", "/compliance/allocations/preallocate", json=body), 201)
    if (ENTITY, 2021) not in comp.reports:
        body = {"entity_id": ENTITY, "year": 2021, "lines": LINES}
        ok(w.x.client.request("POST", "/compliance/reports", json=body), 201)
        path = f"/compliance/reports/{ENTITY}/2021"
        ok(w.api.client(VERIFIER).request("POST", f"{path}/verify", json={"lines": LINES}))
        ok(reg.request("POST", f"{path}/approve", json={}))
    return {}


ENDPOINTS = (
    Endpoint(
        "submit_report",
        "POST",
        "/compliance/reports",
        lambda w, v: {"entity_id": ENTITY, "year": v["year"], "lines": LINES},
        OWN_ONLY,
        _fresh_year,
    ),
    Endpoint(
        "verify_report",
        "POST",
        "/compliance/reports/{eid}/{year}/verify",
        lambda w, v: {"lines": LINES},
        frozenset({VERIF}),
        _submitted,
    ),
    Endpoint(
        "approve_report",
        "POST",
        "/compliance/reports/{eid}/{year}/approve",
        None,
        frozenset({REGUL}),
        _verified,
    ),
    Endpoint(
        "preallocate",
        "POST",
        "/compliance/allocations/preallocate",
        lambda w, v: {
            "plan": "2019-2020",
            "year": 2019,
            "prior": [{"entity_id": ENTITY, "lines": PRIOR}],
        },
        frozenset({REGUL}),
    ),
    Endpoint(
        "finalize",
        "POST",
        "/compliance/allocations/finalize",
        lambda w, v: {"plan": "2021", "year": 2021},
        frozenset({REGUL}),
        _ready_for_2021_final,
    ),
)


def _staff(api: LiveApi, username: str, role: str, provinces: list[str]) -> None:
    body = {"username": username, "password": PASSWORD, "role": role, "provinces": provinces}
    body["person"] = {"name": username, "id_number": secrets.token_hex(8).upper()}
    ok(api.client("regop").request("POST", "/users", json=body), 201)
    api.client("regop2").approve_user(username)


def _entity_world(api: LiveApi) -> tuple[Participant, Participant]:
    """The verifier of 山东, EX (山东, a coal unit and a gas unit) bound to x, and y."""
    _staff(api, VERIFIER, "verifier", ["山东"])
    x = api.participant(province="山东")
    y = api.participant(province="山东")
    regop = api.client("regop")
    body = {"entity_id": ENTITY, "name": "EX 电厂", "province": "山东"}
    body |= {"account_id": x.account_id, "sector": "power"}
    ok(regop.request("POST", "/compliance/entities", json=body), 201)
    for unit, cat in (("U1", "coal_300_plus"), ("U2", "gas")):
        unit_body = {"unit_id": unit, "sector": "power", "category": cat, "capacity_mw": 600}
        path = f"/compliance/entities/{ENTITY}/installations"
        ok(regop.request("POST", path, json=unit_body), 201)
    return x, y


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("authz-cycle")
    with market_server(path, start="2022-03-01T10:00+08:00") as api:
        x, y = _entity_world(api)
        yield CycleWorld(api, "", x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_role_may_take_a_compliance_step_only_as_the_matrix_allows(
    cycle: World, ep: Endpoint, actor: str
) -> None:
    authz.test_role_may_call_trading_endpoint_only_as_the_matrix_allows(cycle, ep, actor)


# --- penalties: an entity short of its 2019 obligation after the deadline -------------------

PENALTY_ENDPOINTS = (
    Endpoint(
        "assess_penalties",
        "POST",
        "/compliance/penalties/assess",
        lambda w, v: {"year": 2019},
        frozenset({REGUL}),
    ),
)


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """EX's 2019 cycle up to the final allocation; nothing surrendered; the deadline passed."""
    with market_server(tmp_path_factory.mktemp("authz-pen"), start="2021-03-01T10:00+08:00") as api:
        x, y = _entity_world(api)
        reg = api.client("regulator")
        body = {"plan": "2019-2020", "year": 2019, "prior": [{"entity_id": ENTITY, "lines": PRIOR}]}
        ok(reg.request("POST", "/compliance/allocations/preallocate", json=body), 201)
        body = {"entity_id": ENTITY, "year": 2019, "lines": LINES}
        ok(x.client.request("POST", "/compliance/reports", json=body), 201)
        path = f"/compliance/reports/{ENTITY}/2019"
        ok(api.client(VERIFIER).request("POST", f"{path}/verify", json={"lines": LINES}))
        ok(reg.request("POST", f"{path}/approve", json={}))
        at(api, "2021-09-30T10:00+08:00")
        body = {"plan": "2019-2020", "year": 2019}
        ok(reg.request("POST", "/compliance/allocations/finalize", json=body), 201)
        at(api, "2022-01-04T10:00+08:00")
        yield CycleWorld(api, "", x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", PENALTY_ENDPOINTS, ids=lambda e: e.name)
def test_role_may_assess_penalties_only_as_the_matrix_allows(
    short: World, ep: Endpoint, actor: str
) -> None:
    authz.test_role_may_call_trading_endpoint_only_as_the_matrix_allows(short, ep, actor)


CARRY_OVER_ENDPOINTS = (
    Endpoint(
        "apply_carry_over",
        "POST",
        "/compliance/carry-over/apply",
        lambda w, v: {"year": 2024},
        frozenset({REGUL}),
    ),
)


@pytest.fixture(scope="module")
def after_2024(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """EX registered; the 2024 surrender deadline has passed."""
    path = tmp_path_factory.mktemp("authz-carry")
    with market_server(path, start="2026-01-05T10:00+08:00") as api:
        x, y = _entity_world(api)
        yield CycleWorld(api, "", x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", CARRY_OVER_ENDPOINTS, ids=lambda e: e.name)
def test_role_may_apply_the_carry_over_only_as_the_matrix_allows(
    after_2024: World, ep: Endpoint, actor: str
) -> None:
    authz.test_role_may_call_trading_endpoint_only_as_the_matrix_allows(after_2024, ep, actor)


# --- the end of day and the daily report ------------------------------------------------------


def _closed_day(w: World) -> Values:
    if w.api.anon().request("GET", "/reports/daily?date=2021-07-16").status_code == 404:
        ok(w.api.client("exop").request("POST", "/ops/eod", json={"force": True}))
    return {}


EOD_ENDPOINTS = (
    Endpoint("eod", "POST", "/ops/eod", lambda w, v: {"force": True}, frozenset({EXCH})),
    Endpoint("daily_report", "GET", "/reports/daily?date=2021-07-16", None, EVERYONE, _closed_day),
)


@pytest.fixture(scope="module")
def eod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with market_server(tmp_path_factory.mktemp("authz-eod")) as api:
        at(api, "14:00")
        code = instrument(api)
        x = api.participant(tonnes={"CEA21": 10}, fen=100_000)
        y = api.participant(tonnes={"CEA21": 10}, fen=100_000)
        ok(take(y, listed(x, code, "sell", "48.00", 5), 5), 201)
        at(api, "15:10")
        yield World(api, "", x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", EOD_ENDPOINTS, ids=lambda e: e.name)
def test_role_may_run_the_end_of_day_and_read_its_report_only_as_the_matrix_allows(
    eod: World, ep: Endpoint, actor: str
) -> None:
    authz.test_role_may_call_trading_endpoint_only_as_the_matrix_allows(eod, ep, actor)


# --- market stability mechanisms (an eu-like market: the MSR) ---------------------------------

RESERVE_ENDPOINTS = (
    Endpoint("reserves", "GET", "/supervision/reserves", None, frozenset({REGUL})),
    Endpoint(
        "apply_reserve_rule",
        "POST",
        "/supervision/reserves/apply",
        lambda w, v: {"rule": "msr", "product": "CEA21", "year": 2025, "tnac": 500_000_000},
        frozenset({REGUL}),
    ),
)


@pytest.fixture(scope="module")
def eu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with market_server(tmp_path_factory.mktemp("authz-eu"), preset="eu-like") as api:
        x = api.participant(tonnes={"CEA21": 10}, fen=100_000)
        y = api.participant(tonnes={"CEA21": 10}, fen=100_000)
        yield World(api, "", x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", RESERVE_ENDPOINTS, ids=lambda e: e.name)
def test_role_may_read_and_apply_the_reserves_only_as_the_matrix_allows(
    eu: World, ep: Endpoint, actor: str
) -> None:
    authz.test_role_may_call_trading_endpoint_only_as_the_matrix_allows(eu, ep, actor)
