"""Users of the API and the web terminal.

Who a user is and may do (role, account, permissions, status, the person behind it, who asked
and who approved) lives in the journal: :mod:`openets.identity`. Credentials do not: the
argon2id password hash and the TOTP secret stay in the market database's ``users`` table,
written on the writer's connection so they commit with the journal records. The table also
mirrors the role and the account (the mailer reads recipients from it).

A participant user is bound to one participant account and holds a subset of the permissions
``trade, funds, surrender, view``; several users may act for one account. Operators, the
regulator and verifiers are bound to no account.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from openets.api.auth import ALL_PERMISSIONS, Permission, Principal, Role
from openets.api.password_policy import password_problem
from openets.api.security import Passwords
from openets.domain.messages import Command
from openets.domain.rejection import Code, Rejection
from openets.identity.handlers import RESERVED, USERNAME_RE, IdNumberError, id_digest
from openets.identity.model import (
    BootstrapUser,
    Grant,
    IdentityState,
    PersonRef,
    User,
    UserStatus,
)
from openets.market import MarketState
from openets.store import schema

BOOTSTRAP_ACTOR = "system"
"""The actor of logins set up with ``openets users add`` (and adopted from older databases)."""


class UserError(ValueError):
    """A user that cannot be added: the code, the field and a message stating the value."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A login's credentials row (and the role it was created with, mirrored)."""

    username: str
    password_hash: str
    role: Role
    account_id: str | None
    permissions: frozenset[Permission]
    totp_secret: str | None = None
    totp_pending: str | None = None
    totp_last_step: int | None = None

    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.account_id, self.permissions)


def identity_of(state: MarketState) -> IdentityState:
    ids: IdentityState = state.identity
    return ids


_PRINCIPALS: dict[str, tuple[Grant, Principal]] = {}
"""Username -> (the grant, its principal): every request asks for its user's principal, and a
grant (frozen) changes only by a journaled command, which makes a new one. One per user."""


def principal_of(user: User) -> Principal:
    g = user.grant
    hit = _PRINCIPALS.get(user.username)
    if hit is not None and hit[0] is g:
        return hit[1]
    p = Principal(
        user.username, Role(g.role), g.account_id, frozenset(Permission(p) for p in g.permissions)
    )
    _PRINCIPALS[user.username] = (g, p)
    return p


def active_principal(state: MarketState, username: str) -> Principal | None:
    """The user's principal as the journal has it now, or None unless the user is active."""
    u = identity_of(state).active(username)
    return principal_of(u) if u is not None else None


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise UserError(
            Code.INVALID_FIELD, f"role must be one of {allowed}, was {role!r}", "role"
        ) from None


def parse_permissions(perms: Iterable[str] | None) -> frozenset[Permission]:
    if perms is None:
        return ALL_PERMISSIONS
    out = set()
    for p in perms:
        try:
            out.add(Permission(p))
        except ValueError:
            allowed = ", ".join(x.value for x in Permission)
            raise UserError(
                Code.INVALID_FIELD,
                f"permissions must be among {allowed}, had {p!r}",
                "permissions",
            ) from None
    return frozenset(out)


def check_new_user(
    username: str,
    password: str,
    role: str,
    account_id: str | None,
    permissions: Iterable[str] | None = None,
) -> tuple[Role, frozenset[Permission]]:
    """Validate a new user's fields (not the account's existence). Raises :class:`UserError`."""
    if not isinstance(username, str) or not USERNAME_RE.match(username) or username in RESERVED:
        raise UserError(
            Code.INVALID_FIELD,
            "username must be 3-64 letters, digits or . _ - @, start with a letter or digit "
            f"and not be one of {', '.join(sorted(RESERVED))}; was {username!r}",
            "username",
        )
    bad = password_problem(password, username)
    if bad is not None:
        raise UserError(Code.INVALID_FIELD, bad, "password")
    return check_grant_fields(role, account_id, permissions)


def check_grant_fields(
    role: str, account_id: str | None, permissions: Iterable[str] | None = None
) -> tuple[Role, frozenset[Permission]]:
    """The role, the account and the permissions of a login. Raises :class:`UserError`."""
    r = parse_role(role)
    perms = parse_permissions(permissions)
    if r is Role.PARTICIPANT and not account_id:
        raise UserError(
            Code.INVALID_FIELD, "a participant user must be bound to an account", "account_id"
        )
    if r is not Role.PARTICIPANT and account_id:
        raise UserError(
            Code.INVALID_FIELD,
            f"only participant users are bound to an account; {r.value} had {account_id!r}",
            "account_id",
        )
    if r is not Role.PARTICIPANT and permissions is not None:
        raise UserError(
            Code.INVALID_FIELD, "permissions apply to participant users only", "permissions"
        )
    return r, perms if r is Role.PARTICIPANT else ALL_PERMISSIONS


def check_provinces(role: Role, provinces: Iterable[str] | None) -> tuple[str, ...]:
    """The provinces of a verifier (where it verifies) or a regulator (at most one; none:
    national). Raises :class:`UserError`."""
    from openets.domain.provinces import PROVINCES

    given = tuple(provinces or ())
    if given and role not in (Role.VERIFIER, Role.REGULATOR):
        raise UserError(
            Code.INVALID_FIELD,
            f"provinces apply to verifiers and regulators only; {role.value} had {given!r}",
            "provinces",
        )
    for p in given:
        if p not in PROVINCES:
            raise UserError(Code.INVALID_FIELD, f"{p!r} is not a province (e.g. 上海)", "provinces")
    if role is Role.REGULATOR and len(given) > 1:
        raise UserError(
            Code.INVALID_FIELD,
            f"a regulator regulates one province (or, with none, the nation); had {given!r}",
            "provinces",
        )
    if len(set(given)) != len(given):
        raise UserError(Code.DUPLICATE, f"a province is named twice in {given!r}", "provinces")
    return given


def appointment(username: str, role: Role, provinces: tuple[str, ...]) -> Command | None:
    """The compliance appointment a new user's role and provinces make (journaled with it)."""
    from openets.compliance.mrv import AppointRegulator, AppointVerifier
    from openets.compliance.state import NATIONAL

    if role is Role.REGULATOR:
        return AppointRegulator(username, provinces[0] if provinces else NATIONAL)
    if role is Role.VERIFIER and provinces:
        return AppointVerifier(username, provinces)
    return None


def grant_of(role: Role, account_id: str | None, perms: frozenset[Permission]) -> Grant:
    return Grant(role.value, account_id, tuple(sorted(p.value for p in perms)))


def person_ref(person_id: str | None, name: str | None, id_number: str | None) -> PersonRef:
    """The person a new login belongs to, from the request's fields. Raises :class:`UserError`."""
    if person_id:
        if name or id_number:
            raise UserError(
                Code.INVALID_FIELD, "give person_id or person {name, id_number}, not both", "person"
            )
        return PersonRef(person_id=person_id)
    if id_number is None:
        return PersonRef(name=name or "")
    try:
        digest = id_digest(id_number)
    except IdNumberError as exc:
        raise UserError(Code.INVALID_FIELD, f"person.{exc}", "person.id_number") from None
    if not name or not name.strip():
        raise UserError(
            Code.INVALID_FIELD, "person.name must not be empty with an id_number", "person.name"
        )
    return PersonRef(name=name.strip(), id_digest=digest)


def _row_to_record(row: Row[Any]) -> UserRecord:
    m = row._mapping
    perms = str(m["permissions"] or "")
    return UserRecord(
        str(m["username"]),
        str(m["password_hash"]),
        Role(str(m["role"])),
        m["account_id"],
        frozenset(Permission(p) for p in perms.split(",") if p),
        m.get("totp_secret"),
        m.get("totp_pending"),
        m.get("totp_last_step"),
    )


class UserStore:
    """Reads credentials with their own connection; writes go through the writer's connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, username: str) -> UserRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.users).where(schema.users.c.username == username)
            ).first()
        return _row_to_record(row) if row is not None else None

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(schema.users)).scalar_one())

    def all(self) -> list[UserRecord]:
        with self.engine.connect() as conn:
            return [_row_to_record(r) for r in conn.execute(select(schema.users))]

    @staticmethod
    def insert(conn: Connection, rec: UserRecord, now_ts: int | None = None) -> bool:
        """Insert on ``conn`` (not committed here); False if the username is taken."""
        values = {
            "username": rec.username,
            "password_hash": rec.password_hash,
            "role": rec.role.value,
            "account_id": rec.account_id,
            "permissions": ",".join(sorted(p.value for p in rec.permissions)),
            "created_ts": now_ts if now_ts is not None else int(time.time()),
        }
        ins = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt = (
            ins(schema.users)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(schema.users.c.username)
        )
        return conn.execute(stmt).first() is not None

    @staticmethod
    def read(conn: Connection, username: str) -> UserRecord | None:
        """The credentials row, read on ``conn`` (the writer's, inside its transaction)."""
        row = conn.execute(select(schema.users).where(schema.users.c.username == username)).first()
        return _row_to_record(row) if row is not None else None

    @staticmethod
    def exists(conn: Connection, username: str) -> bool:
        row = conn.execute(
            select(schema.users.c.username).where(schema.users.c.username == username)
        ).first()
        return row is not None

    @staticmethod
    def mirror(conn: Connection, username: str, grant: Grant) -> None:
        """Copy an approved role change into the credentials row (the mailer reads it)."""
        conn.execute(
            update(schema.users)
            .where(schema.users.c.username == username)
            .values(
                role=grant.role,
                account_id=grant.account_id,
                permissions=",".join(grant.permissions),
            )
        )


BOOTSTRAP_EPOCH = datetime.fromisoformat("2000-01-01T00:00:00+08:00")
"""When logins added to an empty market are recorded (before any market time)."""


def adopt_table_users(market_engine: Any, users: UserStore) -> int:
    """Journal, as bootstrap logins, users found only in the ``users`` table (rows written by
    an older version, or straight into the table). Returns how many were adopted."""
    ids = identity_of(market_engine.state)
    n = 0
    for rec in users.all():
        if rec.username in ids.users:
            continue
        cmd = BootstrapUser(
            rec.username, grant_of(rec.role, rec.account_id, rec.permissions), PersonRef()
        )
        r = market_engine.submit(cmd, BOOTSTRAP_ACTOR)
        if not isinstance(r, Rejection):
            n += 1
    return n


def add_user_to_db(
    db: str,
    username: str,
    password: str,
    role: str,
    account: str | None,
    permissions: Iterable[str] | None = None,
    *,
    passwords: Passwords | None = None,
    provinces: Iterable[str] | None = None,
    person_name: str | None = None,
    id_number: str | None = None,
    totp_secret: str | None = None,
) -> None:
    """Add a login to the market at ``db``, active at once (the CLI's ``openets users add``,
    for setting a market up while its server is stopped). The login is journaled (the actor is
    ``system``) and its credentials stored in the same transaction. A regulator (national
    without ``provinces``) and a verifier with ``provinces`` are also appointed, as
    ``POST /users`` does."""
    from openets.bootstrap import open_market
    from openets.domain.clock import SimulatedClock
    from openets.store.db import make_engine

    r, perms = check_new_user(username, password, role, account, permissions)
    where = check_provinces(r, provinces)
    ref = person_ref(None, person_name, id_number)
    if totp_secret is not None:
        from openets.api.mfa import MfaError, normalise_secret

        try:
            totp_secret = normalise_secret(totp_secret)
        except MfaError as exc:
            raise UserError(Code.INVALID_FIELD, str(exc), "totp_secret") from None
    pw = (passwords or Passwords()).hash(password)
    side = make_engine(db)
    try:
        if UserStore(side).get(username) is not None:
            raise UserError(Code.DUPLICATE, f"user {username!r} exists", "username")
    finally:
        side.dispose()
    clock = SimulatedClock(BOOTSTRAP_EPOCH)
    market = open_market(db, clock, genesis=False)
    try:
        last = market.engine.last_time
        if last is not None and last > clock.now():
            clock.set(last)
        eng = market.engine
        with eng.batch():
            res = eng.submit(BootstrapUser(username, grant_of(r, account, perms), ref), "system")
            if isinstance(res, Rejection):
                raise UserError(res.code, res.message, res.field)
            conn = eng.journal.connection()  # type: ignore[attr-defined]
            rec = UserRecord(username, pw, r, account, perms)
            if not UserStore.insert(conn, rec):
                raise UserError(Code.DUPLICATE, f"user {username!r} exists", "username")
            if totp_secret is not None:  # two-factor login on from the start
                from openets.api.mfa import store_secret
                from openets.identity.model import SetMfa

                store_secret(conn, username, totp_secret)
                eng.submit(SetMfa(username, True), BOOTSTRAP_ACTOR)
            appoint = appointment(username, r, where)
            if appoint is not None:
                res = eng.submit(appoint, BOOTSTRAP_ACTOR)
                if isinstance(res, Rejection) and res.code != Code.DUPLICATE:
                    raise UserError(res.code, res.message, "provinces")
    finally:
        market.engine.journal.close()


def user_view(u: User) -> dict[str, Any]:
    """A user as ``GET /users`` lists it (no credentials)."""
    g = u.grant
    p = u.pending
    return {
        "user_id": u.username,
        "username": u.username,
        "status": u.status.value,
        "role": g.role,
        "account_id": g.account_id,
        "permissions": list(g.permissions) if g.role == Role.PARTICIPANT.value else [],
        "person_id": u.person_id,
        "requested_by": u.requested_by,
        "approved_by": u.approved_by or None,
        "disabled_by": u.disabled_by or None,
        "pending_role": p.role if p is not None and u.status is not UserStatus.PENDING else None,
        "pending_account_id": (
            p.account_id if p is not None and u.status is not UserStatus.PENDING else None
        ),
        "pending_by": u.pending_by or None,
        "pending_enable": p is not None and u.status is UserStatus.DISABLED,
        "enable_requested_by": u.enable_requested_by or None,
        "mfa": u.mfa,
        "created_at": u.created_at,
    }


def bootstrap_logins(
    market_engine: Any,
    connection: Any,
    logins: Iterable[tuple[str, str, Role, str | None]],
) -> list[str]:
    """Journal logins set up with the market (the demo's), active at once, with their
    credentials ``(username, password_hash, role, account_id)`` written on ``connection`` (the
    journal's, so both commit together). Returns the usernames added (existing ones are kept)."""
    added = []
    with market_engine.batch():
        for username, pw_hash, role, acct in logins:
            if username in identity_of(market_engine.state).users:
                continue
            grant = grant_of(role, acct, ALL_PERMISSIONS)
            r = market_engine.submit(BootstrapUser(username, grant, PersonRef()), BOOTSTRAP_ACTOR)
            if isinstance(r, Rejection):
                raise UserError(r.code, r.message, r.field)
            conn = connection()
            if UserStore.insert(conn, UserRecord(username, pw_hash, role, acct, ALL_PERMISSIONS)):
                added.append(username)
    return added
