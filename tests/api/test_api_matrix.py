"""The authorization matrix over HTTP: every role (and a participant on its own account and on
another's) against every endpoint. Allowed calls succeed; the others get 401/403 and change
nothing (same journal seq, same state hash).

The expectations are written out here, independently of ``openets.api.auth.MATRIX``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from dsl import fresh_uscc
from liveapi import PASSWORD, LiveApi, Participant

from openets.client import Client
from openets.identity.model import SetMfa

OWNER, OTHER, REG, EXCH, REGUL, VERIF, ANON = (
    "owner",
    "other",
    "registry_operator",
    "exchange_operator",
    "regulator",
    "verifier",
    "anonymous",
)
ACTORS = (OWNER, OTHER, REG, EXCH, REGUL, VERIF, ANON)
VIEWERS = {OWNER, REG, EXCH, REGUL}


@dataclass
class World:
    api: LiveApi
    x: Participant  # the account the requests are about
    y: Participant  # another participant's account

    def client(self, actor: str) -> Client:
        if actor == OWNER:
            return self.x.client
        if actor == OTHER:
            return self.y.client
        if actor == ANON:
            return self.api.anon()
        return self.api.client(actor)


Prep = Callable[[World], dict[str, str]]


def _none(w: World) -> dict[str, str]:
    return {}


def _pending_transfer(w: World) -> dict[str, str]:
    rq = w.api.client("regop2").request_transfer(w.x.account_id, w.y.account_id, "CEA21", 1)
    return {"rid": rq["request_id"]}


def _issued_tx(w: World) -> dict[str, str]:
    c = w.api.client
    return {"tx": c("regop2").issue(w.x.account_id, "CEA21", 1, approver=c("regop"))["tx_id"]}


def _pending_correction(w: World) -> dict[str, str]:
    tx = _issued_tx(w)["tx"]
    return {"rid": w.api.client("regop2").request_correction(tx)["request_id"]}


def _pending_user(w: World) -> dict[str, str]:
    """A login requested by regop2, so that ``regop`` (another person) may approve it."""
    name = f"user{secrets.token_hex(5)}"
    w.api.client("regop2").create_user(name, PASSWORD, "participant", w.x.account_id)
    return {"uid": name}


def _active_user(w: World) -> dict[str, str]:
    name = _pending_user(w)["uid"]
    w.api.client("regop").approve_user(name)
    return {"uid": name}


def _disabled_user(w: World) -> dict[str, str]:
    name = _active_user(w)["uid"]
    w.api.client("regop2").disable_user(name, "left")
    return {"uid": name}


def _fresh_account(w: World) -> dict[str, str]:
    regop2 = w.api.client("regop2")
    acct = regop2.open_account("entity", "新电厂", fresh_uscc(), "河北")["account_id"]
    return {"acct": acct, "eid": f"M{acct}"}


def _covered_entity(w: World) -> dict[str, str]:
    p = _fresh_account(w)
    body = {"entity_id": p["eid"], "name": "新电厂", "province": "河北", "account_id": p["acct"]}
    w.api.client("regop2").post("/compliance/entities", {**body, "sector": "power"})
    return p


def _user_with_mfa(w: World) -> dict[str, str]:
    name = _active_user(w)["uid"]
    w.api.submit(SetMfa(name, True), name)  # as if the user had confirmed a code
    return {"uid": name}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with x, y and the prep's values
    body: Callable[[World, dict[str, str]], Any] | None
    allowed: frozenset[str]
    prep: Prep = _none


def _qty(w: World, _: dict[str, str]) -> dict[str, Any]:
    return {"account_id": w.x.account_id, "product": "CEA21", "quantity": 1}


def _money(w: World, _: dict[str, str]) -> dict[str, Any]:
    return {"account_id": w.x.account_id, "amount": "1.00"}


ENDPOINTS = (
    Endpoint(
        "open_account",
        "POST",
        "/registry/accounts",
        lambda w, _: {
            "subject_type": "entity",
            "name": "新开户",
            "id_code": fresh_uscc(),
            "province": "河北",
        },
        frozenset({REG}),
    ),
    Endpoint(
        "list_accounts",
        "GET",
        "/registry/accounts",
        None,
        frozenset({OWNER, OTHER, REG, EXCH, REGUL}),
    ),
    Endpoint("get_account", "GET", "/registry/accounts/{x}", None, frozenset(VIEWERS)),
    Endpoint("issue", "POST", "/registry/issuances", _qty, frozenset({REG})),
    Endpoint(
        "transfer",
        "POST",
        "/registry/transfers",
        lambda w, _: {
            "from_account": w.x.account_id,
            "to_account": w.y.account_id,
            "product": "CEA21",
            "quantity": 1,
        },
        frozenset({REG}),
    ),
    Endpoint("pending_requests", "GET", "/registry/requests", None, frozenset({REG, REGUL})),
    Endpoint(
        "approve_transfer",
        "POST",
        "/registry/transfers/{rid}/approve",
        lambda w, _: {},
        frozenset({REG}),
        _pending_transfer,
    ),
    Endpoint(
        "reject_transfer",
        "POST",
        "/registry/transfers/{rid}/reject",
        lambda w, _: {},
        frozenset({REG}),
        _pending_transfer,
    ),
    Endpoint(
        "surrender",
        "POST",
        "/registry/surrenders",
        lambda w, _: {
            "account_id": w.x.account_id,
            "compliance_year": 2021,
            "items": [{"product": "CEA21", "quantity": 1}],
        },
        frozenset({OWNER}),
    ),
    Endpoint("freeze", "POST", "/registry/freezes", _qty, frozenset({REG})),
    Endpoint("unfreeze", "POST", "/registry/unfreezes", _qty, frozenset({REG})),
    Endpoint(
        "correction",
        "POST",
        "/registry/corrections",
        lambda w, p: {"tx_id": p["tx"]},
        frozenset({REG}),
        _issued_tx,
    ),
    Endpoint(
        "approve_correction",
        "POST",
        "/registry/corrections/{rid}/approve",
        lambda w, _: {},
        frozenset({REG}),
        _pending_correction,
    ),
    Endpoint(
        "reject_correction",
        "POST",
        "/registry/corrections/{rid}/reject",
        lambda w, _: {},
        frozenset({REG}),
        _pending_correction,
    ),
    Endpoint("report", "GET", "/registry/report", None, frozenset({REG, REGUL})),
    Endpoint("statement", "GET", "/registry/accounts/{x}/statement", None, frozenset(VIEWERS)),
    Endpoint("deposit", "POST", "/funds/deposits", _money, frozenset({OWNER})),
    Endpoint("withdraw", "POST", "/funds/withdrawals", _money, frozenset({OWNER})),
    Endpoint("balances", "GET", "/funds/{x}", None, frozenset(VIEWERS)),
    # the settlement bank's own login reports (tests/api/test_api_bank_reports.py); no role here
    Endpoint(
        "bank_report",
        "POST",
        "/bank/reports",
        lambda w, _: {"kind": "deposit_received", "bank_ref": "MATRIX-REF-1"},
        frozenset(),
    ),
    Endpoint("bank_reports", "GET", "/bank/reports", None, frozenset({EXCH, REGUL})),
    Endpoint(
        "create_user",
        "POST",
        "/users",
        lambda w, _: {
            "username": f"user{secrets.token_hex(5)}",
            "password": PASSWORD,
            "role": "participant",
            "account_id": w.x.account_id,
        },
        frozenset({REG}),
    ),
    Endpoint(
        "advance_clock",
        "POST",
        "/ops/clock/advance",
        lambda w, _: {"seconds": 1},
        frozenset({EXCH}),
    ),
    Endpoint("me", "GET", "/auth/me", None, frozenset(set(ACTORS) - {ANON})),
    Endpoint("list_users", "GET", "/users", None, frozenset({REG})),
    Endpoint(
        "mfa_reset",
        "POST",
        "/users/{uid}/mfa/reset",
        lambda w, _: {"reason": "lost phone"},
        frozenset({REG}),
        _user_with_mfa,
    ),
    Endpoint("mfa_enroll", "POST", "/auth/mfa/enroll", None, frozenset(set(ACTORS) - {ANON})),
    Endpoint("health", "GET", "/health", None, frozenset(ACTORS)),
    Endpoint("clock", "GET", "/ops/clock", None, frozenset(ACTORS)),
    Endpoint(
        "approve_user",
        "POST",
        "/users/{uid}/approve",
        lambda w, _: {},
        frozenset({REG}),
        _pending_user,
    ),
    Endpoint(
        "disable_user",
        "POST",
        "/users/{uid}/disable",
        lambda w, _: {"reason": "left"},
        frozenset({REG}),
        _active_user,
    ),
    Endpoint(
        "enable_user",
        "POST",
        "/users/{uid}/enable",
        lambda w, _: {"reason": "back"},
        frozenset({REG}),
        _disabled_user,
    ),
    Endpoint(
        "register_entity",
        "POST",
        "/compliance/entities",
        lambda w, p: {
            "entity_id": p["eid"],
            "name": "新电厂",
            "province": "河北",
            "account_id": p["acct"],
            "sector": "power",
        },
        frozenset({REG}),
        _fresh_account,
    ),
    Endpoint(
        "register_installation",
        "POST",
        "/compliance/entities/{eid}/installations",
        lambda w, _: {"unit_id": "U1", "sector": "power", "category": "gas"},
        frozenset({REG}),
        _covered_entity,
    ),
    Endpoint(
        "compliance_entities",
        "GET",
        "/compliance/entities",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint(
        "compliance_reports",
        "GET",
        "/compliance/reports?year=2021",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint(
        "compliance_allocations",
        "GET",
        "/compliance/allocations?year=2021",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint(
        "compliance_status",
        "GET",
        "/compliance/status?year=2021",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint(
        "compliance_calendar",
        "GET",
        "/compliance/calendar?year=2021",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint(
        "compliance_calendar_due",
        "GET",
        "/compliance/calendar/due",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint(
        "compliance_carry_over",
        "GET",
        "/compliance/carry-over?year=2024",
        None,
        frozenset({OWNER, OTHER, REG, REGUL, VERIF}),
    ),
    Endpoint("compliance_runs", "GET", "/compliance/runs", None, frozenset({REG, REGUL})),
    Endpoint(
        "restrict_account",
        "POST",
        "/registry/accounts/{acct}/restrict",
        lambda w, _: {"reason": "协查"},
        frozenset({REG}),
        _fresh_account,
    ),
    Endpoint(
        "clawback",
        "POST",
        "/registry/clawbacks",
        lambda w, _: {**_qty(w, _), "reason": "收回"},
        frozenset({REG}),
    ),
    Endpoint(
        "approve_request",
        "POST",
        "/registry/requests/{rid}/approve",
        lambda w, _: {},
        frozenset({REG}),
        _pending_transfer,
    ),
    Endpoint(
        "pledge",
        "POST",
        "/finance/pledges",
        lambda w, _: {
            "pledgor": w.x.account_id,
            "lender": w.y.account_id,
            "product": "CEA21",
            "quantity": 1,
            "loan": "1.00",
            "maturity": "2099-06-30",
            "reference": "贷",
        },
        frozenset({OWNER}),
    ),
    Endpoint(
        "pledges", "GET", "/finance/pledges", None, frozenset({OWNER, OTHER, REG, EXCH, REGUL})
    ),
    Endpoint(
        "change_role",
        "POST",
        "/users/{uid}/role",
        lambda w, _: {"role": "participant", "account_id": w.x.account_id, "permissions": ["view"]},
        frozenset({REG}),
        _active_user,
    ),
)


@pytest.fixture(scope="module")
def world(api: LiveApi) -> World:
    x = api.participant(tonnes={"CEA21": 1_000_000}, fen=10**10)
    y = api.participant(tonnes={"CEA21": 1_000_000}, fen=10**10)
    api.client("regop").freeze(x.account_id, "CEA21", 100_000)
    return World(api, x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_role_may_call_endpoint_only_as_the_matrix_allows(
    world: World, ep: Endpoint, actor: str
) -> None:
    api = world.api
    values = {"x": world.x.account_id, "y": world.y.account_id, **ep.prep(world)}
    path = ep.path.format(**values)
    body = ep.body(world, values) if ep.body else None
    client = world.client(actor)
    if actor in ep.allowed:
        r = client.request(ep.method, path, json=body)
        assert 200 <= r.status_code < 300, f"{actor} {ep.name}: {r.status_code} {r.text}"
        if ep.name == "list_accounts" and actor == OTHER:
            assert [a["account_id"] for a in r.json()["data"]] == [world.y.account_id]
        return
    with api.unchanged():
        r = client.request(ep.method, path, json=body)
    expected = 401 if actor == ANON else 403
    assert r.status_code == expected, f"{actor} {ep.name}: {r.status_code} {r.text}"
    assert r.json()["error"]["code"] == ("UNAUTHENTICATED" if actor == ANON else "NOT_PERMITTED")


def test_participant_reading_an_unknown_account_gets_the_same_403(world: World) -> None:
    """Whether another account exists is not revealed to a participant."""
    c = world.x.client
    known = c.request("GET", f"/funds/{world.y.account_id}")
    unknown = c.request("GET", "/funds/A999999")
    assert known.status_code == unknown.status_code == 403
