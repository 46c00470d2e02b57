"""Who may log in: natural persons, their logins (users), roles and account representatives.

A *person* is a natural person (named, identified by the digest of an ID number); a *user* is a
login of one person. A staff login (any role but participant) and a login bound to an account
(a representative) are requested by one registry operator and take effect only when a
*different natural person* approves. One person holds at most one staff login, ever: a second
login for the same person cannot be used to approve the first one's requests.

Credentials (the argon2id password hash, the TOTP secret) are not events: they stay in the
market database's ``users`` table, written in the same transaction as the events. The journal
records who asked, who approved, the role, the account and the permissions, so replay restores
who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from openets.domain.messages import Command, Event

ROLES = (
    "participant",
    "registry_operator",
    "exchange_operator",
    "regulator",
    "verifier",
    "settlement_bank",
)
"""``settlement_bank``: the service identity of the settlement bank's system, which reports the
money it received and paid (a staff login like the others: its person is the bank's officer
responsible for it, and a second registry operator approves it)."""
PARTICIPANT = "participant"
REGISTRY_OPERATOR = "registry_operator"
STAFF_ROLES = frozenset(ROLES) - {PARTICIPANT}
PERMISSIONS = ("funds", "surrender", "trade", "view")


@dataclass(frozen=True, slots=True)
class MfaPolicy:
    """Where a market asks for a one-time code (a preset's choice)."""

    staff: bool = True
    """Every request of registry and exchange operators, regulators and verifiers."""
    participant_transfers: bool = True
    """A participant's withdrawals and transfers of allowances out of its account: surrenders
    and pledges. (A participant has no route that changes its account itself: opening,
    restricting and closing are registry operators' requests, under ``staff``.)"""


class UserStatus(StrEnum):
    PENDING = "pending_approval"
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class PersonRef:
    """The natural person a login belongs to: an existing ``person_id``, or a new person by name
    and the SHA-256 digest of the normalised ID number (the number itself is never stored)."""

    person_id: str = ""
    name: str = ""
    id_digest: str = ""


@dataclass(frozen=True, slots=True)
class Grant:
    """What a login may do: its role, the account it represents and its permissions there."""

    role: str
    account_id: str | None = None
    permissions: tuple[str, ...] = PERMISSIONS


# -- commands ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestUser(Command):
    """A registry operator asks for a new login; a different person approves it."""

    username: str
    grant: Grant
    person: PersonRef


@dataclass(frozen=True, slots=True)
class BootstrapUser(Command):
    """``openets users add``: a login set up by whoever runs the market, active at once."""

    username: str
    grant: Grant
    person: PersonRef


@dataclass(frozen=True, slots=True)
class ApproveUser(Command):
    """Approve a user's pending creation or pending role change."""

    username: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DisableUser(Command):
    username: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestEnable(Command):
    """Ask to re-enable a disabled login; a different natural person approves it
    (:class:`ApproveUser`), as for a new login."""

    username: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestRoleChange(Command):
    username: str
    grant: Grant


@dataclass(frozen=True, slots=True)
class SetMfa(Command):
    """The user turned two-factor login on (after proving a code) or it was reset."""

    username: str
    enabled: bool


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRegistered(Event):
    person_id: str
    name: str
    id_digest: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class UserRequested(Event):
    username: str
    grant: Grant
    person_id: str
    requested_by: str
    time: str


@dataclass(frozen=True, slots=True)
class UserBootstrapped(Event):
    username: str
    grant: Grant
    person_id: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class RoleChangeRequested(Event):
    username: str
    grant: Grant
    requested_by: str
    time: str


@dataclass(frozen=True, slots=True)
class EnableRequested(Event):
    """A disabled login's re-enabling was asked for: ``grant`` is what it would hold again."""

    username: str
    grant: Grant
    requested_by: str
    reason: str
    time: str


@dataclass(frozen=True, slots=True)
class UserApproved(Event):
    """The pending creation or role change took effect: ``grant`` is what the user now holds."""

    username: str
    grant: Grant
    requested_by: str
    approved_by: str
    reason: str
    time: str


@dataclass(frozen=True, slots=True)
class UserDisabled(Event):
    username: str
    disabled_by: str
    reason: str
    time: str


@dataclass(frozen=True, slots=True)
class MfaChanged(Event):
    username: str
    enabled: bool
    actor: str
    time: str


# -- state ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    person_id: str
    name: str
    id_digest: str
    logins: list[str] = field(default_factory=list)


@dataclass(slots=True)
class User:
    username: str
    grant: Grant
    person_id: str
    status: UserStatus
    requested_by: str
    created_at: str
    approved_by: str = ""
    disabled_by: str = ""
    pending: Grant | None = None
    """A role change waiting for approval (or, while pending, the requested grant itself)."""
    pending_by: str = ""
    mfa: bool = False
    enable_requested_by: str = ""
    """Who asked to re-enable the login, the last time it was (kept once approved)."""

    @property
    def staff(self) -> bool:
        return self.grant.role in STAFF_ROLES

    def history_key(self) -> tuple[object, ...]:
        g = self.grant
        p = self.pending
        return (
            self.username,
            g.role,
            g.account_id or "",
            list(g.permissions),
            self.person_id,
            self.status.value,
            self.requested_by,
            self.approved_by,
            self.disabled_by,
            [p.role, p.account_id or "", list(p.permissions)] if p else None,
            self.pending_by,
            self.mfa,
            *((self.enable_requested_by,) if self.enable_requested_by else ()),
        )


@dataclass(slots=True)
class IdentityState:
    persons: dict[str, Person] = field(default_factory=dict)
    by_digest: dict[str, str] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def person_of(self, username: str) -> str | None:
        u = self.users.get(username)
        return u.person_id if u is not None else None

    def active(self, username: str) -> User | None:
        u = self.users.get(username)
        return u if u is not None and u.status is UserStatus.ACTIVE else None

    def staff_login_of(self, person_id: str) -> str | None:
        """The one staff login a person holds (in any status), if any."""
        p = self.persons.get(person_id)
        if p is None:
            return None
        for name in p.logins:
            u = self.users[name]
            if u.staff or (u.pending is not None and u.pending.role in STAFF_ROLES):
                return name
        return None

    # -- appliers --
    def apply_person(self, ev: PersonRegistered) -> None:
        self.persons[ev.person_id] = Person(ev.person_id, ev.name, ev.id_digest)
        if ev.id_digest:
            self.by_digest[ev.id_digest] = ev.person_id

    def apply_requested(self, ev: UserRequested) -> None:
        self.users[ev.username] = User(
            ev.username,
            ev.grant,
            ev.person_id,
            UserStatus.PENDING,
            ev.requested_by,
            ev.time,
            pending=ev.grant,
            pending_by=ev.requested_by,
        )
        self.persons[ev.person_id].logins.append(ev.username)

    def apply_bootstrapped(self, ev: UserBootstrapped) -> None:
        self.users[ev.username] = User(
            ev.username, ev.grant, ev.person_id, UserStatus.ACTIVE, ev.actor, ev.time, ev.actor
        )
        self.persons[ev.person_id].logins.append(ev.username)

    def apply_role_requested(self, ev: RoleChangeRequested) -> None:
        u = self.users[ev.username]
        u.pending, u.pending_by = ev.grant, ev.requested_by

    def apply_enable_requested(self, ev: EnableRequested) -> None:
        u = self.users[ev.username]
        u.pending, u.pending_by, u.enable_requested_by = ev.grant, ev.requested_by, ev.requested_by

    def apply_approved(self, ev: UserApproved) -> None:
        u = self.users[ev.username]
        u.grant, u.status, u.approved_by = ev.grant, UserStatus.ACTIVE, ev.approved_by
        u.pending, u.pending_by = None, ""

    def apply_disabled(self, ev: UserDisabled) -> None:
        u = self.users[ev.username]
        u.status, u.disabled_by, u.pending, u.pending_by = (
            UserStatus.DISABLED,
            ev.disabled_by,
            None,
            "",
        )

    def apply_mfa(self, ev: MfaChanged) -> None:
        self.users[ev.username].mfa = ev.enabled

    def violations(self) -> list[str]:
        out = []
        for pid, p in self.persons.items():
            staff = [n for n in p.logins if self.users[n].staff]
            if len(staff) > 1:
                out.append(f"person {pid} holds {len(staff)} staff logins: {', '.join(staff)}")
        for u in self.users.values():
            if u.grant.role == PARTICIPANT and not u.grant.account_id:
                out.append(f"participant user {u.username} represents no account")
        return out

    def canonical(self) -> dict[str, Any]:
        return {
            "persons": sorted((p.person_id, p.name, p.id_digest) for p in self.persons.values()),
            "users": sorted(u.history_key() for u in self.users.values()),
        }


APPLIERS: dict[type, Callable[[Any, Any], None]] = {
    PersonRegistered: IdentityState.apply_person,
    UserRequested: IdentityState.apply_requested,
    UserBootstrapped: IdentityState.apply_bootstrapped,
    RoleChangeRequested: IdentityState.apply_role_requested,
    EnableRequested: IdentityState.apply_enable_requested,
    UserApproved: IdentityState.apply_approved,
    UserDisabled: IdentityState.apply_disabled,
    MfaChanged: IdentityState.apply_mfa,
}
