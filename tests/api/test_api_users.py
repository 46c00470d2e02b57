"""Logins are journaled requests that a different natural person approves (issue 14, "four-eyes
bypass"): one person holds one staff login; who asked and who approved is recorded; replay
restores every login."""

from __future__ import annotations

import secrets
from typing import Any, get_args

import pytest
from liveapi import PASSWORD, LiveApi

from openets.api.schemas.auth import RoleName
from openets.bootstrap import open_market
from openets.client import ApiError, Client
from openets.identity.model import ROLES, UserStatus
from openets.registry.model import Bucket

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


def _person() -> dict[str, str]:
    return {"name": "李四", "id_number": secrets.token_hex(9).upper()}


def _name(prefix: str = "user") -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def _err(c: Client, method: str, path: str, body: Any = None) -> tuple[int, str, str | None]:
    r = c.request(method, path, json=body)
    e = r.json()["error"]
    return r.status_code, e["code"], e["field"]


def _person_id(api: LiveApi, username: str) -> str:
    return next(u["person_id"] for u in api.client("regop").users() if u["username"] == username)


def test_four_eyes_bypass_with_a_login_the_requester_created_fails(api: LiveApi) -> None:
    """regop requests a transfer, creates ``<regop>-alt`` and tries to approve with it."""
    x = api.participant(tonnes={"CEA21": 100})
    y = api.participant()
    regop = api.client("regop")
    rid = regop.request_transfer(x.account_id, y.account_id, "CEA21", 7)["request_id"]
    alt = _name("regop-alt")
    body = regop.create_user(alt, PASSWORD, "registry_operator", person=_person())
    assert (body["user_id"], body["status"]) == (alt, "pending_approval")
    with pytest.raises(ApiError) as exc:
        api.login(alt)
    assert exc.value.status == 401 and "pending_approval" in exc.value.message
    with api.unchanged():  # regop cannot approve the login it asked for
        assert _err(regop, "POST", f"/users/{alt}/approve", {}) == (
            409,
            "SAME_PERSON_APPROVAL",
            "user_id",
        )
    # Registered as regop's own person, the second login is refused outright.
    with api.unchanged():
        assert _err(
            regop,
            "POST",
            "/users",
            {
                "username": _name("regop-alt"),
                "password": PASSWORD,
                "role": "registry_operator",
                "person_id": _person_id(api, "regop"),
            },
        ) == (409, "PERSON_HAS_STAFF_LOGIN", "person")
    assert rid in api.state.registry.pending  # still waiting: nobody else approved it
    assert api.state.registry.bucket(y.account_id, "CEA21")[Bucket.AVAILABLE] == 0


def test_second_staff_login_of_one_person_is_rejected_even_when_another_person_approves(
    api: LiveApi,
) -> None:
    person = _person()
    first, second = _name("staff"), _name("staff")
    api.client("regop").create_user(first, PASSWORD, "regulator", person=person)
    api.client("regop2").approve_user(first)
    with api.unchanged(), pytest.raises(ApiError) as exc:
        api.client("regop2").create_user(second, PASSWORD, "exchange_operator", person=person)
    assert (exc.value.status, exc.value.code, exc.value.field) == (
        409,
        "PERSON_HAS_STAFF_LOGIN",
        "person",
    )


def test_staff_user_approved_by_its_creator_is_rejected(api: LiveApi) -> None:
    name = _name()
    api.client("regop").create_user(name, PASSWORD, "verifier", person=_person())
    with api.unchanged(), pytest.raises(ApiError) as exc:
        api.client("regop").approve_user(name)
    assert (exc.value.status, exc.value.code) == (409, "SAME_PERSON_APPROVAL")


def test_staff_user_without_a_natural_person_is_refused_naming_the_field(api: LiveApi) -> None:
    with api.unchanged():
        assert _err(
            api.client("regop"),
            "POST",
            "/users",
            {"username": _name(), "password": PASSWORD, "role": "regulator"},
        ) == (422, "INVALID_FIELD", "person")


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"name": "王五", "id_number": "12"}, "person.id_number"),
        ({"name": "王五", "id_number": "１２３４５６７８"}, "person.id_number"),
        ({"name": " ", "id_number": "110101199003070011"}, "person.name"),
    ],
)
def test_user_request_with_a_bad_person_is_refused_naming_the_field(
    api: LiveApi, person: dict[str, str], field: str
) -> None:
    body = {"username": _name(), "password": PASSWORD, "role": "regulator", "person": person}
    with api.unchanged():
        status, code, got = _err(api.client("regop"), "POST", "/users", body)
    assert (status, code, got) == (422, "INVALID_FIELD", field)


def test_login_bound_to_an_account_waits_for_another_person_before_it_can_withdraw(
    api: LiveApi,
) -> None:
    """One operator can no longer make a login for any account and withdraw with it."""
    p = api.participant(fen=100_000)
    name = _name("rep")
    regop = api.client("regop")
    assert regop.create_user(name, PASSWORD, "participant", p.account_id)["status"] == (
        "pending_approval"
    )
    with pytest.raises(ApiError) as exc:
        api.login(name)
    assert exc.value.status == 401
    with pytest.raises(ApiError) as exc:
        regop.approve_user(name)
    assert exc.value.code == "SAME_PERSON_APPROVAL"
    api.client("regop2").approve_user(name)
    assert api.login(name).me()["account_id"] == p.account_id


def test_a_staff_person_cannot_also_represent_an_account(api: LiveApi) -> None:
    p = api.participant()
    body = {
        "username": _name("rep"),
        "password": PASSWORD,
        "role": "participant",
        "account_id": p.account_id,
        "person_id": _person_id(api, "regop2"),
    }
    with api.unchanged():
        assert _err(api.client("regop"), "POST", "/users", body) == (
            409,
            "PERSON_HAS_STAFF_LOGIN",
            "person",
        )


def test_user_creation_is_journaled_with_who_asked_and_who_approved(api: LiveApi) -> None:
    name = _name()
    before = api.seq()
    api.client("regop").create_user(name, PASSWORD, "exchange_operator", person=_person())
    api.client("regop2").approve_user(name, "checked the ID card")
    records = list(api.market.engine.journal.read(before))
    assert [(r.type, r.actor) for r in records] == [
        ("PersonRegistered", "regop"),
        ("UserRequested", "regop"),
        ("UserApproved", "regop2"),
    ]
    assert b"argon2" not in b"".join(r.payload for r in records)  # no credential in the journal
    row = next(u for u in api.client("regop").users() if u["username"] == name)
    assert (row["status"], row["requested_by"], row["approved_by"]) == (
        "active",
        "regop",
        "regop2",
    )


def test_a_login_is_approved_without_a_body_as_a_reason_is_optional(api: LiveApi) -> None:
    name = _name()
    api.client("regop").create_user(name, PASSWORD, "verifier", person=_person())
    r = api.client("regop2").request("POST", f"/users/{name}/approve")
    assert r.status_code == 200 and r.json()["status"] == "active", r.text


def test_a_reason_refused_without_a_body_names_the_body(api: LiveApi) -> None:
    name = _name()
    with api.unchanged():
        assert _err(api.client("regop"), "POST", f"/users/{name}/disable") == (
            422,
            "INVALID_FIELD",
            "body",
        )


def test_replay_restores_every_login(api: LiveApi) -> None:
    name = _name()
    api.client("regop").create_user(name, PASSWORD, "verifier", person=_person())
    api.client("regop2").approve_user(name)
    assert api.market.db_url is not None
    again = open_market(api.market.db_url)
    try:
        ids = again.state.identity
        assert ids.users[name].status is UserStatus.ACTIVE
        assert ids.canonical() == api.state.identity.canonical()
        assert again.state.state_hash() == api.state.state_hash()
    finally:
        again.engine.journal.close()


def test_disabled_user_is_logged_out_at_once(api: LiveApi) -> None:
    name = _name()
    api.client("regop").create_user(name, PASSWORD, "regulator", person=_person())
    api.client("regop2").approve_user(name)
    c = api.login(name)
    assert c.me()["username"] == name
    row = api.client("regop").disable_user(name, "left the ministry")
    assert (row["status"], row["disabled_by"]) == ("disabled", "regop")
    assert c.request("GET", "/auth/me").status_code == 401
    with pytest.raises(ApiError):
        api.login(name)


def test_role_change_takes_effect_only_when_another_person_approves(api: LiveApi) -> None:
    p = api.participant()
    c = p.client
    row = api.client("regop").change_role(p.username, "participant", p.account_id, ["view"])
    assert row["pending_role"] == "participant" and row["pending_by"] == "regop"
    assert sorted(c.me()["permissions"]) == ["funds", "surrender", "trade", "view"]
    with pytest.raises(ApiError) as exc:
        api.client("regop").approve_user(p.username)
    assert exc.value.code == "SAME_PERSON_APPROVAL"
    api.client("regop2").approve_user(p.username)
    assert c.me()["permissions"] == ["view"]  # the open session follows the journal


def test_users_list_shows_pending_approvals_to_registry_operators_only(api: LiveApi) -> None:
    name = _name()
    api.client("regop").create_user(name, PASSWORD, "regulator", person=_person())
    pending = api.client("regop2").users(status="pending_approval")
    assert name in [u["username"] for u in pending]
    assert api.client("regulator").request("GET", "/users").status_code == 403


def test_approving_an_unknown_user_is_404_and_changes_nothing(api: LiveApi) -> None:
    with api.unchanged():
        assert _err(api.client("regop"), "POST", "/users/nobody-here/approve", {}) == (
            404,
            "UNKNOWN_USER",
            "user_id",
        )


def test_users_add_journals_an_approved_staff_login(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from openets.cli import app

    db = f"sqlite:///{tmp_path / 'm.db'}"
    args = ["users", "add", "--db", db, "--username", "boss", "--password", PASSWORD]
    r = CliRunner().invoke(
        app,
        [
            *args,
            "--role",
            "registry_operator",
            "--person-name",
            "赵六",
            "--id-number",
            "110101199003070011",
        ],
    )
    assert r.exit_code == 0, r.output
    m = open_market(db)
    try:
        u = m.state.identity.users["boss"]
        assert (u.status, u.requested_by, u.grant.role) == (
            UserStatus.ACTIVE,
            "system",
            "registry_operator",
        )
        assert m.state.identity.persons[u.person_id].name == "赵六"
    finally:
        m.engine.journal.close()


def test_users_only_in_the_table_are_adopted_into_the_journal(tmp_path: Any) -> None:
    """Databases from before identity was journaled keep their logins."""
    from openets.api.app import create_app
    from openets.api.auth import ALL_PERMISSIONS, Role
    from openets.api.security import Passwords
    from openets.api.users import UserRecord, UserStore
    from openets.store.db import make_engine

    db = f"sqlite:///{tmp_path / 'm.db'}"
    eng = make_engine(db)
    with eng.begin() as conn:
        pw = Passwords(1, 8192, 1).hash(PASSWORD)
        UserStore.insert(conn, UserRecord("old1", pw, Role.REGULATOR, None, ALL_PERMISSIONS))
    eng.dispose()
    m = open_market(db)
    try:
        create_app(m)
        assert m.state.identity.users["old1"].status is UserStatus.ACTIVE
    finally:
        m.engine.journal.close()


def test_the_api_accepts_exactly_the_roles_of_the_identity_context() -> None:
    assert get_args(RoleName) == ROLES
