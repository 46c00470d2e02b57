"""Logging in and out, tokens, browser sessions with CSRF, the login rate limit, users."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from liveapi import PASSWORD, LiveApi, make_live_api

from openets.client import ApiError, Client

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live


def _new_user(api: LiveApi, role: str = "regulator") -> str:
    name = f"user{secrets.token_hex(4)}"
    person = {"name": f"员工{name}", "id_number": secrets.token_hex(8).upper()}
    api.client("regop").create_user(name, PASSWORD, role, person=person)
    api.client("regop2").approve_user(name)  # a different person approves
    return name


def _err(resp: httpx.Response) -> dict[str, object]:
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    return dict(body["error"])


def test_token_login_returns_an_opaque_bearer_token(api: LiveApi) -> None:
    r = api.anon().request("POST", "/auth/token", json={"username": "regop", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and len(body["access_token"]) >= 40
    assert body["role"] == "registry_operator" and body["expires_in"] > 0


def test_wrong_password_is_refused_with_401(api: LiveApi) -> None:
    name = _new_user(api)
    r = api.anon().request("POST", "/auth/token", json={"username": name, "password": "nope-nope"})
    assert r.status_code == 401 and _err(r)["code"] == "UNAUTHENTICATED"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(api: LiveApi) -> None:
    name = _new_user(api)
    a = api.anon().request("POST", "/auth/token", json={"username": name, "password": "x" * 9})
    b = api.anon().request("POST", "/auth/token", json={"username": "ghost1", "password": "x" * 9})
    assert (a.status_code, a.json()) == (b.status_code, b.json())


def test_sixth_login_within_a_minute_after_five_failures_is_rate_limited(api: LiveApi) -> None:
    name = _new_user(api)
    anon = api.anon()
    for _ in range(5):
        r = anon.request("POST", "/auth/token", json={"username": name, "password": "wrong-pw"})
        assert r.status_code == 401
    r = anon.request("POST", "/auth/token", json={"username": name, "password": PASSWORD})
    assert r.status_code == 429 and _err(r)["code"] == "RATE_LIMITED"
    assert int(r.headers["Retry-After"]) >= 1


def test_failed_logins_of_one_user_do_not_block_another(api: LiveApi) -> None:
    blocked, other = _new_user(api), _new_user(api)
    for _ in range(6):
        api.anon().request("POST", "/auth/token", json={"username": blocked, "password": "bad-pw"})
    assert api.login(other).me()["username"] == other


def test_successful_login_clears_earlier_failures(api: LiveApi) -> None:
    name = _new_user(api)
    for _ in range(4):
        api.anon().request("POST", "/auth/token", json={"username": name, "password": "bad-pw"})
    api.login(name)
    for _ in range(4):
        api.anon().request("POST", "/auth/token", json={"username": name, "password": "bad-pw"})
    assert api.login(name).me()["username"] == name


def test_request_without_credentials_is_401(api: LiveApi) -> None:
    r = api.anon().request("GET", "/auth/me")
    assert r.status_code == 401 and _err(r)["code"] == "UNAUTHENTICATED"


def test_unknown_token_is_401(api: LiveApi) -> None:
    c = Client(api.base_url, token="not-a-token")
    r = c.request("GET", "/auth/me")
    assert r.status_code == 401 and _err(r)["code"] == "UNAUTHENTICATED"


def test_non_bearer_authorization_is_401(api: LiveApi) -> None:
    r = httpx.get(f"{api.base_url}/api/v1/auth/me", headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 401


def test_logged_out_token_no_longer_works(api: LiveApi) -> None:
    c = api.login("regulator")
    token = c.token
    c.logout()
    r = Client(api.base_url, token=token).request("GET", "/auth/me")
    assert r.status_code == 401


def test_me_describes_the_logged_in_user(api: LiveApi) -> None:
    p = api.participant(permissions=["view"])
    me = p.client.me()
    assert me == {
        "username": p.username,
        "role": "participant",
        "account_id": p.account_id,
        "permissions": ["view"],
    }


# --- browser sessions -------------------------------------------------------------------
def _session(api: LiveApi, username: str) -> tuple[httpx.Client, str]:
    h = httpx.Client(base_url=api.base_url)
    r = h.post("/api/v1/auth/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return h, str(r.json()["csrf_token"])


def test_session_login_sets_an_httponly_strict_cookie(api: LiveApi) -> None:
    h = httpx.Client(base_url=api.base_url)
    r = h.post("/api/v1/auth/session", json={"username": "regop", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "openets_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert len(r.json()["csrf_token"]) >= 40


def test_session_cookie_authenticates_reads_without_csrf(api: LiveApi) -> None:
    h, _ = _session(api, "regulator")
    assert h.get("/api/v1/auth/me").json()["username"] == "regulator"


def test_cookie_command_without_csrf_header_is_refused_and_changes_nothing(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    h, _ = _session(api, "regop")
    with api.unchanged():
        r = h.post(
            "/api/v1/registry/freezes",
            json={"account_id": p.account_id, "product": "CEA21", "quantity": 1},
        )
    assert r.status_code == 403 and _err(r)["code"] == "CSRF_FAILED"


def test_cookie_command_with_wrong_csrf_token_is_refused(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    h, _ = _session(api, "regop")
    with api.unchanged():
        r = h.post(
            "/api/v1/registry/freezes",
            json={"account_id": p.account_id, "product": "CEA21", "quantity": 1},
            headers={"X-CSRF-Token": "forged"},
        )
    assert r.status_code == 403 and _err(r)["code"] == "CSRF_FAILED"


def test_cookie_command_with_csrf_header_is_accepted(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 10})
    h, csrf = _session(api, "regop")
    r = h.post(
        "/api/v1/registry/freezes",
        json={"account_id": p.account_id, "product": "CEA21", "quantity": 1},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201


def test_bearer_token_is_no_csrf_token(api: LiveApi) -> None:
    """A bearer token cannot stand in for the CSRF token of a cookie session."""
    h, _ = _session(api, "regop")
    bearer = api.client("regop").token or ""
    r = h.post("/api/v1/auth/logout", headers={"X-CSRF-Token": bearer})
    assert r.status_code == 403


def test_session_logout_needs_csrf_and_clears_the_cookie(api: LiveApi) -> None:
    h, csrf = _session(api, "regulator")
    assert h.post("/api/v1/auth/logout").status_code == 403
    r = h.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and "openets_session=" in r.headers["set-cookie"]
    h.cookies.clear()
    assert h.get("/api/v1/auth/me").status_code == 401


# --- users --------------------------------------------------------------------------------
def test_registry_operator_adds_a_participant_user_who_can_log_in(api: LiveApi) -> None:
    p = api.participant()
    name = f"user{secrets.token_hex(4)}"
    body = api.client("regop").create_user(name, PASSWORD, "participant", p.account_id)
    assert {k: body[k] for k in ("username", "role", "account_id", "permissions")} == {
        "username": name,
        "role": "participant",
        "account_id": p.account_id,
        "permissions": ["funds", "surrender", "trade", "view"],
    }
    assert (body["user_id"], body["status"]) == (name, "pending_approval")
    api.client("regop2").approve_user(name)
    assert api.login(name).me()["account_id"] == p.account_id


def test_several_users_may_act_for_one_account(api: LiveApi) -> None:
    p = api.participant()
    second = f"user{secrets.token_hex(4)}"
    api.client("regop").create_user(second, PASSWORD, "participant", p.account_id)
    api.client("regop2").approve_user(second)
    assert api.login(second).account(p.account_id)["account_id"] == p.account_id


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"role": "participant"}, 422, "INVALID_FIELD", "account_id"),
        ({"role": "regulator", "account_id": "A000001"}, 422, "INVALID_FIELD", "account_id"),
        ({"role": "participant", "account_id": "A999999"}, 404, "UNKNOWN_ACCOUNT", "account_id"),
        ({"role": "participant", "account_id": "S000001"}, 404, "UNKNOWN_ACCOUNT", "account_id"),
        ({"role": "king"}, 422, "INVALID_FIELD", "role"),
        ({"role": "regulator", "password": "short"}, 422, "INVALID_FIELD", "password"),
        ({"role": "regulator", "username": "a b"}, 422, "INVALID_FIELD", "username"),
        ({"role": "regulator", "permissions": ["view"]}, 422, "INVALID_FIELD", "permissions"),
        (
            {"role": "participant", "account_id": "A000001", "permissions": ["fly"]},
            422,
            "INVALID_FIELD",
            "permissions[0]",
        ),
    ],
)
def test_invalid_user_is_refused_naming_the_field(
    api: LiveApi, body: dict[str, object], status: int, code: str, field: str
) -> None:
    api.participant()  # A000001 exists
    full = {"username": f"user{secrets.token_hex(4)}", "password": PASSWORD, **body}
    r = api.client("regop").request("POST", "/users", json=full)
    assert r.status_code == status, r.text
    assert (_err(r)["code"], _err(r)["field"]) == (code, field)


def test_duplicate_username_is_refused_with_409(api: LiveApi) -> None:
    name = _new_user(api)
    with pytest.raises(ApiError) as exc:
        api.client("regop").create_user(name, PASSWORD, "regulator")
    assert (exc.value.status, exc.value.code, exc.value.field) == (409, "DUPLICATE", "username")


def test_participant_without_funds_permission_cannot_deposit(api: LiveApi) -> None:
    p = api.participant(permissions=["view", "trade"])
    with api.unchanged(), pytest.raises(ApiError) as exc:
        p.client.deposit(p.account_id, "10.00")
    assert (exc.value.status, exc.value.code) == (403, "NOT_PERMITTED")
    assert "funds" in exc.value.message


def test_every_command_is_journaled_with_the_acting_username(api: LiveApi) -> None:
    p = api.participant()
    before = api.seq()
    p.client.deposit(p.account_id, "10.00")  # the user's instruction, then the bank's credit
    records = list(api.market.engine.journal.read(before))
    assert [r.actor for r in records] == [p.username, "bank"]
