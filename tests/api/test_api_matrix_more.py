"""The authorization matrix, continued: positions, notifications, the signed head, metrics, the
registry's account lifecycle and pledges, supervision cases, links and large-holder reports.
Every role (and a participant on its own account and on another's) against every endpoint:
allowed calls succeed; the others get 401 (anonymous), 403 or 404 and change nothing (same
journal seq, same state hash).

The expectations are written out here, independently of ``openets.api.auth.MATRIX``; the check
is :func:`test_api_authz_trading.test_role_may_call_trading_endpoint_only_as_the_matrix_allows`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import test_api_authz_trading as authz
from dsl import fresh_uscc
from liveapi import LiveApi, Participant
from marketapi import at, instrument, listed, market_server, ok, take
from test_api_authz_trading import (
    ACCOUNT_VIEWERS,
    ACTORS,
    EVERYONE,
    EXCH,
    OTHER,
    OWN_ONLY,
    REG,
    REGUL,
    SIGNED_IN,
    VERIF,
    Endpoint,
    Values,
    World,
)

from openets.audit.keys import generate
from openets.supervision.messages import CaseStatus

DAY = "2021-07-16"
BLOCK = 600_000  # over the 500,000 t a large holder reports
NOT_HERS = {a: 404 for a in (OTHER, REG, EXCH, REGUL, VERIF)}
"""A note of the owner's: nobody else has it (404, as for a note that does not exist)."""


def _sup(w: World) -> Any:
    return w.api.state.supervision


# --- preparations --------------------------------------------------------------------------


def _x_note(w: World) -> Values:
    notes = w.x.client.get("/notifications")["data"]
    return {"nid": notes[0]["notification_id"]}


def _alert(w: World) -> Values:
    return {"aid": sorted(_sup(w).alerts)[0]}


def _free_alert(w: World) -> Values:
    st = _sup(w)
    free = sorted(a for a in st.alerts if a not in st.alert_case)
    return {"aid": free[0]}


def _case_in(w: World, status: CaseStatus) -> str:
    """A case of that status (opened, and reviewed, from a free alert if there is none)."""
    st = _sup(w)
    for cid, c in sorted(st.cases.items()):
        if c.status is status:
            return str(cid)
    reg = w.api.client("regulator")
    body = {"alert_ids": [_free_alert(w)["aid"]], "title": "集中买入"}
    cid = str(ok(reg.request("POST", "/supervision/cases", json=body), 201)["case_id"])
    if status is CaseStatus.UNDER_REVIEW:
        ok(reg.request("POST", f"/supervision/cases/{cid}/review", json={"note": "查"}))
    return cid


def _open_case(w: World) -> Values:
    return {"cid": _case_in(w, CaseStatus.OPEN)}


def _case_under_review(w: World) -> Values:
    return {"cid": _case_in(w, CaseStatus.UNDER_REVIEW)}


def _x_obligation(w: World) -> Values:
    obs = [o for o in _sup(w).obligations.values() if o.raised.account_id == w.x.account_id]
    return {"oid": obs[0].raised.obligation_id}


def _x_linked(w: World) -> Values:
    if w.x.account_id not in str(w.api.client("regulator").get("/supervision/links")):
        body = {"group_id": "G1", "account_ids": [w.x.account_id, w.y.account_id]}
        ok(w.api.client("regulator").request("POST", "/supervision/links", json=body | {
            "reason": "同一控制人"
        }))  # fmt: skip
    return {}


def _applied_account(w: World) -> Values:
    body = {"subject_type": "entity", "name": "新开户", "id_code": fresh_uscc()}
    out = ok(
        w.api.client("regop2").request(
            "POST", "/registry/accounts", json=body | {"province": "河北", "activate": False}
        ),
        201,
    )
    return {"acct": out["account_id"]}


def _empty_account(w: World) -> Values:
    regop2 = w.api.client("regop2")
    return {"acct": regop2.open_account("entity", "空户", fresh_uscc(), "河北")["account_id"]}


def _pending_transfer(w: World) -> Values:
    rq = w.api.client("regop2").request_transfer(w.x.account_id, w.y.account_id, "CEA21", 1)
    return {"rid": rq["request_id"]}


def _pledge_to_x(w: World) -> Values:
    """An active pledge of the other account's allowances to x (x is the lender)."""
    body = {
        "pledgor": w.y.account_id, "lender": w.x.account_id, "product": "CEA21",
        "quantity": 1, "loan": "100.00", "maturity": "2099-06-30", "reference": "贷",
    }  # fmt: skip
    return {"pid": ok(w.y.client.request("POST", "/finance/pledges", json=body), 201)["pledge_id"]}


def _pledge_in_default(w: World) -> Values:
    pid = _pledge_to_x(w)["pid"]
    regop2 = w.api.client("regop2")
    ok(regop2.request("POST", f"/finance/pledges/{pid}/default", json={"reason": "逾期未还"}))
    return {"pid": pid}


def _reason(text: str) -> Any:
    return lambda w, v: {"reason": text}


ENDPOINTS = (
    Endpoint("positions", "GET", "/accounts/{x}/positions", None, ACCOUNT_VIEWERS),
    Endpoint("audit_head", "GET", "/audit/head", None, EVERYONE),
    Endpoint("metrics", "GET", "/metrics", None, EVERYONE),
    Endpoint("notifications", "GET", "/notifications", None, SIGNED_IN),
    Endpoint(
        "read_notification",
        "POST",
        "/notifications/{nid}/read",
        None,
        OWN_ONLY,
        _x_note,
        NOT_HERS,
    ),
    # --- the registry: account lifecycle, requests, pledges
    Endpoint(
        "activate_account",
        "POST",
        "/registry/accounts/{acct}/activate",
        _reason("材料齐全"),
        frozenset({REG}),
        _applied_account,
    ),
    Endpoint(
        "close_account",
        "POST",
        "/registry/accounts/{acct}/close",
        _reason("注销"),
        frozenset({REG}),
        _empty_account,
    ),
    Endpoint(
        "reject_request",
        "POST",
        "/registry/requests/{rid}/reject",
        _reason("材料不全"),
        frozenset({REG}),
        _pending_transfer,
    ),
    Endpoint(
        "release_pledge",
        "POST",
        "/finance/pledges/{pid}/release",
        None,
        OWN_ONLY,  # the lender's user
        _pledge_to_x,
    ),
    Endpoint(
        "pledge_default",
        "POST",
        "/finance/pledges/{pid}/default",
        _reason("逾期未还"),
        frozenset({REG}),
        _pledge_to_x,
    ),
    Endpoint(
        "approve_pledge_default",
        "POST",
        "/finance/pledges/{pid}/default/approve",
        None,
        frozenset({REG}),
        _pledge_in_default,
    ),
    Endpoint(
        "reject_pledge_default",
        "POST",
        "/finance/pledges/{pid}/default/reject",
        None,
        frozenset({REG}),
        _pledge_in_default,
    ),
    # --- supervision
    Endpoint("alert", "GET", "/supervision/alerts/{aid}", None, frozenset({REGUL}), _alert),
    Endpoint("case", "GET", "/supervision/cases/{cid}", None, frozenset({REGUL}), _open_case),
    Endpoint(
        "open_case",
        "POST",
        "/supervision/cases",
        lambda w, v: {"alert_ids": [v["aid"]], "title": "集中买入"},
        frozenset({REGUL}),
        _free_alert,
    ),
    Endpoint(
        "review_case",
        "POST",
        "/supervision/cases/{cid}/review",
        lambda w, v: {"note": "调取成交记录"},
        frozenset({REGUL}),
        _open_case,
    ),
    Endpoint(
        "close_case",
        "POST",
        "/supervision/cases/{cid}/close",
        lambda w, v: {"finding": "no_violation", "note": "正常履约需求"},
        frozenset({REGUL}),
        _case_under_review,
    ),
    Endpoint(
        "unlink",
        "POST",
        "/supervision/links/remove",
        lambda w, v: {"account_ids": [w.x.account_id], "reason": "已核实"},
        frozenset({REGUL}),
        _x_linked,
    ),
    Endpoint(
        "file_large_holder_report",
        "POST",
        "/supervision/large-holders/{oid}/file",
        lambda w, v: {"text": "履约需求，持有至清缴"},
        OWN_ONLY,
        _x_obligation,
        {OTHER: 404},  # not an obligation of the other's account
    ),
)


def _alerts(api: LiveApi, n: int) -> None:
    """A day where one buyer takes all of each of ``n`` instruments: concentration alerts."""
    s = api.participant(tonnes={"CEA21": 100_000})
    b = api.participant(fen=10**10)
    for _ in range(n):
        code = instrument(api)
        for _ in range(2):
            ok(take(b, listed(s, code, "sell", "48.00", 5_000), 5_000), 201)
    reg = api.client("regulator")
    ok(reg.request("POST", "/supervision/surveillance", json={"day": DAY}), 201)


def _large_holder(api: LiveApi, code: str, buyer: Participant, seller: Participant) -> None:
    body = {"account_id": seller.account_id, "instrument": code, "side": "sell"}
    body |= {"price": "48.00", "quantity": BLOCK}
    rid = ok(seller.client.request("POST", "/block/requests", json=body), 201)["request_id"]
    accept = {"account_id": buyer.account_id, "price": "48.00", "quantity": BLOCK}
    ok(buyer.client.request("POST", f"/block/requests/{rid}/accept", json=accept), 201)
    ok(api.client("regulator").request("POST", "/supervision/large-holders/scan"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("authz-more")
    key = path / "market.key"
    generate(key)
    with market_server(  # the pilot's thresholds: a large holder to report
        path,
        preset="cn-pilot-limits",
        auction_tick_seconds=0,
        signing_key=str(key),
        checkpoint_every=20,
    ) as api:
        at(api, "13:30")  # both the listing and the block sessions
        code = instrument(api)
        x = api.participant(tonnes={"CEA21": 1_000}, fen=10**11)
        y = api.participant(tonnes={"CEA21": 10_000_000}, fen=10**11)
        _alerts(api, 4)
        _large_holder(api, code, x, y)
        yield World(api, code, x, y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_role_may_call_account_and_supervision_endpoint_only_as_the_matrix_allows(
    world: World, ep: Endpoint, actor: str
) -> None:
    authz.test_role_may_call_trading_endpoint_only_as_the_matrix_allows(world, ep, actor)
