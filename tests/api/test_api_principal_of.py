"""The principal of a request's user: made once per grant, made anew when the grant changes."""

from __future__ import annotations

from openets.api.auth import Permission, Role
from openets.api.users import principal_of
from openets.identity.model import Grant, User, UserStatus


def _user(grant: Grant) -> User:
    return User("cache-user", grant, "P1", UserStatus.ACTIVE, "regop", "2021-07-16T09:00+08:00")


def test_a_users_principal_is_made_once_per_grant() -> None:
    u = _user(Grant("participant", "A000001"))
    assert principal_of(u) is principal_of(u)


def test_a_users_principal_follows_a_change_of_its_grant() -> None:
    u = _user(Grant("participant", "A000001"))
    before = principal_of(u)
    u.grant = Grant("participant", "A000001", (Permission.VIEW.value,))
    after = principal_of(u)
    assert before.permissions != after.permissions
    assert after.permissions == frozenset({Permission.VIEW})
    u.grant = Grant("exchange_operator", None)
    assert principal_of(u).role is Role.EXCHANGE_OPERATOR and principal_of(u).account_id is None
