"""Users of the API and the web terminal: stored in the market database's ``users`` table.

A participant user is bound to one participant account and holds a subset of the permissions
``trade, funds, surrender, view``; several users may act for one account. Operators, the
regulator and verifiers are bound to no account. Passwords are stored as argon2id hashes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Row, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from openets.api.auth import ALL_PERMISSIONS, Permission, Principal, Role
from openets.api.security import Passwords
from openets.domain.messages import Command
from openets.domain.rejection import Code
from openets.store import schema

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$")
RESERVED = frozenset({"system"})
"""Names of the engine's own actors: no user may take them."""
MIN_PASSWORD = 8
MAX_PASSWORD = 256


class UserError(ValueError):
    """A user that cannot be added: the code, the field and a message stating the value."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    password_hash: str
    role: Role
    account_id: str | None
    permissions: frozenset[Permission]

    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.account_id, self.permissions)


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
            f"and not be {', '.join(sorted(RESERVED))}; was {username!r}",
            "username",
        )
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        n = len(password) if isinstance(password, str) else 0
        raise UserError(
            Code.INVALID_FIELD,
            f"password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters, has {n}",
            "password",
        )
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


def _row_to_record(row: Row[Any]) -> UserRecord:
    m = row._mapping
    perms = str(m["permissions"] or "")
    return UserRecord(
        str(m["username"]),
        str(m["password_hash"]),
        Role(str(m["role"])),
        m["account_id"],
        frozenset(Permission(p) for p in perms.split(",") if p),
    )


class UserStore:
    """Reads users with their own connection; writes go through the writer's connection."""

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


def _account_in_journal(conn: Connection, account_id: str) -> bool:
    """Whether the journal opened ``account_id`` as a participant account."""
    needle = orjson.dumps(account_id)
    rows = conn.execute(
        select(schema.journal.c.payload).where(schema.journal.c.type == "AccountOpened")
    )
    for (payload,) in rows:
        if needle in payload:
            d = orjson.loads(payload)
            if d.get("account_id") == account_id:
                return d.get("system_role") is None
    return False


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
) -> None:
    """Add a user to the market at ``db`` (the CLI's ``openets users add``).

    A regulator (national without ``provinces``) and a verifier with ``provinces`` are also
    appointed in the journal, as ``POST /users`` does."""
    from openets.store.db import make_engine

    r, perms = check_new_user(username, password, role, account, permissions)
    where = check_provinces(r, provinces)
    eng = make_engine(db)
    try:
        with eng.begin() as conn:
            if r is Role.PARTICIPANT and account and not _account_in_journal(conn, account):
                raise UserError(
                    Code.UNKNOWN_ACCOUNT, f"no participant account {account!r}", "account_id"
                )
            pw = (passwords or Passwords()).hash(password)
            rec = UserRecord(username, pw, r, account, perms)
            if not UserStore.insert(conn, rec):
                raise UserError(Code.DUPLICATE, f"user {username!r} exists", "username")
    finally:
        eng.dispose()
    appoint = appointment(username, r, where)
    if appoint is not None:
        _journal_appointment(db, appoint)


def _journal_appointment(db: str, cmd: Command) -> None:
    from openets.bootstrap import open_market
    from openets.compliance.state import SYSTEM_ACTOR
    from openets.domain.rejection import Rejection

    market = open_market(db)
    try:
        r = market.engine.submit(cmd, SYSTEM_ACTOR)
        if isinstance(r, Rejection) and r.code != Code.DUPLICATE:
            raise UserError(r.code, r.message, "provinces")
    finally:
        market.engine.journal.close()
