"""Pure rules of identity: who may request, approve, change and disable logins.

Every rule runs when a login is requested and again when it is approved (the state may have
changed in between: the account closed, the person given another login).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import TypeVar, cast

from openets.domain.cells import name_error
from openets.domain.messages import Command, Ctx, Event
from openets.domain.rejection import Code, Rejection
from openets.identity.model import (
    PARTICIPANT,
    PERMISSIONS,
    ROLES,
    STAFF_ROLES,
    ApproveUser,
    BootstrapUser,
    DisableUser,
    EnableRequested,
    Grant,
    IdentityState,
    MfaChanged,
    PersonRef,
    PersonRegistered,
    RequestEnable,
    RequestRoleChange,
    RequestUser,
    RoleChangeRequested,
    SetMfa,
    User,
    UserApproved,
    UserBootstrapped,
    UserDisabled,
    UserRequested,
    UserStatus,
)
from openets.registry.port import Account, AccountStatus

Result = tuple[Event, ...] | Rejection

Accounts = Callable[[str], Account | None]
"""The registry's account of an id (None for an unknown one), handed in by the service from the
registry's port: a login's account must exist and not be closed."""

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}\Z")
"""ASCII only, and ``\\Z`` rather than ``$``: a trailing line break is not part of a name."""
RESERVED = frozenset({"system", "seed", "bank", "bootstrap"})
"""Names of the engine's own actors: no login may take them."""
ID_NUMBER_RE = re.compile(r"^[0-9A-Z]{6,32}$")
NAME_MAX = 64


class IdNumberError(ValueError):
    pass


def id_digest(id_number: str) -> str:
    """The digest a person is known by: SHA-256 of the ID number, upper-cased and trimmed.

    Raises :class:`IdNumberError` unless it is 6-32 ASCII letters or digits."""
    n = id_number.strip().upper() if isinstance(id_number, str) else ""
    if not ID_NUMBER_RE.match(n):
        raise IdNumberError(
            f"id_number must be 6-32 ASCII letters or digits (an ID card or passport number), "
            f"was {id_number!r}"
        )
    return hashlib.sha256(f"openets-person:{n}".encode()).hexdigest()


def check_username(username: object) -> Rejection | None:
    if not isinstance(username, str) or not USERNAME_RE.match(username) or username in RESERVED:
        return Rejection(
            Code.INVALID_FIELD,
            "username must be 3-64 letters, digits or . _ - @, start with a letter or digit "
            f"and not be one of {', '.join(sorted(RESERVED))}; was {username!r}",
            "username",
        )
    return None


def check_grant(accounts: Accounts, g: Grant) -> Rejection | None:
    """The role, the account and the permissions of a login, against the registry."""
    if g.role not in ROLES:
        return Rejection(
            Code.INVALID_FIELD, f"role must be one of {', '.join(ROLES)}, was {g.role!r}", "role"
        )
    bad = [p for p in g.permissions if p not in PERMISSIONS]
    if bad or len(set(g.permissions)) != len(g.permissions):
        return Rejection(
            Code.INVALID_FIELD,
            f"permissions must be distinct values among {', '.join(PERMISSIONS)}, "
            f"were {list(g.permissions)!r}",
            "permissions",
        )
    if g.role != PARTICIPANT:
        if g.account_id:
            return Rejection(
                Code.INVALID_FIELD,
                f"only participant users are bound to an account; {g.role} had {g.account_id!r}",
                "account_id",
            )
        if tuple(sorted(g.permissions)) != PERMISSIONS:
            return Rejection(
                Code.INVALID_FIELD, "permissions apply to participant users only", "permissions"
            )
        return None
    if not g.account_id:
        return Rejection(
            Code.INVALID_FIELD, "a participant user must be bound to an account", "account_id"
        )
    acct = accounts(g.account_id)
    if acct is None or acct.system_role is not None:
        return Rejection(
            Code.UNKNOWN_ACCOUNT, f"no participant account {g.account_id!r}", "account_id"
        )
    if acct.status is AccountStatus.CLOSED:
        return Rejection(
            Code.ACCOUNT_NOT_ACTIVE,
            f"account {g.account_id} is closed: nobody can represent it",
            "account_id",
        )
    return None


def _person_rule(ids: IdentityState, person_id: str, g: Grant, username: str) -> Rejection | None:
    """One person, at most one staff login, and never both a staff login and an account's."""
    p = ids.persons.get(person_id)
    if p is None:
        return None
    others = [ids.users[n] for n in p.logins if n != username]
    staff = [u.username for u in others if u.staff]
    if staff:
        return Rejection(
            Code.PERSON_HAS_STAFF_LOGIN,
            f"person {person_id} already holds the staff login {staff[0]}; one person holds "
            "one staff login and no other login",
            "person",
        )
    if g.role in STAFF_ROLES and others:
        return Rejection(
            Code.PERSON_HAS_STAFF_LOGIN,
            f"person {person_id} represents an account as {others[0].username}; a staff "
            "login needs a person without other logins",
            "person",
        )
    return None


def _person(
    ids: IdentityState, ref: PersonRef, username: str, staff: bool, ctx: Ctx
) -> tuple[str, list[Event]] | Rejection:
    """The person a new login belongs to, registering a new one if need be."""
    if ref.person_id:
        if ref.person_id not in ids.persons:
            return Rejection(Code.UNKNOWN_PERSON, f"no person {ref.person_id!r}", "person_id")
        return ref.person_id, []
    if ref.id_digest:
        known = ids.by_digest.get(ref.id_digest)
        if known is not None:
            return known, []
    elif staff:
        return Rejection(
            Code.INVALID_FIELD,
            "a staff user needs the natural person it belongs to: person {name, id_number} "
            "or person_id",
            "person",
        )
    name = ref.name.strip() or username
    bad = name_error(name)
    if bad is not None:
        return Rejection(Code.INVALID_FIELD, f"person.name {ref.name!r} {bad}", "person.name")
    if len(name) > NAME_MAX or not name.isprintable():
        return Rejection(
            Code.INVALID_FIELD,
            f"person.name must be 1-{NAME_MAX} printable characters, was {ref.name!r}",
            "person.name",
        )
    pid = ctx.ids.next("PN")
    return pid, [PersonRegistered(pid, name, ref.id_digest, ctx.actor, ctx.now.isoformat())]


def _new_login(
    ids: IdentityState,
    accounts: Accounts,
    username: str,
    g: Grant,
    ref: PersonRef,
    ctx: Ctx,
    *,
    bootstrap: bool = False,
) -> tuple[str, list[Event]] | Rejection:
    r = check_username(username) or check_grant(accounts, g)
    if r:
        return r
    if username in ids.users:
        return Rejection(Code.DUPLICATE, f"user {username!r} exists", "username")
    got = _person(ids, ref, username, g.role in STAFF_ROLES and not bootstrap, ctx)
    if isinstance(got, Rejection):
        return got
    pid, events = got
    r = _person_rule(ids, pid, g, username)
    return r if r else (pid, events)


def request_user(ids: IdentityState, accounts: Accounts, cmd: RequestUser, ctx: Ctx) -> Result:
    got = _new_login(ids, accounts, cmd.username, cmd.grant, cmd.person, ctx)
    if isinstance(got, Rejection):
        return got
    pid, events = got
    asker = ids.person_of(ctx.actor)
    if asker is not None and asker == pid:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"{ctx.actor} cannot request a login for the person it belongs to ({pid})",
            "person",
        )
    ev = UserRequested(cmd.username, cmd.grant, pid, ctx.actor, ctx.now.isoformat())
    return (*events, ev)


def bootstrap_user(ids: IdentityState, accounts: Accounts, cmd: BootstrapUser, ctx: Ctx) -> Result:
    got = _new_login(ids, accounts, cmd.username, cmd.grant, cmd.person, ctx, bootstrap=True)
    if isinstance(got, Rejection):
        return got
    pid, events = got
    return (*events, UserBootstrapped(cmd.username, cmd.grant, pid, ctx.actor, ctx.now.isoformat()))


def _user(ids: IdentityState, username: str) -> User | Rejection:
    u = ids.users.get(username)
    if u is None:
        return Rejection(Code.UNKNOWN_USER, f"no user {username!r}", "user_id")
    return u


def approve_user(ids: IdentityState, accounts: Accounts, cmd: ApproveUser, ctx: Ctx) -> Result:
    u = _user(ids, cmd.username)
    if isinstance(u, Rejection):
        return u
    if u.pending is None:  # a disabled login with a pending re-enabling is approved here too
        return Rejection(
            Code.INVALID_STATE,
            f"user {u.username} is {u.status.value} with nothing waiting for approval",
            "user_id",
        )
    approver = ids.person_of(ctx.actor)
    if approver is None:
        return Rejection(
            Code.NOT_PERMITTED, f"{ctx.actor} is not a login of a known person", "user_id"
        )
    asker = ids.person_of(u.pending_by)
    if approver in (asker, u.person_id) or ctx.actor == u.pending_by:
        whose = "its own login" if approver == u.person_id else f"a request of {u.pending_by}"
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"{ctx.actor} (person {approver}) cannot approve {whose}: a different natural "
            "person must approve",
            "user_id",
        )
    r = check_grant(accounts, u.pending) or _person_rule(ids, u.person_id, u.pending, u.username)
    if r:
        return r
    return (
        UserApproved(
            u.username, u.pending, u.pending_by, ctx.actor, cmd.reason, ctx.now.isoformat()
        ),
    )


def disable_user(ids: IdentityState, accounts: Accounts, cmd: DisableUser, ctx: Ctx) -> Result:
    u = _user(ids, cmd.username)
    if isinstance(u, Rejection):
        return u
    if u.status is UserStatus.DISABLED and u.pending is None:
        return Rejection(Code.ALREADY_DONE, f"user {u.username} is already disabled", "user_id")
    # A disabled login whose re-enabling waits for approval: disabling it again withdraws that.
    if cmd.username == ctx.actor:
        return Rejection(Code.INVALID_FIELD, "a user cannot disable its own login", "user_id")
    if not isinstance(cmd.reason, str) or not cmd.reason.strip():
        return Rejection(
            Code.INVALID_FIELD, f"reason must not be empty, was {cmd.reason!r}", "reason"
        )
    return (UserDisabled(u.username, ctx.actor, cmd.reason, ctx.now.isoformat()),)


def request_enable(ids: IdentityState, accounts: Accounts, cmd: RequestEnable, ctx: Ctx) -> Result:
    """Ask to re-enable a disabled login: it takes effect when a different natural person
    approves (:func:`approve_user`), and only if the login could be created now."""
    u = _user(ids, cmd.username)
    if isinstance(u, Rejection):
        return u
    if u.status is not UserStatus.DISABLED:
        code = Code.ALREADY_DONE if u.status is UserStatus.ACTIVE else Code.INVALID_STATE
        return Rejection(code, f"user {u.username} is {u.status.value}, not disabled", "user_id")
    if u.pending is not None:
        return Rejection(
            Code.INVALID_STATE,
            f"re-enabling user {u.username} was asked by {u.pending_by} and waits for approval",
            "user_id",
        )
    if not isinstance(cmd.reason, str) or not cmd.reason.strip():
        return Rejection(
            Code.INVALID_FIELD, f"reason must not be empty, was {cmd.reason!r}", "reason"
        )
    if ids.person_of(ctx.actor) == u.person_id:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"{ctx.actor} cannot ask to re-enable a login of its own person ({u.person_id})",
            "user_id",
        )
    r = check_grant(accounts, u.grant) or _person_rule(ids, u.person_id, u.grant, u.username)
    if r:
        return r
    return (EnableRequested(u.username, u.grant, ctx.actor, cmd.reason, ctx.now.isoformat()),)


def request_role_change(
    ids: IdentityState, accounts: Accounts, cmd: RequestRoleChange, ctx: Ctx
) -> Result:
    u = _user(ids, cmd.username)
    if isinstance(u, Rejection):
        return u
    if u.status is not UserStatus.ACTIVE or u.pending is not None:
        why = "has a change waiting for approval" if u.pending else f"is {u.status.value}"
        return Rejection(Code.INVALID_STATE, f"user {u.username} {why}", "user_id")
    r = check_grant(accounts, cmd.grant) or _person_rule(ids, u.person_id, cmd.grant, u.username)
    if r:
        return r
    if cmd.grant == u.grant:
        return Rejection(
            Code.ALREADY_DONE, f"user {u.username} already holds this role and account", "role"
        )
    if ids.person_of(ctx.actor) == u.person_id:
        return Rejection(
            Code.SAME_PERSON_APPROVAL, f"{ctx.actor} cannot change its own role", "user_id"
        )
    return (RoleChangeRequested(u.username, cmd.grant, ctx.actor, ctx.now.isoformat()),)


def set_mfa(ids: IdentityState, accounts: Accounts, cmd: SetMfa, ctx: Ctx) -> Result:
    u = _user(ids, cmd.username)
    if isinstance(u, Rejection):
        return u
    if not cmd.enabled and ctx.actor == u.username:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"{ctx.actor} cannot reset its own two-factor login; a registry operator does",
            "user_id",
        )
    if u.mfa == cmd.enabled:
        state = "on" if u.mfa else "off"
        return Rejection(Code.ALREADY_DONE, f"two-factor login is already {state}", "otp")
    return (MfaChanged(u.username, cmd.enabled, ctx.actor, ctx.now.isoformat()),)


C = TypeVar("C", bound=Command)


class IdentityTable(dict[type[Command], Callable[[IdentityState, Accounts, Command, Ctx], Result]]):
    """Command type -> its handler on the identity part and the registry's accounts; setting
    an entry is checked like :class:`openets.domain.tables.PartTable`."""

    def __setitem__(
        self, cmd_t: type[C], handler: Callable[[IdentityState, Accounts, C, Ctx], Result]
    ) -> None:
        super().__setitem__(
            cmd_t, cast("Callable[[IdentityState, Accounts, Command, Ctx], Result]", handler)
        )


HANDLERS = IdentityTable()
HANDLERS[RequestUser] = request_user
HANDLERS[BootstrapUser] = bootstrap_user
HANDLERS[ApproveUser] = approve_user
HANDLERS[DisableUser] = disable_user
HANDLERS[RequestRoleChange] = request_role_change
HANDLERS[RequestEnable] = request_enable
HANDLERS[SetMfa] = set_mfa
