"""A disabled login can be re-enabled (``POST /users/{user_id}/enable``): a request of a
registry operator that a *different natural person* approves, as a new login is; journaled with
who asked and who approved, and restored by replay."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from liveapi import PASSWORD, LiveApi

from openets.bootstrap import open_market
from openets.client import ApiError, Client
from openets.identity.model import UserStatus


def _name(prefix: str = "user") -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def _err(c: Client, path: str, body: Any) -> tuple[int, str, str | None]:
    r = c.request("POST", path, json=body)
    e = r.json()["error"]
    return r.status_code, e["code"], e["field"]


def _disabled_staff(api: LiveApi) -> str:
    name = _name("staff")
    person = {"name": "王五", "id_number": secrets.token_hex(9).upper()}
    api.client("regop").create_user(name, PASSWORD, "exchange_operator", person=person)
    api.client("regop2").approve_user(name)
    api.client("regop2").disable_user(name, "调岗")
    return name


def test_disabled_staff_login_is_re_enabled_only_when_a_different_person_approves(
    api: LiveApi,
) -> None:
    name = _disabled_staff(api)
    row = api.client("regop").enable_user(name, "调回原岗")
    assert (row["status"], row["pending_enable"], row["pending_by"]) == ("disabled", True, "regop")
    with pytest.raises(ApiError) as exc:  # still disabled until approved
        api.login(name)
    assert exc.value.status == 401
    row = api.client("regop2").approve_user(name, "核对调令")
    assert (row["status"], row["pending_enable"]) == ("active", False)
    assert (row["enable_requested_by"], row["approved_by"]) == ("regop", "regop2")
    assert api.login(name).me()["role"] == "exchange_operator"


def test_re_enabling_approved_by_its_requester_is_rejected(api: LiveApi) -> None:
    name = _disabled_staff(api)
    api.client("regop").enable_user(name, "调回原岗")
    with api.unchanged():
        assert _err(api.client("regop"), f"/users/{name}/approve", {}) == (
            409,
            "SAME_PERSON_APPROVAL",
            "user_id",
        )
    assert api.state.identity.users[name].status is UserStatus.DISABLED


def test_login_bound_to_an_account_is_re_enabled_only_when_another_person_approves(
    api: LiveApi,
) -> None:
    p = api.participant()
    api.client("regop").disable_user(p.username, "授权到期")
    api.client("regop2").enable_user(p.username, "续签授权")
    with api.unchanged():
        assert _err(api.client("regop2"), f"/users/{p.username}/approve", {})[1] == (
            "SAME_PERSON_APPROVAL"
        )
    api.client("regop").approve_user(p.username)
    c = api.login(p.username)
    assert (c.me()["account_id"], c.get(f"/funds/{p.account_id}")["account_id"]) == (
        p.account_id,
        p.account_id,
    )


def test_re_enabling_a_login_that_is_not_disabled_is_refused(api: LiveApi) -> None:
    p = api.participant()
    with api.unchanged():
        assert _err(api.client("regop"), f"/users/{p.username}/enable", {"reason": "x"}) == (
            409,
            "ALREADY_DONE",
            "user_id",
        )


def test_re_enabling_twice_while_one_request_waits_is_refused(api: LiveApi) -> None:
    name = _disabled_staff(api)
    api.client("regop").enable_user(name, "调回原岗")
    with api.unchanged():
        code = _err(api.client("regop2"), f"/users/{name}/enable", {"reason": "再次"})
    assert code == (409, "INVALID_STATE", "user_id")


def test_re_enabling_waiting_for_approval_is_withdrawn_by_disabling_again(api: LiveApi) -> None:
    name = _disabled_staff(api)
    api.client("regop").enable_user(name, "调回原岗")
    row = api.client("regop").disable_user(name, "调令撤销")
    assert (row["status"], row["pending_enable"], row["disabled_by"]) == (
        "disabled",
        False,
        "regop",
    )
    with api.unchanged():  # nothing waits any more
        assert _err(api.client("regop2"), f"/users/{name}/approve", {})[:2] == (
            409,
            "INVALID_STATE",
        )
    with api.unchanged():  # and a disabled login with nothing waiting is already disabled
        assert _err(api.client("regop2"), f"/users/{name}/disable", {"reason": "x"})[1] == (
            "ALREADY_DONE"
        )


def test_re_enabling_needs_a_reason(api: LiveApi) -> None:
    name = _disabled_staff(api)
    with api.unchanged():
        status, _, field = _err(api.client("regop"), f"/users/{name}/enable", {"reason": ""})
    assert (status, field) == (422, "reason")


def test_re_enabling_is_journaled_with_who_asked_and_who_approved_and_replay_restores_it(
    api: LiveApi,
) -> None:
    name = _disabled_staff(api)
    before = api.seq()
    api.client("regop").enable_user(name, "调回原岗")
    api.client("regop2").approve_user(name, "核对调令")
    records = list(api.market.engine.journal.read(before))
    assert [(r.type, r.actor) for r in records] == [
        ("EnableRequested", "regop"),
        ("UserApproved", "regop2"),
    ]
    assert api.market.db_url is not None
    again = open_market(api.market.db_url)
    try:
        u = again.state.identity.users[name]
        assert (u.status, u.enable_requested_by, u.approved_by) == (
            UserStatus.ACTIVE,
            "regop",
            "regop2",
        )
        assert again.state.state_hash() == api.state.state_hash()
    finally:
        again.engine.journal.close()
